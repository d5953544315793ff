// The analysis driver: seeds the graph, then feeds every new file and every new entry point to each
// analyzer until nothing new is reached (a worklist fixed point). Parent directories and symlinks met
// on the way are added here, so analyzers only say which paths they need and why. Each analyzer
// callback runs inside one catch: a raison::Error from it becomes a diagnostic naming the analyzer and
// the file, and the analysis goes on.
#include "analysis/driver.hpp"

#include <deque>
#include <set>

#include "input/glob.hpp"
#include "raison/error.hpp"

namespace raison {

namespace {

// What waits in the worklist: a file every analyzer is told about, or an entry point of its own.
struct Work {
  Graph::Vertex vertex;
  bool entry;  // true: on_entry (a program started or a library loaded by name); false: on_file
};

class Driver final : public Context {
 public:
  Driver(const Root& root, const Options& options, Analysis& analysis, std::vector<std::unique_ptr<Analyzer>> analyzers)
      : Context(root, options, analysis), analyzers_(std::move(analyzers)) {
    for (auto& a : analyzers_)
      if (!loader_) loader_ = a->library_loader();
  }

  void run() {
    // Seeds and --keep: the user's own words.
    for (const auto& seed : options.seeds) {
      auto r = lookup(seed);
      if (!r) continue;
      if (!r->exists)
        diagnose(Diagnostic::Severity::Error, Diagnostic::Code::NotFound, seed, "seed does not exist in the root");
      else
        reach(*r, Reason{ReasonKind::Seed, "cli", "", "--seed " + seed});
    }
    for (const auto& pattern : options.keep) {
      bool any = false;
      glob_root(
          root, pattern,
          [&](const std::string& path) {
            any = true;
            reach(path, Reason{ReasonKind::Keep, "cli", "", "--keep " + pattern}, false);
          },
          [&](const std::string& path, const std::string& error) {
            diagnose(Diagnostic::Severity::Error, Diagnostic::Code::Unreadable, path, error);
          });
      if (!any) diagnose(Diagnostic::Severity::Error, Diagnostic::Code::NotFound, pattern, "--keep matches nothing in the root");
    }
    // Then every analyzer, to a fixed point.
    for (auto& a : analyzers_) guarded(*a, std::nullopt, [&] { a->on_start(*this); });
    while (!work_.empty()) {
      Work w = work_.front();
      work_.pop_front();
      for (auto& a : analyzers_)
        guarded(*a, w.vertex, [&] { w.entry ? a->on_entry(*this, w.vertex) : a->on_file(*this, w.vertex); });
    }
    for (auto& a : analyzers_) guarded(*a, std::nullopt, [&] { a->on_finish(*this); });
  }

  std::optional<Vertex> reach(std::string_view path, const Reason& reason, bool follow_last) override {
    auto r = lookup(path, follow_last);
    if (!r) return std::nullopt;
    return reach(*r, reason);
  }

  std::optional<Vertex> reach(const Resolved& resolved, const Reason& reason) override {
    Vertex from = source_of(reason);
    for (const auto& link : resolved.links) {
      Vertex lv = add(link);
      std::string detail = link + " -> " + root.readlink(link);
      if (!reason.from.empty() || reason.kind != ReasonKind::Seed) detail += " (" + reason.detail + ")";
      analysis.graph.add_edge(from, lv, Reason{ReasonKind::Symlink, reason.analyzer, reason.from, detail});
    }
    if (!resolved.exists) return std::nullopt;
    Vertex v = add(resolved.path, resolved.stat);
    if (analysis.graph.add_edge(from, v, reason) && is_entry_kind(reason.kind) && entries_.insert(v).second)
      work_.push_back({v, true});
    return v;
  }

  void link(Vertex from, Vertex to, Reason reason) override { analysis.graph.add_edge(from, to, std::move(reason)); }

  std::optional<Vertex> dlopen(Vertex from, const std::string& name, const Reason& reason,
                               Diagnostic::Severity severity) override {
    LibrarySearch search = loader_ ? loader_->find_library(*this, from, name) : LibrarySearch{};
    if (!search.file) {
      std::string msg = name + " not found (" + reason.detail + "); tried:";
      for (size_t i = 0; i < search.tried.size(); ++i) msg += (i ? ", " : " ") + search.tried[i];
      if (search.tried.empty()) msg += loader_ ? " nothing" : " nothing (the elf analyzer is off)";
      diagnose(severity, Diagnostic::Code::NotFound, graph().node(from).path, msg);
      return std::nullopt;
    }
    Reason r = reason;
    r.detail += " via " + to_string(search.via);
    return reach(*search.file, r);
  }

 private:
  // Runs one analyzer callback; an input error in it becomes that analyzer's diagnostic about `file`
  // (by its path; none for the callbacks about no file).
  template <class Fn>
  void guarded(Analyzer& a, std::optional<Vertex> file, Fn fn) {
    analyzer_ = std::string(a.name());
    try {
      fn();
    } catch (const Error& e) {
      diagnose(Diagnostic::Severity::Error, Diagnostic::Code::Unreadable, file ? graph().node(*file).path : "", e.what());
    }
    analyzer_.clear();
  }

  Vertex source_of(const Reason& reason) {
    if (reason.from.empty()) return graph().source();
    if (auto v = graph().find(reason.from)) return *v;
    // The analyzer names a file it was not told about: resolve it as it is.
    auto r = root.resolve(reason.from, false);
    return r.exists ? add(r.path, r.stat) : graph().source();
  }

  Vertex add(const std::string& canonical) {
    if (auto v = graph().find(canonical)) return *v;
    auto st = root.lstat(canonical);
    if (!st) throw Error(canonical + ": vanished during analysis");
    return add(canonical, *st);
  }

  // Adds a file and, the first time each path is seen, the directories that hold it.
  Vertex add(const std::string& canonical, const Stat& st) {
    if (auto known = graph().find(canonical)) return *known;  // its directories are there already
    auto [v, added] = analysis.graph.add_file(canonical, st);
    if (added) queue_file(v);
    std::string child = canonical;
    Vertex cv = v;
    while (child != "/") {
      std::string dir = parent_path(child);
      std::optional<Vertex> known_dir = graph().find(dir);
      Vertex dv = known_dir ? *known_dir : add_new_dir(dir);
      analysis.graph.add_edge(cv, dv, Reason{ReasonKind::Parent, "root", child, "holds " + base_name(child)});
      if (known_dir) break;
      child = std::move(dir);
      cv = dv;
    }
    return v;
  }

  // A directory whose path the graph does not have yet.
  Vertex add_new_dir(const std::string& dir) {
    auto st = root.lstat(dir);
    if (!st) throw Error(dir + ": vanished during analysis");
    auto [v, added] = analysis.graph.add_file(dir, *st);
    if (added) queue_file(v);
    return v;
  }

  void queue_file(Vertex v) {
    work_.push_back({v, false});
    for (auto& a : analyzers_) a->on_added(*this, v);
  }

  std::vector<std::unique_ptr<Analyzer>> analyzers_;
  LibraryLoader* loader_ = nullptr;
  std::deque<Work> work_;
  std::set<Vertex> entries_;
};

}  // namespace

Analysis run_analysis(const Root& root, const Options& options, std::vector<std::unique_ptr<Analyzer>> analyzers) {
  Analysis analysis;
  Driver driver(root, options, analysis, std::move(analyzers));
  driver.run();
  return analysis;
}

}  // namespace raison
