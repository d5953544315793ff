// The contract between the analysis driver and each analyzer. An analyzer is told about every file
// that enters the graph (on_file) and about every file that becomes an entry point of its own
// (on_entry: a seed, a dlopen'ed library, an import); it answers by reaching more paths through the
// Context, each with a Reason.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "raison/analysis.hpp"

namespace raison {

class Context {
 public:
  using Vertex = Graph::Vertex;
  Context(const Root& root, const Options& options, Analysis& analysis)
      : root(root), options(options), analysis(analysis) {}
  virtual ~Context() = default;

  const Root& root;
  const Options& options;
  Analysis& analysis;
  Graph& graph() { return analysis.graph; }

  // Resolves `path` inside the root and adds it with `reason` (from reason.from, or from the seed
  // source when reason.from is empty). Every symlink met on the way is added too, with a Symlink
  // reason from the same file. Returns the final file's vertex, or nullopt if the path does not exist.
  virtual std::optional<Vertex> reach(std::string_view path, const Reason& reason, bool follow_last = true) = 0;

  // Adds an already resolved path (as from Root::resolve) the same way.
  virtual std::optional<Vertex> reach(const Resolved& resolved, const Reason& reason) = 0;

  // Loads library NAME as dlopen() called from FROM would: the dynamic loader's search for FROM (its
  // RPATH/RUNPATH, LD_LIBRARY_PATH, the cache, the default directories). The library is added with
  // `reason` (an entry point: its own dependencies follow). When it is not found, a diagnostic of
  // `severity` lists the paths tried. Needs the elf analyzer; without it nothing is found.
  virtual std::optional<Vertex> dlopen(Vertex from, const std::string& name, const Reason& reason,
                                       Diagnostic::Severity severity) = 0;

  // True if v is run as a program: a seed, --keep, a traced execve or an interpreter of one (not
  // only imported or dlopen'ed).
  bool is_run(Vertex v) const {
    for (const auto& r : analysis.graph.reasons_of(v))
      if (r.kind == ReasonKind::Seed || r.kind == ReasonKind::Keep || r.kind == ReasonKind::Shebang ||
          (r.kind == ReasonKind::Trace && r.detail.rfind("seen at run time: execve", 0) == 0))
        return true;
    return false;
  }

  void diagnose(Diagnostic::Severity severity, std::string file, std::string message) {
    Diagnostic d{severity, std::move(file), std::move(message)};
    for (const auto& existing : analysis.diagnostics)
      if (existing == d) return;
    analysis.diagnostics.push_back(std::move(d));
  }
};

// Finds libraries by name for Context::dlopen (the elf analyzer is one).
class LibraryLoader {
 public:
  virtual ~LibraryLoader() = default;
  // The file the loader would open for NAME dlopen'ed from FROM, and how it was found; or nullopt with
  // the paths tried.
  virtual std::optional<Resolved> find_library(Context& ctx, Graph::Vertex from, const std::string& name,
                                               std::string& how, std::vector<std::string>& tried) = 0;
};

class Analyzer {
 public:
  virtual ~Analyzer() = default;
  virtual std::string_view name() const = 0;
  virtual void on_file(Context&, Graph::Vertex) {}
  virtual void on_entry(Context&, Graph::Vertex) {}
  // Called once after the seeds are added, before the worklist runs.
  virtual void on_start(Context&) {}
  virtual LibraryLoader* library_loader() { return nullptr; }
  // Called once when nothing new is reached.
  virtual void on_finish(Context&) {}
};

}  // namespace raison
