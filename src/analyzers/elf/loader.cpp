// The machinery both loader simulations share: facts about the root (default directories, $LIB,
// hwcaps, ld.so.cache), search-list expansion ($ORIGIN, $LIB, $PLATFORM) and mapping of found objects.
#include "analyzers/elf/loader.hpp"

#include <elf.h>

#include <cctype>

#include "analyzers/elf/host.hpp"
#include "raison/error.hpp"
#include "util/path.hpp"

namespace raison::elf {

namespace {

bool is_dir(Context& ctx, const std::string& path) {
  auto r = ctx.lookup(path);
  return r && r->exists && r->stat.type == FileType::Directory;
}

}  // namespace

const RootFacts& ElfState::facts_for(Context& ctx, const ElfInfo& main) {
  auto key = std::make_pair(int(main.elf_class), int(main.machine));
  if (auto it = facts.find(key); it != facts.end()) return it->second;
  RootFacts f;
  const Options& o = ctx.options;
  const HostFacts& host = host_facts();
  bool host_arch = main.machine == host.machine && main.elf_class == ELFCLASS64;
  std::string triplet = multiarch_triplet(main.id());
  // glibc's built-in search directories depend on how it was configured: Debian's multiarch layout,
  // the lib64 layout of Fedora and SUSE, or plain lib. Tell them apart by what the root holds.
  if (is_dir(ctx, "/usr/lib/" + triplet) || is_dir(ctx, "/lib/" + triplet)) {
    f.system_dirs = {"/lib/" + triplet, "/usr/lib/" + triplet, "/lib", "/usr/lib"};
    f.lib = "lib/" + triplet;
  } else if (main.elf_class == ELFCLASS64 && main.machine != EM_AARCH64 && is_dir(ctx, "/usr/lib64")) {
    f.system_dirs = {"/lib64", "/usr/lib64"};
    f.lib = "lib64";
  } else {
    f.system_dirs = {"/lib", "/usr/lib"};
    f.lib = "lib";
  }
  f.platform = o.platform ? *o.platform : host_arch ? host.platform : machine_name(main.machine);
  f.hwcaps = o.hwcaps ? *o.hwcaps : host_arch ? host.hwcaps : std::vector<std::string>{};
  f.legacy_subdirs = legacy_subdirectories(o.legacy_hwcaps ? *o.legacy_hwcaps
                                           : host_arch     ? host.legacy_hwcaps
                                                           : std::vector<std::string>{});
  f.cache_flags = ld_cache_flags_for(main.elf_class, main.machine);
  return facts.emplace(key, std::move(f)).first->second;
}

const LdCache* ElfState::cache(Context& ctx) {
  if (!cache_read) {
    cache_read = true;
    if (ctx.options.ldcache == LdCachePolicy::Drop) return nullptr;  // resolve as if it were absent
    // A cache the loader cannot use (unreadable, malformed, behind a loop of links) is one diagnostic,
    // and the search goes on without it, as glibc's does.
    if (auto r = ctx.lookup_file("/etc/ld.so.cache")) {
      try {
        ld_cache = parse_ld_cache(read_file(ctx.root, r->path, 256u << 20));
        ld_cache_file = r;
      } catch (const Error& e) {
        ctx.diagnose(Diagnostic::Severity::Error, Diagnostic::Code::Unreadable, r->path, std::string("ignored: ") + e.what());
      }
    }
  }
  return ld_cache ? &*ld_cache : nullptr;
}

LoaderRun::LoaderRun(Context& c, ElfState& st, Graph::Vertex main, const ElfInfo& info)
    : ctx(c), state(st), main_info(info), facts(st.facts_for(c, info)) {
  const FileNode& n = ctx.graph().node(main);
  // The kernel starts the program by its real path (/proc/self/exe), so its $ORIGIN is that of the
  // real path, unlike a library's.
  objects.push_back(Object{.vertex = main, .path = n.path, .origin = parent_path(n.path), .info = &info, .loader = -1, .names = {}});
}

int LoaderRun::find_loaded(const std::string& name) const {
  for (size_t i = 0; i < objects.size(); ++i) {
    if (objects[i].path == name) return int(i);
    for (const auto& n : objects[i].names)
      if (n == name) return int(i);
  }
  return -1;
}

std::optional<Found> LoaderRun::try_path(const std::string& path, const LibraryVia& via) {
  auto r = ctx.lookup(path);
  if (!r) {
    failed = true;
    return std::nullopt;
  }
  if (!r->exists || r->stat.type != FileType::Regular) return std::nullopt;
  const ElfInfo* e = state.elf->get(ctx, r->path, r->stat);
  if (!e) return std::nullopt;
  // The loader skips a file built for another class, byte order or machine and goes on searching.
  if (e->elf_class != main_info.elf_class || e->data != main_info.data || e->machine != main_info.machine) {
    tried.push_back(path + " (skipped: " + machine_name(e->machine) + (e->elf_class == ELFCLASS32 ? " 32-bit" : " 64-bit") + ")");
    return std::nullopt;
  }
  return Found{.file = std::move(*r), .opened_as = path, .info = e, .via = via};
}

std::vector<SearchDir> LoaderRun::expand(const std::string& list, const std::string& origin, bool glibc_dsts,
                                         const std::string& separators) const {
  std::vector<SearchDir> out;
  for (const std::string& element : split_list(list, separators)) {
    std::string dir;
    for (size_t k = 0; k < element.size();) {
      if (element[k] != '$') {
        dir += element[k++];
        continue;
      }
      // $NAME or ${NAME}; $NAME only when no name character follows.
      auto token = [&](std::string_view name) -> bool {
        std::string_view rest = std::string_view(element).substr(k + 1);
        size_t len = 0;
        if (rest.substr(0, name.size() + 2) == "{" + std::string(name) + "}")
          len = name.size() + 3;
        else if (rest.substr(0, name.size()) == name &&
                 (rest.size() == name.size() || !(std::isalnum(static_cast<unsigned char>(rest[name.size()])) || rest[name.size()] == '_')))
          len = name.size() + 1;
        if (len) k += len;
        return len != 0;
      };
      if (token("ORIGIN")) dir += origin;
      else if (glibc_dsts && token("LIB")) dir += facts.lib;
      else if (glibc_dsts && token("PLATFORM")) dir += facts.platform;
      else dir += element[k++];  // not a known token: glibc and musl keep the '$'
    }
    // An empty element, or a relative one, is relative to the working directory: "/" here.
    if (dir.empty() || dir[0] != '/') dir = "/" + dir;
    while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
    out.push_back({element, dir});
  }
  return out;
}

int LoaderRun::map_object(int from, const std::string& name, const Found& found, const SearchMemo* memo) {
  const Object& l = objects[size_t(from)];
  std::optional<Graph::Vertex> v;
  if (auto it = state.mapped.find({l.vertex, memo}); memo && it != state.mapped.end()) {
    v = it->second;  // the same reason to the same file: already in the graph
  } else {
    Reason reason{ReasonKind::Needed, "elf", ctx.graph().node(l.vertex).path,
                  "DT_NEEDED " + name + " via " + (memo ? memo->via : to_string(found.via))};
    v = ctx.reach(found.file, reason);
    if (!v) return -1;
    if (memo) state.mapped.emplace(std::make_pair(l.vertex, memo), *v);
  }
  // A file already mapped under another name is the same object: it answers to one more name.
  for (size_t i = 0; i < objects.size(); ++i) {
    if (objects[i].vertex == *v) {
      objects[i].names.push_back(name);
      return int(i);
    }
  }
  std::vector<std::string> names{name};
  if (!found.info->soname.empty()) names.push_back(found.info->soname);
  objects.push_back(Object{.vertex = *v, .path = found.opened_as, .origin = parent_path(found.opened_as),
                           .info = found.info, .loader = from, .names = std::move(names)});
  return int(objects.size() - 1);
}

void LoaderRun::reuse_object(int from, int to, const std::string& name, const std::string& why) {
  const Object& l = objects[size_t(from)];
  ctx.link(l.vertex, objects[size_t(to)].vertex,
           Reason{ReasonKind::Needed, "elf", ctx.graph().node(l.vertex).path, "DT_NEEDED " + name + " (" + why + ")"});
}

void LoaderRun::not_found(int from, const std::string& name) {
  std::string msg = "DT_NEEDED " + name + " not found; tried:";
  for (size_t i = 0; i < tried.size(); ++i) msg += (i ? ", " : " ") + tried[i];
  if (tried.empty()) msg += " nothing";
  ctx.diagnose(Diagnostic::Severity::Incomplete, Diagnostic::Code::NotFound, ctx.graph().node(objects[size_t(from)].vertex).path, msg);
}

void LoaderRun::record_load_order() {
  if (!ctx.options.record_load_order) return;
  std::vector<std::string> list;
  for (const auto& o : objects) list.push_back(ctx.graph().node(o.vertex).path);
  // Under each name of the entry point (a hardlinked program has several).
  for (const auto& name : ctx.graph().node(objects[0].vertex).names) {
    list[0] = name;
    ctx.analysis.loaded_by_entry[name] = list;
  }
}

}  // namespace raison::elf
