// The sandbox behind `raison trace` and `raison verify` (README, "The sandbox of trace and verify").
//
// strace runs raison's own hidden `__exec-in-root` (process P, still the host's), which
//  - closes every inherited descriptor but 0-2, unshares a PID namespace, then forks the namespace's
//    init (I, pid 1 inside) and waits for it (it dies with strace, and I with it);
//  - I, dying with P (PR_SET_PDEATHSIG), enters new mount, IPC, UTS and network namespaces, builds an
//    overlay over the root (the root is only a read-only lower layer, the upper layer a tmpfs mounted
//    over $TMPDIR in the new mount namespace only, so nothing is made on the host), mounts a /proc of the new PID namespace (with /proc/sys and the host-wide
//    knobs read-only or masked), a private /dev (null, zero, full, random, urandom, tty made with
//    mknod on a tmpfs, a private devpts, a tmpfs /dev/shm) and a tmpfs /tmp, then pivot_root's into
//    the overlay and detaches the old root: no mount of the host is left in the namespace, and no
//    process in it has a root or a cwd outside the overlay;
//  - I starts a new session (no controlling terminal of the host), makes itself non-dumpable (so
//    /proc/1/{exe,root,mem,...} and ptrace of it are refused), drops its capabilities and forks the
//    command (C), which marks the start of the trace with chroot("/"), drops the capabilities a
//    container runtime would not grant, sets no_new_privs, installs the seccomp filter of a container
//    runtime's default profile (seccomp.hpp: no new namespaces, no mounts, no keyring, BPF, perf,
//    userfaultfd, modules, file handles, clock; no x32 ABI) and execs;
//  - I reaps every process of the namespace (daemons are reparented to it) and exits with C's status
//    when the last one is gone; P exits with the same status.
// strace and P stay outside the namespace: no process the command can see has them as parent.
#include "cli/sandbox.hpp"

#include "cli/seccomp.hpp"

#include "analyzers/trace/strace.hpp"

#include <fcntl.h>
#include <linux/capability.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "raison/emit.hpp"
#include "raison/error.hpp"
#include "util/fd.hpp"
#include "util/cleanup.hpp"
#include "util/temp_dir.hpp"

namespace raison::cli {

namespace {

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

// The capabilities the command keeps: Docker's and Podman's default set, less CAP_MKNOD (no device
// cgroup guards it here) and CAP_AUDIT_WRITE.
constexpr int kKeptCaps[] = {CAP_CHOWN,  CAP_DAC_OVERRIDE, CAP_FOWNER,           CAP_FSETID,
                             CAP_KILL,   CAP_SETGID,       CAP_SETUID,           CAP_SETPCAP,
                             CAP_NET_BIND_SERVICE,          CAP_NET_RAW,          CAP_SYS_CHROOT,
                             CAP_SETFCAP};

// Drops every capability not in KEEP from the bounding, ambient, inheritable, permitted and
// effective sets. Returns false (errno set) on failure.
bool drop_capabilities(bool keep_default) {
  std::uint64_t keep = 0;
  if (keep_default)
    for (int c : kKeptCaps) keep |= std::uint64_t(1) << c;
  for (int c = 0; c <= 63; ++c) {
    if (keep & (std::uint64_t(1) << c)) continue;
    if (::prctl(PR_CAPBSET_DROP, c, 0, 0, 0) != 0 && errno != EINVAL) return false;
  }
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) return false;
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  for (int i = 0; i < 2; ++i) {
    const auto word = std::uint32_t(keep >> (32 * i));
    data[i].effective = data[i].permitted = word;
    data[i].inheritable = 0;
  }
  return ::syscall(SYS_capset, &header, data) == 0;
}

// Everything below runs in I, between fork and exec: failures are reported on stderr and end I.
[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "raison: sandbox: %s\n", what.c_str());
  std::fflush(stderr);
  ::_exit(127);
}

void must(bool ok, const std::string& what) {
  if (!ok) die(errno_text(what));
}

