// Runtime evidence from `strace -f` logs: the paths a program used, each made absolute the way the
// kernel resolved it (through the process's cwd, inherited across fork and changed by chdir/fchdir,
// or through the directory fd of an *at call) and lexically normalised. Failed calls are kept with
// ok = false: keeping ignores them, `verify` compares them. A line that cannot be read becomes a
// LogProblem with its line number; parsing never stops at one.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace raison::trace {

struct PathUse {
  std::string path;      // absolute, lexically normal ("/usr/lib/os-release")
  std::string syscall;   // "openat", "execve", "chdir", ...; "list" for an entry of a path list
  int pid = 0;           // as the log names it; 0 when it names none (one process)
  std::size_t line = 0;  // 1-based line of the log where the call starts
  bool ok = false;       // the call succeeded
  // For a call returning an fd under strace -y: the kernel's path of what it opened (symlinks
  // resolved), else empty.
  std::string fd_path;
  // The call made this path: open/openat with O_CREAT, creat, mkdir, mknod, the new name of rename,
  // link or symlink, the path bind() gave a unix socket. (Whether it existed before, the log does not
  // say; the root does.)
  bool creates = false;

  bool operator==(const PathUse&) const = default;
};

struct LogProblem {
  std::size_t line = 0;  // 1-based
  std::string message;   // one line, the cause
};

struct TraceLog {
  std::vector<PathUse> uses;  // in the order the calls completed
  std::vector<LogProblem> problems;
};

// Parses an strace log (with or without -f pids, -t/-tt/-ttt/-r/-T timestamps, -y/-yy annotations).
// `initial_cwd` is the working directory of the first process, for relative paths before any
// chdir; raison's own `trace` starts the command in "/".
TraceLog parse_strace(std::string_view log, const std::string& initial_cwd = "/");

// "/a/./b//c/../d" -> "/a/b/d"; ".." at the top stays at "/". Lexical only, as symlinks are
// resolved later inside the root. `path` must be absolute.
std::string normalize_path(std::string_view path);

// `path` made absolute against the absolute directory `base`, then normalised.
std::string resolve_path(std::string_view base, std::string_view path);

// The lines of an `strace -f` log of the trace sandbox that belong to the command: from the mark (the
// first chroot("/") that succeeds, made by the process that then execs the command) on, leaving out the
// processes that were there before it (raison's own start-up, the sandbox's set-up, the namespace's
// init). A call another process's line interrupts is split by strace (`P chroot("/" <unfinished ...>`,
// later `P <... chroot resumed>) = 0`): the mark is either form. Nothing when there is no mark.
std::optional<std::string> after_chroot_mark(std::string_view log);

}  // namespace raison::trace
