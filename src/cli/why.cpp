// `raison why`: the chain of reasons from a seed to one path, read back from a manifest or computed
// afresh from a root and its seeds, and the package the file belongs to; for a path that is not kept,
// what it is, that it was dropped, and which files of the root would need it (the analyzers run over
// every program of the root, edges read backwards) or that nothing does.
#include <fmt/format.h>

#include <map>

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

// From a manifest: its reasons are the graph.
int why_from_manifest(const WhyArgs& args) {
  std::string report;
  const Manifest m = read_manifest(args.source);
  const bool kept = explain(graph_from_manifest(m), args.path, report);
  // Its packages, as the manifest recorded them (a manifest made with package databases).
  for (const auto& f : m.json["files"])
    if (f.value("path", "") == args.path && f.contains("packages") && !m.json.value("packages", nlohmann::json::array()).empty()) {
      if (f["packages"].empty()) report += "It belongs to no package.\n";
      for (const auto& p : f["packages"])
        report += fmt::format("Package: {} {} ({}{}{}){}\n", p.value("name", ""), p.value("version", ""),
                              p.value("ecosystem", ""), p.value("arch", "").empty() ? "" : ", ", p.value("arch", ""),
                              p.contains("via") ? " through its " + p.value("via", "") : "");
    }
  print_stdout(report);
  return kept ? kOk : kNotInClosure;
}

// "Package: perl-base 5.36.0-7+deb12u1 (deb, amd64)", or that none lists it.
std::string package_lines(const PackageIndex& index, const Stat& st) {
  if (index.empty() || st.type == FileType::Directory) return "";
  const auto& owners = index.owners(st.id);
  if (owners.empty()) return "It belongs to no package.\n";
  std::string out;
  for (const auto& o : owners) {
    const Package& p = index.packages()[o.package];
    out += fmt::format("Package: {} {} ({}{}{}){}\n", printable(p.name), printable(p.version), p.ecosystem,
                       p.arch.empty() ? "" : ", ", printable(p.arch), o.via.empty() ? "" : " through its " + printable(o.via));
  }
  return out;
}

// Which files of the whole root need `path`: every program of the root analysed as a seed, the
// reasons that point at the file read backwards.
std::string needed_by(const Root& root, const Options& options, const Resolved& target, const Graph& closure) {
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
    for (const auto& r : reasons)
      out += fmt::format("  {}{}\n      [{}, {}] {}\n", printable(from), is_kept ? " (kept)" : "", to_string(r.kind), r.analyzer,
                         printable(r.detail));
  }
  return out;
}

}  // namespace

int run_why(const WhyArgs& args) {
  if (looks_like_manifest(args.source)) return why_from_manifest(args);

  // Open the root.
  const auto root = open_root(args.source, {.temp_dir = {}, .platform = args.platform, .transport = args.transport});
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
  if (!r.exists) {
    fmt::print("{} does not exist in {}\n", printable(args.path), printable(root->describe()));
    return kNotInClosure;
  }
  std::string report;
  const bool kept = explain(analysis.graph, r.path, report);
  if (!kept && r.stat.type == FileType::Symlink) {
    // A link nobody goes through: say so, and explain its target if that is kept.
    const Resolved t = root->resolve(args.path, true);
    std::string target_report;
    if (t.exists && explain(analysis.graph, t.path, target_report)) report += "Its target is kept: " + target_report;
  }
  if (!kept) {
    report += fmt::format("It is a {} of {} in {}, dropped by a closure of {} seed{}.\n",
                          r.stat.type == FileType::Directory ? "directory" : "file", human_bytes(r.stat.size),
                          printable(root->describe()), options.seeds.size(), options.seeds.size() == 1 ? "" : "s");
  }
  report += package_lines(packages, r.stat);
  if (!kept && r.stat.type != FileType::Directory) report += needed_by(*root, options, r, analysis.graph);
  print_stdout(report);
  return kept ? kOk : kNotInClosure;
}

}  // namespace raison::cli
