// Scripts: the "#!" line and the analyzer that follows it to the interpreter.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "analyzers/analyzer.hpp"

namespace raison::script {

struct Shebang {
  std::string interpreter;  // "/usr/bin/env"
  std::string argument;     // "python3 -u" (one argument, as the kernel passes it)
};

// Parses the first line of a file as the kernel does; nullopt if it does not start with "#!".
std::optional<Shebang> parse_shebang(std::string_view head);

std::unique_ptr<Analyzer> make_script_analyzer();

}  // namespace raison::script
