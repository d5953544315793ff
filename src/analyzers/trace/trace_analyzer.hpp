// The trace analyzer (see trace_analyzer.cpp).
#pragma once

#include <memory>

#include "analyzers/analyzer.hpp"

namespace raison::trace {

std::unique_ptr<Analyzer> make_trace_analyzer();

}  // namespace raison::trace
