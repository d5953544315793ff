// Cleanup on every path (README, "Interrupted runs"): what a run creates on the host for itself (the
// staging directory, temporary outputs) is registered here while it exists. SIGINT, SIGTERM and SIGHUP
// remove every registered file or tree (with async-signal-safe system calls only, no allocation) and
// end the run with 128+N. What a SIGKILLed run leaves is reclaimed by a later run: a staging directory
// is marked (the xattr user.raison-staging) and flock'ed by its owner for as long as it lives.
#pragma once

#include <string>

namespace raison {

// Installs the handlers (once, from main).
void install_cleanup_handlers();

// While alive, NAME in the directory DIR_FD (duplicated; AT_FDCWD with an absolute NAME) is removed,
// tree and all, if a signal ends the run.
class CleanupOnSignal {
 public:
  CleanupOnSignal(int dir_fd, const std::string& name);
  explicit CleanupOnSignal(const std::string& path);
  ~CleanupOnSignal();
  CleanupOnSignal(const CleanupOnSignal&) = delete;
  CleanupOnSignal& operator=(const CleanupOnSignal&) = delete;

 private:
  int slot_ = -1;
};

// A staging directory's mark and lock: marks PATH (made by mkdtemp) as raison's and holds a flock on
// it until `unmark_staging` (or the process's end). Then registered for removal on a signal.
void mark_staging(const std::string& path);
// The directory is no longer raison's to reclaim (removed, or kept on purpose): the lock and the
// signal registration go, and the mark with them when the directory stays.
void unmark_staging(const std::string& path, bool kept);

// Removes the staging directories (raison-XXXXXX, marked, not locked, a directory owned by this user,
// seen through lstat) that runs killed by SIGKILL left in DIR. Never fails; returns how many.
int reclaim_stale_staging(const std::string& dir);

// A child process (strace) sent SIGKILL when a signal ends the run; 0 for none.
void kill_on_signal(int pid);

}  // namespace raison
