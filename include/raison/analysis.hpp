// The analysis stage's entry point: from a root, options and seeds, run the analyzers to a fixed point
// and return the closure graph with every diagnostic met on the way.
#pragma once

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
    Error,       // an input could not be read (malformed file, bad seed)
  };
  Severity severity;
  std::string file;     // the file the problem is about (path inside the root), may be empty
  std::string message;  // one line

  bool operator==(const Diagnostic&) const = default;
};

struct Analysis {
  Graph graph;
  std::vector<Diagnostic> diagnostics;
  // For each ELF entry point (seed, dlopen...): the files its dynamic loader maps, in load order.
  std::map<std::string, std::vector<std::string>> loaded_by_entry;
  // Files whose content in outputs is made by raison instead of copied (a regenerated ld.so.cache),
  // by canonical path.
  std::map<std::string, std::string> generated;
  // With traces: kept files only a trace explains, and statically required files no trace touched.
  std::vector<std::string> only_traced;
  std::vector<std::string> never_traced;

  bool incomplete() const;
};

// Runs the analyzers named in options.analyzers (all when empty) from options.seeds. Throws
// raison::Error only for problems that stop the whole analysis (e.g. an unknown analyzer); problems
// with single files become diagnostics.
Analysis analyze(const Root& root, const Options& options);

// The analyzers this build knows, by name.
std::vector<std::string> known_analyzers();

}  // namespace raison
