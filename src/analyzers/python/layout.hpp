// Where a Python installation inside a root keeps its modules, computed as CPython 3.8+ computes it
// at startup (Modules/getpath.py, then Lib/site.py), never by running it: prefixes from landmarks and
// pyvenv.cfg, the stdlib and lib-dynload, the site-packages of the distribution's site.py (Debian's
// dist-packages or upstream's site-packages), .pth files, and what the binary says about built-in and
// frozen modules and extension suffixes.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "raison/root.hpp"

namespace raison::python {

struct PthFile {
  std::string path;
  std::vector<std::string> dirs;          // directories it added to sys.path, in order
  std::vector<std::string> import_lines;  // lines site.py exec()s ("import ..."): imports to follow
};

struct Layout {
  std::string executable;       // as given (sys.executable)
  std::string real_executable;  // canonical path of the ELF file
  int major = 0, minor = 0;
  std::string platlibdir;                  // "lib" (Debian, upstream) or "lib64" (Fedora)
  std::string prefix, exec_prefix;         // sys.prefix / sys.exec_prefix after site.py (the venv for a venv)
  std::string base_prefix, base_exec_prefix;
  std::string venv;                        // directory holding pyvenv.cfg, or ""
  std::string stdlib_dir, platstdlib_dir;  // /usr/lib/python3.11, /usr/lib/python3.11/lib-dynload
  bool debian_site = false;                // site.py is Debian's (dist-packages)
  bool site_enabled = true;
  // sys.path as the interpreter has it after site.py, without the script directory (argv[0]'s
  // directory, or '' for -c) that the driver puts first. The zip entry is kept only if it exists.
  std::vector<std::string> sys_path;
  std::vector<std::string> site_dirs;  // site-packages directories that exist, in sys.path order
  std::vector<PthFile> pth_files;
  std::vector<std::string> customize;  // sitecustomize / usercustomize files site.py will import
  // Files and directories getpath stats or reads to decide the prefixes: they must be kept.
  std::vector<std::string> landmarks;
  std::string libpython;  // canonical path of the DT_NEEDED libpython3.X.so, if any
  std::string triplet;    // "x86_64-linux-gnu"
  std::vector<std::string> extension_suffixes;  // importlib.machinery.EXTENSION_SUFFIXES
  std::set<std::string> builtin_modules;        // sys.builtin_module_names
  std::vector<std::string> frozen_modules;      // _imp._frozen_module_names()
  std::vector<std::string> notes;               // what could not be decided exactly, one line each
};

struct LayoutOptions {
  // The environment the program runs with ("KEY=VALUE", from the image config). Read: PYTHONHOME,
  // PYTHONPATH, PYTHONNOUSERSITE, HOME (for the user site-packages; without HOME there is none).
  std::vector<std::string> env;
  bool no_site = false;  // python -S
};

// Computes the layout for the interpreter at `interpreter` (a path in the root; symlinks followed as
// the kernel would). Throws raison::Error when the file is missing, is not ELF, or the version cannot
// be found. Only reads the root through its methods.
Layout find_layout(const Root& root, const std::string& interpreter, const LayoutOptions& options = {});

}  // namespace raison::python
