// `raison closure` and `raison shrink`: what the seeds need, listed, or written as a minimal root or
// image with its manifest. Shrink is closure with the image's Entrypoint and Cmd as seeds (and its
// footprint reported).
#include <fmt/format.h>

#include <optional>

#include <fmt/format.h>

#include "analysis/seeds.hpp"
#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "cli/report.hpp"
#include "emit/image_writer.hpp"
#include "emit/output_spec.hpp"
#include "emit/sbom.hpp"
#include "input/image.hpp"
#include "raison/analysis.hpp"
#include "raison/closure.hpp"
#include "raison/emit.hpp"
#include "raison/error.hpp"
#include "raison/packages.hpp"

namespace raison::cli {

int run_closure(const ClosureArgs& args) {
  // Check the destinations before anything is read: a bad -o, or a directory that is not there, is
  // found before minutes of unpacking, and no image is written whose manifest could not be.
  const std::optional<OutputSpec> out = args.out.empty() ? std::nullopt : std::optional(parse_output_spec(args.out));
  // A registry or engine destination has no file to put the manifest beside: --manifest names one.
  const std::string manifest =
      args.manifest.empty() && out && !out->path.empty() ? out->path + ".manifest.json" : args.manifest;
  if (out && !out->path.empty()) check_output_dir(out->path);
  if (!manifest.empty()) check_output_dir(manifest);
  std::vector<std::pair<SbomFormat, std::string>> sboms;
  for (const auto& s : args.sboms) {
    const auto colon = s.find(':');
    sboms.emplace_back(*parse_sbom_format(s.substr(0, colon)), s.substr(colon + 1));
    check_output_dir(sboms.back().second);
  }

  // On a terminal, a progress line while layers are read and the output written.
  TerminalProgress progress(stderr_wants_progress(args.quiet));

  // Open the root (an image is unpacked into a private staging directory).
  // Lazy: every file is read through the root, none in the staging directory, so files no analyzer
  // reads stay in their layers until an output copies them.
  ImageOpenOptions open_options{.temp_dir = args.temp_dir, .platform = args.platform, .lazy = true, .transport = args.transport};
  open_options.progress = progress.observer();
  const auto root = open_root(args.root, open_options);
  progress.erase();
  print_image_notes(*root, args.verbose);

  // Seeds: those given, and for shrink the programs the image's Entrypoint and Cmd run.
  Options options = args.options;
  if (args.image_seeds) add_image_seeds(*root, options);
  if (options.seeds.empty()) throw Error("nothing to start from: give --seed");
  // Written as a root or an image: what every image is expected to have comes too (output rules).
  options.for_output = out.has_value();
  options.record_load_order = args.list_loaded;

  // Ownership: the root's package databases (dpkg, apk, Python distributions), read when something
  // shows it (an output, a manifest, an SBOM, the summary): on a full system, with -q and only a list
  // asked for, reading every package's file list would cost more than the closure itself.
  bool packages_read = true;
  PackageIndex packages;
  const bool packages_shown = out || !manifest.empty() || !sboms.empty() || !args.quiet;
  try {
    if (packages_shown) packages = read_packages(*root);
  } catch (const Error& e) {
    fmt::print(stderr, "raison: error: {} [packages]\n", e.what());
    packages_read = false;
  }

  // Analyze: every analyzer to a fixed point.
  Analysis analysis = analyze(*root, options);
  print_diagnostics(analysis, args.verbose);

  // Written out: the package database comes along, trimmed to the packages with kept files.
  if (out && args.package_db) add_package_database(*root, packages, analysis);

  // Emit: the minimal root, as an image or a directory, then its manifest.
  if (out && out->is_image())
    write_image(*root, analysis, *out, source_config(*root), image_arch(analysis), "linux", args.force, args.transport,
                args.temp_dir, progress.observer());
  else if (out)
    write_root_dir(*root, analysis, out->path,
                   {.replace = args.force, .preserve_privileges = args.preserve_privileges, .progress = progress.observer()});
  progress.erase();
  if (!manifest.empty() || !sboms.empty()) {
    const nlohmann::json m = make_manifest(*root, analysis, options, &packages);
    if (!manifest.empty()) write_manifest(manifest, m);
    for (const auto& [format, file] : sboms) write_sbom(file, m, format);
  }

  // Report: the lists asked for on stdout, the summaries on stderr.
  if (args.json)
    print_closure_json(analysis, options, args.list, args.list_loaded);
  else if (args.list)
    print_kept_paths(analysis.graph);
  if (args.list_loaded && !args.json) print_loaded_objects(analysis);
  if (!args.quiet) {
    print_summary(analysis, options, args.verbose);
    print_packages(packages, analysis.graph, 10);
    if (!options.traces.empty()) print_trace_summary(analysis);
    if (args.print_only_traced)
      for (const auto& p : analysis.only_traced) fmt::print("only observed: {}\n", p);
    if (args.image_seeds) print_footprint(measure_footprint(*root, analysis.graph));
  }
  if (args.verbose) print_deferred_note(*root);
  return analysis.incomplete() || !packages_read ? kIncomplete : kOk;
}

}  // namespace raison::cli
