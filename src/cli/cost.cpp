// `raison cost`: what each kept file, Python module, package or seed costs, i.e. the bytes that would
// leave the closure without it (the dominator tree of graph/dominators.cpp), as a table of the top N
// or as JSON for tools. The closure is read back from a manifest or computed afresh from a root.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "analysis/seeds.hpp"
#include "cli/closure_graph.hpp"
#include "cli/commands.hpp"
#include "cli/report.hpp"
#include "input/image.hpp"
#include "raison/analysis.hpp"
#include "raison/cost.hpp"
#include "raison/emit.hpp"
#include "raison/error.hpp"
#include "raison/packages.hpp"

namespace raison::cli {

ClosureGraph load_closure_graph(const std::string& source, const std::string& platform, const Options& given,
                                const TransportOptions& transport) {
  if (looks_like_manifest(source)) {
    const Manifest m = read_manifest(source);
    Graph g = graph_from_manifest(m);
    ClosureGraph out{.graph = std::move(g), .manifest = m.json};
    out.bytes = vertex_bytes(out.graph);  // a manifest's sizes are those written, generated files' included
    out.packages_known = manifest_records_packages(m.json);
    if (out.packages_known)
      for (const auto& f : m.json["files"])
        if (f.is_object() && f.contains("path") && f["path"].is_string())
          out.package_of[f["path"].get<std::string>()] = manifest_package_label(f);
    return out;
  }
  // Open the root; seeds: those given, else an image's own.
  const auto root = open_root(source, {.temp_dir = {}, .platform = platform, .lazy = true, .transport = transport});
  print_image_notes(*root, false);
  Options options = given;
  if (options.seeds.empty() && root->image_config()) add_image_seeds(*root, options);
  if (options.seeds.empty()) throw Error("a root needs the seeds of the closure (--seed)");
  // Analyze.
  Analysis analysis = analyze(*root, options);
  print_diagnostics(analysis, false);
  ClosureGraph out{.graph = std::move(analysis.graph)};
  out.bytes = vertex_bytes(out.graph, analysis.generated);
  // Owners from the root's own package databases, by file (every name of a file has its owners).
  const PackageIndex index = read_packages(*root);
  out.packages_known = !index.empty();
  for (std::size_t v = 0; out.packages_known && v < out.graph.vertex_count(); ++v) {
    const FileNode& n = out.graph.node(Graph::Vertex(v));
    if (n.path.empty() || n.stat.type == FileType::Directory) continue;
    std::string label;
    for (const auto& o : index.owners(n.stat.id)) label += (label.empty() ? "" : ",") + index.packages()[o.package].name;
    for (const auto& name : n.names) out.package_of[name] = label;
  }
  return out;
}

OwnerOf package_owner(const ClosureGraph& c) {
  // Package ownership when the root's databases or the manifest record it; else the file's directory.
  if (!c.packages_known) return directory_owner;
  return [&c](const std::string& path) {
    auto it = c.package_of.find(path);
    return it == c.package_of.end() ? directory_owner(path) : it->second.empty() ? std::string("(no package)") : it->second;
  };
}

namespace {

const char* heading(CostBy by, bool packages_known) {
  switch (by) {
    case CostBy::File: return "FILE";
    case CostBy::Module: return "MODULE";
    case CostBy::Package: return packages_known ? "PACKAGE" : "PACKAGE (by directory: the root has no package database)";
    case CostBy::Seed: return "SEED";
  }
  return "";
}

}  // namespace

int run_cost(const CostArgs& args) {
  const auto by = cost_by_from_string(args.by);
  if (!by) throw Error("--by must be file, module, package or seed, not " + args.by);

  // The closure graph, its dominator tree and the rows asked for.
  const ClosureGraph c = load_closure_graph(args.source, args.platform, args.options, args.transport);
  const CostTree tree = dominator_costs(c.graph, c.bytes);
  std::vector<CostRow> rows = cost_rows(c.graph, tree, c.bytes, *by, package_owner(c));
  const std::size_t all = rows.size();
  if (args.top > 0 && rows.size() > args.top) rows.resize(args.top);
  const std::uint64_t total = tree.cost[c.graph.source()], files = tree.files[c.graph.source()];
  // Seeds: what no one seed keeps alone (shared by several, or brought by the closure's own rules).
  std::uint64_t alone = 0;
  for (auto v : tree.children[c.graph.source()])
    for (auto [e, end] = boost::in_edges(v, c.graph.impl()); e != end; ++e)
      if (c.graph.impl()[*e].reason.kind == ReasonKind::Seed) {
        alone += tree.cost[v];
        break;
      }

  if (args.json) {
    nlohmann::json out{{"by", args.by}, {"total", {{"bytes", total}, {"files", files}}}, {"rows", nlohmann::json::array()}};
    for (const auto& r : rows)
      out["rows"].push_back({{"name", r.name}, {"bytes", r.bytes}, {"files", r.files}, {"own", r.own}, {"paths", r.paths}});
    if (*by == CostBy::Seed) out["no_one_seed"] = total - alone;
    print_stdout(out.dump(1) + "\n");
    return kOk;
  }
  std::string text = fmt::format("{} regular files, {} kept ({} B); by {}, the top {} of {} (BYTES: what leaves the closure without it; OWN: its own files):\n", files, human_bytes(total), total,
                                 args.by, rows.size(), all);
  text += fmt::format("{:>10}  {:>6}  {:>5}  {:>10}  {}\n", "BYTES", "SHARE", "FILES", "OWN", heading(*by, c.packages_known));
  for (const auto& r : rows)
    text += fmt::format("{:>10}  {:>5.1f}%  {:>5}  {:>10}  {}\n", human_bytes(r.bytes), total ? 100.0 * double(r.bytes) / double(total) : 0.0,
                        r.files, human_bytes(r.own), r.name);
  if (*by == CostBy::Seed) text += fmt::format("{:>10}  {:>5.1f}%  {:>5}  {:>10}  (no one seed alone: shared, or kept by rules)\n",
                                               human_bytes(total - alone), total ? 100.0 * double(total - alone) / double(total) : 0.0, "", "");
  print_stdout(text);
  return kOk;
}

}  // namespace raison::cli
