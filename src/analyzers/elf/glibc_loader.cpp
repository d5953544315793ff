// glibc's dynamic loader (elf/dl-load.c, _dl_map_object and _dl_map_object_deps of glibc 2.36), step
// by step: the interpreter first, then each object's DT_NEEDED breadth-first, each name searched in
// the loader's order. One comment per rule; the rule numbers are used in reasons and tests.
#include <elf.h>

#include <algorithm>
#include <charconv>

#include "analyzers/elf/loader.hpp"
#include "raison/error.hpp"

namespace raison::elf {

namespace {

constexpr std::uint64_t kDf1Nodeflib = 0x800;  // DF_1_NODEFLIB

// Tries NAME in each directory of a search list, and in each directory's glibc-hwcaps and legacy
// hwcap subdirectories before the directory itself, as open_path does. `via` names the list (its rule
// and owner); `what` is the list's name in the "tried" trail.
std::optional<Found> search_dirs(LoaderRun& run, const std::vector<SearchDir>& dirs, const std::string& name,
                                 LibraryVia via, const std::string& what) {
  for (const auto& d : dirs) {
    run.tried.push_back(d.dir + " [" + what + "]");
    // A looping directory: glibc finds no directory there and goes on (lookup diagnoses it).
    auto r = run.ctx.lookup(d.dir);
    if (!r || !r->exists || r->stat.type != FileType::Directory) continue;  // glibc marks it nonexistent
    via.written = d.written;
    via.dir = d.dir;
    run.failed = false;
    for (const auto& sub : run.facts.hwcaps) {
      via.subdir = "glibc-hwcaps/" + sub;
      if (auto f = run.try_path(d.dir + "/" + via.subdir + "/" + name, via)) return f;
    }
    for (const auto& sub : run.facts.legacy_subdirs) {
      via.subdir = sub;
      if (auto f = run.try_path(d.dir + "/" + sub + (sub.empty() ? "" : "/") + name, via)) return f;
    }
    via.subdir.clear();
    // open_path gives up on the whole list when a file exists but cannot be opened for another reason
    // than ENOENT or EACCES (a symlink loop, say).
    if (run.failed) {
      run.tried.push_back("(rest of the " + what + " list skipped: " + d.dir + "/" + name + " cannot be opened)");
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// The ld.so.cache is needed by object FROM: the loader looks names up in it.
void ld_cache_reason(LoaderRun& run, int from) {
  const Graph::Vertex v = run.objects[size_t(from)].vertex;
  if (!run.state.ld_cache_readers.insert(v).second) return;  // the same edge again
  run.ctx.reach(*run.state.ld_cache_file, Reason{ReasonKind::Loader, "elf", run.ctx.graph().node(v).path,
                                                 "the dynamic loader looks up library names in /etc/ld.so.cache"});
}

// Searches NAME for object FROM by glibc's rules 2-7; fills run.tried.
std::optional<Found> search(LoaderRun& run, int from, const std::string& name) {
  using Rule = LibraryVia::Rule;
  const Object& l = run.objects[size_t(from)];
  run.tried.clear();
  std::optional<Found> found;
  if (name.find('/') != std::string::npos) {
    // Rule 2: a name containing '/' is a path, opened as it is (relative to the working directory)
    // once its $ORIGIN, $LIB and $PLATFORM are expanded.
    std::string path = name.find('$') == std::string::npos ? name : run.expand(name, l.origin, true, "").front().dir;
    if (path[0] != '/') path = "/" + path;
    run.tried.push_back(path + " [path]");
    return run.try_path(path, LibraryVia{.rule = Rule::Path, .written = name, .dir = path});
  }
  const bool nodeflib = (l.info->flags_1 & kDf1Nodeflib) != 0;
  // Rule 3: unless the loading object has DT_RUNPATH, the DT_RPATH of the loading object, then of
  // the object that loaded it, and so on up to the main program. An object that has DT_RUNPATH
  // contributes no DT_RPATH (glibc drops DT_RPATH when DT_RUNPATH is present).
  if (!l.info->runpath) {
    for (int k = from; k >= 0 && !found; k = run.objects[size_t(k)].loader) {
      const Object& o = run.objects[size_t(k)];
      if (o.info->rpath && !o.info->runpath)
        found = search_dirs(run, run.expand(*o.info->rpath, o.origin, true), name,
                            LibraryVia{.rule = Rule::Rpath, .object = o.path}, "RPATH of " + o.path);
    }
  }
  // Rule 4: LD_LIBRARY_PATH (':' or ';' separated; $ORIGIN is the main program's).
  if (!found) {
    if (auto it = run.ctx.options.env.find("LD_LIBRARY_PATH"); it != run.ctx.options.env.end() && !it->second.empty())
      found = search_dirs(run, run.expand(it->second, run.objects[0].origin, true, ":;"), name,
                          LibraryVia{.rule = Rule::LdLibraryPath}, "LD_LIBRARY_PATH");
  }
  // Rule 5: the loading object's own DT_RUNPATH; never inherited by what it loads.
  if (!found && l.info->runpath)
    found = search_dirs(run, run.expand(*l.info->runpath, l.origin, true), name,
                        LibraryVia{.rule = Rule::Runpath, .object = l.path}, "RUNPATH of " + l.path);
  // Rule 6: /etc/ld.so.cache; with DF_1_NODEFLIB only its entries outside the default directories.
  if (!found) {
    if (const LdCache* cache = run.state.cache(run.ctx)) {
      run.tried.push_back("/etc/ld.so.cache");
      run.ld_cache_consulted = true;
      ld_cache_reason(run, from);
      auto path = ld_cache_lookup(*cache, name, run.facts.cache_flags, run.facts.hwcaps);
      // With DF_1_NODEFLIB, a cache entry in one of the default directories is not used; others are.
      if (path && nodeflib)
        for (const auto& d : run.facts.system_dirs)
          if (path->rfind(d + "/", 0) == 0) {
            run.tried.push_back(*path + " (from ld.so.cache, skipped: DF_1_NODEFLIB)");
            path.reset();
            break;
          }
      if (path) found = run.try_path(*path, LibraryVia{.rule = Rule::LdCache, .dir = *path});
    }
  }
  // Rule 7: the default directories (with their hwcaps subdirectories), unless DF_1_NODEFLIB.
  if (!found && !nodeflib) {
    std::vector<SearchDir> dirs;
    for (const auto& d : run.facts.system_dirs) dirs.push_back({d, d});
    found = search_dirs(run, dirs, name, LibraryVia{.rule = Rule::DefaultDirectory}, "default directory");
  }
  if (!found && nodeflib) run.tried.push_back("(default directories skipped: DF_1_NODEFLIB)");
  return found;
}

// Everything a search by a bare NAME for object FROM depends on, as one string: the name; the main
// program's class, byte order and machine (which files are accepted, the default directories, the
// hwcaps); DF_1_NODEFLIB; the DT_RPATH lists inherited up the chain of loaders, or the object's own
// DT_RUNPATH, each with its object's path (named in the answer) and $ORIGIN; LD_LIBRARY_PATH's
// $ORIGIN (the main program's directory). Most objects have neither list: a name is then searched once
// for every program of the analysis.
std::string search_key(const LoaderRun& run, int from, const std::string& name) {
  const Object& l = run.objects[size_t(from)];
  // Appended in place: built for every DT_NEEDED not loaded yet, so a temporary string per part
  // was a cost of its own.
  std::string key;
  key.reserve(name.size() + 32);
  key += name;
  key += '\0';
  for (unsigned v : {unsigned(run.main_info.elf_class), unsigned(run.main_info.data), unsigned(run.main_info.machine)}) {
    char digits[16];
    key.append(digits, std::to_chars(digits, digits + sizeof digits, v).ptr);
    key += ',';
  }
  if (l.info->flags_1 & kDf1Nodeflib) key += 'n';
  auto list = [&](char what, const Object& o, const std::string& value) {
    key += what;
    for (const std::string* s : {&o.path, &value, &o.origin}) (key += *s) += '\0';
  };
  if (!l.info->runpath) {
    for (int k = from; k >= 0; k = run.objects[size_t(k)].loader) {
      const Object& o = run.objects[size_t(k)];
      if (o.info->rpath && !o.info->runpath) list('R', o, *o.info->rpath);
    }
  } else {
    list('U', l, *l.info->runpath);
  }
  if (run.ctx.options.env.count("LD_LIBRARY_PATH")) key += "L" + run.objects[0].origin;
  return key;
}

// search(), made once for each context (search_key): later searches take the answer, the places
// tried and the ld.so.cache reason from the first. Names with a '/' are opened as they are: their
// answer is put in `path_answer`, and `memo_out` is left null. Returns the answer, not copied.
const std::optional<Found>& search_once(LoaderRun& run, int from, const std::string& name,
                                        std::optional<Found>& path_answer, const SearchMemo*& memo_out) {
  memo_out = nullptr;
  if (name.find('/') != std::string::npos) return path_answer = search(run, from, name);
  auto [it, added] = run.state.searches.try_emplace(search_key(run, from, name));
  SearchMemo& memo = it->second;
  memo_out = &memo;
  if (added) {
    run.ld_cache_consulted = false;
    memo.found = search(run, from, name);
    if (memo.found) memo.via = to_string(memo.found->via);
    memo.tried = run.tried;
    memo.failed = run.failed;
    memo.ld_cache = run.ld_cache_consulted;
  } else {
    run.tried = memo.tried;
    run.failed = memo.failed;
    if (memo.ld_cache) ld_cache_reason(run, from);
  }
  return memo.found;
}

void load_needed(LoaderRun& run, int from, const std::string& name) {
  // Rule 1: a name the namespace already has (the name an object was loaded as, or its DT_SONAME)
  // is that object; nothing is searched.
  if (int j = run.find_loaded(name); j >= 0) {
    // Every program that loads this object finds the name loaded the same way: the reason is
    // recorded once (`name` lives in the ElfCache, so its address names this DT_NEEDED).
    const Object& o = run.objects[size_t(j)];
    auto& as = run.state.reused[{run.objects[size_t(from)].vertex, &name, o.vertex}];
    if (std::find(as.begin(), as.end(), o.path) != as.end()) return;
    run.reuse_object(from, j, name, "already loaded as " + o.path);
    as.push_back(o.path);
    return;
  }
  const SearchMemo* memo;
  std::optional<Found> path_answer;
  if (const auto& found = search_once(run, from, name, path_answer, memo))
    run.map_object(from, name, *found, memo);
  else
    run.not_found(from, name);
}

}  // namespace

void run_glibc_loader(LoaderRun& run) {
  const Object main = run.objects[0];
  const std::string main_path = run.ctx.graph().node(main.vertex).path;
  // Rule 0: PT_INTERP names the loader itself; it is mapped first and answers to its DT_SONAME, so a
  // DT_NEEDED of ld-linux-x86-64.so.2 is satisfied by it without a search.
  if (!main.info->interp.empty()) {
    Reason r{ReasonKind::Interp, "elf", main_path, "PT_INTERP " + main.info->interp};
    auto v = run.ctx.reach(main.info->interp, r);
    if (!v) {
      run.ctx.diagnose(Diagnostic::Severity::Incomplete, Diagnostic::Code::NotFound, main_path,
                       "PT_INTERP " + main.info->interp + " does not exist in the root");
    } else if (const ElfInfo* info = run.state.elf->get(run.ctx, *v)) {
      std::vector<std::string> names{main.info->interp};
      if (!info->soname.empty()) names.push_back(info->soname);
      run.objects.push_back(Object{.vertex = *v, .path = main.info->interp, .origin = parent_path(main.info->interp),
                                   .info = info, .loader = -1, .names = std::move(names)});
    }
  }
  // Breadth-first: every DT_NEEDED of the main program in order, then those of the first object it
  // mapped, and so on (_dl_map_object_deps), so the first object to answer to a name wins.
  for (size_t i = 0; i < run.objects.size(); ++i) {
    // objects may grow while we iterate: hold the ElfInfo (owned by the ElfCache), not objects[i].
    const ElfInfo& info = *run.objects[i].info;
    for (const auto& name : info.needed) load_needed(run, int(i), name);
  }
  run.record_load_order();
}

std::optional<Found> glibc_dlopen_search(LoaderRun& run, const std::string& name) { return search(run, 0, name); }

}  // namespace raison::elf
