// From strace lines to PathUse values. Two passes: the first classifies lines and joins each
// <unfinished ...> start with its <... resumed> end (by pid), keeping the calls that matter; the
// second replays them in completion order over per-process state (cwd, fd table), which a child gets
// from its parent when it first appears or when the parent's clone/fork returns, whichever is first.
#include "analyzers/trace/strace.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unordered_map>

#include "analyzers/trace/strace_syntax.hpp"
#include "raison/error.hpp"
#include "util/path.hpp"

namespace raison::trace {
namespace {

using namespace syntax;

enum class Op { Path, Exec, Chdir, Fchdir, Getcwd, Dup, Fcntl, Close, Clone, Bind };
struct PathArg {
  std::size_t path;  // index of the path argument
  int dirfd;         // index of its directory fd argument; -1: relative to the cwd
};
// What a call creates, when it succeeds.
enum class Creates {
  Nothing,
  IfOCreat,  // the path, when the flags hold O_CREAT (open, openat, openat2)
  First,     // the path (creat, mkdir, mknod, symlink's link name)
  Second,    // the second path (rename's and link's new name)
};
struct Spec {
  Op op;
  std::vector<PathArg> paths;
  bool opens_fd = false;  // the result is an fd for the (first) path
  Creates creates = Creates::Nothing;
};

const std::unordered_map<std::string_view, Spec>& specs() {
  static const std::unordered_map<std::string_view, Spec> table = [] {
    std::unordered_map<std::string_view, Spec> t;
    t["open"] = {Op::Path, {{0, -1}}, true, Creates::IfOCreat};
    t["creat"] = {Op::Path, {{0, -1}}, true, Creates::First};
    for (auto n : {"openat", "openat2"}) t[n] = {Op::Path, {{1, 0}}, true, Creates::IfOCreat};
    for (auto n : {"stat", "lstat", "stat64", "lstat64", "oldstat", "oldlstat", "statfs", "statfs64", "access",
                   "readlink", "rmdir", "unlink", "truncate", "truncate64", "chmod", "chown", "lchown",
                   "chown32", "lchown32", "utime", "utimes", "getxattr", "lgetxattr", "listxattr",
                   "llistxattr", "setxattr", "lsetxattr", "removexattr", "lremovexattr", "chroot"})
      t[n] = {Op::Path, {{0, -1}}};
    for (auto n : {"fstatat", "fstatat64", "newfstatat", "statx", "faccessat", "faccessat2", "readlinkat",
                   "unlinkat", "fchmodat", "fchmodat2", "fchownat", "utimensat", "futimesat", "name_to_handle_at"})
      t[n] = {Op::Path, {{1, 0}}};
    for (auto n : {"mkdir", "mknod"}) t[n] = {Op::Path, {{0, -1}}, false, Creates::First};
    for (auto n : {"mkdirat", "mknodat"}) t[n] = {Op::Path, {{1, 0}}, false, Creates::First};
    for (auto n : {"rename", "link"}) t[n] = {Op::Path, {{0, -1}, {1, -1}}, false, Creates::Second};
    for (auto n : {"renameat", "renameat2", "linkat"}) t[n] = {Op::Path, {{1, 0}, {3, 2}}, false, Creates::Second};
    // The target (argument 0) is link content, not a lookup.
    t["symlink"] = {Op::Path, {{1, -1}}, false, Creates::First};
    t["symlinkat"] = {Op::Path, {{2, 1}}, false, Creates::First};
    t["bind"] = {Op::Bind, {}};
    t["execve"] = {Op::Exec, {{0, -1}}};
    t["execveat"] = {Op::Exec, {{1, 0}}};
    t["chdir"] = {Op::Chdir, {{0, -1}}};
    t["fchdir"] = {Op::Fchdir, {}};
    t["getcwd"] = {Op::Getcwd, {}};
    for (auto n : {"dup", "dup2", "dup3"}) t[n] = {Op::Dup, {}};
    for (auto n : {"fcntl", "fcntl64"}) t[n] = {Op::Fcntl, {}};
    t["close"] = {Op::Close, {}};
    for (auto n : {"clone", "clone2", "clone3", "fork", "vfork"}) t[n] = {Op::Clone, {}};
    return t;
  }();
  return table;
}

// A call that matters, whole: "args) = result"; or the first line of a pid (appear).
struct Item {
  int pid = 0;
  std::size_t line = 0;
  std::string name;
  std::string body;
  bool appear = false;
};

struct CloneLink {
  int parent = 0;
  bool share_fs = false;     // CLONE_FS: one cwd for both (threads)
  bool share_files = false;  // CLONE_FILES: one fd table for both
};

bool has_flag(std::string_view args, std::string_view flag) {
  for (auto at = args.find(flag); at != std::string_view::npos; at = args.find(flag, at + 1)) {
    auto end = at + flag.size();
    if (end == args.size() || !(std::isupper(static_cast<unsigned char>(args[end])) || args[end] == '_')) return true;
  }
  return false;
}

using FdTable = std::map<long long, std::string>;
struct Proc {
  std::shared_ptr<std::optional<std::string>> cwd;  // nullopt: unknown (fchdir to an fd we never saw)
  std::shared_ptr<FdTable> fds;
};

class Replay {
 public:
  Replay(TraceLog& out, std::string initial_cwd) : out_(out), initial_cwd_(std::move(initial_cwd)) {}

