// musl's dynamic loader (ldso/dynlink.c, load_library), step by step. musl differs from glibc: it
// answers its own libc names itself, treats DT_RPATH and DT_RUNPATH alike and inherits them along the
// chain of loaders, searches LD_LIBRARY_PATH first, and reads no cache: its default path comes from
// /etc/ld-musl-ARCH.path, else /lib:/usr/local/lib:/usr/lib.
#include <unistd.h>

#include "analyzers/elf/loader.hpp"
#include "raison/error.hpp"

namespace raison::elf {

namespace {

// musl blocks attempts to load another copy of itself: lib{c,pthread,rt,m,dl,util,xnet}.* are
// answered by the loader (which is libc).
bool reserved_name(const std::string& name) {
  if (name.rfind("lib", 0) != 0) return false;
  for (const char* r : {"c.", "pthread.", "rt.", "m.", "dl.", "util.", "xnet."})
    if (name.compare(3, std::char_traits<char>::length(r), r) == 0) return true;
  return false;
}

std::optional<Found> search_dirs(Session& s, const std::vector<SearchDir>& dirs, const std::string& name,
                                 const std::string& what) {
  for (const auto& d : dirs) {
    s.tried.push_back(d.dir + " [" + what + "]");
    std::string how = what + " " + d.written;
    if (d.written != d.dir) how += " (" + d.dir + ")";
    if (auto f = s.try_path(d.dir + "/" + name, how)) return f;
  }
  return std::nullopt;
}

// The default search path: the path file beside the loader's prefix (musl takes the loader's path
// without its last two components, so /lib/ld-musl-x86_64.so.1 reads /etc/ld-musl-x86_64.path).
std::string system_path(Session& s, const std::string& interp, std::string* file_used) {
  std::string arch = base_name(interp);  // ld-musl-ARCH.so.1
  if (arch.rfind("ld-musl-", 0) == 0) arch = arch.substr(8);
  if (auto dot = arch.find(".so"); dot != std::string::npos) arch = arch.substr(0, dot);
  std::string prefix;
  if (!interp.empty() && interp[0] == '/') {
    size_t last = interp.rfind('/');
    size_t second = last == 0 ? 0 : interp.rfind('/', last - 1);
    prefix = interp.substr(0, second == std::string::npos ? 0 : second);
  }
  std::string path_file = prefix + "/etc/ld-musl-" + arch + ".path";
  auto r = s.ctx.root.resolve(path_file);
  if (!r.exists || r.stat.type != FileType::Regular) return "/lib:/usr/local/lib:/usr/lib";
  *file_used = path_file;
  std::string text;
  try {
    text = read_file(s.ctx.root, r.path, 65536);
  } catch (const Error& e) {
    s.ctx.diagnose(Diagnostic::Severity::Error, r.path, e.what());
  }
  return text;
}


// musl's loader name for a machine, for objects that name none (a library dlopen'ed by a program).
std::string default_interp(const ElfInfo& e) {
  std::string arch = machine_name(e.machine);
  if (arch == "arm") arch = "armhf";
  return "/lib/ld-musl-" + arch + ".so.1";
}

// Searches NAME for object FROM by musl's rules 3-6; fills s.tried.
std::optional<Found> search(Session& s, int from, const std::string& name) {
  s.tried.clear();
  const std::string from_path = s.ctx.graph().node(s.objects[size_t(from)].vertex).path;
  if (name.find('/') != std::string::npos) {
    // Rule 3: a name containing '/' is a path.
    s.tried.push_back(name + " [path]");
    return s.try_path(name[0] == '/' ? name : "/" + name, "path");
  }
  std::optional<Found> found;
  // Rule 4: LD_LIBRARY_PATH first.
  if (auto it = s.ctx.options.env.find("LD_LIBRARY_PATH"); it != s.ctx.options.env.end())
    found = search_dirs(s, s.expand(it->second, s.objects[0].origin, false, ":\n"), name, "LD_LIBRARY_PATH");
  // Rule 5: the rpath (DT_RUNPATH if present, else DT_RPATH) of the loading object, then of the
  // object that loaded it, and so on; $ORIGIN is expanded.
  for (int k = from; k >= 0 && !found; k = s.objects[size_t(k)].loader) {
    const Object& o = s.objects[size_t(k)];
    const auto& rp = o.info->runpath ? o.info->runpath : o.info->rpath;
    if (rp)
      found = search_dirs(s, s.expand(*rp, o.origin, false), name,
                          o.info->runpath ? "RUNPATH of " + o.path : "RPATH of " + o.path);
  }
  // Rule 6: the system path: /etc/ld-musl-ARCH.path, else /lib:/usr/local/lib:/usr/lib.
  if (!found) {
    const std::string& interp = s.main_info.interp.empty() ? default_interp(s.main_info) : s.main_info.interp;
    std::string path_file;
    std::string sys_path = system_path(s, interp, &path_file);
    std::vector<SearchDir> dirs;
    for (auto& d : s.expand(sys_path, "/", false, ":\n"))
      if (d.written.size()) dirs.push_back({d.dir, d.dir});
    if (!path_file.empty())
      s.ctx.reach(path_file, Reason{ReasonKind::Loader, "elf", from_path, "musl's loader reads its search path from " + path_file});
    found = search_dirs(s, dirs, name, path_file.empty() ? "musl default path" : path_file);
  }
  return found;
}

}  // namespace

void run_musl_loader(Session& s) {
  const Object main = s.objects[0];
  const std::string main_path = s.ctx.graph().node(main.vertex).path;
  int libc = -1;
  // Rule 0: PT_INTERP is the loader, which is also libc.
  if (!main.info->interp.empty()) {
    auto v = s.ctx.reach(main.info->interp, Reason{ReasonKind::Interp, "elf", main_path, "PT_INTERP " + main.info->interp});
    if (!v)
      s.ctx.diagnose(Diagnostic::Severity::Incomplete, main_path, "PT_INTERP " + main.info->interp + " does not exist in the root");
    else if (const ElfInfo* info = s.state.elf.get(s.ctx, s.ctx.graph().node(*v).path, s.ctx.graph().node(*v).stat)) {
      s.objects.push_back(Object{*v, main.info->interp, parent_path(main.info->interp), info, -1, {main.info->interp}});
      libc = int(s.objects.size() - 1);
    }
  }
  for (size_t i = 0; i < s.objects.size(); ++i) {
    std::vector<std::string> needed = s.objects[i].info->needed;
    const std::string from_path = s.ctx.graph().node(s.objects[i].vertex).path;
    for (const auto& name : needed) {
      // Rule 1: musl's own names are answered by the loader.
      if (reserved_name(name) && libc >= 0) {
        s.ctx.graph().add_edge(s.objects[i].vertex, s.objects[size_t(libc)].vertex,
                               Reason{ReasonKind::Needed, "elf", from_path, "DT_NEEDED " + name + " (provided by musl's loader)"});
        continue;
      }
      // Rule 2: a name already loaded (as requested by an earlier DT_NEEDED) is that object.
      if (int j = s.find_loaded(name); j >= 0) {
        s.ctx.graph().add_edge(s.objects[i].vertex, s.objects[size_t(j)].vertex,
                               Reason{ReasonKind::Needed, "elf", from_path, "DT_NEEDED " + name + " (already loaded)"});
        continue;
      }
      if (auto found = search(s, int(i), name))
        s.map(int(i), name, *found);
      else
        s.not_found(int(i), name);
    }
  }
  s.record();
}

std::optional<Found> musl_dlopen_search(Session& s, const std::string& name) { return search(s, 0, name); }

}  // namespace raison::elf
