// The Python layout (getpath + site.py replayed in a root) against the interpreter itself: Debian's
// /usr/bin/python3.11 on this machine's /, run with env -i and a chosen environment (HOME and its user
// site, PYTHONPATH, PYTHONNOUSERSITE), and venvs made at test time, each compared field by field with
// what the interpreter prints about itself; and a hand-built upstream-style /usr/local root.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "analyzers/python/layout.hpp"
#include "raison/root.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;
using raison::python::find_layout;
using raison::python::LayoutOptions;

namespace {

const std::string kPython = "/usr/bin/python3.11";

// Run by the interpreter under test: what getpath and site.py decided, as JSON. sys.path[0] is the
// '' of -c. The lib-dynload directory is where the path finder finds the extension module _json
// (Debian's libpython3.11-stdlib ships it there). No single quote: it goes inside '...'.
constexpr const char* kAsk = R"(import sys, os, json, site, _imp, importlib.machinery, importlib.util
user = site.getusersitepackages() if site.ENABLE_USER_SITE else None
sites = set(site.getsitepackages()) | ({user} if user else set())
spec = importlib.machinery.PathFinder.find_spec("_json")
custom = [sys.modules.get(m) for m in ("sitecustomize", "usercustomize")]
print(json.dumps({
  "version": list(sys.version_info[:2]),
  "path": sys.path[1:],
  "prefix": sys.prefix, "exec_prefix": sys.exec_prefix,
  "base_prefix": sys.base_prefix, "base_exec_prefix": sys.base_exec_prefix,
  "stdlib": sys._stdlib_dir,
  "platstdlib": os.path.dirname(spec.origin) if spec else None,
  "site_dirs": [p for p in sys.path if p in sites],
  "builtins": sorted(sys.builtin_module_names),
  "frozen": list(_imp._frozen_module_names()) if hasattr(_imp, "_frozen_module_names") else [],
  "suffixes": importlib.machinery.EXTENSION_SUFFIXES,
  "customize": [m.__file__ for m in custom if m is not None and getattr(m, "__file__", None)],
  "multiarch": getattr(sys.implementation, "_multiarch", ""),
}))
)";

// What `python` says about itself when run with exactly `env` (env -i: nothing of ours leaks in).
nlohmann::json ask(const std::string& python, const std::vector<std::string>& env) {
  std::string cmd = "cd / && env -i";
  for (const auto& e : env) cmd += " '" + e + "'";
  return nlohmann::json::parse(raison::test::output_of(cmd + " " + python + " -c '" + kAsk + "'"));
}

std::string join(const auto& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : " ") + std::string(x);
  return s;
}

// raison's layout against the interpreter's answer, field by field; returns how many fields.
// The one known difference: getpath lists lib/python311.zip whether or not it exists, raison only
// when it exists (an entry that is not there cannot hold a module).
int check_as_interpreter_says(const raison::python::Layout& l, const nlohmann::json& real) {
  int fields = 0;
  auto same = [&](const std::string& ours, const std::string& theirs, const char* field) {
    ++fields;
    CHECK_MESSAGE(ours == theirs, std::string(field));
  };
  std::vector<std::string> path;
  for (const std::string p : real["path"])
    if (!(p.ends_with(".zip") && !fs::exists(p))) path.push_back(p);
  same(std::to_string(l.major) + "." + std::to_string(l.minor),
       std::to_string(int(real["version"][0])) + "." + std::to_string(int(real["version"][1])), "version");
  same(join(l.sys_path), join(path), "sys.path without sys.path[0]");
  same(l.prefix, real["prefix"], "sys.prefix");
  same(l.exec_prefix, real["exec_prefix"], "sys.exec_prefix");
  same(l.base_prefix, real["base_prefix"], "sys.base_prefix");
  same(l.base_exec_prefix, real["base_exec_prefix"], "sys.base_exec_prefix");
  same(l.stdlib_dir, real["stdlib"], "sys._stdlib_dir");
  same(l.platstdlib_dir, real["platstdlib"].is_null() ? "" : real["platstdlib"], "lib-dynload (where _json is)");
  same(join(l.site_dirs), join(real["site_dirs"]), "site-packages directories in sys.path");
  same(join(l.builtin_modules), join(real["builtins"]), "sys.builtin_module_names");
  same(join(l.frozen_modules), join(real["frozen"]), "_imp._frozen_module_names()");
  same(join(l.extension_suffixes), join(real["suffixes"]), "importlib.machinery.EXTENSION_SUFFIXES");
  same(join(l.customize), join(real["customize"]), "sitecustomize and usercustomize imported");
  same(l.triplet, real["multiarch"], "sys.implementation._multiarch");
  return fields;
}

// The layout raison computes on this machine's own / for `python` run with `env`, and the check.
raison::python::Layout check_on_host(const std::string& python, const std::vector<std::string>& env) {
  raison::test::require_tool(kPython, "python3.11");
  auto root = raison::open_directory_root("/");
  LayoutOptions o;
  o.env = env;
  auto l = find_layout(*root, python, o);
  CHECK(check_as_interpreter_says(l, ask(python, env)) == 14);
  return l;
}

// A HOME whose user site-packages exists, holding a .pth file (an existing directory, a missing one,
// an import line) and a usercustomize module.
struct UserSite : raison::test::TempDir {
  std::string site = (dir / ".local/lib/python3.11/site-packages").string();
  UserSite() {
    fs::create_directories(dir / "extra");
    raison::test::spit(site + "/usercustomize.py", "");
    raison::test::spit(site + "/a.pth", (dir / "extra").string() + "\n" + (dir / "missing").string() + "\nimport sys\n");
  }
  std::string home() const { return "HOME=" + dir.string(); }
};

}  // namespace

