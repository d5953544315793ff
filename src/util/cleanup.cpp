// Removal of a run's own files when a signal ends it, and reclaiming what a SIGKILLed run left
// (see cleanup.hpp). The signal handler uses only async-signal-safe calls on fixed storage.
#include "util/cleanup.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>

namespace raison {

namespace {

constexpr const char* kMark = "user.raison-staging";
constexpr int kSlots = 64;
constexpr int kMaxDepth = 300;  // deeper than a staging directory may be (staging_tree.cpp: 256)

enum : int { kFree = 0, kFilling = 1, kActive = 2 };
struct Slot {
  std::atomic<int> state{kFree};
  int dir_fd = -1;
  char name[4096] = {};
};
Slot g_slots[kSlots];
std::atomic<pid_t> g_child{0};

// getdents64 fills the buffer with records laid out as glibc's `struct dirent64` (d_ino, d_off,
// d_reclen, d_type, then the name), which is what it is read as.
using Dirent64 = struct dirent64;

bool dot_or_dotdot(const char* n) { return n[0] == '.' && (n[1] == '\0' || (n[1] == '.' && n[2] == '\0')); }

// Removes NAME in DIR_FD, a tree and all, without following a link; fixed storage only (it runs in
// the signal handler). A tree deeper than kMaxDepth is left in part.
char g_names[kMaxDepth][256];
char g_buf[8192];
void remove_tree_at(int dir_fd, const char* name) {
  if (::unlinkat(dir_fd, name, 0) == 0 || (errno != EISDIR && errno != EPERM)) return;
  int fds[kMaxDepth];
  fds[0] = ::openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fds[0] < 0) return;
  int depth = 0;
  for (long budget = 1L << 24; budget > 0; --budget) {  // a tree that will not go is left, not looped on
    const long n = ::syscall(SYS_getdents64, fds[depth], g_buf, sizeof g_buf);
    bool descended = false;
    for (long at = 0; n > 0 && at < n && !descended;) {
      auto* d = reinterpret_cast<Dirent64*>(g_buf + at);
      at += d->d_reclen;
      if (dot_or_dotdot(d->d_name)) continue;
      if (::unlinkat(fds[depth], d->d_name, 0) == 0) continue;
      if (errno != EISDIR && errno != EPERM) continue;
      if (depth + 1 >= kMaxDepth || std::strlen(d->d_name) >= sizeof g_names[0]) continue;
      const int sub = ::openat(fds[depth], d->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub < 0) continue;
      std::strcpy(g_names[depth + 1], d->d_name);
      fds[++depth] = sub;
      descended = true;
    }
    if (descended || n > 0) continue;
    // This directory is read to its end: everything but what could not go is gone.
    if (depth == 0) break;
    ::close(fds[depth]);
    --depth;
    ::unlinkat(fds[depth], g_names[depth + 1], AT_REMOVEDIR);
    ::lseek(fds[depth], 0, SEEK_SET);  // read it again from the start: entries were removed
  }
  for (int i = depth; i >= 0; --i) ::close(fds[i]);
  ::unlinkat(dir_fd, name, AT_REMOVEDIR);
}

void on_signal(int sig) {
  if (const pid_t child = g_child.load()) ::kill(child, SIGKILL);  // strace blocks SIGTERM
  for (auto& s : g_slots)
    if (s.state.load() == kActive) remove_tree_at(s.dir_fd, s.name);
  ::_exit(128 + sig);
}

struct Marked {
  int lock_fd;  // -1: not marked (and not reclaimable after a SIGKILL), but still removed on a signal
  std::unique_ptr<CleanupOnSignal> cleanup;
};
std::mutex g_marked_mutex;
std::map<std::string, Marked> g_marked;

}  // namespace

void install_cleanup_handlers() {
  struct sigaction sa{};
  sa.sa_handler = on_signal;
  sigfillset(&sa.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(sig, &sa, nullptr);
}

void kill_on_signal(int child) { g_child.store(child); }

CleanupOnSignal::CleanupOnSignal(int dir_fd, const std::string& name) {
  if (name.size() >= sizeof g_slots[0].name) return;
  for (int i = 0; i < kSlots; ++i) {
    int expected = kFree;
    if (!g_slots[i].state.compare_exchange_strong(expected, kFilling)) continue;
    g_slots[i].dir_fd = dir_fd == AT_FDCWD ? AT_FDCWD : ::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
    std::memcpy(g_slots[i].name, name.c_str(), name.size() + 1);
    g_slots[i].state.store(kActive);
    slot_ = i;
    return;
  }
}

CleanupOnSignal::CleanupOnSignal(const std::string& path) : CleanupOnSignal(AT_FDCWD, path) {}

CleanupOnSignal::~CleanupOnSignal() {
  if (slot_ < 0) return;
  Slot& s = g_slots[slot_];
  s.state.store(kFilling);
  if (s.dir_fd >= 0) ::close(s.dir_fd);
  s.dir_fd = -1;
  s.state.store(kFree);
}

void mark_staging(const std::string& path) {
  // Removed on a signal whether or not it can be marked (a filesystem without user xattrs).
  auto cleanup = std::make_unique<CleanupOnSignal>(path);
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  // Locked before marked: a marked directory that is not locked has no owner left.
  if (fd >= 0 && (::flock(fd, LOCK_EX | LOCK_NB) != 0 || ::fsetxattr(fd, kMark, "1", 1, 0) != 0)) {
    ::close(fd);
    fd = -1;
  }
  std::lock_guard lock(g_marked_mutex);
  g_marked[path] = Marked{fd, std::move(cleanup)};
}

void unmark_staging(const std::string& path, bool kept) {
  std::lock_guard lock(g_marked_mutex);
  auto it = g_marked.find(path);
  if (it == g_marked.end()) return;
  if (it->second.lock_fd >= 0) {
    if (kept) ::fremovexattr(it->second.lock_fd, kMark);
    ::close(it->second.lock_fd);
  }
  g_marked.erase(it);
}

int reclaim_stale_staging(const std::string& dir) {
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) return 0;
  DIR* d = ::fdopendir(::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0));
  if (!d) {
    ::close(dir_fd);
    return 0;
  }
  int reclaimed = 0;
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name.size() != 13 || name.compare(0, 7, "raison-") != 0) continue;
    struct stat st{};
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode) ||
        st.st_uid != ::geteuid())
      continue;
    const int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) continue;
    char value[8];
    if (::fgetxattr(fd, kMark, value, sizeof value) > 0 && ::flock(fd, LOCK_EX | LOCK_NB) == 0) {
      // Ours, and its owner is gone: hold the lock while removing (another run reclaiming waits out).
      remove_tree_at(dir_fd, name.c_str());
      ++reclaimed;
    }
    ::close(fd);
  }
  ::closedir(d);
  ::close(dir_fd);
  return reclaimed;
}

}  // namespace raison
