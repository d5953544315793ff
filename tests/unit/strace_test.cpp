// strace logs: traces of real commands taken at test time (with and without -y, -yy, -tt, -ttt -T,
// forks, threads, and the stderr form), and hand-written fragments for what a real run cannot be
// made to show on demand: escapes, truncation, fchdir, dirfds, unfinished/resumed orderings.
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "analyzers/trace/observe.hpp"
#include "analyzers/trace/path_list.hpp"
#include "analyzers/trace/strace.hpp"
#include "test_util.hpp"

namespace fs = std::filesystem;
using namespace raison::trace;

namespace {

using raison::test::slurp;
using raison::test::TempDir;

// Runs `strace FLAGS -o LOG -- CMD` (or with the log on stderr) and returns the log.
std::string strace(const std::string& flags, const std::string& cmd, bool to_stderr = false) {
  raison::test::require_tool("/usr/bin/strace", "strace");
  TempDir t;
  auto log = (t.dir / "log").string();
  std::string line = to_stderr ? "/usr/bin/strace " + flags + " -- " + cmd + " 2>" + log + " >/dev/null"
                               : "/usr/bin/strace " + flags + " -o " + log + " -- " + cmd + " >/dev/null 2>&1";
  REQUIRE_MESSAGE(raison::test::run(line).status == 0, line);
  return slurp(log);
}

std::string quote(const std::string& s) { return "'" + s + "'"; }

std::vector<PathUse> uses_of(const TraceLog& log, const std::string& path) {
  std::vector<PathUse> out;
  std::copy_if(log.uses.begin(), log.uses.end(), std::back_inserter(out),
               [&](const PathUse& u) { return u.path == path; });
  return out;
}

bool any_ok(const TraceLog& log, const std::string& path, const std::string& syscall = "") {
  auto u = uses_of(log, path);
  return std::any_of(u.begin(), u.end(), [&](const PathUse& x) { return x.ok && (syscall.empty() || x.syscall == syscall); });
}

std::string problems(const TraceLog& log) {
  std::string s;
  for (const auto& p : log.problems) s += std::to_string(p.line) + ": " + p.message + "\n";
  return s;
}

void check_all_absolute_and_normal(const TraceLog& log) {
  for (const auto& u : log.uses) {
    CAPTURE(u.path);
    CHECK(u.path.front() == '/');
    CHECK(u.path == normalize_path(u.path));
    CHECK(u.line > 0);
  }
}

const std::string kShell = "sh -c " + quote("cd /usr/lib && cat os-release >/dev/null; ls x 2>/dev/null; true");

}  // namespace

TEST_CASE("strace: a relative open after cd, in a forked child, is the file under the new cwd") {
  const std::string cwd = fs::current_path().string();
  for (std::string flags : {"-f", "-f -y", "-f -yy -tt", "-f -ttt -T", "-f -t -y -s 8"}) {
    CAPTURE(flags);
    auto text = strace(flags, kShell);
    auto log = parse_strace(text, cwd);
    CHECK_MESSAGE(log.problems.empty(), problems(log));
    check_all_absolute_and_normal(log);
    // cat opens "os-release" relative to the cwd it inherited from sh across vfork/clone.
    auto os = uses_of(log, "/usr/lib/os-release");
    REQUIRE(!os.empty());
    CHECK(os.front().ok);
    CHECK(os.front().syscall.starts_with("open"));
    CHECK(text.find("\"os-release\"") != std::string::npos);  // it really was relative in the log
    CHECK(any_ok(log, "/usr/lib", "chdir"));
    CHECK(any_ok(log, "/usr/bin/cat", "execve"));
    // ls's lookup of x failed: kept, marked failed.
    auto x = uses_of(log, "/usr/lib/x");
    REQUIRE(!x.empty());
    CHECK(std::none_of(x.begin(), x.end(), [](const PathUse& u) { return u.ok; }));
    // Child and parent are told apart.
    std::set<int> pids;
    for (const auto& u : log.uses) pids.insert(u.pid);
    CHECK(pids.size() >= 3);
    if (flags.find("-y") != std::string::npos) CHECK(os.front().fd_path == "/usr/lib/os-release");
  }
}