TEST_CASE("python layout: Debian python3.11 on / is laid out as the interpreter says") {
  raison::test::TempDir home;  // an empty HOME: no user site-packages whoever runs the test
  auto l = check_on_host("/usr/bin/python3", {"HOME=" + home.dir.string()});
  // What the interpreter cannot tell: the real file, the site.py flavour, getpath's landmarks.
  CHECK(l.real_executable == kPython);
  CHECK(l.debian_site);
  CHECK(std::find(l.landmarks.begin(), l.landmarks.end(), l.stdlib_dir + "/os.py") != l.landmarks.end());
  CHECK(std::find(l.landmarks.begin(), l.landmarks.end(), l.platstdlib_dir) != l.landmarks.end());
}

TEST_CASE("python layout: PYTHONPATH entries come first, normalised and without duplicates, as the interpreter has them") {
  UserSite home;
  const std::string d = home.dir.string();
  check_on_host(kPython, {home.home(), "PYTHONPATH=" + d + "/extra:/nonexistent//x/../y:" + d + "/extra/:/usr/lib/python3.11"});
}

TEST_CASE("python layout: HOME's user site-packages, its .pth files and usercustomize, unless PYTHONNOUSERSITE") {
  UserSite home;
  auto l = check_on_host(kPython, {home.home()});
  // The fixture did what it is for: the user site, the directory its .pth file adds, usercustomize.
  CHECK(std::find(l.site_dirs.begin(), l.site_dirs.end(), home.site) != l.site_dirs.end());
  CHECK(std::find(l.sys_path.begin(), l.sys_path.end(), (home.dir / "extra").string()) != l.sys_path.end());
  CHECK(std::find(l.customize.begin(), l.customize.end(), home.site + "/usercustomize.py") != l.customize.end());
  auto no_user = check_on_host(kPython, {home.home(), "PYTHONNOUSERSITE=1"});
  CHECK(std::find(no_user.site_dirs.begin(), no_user.site_dirs.end(), home.site) == no_user.site_dirs.end());
}

TEST_CASE("python layout: a venv, with and without the system site-packages, is laid out as its interpreter says") {
  raison::test::require_tool(kPython, "python3.11");
  UserSite home;
  for (bool system : {false, true}) {
    CAPTURE(system);
    const std::string venv = (home.dir / (system ? "sys" : "plain")).string();
    raison::test::output_of(kPython + " -m venv --without-pip " + (system ? "--system-site-packages " : "") + venv + " 2>&1");
    raison::test::spit(venv + "/lib/python3.11/site-packages/v.pth", (home.dir / "extra").string() + "\n");
    auto l = check_on_host(venv + "/bin/python3", {home.home()});
    CHECK(l.venv == venv);
    CHECK(std::find(l.landmarks.begin(), l.landmarks.end(), venv + "/pyvenv.cfg") != l.landmarks.end());
  }
}

// No interpreter to ask here: a CPython built for /usr/local is not installed on this machine, and
// the Debian binary copied in would need its whole stdlib beside it to run; the expected values are
// getpath's and site.py's rules applied by hand.
TEST_CASE("python layout: upstream /usr/local layout with .pth files, in a fixture root") {
  raison::test::require_tool(kPython, "python3.11");
  raison::test::TempDir t;
  const fs::path r = t.dir;
  const fs::path lib = r / "usr/local/lib/python3.11";
  fs::create_directories(r / "usr/local/bin");
  fs::create_directories(lib / "lib-dynload");
  fs::create_directories(lib / "site-packages/rel");
  fs::create_directories(r / "opt/abs");
  fs::copy_file(kPython, r / "usr/local/bin/python3.11");
  fs::create_symlink("python3.11", r / "usr/local/bin/python3");
  std::ofstream(lib / "os.py") << "# landmark\n";
  std::ofstream(lib / "site.py") << "# upstream: site-packages only\n";
  std::ofstream(lib / "lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so") << "";
  std::ofstream(lib / "site-packages/b.pth") << "# comment\nrel\n/opt/abs\n/missing\nimport hook; hook.run()\n";
  std::ofstream(lib / "site-packages/a.pth") << "/opt/abs\n";
  std::ofstream(lib / "site-packages/sitecustomize.py") << "";

  auto root = raison::open_directory_root(r);
  LayoutOptions o;
  o.env = {"HOME=/root", "PYTHONPATH=/app:relative"};
  auto l = find_layout(*root, "/usr/local/bin/python3", o);
  CHECK(l.prefix == "/usr/local");
  CHECK(l.exec_prefix == "/usr/local");
  CHECK_FALSE(l.debian_site);
  const std::string sp = "/usr/local/lib/python3.11/site-packages";
  CHECK(l.sys_path == std::vector<std::string>{"/app", "/usr/local/lib/python3.11", "/usr/local/lib/python3.11/lib-dynload",
                                               sp, "/opt/abs", sp + "/rel"});
  REQUIRE(l.pth_files.size() == 2);
  CHECK(l.pth_files[0].dirs == std::vector<std::string>{"/opt/abs"});
  CHECK(l.pth_files[1].dirs == std::vector<std::string>{sp + "/rel"});
  CHECK(l.pth_files[1].import_lines == std::vector<std::string>{"import hook; hook.run()"});
  CHECK(l.customize == std::vector<std::string>{sp + "/sitecustomize.py"});
  CHECK(l.extension_suffixes == std::vector<std::string>{".cpython-311-x86_64-linux-gnu.so", ".abi3.so", ".so"});
  CHECK(l.builtin_modules.count("_io"));
}