  void link(int child, CloneLink l) { links_.emplace(child, l); }

  void run(const Item& item) {
    if (item.appear) {
      proc(item.pid);
      return;
    }
    const Spec& spec = specs().at(item.name);
    SplitCall call;
    try {
      call = split_call(item.body);
    } catch (const Error& e) {
      problem(item.line, item.name + ": " + e.what());
      return;
    }
    ResultValue res = parse_result(call.result);
    Proc& p = proc(item.pid);
    switch (spec.op) {
      case Op::Path:
      case Op::Exec:
      case Op::Chdir:
        for (std::size_t i = 0; i < spec.paths.size(); ++i) {
          auto path = resolve(item, call, spec.paths[i], p);
          if (!path) continue;
          PathUse use{*path, item.name, item.pid, item.line, res.ok, {}};
          use.creates = spec.creates == Creates::First ? i == 0
                        : spec.creates == Creates::Second ? i == 1
                        : spec.creates == Creates::IfOCreat ? i == 0 && has_flag(item.body, "O_CREAT")
                                                             : false;
          if (spec.opens_fd && i == 0 && res.ok) {
            if (res.path) use.fd_path = *res.path;
            (*p.fds)[res.value] = res.path ? *res.path : *path;
          }
          if (spec.op == Op::Chdir && res.ok) *p.cwd = *path;
          out_.uses.push_back(std::move(use));
        }
        // execve gives the process its own fd table even if it shared one (CLONE_FILES).
        if (spec.op == Op::Exec && res.ok) p.fds = std::make_shared<FdTable>(*p.fds);
        break;
      case Op::Fchdir:
        if (res.ok && !call.args.empty()) *p.cwd = fd_path(call.args[0], p);
        break;
      case Op::Getcwd:
        if (res.ok && !call.args.empty()) {
          try {
            auto q = parse_quoted(call.args[0]);
            if (!q || q->truncated || q->value.empty() || q->value[0] != '/') throw Error("not an absolute path");
            std::string cwd = normalize_path(q->value);
            *p.cwd = cwd;
            out_.uses.push_back({std::move(cwd), item.name, item.pid, item.line, true, {}});
          } catch (const Error& e) {
            problem(item.line, "getcwd: " + std::string(e.what()));
          }
        }
        break;
      case Op::Fcntl:
        if (call.args.size() < 2 || call.args[1].rfind("F_DUPFD", 0) != 0) break;
        [[fallthrough]];
      case Op::Dup:
        if (res.ok && !call.args.empty()) {
          auto from = fd_path(call.args[0], p);
          if (from) (*p.fds)[res.value] = *from;
          else p.fds->erase(res.value);
        }
        break;
      case Op::Close:
        if (!call.args.empty())
          if (auto fd = parse_fd(call.args[0])) p.fds->erase(fd->fd);
        break;
      case Op::Clone:
        if (res.ok && res.value > 0) proc(static_cast<int>(res.value));
        break;
      case Op::Bind:
        // bind(fd, {sa_family=AF_UNIX, sun_path="PATH"}, len) makes a socket file at PATH (relative to
        // the cwd); an abstract socket (sun_path=@"...") makes none.
        if (call.args.size() >= 2 && call.args[1].find("AF_UNIX") != std::string_view::npos) {
          auto at = call.args[1].find("sun_path=");
          if (at == std::string_view::npos) break;
          try {
            std::string_view value = call.args[1].substr(at + 9);  // the last member: "PATH"}
            if (!value.empty() && value.back() == '}') value.remove_suffix(1);
            auto q = parse_quoted(value);
            if (!q || q->truncated || q->value.empty()) break;
            if (!p.cwd->has_value() && q->value[0] != '/') break;
            std::string path = q->value[0] == '/' ? normalize_path(q->value) : resolve_path(**p.cwd, q->value);
            PathUse use{path, item.name, item.pid, item.line, res.ok, {}};
            use.creates = true;
            out_.uses.push_back(std::move(use));
          } catch (const Error& e) {
            problem(item.line, "bind: " + std::string(e.what()));
          }
        }
        break;
    }
  }

