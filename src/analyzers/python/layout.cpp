// getpath.py and site.py of CPython 3.8+ replayed inside a root. The steps are in getpath's order:
// pyvenv.cfg `home`, ._pth, build directory, PYTHONHOME, then landmarks searched upwards from the
// executable's directory (lib/python3.X/os.py for prefix, lib/python3.X/lib-dynload for exec_prefix);
// then site.py: venv, user site, site-packages of each prefix, .pth files, sitecustomize.
#include "analyzers/python/layout.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <regex>

#include "analyzers/elf/elf_file.hpp"
#include "analyzers/python/interpreter.hpp"
#include "raison/error.hpp"
#include "util/fd.hpp"
#include "util/path.hpp"
#include "util/text.hpp"

namespace raison::python {
namespace {

// pyvenv.cfg, ._pth and .pth files are a few lines; a binary is a few MB.
constexpr std::uint64_t kMaxText = 1 << 20;
constexpr std::uint64_t kMaxBinary = 512ull << 20;

// os.path.abspath of an absolute path: ".", ".." and "//" removed without following links.
std::string normpath(std::string_view p) { return lexically_normal(p); }

std::string strip(std::string_view s) { return std::string(trim(s)); }

class Finder {
 public:
  Finder(const Root& root, const LayoutOptions& options) : root_(root) {
    for (const auto& kv : options.env) {
      size_t eq = kv.find('=');
      if (eq != std::string::npos) env_[kv.substr(0, eq)] = kv.substr(eq + 1);
    }
    no_site_ = options.no_site;
  }

  Layout run(const std::string& interpreter);

 private:
  Resolved resolve(const std::string& p) const {
    try {
      return root_.resolve(p);
    } catch (const Error&) {
      return {};  // a symlink loop is "does not exist" for os.path.isfile, as in Python
    }
  }
  bool isfile(const std::string& p) const {
    auto r = resolve(p);
    return r.exists && r.stat.type == FileType::Regular;
  }
  bool isdir(const std::string& p) const {
    auto r = resolve(p);
    return r.exists && r.stat.type == FileType::Directory;
  }
  bool exists(const std::string& p) const { return resolve(p).exists; }

  std::string read(const std::string& p, std::uint64_t max) const {
    auto r = resolve(p);
    if (!r.exists || r.stat.type != FileType::Regular) throw Error(p + ": not a regular file");
    return read_file(root_, r.path, max);
  }

  std::optional<std::string> read_if_file(const std::string& p) const {
    if (!isfile(p)) return std::nullopt;
    return read(p, kMaxText);
  }

  std::string env(const std::string& key) const {
    auto it = env_.find(key);
    return it == env_.end() ? "" : it->second;
  }

  // getpath's search_up: the first directory from `dir` up to "/" holding one of `landmarks`.
  std::string search_up(std::string dir, const std::vector<std::string>& landmarks, bool want_dir,
                        std::string* found = nullptr) const {
    for (;;) {
      for (const auto& l : landmarks) {
        std::string p = join_path(dir, l);
        if (want_dir ? isdir(p) : isfile(p)) {
          if (found) *found = p;
          return dir;
        }
      }
      if (dir == "/") return {};
      dir = parent_path(dir);
    }
  }

  void version(Layout& l, const elf::ElfInfo& elf);
  void find_libpython(Layout& l, const elf::ElfInfo& elf);
  void getpath(Layout& l);
  void site(Layout& l);
  void add_site_dir(Layout& l, const std::string& dir);
  std::vector<std::string> site_packages(const Layout& l, const std::vector<std::string>& prefixes, bool venv) const;
  void binary_facts(Layout& l, const std::string& exe_bytes, const elf::ElfInfo& elf);