TEST_CASE("strace: a child's chdir does not move its parent, and both see their own cwd") {
  auto cmd = "sh -c " + quote("cd /usr && (cd lib && cat os-release) >/dev/null; cat ../etc/hostname >/dev/null");
  for (std::string flags : {"-f", "-f -y"}) {
    CAPTURE(flags);
    auto log = parse_strace(strace(flags, cmd));
    CHECK_MESSAGE(log.problems.empty(), problems(log));
    CHECK(any_ok(log, "/usr/lib/os-release"));
    CHECK(any_ok(log, "/etc/hostname"));
    CHECK(uses_of(log, "/usr/lib/etc/hostname").empty());
  }
}

TEST_CASE("strace: python's import json and threads that share a cwd") {
  auto log = parse_strace(strace("-f -y", "/usr/bin/python3.11 -c 'import json'"));
  CHECK_MESSAGE(log.problems.empty(), problems(log));
  CHECK(any_ok(log, "/usr/lib/python3.11/json/__init__.py"));
  CHECK(any_ok(log, "/usr/bin/python3.11", "execve"));

  // Threads (clone3 with CLONE_FS) stat a path relative to the cwd the main thread set; their calls
  // often interleave as <unfinished ...> / <... resumed> pairs.
  std::string script =
      "import os,threading\nos.chdir(\"/etc\")\n"
      "ts=[threading.Thread(target=os.stat,args=(\"hostname\",)) for i in range(6)]\n"
      "[t.start() for t in ts]\n[t.join() for t in ts]\n";
  for (std::string flags : {"-f", "-f -yy"}) {
    CAPTURE(flags);
    auto text = strace(flags, "/usr/bin/python3.11 -c " + quote(script));
    auto threaded = parse_strace(text);
    CHECK_MESSAGE(threaded.problems.empty(), problems(threaded));
    auto h = uses_of(threaded, "/etc/hostname");
    std::set<int> pids;
    for (const auto& u : h) pids.insert(u.pid);
    CHECK(pids.size() == 6);
    CHECK(std::all_of(h.begin(), h.end(), [](const PathUse& u) { return u.ok; }));
  }
}

TEST_CASE("strace: the stderr form ([pid N], no pid before the first fork, strace's messages mid-line)") {
  auto text = strace("-f", kShell, true);
  CHECK(text.find("[pid ") != std::string::npos);
  auto log = parse_strace(text, fs::current_path().string());
  CHECK_MESSAGE(log.problems.empty(), problems(log));
  CHECK(any_ok(log, "/usr/lib/os-release"));
  CHECK(!uses_of(log, "/usr/lib/x").empty());
}

TEST_CASE("strace: unfinished calls join their resumed ends by pid, in completion order") {
  // Parent 100 forks child 101; the child runs before vfork returns (as in a real log) and must
  // inherit /srv; then both chdir and open relative names with calls split across lines.
  const char* text =
      "100 chdir(\"/srv\") = 0\n"
      "100 vfork( <unfinished ...>\n"
      "101 openat(AT_FDCWD, \"a\", O_RDONLY <unfinished ...>\n"
      "100 <... vfork resumed>) = 101\n"
      "100 chdir(\"/opt\" <unfinished ...>\n"
      "101 <... openat resumed>) = 3\n"
      "101 openat(3, \"in-a\", O_RDONLY <unfinished ...>\n"
      "100 <... chdir resumed>) = 0\n"
      "100 openat(AT_FDCWD, \"b\", O_RDONLY) = -1 ENOENT (No such file or directory)\n"
      "101 <... openat resumed>) = 4\n"
      "101 openat(AT_FDCWD, \"c\", O_RDONLY) = 5\n";
  auto log = parse_strace(text);
  CHECK_MESSAGE(log.problems.empty(), problems(log));
  REQUIRE(log.uses.size() == 6);
  CHECK(log.uses[0] == PathUse{"/srv", "chdir", 100, 1, true, ""});
  CHECK(log.uses[1] == PathUse{"/srv/a", "openat", 101, 3, true, ""});
  CHECK(log.uses[2] == PathUse{"/opt", "chdir", 100, 5, true, ""});
  CHECK(log.uses[3] == PathUse{"/opt/b", "openat", 100, 9, false, ""});
  CHECK(log.uses[4] == PathUse{"/srv/a/in-a", "openat", 101, 7, true, ""});
  CHECK(log.uses[5] == PathUse{"/srv/c", "openat", 101, 11, true, ""});

  auto bad = parse_strace("7 <... openat resumed>) = 3\n7 read(3 <unfinished ...>\n7 <... close resumed>) = 0\n");
  REQUIRE(bad.problems.size() == 2);
  CHECK(bad.problems[0].line == 1);
  CHECK(bad.problems[1].line == 3);
}

