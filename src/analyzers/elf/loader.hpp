// Machinery shared by the glibc and musl loader simulations: the per-analysis cache of parsed ELF
// files, the facts about the root a loader depends on (default directories, $LIB, hwcaps, the
// ld.so.cache), and one loader run ("session") with the objects it has mapped so far.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analyzers/analyzer.hpp"
#include "analyzers/elf/elf_file.hpp"
#include "analyzers/elf/ldcache.hpp"

namespace raison::elf {

// Parsed ELF files by identity; each file is read once per analysis however many objects need it.
class ElfCache {
 public:
  explicit ElfCache(ElfReaderKind reader) : reader_(reader) {}
  // The file's ElfInfo, or nullptr if it is not ELF or cannot be read (diagnosed once, as an Error).
  const ElfInfo* get(Context& ctx, const std::string& canonical, const Stat& stat);

 private:
  ElfReaderKind reader_;
  std::map<FileId, std::unique_ptr<ElfInfo>> cache_;  // nullptr: not ELF or unreadable
};

// What the loader of one (class, machine) assumes about the root it runs in.
struct RootFacts {
  std::vector<std::string> system_dirs;    // glibc's default directories, in order
  std::string lib;                         // $LIB: "lib/x86_64-linux-gnu", "lib64" or "lib"
  std::string platform;                    // $PLATFORM
  std::vector<std::string> hwcaps;         // glibc-hwcaps subdirectories, highest priority first
  std::vector<std::string> legacy_subdirs;  // legacy hwcap subdirectories in search order, "" last
  std::optional<std::int32_t> cache_flags;  // ld.so.cache flags this class and machine require
};

// Shared, lazily computed state of one analysis.
struct ElfState {
  explicit ElfState(ElfReaderKind reader) : elf(reader) {}
  ElfCache elf;
  std::map<std::pair<int, int>, RootFacts> facts;  // by (class, machine)
  bool cache_read = false;
  std::optional<LdCache> ld_cache;                 // the root's /etc/ld.so.cache, if present and valid
  std::optional<Resolved> ld_cache_file;
  std::map<std::string, std::string> musl_path;    // musl's path file contents by its path ("" if absent)

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

// A file a search accepted.
struct Found {
  Resolved file;
  std::string opened_as;  // the path tried (for $ORIGIN)
  const ElfInfo* info;
  std::string how;  // "RUNPATH $ORIGIN/../lib (/opt/app/lib)", "ld.so.cache", ...
};

// A directory of a search list: the element as written and as expanded.
struct SearchDir {
  std::string written;
  std::string dir;
};

class Session {
 public:
  Session(Context& ctx, ElfState& state, Graph::Vertex main, const ElfInfo& main_info);

  Context& ctx;
  ElfState& state;
  const ElfInfo& main_info;
  std::vector<Object> objects;
  std::vector<std::string> tried;  // for the "not found" diagnostic

  // The index of the mapped object answering to `name`, or -1.
  int find_loaded(const std::string& name) const;
  // Accepts `path` if it is a regular ELF file of the main program's class, byte order and machine.
  // A path that fails with an error other than "does not exist" (a symlink loop) sets `failed`.
  std::optional<Found> try_path(const std::string& path, const std::string& how);
  bool failed = false;
  // Splits a colon-separated list and expands $ORIGIN (from `origin`), $LIB and $PLATFORM.
  std::vector<SearchDir> expand(const std::string& list, const std::string& origin, bool glibc_dsts,
                                const std::string& separators = ":") const;
  // Adds the found file as needed by object `from` and maps it (or adds `name` to the object already
  // mapped from the same file). Returns the object's index.
  int map(int from, const std::string& name, const Found& found);
  void not_found(int from, const std::string& name);
  void record();  // stores the mapped objects in analysis.loaded_by_entry

  const RootFacts& facts;
};

// The two loaders: map everything the session's main object needs.
void run_glibc_loader(Session& s);
void run_musl_loader(Session& s);
// dlopen(NAME) from the session's main object: the search alone, nothing mapped.
std::optional<Found> glibc_dlopen_search(Session& s, const std::string& name);
std::optional<Found> musl_dlopen_search(Session& s, const std::string& name);


}  // namespace raison::elf
