// Package data: the files in a regular package's directory that are not code — templates, .json,
// .pem, .mo, .dat files a package reads through __file__ or importlib.resources. Left out: modules
// (a loader's suffix), __pycache__, subpackages (their data comes with them when they are imported),
// and test directories (test, tests, testing).
#pragma once

#include <string>
#include <vector>

#include "analysis/analyzer.hpp"
#include "analyzers/python/layout.hpp"

namespace raison::python {

// The data files (and links) under the package directory `package_dir`, sorted.
std::vector<std::string> package_data(Context& ctx, const Layout& layout, const std::string& package_dir);

}  // namespace raison::python
