// Observing a running container (observe.hpp). The container is found through its engine's own CLI;
// its processes through /proc; the snapshot needs no ptrace; the watch attaches strace, which
// detaches on SIGINT and leaves every process running as it was.
//
// Why strace and not fanotify: fanotify on the container's root mount would see opens and execs of
// every process on that mount (new ones included, without ptrace), but not the paths that were only
// looked up (stat, access, readlink, failed opens of a search path), not which process did it by the
// pid the container knows, and not mmap of an already open file; it also needs the mount as the host
// sees it (overlay, vfs, a bind mount) and CAP_SYS_ADMIN. strace gives the exact calls in the format
// the trace analyzer already replays, at the cost of slowing the traced processes while it watches.
#include "analyzers/trace/observe.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "analyzers/trace/strace.hpp"
#include "raison/error.hpp"
#include "util/fd.hpp"
#include "util/temp_dir.hpp"

namespace raison::trace {
namespace {

// Runs ARGV with stdout captured and stderr dropped; the exit status (127: could not run it).
int run_capture(const std::vector<std::string>& args, std::string& out) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw_errno("pipe");
  Fd read_end(fds[0]), write_end(fds[1]);
  const pid_t pid = ::fork();
  if (pid < 0) throw_errno("fork");
  if (pid == 0) {
    const int null = ::open("/dev/null", O_RDWR);
    if (::dup2(write_end.get(), 1) < 0 || null < 0 || ::dup2(null, 2) < 0 || ::dup2(null, 0) < 0) ::_exit(127);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  write_end.reset();
  char buf[4096];
  for (;;) {
    const ssize_t got = ::read(read_end.get(), buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    out.append(buf, std::size_t(got));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

std::string read_link(const std::string& path) {
  char buf[4096];
  const ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
  return n <= 0 ? std::string() : std::string(buf, std::size_t(n));
}

bool pseudo(const std::string& p) {
  for (const char* prefix : {"/proc", "/sys", "/dev"})
    if (p == prefix || p.rfind(std::string(prefix) + "/", 0) == 0) return true;
  return false;
}

// A path worth a line: absolute, a file of the root (not a pseudo file, not deleted, not memfd),
// and one the log can hold (no newline or tab).
bool usable(const std::string& p) {
  if (p.empty() || p[0] != '/' || pseudo(p) || p.rfind("/memfd:", 0) == 0) return false;
  if (p.size() > 10 && p.compare(p.size() - 10, 10, " (deleted)") == 0) return false;
  return p.find_first_of("\n\t") == std::string::npos;
}

std::vector<int> numeric_entries(const std::string& dir) {
  std::vector<int> out;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return out;
  while (const dirent* e = ::readdir(d)) {
    char* end = nullptr;
    const long n = std::strtol(e->d_name, &end, 10);
    if (*e->d_name && end && *end == '\0') out.push_back(int(n));
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

int parent_of(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), {});
  const auto close = text.rfind(')');  // the command name may hold spaces and parentheses
  if (close == std::string::npos) return 0;
  std::istringstream rest(text.substr(close + 1));
  std::string state;
  int ppid = 0;
  rest >> state >> ppid;
  return ppid;
}

// Socket inode -> "tcp port N", for the listening TCP sockets of the network namespace of `pid`.
std::map<std::string, std::string> listening_sockets(int pid) {
  std::map<std::string, std::string> out;
  for (const char* table : {"tcp", "tcp6"}) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/net/" + table);
    std::string line;
    std::getline(in, line);  // the header
    while (std::getline(in, line)) {
      std::istringstream f(line);
      std::string slot, local, remote, state, queues, timer, retr, uid, timeout, inode;
      f >> slot >> local >> remote >> state >> queues >> timer >> retr >> uid >> timeout >> inode;
      if (state != "0A") continue;
      const auto colon = local.rfind(':');
      if (colon == std::string::npos) continue;
      out["socket:[" + inode + "]"] = "tcp port " + std::to_string(std::stoul(local.substr(colon + 1), nullptr, 16));
    }
  }
  return out;
}

}  // namespace

Container find_container(const std::string& name) {
  std::vector<std::string> asked;
  for (const std::string engine : {"podman", "docker"}) {
    std::string out;
    const int rc = run_capture({engine, "inspect", "--type", "container", "--format",
                                "{{.State.Pid}} {{.State.Running}} {{.Image}}", name},
                               out);
    if (rc == 127) continue;  // not installed
    asked.push_back(engine);
    if (rc != 0) continue;
    std::istringstream f(out);
    Container c{engine, name, 0, {}};
    std::string running;
    f >> c.pid >> running >> c.image;
    if (running != "true" || c.pid <= 0) throw Error(name + ": the " + engine + " container is not running");
    return c;
  }
  if (asked.empty()) throw Error(name + ": neither podman nor docker is installed to find the container");
  std::string who;
  for (std::size_t i = 0; i < asked.size(); ++i) who += (i ? " nor " : "") + asked[i];
  throw Error(name + ": no container of that name or ID (" + who + (asked.size() > 1 ? " knows it)" : " does not know it)"));
}

std::vector<int> container_processes(int init_pid) {
  struct stat init_ns {}, own_ns {};
  if (::stat(("/proc/" + std::to_string(init_pid) + "/ns/pid").c_str(), &init_ns) != 0)
    throw_errno("/proc/" + std::to_string(init_pid) + "/ns/pid");
  const bool own = ::stat("/proc/self/ns/pid", &own_ns) == 0 && own_ns.st_ino == init_ns.st_ino && own_ns.st_dev == init_ns.st_dev;
  std::vector<int> out;
  if (!own) {
    for (int pid : numeric_entries("/proc")) {
      struct stat ns {};
      if (::stat(("/proc/" + std::to_string(pid) + "/ns/pid").c_str(), &ns) == 0 && ns.st_ino == init_ns.st_ino &&
          ns.st_dev == init_ns.st_dev)
        out.push_back(pid);
    }
    return out;
  }
  // The host's pid namespace: the first process and its descendants.
  std::map<int, int> parent;
  for (int pid : numeric_entries("/proc")) parent[pid] = parent_of(pid);
  for (const auto& [pid, _] : parent)
    for (int p = pid; p > 0; p = parent.count(p) ? parent[p] : 0)
      if (p == init_pid) {
        out.push_back(pid);
        break;
      }
  return out;
}

std::vector<Sighting> snapshot(const std::vector<int>& pids) {
  std::vector<Sighting> out;
  std::set<std::pair<std::string, std::string>> seen;
  auto add = [&](const std::string& path, const std::string& evidence) {
    if (usable(path) && seen.insert({path, evidence}).second) out.push_back({path, evidence});
  };
  for (int pid : pids) {
    const std::string proc = "/proc/" + std::to_string(pid);
    const std::string of = " of pid " + std::to_string(pid);
    // Open files; a listening socket is said on the program's line.
    const auto listening = listening_sockets(pid);
    std::string listens;
    std::vector<std::string> fds;
    for (int fd : numeric_entries(proc + "/fd")) {
      const std::string target = read_link(proc + "/fd/" + std::to_string(fd));
      auto l = listening.find(target);
      if (l != listening.end()) listens += (listens.empty() ? ", listening on " : " and ") + l->second;
      fds.push_back(target);
    }
    add(read_link(proc + "/exe"), "exe" + of + listens);
    add(read_link(proc + "/cwd"), "cwd" + of);
    std::ifstream maps(proc + "/maps");
    for (std::string line; std::getline(maps, line);) {
      // address perms offset dev inode [path]
      std::size_t pos = 0;
      for (int field = 0; field < 5 && pos != std::string::npos; ++field) {
        pos = line.find_first_not_of(' ', pos);
        pos = pos == std::string::npos ? pos : line.find(' ', pos);
      }
      if (pos == std::string::npos) continue;
      pos = line.find_first_not_of(' ', pos);
      if (pos != std::string::npos) add(line.substr(pos), "mapped by pid " + std::to_string(pid));
    }
    for (const auto& target : fds) add(target, "open fd" + of);
  }
  return out;
}

std::vector<std::pair<int, std::vector<std::string>>> command_lines(const std::vector<int>& pids) {
  std::vector<std::pair<int, std::vector<std::string>>> out;
  for (int pid : pids) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    std::vector<std::string> argv;
    for (std::size_t pos = 0; pos < text.size();) {
      auto end = text.find('\0', pos);
      if (end == std::string::npos) end = text.size();
      argv.push_back(text.substr(pos, end - pos));
      pos = end + 1;
    }
    if (!argv.empty()) out.emplace_back(pid, std::move(argv));
  }
  return out;
}

std::vector<std::string> modules_run(const std::vector<std::pair<int, std::vector<std::string>>>& commands) {
  std::set<std::string> out;
  for (const auto& [pid, argv] : commands)
    for (std::size_t i = 1; i + 1 < argv.size(); ++i)
      if (argv[i] == "-m") {
        out.insert(argv[i + 1]);
        break;
      }
  return {out.begin(), out.end()};
}

void save_image(const Container& c, const std::string& file) {
  ::unlink(file.c_str());  // the engine writes a new file
  std::vector<std::string> args = {c.engine, "save", "-o", file, c.image};
  if (c.engine == "podman") args.insert(args.begin() + 2, {"--format", "docker-archive"});
  const pid_t pid = ::fork();
  if (pid < 0) throw_errno("fork");
  if (pid == 0) {
    ::dup2(2, 1);  // its progress goes to stderr, not to raison's stdout
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw Error(c.engine + " save " + c.image + ": failed (exit " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128) + ")");
}

std::vector<Sighting> sightings_of_strace(std::string_view log, const std::string& cwd) {
  std::vector<Sighting> out;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& use : parse_strace(log, cwd).uses) {
    if (!use.ok || !usable(use.path)) continue;
    std::string evidence = use.syscall + (use.pid ? " by pid " + std::to_string(use.pid) : "") + (use.creates ? ", created" : "");
    if (seen.insert({use.path, evidence}).second) out.push_back({use.path, std::move(evidence)});
  }
  return out;
}

std::string format_observation(const Container& c, const std::vector<std::pair<int, std::vector<std::string>>>& commands,
                               const std::vector<Sighting>& sightings) {
  std::string out = "# raison observe: " + c.engine + " container " + c.name + ", first process " + std::to_string(c.pid) +
                    " (host pid), image " + c.image + "\n" +
                    "# a path list (README, \"Runtime evidence\"): PATH<TAB># EVIDENCE, pids as the host sees them\n";
  for (const auto& [pid, argv] : commands) {
    std::string line;
    for (const auto& a : argv) line += " " + a;
    std::replace(line.begin(), line.end(), '\n', ' ');
    out += "# command of pid " + std::to_string(pid) + ":" + line + "\n";
  }
  for (const auto& s : sightings) out += s.path + "\t# " + s.evidence + "\n";
  return out;
}

namespace {
volatile sig_atomic_t g_stop = 0;
void on_stop_signal(int) { g_stop = 1; }

int tracer_of(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("TracerPid:", 0) == 0) return std::atoi(line.c_str() + 10);
  return -1;
}
}  // namespace

