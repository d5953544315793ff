// `raison report MANIFEST -o report.html`: the closure a manifest describes as one self-contained HTML
// page (emit/report_html.cpp), with the dropped bytes of the root it was made from when that root
// (the manifest's "source") can still be opened.
#include <fmt/format.h>
#include <sys/stat.h>

#include "cli/commands.hpp"
#include "cli/report.hpp"
#include "emit/report_html.hpp"
#include "input/image.hpp"
#include "raison/emit.hpp"
#include "raison/error.hpp"

namespace raison::cli {

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
  std::string note;
  if (m.source.empty()) {
    note = "the manifest records no source";
  } else {
    try {
      const auto root = open_root(m.source, {});
      footprint = measure_footprint(*root, graph);
    } catch (const Error& e) {
      note = e.what();
      fmt::print(stderr, "raison: note: no dropped bytes in the report: {}\n", note);
    }
  }

  // The page.
  const std::string title = m.json.contains("root") && m.json["root"].is_string() ? m.json["root"].get<std::string>() : args.manifest;
  write_file_atomically(args.out, make_report_html({.title = title, .graph = &graph, .bytes = &bytes,
                                                    .footprint = footprint ? &*footprint : nullptr, .footprint_note = note}));
  fmt::print(stderr, "raison: wrote {}\n", args.out);
  return kOk;
}

}  // namespace raison::cli
