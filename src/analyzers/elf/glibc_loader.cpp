// glibc's dynamic loader (elf/dl-load.c, _dl_map_object and _dl_map_object_deps of glibc 2.36), step
// by step: the interpreter first, then each object's DT_NEEDED breadth-first, each name searched in
// the loader's order. One comment per rule; the rule numbers are used in reasons and tests.
#include <elf.h>

#include "analyzers/elf/loader.hpp"
#include "raison/error.hpp"

namespace raison::elf {

namespace {

constexpr std::uint64_t kDf1Nodeflib = 0x800;  // DF_1_NODEFLIB

// Tries NAME in each directory of a search list, and in each directory's glibc-hwcaps and legacy
// hwcap subdirectories before the directory itself, as open_path does.
std::optional<Found> search_dirs(Session& s, const std::vector<SearchDir>& dirs, const std::string& name,
                                 const std::string& what) {
  for (const auto& d : dirs) {
    s.tried.push_back(d.dir + " [" + what + "]");
    Resolved r;
    try {
      r = s.ctx.root.resolve(d.dir);
    } catch (const Error& e) {
      // A looping directory: glibc finds no directory there and goes on; worth a line all the same.
      s.ctx.diagnose(Diagnostic::Severity::Error, d.dir, e.what());
      continue;
    }
    if (!r.exists || r.stat.type != FileType::Directory) continue;  // glibc marks it nonexistent
    std::string how = what + " " + d.written;
    if (d.written != d.dir) how += " (" + d.dir + ")";
    s.failed = false;
    for (const auto& sub : s.facts.hwcaps)
      if (auto f = s.try_path(d.dir + "/glibc-hwcaps/" + sub + "/" + name, how + " in glibc-hwcaps/" + sub)) return f;
    for (const auto& sub : s.facts.legacy_subdirs)
      if (auto f = s.try_path(d.dir + "/" + sub + (sub.empty() ? "" : "/") + name,
                              sub.empty() ? how : how + " in " + sub))
        return f;
    // open_path gives up on the whole list when a file exists but cannot be opened for another reason
    // than ENOENT or EACCES (a symlink loop, say).
    if (s.failed) {
      s.tried.push_back("(rest of the " + what + " list skipped: " + d.dir + "/" + name + " cannot be opened)");
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// Searches NAME for object FROM by glibc's rules 2-7; fills s.tried.
std::optional<Found> search(Session& s, int from, const std::string& name) {
  const Object& l = s.objects[size_t(from)];
  s.tried.clear();
  std::optional<Found> found;
  if (name.find('/') != std::string::npos) {
    // Rule 2: a name containing '/' is a path, opened as it is (relative to the working directory)
    // once its $ORIGIN, $LIB and $PLATFORM are expanded.
    std::string path = name.find('$') == std::string::npos ? name : s.expand(name, l.origin, true, "").front().dir;
    if (path[0] != '/') path = "/" + path;
    s.tried.push_back(path + " [path]");
    return s.try_path(path, path == name ? "path" : "path " + name);
  }
  const bool nodeflib = (l.info->flags_1 & kDf1Nodeflib) != 0;
  // Rule 3: unless the loading object has DT_RUNPATH, the DT_RPATH of the loading object, then of
  // the object that loaded it, and so on up to the main program. An object that has DT_RUNPATH
  // contributes no DT_RPATH (glibc drops DT_RPATH when DT_RUNPATH is present).
  if (!l.info->runpath) {
    for (int k = from; k >= 0 && !found; k = s.objects[size_t(k)].loader) {
      const Object& o = s.objects[size_t(k)];
      if (o.info->rpath && !o.info->runpath)
        found = search_dirs(s, s.expand(*o.info->rpath, o.origin, true), name, "RPATH of " + o.path);
    }
  }
  // Rule 4: LD_LIBRARY_PATH (':' or ';' separated; $ORIGIN is the main program's).
  if (!found) {
    if (auto it = s.ctx.options.env.find("LD_LIBRARY_PATH"); it != s.ctx.options.env.end() && !it->second.empty())
      found = search_dirs(s, s.expand(it->second, s.objects[0].origin, true, ":;"), name, "LD_LIBRARY_PATH");
  }
  // Rule 5: the loading object's own DT_RUNPATH; never inherited by what it loads.
  if (!found && l.info->runpath)
    found = search_dirs(s, s.expand(*l.info->runpath, l.origin, true), name, "RUNPATH of " + l.path);
  // Rule 6: /etc/ld.so.cache; with DF_1_NODEFLIB only its entries outside the default directories.
  if (!found) {
    if (const LdCache* cache = s.state.cache(s.ctx)) {
      s.tried.push_back("/etc/ld.so.cache");
      s.ctx.reach(*s.state.ld_cache_file,
                  Reason{ReasonKind::Loader, "elf", s.ctx.graph().node(l.vertex).path,
                         "the dynamic loader looks up library names in /etc/ld.so.cache"});
      auto path = ld_cache_lookup(*cache, name, s.facts.cache_flags, s.facts.hwcaps);
      // With DF_1_NODEFLIB, a cache entry in one of the default directories is not used; others are.
      if (path && nodeflib)
        for (const auto& d : s.facts.system_dirs)
          if (path->rfind(d + "/", 0) == 0) {
            s.tried.push_back(*path + " (from ld.so.cache, skipped: DF_1_NODEFLIB)");
            path.reset();
            break;
          }
      if (path) found = s.try_path(*path, "ld.so.cache (" + *path + ")");
    }
  }
  // Rule 7: the default directories (with their hwcaps subdirectories), unless DF_1_NODEFLIB.
  if (!found && !nodeflib) {
    std::vector<SearchDir> dirs;
    for (const auto& d : s.facts.system_dirs) dirs.push_back({d, d});
    found = search_dirs(s, dirs, name, "default directory");
  }
  if (!found && nodeflib) s.tried.push_back("(default directories skipped: DF_1_NODEFLIB)");
  return found;
}

void need(Session& s, int from, const std::string& name) {
  const Object& l = s.objects[size_t(from)];
  // Rule 1: a name the namespace already has (the name an object was loaded as, or its DT_SONAME)
  // is that object; nothing is searched.
  if (int j = s.find_loaded(name); j >= 0) {
    Reason r{ReasonKind::Needed, "elf", s.ctx.graph().node(l.vertex).path,
             "DT_NEEDED " + name + " (already loaded as " + s.objects[size_t(j)].path + ")"};
    s.ctx.graph().add_edge(l.vertex, s.objects[size_t(j)].vertex, r);
    return;
  }
  if (auto found = search(s, from, name))
    s.map(from, name, *found);
  else
    s.not_found(from, name);
}

}  // namespace

void run_glibc_loader(Session& s) {
  const Object main = s.objects[0];
  const std::string main_path = s.ctx.graph().node(main.vertex).path;
  // Rule 0: PT_INTERP names the loader itself; it is mapped first and answers to its DT_SONAME, so a
  // DT_NEEDED of ld-linux-x86-64.so.2 is satisfied by it without a search.
  if (!main.info->interp.empty()) {
    Reason r{ReasonKind::Interp, "elf", main_path, "PT_INTERP " + main.info->interp};
    auto v = s.ctx.reach(main.info->interp, r);
    const ElfInfo* info = nullptr;
    if (v) info = s.state.elf.get(s.ctx, s.ctx.graph().node(*v).path, s.ctx.graph().node(*v).stat);
    if (!v)
      s.ctx.diagnose(Diagnostic::Severity::Incomplete, main_path,
                     "PT_INTERP " + main.info->interp + " does not exist in the root");
    else if (info) {
      std::vector<std::string> names{main.info->interp};
      if (!info->soname.empty()) names.push_back(info->soname);
      s.objects.push_back(Object{*v, main.info->interp, parent_path(main.info->interp), info, -1, names});
    }
  }
  // Breadth-first: every DT_NEEDED of the main program in order, then those of the first object it
  // mapped, and so on (_dl_map_object_deps), so the first object to answer to a name wins.
  for (size_t i = 0; i < s.objects.size(); ++i) {
    std::vector<std::string> needed = s.objects[i].info->needed;  // objects may grow while we iterate
    for (const auto& name : needed) need(s, int(i), name);
  }
  s.record();
}

std::optional<Found> glibc_dlopen_search(Session& s, const std::string& name) { return search(s, 0, name); }

}  // namespace raison::elf