 private:
  // The state of `pid`, made on first sight: a copy of (or, for threads, shared with) its parent's,
  // or the first process's.
  Proc& proc(int pid) {
    if (auto it = procs_.find(pid); it != procs_.end()) return it->second;
    Proc p;
    auto link = links_.find(pid);
    if (link != links_.end() && link->second.parent != pid) {
      const Proc& parent = procs_.count(link->second.parent) ? procs_.at(link->second.parent) : fresh();
      p.cwd = link->second.share_fs ? parent.cwd : std::make_shared<std::optional<std::string>>(*parent.cwd);
      p.fds = link->second.share_files ? parent.fds : std::make_shared<FdTable>(*parent.fds);
    } else {
      p = fresh();
    }
    return procs_.emplace(pid, std::move(p)).first->second;
  }

  Proc fresh() const {
    return {std::make_shared<std::optional<std::string>>(initial_cwd_), std::make_shared<FdTable>()};
  }

  // The path an fd argument names: its -y annotation, else what the fd table knows.
  std::optional<std::string> fd_path(std::string_view arg, Proc& p) {
    auto fd = parse_fd(arg);
    if (!fd) return std::nullopt;
    if (fd->at_fdcwd) {
      if (fd->path) *p.cwd = *fd->path;  // the kernel's word beats our tracking
      return *p.cwd;
    }
    if (fd->path) return fd->path;
    if (auto it = p.fds->find(fd->fd); it != p.fds->end()) return it->second;
    return std::nullopt;
  }

  std::optional<std::string> resolve(const Item& item, const SplitCall& call, PathArg pa, Proc& p) {
    if (pa.path >= call.args.size() || (pa.dirfd >= 0 && static_cast<std::size_t>(pa.dirfd) >= call.args.size())) {
      problem(item.line, item.name + ": too few arguments");
      return std::nullopt;
    }
    std::string_view arg = call.args[pa.path];
    std::string path;
    try {
      auto q = parse_quoted(arg);
      if (q && q->truncated) throw Error("path cut short by strace -s");
      if (!q && !(arg == "NULL" && pa.dirfd >= 0)) throw Error("path argument is not a string: " + std::string(arg));
      if (q) path = std::move(q->value);  // NULL with a dirfd (utimensat) means the fd itself, as "" does
    } catch (const Error& e) {
      problem(item.line, item.name + ": " + e.what());
      return std::nullopt;
    }
    if (!path.empty() && path[0] == '/') return normalize_path(path);
    std::optional<std::string> dir = pa.dirfd < 0 ? *p.cwd : fd_path(call.args[static_cast<std::size_t>(pa.dirfd)], p);
    // An empty path (AT_EMPTY_PATH) is the fd itself; an fd we never saw opened (a pipe, stdin) is
    // not a path the program used.
    if (path.empty()) return pa.dirfd >= 0 ? dir : std::nullopt;
    if (!dir) {
      problem(item.line, item.name + ": relative path \"" + path + "\" against a directory the log never names");
      return std::nullopt;
    }
    return resolve_path(*dir, path);
  }

