// `raison why`: the chain of reasons from a seed to one path, read back from a manifest or computed
// afresh from a root and its seeds; for a path that is not kept, what it is and that it was dropped.
#include <fmt/format.h>

#include "analysis/seeds.hpp"
#include "cli/commands.hpp"
#include "cli/report.hpp"
#include "input/image.hpp"
#include "raison/analysis.hpp"
#include "raison/closure.hpp"
#include "raison/emit.hpp"
#include "raison/error.hpp"
#include "util/printable.hpp"

namespace raison::cli {

namespace {

// From a manifest: its reasons are the graph.
int why_from_manifest(const WhyArgs& args) {
  std::string report;
  const bool kept = explain(graph_from_manifest(read_manifest(args.source)), args.path, report);
  print_stdout(report);
  return kept ? kOk : kNotInClosure;
}

}  // namespace

int run_why(const WhyArgs& args) {
  if (looks_like_manifest(args.source)) return why_from_manifest(args);

  // Open the root.
  const auto root = open_root(args.source, {.temp_dir = {}, .platform = args.platform});
  print_image_notes(*root, false);

  // Seeds: those given, else an image's own.
  Options options = args.options;
  if (options.seeds.empty() && root->image_config()) add_image_seeds(*root, options);
  if (options.seeds.empty()) throw Error("why ROOT PATH needs the seeds of the closure (--seed)");

  // Analyze.
  const Analysis analysis = analyze(*root, options);

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
  print_stdout(report);
  return kept ? kOk : kNotInClosure;
}

}  // namespace raison::cli
