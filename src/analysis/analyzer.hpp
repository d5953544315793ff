// The contract between the analysis driver and each analyzer. An analyzer is told about every file
// that enters the graph (on_file) and about every file that becomes an entry point of its own
// (on_entry: a seed, a dlopen'ed library, an import); it answers by reaching more paths through the
// Context, each with a Reason.
//
// Errors (the policy of raison/analysis.hpp): a callback that meets bad input throws raison::Error,
// adding context on the way up if it has any; the driver catches it once per callback and records a
// diagnostic naming the analyzer and the file. Where one bad path must not end the callback's work
// (one candidate of a search, one import of many), the callback asks through lookup(), which records
// the diagnostic itself and answers nothing. Analyzers never catch to swallow.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "raison/analysis.hpp"

namespace raison {

// How a dynamic loader found a library: the rule of its search that answered, and where. Kept as data
// until a reason or a message needs the words (to_string).
struct LibraryVia {
  enum class Rule {
    Path,              // the name contains '/': a path, opened as it is
    Rpath,             // DT_RPATH of `object`
    LdLibraryPath,     // the LD_LIBRARY_PATH environment variable
    Runpath,           // DT_RUNPATH of `object`
    LdCache,           // /etc/ld.so.cache
    DefaultDirectory,  // the loader's built-in directories
    MuslPathFile,      // musl's /etc/ld-musl-ARCH.path (`file`)
    MuslDefaultPath,   // musl's built-in /lib:/usr/local/lib:/usr/lib
  };
  Rule rule = Rule::Path;
  std::string object{};   // Rpath, Runpath: the object whose list it is (as it was opened)
  std::string written{};  // the list element as written ("$ORIGIN/../lib"), or the DT_NEEDED path
  std::string dir{};      // the element expanded ("/opt/app/lib"); the cache's answer for LdCache
  std::string subdir{};   // "glibc-hwcaps/x86-64-v3" or a legacy one ("tls/x86_64"); empty: the directory
  std::string file{};     // MuslPathFile: the path file
};
// "RUNPATH of /usr/bin/x $ORIGIN/../lib (/opt/app/lib) in glibc-hwcaps/x86-64-v3", "ld.so.cache
// (/lib/x86_64-linux-gnu/libz.so.1)": the words reasons and messages use.
std::string to_string(const LibraryVia& via);

// The answer of a library search.
struct LibrarySearch {
  std::optional<Resolved> file;    // what the loader opens; nullopt: not found
  LibraryVia via;                  // how, when found
  std::vector<std::string> tried;  // every place tried, in order, for the "not found" message
};

class Context {
 public:
  using Vertex = Graph::Vertex;
  Context(const Root& root, const Options& options, Analysis& analysis)
      : root(root), options(options), analysis(analysis) {}
  virtual ~Context() = default;

  const Root& root;
  const Options& options;
  Analysis& analysis;
  const Graph& graph() const { return analysis.graph; }

  // Resolves `path` inside the root (Root::resolve). A problem with the path itself (a loop of links,
  // an unreadable directory) is recorded as a diagnostic and the answer is nullopt; a path that does
  // not exist is an answer (exists == false).
  std::optional<Resolved> lookup(std::string_view path, bool follow_last = true);
  // lookup() of a path that must be a regular file: nullopt when it is missing or is not one.
  std::optional<Resolved> lookup_file(std::string_view path);
  // The content of the regular file at `canonical`, at most `limit` bytes; a file that cannot be read
  // (or is larger) is recorded as a diagnostic and the answer is nullopt.
  std::optional<std::string> read(const std::string& canonical, std::size_t limit);

  // Resolves `path` inside the root and adds it with `reason` (from reason.from, or from the seed
  // source when reason.from is empty). Every symlink met on the way is added too, with a Symlink
  // reason from the same file. Returns the final file's vertex, or nullopt if the path does not exist
  // (or cannot be resolved: then a diagnostic says why).
  virtual std::optional<Vertex> reach(std::string_view path, const Reason& reason, bool follow_last = true) = 0;

  // Adds an already resolved path (as from lookup) the same way.
  virtual std::optional<Vertex> reach(const Resolved& resolved, const Reason& reason) = 0;

  // Adds FROM -> TO for two files already in the graph (a name the loader has mapped already).
  virtual void link(Vertex from, Vertex to, Reason reason) = 0;

  // Loads library NAME as dlopen() called from FROM would: the dynamic loader's search for FROM (its
  // RPATH/RUNPATH, LD_LIBRARY_PATH, the cache, the default directories). The library is added with
  // `reason` (an entry point: its own dependencies follow), its detail followed by " via " and how it
  // was found. When it is not found, a NotFound diagnostic of `severity` lists the paths tried. Needs
  // the elf analyzer; without it nothing is found.
  virtual std::optional<Vertex> dlopen(Vertex from, const std::string& name, const Reason& reason,
                                       Diagnostic::Severity severity) = 0;

  // True if v is run as a program: a seed, --keep, a traced execve or the interpreter of one (not only
  // imported or dlopen'ed).
  bool is_run(Vertex v) const;

  // Records a diagnostic about `file` (once: an identical one is not repeated), naming the analyzer
  // whose callback is running.
  void diagnose(Diagnostic::Severity severity, Diagnostic::Code code, std::string file, std::string message);

 protected:
  std::string analyzer_;  // the analyzer whose callback is running; "" for the driver itself
};

// Finds libraries by name for Context::dlopen (the elf analyzer is one).
class LibraryLoader {
 public:
  virtual ~LibraryLoader() = default;
  // The file the loader would open for NAME dlopen'ed from FROM, and how it was found.
  virtual LibrarySearch find_library(Context& ctx, Graph::Vertex from, const std::string& name) = 0;
};

class Analyzer {
 public:
  virtual ~Analyzer() = default;
  virtual std::string_view name() const = 0;
  virtual void on_file(Context&, Graph::Vertex) {}
  // Called as a file is added to the graph, before on_file gets it from the worklist: the moment to
  // start reading it ahead (util/ahead.hpp). Reaches and diagnoses nothing.
  virtual void on_added(Context&, Graph::Vertex) {}
  virtual void on_entry(Context&, Graph::Vertex) {}
  // Called once after the seeds are added, before the worklist runs.
  virtual void on_start(Context&) {}
  virtual LibraryLoader* library_loader() { return nullptr; }
  // Called once when nothing new is reached.
  virtual void on_finish(Context&) {}
};

}  // namespace raison
