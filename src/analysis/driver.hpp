// The analysis driver: runs a set of analyzers over a root to a fixed point (see driver.cpp).
#pragma once

#include <memory>
#include <vector>

#include "analysis/analyzer.hpp"

namespace raison {

// Seeds the graph with options.seeds and options.keep, then feeds every new file and every new entry
// point to each analyzer until nothing new is reached; each callback runs under the error policy of
// raison/analysis.hpp.
Analysis run_analysis(const Root& root, const Options& options, std::vector<std::unique_ptr<Analyzer>> analyzers);

}  // namespace raison
