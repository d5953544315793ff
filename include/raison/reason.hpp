// A reason is raison's unit of explanation: "FROM needs TO because DETAIL", found by ANALYZER.
// Invariant: every file in an output has at least one reason, and every reason names its kind, the
// analyzer that found it, the file it came from (empty for a seed) and a human-readable detail such as
// "DT_NEEDED libz.so.1 via RUNPATH $ORIGIN/../lib".
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace raison {

enum class ReasonKind {
  Seed,       // named by the user (--seed, --keep) or by the image (Entrypoint, Cmd)
  Interp,     // PT_INTERP: the program's dynamic loader
  Needed,     // DT_NEEDED, resolved by the loader's search rules
  Symlink,    // a symbolic link met while resolving a path the loader or a runtime opens
  Parent,     // a directory that holds a kept file
  Hardlink,   // another name of a kept file
  Dlopen,     // loaded by name at run time (NSS, gconv, .note.dlopen, plugins)
  Shebang,    // the interpreter named by a script's #! line
  Import,     // a Python import
  Data,       // a data file a runtime reads (rules file)
  Loader,     // a file the dynamic loader itself reads (ld.so.cache, ld.so.conf)
  Trace,      // seen at run time in a trace (opened, stat'ed, listed...)
  Exec,       // executed at run time in a trace (execve): a program, whose own needs follow
  Keep,       // --keep
  Package,    // the root's package database (dpkg, apk), trimmed to the packages with kept files
};

std::string_view to_string(ReasonKind kind);
std::optional<ReasonKind> reason_kind_from_string(std::string_view name);

// Kinds that make a file an entry point of its own: a program started or a library loaded by name, as
// opposed to one found while following an entry point's dependencies.
bool is_entry_kind(ReasonKind kind);

struct Reason {
  ReasonKind kind;
  std::string analyzer;  // "cli", "elf", "python", "rules", "trace", "root"
  std::string from;      // path of the file that needs this one; empty for seeds
  std::string detail;    // e.g. "DT_NEEDED libz.so.1 via RUNPATH $ORIGIN/../lib"

  bool operator==(const Reason&) const = default;
  auto operator<=>(const Reason&) const = default;
};

}  // namespace raison