TEST_CASE("strace: threads share the cwd (CLONE_FS), forks copy it; a thread's execve ends under the leader") {
  const char* text =
      "10 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD, exit_signal=0} => {parent_tid=[11]}, 88) = 11\n"
      "10 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 12\n"
      "11 chdir(\"/var\") = 0\n"
      "10 stat(\"log\", 0x7ffd) = 0\n"
      "12 stat(\"log\", 0x7ffd) = 0\n"
      "11 execve(\"/bin/true\", [\"true\"], 0x55 /* 3 vars */ <unfinished ...>\n"
      "10 +++ superseded by execve in pid 11 +++\n"
      "10 <... execve resumed>) = 0\n";
  auto log = parse_strace(text, "/home");
  CHECK_MESSAGE(log.problems.empty(), problems(log));
  REQUIRE(log.uses.size() == 4);
  CHECK(log.uses[1].path == "/var/log");
  CHECK(log.uses[1].pid == 10);
  CHECK(log.uses[2].path == "/home/log");
  CHECK(log.uses[3] == PathUse{"/bin/true", "execve", 10, 6, true, ""});
}

TEST_CASE("strace: fchdir, dirfds, dup and close decide what a relative path means") {
  const char* text =
      "openat(AT_FDCWD, \"/usr/share\", O_RDONLY|O_DIRECTORY) = 3\n"
      "openat(3, \"zoneinfo/UTC\", O_RDONLY) = 4\n"
      "newfstatat(3, \"\", {st_mode=S_IFDIR|0755, ...}, AT_EMPTY_PATH) = 0\n"
      "dup2(3, 9) = 9\n"
      "close(3) = 0\n"
      "openat(3, \"gone\", O_RDONLY) = -1 EBADF (Bad file descriptor)\n"
      "fchdir(9) = 0\n"
      "access(\"doc/../misc/./x\", R_OK) = 0\n"
      "fcntl(9, F_DUPFD_CLOEXEC, 0) = 12\n"
      "faccessat2(12, \"y\", F_OK, AT_EACCESS) = -1 ENOENT (No such file or directory)\n"
      "getcwd(\"/usr/share\", 4096) = 11\n"
      "renameat2(AT_FDCWD, \"n1\", 9, \"/abs/../n2\", RENAME_NOREPLACE) = 0\n"
      "symlinkat(\"../target\", 9, \"l\") = 0\n"
      "utimensat(4, NULL, [UTIME_NOW, UTIME_NOW], 0) = 0\n"
      "readlink(\"/proc/self/exe\", \"/usr/bin/x\", 4096) = 10\n";
  auto log = parse_strace(text);
  REQUIRE(log.problems.size() == 1);
  CHECK(log.problems[0].line == 6);
  CHECK(log.problems[0].message.find("\"gone\"") != std::string::npos);
  std::vector<std::string> paths;
  for (const auto& u : log.uses) paths.push_back(u.path);
  CHECK(paths == std::vector<std::string>{"/usr/share", "/usr/share/zoneinfo/UTC", "/usr/share",
                                          "/usr/share/misc/x", "/usr/share/y", "/usr/share", "/usr/share/n1", "/n2",
                                          "/usr/share/l", "/usr/share/zoneinfo/UTC", "/proc/self/exe"});
  CHECK(!log.uses[4].ok);
}