std::string watch(const std::vector<int>& pids, double seconds, const std::function<void(const std::vector<int>&)>& on_attached) {
  if (pids.empty()) return {};
  TempFile raw("raison-observe");
  std::vector<std::string> args = {"strace", "-f", "-qq", "-y", "-s", "4096", "-o", raw.path(), "-e",
                                   "trace=%file,%process,fchdir,close,dup,dup2,dup3,fcntl,bind"};
  for (int pid : pids) {
    args.push_back("-p");
    args.push_back(std::to_string(pid));
  }
  // SIGINT or SIGTERM to raison ends the watch; strace is then told to detach.
  struct sigaction stop {}, old_int {}, old_term {};
  stop.sa_handler = on_stop_signal;
  ::sigemptyset(&stop.sa_mask);
  g_stop = 0;
  ::sigaction(SIGINT, &stop, &old_int);
  ::sigaction(SIGTERM, &stop, &old_term);
  struct Restore {
    struct sigaction i, t;
    ~Restore() {
      ::sigaction(SIGINT, &i, nullptr);
      ::sigaction(SIGTERM, &t, nullptr);
    }
  } restore{old_int, old_term};

  const pid_t tracer = ::fork();
  if (tracer < 0) throw_errno("fork");
  if (tracer == 0) {
    ::setpgid(0, 0);  // a terminal's ^C reaches raison, which stops strace itself
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execvp("strace", argv.data());
    std::fprintf(stderr, "raison: running strace: %s\n", std::strerror(errno));
    ::_exit(127);
  }
  int status = 0;
  auto exited = [&] { return ::waitpid(tracer, &status, WNOHANG) == tracer; };
  // Wait until strace holds the first process (or gives up).
  bool gone = false;
  for (int i = 0; i < 300 && tracer_of(pids[0]) != tracer; ++i) {
    if ((gone = exited())) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (gone) throw Error("strace could not attach to pid " + std::to_string(pids[0]) + " (exit " +
                        std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128) + "; is strace installed, and ptrace allowed?)");
  if (on_attached) on_attached(pids);
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!g_stop && (seconds <= 0 || std::chrono::steady_clock::now() < end) && !(gone = exited()))
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  if (!gone) {
    ::kill(tracer, SIGINT);  // strace detaches from every process and exits
    while (::waitpid(tracer, &status, 0) < 0 && errno == EINTR) {
    }
  }
  std::ifstream in(raw.path(), std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

double parse_duration(const std::string& text) {
  std::size_t used = 0;
  double n = -1;
  try {
    n = std::stod(text, &used);
  } catch (const std::exception&) {
    return -1;
  }
  const std::string unit = text.substr(used);
  if (!std::isfinite(n) || n <= 0) return -1;
  if (unit.empty() || unit == "s") return n;
  if (unit == "ms") return n / 1000;
  if (unit == "m") return n * 60;
  if (unit == "h") return n * 3600;
  return -1;
}

}  // namespace raison::trace
