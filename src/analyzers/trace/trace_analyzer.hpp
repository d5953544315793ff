// The trace analyzer (see trace_analyzer.cpp).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "analysis/analyzer.hpp"

namespace raison::trace {

// Reads and parses each trace file (--trace) now: one that cannot be read stops the run (Error), as a
// --rules file does; lines that cannot be parsed become notes.
std::unique_ptr<Analyzer> make_trace_analyzer(const std::vector<std::string>& trace_files);

}  // namespace raison::trace
