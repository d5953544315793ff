// The machinery both loader simulations share: parsed-ELF cache, facts about the root (default
// directories, $LIB, hwcaps, ld.so.cache), search-list expansion ($ORIGIN, $LIB, $PLATFORM) and mapping.
#include "analyzers/elf/loader.hpp"

#include <elf.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>

#include "analyzers/elf/host.hpp"
#include "raison/error.hpp"

namespace raison::elf {

namespace {

struct Fd {
  int fd;
  ~Fd() { ::close(fd); }
};

// Debian's multiarch triplet for an ELF class and machine (the directory names under /usr/lib).
std::string multiarch_triplet(const ElfInfo& e) {
  bool is64 = e.elf_class == ELFCLASS64;
  bool le = e.data == ELFDATA2LSB;
  switch (e.machine) {
    case EM_X86_64: return is64 ? "x86_64-linux-gnu" : "x86_64-linux-gnux32";
    case EM_386: return "i386-linux-gnu";
    case EM_AARCH64: return le ? "aarch64-linux-gnu" : "aarch64_be-linux-gnu";
    case EM_ARM: return "arm-linux-gnueabihf";
    case EM_RISCV: return is64 ? "riscv64-linux-gnu" : "riscv32-linux-gnu";
    case EM_PPC64: return le ? "powerpc64le-linux-gnu" : "powerpc64-linux-gnu";
    case EM_PPC: return "powerpc-linux-gnu";
    case EM_S390: return "s390x-linux-gnu";
    case EM_MIPS: return is64 ? (le ? "mips64el-linux-gnuabi64" : "mips64-linux-gnuabi64")
                              : (le ? "mipsel-linux-gnu" : "mips-linux-gnu");
    case 258 /* EM_LOONGARCH */: return "loongarch64-linux-gnu";
    default: return machine_name(e.machine) + "-linux-gnu";
  }
}

bool is_dir(const Root& root, const std::string& path) {
  auto r = root.resolve(path);
  return r.exists && r.stat.type == FileType::Directory;
}

}  // namespace

const ElfInfo* ElfCache::get(Context& ctx, const std::string& canonical, const Stat& stat) {
  if (auto it = cache_.find(stat.id); it != cache_.end()) return it->second.get();
  std::unique_ptr<ElfInfo> info;
  try {
    Fd f{ctx.root.open_read(canonical)};
    if (auto e = read_elf(f.fd, stat.size, reader_)) info = std::make_unique<ElfInfo>(std::move(*e));
  } catch (const Error& e) {
    ctx.diagnose(Diagnostic::Severity::Error, canonical, std::string("cannot read ELF: ") + e.what());
  }
  return cache_.emplace(stat.id, std::move(info)).first->second.get();
}

const RootFacts& ElfState::facts_for(Context& ctx, const ElfInfo& main) {
  auto key = std::make_pair(int(main.elf_class), int(main.machine));
  if (auto it = facts.find(key); it != facts.end()) return it->second;
  RootFacts f;
  const Options& o = ctx.options;
  const HostFacts& host = host_facts();
  bool host_arch = main.machine == host.machine && main.elf_class == ELFCLASS64;
  std::string triplet = multiarch_triplet(main);
  // glibc's built-in search directories depend on how it was configured: Debian's multiarch layout,
  // the lib64 layout of Fedora and SUSE, or plain lib. Tell them apart by what the root holds.
  if (is_dir(ctx.root, "/usr/lib/" + triplet) || is_dir(ctx.root, "/lib/" + triplet)) {
    f.system_dirs = {"/lib/" + triplet, "/usr/lib/" + triplet, "/lib", "/usr/lib"};
    f.lib = "lib/" + triplet;
  } else if (main.elf_class == ELFCLASS64 && main.machine != EM_AARCH64 && is_dir(ctx.root, "/usr/lib64")) {
    f.system_dirs = {"/lib64", "/usr/lib64"};
    f.lib = "lib64";
  } else {
    f.system_dirs = {"/lib", "/usr/lib"};
    f.lib = "lib";
  }
  f.platform = o.platform ? *o.platform : host_arch ? host.platform : machine_name(main.machine);
  f.hwcaps = o.hwcaps ? *o.hwcaps : host_arch ? host.hwcaps : std::vector<std::string>{};
  f.legacy_subdirs = legacy_subdirectories(o.legacy_hwcaps ? *o.legacy_hwcaps
                                         : host_arch      ? host.legacy_hwcaps
                                                          : std::vector<std::string>{});
  f.cache_flags = ld_cache_flags_for(main.elf_class, main.machine);
  return facts.emplace(key, std::move(f)).first->second;
}

const LdCache* ElfState::cache(Context& ctx) {
  if (!cache_read) {
    cache_read = true;
    if (ctx.options.ldcache == LdCachePolicy::Drop) return nullptr;  // resolve as if it were absent
    auto r = ctx.root.resolve("/etc/ld.so.cache");
    if (r.exists && r.stat.type == FileType::Regular) {
      try {
        ld_cache = parse_ld_cache(read_file(ctx.root, r.path, 256u << 20));
        ld_cache_file = r;
      } catch (const Error& e) {
        ctx.diagnose(Diagnostic::Severity::Error, r.path, std::string("ignored: ") + e.what());
      }
    }
  }
  return ld_cache ? &*ld_cache : nullptr;
}

Session::Session(Context& c, ElfState& st, Graph::Vertex main, const ElfInfo& info)
    : ctx(c), state(st), main_info(info), facts(st.facts_for(c, info)) {
  const FileNode& n = ctx.graph().node(main);
  // The kernel starts the program by its real path (/proc/self/exe), so its $ORIGIN is that of the
  // real path, unlike a library's.
  objects.push_back(Object{main, n.path, parent_path(n.path), &info, -1, {}});
}

int Session::find_loaded(const std::string& name) const {
  for (size_t i = 0; i < objects.size(); ++i) {
    if (objects[i].path == name) return int(i);
    for (const auto& n : objects[i].names)
      if (n == name) return int(i);
  }
  return -1;
}

std::optional<Found> Session::try_path(const std::string& path, const std::string& how) {
  Resolved r;
  try {
    r = ctx.root.resolve(path);
  } catch (const Error& e) {
    ctx.diagnose(Diagnostic::Severity::Error, path, e.what());
    failed = true;
    return std::nullopt;
  }
  if (!r.exists || r.stat.type != FileType::Regular) return std::nullopt;
  const ElfInfo* e = state.elf.get(ctx, r.path, r.stat);
  if (!e) return std::nullopt;
  // The loader skips a file built for another class, byte order or machine and goes on searching.
  if (e->elf_class != main_info.elf_class || e->data != main_info.data || e->machine != main_info.machine) {
    tried.push_back(path + " (skipped: " + machine_name(e->machine) + (e->elf_class == ELFCLASS32 ? " 32-bit" : " 64-bit") + ")");
    return std::nullopt;
  }
  return Found{std::move(r), path, e, how};
}

std::vector<SearchDir> Session::expand(const std::string& list, const std::string& origin, bool glibc_dsts,
                                       const std::string& separators) const {
  std::vector<SearchDir> out;
  size_t i = 0;
  while (i <= list.size()) {
    size_t j = list.find_first_of(separators, i);
    if (j == std::string::npos) j = list.size();
    std::string element = list.substr(i, j - i);
    i = j + 1;
    std::string dir;
    for (size_t k = 0; k < element.size();) {
      if (element[k] != '$') {
        dir += element[k++];
        continue;
      }
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

int Session::map(int from, const std::string& name, const Found& found) {
  const Object& l = objects[size_t(from)];
  Reason reason{ReasonKind::Needed, "elf", ctx.graph().node(l.vertex).path, "DT_NEEDED " + name + " via " + found.how};
  auto v = ctx.reach(found.file, reason);
  if (!v) return -1;
  // A file already mapped under another name is the same object: it answers to one more name.
  for (size_t i = 0; i < objects.size(); ++i) {
    if (objects[i].vertex == *v) {
      objects[i].names.push_back(name);
      return int(i);
    }
  }
  std::vector<std::string> names{name};
  if (!found.info->soname.empty()) names.push_back(found.info->soname);
  objects.push_back(Object{*v, found.opened_as, parent_path(found.opened_as), found.info, from, std::move(names)});
  return int(objects.size() - 1);
}

void Session::not_found(int from, const std::string& name) {
  std::string msg = "DT_NEEDED " + name + " not found; tried:";
  for (size_t i = 0; i < tried.size(); ++i) msg += (i ? ", " : " ") + tried[i];
  if (tried.empty()) msg += " nothing";
  ctx.diagnose(Diagnostic::Severity::Incomplete, ctx.graph().node(objects[size_t(from)].vertex).path, msg);
}

void Session::record() {
  std::vector<std::string> list;
  for (const auto& o : objects) list.push_back(ctx.graph().node(o.vertex).path);
  // Under each name of the entry point (a hardlinked program has several).
  for (const auto& name : ctx.graph().node(objects[0].vertex).names) {
    list[0] = name;
    ctx.analysis.loaded_by_entry[name] = list;
  }
}

}  // namespace raison::elf
