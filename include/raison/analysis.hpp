// The analysis stage's entry point: from a root, options and seeds, run the analyzers to a fixed point
// and return the closure graph with every diagnostic met on the way.
//
// One error policy, everywhere:
// - A problem with one file of the root (unreadable, malformed, behind a loop of links, or something it
//   names that is missing) is a Diagnostic: the analysis goes on with the rest, the closure is marked
//   incomplete (exit 1), and the diagnostic names the analyzer, the file and the cause in one line.
//   Parsers throw raison::Error; the driver catches it once per analyzer callback (analysis/driver.cpp).
// - A problem with the whole run (an unknown analyzer, an unreadable --rules or --trace file given by
//   the user, an output that cannot be written) is a raison::Error thrown to the caller (exit 3).
// - Anything else that escapes (std::logic_error, std::bad_alloc...) is a bug in raison: the CLI says
//   "internal error" (exit 5).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "raison/graph.hpp"
#include "raison/options.hpp"
#include "raison/root.hpp"

namespace raison {

struct Diagnostic {
  enum class Severity {
    Note,        // worth saying, changes nothing
    Incomplete,  // something needed could not be found: the closure may not run
    Error,       // an input could not be read (malformed file, loop of links, bad seed)
  };
  // What kind of problem, for tools that decide on it (`verify`); the message says it in words.
  enum class Code {
    NotFound,    // something named (library, module, interpreter, seed, glob) is not in the root
    Unreadable,  // a file of the root or an input could not be read or parsed
    Remark,      // a fact worth saying that is no problem (an approximation, how something was read)
  };
  Severity severity = Severity::Note;
  Code code = Code::Remark;
  std::string analyzer;  // "elf", "python", ...; "" for the driver (seeds, --keep)
  std::string file;      // the file the problem is about (path inside the root), may be empty
  std::string message;   // one line

  bool operator==(const Diagnostic&) const = default;
};

std::string_view to_string(Diagnostic::Severity severity);
std::string_view to_string(Diagnostic::Code code);

struct Analysis {
  Graph graph;
  std::vector<Diagnostic> diagnostics;
  // For each ELF entry point (seed, dlopen...): the files its dynamic loader maps, in load order
  // (only with Options::record_load_order).
  std::map<std::string, std::vector<std::string>> loaded_by_entry;
  // Files whose content in outputs is made by raison instead of copied (a regenerated ld.so.cache),
  // by canonical path.
  std::map<std::string, std::string> generated;
  // With traces: kept files only a trace explains, and statically required files no trace touched.
  std::vector<std::string> only_traced;
  std::vector<std::string> never_traced;
  // With traces: directories kept because a traced program created something in them (a pid file in
  // /run, a socket, a cache directory), sorted.
  std::vector<std::string> created_in;
  // The ELF machine of the first seed that is an ELF file (EM_*, ELFCLASS*, ELFDATA*); 0 if none.
  std::uint16_t elf_machine = 0;
  std::uint8_t elf_class = 0;
  std::uint8_t elf_data = 0;

  bool incomplete() const;
};

// Runs the analyzers named in options.analyzers (all when empty) from options.seeds and
// options.keep. Throws raison::Error only for problems with the whole run (see above).
Analysis analyze(const Root& root, const Options& options);

// The analyzers this build knows, by name.
std::vector<std::string> known_analyzers();

}  // namespace raison