TEST_CASE("strace: quoted strings, -y annotations with escapes, -yy sockets and devices, truncation") {
  const char* text =
      "1 openat(AT_FDCWD</tmp/a\\76b>, \"q\\\"u\\\\o\\nte\\101\\x42\\0011\", O_RDONLY) = 3</tmp/a\\76b/q\\\"u\\\\o\\nteAB\\0011>\n"
      "1 12:00:01.000001 openat(AT_FDCWD</tmp/e->, \"f\", O_RDONLY) = 4</tmp/e-/f> <0.000010>\n"
      "1 newfstatat(5<TCP:[127.0.0.1:1->127.0.0.1:2]>, \"\", {st_mode=S_IFSOCK|0777, ...}, AT_EMPTY_PATH) = 0\n"
      "1 openat(AT_FDCWD</tmp>, \"/dev/null\", O_RDONLY) = 6</dev/null<char 1:3>>\n"
      "1 openat(AT_FDCWD, \"/usr/lib/a-very-long-na\"..., O_RDONLY) = 7\n"
      "1 execve(\"/bin/sh\", [\"sh\", \"-c\", \"exec something lo\"...], 0x7ffd /* 2 vars */) = 0\n";
  auto log = parse_strace(text);
  REQUIRE(log.problems.size() == 1);
  CHECK(log.problems[0].line == 5);
  CHECK(log.problems[0].message.find("strace -s") != std::string::npos);
  REQUIRE(log.uses.size() == 4);
  const char expected[] = "/tmp/a>b/q\"u\\o\nteAB\0011";
  CHECK(log.uses[0].path == std::string(expected, sizeof expected - 1));
  CHECK(log.uses[0].fd_path == log.uses[0].path);
  CHECK(log.uses[1].path == "/tmp/e-/f");
  CHECK(log.uses[2] == PathUse{"/dev/null", "openat", 1, 4, true, "/dev/null"});
  CHECK(log.uses[3].path == "/bin/sh");
}

TEST_CASE("strace: timestamps and pid forms; exits and signals are not calls; bad lines are problems") {
  const char* text =
      "[pid  42] 1700000000.123456 stat(\"/a\", 0x1) = 0 <0.000002>\n"
      "42 12:34:56 lstat(\"/b\", 0x1) = 0\n"
      "     0.000123 access(\"/c\", F_OK) = 0\n"
      "42 +++ exited with 0 +++\n"
      "--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=43} ---\n"
      "\n"
      "garbage here\n"
      "42 openat(AT_FDCWD, \"/d\", O_RDONLY\n"
      "42 openat(AT_FDCWD, \"/e\n"
      "42 open(\"/f\\q\", O_RDONLY) = 3\n"
      "[pid 42 stat(\"/g\") = 0\n"
      "42 12:3x stat(\"/h\") = 0\n"
      "42 statx(AT_FDCWD, \"/i\", 0, STATX_ALL, 0x1) = 0\n";
  auto log = parse_strace(text);
  std::vector<std::size_t> lines;
  for (const auto& p : log.problems) lines.push_back(p.line);
  CHECK(lines == std::vector<std::size_t>{7, 8, 9, 10, 11, 12});
  std::vector<std::string> paths;
  for (const auto& u : log.uses) paths.push_back(u.path);
  CHECK(paths == std::vector<std::string>{"/a", "/b", "/c", "/i"});
}

TEST_CASE("strace: no cut of a real log crashes the parser") {
  auto text = strace("-f -yy -tt -T", kShell);
  std::istringstream in(text);
  std::string line;
  std::size_t parsed = 0;
  while (std::getline(in, line))
    for (std::size_t cut = 0; cut <= line.size(); cut += 5, ++parsed) CHECK_NOTHROW(parse_strace(line.substr(0, cut)));
  CHECK(parsed > 1000);
}

TEST_CASE("path lists: one absolute path a line, comments and blanks skipped; the detector") {
  const char* list = "# from fanotify\n\n/usr/lib/os-release\n  /etc//hostname/ \r\nrelative/x\n/a/../b\n";
  auto log = parse_path_list(list);
  REQUIRE(log.uses.size() == 3);
  CHECK(log.uses[0] == PathUse{"/usr/lib/os-release", "list", 0, 3, true, ""});
  CHECK(log.uses[1].path == "/etc/hostname");
  CHECK(log.uses[2].path == "/b");
  REQUIRE(log.problems.size() == 1);
  CHECK(log.problems[0].line == 5);

  CHECK(detect_log_format(list) == LogFormat::Strace);  // the relative line is not a path list's
  CHECK(detect_log_format("# x\n/a\n/b\n") == LogFormat::PathList);
  CHECK(detect_log_format("") == LogFormat::PathList);
  CHECK(detect_log_format("1234 execve(\"/bin/true\", [\"true\"], 0x1 /* 1 var */) = 0\n") == LogFormat::Strace);
  auto real = strace("-f", kShell);
  CHECK(detect_log_format(real) == LogFormat::Strace);
  CHECK(any_ok(parse_trace_log(real), "/usr/bin/cat"));
  CHECK(parse_trace_log("/x\n/y\n").uses.size() == 2);
}