  void problem(std::size_t line, std::string message) { out_.problems.push_back({line, std::move(message)}); }

  TraceLog& out_;
  std::string initial_cwd_;
  std::unordered_map<int, CloneLink> links_;
  std::unordered_map<int, Proc> procs_;
};

// Splits the log into lines; a call that strace (writing to stderr) cut with "strace: Process N
// attached" is glued back to its continuation on the next line.
std::vector<std::pair<std::size_t, std::string>> log_lines(std::string_view log) {
  std::vector<std::pair<std::size_t, std::string>> lines;
  std::size_t number = 0, pos = 0;
  bool glue = false;
  while (pos < log.size()) {
    std::size_t end = log.find('\n', pos);
    if (end == std::string_view::npos) end = log.size();
    std::string_view line = log.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    if (glue) lines.back().second.append(line);
    else lines.emplace_back(number, std::string(line));
    glue = false;
    std::string& text = lines.back().second;
    auto cut = text.find("strace: Process ");
    if (cut != std::string::npos && cut > 0 && text.find_first_not_of(" \t") < cut &&
        (text.ends_with(" attached") || text.ends_with(" detached"))) {
      text.resize(cut);
      glue = true;
    }
  }
  return lines;
}

// A resumed call with no start under its own pid, in a log that names some pids only sometimes (see
// the leader below): pid N ends what the unnamed process started, or the reverse, if the name matches
// exactly one start.
std::unordered_map<int, Item>::iterator unnamed_start(std::unordered_map<int, Item>& pending, int pid,
                                                      std::string_view name) {
  if (pid != 0) {
    auto it = pending.find(0);
    return it != pending.end() && it->second.name == name ? it : pending.end();
  }
  auto found = pending.end();
  for (auto it = pending.begin(); it != pending.end(); ++it) {
    if (it->second.name != name) continue;
    if (found != pending.end()) return pending.end();
    found = it;
  }
  return found;
}

}  // namespace

TraceLog parse_strace(std::string_view log, const std::string& initial_cwd) {
  TraceLog out;
  // Pass 1: whole calls in completion order.
  std::vector<Item> items;
  std::unordered_map<int, Item> pending;
  std::unordered_map<int, bool> seen;
  for (auto& [number, text] : log_lines(log)) {
    Event ev;
    try {
      ev = parse_line(text);
    } catch (const Error& e) {
      out.problems.push_back({number, e.what()});
      continue;
    }
    if (ev.kind == EventKind::Ignored) continue;
    if (!seen[ev.pid]) {
      seen[ev.pid] = true;
      items.push_back({ev.pid, number, {}, {}, true});
    }
    bool wanted = specs().count(ev.name) > 0;
    switch (ev.kind) {
      case EventKind::Call:
        if (wanted) items.push_back({ev.pid, number, std::string(ev.name), std::string(ev.body)});
        break;
      case EventKind::Unfinished:
        if (auto old = pending.find(ev.pid); old != pending.end())
          out.problems.push_back({old->second.line, old->second.name + ": <unfinished ...> never resumed"});
        pending[ev.pid] = {ev.pid, number, std::string(ev.name), std::string(ev.body)};
        break;
      case EventKind::Resumed: {
        auto start = pending.find(ev.pid);
        if (start == pending.end()) start = unnamed_start(pending, ev.pid, ev.name);
        if (start == pending.end() || start->second.name != ev.name) {
          out.problems.push_back({number, "<... " + std::string(ev.name) + " resumed> without its start"});
          break;
        }
        Item item = std::move(start->second);
        pending.erase(start);
        item.pid = ev.pid;
        item.body += ev.body;
        if (wanted) items.push_back(std::move(item));
        break;
      }
      case EventKind::Superseded:
        // A thread's execve: the call started under the thread and ends under the leader's pid.
        if (auto start = pending.find(ev.other_pid); start != pending.end()) {
          pending[ev.pid] = std::move(start->second);
          pending.erase(ev.other_pid);
        }
        break;
      case EventKind::Ignored:
        break;
    }
  }
  for (const auto& [pid, item] : pending)
    if (specs().count(item.name) && specs().at(item.name).op != Op::Clone)
      out.problems.push_back({item.line, item.name + ": never completed (the process ended first)"});

  // Which pid each clone/fork made, so that a child seen before its parent's call returns inherits.
  struct Clone {
    const Item* call;
    int child;
    bool share_fs, share_files;
  };
  std::vector<Clone> clones;
  std::unordered_map<int, bool> is_child;
  for (const auto& item : items) {
    if (item.appear || specs().at(item.name).op != Op::Clone) continue;
    try {
      auto call = split_call(item.body);
      auto res = parse_result(call.result);
      if (!res.ok || res.value <= 0) continue;
      std::string args(item.body.substr(0, item.body.size() - call.result.size()));
      bool vm_only = item.name == "fork" || item.name == "vfork";
      clones.push_back({&item, static_cast<int>(res.value), !vm_only && has_flag(args, "CLONE_FS"),
                        !vm_only && has_flag(args, "CLONE_FILES")});
      is_child[static_cast<int>(res.value)] = true;
    } catch (const Error&) {
      // reported once, by the replay
    }
  }
  // strace -f writing to stderr prefixes "[pid N]" only while more than one process lives: the
  // unprefixed lines belong to the first pid that is nobody's child.
  if (seen.count(0)) {
    auto leader = std::find_if(items.begin(), items.end(),
                               [&](const Item& i) { return i.appear && i.pid != 0 && !is_child.count(i.pid); });
    if (leader != items.end()) {
      int pid = leader->pid;
      for (auto& item : items)
        if (item.pid == 0) item.pid = pid;
    }
  }
  Replay replay(out, initial_cwd);
  for (const auto& c : clones) replay.link(c.child, {c.call->pid, c.share_fs, c.share_files});
  // Pass 2.
  for (const auto& item : items) replay.run(item);
  std::stable_sort(out.problems.begin(), out.problems.end(),
                   [](const LogProblem& a, const LogProblem& b) { return a.line < b.line; });
  return out;
}

std::string normalize_path(std::string_view path) { return lexically_normal(path); }

std::string resolve_path(std::string_view base, std::string_view path) {
  if (!path.empty() && path.front() == '/') return normalize_path(path);
  std::string joined(base);
  joined += '/';
  joined += path;
  return normalize_path(joined);
}

std::optional<std::string> after_chroot_mark(std::string_view log) {
  std::set<std::string_view> before, chroot_pending;
  std::string out;
  std::string_view marker_pid;
  bool inside = false;
  for (size_t at = 0; at < log.size();) {
    size_t end = log.find('\n', at);
    if (end == std::string_view::npos) end = log.size();
    const std::string_view line = log.substr(at, end - at);
    at = end + 1;
    const std::string_view pid = line.substr(0, line.find(' '));
    if (!inside) {
      const bool succeeded = line.size() > 4 && line.substr(line.size() - 4) == " = 0";
      const bool whole = succeeded && line.find(" chroot(\"/\")") != std::string_view::npos;
      const bool resumed = succeeded && line.find(" <... chroot resumed>") != std::string_view::npos && chroot_pending.count(pid);
      if (line.find(" chroot(\"/\" <unfinished ...>") != std::string_view::npos) chroot_pending.insert(pid);
      if (whole || resumed) {
        inside = true;
        marker_pid = pid;
      } else {
        before.insert(pid);
      }
      continue;
    }
    if (pid != marker_pid && before.count(pid)) continue;
    out.append(line).append("\n");
  }
  if (!inside) return std::nullopt;
  return out;
}

}  // namespace raison::trace
