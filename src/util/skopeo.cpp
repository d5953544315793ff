// `skopeo copy` as a child process, and the private directory a transfer goes through (skopeo.hpp).
#include "util/skopeo.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <string_view>
#include <vector>

#include "raison/error.hpp"
#include "util/cleanup.hpp"
#include "util/printable.hpp"
#include "util/temp_dir.hpp"

extern char** environ;

namespace raison {

namespace {

// The first executable `skopeo` in $PATH (execvp's search, done here so that its absence is named).
std::string find_skopeo() {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  for (std::size_t start = 0;;) {
    const std::size_t end = dirs.find(':', start);
    std::string dir = dirs.substr(start, end - start);
    if (dir.empty()) dir = ".";
    const std::string candidate = dir + "/skopeo";
    struct stat st;
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
    if (end == std::string::npos) return {};
    start = end + 1;
  }
}

// skopeo (logrus) ends with `time="..." level=fatal msg="CAUSE"`: CAUSE, unquoted; else the last
// non-empty line. Cut to a length a line can carry.
std::string skopeo_cause(const std::string& err) {
  std::string line;
  for (std::size_t start = 0; start < err.size();) {
    std::size_t end = err.find('\n', start);
    if (end == std::string::npos) end = err.size();
    if (end > start) line = err.substr(start, end - start);
    start = end + 1;
  }
  if (const std::size_t msg = line.find("msg=\""); msg != std::string::npos) {
    std::string cause;
    for (std::size_t i = msg + 5; i < line.size() && line[i] != '"'; ++i) {
      if (line[i] == '\\' && i + 1 < line.size()) ++i;
      cause += line[i];
    }
    line = cause;
  }
  if (line.empty()) line = "no message";
  if (line.size() > 500) line = line.substr(0, 500) + "...";
  return printable(line);
}

bool is_docker(const std::string& spec) { return spec.starts_with("docker://"); }

}  // namespace

bool is_transport_spec(const std::string& spec) {
  for (const char* prefix : {"docker://", "docker-daemon:", "containers-storage:", "oci-archive:"})
    if (spec.starts_with(prefix)) return true;
  return false;
}

void skopeo_copy(const std::string& src, const std::string& dest, const TransportOptions& o,
                 const std::string& image, const std::string& work_dir, const std::string& platform) {
  const std::string skopeo = find_skopeo();
  if (skopeo.empty()) throw Error(image + ": skopeo not found on PATH (Debian package skopeo)");

  std::vector<std::string> args = {"skopeo", "--tmpdir=" + work_dir};
  if (!platform.empty()) {
    const std::size_t a = platform.find('/'), v = platform.find('/', a == std::string::npos ? a : a + 1);
    args.push_back("--override-os=" + platform.substr(0, a));
    if (a != std::string::npos) args.push_back("--override-arch=" + platform.substr(a + 1, v - a - 1));
    if (v != std::string::npos) args.push_back("--override-variant=" + platform.substr(v + 1));
  }
  for (const char* a : {"copy", "--quiet"}) args.push_back(a);
  auto side = [&](const std::string& spec, const char* prefix, const std::string& creds,
                  const std::optional<bool>& tls) {
    if (!is_docker(spec)) return;
    const std::string p = prefix;
    if (!creds.empty()) args.push_back("--" + p + "-creds=" + creds);
    else if (!o.creds.empty()) args.push_back("--" + p + "-creds=" + o.creds);
    if (!o.authfile.empty()) args.push_back("--" + p + "-authfile=" + o.authfile);
    if (const std::optional<bool> v = tls ? tls : o.tls_verify)
      args.push_back("--" + p + "-tls-verify=" + (*v ? "true" : "false"));
  };
  side(src, "src", o.src_creds, o.src_tls_verify);
  side(dest, "dest", o.dest_creds, o.dest_tls_verify);
  if (!o.daemon_host.empty()) {
    if (src.starts_with("docker-daemon:")) args.push_back("--src-daemon-host=" + o.daemon_host);
    if (dest.starts_with("docker-daemon:")) args.push_back("--dest-daemon-host=" + o.daemon_host);
  }
  args.push_back(src);
  args.push_back(dest);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e)
    if (!std::string_view(*e).starts_with("TMPDIR=")) env_strings.emplace_back(*e);
  if (::mkdir(work_dir.c_str(), 0700) != 0 && errno != EEXIST) throw_errno(image + ": " + work_dir);
  env_strings.push_back("TMPDIR=" + work_dir);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw_errno(image + ": pipe");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, skopeo.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  if (spawned != 0) {
    ::close(pipe_fds[0]);
    errno = spawned;
    throw_errno(image + ": running " + skopeo);
  }
  kill_on_signal(pid);  // a signal that ends the run ends the copy too, before its directory goes
  std::string err;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(pipe_fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    err.append(buf, static_cast<std::size_t>(n));
    if (err.size() > (1u << 20)) err.erase(0, err.size() - (64u << 10));  // the end is what tells
  }
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  kill_on_signal(0);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return;
  if (WIFSIGNALED(status))
    throw Error(image + ": skopeo copy killed by signal " + std::to_string(WTERMSIG(status)));
  throw Error(image + ": skopeo copy failed: " + skopeo_cause(err));
}

TransferDir::TransferDir(const std::string& temp_dir) {
  path_ = make_run_dir(temp_dir, "transfer");  // removed on SIGINT/SIGTERM, reclaimed after a SIGKILL
}

TransferDir::~TransferDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);  // never follows a link; a destructor cannot report
  unmark_staging(path_, false);
}

}  // namespace raison
