// musl's dynamic loader (ldso/dynlink.c, load_library), step by step. musl differs from glibc: it
// answers its own libc names itself, treats DT_RPATH and DT_RUNPATH alike and inherits them along the
// chain of loaders, searches LD_LIBRARY_PATH first, and reads no cache: its default path comes from
// /etc/ld-musl-ARCH.path, else /lib:/usr/local/lib:/usr/lib.
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

std::optional<Found> search_dirs(LoaderRun& run, const std::vector<SearchDir>& dirs, const std::string& name,
                                 LibraryVia via, const std::string& what) {
  for (const auto& d : dirs) {
    run.tried.push_back(d.dir + " [" + what + "]");
    via.written = d.written;
    via.dir = d.dir;
    if (auto f = run.try_path(d.dir + "/" + name, via)) return f;
  }
  return std::nullopt;
}

// The default search path: the path file beside the loader's prefix (musl takes the loader's path
// without its last two components, so /lib/ld-musl-x86_64.so.1 reads /etc/ld-musl-x86_64.path).
// `file_used` gets the path file when there is one.
std::string system_path(LoaderRun& run, const std::string& interp, std::string* file_used) {
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
  auto r = run.ctx.lookup_file(path_file);
  if (!r) return "/lib:/usr/local/lib:/usr/lib";
  *file_used = path_file;
  // An unreadable path file: musl reads nothing and searches nothing more.
  try {
    return read_file(run.ctx.root, r->path, 65536);
  } catch (const Error& e) {
    run.ctx.diagnose(Diagnostic::Severity::Error, Diagnostic::Code::Unreadable, r->path, e.what());
    return "";
  }
}

// musl's loader name for a machine, for objects that name none (a library dlopen'ed by a program).
std::string default_interp(const ElfInfo& e) { return "/lib/ld-musl-" + musl_arch(e.id()) + ".so.1"; }

// Searches NAME for object FROM by musl's rules 3-6; fills run.tried.
std::optional<Found> search(LoaderRun& run, int from, const std::string& name) {
  using Rule = LibraryVia::Rule;
  run.tried.clear();
  const std::string from_path = run.ctx.graph().node(run.objects[size_t(from)].vertex).path;
  if (name.find('/') != std::string::npos) {
    // Rule 3: a name containing '/' is a path.
    const std::string path = name[0] == '/' ? name : "/" + name;
    run.tried.push_back(name + " [path]");
    return run.try_path(path, LibraryVia{.rule = Rule::Path, .written = path, .dir = path});
  }
  std::optional<Found> found;
  // Rule 4: LD_LIBRARY_PATH first.
  if (auto it = run.ctx.options.env.find("LD_LIBRARY_PATH"); it != run.ctx.options.env.end())
    found = search_dirs(run, run.expand(it->second, run.objects[0].origin, false, ":\n"), name,
                        LibraryVia{.rule = Rule::LdLibraryPath}, "LD_LIBRARY_PATH");
  // Rule 5: the rpath (DT_RUNPATH if present, else DT_RPATH) of the loading object, then of the
  // object that loaded it, and so on; $ORIGIN is expanded.
  for (int k = from; k >= 0 && !found; k = run.objects[size_t(k)].loader) {
    const Object& o = run.objects[size_t(k)];
    const auto& rp = o.info->runpath ? o.info->runpath : o.info->rpath;
    if (rp) {
      LibraryVia via{.rule = o.info->runpath ? Rule::Runpath : Rule::Rpath, .object = o.path};
      found = search_dirs(run, run.expand(*rp, o.origin, false), name, via,
                          (o.info->runpath ? "RUNPATH of " : "RPATH of ") + o.path);
    }
  }
  // Rule 6: the system path: /etc/ld-musl-ARCH.path, else /lib:/usr/local/lib:/usr/lib.
  if (!found) {
    const std::string& interp = run.main_info.interp.empty() ? default_interp(run.main_info) : run.main_info.interp;
    std::string path_file;
    std::string sys_path = system_path(run, interp, &path_file);
    std::vector<SearchDir> dirs;
    for (auto& d : run.expand(sys_path, "/", false, ":\n"))
      if (d.written.size()) dirs.push_back({d.dir, d.dir});
    if (!path_file.empty())
      run.ctx.reach(path_file, Reason{ReasonKind::Loader, "elf", from_path, "musl's loader reads its search path from " + path_file});
    LibraryVia via = path_file.empty() ? LibraryVia{.rule = Rule::MuslDefaultPath}
                                       : LibraryVia{.rule = Rule::MuslPathFile, .file = path_file};
    found = search_dirs(run, dirs, name, via, path_file.empty() ? "musl default path" : path_file);
  }
  return found;
}

}  // namespace

void run_musl_loader(LoaderRun& run) {
  const Object main = run.objects[0];
  const std::string main_path = run.ctx.graph().node(main.vertex).path;
  int libc = -1;
  // Rule 0: PT_INTERP is the loader, which is also libc.
  if (!main.info->interp.empty()) {
    auto v = run.ctx.reach(main.info->interp, Reason{ReasonKind::Interp, "elf", main_path, "PT_INTERP " + main.info->interp});
    if (!v) {
      run.ctx.diagnose(Diagnostic::Severity::Incomplete, Diagnostic::Code::NotFound, main_path,
                       "PT_INTERP " + main.info->interp + " does not exist in the root");
    } else if (const ElfInfo* info = run.state.elf->get(run.ctx, *v)) {
      run.objects.push_back(Object{.vertex = *v, .path = main.info->interp, .origin = parent_path(main.info->interp),
                                   .info = info, .loader = -1, .names = {main.info->interp}});
      libc = int(run.objects.size() - 1);
    }
  }
  for (size_t i = 0; i < run.objects.size(); ++i) {
    std::vector<std::string> needed = run.objects[i].info->needed;
    for (const auto& name : needed) {
      // Rule 1: musl's own names are answered by the loader.
      if (reserved_name(name) && libc >= 0) {
        run.reuse_object(int(i), libc, name, "provided by musl's loader");
        continue;
      }
      // Rule 2: a name already loaded (as requested by an earlier DT_NEEDED) is that object.
      if (int j = run.find_loaded(name); j >= 0) {
        run.reuse_object(int(i), j, name, "already loaded");
        continue;
      }
      if (auto found = search(run, int(i), name))
        run.map_object(int(i), name, *found);
      else
        run.not_found(int(i), name);
    }
  }
  run.record_load_order();
}

std::optional<Found> musl_dlopen_search(LoaderRun& run, const std::string& name) { return search(run, 0, name); }

}  // namespace raison::elf
