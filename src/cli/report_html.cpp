// `raison report MANIFEST -o report.html`: the closure a manifest describes as one self-contained HTML
// page (emit/report_html.cpp), with the dropped bytes of the root it was made from when that root
// (the manifest's "source") can still be opened.
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <set>

#include "cli/commands.hpp"
#include "cli/report.hpp"
#include "emit/report_html.hpp"
#include "input/image.hpp"
#include "raison/emit.hpp"
#include "raison/error.hpp"
#include "raison/packages.hpp"

namespace raison::cli {
namespace {

// The bytes of each package's regular files that the closure does not keep (a file is kept when one of
// its names is a kept path: the manifest's graph has the paths, not the root's file identities).
std::vector<std::pair<std::string, std::uint64_t>> dropped_packages(const Root& root, const Graph& graph) {
  const PackageIndex index = read_packages(root);
  std::set<std::string> kept;
  for (std::size_t v = 0; v < graph.vertex_count(); ++v)
    for (const auto& name : graph.node(Graph::Vertex(v)).names) kept.insert(name);
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (std::size_t p = 0; p < index.packages().size(); ++p) {
    std::uint64_t bytes = 0;
    std::set<FileId> seen;
    for (const auto& l : index.listed(p)) {
      if (l.canonical.empty() || l.type != FileType::Regular || kept.count(l.canonical) || !seen.insert(l.id).second) continue;
      if (const auto st = root.lstat(l.canonical); st && st->type == FileType::Regular) bytes += st->size;
    }
    if (bytes > 0) out.emplace_back(index.packages()[p].name, bytes);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second != b.second ? a.second > b.second : a.first < b.first; });
  return out;
}

}  // namespace

int run_report(const ReportArgs& args) {
  struct stat st;
  if (!args.force && ::lstat(args.out.c_str(), &st) == 0) throw Error(args.out + ": exists (--force replaces it)");
  check_output_dir(args.out);

  // The closure: the manifest's graph and sizes.
  const Manifest m = read_manifest(args.manifest);
  const Graph graph = graph_from_manifest(m);
  const std::vector<std::uint64_t> bytes = vertex_bytes(graph);

  // What was dropped: the whole root again, if it can be opened.
  std::optional<Footprint> footprint;
  std::vector<std::pair<std::string, std::uint64_t>> dropped_by_package;
  std::string note;
  if (m.source.empty()) {
    note = "the manifest records no source";
  } else {
    try {
      const auto root = open_root(m.source, {});
      footprint = measure_footprint(*root, graph);
      dropped_by_package = dropped_packages(*root, graph);
    } catch (const Error& e) {
      note = e.what();
      fmt::print(stderr, "raison: note: no dropped bytes in the report: {}\n", note);
    }
  }

  // The page.
  const std::string title = m.json.contains("root") && m.json["root"].is_string() ? m.json["root"].get<std::string>() : args.manifest;
  write_file_atomically(args.out, make_report_html({.title = title, .graph = &graph, .bytes = &bytes,
                                                    .footprint = footprint ? &*footprint : nullptr, .footprint_note = note,
                                                    .dropped_by_package = std::move(dropped_by_package)}));
  fmt::print(stderr, "raison: wrote {}\n", args.out);
  return kOk;
}

}  // namespace raison::cli
