// Running a command inside a root without touching it or the host: a private mount namespace, the
// root as the lower layer of an overlay with a tmpfs on top (so /proc, /dev and anything the command
// writes land in the tmpfs), then chroot. Used by `raison trace` and `raison verify`.
#pragma once

#include <string>
#include <vector>

namespace raison::cli {

// Replaces the current process with CMD running inside ROOT. Returns only on failure (with a message).
std::string exec_in_root(const std::string& root, const std::vector<std::string>& cmd);

// Runs CMD inside ROOT under `strace -f` and writes the log to `log` (only what happened after the
// chroot: raison's own start-up is left out). `self_exe` is a link to this program (/proc/self/exe),
// which strace runs as `__exec-in-root`. Returns CMD's exit status (128+N for a signal).
// With `output`, CMD's stdout and stderr are also collected there (they still reach raison's stderr).
int trace_in_root(const std::string& self_exe, const std::string& root, const std::vector<std::string>& cmd,
                  const std::string& log, std::string* output = nullptr);

}  // namespace raison::cli
