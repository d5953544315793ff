// Scripts: the "#!" line, what running the script starts (the interpreter, and for "#!/usr/bin/env
// NAME" the program env finds), and the analyzer that follows it. Every analyzer that asks "what runs
// this script" asks read_script_runner(), so they cannot disagree.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/analyzer.hpp"

namespace raison::script {

struct Shebang {
  std::string interpreter;  // "/usr/bin/env"
  std::string argument;     // "python3 -u" (one argument, as the kernel passes it)
};

// Parses the first line of a file as the kernel does; nullopt if it does not start with "#!".
std::optional<Shebang> parse_shebang(std::string_view head);

// What the kernel starts for a script, and what that runs.
struct ScriptRunner {
  Shebang shebang;
  // For "#!/usr/bin/env [-S] NAME ...": NAME, and where env finds it through PATH ("" when nowhere;
  // NAME itself when it holds a '/'). Empty `program` when the #! names the interpreter directly.
  std::string program;
  std::string program_path;
  std::vector<std::string> tried;  // the PATH candidates env tries, in order
  // The program that reads the script: env's program when there is one, else the #! interpreter.
  std::string runs() const { return program.empty() ? shebang.interpreter : program_path; }
};

// The runner of the script at `canonical` (a regular file of the root), nullopt when it has no #!
// line. Throws Error when the file cannot be read.
std::optional<ScriptRunner> read_script_runner(Context& ctx, const std::string& canonical);

std::unique_ptr<Analyzer> make_script_analyzer();

}  // namespace raison::script