void bind_over(const std::string& source, const std::string& target, unsigned long flags) {
  must(::mount(source.c_str(), target.c_str(), nullptr, MS_BIND, nullptr) == 0, "binding " + target);
  must(::mount(nullptr, target.c_str(), nullptr, MS_BIND | MS_REMOUNT | flags, nullptr) == 0,
       "making " + target + " read-only");
}

// /proc of the namespace, with what is host-wide in it read-only or hidden (as container runtimes do).
void mount_proc(const std::string& proc) {
  must(::mount("proc", proc.c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) == 0, "mounting " + proc);
  const unsigned long ro = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
  for (const char* p : {"sys", "sysrq-trigger", "bus", "fs", "irq"}) {
    const std::string path = proc + "/" + p;
    if (::access(path.c_str(), F_OK) == 0) bind_over(path, path, ro);
  }
  for (const char* p : {"kcore", "keys", "timer_list", "sched_debug", "latency_stats", "kmsg", "kallsyms",
                        "kpagecount", "kpageflags", "kpagecgroup", "config.gz"}) {
    const std::string path = proc + "/" + p;
    struct stat st{};
    if (::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) bind_over(proc + "/../dev/null", path, ro);
  }
  for (const char* p : {"acpi", "scsi", "asound", "driver"}) {
    const std::string path = proc + "/" + p;
    struct stat st{};
    if (::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
      must(::mount("tmpfs", path.c_str(), "tmpfs", ro, "size=0,mode=0555") == 0, "masking " + path);
  }
}

// A private /dev: the usual nodes made anew (changing them changes nothing on the host), a devpts of
// its own, /dev/shm; read-only once made.
void mount_dev(const std::string& dev) {
  must(::mount("tmpfs", dev.c_str(), "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k") == 0, "mounting " + dev);
  const struct {
    const char* name;
    unsigned major, minor;
  } nodes[] = {{"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};
  for (const auto& n : nodes)
    must(::mknod((dev + "/" + n.name).c_str(), S_IFCHR | 0666, makedev(n.major, n.minor)) == 0,
         "making " + dev + "/" + n.name);
  for (const char* d : {"/pts", "/shm"}) must(::mkdir((dev + d).c_str(), 0755) == 0, "making " + dev + d);
  must(::mount("devpts", (dev + "/pts").c_str(), "devpts", MS_NOSUID | MS_NOEXEC,
               "newinstance,ptmxmode=0666,mode=0620") == 0,
       "mounting " + dev + "/pts");
  must(::mount("tmpfs", (dev + "/shm").c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") == 0,
       "mounting " + dev + "/shm");
  for (const auto& [name, target] : std::map<std::string, std::string>{{"ptmx", "pts/ptmx"},
                                                                         {"fd", "/proc/self/fd"},
                                                                         {"stdin", "/proc/self/fd/0"},
                                                                         {"stdout", "/proc/self/fd/1"},
                                                                         {"stderr", "/proc/self/fd/2"}})
    must(::symlink(target.c_str(), (dev + "/" + name).c_str()) == 0, "making " + dev + "/" + name);
  must(::mount(nullptr, dev.c_str(), nullptr, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NOEXEC, "mode=0755") == 0,
       "making " + dev + " read-only");
}

void loopback_up() {
  Fd s{::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)};
  if (!s.valid()) return;
  ifreq req{};
  std::strncpy(req.ifr_name, "lo", IFNAMSIZ - 1);
  if (::ioctl(s.get(), SIOCGIFFLAGS, &req) != 0) return;
  req.ifr_flags |= IFF_UP;
  (void)::ioctl(s.get(), SIOCSIFFLAGS, &req);
}

[[noreturn]] void run_init(const std::string& root, const std::vector<std::string>& cmd) {
  must(::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) == 0, "PR_SET_PDEATHSIG");
  must(::unshare(CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET) == 0, "unshare");
  must(::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0, "making mounts private");
  loopback_up();

  // The overlay: names given relative to `top` and the root through a descriptor, so no path
  // character (',' ':' '\') can add an option or a layer.
  Fd root_fd{::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC)};
  must(root_fd.valid(), "opening " + root);
  const std::string root_by_fd = "/proc/self/fd/" + std::to_string(root_fd.get());
  // The tmpfs goes over the host's temporary directory, in this namespace only: nothing is made on
  // the host, so nothing is left there whatever kills the sandbox.
  const std::string top = temp_dir();
  must(::mount("tmpfs", top.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") == 0, "mounting tmpfs on " + top);
  must(::chdir(top.c_str()) == 0, "chdir " + top);
  for (const char* d : {"upper", "work", "merged"}) must(::mkdir(d, 0755) == 0, std::string("making ") + d);
  const std::string opts = "lowerdir=" + root_by_fd + ",upperdir=upper,workdir=work";
  const std::string merged = top + "/merged";
  bool overlay = ::mount("overlay", "merged", "overlay", MS_NODEV, opts.c_str()) == 0;
  if (!overlay) {
    // No overlay over this root (its file system cannot be a lower layer): a read-only bind of the
    // root alone (none of its submounts); /proc, /dev and /tmp then need their directories in it.
    must(::mount(root_by_fd.c_str(), "merged", nullptr, MS_BIND, nullptr) == 0, "binding " + root);
    must(::mount(nullptr, "merged", nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NODEV, nullptr) == 0,
         "making the bind of " + root + " read-only");
  }
  root_fd.reset();
  const std::string proc = merged + "/proc", dev = merged + "/dev", tmp = merged + "/tmp";
  if (overlay) {
    // The root's own /proc, /dev, /tmp (a directory, a symlink, or nothing) make way for ours.
    for (const auto& d : {proc, dev, tmp}) {
      struct stat st{};
      if (::lstat(d.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) must(::unlink(d.c_str()) == 0, "removing " + d);
      if (::mkdir(d.c_str(), 0755) != 0 && errno != EEXIST) die(errno_text("making " + d));
    }
    ::chmod(tmp.c_str(), 01777);
  }
  mount_dev(dev);
  mount_proc(proc);
  must(::mount("tmpfs", tmp.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") == 0, "mounting " + tmp);

  // Into the overlay; the host's tree is detached: nothing of it is left to reach.
  must(::chdir(merged.c_str()) == 0, "chdir " + merged);
  must(::syscall(SYS_pivot_root, ".", ".") == 0, "pivot_root " + merged);
  must(::umount2(".", MNT_DETACH) == 0, "detaching the host's root");
  must(::chdir("/") == 0, "chdir /");
  must(::setsid() >= 0, "setsid");
  must(::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0, "PR_SET_DUMPABLE");
  ::prctl(PR_SET_NAME, "sandbox-init", 0, 0, 0);

  const pid_t child = ::fork();
  must(child >= 0, "fork");
  if (child == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    // The mark strace's log is cut at (trace_in_root): what follows is the command.
    must(::chroot("/") == 0, "chroot /");
    must(drop_capabilities(true), "dropping capabilities");
    must(::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0, "PR_SET_NO_NEW_PRIVS");
    if (!syscall_filter_supported())
      std::fputs("raison: sandbox: no seccomp filter on this architecture (it is x86-64 only)\n", stderr);
    must(install_syscall_filter(), "installing the seccomp filter");
    std::vector<char*> argv;
    for (const auto& a : cmd) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    die(errno_text("running " + cmd[0] + " inside the root"));
  }
  must(drop_capabilities(false), "dropping capabilities");
  int status = 0, child_status = 0;
  for (;;) {
    const pid_t got = ::wait(&status);
    if (got < 0) {
      if (errno == EINTR) continue;
      break;  // ECHILD: the namespace is empty
    }
    if (got == child) child_status = status;
  }
  if (WIFEXITED(child_status)) ::_exit(WEXITSTATUS(child_status));
  ::_exit(128 + (WIFSIGNALED(child_status) ? WTERMSIG(child_status) : 0));
}

}  // namespace

std::string exec_in_root(const std::string& root, const std::vector<std::string>& cmd) {
  if (cmd.empty()) return "no command";
  // Nothing of raison's (strace's log, say) goes into the root.
  ::syscall(SYS_close_range, 3u, ~0u, 0u);
  std::error_code ec;
  const std::string abs_root = std::filesystem::absolute(root, ec).string();
  if (ec) return root + ": " + ec.message();
  if (::unshare(CLONE_NEWPID) != 0) return errno_text("unshare(CLONE_NEWPID) (raison trace needs root)");
  std::fflush(nullptr);
  const pid_t init = ::fork();
  if (init < 0) return errno_text("fork");
  if (init == 0) run_init(abs_root, cmd);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);  // P goes with strace (and I with P)
  // When P dies (a signal from the terminal, say), I and with it the whole namespace are killed.
  int status = 0;
  while (::waitpid(init, &status, 0) < 0 && errno == EINTR) {
  }
  ::_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0));
}

int trace_in_root(const std::string& self_exe, const std::string& root, const std::vector<std::string>& cmd,
                  const std::string& log, std::string* output) {
  // strace runs this program by its real path: /proc/self/exe in strace's child would be strace.
  char self[4096];
  const ssize_t n = ::readlink(self_exe.c_str(), self, sizeof self - 1);
  if (n < 0) throw_errno(self_exe);
  self[n] = '\0';
  // strace writes its log into a file with no name (nothing to plant a link at), through /proc/self/fd.
  Fd raw{::open(temp_dir().c_str(), O_TMPFILE | O_RDWR, 0600)};
  if (!raw.valid()) raw = Fd{::memfd_create("raison-strace-log", 0)};
  if (!raw.valid()) throw_errno("creating strace's log in " + temp_dir());
  const std::string raw_name = "/proc/self/fd/" + std::to_string(raw.get());
  std::vector<std::string> args = {"strace", "-f", "-qq", "-y", "-s", "4096", "-o", raw_name, "-e",
                                   "trace=%file,%process,fchdir,close,dup,dup2,dup3,fcntl,bind", "--",
                                   self, "__exec-in-root", root, "--"};
  args.insert(args.end(), cmd.begin(), cmd.end());
  int pipe_fds[2] = {-1, -1};
  if (output && ::pipe2(pipe_fds, O_CLOEXEC) != 0) throw_errno("pipe");
  Fd read_end(pipe_fds[0]), write_end(pipe_fds[1]);
  pid_t pid = ::fork();
  if (pid < 0) throw_errno("fork");
  if (pid == 0) {
    // strace's death (raison's handler sends it SIGKILL) ends P, which ends the namespace.
    if (output && (::dup2(write_end.get(), 1) < 0 || ::dup2(write_end.get(), 2) < 0)) ::_exit(127);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp("strace", argv.data());
    std::fprintf(stderr, "raison: running strace: %s\n", std::strerror(errno));
    ::_exit(127);
  }
  kill_on_signal(pid);
  if (output) {
    // What the command prints goes on to our stderr as it comes, and into `output`.
    write_end.reset();
    char buf[4096];
    for (;;) {
      ssize_t got = ::read(read_end.get(), buf, sizeof buf);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) break;
      output->append(buf, size_t(got));
      (void)!::write(2, buf, size_t(got));
    }
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  kill_on_signal(0);
  std::string text;
  {
    char buf[65536];
    for (off_t at = 0;;) {
      const ssize_t got = ::pread(raw.get(), buf, sizeof buf, at);
      if (got < 0 && errno == EINTR) continue;
      if (got < 0) throw_errno("reading strace's log");
      if (got == 0) break;
      text.append(buf, size_t(got));
      at += got;
    }
  }
  // Keep what the command did: what follows the sandbox's mark (trace/strace.hpp).
  const std::optional<std::string> out = trace::after_chroot_mark(text);
  if (!out) throw Error("the command did not start inside the root (see the messages above)");
  write_file_atomically(log, *out);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace raison::cli
