// The sandbox behind `raison trace` and `raison verify`: strace runs raison's own hidden
// `__exec-in-root`, which enters a private mount namespace, builds an overlay over the root (the root
// is only ever a read-only lower layer), mounts /proc and binds /dev inside it, chroots and execs.
#include "cli/sandbox.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "raison/emit.hpp"
#include "raison/error.hpp"
#include "util/fd.hpp"
#include "util/temp_dir.hpp"

namespace raison::cli {

namespace {

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

std::string exec_in_root(const std::string& root, const std::vector<std::string>& cmd) {
  if (cmd.empty()) return "no command";
  std::error_code ec;
  const std::string abs_root = std::filesystem::absolute(root, ec).string();
  if (ec) return root + ": " + ec.message();
  if (::unshare(CLONE_NEWNS) != 0) return errno_text("unshare(CLONE_NEWNS) (raison trace needs root)");
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return errno_text("making mounts private");
  std::string top = temp_dir() + "/raison-run-XXXXXX";
  if (!::mkdtemp(top.data())) return errno_text("creating a directory in " + temp_dir());
  if (::mount("tmpfs", top.c_str(), "tmpfs", 0, "mode=0755") != 0) return errno_text("mounting tmpfs");
  std::string upper = top + "/upper", work = top + "/work", merged = top + "/merged";
  for (const auto& d : {upper, work, merged}) ::mkdir(d.c_str(), 0755);
  std::string opts = "lowerdir=" + abs_root + ",upperdir=" + upper + ",workdir=" + work;
  if (::mount("overlay", merged.c_str(), "overlay", 0, opts.c_str()) != 0) {
    // No overlay (the root is itself on an overlay, say): a read-only bind; /proc and /dev then only
    // when the root has those directories.
    if (::mount(abs_root.c_str(), merged.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0)
      return errno_text("binding " + abs_root);
    ::mount(nullptr, merged.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr);
  }
  std::string proc = merged + "/proc", dev = merged + "/dev", tmp = merged + "/tmp";
  ::mkdir(proc.c_str(), 0555);
  ::mkdir(dev.c_str(), 0755);
  ::mkdir(tmp.c_str(), 01777);
  ::mount("proc", proc.c_str(), "proc", 0, nullptr);
  ::mount("/dev", dev.c_str(), nullptr, MS_BIND | MS_REC, nullptr);
  if (::chroot(merged.c_str()) != 0) return errno_text("chroot " + merged);
  if (::chdir("/") != 0) return errno_text("chdir /");
  std::vector<char*> argv;
  for (const auto& a : cmd) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  ::execvp(argv[0], argv.data());
  return errno_text("running " + cmd[0] + " inside the root");
}

int trace_in_root(const std::string& self_exe, const std::string& root, const std::vector<std::string>& cmd,
                  const std::string& log, std::string* output) {
  // strace runs this program by its real path: /proc/self/exe in strace's child would be strace.
  char self[4096];
  const ssize_t n = ::readlink(self_exe.c_str(), self, sizeof self - 1);
  if (n < 0) throw_errno(self_exe);
  self[n] = '\0';
  std::string raw = log + ".raw-" + std::to_string(::getpid());
  std::vector<std::string> args = {"strace", "-f", "-qq", "-y", "-s", "4096", "-o", raw, "-e",
                                   "trace=%file,%process,fchdir,close,dup,dup2,dup3,fcntl,bind", "--",
                                   self, "__exec-in-root", root, "--"};
  args.insert(args.end(), cmd.begin(), cmd.end());
  int pipe_fds[2] = {-1, -1};
  if (output && ::pipe2(pipe_fds, O_CLOEXEC) != 0) throw_errno("pipe");
  Fd read_end(pipe_fds[0]), write_end(pipe_fds[1]);
  pid_t pid = ::fork();
  if (pid < 0) throw_errno("fork");
  if (pid == 0) {
    if (output && (::dup2(write_end.get(), 1) < 0 || ::dup2(write_end.get(), 2) < 0)) ::_exit(127);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp("strace", argv.data());
    std::fprintf(stderr, "raison: running strace: %s\n", std::strerror(errno));
    ::_exit(127);
  }
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
  // Keep what happened after the chroot: before it, the log shows raison itself starting on the host.
  std::ifstream in(raw);
  if (!in) throw Error(raw + ": strace wrote no log (is strace installed?)");
  std::string line, out, prefix;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside) {
      auto at = line.find("chroot(\"");
      if (at != std::string::npos && line.find(") = 0") != std::string::npos) {
        inside = true;
        auto end = line.find('"', at + 8);
        prefix = line.substr(at + 8, end - at - 8);
      }
      continue;
    }
    // strace reads -y's fd paths from outside the chroot: make them paths inside the root again.
    for (size_t p = 0; !prefix.empty() && (p = line.find("<" + prefix, p)) != std::string::npos;) {
      line.erase(p + 1, prefix.size());
      if (line.compare(p + 1, 1, ">") == 0) line.insert(p + 1, "/");
      p += 1;
    }
    out += line + "\n";
  }
  in.close();
  ::unlink(raw.c_str());
  // The tmpfs and overlay lived in the command's own mount namespace; only their mount point is left.
  if (prefix.size() > 7 && prefix.compare(prefix.size() - 7, 7, "/merged") == 0)
    ::rmdir(prefix.substr(0, prefix.size() - 7).c_str());
  if (!inside) throw Error("the command did not start inside the root (see the messages above)");
  write_file_atomically(log, out);
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

}  // namespace raison::cli
