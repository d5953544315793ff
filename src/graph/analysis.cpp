// The analysis driver: seeds the graph, then feeds every new file and every new entry point to each
// analyzer until nothing new is reached (a worklist fixed point). Parent directories and symlinks met
// on the way are added here, so analyzers only say which paths they need and why.
#include "raison/analysis.hpp"

#include <deque>
#include <fstream>
#include <sstream>
#include <memory>
#include <set>

#include "analyzers/analyzer.hpp"
#include "analyzers/elf/elf_analyzer.hpp"
#include "analyzers/python/python_analyzer.hpp"
#include "analyzers/rules/rules.hpp"
#include "analyzers/script/shebang.hpp"
#include "analyzers/trace/trace_analyzer.hpp"
#include "input/glob.hpp"
#include "raison/error.hpp"

namespace raison {

bool Analysis::incomplete() const {
  for (const auto& d : diagnostics)
    if (d.severity != Diagnostic::Severity::Note) return true;
  return false;
}

std::vector<std::string> known_analyzers() { return {"elf", "script", "python", "rules", "trace"}; }

namespace {

std::vector<std::unique_ptr<Analyzer>> make_analyzers(const Options& options) {
  for (const auto& name : options.analyzers) {
    bool known = false;
    for (const auto& k : known_analyzers()) known |= k == name;
    if (!known) throw Error("unknown analyzer '" + name + "'");
  }
  auto wanted = [&](std::string_view name) {
    return options.analyzers.empty() || options.analyzers.count(std::string(name)) > 0;
  };
  std::vector<std::unique_ptr<Analyzer>> out;
  if (wanted("elf")) out.push_back(elf::make_elf_analyzer(options.elf_reader));
  if (wanted("script")) out.push_back(script::make_script_analyzer());
  if (wanted("python")) out.push_back(python::make_python_analyzer());
  if (wanted("trace")) out.push_back(trace::make_trace_analyzer());
  if (wanted("rules")) {
    std::vector<rules::Rule> rs = rules::builtin_rules();
    for (const auto& file : options.rules_files) {
      std::ifstream in(file);
      if (!in) throw Error(file + ": cannot be read");
      std::stringstream text;
      text << in.rdbuf();
      try {
        auto more = rules::parse_rules(text.str(), file);
        rs.insert(rs.end(), more.begin(), more.end());
      } catch (const Error& e) {
        throw e.context(file);
      }
    }
    out.push_back(rules::make_rules_analyzer(std::move(rs)));
  }
  return out;
}

class Driver final : public Context {
 public:
  Driver(const Root& root, const Options& options, Analysis& analysis)
      : Context(root, options, analysis), analyzers_(make_analyzers(options)) {
    for (auto& a : analyzers_)
      if (!loader_) loader_ = a->library_loader();
  }

  void run() {
    for (const auto& seed : options.seeds) {
      Reason r{ReasonKind::Seed, "cli", "", "--seed " + seed};
      if (!reach(seed, r, true)) diagnose(Diagnostic::Severity::Error, seed, "seed does not exist in the root");
    }
    for (const auto& pattern : options.keep) {
      bool any = false;
      glob_root(
          root, pattern,
          [&](const std::string& path) {
            any = true;
            reach(path, Reason{ReasonKind::Keep, "cli", "", "--keep " + pattern}, false);
          },
          [&](const std::string& path, const std::string& error) { diagnose(Diagnostic::Severity::Error, path, error); });
      if (!any) diagnose(Diagnostic::Severity::Error, pattern, "--keep matches nothing in the root");
    }
    for (auto& a : analyzers_) a->on_start(*this);
    while (!work_.empty()) {
      auto [v, entry] = work_.front();
      work_.pop_front();
      for (auto& a : analyzers_) {
        if (entry)
          a->on_entry(*this, v);
        else
          a->on_file(*this, v);
      }
    }
  }

  std::optional<Vertex> reach(std::string_view path, const Reason& reason, bool follow_last) override {
    Resolved r;
    try {
      r = root.resolve(path, follow_last);
    } catch (const Error& e) {
      diagnose(Diagnostic::Severity::Error, std::string(path), e.what());
      return std::nullopt;
    }
    return reach(r, reason);
  }

