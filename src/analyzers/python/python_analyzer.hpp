// The Python analyzer (see python_analyzer.cpp).
#pragma once

#include <memory>

#include "analyzers/analyzer.hpp"

namespace raison::python {

std::unique_ptr<Analyzer> make_python_analyzer();

}  // namespace raison::python
