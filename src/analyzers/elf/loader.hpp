// Machinery shared by the glibc and musl loader simulations: the facts about the root a loader depends
// on (default directories, $LIB, hwcaps, the ld.so.cache), and one run of a loader (LoaderRun) with the
// objects it has mapped so far.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "analysis/analyzer.hpp"
#include "analyzers/elf/elf_cache.hpp"
#include "analyzers/elf/ldcache.hpp"

namespace raison::elf {

// What the loader of one (class, machine) assumes about the root it runs in.
struct RootFacts {
  std::vector<std::string> system_dirs;    // glibc's default directories, in order
  std::string lib;                         // $LIB: "lib/x86_64-linux-gnu", "lib64" or "lib"
  std::string platform;                    // $PLATFORM
  std::vector<std::string> hwcaps;         // glibc-hwcaps subdirectories, highest priority first
  std::vector<std::string> legacy_subdirs;  // legacy hwcap subdirectories in search order, "" last
  std::optional<std::int32_t> cache_flags;  // ld.so.cache flags this class and machine require
};

// A file a search accepted.
struct Found {
  Resolved file;
  std::string opened_as;  // the path tried (for $ORIGIN)
  const ElfInfo* info;
  LibraryVia via;
};

// A search by name already made, and what it left: the answer, the places tried (for "not found"),
// whether a path could not be opened (`failed`), and whether the ld.so.cache was consulted.
struct SearchMemo {
  std::optional<Found> found;
  std::string via;  // to_string(found->via), made once: every reason the answer gives names it
  std::vector<std::string> tried;
  bool failed = false;
  bool ld_cache_consulted = false;  // the last search looked the name up in /etc/ld.so.cache
  bool ld_cache = false;
};

// Shared, lazily computed state of one analysis.
struct ElfState {
  explicit ElfState(std::shared_ptr<ElfCache> cache) : elf(std::move(cache)) {}
  std::shared_ptr<ElfCache> elf;
  std::map<std::pair<int, int>, RootFacts> facts;  // by (class, machine)
  bool cache_read = false;
  std::optional<LdCache> ld_cache;                 // the root's /etc/ld.so.cache, if present and valid
  std::optional<Resolved> ld_cache_file;
  // glibc searches by name, keyed by everything their answer depends on (search_key in
  // glibc_loader.cpp): the same name searched in the same context is searched once per analysis.
  std::unordered_map<std::string, SearchMemo> searches;
  std::set<Graph::Vertex> ld_cache_readers;  // objects already given the ld.so.cache reason
  // What each object's remembered search mapped: (object's vertex, search) -> the vertex reached.
  // Every program that loads a library maps its DT_NEEDED with the same search, the same reason and
  // the same file; reaching them again would add nothing, so it is done once per analysis.
  std::map<std::pair<Graph::Vertex, const SearchMemo*>, Graph::Vertex> mapped;
  // The same for a DT_NEEDED answered by an object already loaded: (object's vertex, its DT_NEEDED
  // string in the ElfCache, the vertex reused) -> the paths it was "already loaded as".
  std::map<std::tuple<Graph::Vertex, const std::string*, Graph::Vertex>, std::vector<std::string>> reused;

  const RootFacts& facts_for(Context& ctx, const ElfInfo& main);
  const LdCache* cache(Context& ctx);
};

// One object a loader maps.
struct Object {
  Graph::Vertex vertex;
  std::string path;    // the path it was opened by (symlinks not resolved)
  std::string origin;  // $ORIGIN: the directory of `path` (of the real path for the main program)
  const ElfInfo* info;
  int loader;  // index of the object whose DT_NEEDED brought it in; -1 for the main program and its interpreter
  std::vector<std::string> names;  // the names it answers to: DT_NEEDED strings it was loaded as, its DT_SONAME
};

// A directory of a search list: the element as written and as expanded.
struct SearchDir {
  std::string written;
  std::string dir;
};

// One run of a dynamic loader: from a main object (a program, or the object dlopen() is called from),
// the objects it maps in order and the places it tried for the name being searched.
class LoaderRun {
 public:
  LoaderRun(Context& ctx, ElfState& state, Graph::Vertex main, const ElfInfo& main_info);

  Context& ctx;
  ElfState& state;
  const ElfInfo& main_info;
  const RootFacts& facts;
  std::vector<Object> objects;
  std::vector<std::string> tried;  // for the "not found" diagnostic

  // The index of the mapped object answering to `name`, or -1.
  int find_loaded(const std::string& name) const;
  // Accepts `path` if it is a regular ELF file of the main program's class, byte order and machine.
  // A path that cannot be resolved for another reason than "does not exist" (a loop of links) is
  // diagnosed and sets `failed`.
  std::optional<Found> try_path(const std::string& path, const LibraryVia& via);
  bool failed = false;
  bool ld_cache_consulted = false;  // the last search looked the name up in /etc/ld.so.cache
  // Splits a list at any of `separators` and expands $ORIGIN (from `origin`), and with glibc's rules
  // also $LIB and $PLATFORM.
  std::vector<SearchDir> expand(const std::string& list, const std::string& origin, bool glibc_dsts,
                                const std::string& separators = ":") const;
  // Adds the found file as needed by object `from` under `name` and maps it (or adds `name` to the
  // object already mapped from the same file). Returns the object's index, -1 if it vanished.
  // `memo`, when the search was a remembered one, lets a second mapping of it skip the reach.
  int map_object(int from, const std::string& name, const Found& found, const SearchMemo* memo = nullptr);
  // An edge from object `from` to the object `to` already mapped, answering to `name`.
  void reuse_object(int from, int to, const std::string& name, const std::string& why);
  void not_found(int from, const std::string& name);
  // Stores the mapped objects, in load order, in analysis.loaded_by_entry.
  void record_load_order();
};

// The two loaders: map everything the run's main object needs.
void run_glibc_loader(LoaderRun& run);
void run_musl_loader(LoaderRun& run);
// dlopen(NAME) from the run's main object: the search alone, nothing mapped; fills run.tried.
std::optional<Found> glibc_dlopen_search(LoaderRun& run, const std::string& name);
std::optional<Found> musl_dlopen_search(LoaderRun& run, const std::string& name);

}  // namespace raison::elf