TEST_CASE("paths: lexical normalisation") {
  CHECK(normalize_path("/") == "/");
  CHECK(normalize_path("//a/./b///c/") == "/a/b/c");
  CHECK(normalize_path("/a/b/../../../c") == "/c");
  CHECK(resolve_path("/usr/lib", "../share/./x") == "/usr/share/x");
  CHECK(resolve_path("/usr/lib", "/etc/x") == "/etc/x");
  CHECK(resolve_path("/", "..") == "/");
}

TEST_CASE("strace: what a call creates: O_CREAT, mkdir, the new name of rename and link, symlink, a unix socket's bind") {
  TempDir t;
  const std::string d = t.dir.string();
  // A real run: each kind of creation once, and reads that create nothing.
  std::string cmd = "/bin/sh -c " + quote("cd " + d + " && mkdir made && echo x > made/f && cat made/f >/dev/null && "
                                          "mv made/f made/g && ln made/g made/hard && ln -s g made/soft && "
                                          "/usr/bin/python3 -c \"import socket; socket.socket(socket.AF_UNIX).bind(\\\"made/sock\\\")\"");
  TraceLog log = parse_strace(strace("-f -e trace=%file,%process,bind", cmd));
  std::set<std::string> created;
  for (const auto& u : log.uses)
    if (u.creates && u.ok) created.insert(u.path.substr(u.path.rfind('/') + 1) + " by " + u.syscall);
  std::string all;
  for (const auto& c : created) all += c + "; ";
  // coreutils calls the *at forms (renameat2, linkat, symlinkat); sh's redirection opens with O_CREAT.
  for (std::string want : {"made by mkdir", "f by openat", "g by renameat2", "hard by linkat", "soft by symlinkat", "sock by bind"})
    CHECK_MESSAGE(created.count(want), want << " not among: " << all);
  for (const auto& u : uses_of(log, d + "/made/f"))
    if (u.syscall == "openat" && !u.creates) {
      CHECK(u.ok);  // cat's open of the file, O_RDONLY: a use, not a creation
    }
  // Hand-written: an abstract socket makes no file; a failed creation is not ok; flags that only
  // start like O_CREAT do not count.
  TraceLog frag = parse_strace(
      "5 bind(3, {sa_family=AF_UNIX, sun_path=@\"abstract\"}, 11) = 0\n"
      "5 bind(3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr(\"0.0.0.0\")}, 16) = 0\n"
      "5 mkdir(\"/run/x\", 0755) = -1 EEXIST (File exists)\n"
      "5 openat(AT_FDCWD, \"/var/log/a.log\", O_WRONLY|O_CREAT|O_APPEND, 0644) = 4\n"
      "5 openat(AT_FDCWD, \"/etc/passwd\", O_RDONLY|O_CLOEXEC) = 5\n");
  REQUIRE(frag.problems.empty());
  REQUIRE(frag.uses.size() == 3);
  CHECK((frag.uses[0].path == "/run/x" && frag.uses[0].creates && !frag.uses[0].ok));
  CHECK((frag.uses[1].path == "/var/log/a.log" && frag.uses[1].creates && frag.uses[1].ok));
  CHECK((frag.uses[2].path == "/etc/passwd" && !frag.uses[2].creates));
}

TEST_CASE("path lists: evidence after a tab names the call, the pid and a creation") {
  const char* list =
      "# raison observe\n/usr/lib/x86_64-linux-gnu/libc.so.6\t# mapped by pid 12\n/usr/bin/python3.11\t# exe of pid 12, listening on tcp port "
      "8000\n/tmp/x\t# openat by pid 40, created\n/etc/hosts\t#\n/a b\n";
  auto log = parse_path_list(list);
  REQUIRE(log.uses.size() == 5);
  CHECK(log.uses[0] == PathUse{"/usr/lib/x86_64-linux-gnu/libc.so.6", "mapped", 12, 2, true, ""});
  CHECK(log.uses[1] == PathUse{"/usr/bin/python3.11", "exe", 12, 3, true, ""});
  CHECK(log.uses[2] == PathUse{"/tmp/x", "openat", 40, 4, true, "", true});
  CHECK(log.uses[3] == PathUse{"/etc/hosts", "list", 0, 5, true, ""});
  CHECK(log.uses[4].path == "/a b");  // a blank is part of the path; only a tab starts evidence
  CHECK(detect_log_format(list) == LogFormat::PathList);
}