  void finish() {
    for (auto& a : analyzers_) a->on_finish(*this);
  }

  std::optional<Vertex> dlopen(Vertex from, const std::string& name, const Reason& reason,
                               Diagnostic::Severity severity) override {
    std::string how;
    std::vector<std::string> tried;
    std::optional<Resolved> found = loader_ ? loader_->find_library(*this, from, name, how, tried) : std::nullopt;
    if (!found) {
      std::string msg = name + " not found (" + reason.detail + "); tried:";
      for (size_t i = 0; i < tried.size(); ++i) msg += (i ? ", " : " ") + tried[i];
      if (tried.empty()) msg += loader_ ? " nothing" : " nothing (the elf analyzer is off)";
      diagnose(severity, graph().node(from).path, msg);
      return std::nullopt;
    }
    Reason r = reason;
    r.detail += " via " + how;
    return reach(*found, r);
  }

  std::optional<Vertex> reach(const Resolved& resolved, const Reason& reason) override {
    Vertex from = source_of(reason);
    for (const auto& link : resolved.links) {
      Vertex lv = add(link);
      std::string detail = link + " -> " + root.readlink(link);
      if (!reason.from.empty() || reason.kind != ReasonKind::Seed) detail += " (" + reason.detail + ")";
      link_edge(from, lv, Reason{ReasonKind::Symlink, reason.analyzer, reason.from, detail});
    }
    if (!resolved.exists) return std::nullopt;
    Vertex v = add(resolved.path, resolved.stat);
    if (graph().add_edge(from, v, reason) && is_entry_kind(reason.kind) && entries_.insert(v).second)
      work_.push_back({v, true});
    return v;
  }

 private:
  Vertex source_of(const Reason& reason) {
    if (reason.from.empty()) return graph().source();
    if (auto v = graph().find(reason.from)) return *v;
    // The analyzer names a file it was not told about: resolve it as it is.
    auto r = root.resolve(reason.from, false);
    return r.exists ? add(r.path, r.stat) : graph().source();
  }

  void link_edge(Vertex from, Vertex link, Reason reason) { graph().add_edge(from, link, std::move(reason)); }

  Vertex add(const std::string& canonical) {
    if (auto v = graph().find(canonical)) return *v;
    auto st = root.lstat(canonical);
    if (!st) throw Error(canonical + ": vanished during analysis");
    return add(canonical, *st);
  }

  // Adds a file and, the first time each path is seen, the directories that hold it.
  Vertex add(const std::string& canonical, const Stat& st) {
    bool known_path = graph().find(canonical).has_value();
    auto [v, added] = graph().add_file(canonical, st);
    if (added) work_.push_back({v, false});
    if (!known_path) {
      std::string child = canonical;
      while (child != "/") {
        std::string dir = parent_path(child);
        bool dir_known = graph().find(dir).has_value();
        Vertex dv = add_dir(dir);
        graph().add_edge(*graph().find(child), dv,
                         Reason{ReasonKind::Parent, "root", child, "holds " + base_name(child)});
        if (dir_known) break;
        child = dir;
      }
    }
    return v;
  }

  Vertex add_dir(const std::string& dir) {
    if (auto v = graph().find(dir)) return *v;
    auto st = root.lstat(dir);
    if (!st) throw Error(dir + ": vanished during analysis");
    auto [v, added] = graph().add_file(dir, *st);
    if (added) work_.push_back({v, false});
    return v;
  }

  std::vector<std::unique_ptr<Analyzer>> analyzers_;
  LibraryLoader* loader_ = nullptr;
  std::deque<std::pair<Vertex, bool>> work_;
  std::set<Vertex> entries_;
};

}  // namespace

Analysis analyze(const Root& root, const Options& options) {
  Analysis analysis;
  Driver driver(root, options, analysis);
  driver.run();
  driver.finish();
  return analysis;
}

}  // namespace raison
