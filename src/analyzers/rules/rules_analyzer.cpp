// The rules analyzer: when a kept file matches a rule's "when" glob, keep what the rule names (globs
// expanded inside the root), dlopen its libraries from that file, and load the NSS and gconv modules
// the root's own configuration names. Each rule fires once per triggering file.
#include <unistd.h>

#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "analyzers/rules/rules.hpp"
#include "input/glob.hpp"
#include "raison/error.hpp"
#include "util/path.hpp"

namespace raison::rules {

namespace {

class RulesAnalyzer final : public Analyzer {
 public:
  explicit RulesAnalyzer(std::vector<Rule> rules) : rules_(std::move(rules)) {
    for (const auto& rule : rules_) {
      when_.emplace_back();
      for (const auto& w : rule.when) when_.back().emplace_back(w);
    }
  }
  std::string_view name() const override { return "rules"; }

  // Rules for outputs: what every root or image is expected to have, whatever runs in it.
  void on_start(Context& ctx) override {
    if (!ctx.options.for_output) return;
    for (const auto& rule : rules_) {
      if (!rule.output || int(rule.priority) > int(ctx.options.priority)) continue;
      const std::string why = "rule " + rule.name + " (" + rule.source + "), for a root or an image";
      keep_paths(ctx, rule, "", why);
    }
  }

  void on_file(Context& ctx, Graph::Vertex v) override {
    if (ctx.graph().node(v).stat.type == FileType::Directory) return;
    // A copy: firing a rule adds vertices, which moves the graph's nodes.
    const std::string path = ctx.graph().node(v).path;
    const std::vector<std::string> parts = path_components(path);
    for (size_t r = 0; r < rules_.size(); ++r) {
      const Rule& rule = rules_[r];
      if (int(rule.priority) > int(ctx.options.priority)) continue;
      for (size_t k = 0; k < rule.when.size(); ++k) {
        if (!when_[r][k].matches(parts)) continue;
        if (fired_.insert({rule.name, path}).second) fire(ctx, rule, v, path, rule.when[k]);
        break;
      }
    }
  }

 private:
  void fire(Context& ctx, const Rule& rule, Graph::Vertex v, const std::string& path, const std::string& when) {
    const std::string why = "rule " + rule.name + " (" + rule.source + "), as " + path + " matches " + when;
    keep_paths(ctx, rule, path, why);
    for (const auto& lib : rule.dlopen)
      ctx.dlopen(v, lib, Reason{ReasonKind::Dlopen, "rules", path, "dlopen " + lib + " by " + why},
                 rule.priority == Priority::Required ? Diagnostic::Severity::Incomplete : Diagnostic::Severity::Note);
    if (!rule.nsswitch.empty()) nsswitch(ctx, rule, v, path, why);
    if (rule.gconv) gconv(ctx, v, path, why);
  }

  // The rule's "keep" globs and "directories", from `from` ("" for the seeds' source).
  void keep_paths(Context& ctx, const Rule& rule, const std::string& from, const std::string& why) {
    const ReasonKind kind = rule.entry ? ReasonKind::Keep : ReasonKind::Data;
    for (const auto& pattern : rule.keep)
      expand(ctx, pattern, [&](const std::string& match) { ctx.reach(match, Reason{kind, "rules", from, why + ": keeps " + pattern}); });
    for (const auto& dir : rule.directories)
      if (auto r = ctx.lookup(dir, false); r && r->exists)
        ctx.reach(*r, Reason{kind, "rules", from, why + ": keeps the directory " + dir});
  }

  // NSS: every service of nsswitch.conf is libnss_SERVICE.so.2, dlopen'ed by libc. glibc >= 2.34 has
  // "files" and "dns" built in; an older libc (libc.so.6 a link to libc-2.NN.so) loads them too.
  void nsswitch(Context& ctx, const Rule& rule, Graph::Vertex v, const std::string& path, const std::string& why) {
    auto conf = ctx.lookup_file(rule.nsswitch);
    if (!conf) return;
    auto text = ctx.read(conf->path, 1u << 20);
    if (!text) return;
    bool builtin_files_dns = true;
    if (auto l = ctx.lookup(path, false); l && l->exists && l->stat.type == FileType::Symlink) {
      std::string target = base_name(ctx.root.readlink(l->path));
      int minor = 0;
      if (std::sscanf(target.c_str(), "libc-2.%d.so", &minor) == 1 && minor < 34) builtin_files_dns = false;
    }
    for (const auto& service : nss_services(*text)) {
      if (builtin_files_dns && (service == "files" || service == "dns")) continue;
      std::string lib = "libnss_" + service + ".so.2";
      ctx.dlopen(v, lib, Reason{ReasonKind::Dlopen, "rules", path, "dlopen " + lib + ": NSS service '" + service + "' in " + rule.nsswitch + " (" + why + ")"},
                 // glibc skips a service whose module is missing, as "unavailable".
                 Diagnostic::Severity::Note);
    }
  }

  // gconv: converters are loaded by name from the directory of gconv-modules; keep them all.
  void gconv(Context& ctx, Graph::Vertex, const std::string& path, const std::string& why) {
    for (const char* pattern : {"/usr/lib/*/gconv/*.so", "/usr/lib/gconv/*.so", "/usr/lib64/gconv/*.so"})
      expand(ctx, pattern, [&](const std::string& match) {
        ctx.reach(match, Reason{ReasonKind::Dlopen, "rules", path, "gconv converter, loaded by iconv_open (" + why + ")"});
      });
  }

  // The matches of a glob, walked once per pattern: the root does not change while it is analysed, so
  // a pattern kept by several rules or firings (the certificates, for libssl, libcrypto and ssl.py)
  // is replayed, matches and errors in the order the walk met them.
  template <typename Fn>
  void expand(Context& ctx, const std::string& pattern, Fn fn) {
    auto [it, fresh] = globbed_.try_emplace(pattern);
    std::vector<GlobEvent>& events = it->second;
    if (fresh)
      glob_root(
          ctx.root, pattern, [&](const std::string& match) { events.push_back({match, std::nullopt}); },
          [&](const std::string& path, const std::string& error) { events.push_back({path, error}); });
    for (const GlobEvent& e : events) {
      if (e.error) ctx.diagnose(Diagnostic::Severity::Error, Diagnostic::Code::Unreadable, e.path, *e.error);
      else fn(e.path);
    }
  }

  struct GlobEvent {
    std::string path;                  // a match, or the path an error is about
    std::optional<std::string> error;  // the error, for an error
  };
  std::map<std::string, std::vector<GlobEvent>> globbed_;

  std::vector<Rule> rules_;
  std::vector<std::vector<GlobPattern>> when_;  // rules_[r].when[k], split once: when_[r][k]
  std::set<std::pair<std::string, std::string>> fired_;
};

}  // namespace

std::unique_ptr<Analyzer> make_rules_analyzer(const std::vector<std::string>& rules_files) {
  std::vector<Rule> rules = builtin_rules();
  for (const auto& file : rules_files) {
    std::ifstream in(file);
    if (!in) throw Error(file + ": cannot be read");
    std::stringstream text;
    text << in.rdbuf();
    try {
      auto more = parse_rules(text.str(), file);
      rules.insert(rules.end(), more.begin(), more.end());
    } catch (const Error& e) {
      throw e.context(file);
    }
  }
  return std::make_unique<RulesAnalyzer>(std::move(rules));
}

}  // namespace raison::rules
