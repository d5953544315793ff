// The plain options every stage reads. The CLI fills it; the library never sees the command line.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace raison {

enum class ElfReaderKind {
  Direct,  // pread of just what the loader reads: headers, PT_INTERP, PT_DYNAMIC, its strings, notes
  Lief,    // LIEF 0.9 parses the whole file
};

// How strongly a runtime needs a file it loads without declaring it (the levels of the freedesktop
// ELF dlopen metadata, used for rules too).
enum class Priority { Required = 0, Recommended = 1, Suggested = 2 };

// What happens to the root's /etc/ld.so.cache.
enum class LdCachePolicy {
  Keep,        // the loader's lookups use it; it is kept as it is when they do
  Regenerate,  // as Keep, but the output gets a fresh cache listing only the kept libraries
  Drop,        // resolve as if there were none, and do not keep it
};

struct Options {
  // Paths inside the root that start the closure.
  std::vector<std::string> seeds;
  // Paths or globs inside the root kept as they are (a directory keeps its whole tree); each is also
  // analysed like a seed.
  std::vector<std::string> keep;
  // Analyzers to run, by name ("elf", "script", "python", "rules", "trace"). Empty means all.
  std::set<std::string> analyzers;
  // Environment the program runs with, as "KEY=VALUE" (LD_LIBRARY_PATH is read by the loader rules).
  std::map<std::string, std::string> env;
  // glibc-hwcaps subdirectories the loader searches, highest priority first. Unset: the host's own
  // levels when the root's architecture is the host's (x86-64-v4/v3/v2 as this CPU supports), else none.
  std::optional<std::vector<std::string>> hwcaps;
  // Legacy (glibc < 2.37) hwcap names in path order, e.g. {"tls","haswell","avx512_1","x86_64"}; every
  // combination is a subdirectory. Unset: the host's when the root's architecture is the host's, else
  // none.
  std::optional<std::vector<std::string>> legacy_hwcaps;
  // AT_PLATFORM, substituted for $PLATFORM. Unset: the host's for the host's architecture.
  std::optional<std::string> platform;
  // How ELF files are read.
  ElfReaderKind elf_reader = ElfReaderKind::Direct;
  // Optional loads (rules, .note.dlopen) are kept up to this priority.
  Priority priority = Priority::Recommended;
  LdCachePolicy ldcache = LdCachePolicy::Keep;
  // Python: modules imported by name at run time ("pkg.mod"), or whole packages ("pkg.*").
  std::vector<std::string> python_imports;
  // Python: keep the whole standard library (minus tests, idlelib, tkinter, ensurepip, lib2to3,
  // turtledemo), as distroless does.
  bool python_stdlib_full = false;
  // Python: keep each kept module's cached bytecode (__pycache__/NAME.cpython-XY.pyc).
  bool python_bytecode = true;
  // Python: keep the data files of each kept package (templates, .json, .pem: rule python-package-data,
  // at priority recommended).
  bool python_package_data = true;
  // Runtime traces (strace -f logs, or lists of paths) whose files are kept (--trace).
  std::vector<std::string> traces;
  // Rules files added to the built-in rules (--rules).
  std::vector<std::string> rules_files;
  // The closure is written as a root or an image (not only listed): rules marked "output" fire (the
  // directories every image is expected to have).
  bool for_output = false;
  // Record, for each ELF entry point, the files its loader maps in load order
  // (Analysis::loaded_by_entry, what --list-loaded prints): a list of paths per program, not made
  // unless asked.
  bool record_load_order = false;
};

}  // namespace raison
