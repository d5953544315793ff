// The trace analyzer: runtime evidence as reasons. Every path a traced program used successfully and
// that exists in the root is kept with "seen at run time (syscall, pid, line)"; execve'd files become
// entry points, so their own dependencies follow. What the trace saw and what the static analyzers
// found are compared at the end (Analysis::only_traced, Analysis::never_traced).
#include <fstream>
#include <set>
#include <sstream>

#include "analyzers/trace/path_list.hpp"
#include "analyzers/trace/strace.hpp"
#include "analyzers/trace/trace_analyzer.hpp"
#include "raison/error.hpp"

namespace raison::trace {

namespace {

// Pseudo filesystems a container engine provides; never files of the image.
bool pseudo(const std::string& p) {
  for (const char* prefix : {"/proc", "/sys", "/dev"})
    if (p == prefix || p.rfind(std::string(prefix) + "/", 0) == 0) return true;
  return false;
}

// Calls that look at a path itself, not at what a final symlink points to.
bool no_follow(const std::string& syscall) {
  return syscall == "lstat" || syscall == "readlink" || syscall == "readlinkat" || syscall == "unlink" ||
         syscall == "unlinkat" || syscall == "rename" || syscall == "renameat" || syscall == "renameat2";
}

// One trace given by the user, read before the analysis starts.
struct TraceFile {
  std::string file;
  TraceLog log;
};

class TraceAnalyzer final : public Analyzer {
 public:
  explicit TraceAnalyzer(std::vector<TraceFile> traces) : traces_(std::move(traces)) {}
  std::string_view name() const override { return "trace"; }

  void on_start(Context& ctx) override {
    for (const auto& [file, log] : traces_) {
      for (const auto& p : log.problems)
        ctx.diagnose(Diagnostic::Severity::Note, Diagnostic::Code::Unreadable, file,
                     "line " + std::to_string(p.line) + ": " + p.message);
      std::set<std::pair<std::string, bool>> done;
      for (const auto& use : log.uses) {
        if (!use.ok || pseudo(use.path)) continue;
        if (use.creates) created(ctx, file, use);
        bool follow = !no_follow(use.syscall);
        if (!done.insert({use.path, follow}).second) continue;
        auto r = ctx.lookup(use.path, follow);
        if (!r || !r->exists) continue;  // made at run time (a temp file), or outside the image
        std::string detail = "seen at run time: " + use.syscall + (use.pid ? " by pid " + std::to_string(use.pid) : "") +
                             " (" + base_name(file) + " line " + std::to_string(use.line) + ")";
        // An executed file is a program: its own needs (loader, libraries, #! interpreter) follow.
        // (So is the exe of a process `raison observe` found running.)
        const ReasonKind kind =
            use.syscall == "execve" || use.syscall == "execveat" || use.syscall == "exe" ? ReasonKind::Exec : ReasonKind::Trace;
        ctx.reach(*r, Reason{kind, "trace", "", detail});
        traced_.insert(r->path);
        for (const auto& link : r->links) traced_.insert(link);
      }
    }
  }

  // Files the trace saw that nothing static explains, and files static analysis requires that the
  // trace never touched.
  void on_finish(Context& ctx) override {
    if (traces_.empty()) return;
    ctx.analysis.created_in.assign(created_in_.begin(), created_in_.end());
    const Graph& g = ctx.graph();
    for (auto v : g.closure()) {
      const FileNode& n = g.node(v);
      if (n.stat.type == FileType::Directory) continue;
      bool traced = false, static_reason = false;
      for (const auto& r : g.reasons_of(v)) {
        if (r.kind == ReasonKind::Trace || r.kind == ReasonKind::Exec) traced = true;
        else if (r.analyzer != "trace" || r.kind == ReasonKind::Symlink) static_reason = true;
      }
      traced = traced || traced_.count(n.path);
      if (traced && !static_reason) ctx.analysis.only_traced.push_back(n.path);
      if (!traced && static_reason) ctx.analysis.never_traced.push_back(n.path);
    }
  }

 private:
  // A path the program made at run time: the directory it went into must exist in the output, with
  // its mode and owner, as must every directory above it (the driver adds those). A path the root
  // already has is kept by the use itself.
  void created(Context& ctx, const std::string& file, const PathUse& use) {
    auto r = ctx.lookup(use.path, false);
    if (!r || r->exists) return;
    for (std::string dir = parent_path(r->path);; dir = parent_path(dir)) {
      auto d = ctx.lookup(dir);
      if (!d) return;
      if (d->exists) {
        if (d->stat.type != FileType::Directory) return;
        ctx.reach(*d, Reason{ReasonKind::Trace, "trace", "",
                             "created at run time: " + use.syscall + " " + use.path + (use.pid ? " by pid " + std::to_string(use.pid) : "") +
                                 " (" + base_name(file) + " line " + std::to_string(use.line) + "): the directory it went into"});
        created_in_.insert(d->path);
        return;
      }
      if (dir == "/") return;
    }
  }

  std::vector<TraceFile> traces_;
  std::set<std::string> created_in_;
  std::set<std::string> traced_;
};

}  // namespace

std::unique_ptr<Analyzer> make_trace_analyzer(const std::vector<std::string>& trace_files) {
  std::vector<TraceFile> traces;
  for (const auto& file : trace_files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Error(file + ": cannot read the trace");
    std::stringstream text;
    text << in.rdbuf();
    traces.push_back({file, parse_trace_log(text.str())});
  }
  return std::make_unique<TraceAnalyzer>(std::move(traces));
}

}  // namespace raison::trace
