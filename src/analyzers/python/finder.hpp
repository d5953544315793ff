// importlib's path-based finder, over a root: where a module name is found on an interpreter's
// sys.path (PathFinder and FileFinder: packages, namespace packages, extension modules before source,
// sourceless bytecode; built-in and frozen modules need no file), and the reverse question, which
// module a file under sys.path is.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "analysis/analyzer.hpp"
#include "analyzers/python/layout.hpp"

namespace raison::python {

// Where a module was found.
struct Found {
  enum Kind { Builtin, Frozen, Source, Extension, Package, Namespace } kind;
  std::string file;               // the file to keep (the module, or a package's __init__), "" for none
  std::vector<std::string> path;  // a package's __path__ (as found: links in the last component kept)
};

class ModuleFinder {
 public:
  // `script_dirs` come before the layout's sys.path (a script's own directory).
  std::optional<Found> find(Context& ctx, const Layout& layout, const std::vector<std::string>& script_dirs,
                            const std::string& fullname);

  // find() without a diagnostic: a path that cannot be resolved (a loop of links) is passed over
  // silently, and then the answer is not kept, so that find() asks again and says why. For guessing
  // which file an import will need before the analyzer gets to it.
  std::optional<Found> peek(Context& ctx, const Layout& layout, const std::vector<std::string>& script_dirs,
                            const std::string& fullname);

  // False when no directory of the path could hold a module named `fullname`'s first component: a
  // quick test on directory listings (as importlib's FileFinder caches them) before find().
  bool may_exist(Context& ctx, const Layout& layout, const std::vector<std::string>& dirs, const std::string& name);

  // The dotted name of a module file (or a package's __init__) under one of the layout's sys.path
  // directories, "" if it is under none.
  std::string module_name_of(Context& ctx, const Layout& layout, const std::string& file);

 private:
  // find() without the memo.
  std::optional<Found> search(Context& ctx, const Layout& layout, const std::vector<std::string>& script_dirs,
                              const std::string& fullname);
  std::optional<Found> find_on(Context& ctx, const Layout& layout, const std::vector<std::string>& path,
                               const std::string& tail);
  // A directory listed once (FileFinder's cache of its directory): its entries, and their module-like
  // names without the loader suffix ("json", "_json"); or why it could not be listed.
  struct Listing {
    std::optional<std::unordered_set<std::string>> entries;  // nullopt: could not be listed
    std::set<std::string> stems;
    std::string error;
  };
  const Listing& listing(Context& ctx, const std::string& canonical);
  // Module-like names in the directory `dir` (resolved first); a directory that cannot be listed is
  // diagnosed once and has none.
  const std::set<std::string>& names_in(Context& ctx, const std::string& dir);
  // The entries of the directory at canonical path `canonical`; nullptr when it cannot be listed.
  const std::unordered_set<std::string>* entries_of(Context& ctx, const std::string& canonical);

  // ctx.lookup(), or in peek() the root's resolve() with its errors counted, not diagnosed.
  std::optional<Resolved> lookup(Context& ctx, const std::string& path);

  std::unordered_map<std::string, Listing> listings_;  // by canonical path (nodes: references stay valid)
  // names_in's directories as given, resolved once: their listing, null for none.
  std::unordered_map<std::string, const Listing*> listing_of_dir_;
  std::set<std::string> reported_;                    // unlistable directories already diagnosed
  bool quiet_ = false;   // in peek()
  bool missed_ = false;  // peek() met a path it could not resolve: its answers are not kept
  // Answers already given, by layout, script directories and name: a root does not change while it
  // is read, so a module imported by many is searched for once.
  using Answers = std::map<std::string, std::optional<Found>, std::less<>>;
  Answers& answers_for(const Layout& layout, const std::vector<std::string>& script_dirs);
  std::map<std::pair<const Layout*, std::vector<std::string>>, Answers> found_;
  Answers* last_ = nullptr;  // the answers_for() of the last call, and its arguments
  const Layout* last_layout_ = nullptr;
  std::vector<std::string> last_dirs_;
};

// The suffixes of files a loader imports: the extension suffixes, ".py", ".pyc".
bool is_module_file(const Layout& layout, const std::string& name);

}  // namespace raison::python