TEST_CASE("observe: the snapshot of this process names its exe and every mapped file, and reads back as a path list") {
  const int pid = int(::getpid());
  const auto seen = snapshot({pid});
  std::set<std::string> mapped, want;
  for (const auto& s : seen)
    if (s.evidence == "mapped by pid " + std::to_string(pid)) mapped.insert(s.path);
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);) {
    auto slash = line.find('/');
    if (slash == std::string::npos || line.find(" (deleted)") != std::string::npos) continue;
    const std::string path = line.substr(slash);
    if (path.rfind("/dev/", 0) != 0 && path.rfind("/memfd:", 0) != 0) want.insert(path);
  }
  REQUIRE(!want.empty());
  CHECK(mapped == want);
  const std::string exe = fs::read_symlink("/proc/self/exe").string();
  CHECK(std::count(seen.begin(), seen.end(), Sighting{exe, "exe of pid " + std::to_string(pid)}) == 1);

  const Container c{"podman", "test", pid, "sha256:0"};
  auto log = parse_trace_log(format_observation(c, command_lines({pid}), seen));
  REQUIRE(log.uses.size() == seen.size());
  CHECK(log.problems.empty());
  CHECK(std::any_of(log.uses.begin(), log.uses.end(), [&](const PathUse& u) { return u.path == exe && u.syscall == "exe" && u.pid == pid; }));

  CHECK(parse_duration("5") == 5);
  CHECK(parse_duration("500ms") == 0.5);
  CHECK(parse_duration("2m") == 120);
  CHECK(parse_duration("x") < 0);
  CHECK(parse_duration("-1s") < 0);
  CHECK(parse_duration("3 days") < 0);
}

// The sandbox's mark, as strace 6.1 prints it (lines taken from `strace -f` of concurrent `chroot /`):
// whole, or split by another process's line into an unfinished call and its resumption.
TEST_CASE("after_chroot_mark: the command's lines follow the mark, whole or split by another process") {
  using raison::trace::after_chroot_mark;
  const std::string whole =
      "100 execve(\"/proc/self/fd/5\", [\"raison\"], 0x7ffd /* 3 vars */) = 0\n"
      "101 mount(\"overlay\", \"merged\", \"overlay\", 0, \"lowerdir=/proc/self/fd/3\") = 0\n"
      "101 chroot(\"/\")                       = 0\n"
      "101 execve(\"/bin/sh\", [\"sh\"], 0x55d0 /* 2 vars */) = 0\n"
      "100 wait4(-1,  <unfinished ...>\n"
      "102 openat(AT_FDCWD, \"/etc/fx.conf\", O_RDONLY) = -1 ENOENT (No such file or directory)\n";
  const auto a = after_chroot_mark(whole);
  REQUIRE(a);
  CHECK(*a == "101 execve(\"/bin/sh\", [\"sh\"], 0x55d0 /* 2 vars */) = 0\n"
              "102 openat(AT_FDCWD, \"/etc/fx.conf\", O_RDONLY) = -1 ENOENT (No such file or directory)\n");

  const std::string split =
      "22637 chroot(\"/\" <unfinished ...>\n"
      "22638 write(2, \"x\", 1 <unfinished ...>\n"
      "22637 <... chroot resumed>)             = 0\n"
      "22638 <... write resumed>)              = 1\n"
      "22637 execve(\"/usr/bin/python3\", [\"python3\"], 0x55d0 /* 2 vars */) = 0\n";
  const auto b = after_chroot_mark(split);
  REQUIRE(b);
  CHECK(*b == "22637 execve(\"/usr/bin/python3\", [\"python3\"], 0x55d0 /* 2 vars */) = 0\n");

  // A chroot that failed, or a resumption of another call, is no mark.
  CHECK_FALSE(after_chroot_mark("7 chroot(\"/\")                       = -1 EPERM (Operation not permitted)\n"));
  CHECK_FALSE(after_chroot_mark("7 chroot(\"/x\" <unfinished ...>\n7 <... chroot resumed>)             = 0\n"));
  CHECK_FALSE(after_chroot_mark(""));
}