  const Root& root_;
  std::map<std::string, std::string> env_;
  bool no_site_ = false;
  bool use_environment_ = true;
  std::string venv_cfg_;
  std::set<std::string> known_;
};

void Finder::version(Layout& l, const elf::ElfInfo& elf) {
  static const std::regex file_re(R"(^python(\d+)\.(\d+)[a-z]*$)");
  static const std::regex lib_re(R"(^libpython(\d+)\.(\d+)[a-z]*\.so)");
  std::smatch m;
  std::string names[] = {base_name(l.real_executable), base_name(l.executable)};
  for (const auto& n : names)
    if (std::regex_match(n, m, file_re)) {
      l.major = std::stoi(m[1]);
      l.minor = std::stoi(m[2]);
      return;
    }
  for (const auto& n : elf.needed)
    if (std::regex_search(n, m, lib_re)) {
      l.major = std::stoi(m[1]);
      l.minor = std::stoi(m[2]);
      return;
    }
  // The landmark: a lib/python3.N/os.py above the executable.
  static const std::regex dir_re(R"(^python(\d+)\.(\d+)$)");
  for (std::string dir = parent_path(l.real_executable);; dir = parent_path(dir)) {
    for (const char* lib : {"lib", "lib64"}) {
      std::string libdir = join_path(dir, lib);
      if (!isdir(libdir)) continue;
      for (const auto& n : root_.list_dir(resolve(libdir).path))
        if (std::regex_match(n, m, dir_re) && isfile(join_path(join_path(libdir, n), "os.py"))) {
          l.major = std::stoi(m[1]);
          l.minor = std::stoi(m[2]);
          l.notes.push_back("version " + n + " from the landmark " + libdir + "/" + n + "/os.py");
          return;
        }
    }
    if (dir == "/") break;
  }
  throw Error("cannot tell the Python version (file name, DT_NEEDED libpython, lib/python3.X/os.py)");
}

// The DT_NEEDED libpython, looked up as the loader would for the common layouts: RPATH/RUNPATH
// ($ORIGIN expanded), then the usual directories. The ELF analyzer decides the real file; this one
// only tells getpath where `library` is (for ._pth files and the prefix search next to it).
void Finder::find_libpython(Layout& l, const elf::ElfInfo& elf) {
  for (const auto& n : elf.needed) {
    if (!n.starts_with("libpython")) continue;
    std::vector<std::string> dirs;
    for (const auto* list : {&elf.rpath, &elf.runpath}) {
      if (!*list) continue;
      size_t i = 0;
      while (i <= (*list)->size()) {
        size_t j = (*list)->find(':', i);
        if (j == std::string::npos) j = (*list)->size();
        std::string d = (*list)->substr(i, j - i);
        for (const char* o : {"$ORIGIN", "${ORIGIN}"})
          if (d.starts_with(o)) d = parent_path(l.real_executable) + d.substr(std::strlen(o));
        if (!d.empty()) dirs.push_back(normpath(d));
        i = j + 1;
      }
    }
    dirs.push_back(normpath(parent_path(l.real_executable) + "/../lib"));
    for (const char* d : {"/usr/local/lib", "/lib", "/usr/lib", "/lib64", "/usr/lib64"}) dirs.emplace_back(d);
    if (!l.triplet.empty()) {
      dirs.push_back("/lib/" + l.triplet);
      dirs.push_back("/usr/lib/" + l.triplet);
    }
    for (const auto& d : dirs)
      if (isfile(join_path(d, n))) {
        l.libpython = resolve(join_path(d, n)).path;
        return;
      }
    l.notes.push_back("DT_NEEDED " + n + " not found in the usual directories");
  }
}

void Finder::getpath(Layout& l) {
  const std::string ver = std::to_string(l.major) + "." + std::to_string(l.minor);
  std::string executable_dir;
  std::string home = use_environment_ ? env("PYTHONHOME") : "";

  // pyvenv.cfg one level above the executable's directory, then in it; `home` replaces the
  // directory the prefix search starts from.
  if (home.empty()) {
    std::string d2 = parent_path(l.executable), d1 = parent_path(d2);
    for (const auto& d : {d1, d2}) {
      auto text = read_if_file(join_path(d, "pyvenv.cfg"));
      if (!text) continue;
      l.landmarks.push_back(join_path(d, "pyvenv.cfg"));
      for (const auto& line : split_lines(*text)) {
        size_t eq = line.find('=');
        if (eq == std::string::npos) continue;
        std::string key = strip(line.substr(0, eq));
        for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (key == "home") {
          executable_dir = strip(line.substr(eq + 1));
          break;
        }
      }
      break;
    }
  }
  if (executable_dir.empty()) executable_dir = parent_path(l.real_executable);
  const std::string real_dir = parent_path(l.real_executable);

  // A ._pth file next to libpython or the executable replaces sys.path and disables site.
  std::optional<std::vector<std::string>> pth;
  std::string pth_dir;
  for (const auto& p : {l.libpython, l.executable, l.real_executable}) {
    if (p.empty()) continue;
    if (auto text = read_if_file(p + "._pth")) {
      l.landmarks.push_back(p + "._pth");
      pth = split_lines(*text);
      pth_dir = parent_path(p);
      home = pth_dir;
      use_environment_ = false;
      break;
    }
  }

  std::string build_stdlib, build_platstdlib;
  if (auto txt = read_if_file(join_path(real_dir, "pybuilddir.txt"))) {
    l.landmarks.push_back(join_path(real_dir, "pybuilddir.txt"));
    auto ls = split_lines(*txt);
    build_platstdlib = normpath(join_path(real_dir, ls.empty() ? "" : strip(ls[0])));
    std::string src = search_up(real_dir, {"Lib/os.py"}, false);
    build_stdlib = src.empty() ? join_path(real_dir, "Lib") : join_path(src, "Lib");
    l.notes.push_back("running from a build directory (pybuilddir.txt): frozen modules are off by default");
  }

  std::string found;
  for (const char* platlib : {"lib", "lib64"}) {
    l.platlibdir = platlib;
    const std::string sub = l.platlibdir + "/python" + ver;
    const std::vector<std::string> stdlib_marks = {sub + "/os.py", sub + "/os.pyc"};
    const std::string zip = l.platlibdir + "/python" + std::to_string(l.major) + std::to_string(l.minor) + ".zip";
    if (!home.empty()) {
      size_t colon = home.find(':');
      l.prefix = home.substr(0, colon);
      l.exec_prefix = colon == std::string::npos ? l.prefix : home.substr(colon + 1);
      if (isfile(join_path(l.prefix, stdlib_marks[0])) || std::string(platlib) == "lib64") break;
      continue;
    }
    if (!l.libpython.empty() && l.prefix.empty()) {
      l.prefix = search_up(parent_path(l.libpython), {zip}, false, &found);
      if (l.prefix.empty() && isfile(join_path(parent_path(l.libpython), stdlib_marks[0]))) {
        l.prefix = parent_path(l.libpython);
        found = join_path(l.prefix, stdlib_marks[0]);
      }
    }
    if (l.prefix.empty()) l.prefix = search_up(executable_dir, {zip}, false, &found);
    if (l.prefix.empty()) l.prefix = search_up(executable_dir, stdlib_marks, false, &found);
    if (!l.prefix.empty()) {
      l.landmarks.push_back(found);
      l.exec_prefix = search_up(executable_dir, {sub + "/lib-dynload"}, true, &found);
      if (!l.exec_prefix.empty()) l.landmarks.push_back(found);
      else l.exec_prefix = l.prefix;
      break;
    }
  }
  if (l.prefix.empty()) {
    l.platlibdir = "lib";
    l.prefix = l.exec_prefix = "/usr/local";
    l.notes.push_back("could not find platform independent libraries <prefix>: assuming the default /usr/local");
  }
  const std::string sub = l.platlibdir + "/python" + ver;
  l.stdlib_dir = build_stdlib.empty() ? join_path(l.prefix, sub) : build_stdlib;
  l.platstdlib_dir = build_platstdlib.empty() ? join_path(l.exec_prefix, sub + "/lib-dynload") : build_platstdlib;
  l.base_prefix = l.prefix;
  l.base_exec_prefix = l.exec_prefix;

  if (pth) {
    l.site_enabled = false;
    for (const auto& raw : *pth) {
      std::string line = strip(raw.substr(0, raw.find('#')));
      if (line.empty()) continue;
      if (line == "import site") l.site_enabled = true;
      else if (!line.starts_with("import ")) l.sys_path.push_back(normpath(line.starts_with("/") ? line : join_path(pth_dir, line)));
    }
    return;
  }
  if (use_environment_ && !env("PYTHONPATH").empty()) {
    std::string pp = env("PYTHONPATH");
    size_t i = 0;
    while (i <= pp.size()) {
      size_t j = pp.find(':', i);
      if (j == std::string::npos) j = pp.size();
      if (j > i && pp[i] == '/') l.sys_path.push_back(normpath(pp.substr(i, j - i)));
      else if (j > i) l.notes.push_back("relative PYTHONPATH entry " + pp.substr(i, j - i) + " depends on the working directory");
      i = j + 1;
    }
  }
  std::string zip = join_path(l.prefix, l.platlibdir + "/python" + std::to_string(l.major) + std::to_string(l.minor) + ".zip");
  if (isfile(zip)) l.sys_path.push_back(zip);
  l.sys_path.push_back(l.stdlib_dir);
  l.sys_path.push_back(l.platstdlib_dir);
}

// site.getsitepackages for Debian's patched site.py or upstream's.
std::vector<std::string> Finder::site_packages(const Layout& l, const std::vector<std::string>& prefixes, bool venv) const {
  const std::string ver = "python" + std::to_string(l.major) + "." + std::to_string(l.minor);
  std::vector<std::string> libdirs = {l.platlibdir};
  if (l.platlibdir != "lib") libdirs.emplace_back("lib");
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& prefix : prefixes) {
    if (prefix.empty() || !seen.insert(prefix).second) continue;
    if (l.debian_site) {
      if (venv) out.push_back(join_path(prefix, "lib/" + ver + "/site-packages"));
      out.push_back(join_path(prefix, "local/lib/" + ver + "/dist-packages"));
      out.push_back(join_path(prefix, "lib/python3/dist-packages"));
      for (const auto& lib : libdirs) out.push_back(join_path(prefix, lib + "/" + ver + "/dist-packages"));
    } else {
      for (const auto& lib : libdirs) out.push_back(join_path(prefix, lib + "/" + ver + "/site-packages"));
    }
  }
  return out;
}

// site.addsitedir: the directory, then its .pth files in sorted order (hidden ones too in 3.11).
void Finder::add_site_dir(Layout& l, const std::string& dir) {
  if (known_.insert(dir).second) l.sys_path.push_back(dir);
  // A venv's own site-packages is processed twice (by venv(), then among the prefixes): listed
  // once, its .pth files read twice as site.py reads them.
  if (std::find(l.site_dirs.begin(), l.site_dirs.end(), dir) == l.site_dirs.end()) l.site_dirs.push_back(dir);
  std::vector<std::string> names;
  try {
    names = root_.list_dir(resolve(dir).path);
  } catch (const Error& e) {
    l.notes.push_back(e.what());
    return;
  }
  for (const auto& name : names) {
    if (!name.ends_with(".pth")) continue;
    PthFile pth{join_path(dir, name), {}, {}};
    std::string text;
    try {
      text = read(pth.path, kMaxText);
    } catch (const Error& e) {
      l.notes.push_back(e.what());
      continue;
    }
    for (const auto& line : split_lines(text)) {
      if (line.starts_with("#") || strip(line).empty()) continue;
      if (line.starts_with("import ") || line.starts_with("import\t")) {
        pth.import_lines.push_back(line);
        continue;
      }
      std::string rstripped = line.substr(0, line.find_last_not_of(" \t\r\n\f\v") + 1);
      std::string p = normpath(rstripped.starts_with("/") ? rstripped : join_path(dir, rstripped));
      if (!known_.count(p) && exists(p)) {
        known_.insert(p);
        l.sys_path.push_back(p);
        pth.dirs.push_back(p);
      }
    }
    l.pth_files.push_back(std::move(pth));
  }
}

void Finder::site(Layout& l) {
  if (no_site_ || !l.site_enabled) {
    l.site_enabled = false;
    return;
  }
  if (auto text = read_if_file(join_path(l.stdlib_dir, "site.py"))) {
    l.debian_site = text->find("dist-packages") != std::string::npos;
  } else {
    // site is frozen from 3.11 on, so a minimal root may hold no site.py: Debian's layout then shows
    // by its shared dist-packages directory.
    auto r = root_.resolve(l.prefix + "/lib/python3/dist-packages");
    l.debian_site = r.exists && r.stat.type == FileType::Directory;
    l.notes.push_back("no site.py in " + l.stdlib_dir + ": site-packages layout taken from the directories present (" +
                      (l.debian_site ? "Debian's dist-packages" : "upstream's site-packages") + ")");
  }
  // site.removeduppaths: each directory once, where it first appears (PYTHONPATH may repeat one, or
  // name the stdlib).
  std::vector<std::string> unique;
  for (const auto& p : l.sys_path)
    if (known_.insert(p).second) unique.push_back(p);
  l.sys_path = std::move(unique);

  std::vector<std::string> prefixes = {l.prefix, l.exec_prefix};
  bool user_site = env("PYTHONNOUSERSITE").empty() || !use_environment_;
  // site.venv(): pyvenv.cfg next to sys.executable or one level up; sys.prefix becomes the latter.
  const std::string exe_dir = parent_path(l.executable), site_prefix = parent_path(exe_dir);
  for (const auto& conf : {join_path(exe_dir, "pyvenv.cfg"), join_path(site_prefix, "pyvenv.cfg")}) {
    auto text = read_if_file(conf);
    if (!text) continue;
    std::string system_site = "true";
    for (const auto& line : split_lines(*text)) {
      size_t eq = line.find('=');
      if (eq == std::string::npos) continue;
      std::string key = strip(line.substr(0, eq)), value = strip(line.substr(eq + 1));
      for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      for (auto& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (key == "include-system-site-packages") system_site = value;
    }
    l.venv = site_prefix;
    l.prefix = l.exec_prefix = site_prefix;
    for (const auto& d : site_packages(l, {site_prefix}, true))
      if (isdir(d)) add_site_dir(l, d);
    if (system_site == "true") {
      prefixes.insert(prefixes.begin(), site_prefix);
    } else {
      prefixes = {site_prefix};
      user_site = false;
    }
    break;
  }
  const std::string ver = std::to_string(l.major) + "." + std::to_string(l.minor);
  if (user_site && !env("HOME").empty()) {
    std::string d = normpath(env("HOME") + "/.local/lib/python" + ver + "/site-packages");
    if (isdir(d)) add_site_dir(l, d);
  } else if (user_site) {
    l.notes.push_back("HOME unknown: the user site-packages (~/.local/lib/python" + ver + "/site-packages) is not considered");
  }
  for (const auto& d : site_packages(l, prefixes, !l.venv.empty()))
    if (isdir(d)) add_site_dir(l, d);

  // site.execsitecustomize / execusercustomize: an import searched along the final sys.path.
  std::vector<std::string> modules = {"sitecustomize"};
  if (user_site) modules.emplace_back("usercustomize");
  for (const auto& m : modules) {
    bool done = false;
    for (const auto& dir : l.sys_path) {
      std::vector<std::string> candidates = {m + "/__init__.py", m + ".py", m + ".pyc"};
      for (const auto& s : l.extension_suffixes) candidates.push_back(m + s);
      for (const auto& c : candidates)
        if (!done && isfile(join_path(dir, c))) {
          l.customize.push_back(join_path(dir, c));
          done = true;
        }
      if (done) break;
    }
  }
}

void Finder::binary_facts(Layout& l, const std::string& exe_bytes, const elf::ElfInfo& elf) {
  // The SOABI from lib-dynload's own file names when there are any, else from the ELF machine.
  std::map<std::string, int> tags;
  const std::string prefix = ".cpython-" + std::to_string(l.major) + std::to_string(l.minor);
  if (isdir(l.platstdlib_dir))
    for (const auto& n : root_.list_dir(resolve(l.platstdlib_dir).path)) {
      size_t at = n.find(prefix);
      if (at != std::string::npos && n.ends_with(".so")) ++tags[n.substr(at)];
    }
  std::string soabi_suffix;
  int best = 0;
  for (const auto& [tag, count] : tags)
    if (count > best) best = count, soabi_suffix = tag;
  if (!soabi_suffix.empty()) {
    size_t dash = soabi_suffix.find('-', prefix.size());
    if (dash != std::string::npos) l.triplet = soabi_suffix.substr(dash + 1, soabi_suffix.size() - dash - 4);
  } else {
    l.triplet = platform_triplet(elf.id(), elf.interp.find("ld-musl") != std::string::npos);
    if (!l.triplet.empty()) soabi_suffix = prefix + "-" + l.triplet + ".so";
    else l.notes.push_back("unknown ELF machine " + std::to_string(elf.machine) + ": no platform triplet");
  }
  if (!soabi_suffix.empty()) l.extension_suffixes.push_back(soabi_suffix);
  l.extension_suffixes.insert(l.extension_suffixes.end(), {".abi3.so", ".so"});

  std::string lib_bytes;
  std::vector<std::string> symbols;
  try {
    symbols = elf_dynamic_symbols(exe_bytes);
    if (!l.libpython.empty()) {
      lib_bytes = read(l.libpython, kMaxBinary);
      auto more = elf_dynamic_symbols(lib_bytes);
      symbols.insert(symbols.end(), more.begin(), more.end());
    }
  } catch (const Error& e) {
    l.notes.push_back("reading dynamic symbols: " + std::string(e.what()));
  }
  if (symbols.empty()) l.notes.push_back("no dynamic symbols: built-in modules unknown beyond the four of config.c");
  l.builtin_modules = builtin_modules(symbols);
  l.frozen_modules = frozen_modules(l.major, l.minor, lib_bytes.empty() ? std::string_view(exe_bytes) : lib_bytes);
}

Layout Finder::run(const std::string& interpreter) {
  Layout l;
  l.executable = normpath(interpreter);
  Resolved r = root_.resolve(l.executable);
  if (!r.exists || r.stat.type != FileType::Regular) throw Error(l.executable + ": no such interpreter in the root");
  l.real_executable = r.path;
  const std::string bytes = read(r.path, kMaxBinary);
  Fd fd(root_.open_read(r.path));
  std::optional<elf::ElfInfo> elf = elf::read_elf_direct(fd.get(), bytes.size());
  if (!elf) throw Error(l.real_executable + ": not an ELF file");
  version(l, *elf);
  l.triplet = platform_triplet(elf->id(), elf->interp.find("ld-musl") != std::string::npos);
  find_libpython(l, *elf);
  getpath(l);
  binary_facts(l, bytes, *elf);
  site(l);
  return l;
}

}  // namespace

Layout find_layout(const Root& root, const std::string& interpreter, const LayoutOptions& options) {
  return Finder(root, options).run(interpreter);
}

}  // namespace raison::python
