// `raison why`: the chain of reasons from a seed to one path, read back from a manifest or computed
// afresh from a root and its seeds, and the package the file belongs to; for a path that is not kept,
// what it is, that it was dropped, and which files of the root would need it (the analyzers run over
// every program of the root, edges read backwards) or that nothing does.
#include <fmt/format.h>

#include <map>

#include <nlohmann/json.hpp>

#include "analysis/seeds.hpp"
#include "cli/commands.hpp"
#include "cli/report.hpp"
#include "input/image.hpp"
#include "raison/analysis.hpp"
#include "raison/closure.hpp"
#include "raison/emit.hpp"
#include "raison/error.hpp"
#include "raison/packages.hpp"
#include "util/printable.hpp"

namespace raison::cli {

namespace {

constexpr const char* kWhySchema = "raison-why/1";

// As the manifest names types.
std::string type_name(FileType t) {
  return t == FileType::Regular ? "file" : t == FileType::Directory ? "dir" : t == FileType::Symlink ? "symlink" : "other";
}

// One hop of a chain of reasons, for --json: the path it reaches, the file that needs it ("" for a
// seed) and the reason.
nlohmann::json hop_json(const std::string& path, const std::string& from, const Reason& r) {
  return {{"path", path}, {"from", from}, {"kind", std::string(to_string(r.kind))}, {"analyzer", r.analyzer}, {"detail", r.detail}};
}

// The shortest chain from a seed to `path` (empty when no seed reaches it), for --json.
nlohmann::json chain_json(const Graph& g, const std::string& path) {
  nlohmann::json out = nlohmann::json::array();
  const auto v = g.find(path);
  if (!v) return out;
  for (const auto& hop : g.why(*v))
    out.push_back(hop_json(g.node(hop.to).path, hop.from == g.source() ? "" : g.node(hop.from).path, hop.reason));
  return out;
}

nlohmann::json package_json(const std::string& name, const std::string& version, const std::string& ecosystem,
                            const std::string& arch, const std::string& via) {
  return {{"name", name}, {"version", version}, {"ecosystem", ecosystem}, {"arch", arch}, {"via", via}};
}

// --json: one object (README, "raison why --json"), on stdout.
void print_json(const nlohmann::json& j) { print_stdout(j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n"); }

// From a manifest: its reasons are the graph.
int why_from_manifest(const WhyArgs& args) {
  std::string report;
  const Manifest m = read_manifest(args.source);
  const Graph g = graph_from_manifest(m);
  const bool kept = explain(g, args.path, report);
  const bool packages_known = !m.json.value("packages", nlohmann::json::array()).empty();
  nlohmann::json j{{"schema", kWhySchema}, {"source", args.source}, {"path", args.path}, {"kept", kept},
                   {"chain", chain_json(g, args.path)}};
  // Its packages, as the manifest recorded them (a manifest made with package databases).
  for (const auto& f : m.json["files"])
    if (f.value("path", "") == args.path && f.contains("packages") && packages_known) {
      if (f["packages"].empty()) report += "It belongs to no package.\n";
      j["packages"] = nlohmann::json::array();
      for (const auto& p : f["packages"]) {
        report += fmt::format("Package: {} {} ({}{}{}){}\n", p.value("name", ""), p.value("version", ""),
                              p.value("ecosystem", ""), p.value("arch", "").empty() ? "" : ", ", p.value("arch", ""),
                              p.contains("via") ? " through its " + p.value("via", "") : "");
        j["packages"].push_back(package_json(p.value("name", ""), p.value("version", ""), p.value("ecosystem", ""),
                                             p.value("arch", ""), p.value("via", "")));
      }
    }
  if (args.json)
    print_json(j);
  else
    print_stdout(report);
  return kept ? kOk : kNotInClosure;
}

// "Package: perl-base 5.36.0-7+deb12u1 (deb, amd64)", or that none lists it.
// With --json, the same as a list in `j["packages"]` (absent when the root has no package database).
std::string package_lines(const PackageIndex& index, const Stat& st, nlohmann::json& j) {
  if (index.empty() || st.type == FileType::Directory) return "";
  const auto& owners = index.owners(st.id);
  j["packages"] = nlohmann::json::array();
  if (owners.empty()) return "It belongs to no package.\n";
  std::string out;
  for (const auto& o : owners) {
    const Package& p = index.packages()[o.package];
    j["packages"].push_back(package_json(p.name, p.version, p.ecosystem, p.arch, o.via));
    out += fmt::format("Package: {} {} ({}{}{}){}\n", printable(p.name), printable(p.version), p.ecosystem,
                       p.arch.empty() ? "" : ", ", printable(p.arch), o.via.empty() ? "" : " through its " + printable(o.via));
  }
  return out;
}

// Which files of the whole root need `path`: every program of the root analysed as a seed, the
// reasons that point at the file read backwards.
// With --json, the same in `j["needed_by"]` and `j["programs_analysed"]`.
std::string needed_by(const Root& root, const Options& options, const Resolved& target, const Graph& closure, nlohmann::json& j) {
  Options all = options;
  all.seeds = whole_root_seeds(root);
  all.keep.clear();
  const Analysis whole = analyze(root, all);
  const Graph& g = whole.graph;
  const auto v = g.find(target.path);
  std::map<std::string, std::vector<Reason>> needers;
  if (v)
    for (const auto& r : g.reasons_of(*v))
      if (!r.from.empty() && r.kind != ReasonKind::Parent && r.from != target.path) needers[r.from].push_back(r);
  j["programs_analysed"] = all.seeds.size();
  j["needed_by"] = nlohmann::json::array();
  if (needers.empty())
    return fmt::format("Nothing in the root needs it ({} programs analysed: every ELF file and executable script).\n",
                       all.seeds.size());
  std::size_t kept = 0;
  for (const auto& [from, reasons] : needers) kept += closure.find(from) && !closure.why(*closure.find(from)).empty();
  std::string out = fmt::format("Needed by {} file{} of the root, {} reached from the seeds:\n", needers.size(),
                                needers.size() == 1 ? "" : "s", kept == 0 ? std::string("none") : fmt::format("{}", kept));
  for (const auto& [from, reasons] : needers) {
    const auto fv = closure.find(from);
    const bool is_kept = fv && !closure.why(*fv).empty();
    for (const auto& r : reasons) {
      j["needed_by"].push_back(hop_json(target.path, from, r));
      j["needed_by"].back()["from_kept"] = is_kept;
      out += fmt::format("  {}{}\n      [{}, {}] {}\n", printable(from), is_kept ? " (kept)" : "", to_string(r.kind), r.analyzer,
                         printable(r.detail));
    }
  }
  return out;
}

}  // namespace

int run_why(const WhyArgs& args) {
  if (looks_like_manifest(args.source)) return why_from_manifest(args);

  // Open the root.
  const auto root = open_root(args.source, {.temp_dir = {}, .platform = args.platform, .lazy = true, .transport = args.transport});
  print_image_notes(*root, false);

  // Seeds: those given, else an image's own.
  Options options = args.options;
  if (options.seeds.empty() && root->image_config()) add_image_seeds(*root, options);
  if (options.seeds.empty()) throw Error("why ROOT PATH needs the seeds of the closure (--seed)");

  // Analyze, and read the package databases.
  const Analysis analysis = analyze(*root, options);
  PackageIndex packages;
  try {
    packages = read_packages(*root);
  } catch (const Error& e) {
    fmt::print(stderr, "raison: error: {} [packages]\n", e.what());
  }

  // The chain to the path. The path as the user wrote it may pass through symlinked directories:
  // find the entry itself.
  const Resolved r = root->resolve(args.path, false);
  nlohmann::json j{{"schema", kWhySchema}, {"source", args.source}, {"path", args.path}, {"exists", r.exists}};
  if (!r.exists) {
    j["kept"] = false;
    if (args.json)
      print_json(j);
    else
      fmt::print("{} does not exist in {}\n", printable(args.path), printable(root->describe()));
    return kNotInClosure;
  }
  std::string report;
  const bool kept = explain(analysis.graph, r.path, report);
  j["entry"] = r.path;  // the path itself, its directories' links followed
  j["type"] = type_name(r.stat.type);
  j["size"] = r.stat.size;
  j["kept"] = kept;
  j["chain"] = chain_json(analysis.graph, r.path);
  j["seeds"] = options.seeds;
  if (!kept && r.stat.type == FileType::Symlink) {
    // A link nobody goes through: say so, and explain its target if that is kept.
    const Resolved t = root->resolve(args.path, true);
    std::string target_report;
    if (t.exists && explain(analysis.graph, t.path, target_report)) {
      report += "Its target is kept: " + target_report;
      j["target"] = t.path;
      j["target_chain"] = chain_json(analysis.graph, t.path);
    }
  }
  if (!kept) {
    report += fmt::format("It is a {} of {} in {}, dropped by a closure of {} seed{}.\n",
                          r.stat.type == FileType::Directory ? "directory" : "file", human_bytes(r.stat.size),
                          printable(root->describe()), options.seeds.size(), options.seeds.size() == 1 ? "" : "s");
  }
  report += package_lines(packages, r.stat, j);
  if (!kept && r.stat.type != FileType::Directory) report += needed_by(*root, options, r, analysis.graph, j);
  if (args.json)
    print_json(j);
  else
    print_stdout(report);
  return kept ? kOk : kNotInClosure;
}

}  // namespace raison::cli
