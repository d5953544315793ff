// The Python layout (getpath + site.py replayed in a root) against the real interpreter of this
// machine: Debian's /usr/bin/python3.11 on /, a venv made at test time, and a hand-built upstream-style
// /usr/local root with .pth files.
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "analyzers/python/layout.hpp"
#include "raison/root.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;
using raison::python::find_layout;
using raison::python::LayoutOptions;

namespace {

const char* const kPython = "/usr/bin/python3.11";

std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> v;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) v.push_back(l);
  return v;
}

// What the real interpreter says: sys.path without the '' of -c, and without entries that do not
// exist (the python311.zip that getpath always lists).
struct Real {
  std::vector<std::string> path;
  std::string prefix, base_prefix, builtins, frozen, suffixes;
};

Real ask(const std::string& python) {
  auto out = lines(raison::test::output_of("env -u PYTHONPATH -u PYTHONHOME -u PYTHONNOUSERSITE " + python +
                       " -c 'import sys, os, _imp, importlib.machinery as m\n"
                       "print(sys.prefix); print(sys.base_prefix)\n"
                       "print(\" \".join(sorted(sys.builtin_module_names)))\n"
                       "print(\" \".join(_imp._frozen_module_names()))\n"
                       "print(\" \".join(m.EXTENSION_SUFFIXES))\n"
                       "[print(p) for p in sys.path[1:] if os.path.exists(p)]'"));
  REQUIRE(out.size() >= 5);
  Real r{{out.begin() + 5, out.end()}, out[0], out[1], out[2], out[3], out[4]};
  return r;
}

std::string join(const auto& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : " ") + x;
  return s;
}

LayoutOptions host_env() {
  LayoutOptions o;
  if (const char* home = std::getenv("HOME")) o.env.push_back(std::string("HOME=") + home);
  return o;
}

}  // namespace

TEST_CASE("python layout: Debian python3.11 on / matches the running interpreter") {
  raison::test::require_tool(kPython, "python3.11");
  auto root = raison::open_directory_root("/");
  auto l = find_layout(*root, "/usr/bin/python3", host_env());
  Real real = ask(kPython);
  CHECK(l.real_executable == "/usr/bin/python3.11");
  CHECK(l.major == 3);
  CHECK(l.minor == 11);
  CHECK(l.prefix == "/usr");
  CHECK(l.prefix == real.prefix);
  CHECK(l.stdlib_dir == "/usr/lib/python3.11");
  CHECK(l.platstdlib_dir == "/usr/lib/python3.11/lib-dynload");
  CHECK(l.debian_site);
  CHECK(l.sys_path == real.path);
  CHECK(join(l.builtin_modules) == real.builtins);
  CHECK(join(l.frozen_modules) == real.frozen);
  CHECK(join(l.extension_suffixes) == real.suffixes);
  CHECK(l.triplet == "x86_64-linux-gnu");
  CHECK(std::find(l.landmarks.begin(), l.landmarks.end(), "/usr/lib/python3.11/os.py") != l.landmarks.end());
  CHECK(std::find(l.landmarks.begin(), l.landmarks.end(), "/usr/lib/python3.11/lib-dynload") != l.landmarks.end());
  if (fs::exists("/usr/lib/python3.11/sitecustomize.py"))
    CHECK(std::find(l.customize.begin(), l.customize.end(), "/usr/lib/python3.11/sitecustomize.py") != l.customize.end());
}

TEST_CASE("python layout: a venv is recognised through its pyvenv.cfg") {
  raison::test::require_tool(kPython, "python3.11");
  raison::test::TempDir t;
  const std::string dir = t.dir.string();
  auto root = raison::open_directory_root("/");
  for (bool system : {false, true}) {
    const std::string venv = dir + (system ? "/sys" : "/plain");
    raison::test::output_of(std::string(kPython) + " -m venv --without-pip " + (system ? "--system-site-packages " : "") + venv);
    auto l = find_layout(*root, venv + "/bin/python3", host_env());
    Real real = ask(venv + "/bin/python3");
    CHECK(l.venv == venv);
    CHECK(l.prefix == real.prefix);
    CHECK(l.base_prefix == real.base_prefix);
    CHECK(l.stdlib_dir == "/usr/lib/python3.11");
    CHECK(l.sys_path == real.path);
    CHECK(l.site_dirs.front() == venv + "/lib/python3.11/site-packages");
    CHECK(std::find(l.landmarks.begin(), l.landmarks.end(), venv + "/pyvenv.cfg") != l.landmarks.end());
  }
}

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
