// `raison closure` and `raison why`: the stages in order, and the one place where diagnostics and
// errors become lines on stderr and an exit code.
#include "cli/commands.hpp"

#include <unistd.h>

#include "cli/sandbox.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <fstream>
#include <iostream>
#include <sstream>

#include "analysis/seeds.hpp"
#include "raison/analysis.hpp"
#include "raison/closure.hpp"
#include "raison/emit.hpp"
#include "analyzers/elf/machines.hpp"
#include "emit/image_writer.hpp"
#include "input/image.hpp"
#include "analyzers/trace/strace.hpp"
#include "raison/error.hpp"
#include "util/temp_dir.hpp"

namespace raison::cli {

namespace {

// Notes only with --verbose; problems always. One line each: "raison: SEVERITY: FILE: MESSAGE [ANALYZER]".
void print_diagnostics(const Analysis& a, bool verbose) {
  for (const auto& d : a.diagnostics) {
    if (d.severity == Diagnostic::Severity::Note && !verbose) continue;
    fmt::print(stderr, "raison: {}: {}{}{}\n", to_string(d.severity), d.file.empty() ? "" : d.file + ": ", d.message,
               d.analyzer.empty() ? "" : " [" + d.analyzer + "]");
  }
}

std::string human_bytes(std::uint64_t b) {
  if (b >= (1u << 20)) return fmt::format("{:.1f} MiB", double(b) / (1 << 20));
  if (b >= 1024) return fmt::format("{:.1f} KiB", double(b) / 1024);
  return fmt::format("{} B", b);
}

// The image config a root came with, if it is an image.
const nlohmann::json* source_config(const Root& root) {
  const ImageRoot* image = as_image(root);
  return image && !image->config_json().is_null() ? &image->config_json() : nullptr;
}

std::unique_ptr<Root> open_input(const std::string& spec, const std::string& platform, const std::string& temp_dir,
                                 bool verbose) {
  ImageOpenOptions o;
  o.platform = platform;
  o.temp_dir = temp_dir;
  auto root = open_root(spec, o);
  if (const ImageRoot* image = as_image(*root)) {
    if (verbose)
      for (const auto& d : image->diagnostics()) fmt::print(stderr, "raison: note: {}\n", d);
    else if (!image->diagnostics().empty())
      fmt::print(stderr, "raison: note: {} entries of the image not extracted (device nodes, fifos...: --verbose lists them)\n",
                 image->diagnostics().size());
  }
  return root;
}

// What a shrink kept of the whole root, and the directories that lost the most.
void print_shrink_summary(const Root& root, const Analysis& analysis) {
  const Footprint f = measure_footprint(root, analysis.graph);
  fmt::print(stderr, "raison: kept {} of {} files, {} of {} ({:.1f}%)\n", f.kept_files, f.total_files,
             human_bytes(f.kept_bytes), human_bytes(f.total_bytes),
             f.total_bytes ? 100.0 * double(f.kept_bytes) / double(f.total_bytes) : 0.0);
  if (f.dropped.empty()) return;
  fmt::print(stderr, "raison: largest dropped:");
  for (size_t i = 0; i < f.dropped.size() && i < 5; ++i)
    fmt::print(stderr, "{} {} ({})", i ? "," : "", f.dropped[i].dir, human_bytes(f.dropped[i].bytes));
  fmt::print(stderr, "\n");
}

// The architecture, in Go's names as image configs spell them, of the first ELF seed; else the host's.
std::string image_arch(const Analysis& analysis) {
  std::string arch = elf::go_arch({analysis.elf_machine, analysis.elf_class, analysis.elf_data});
  if (!arch.empty()) return arch;
#if defined(__aarch64__)
  return "arm64";
#else
  return "amd64";
#endif
}

}  // namespace

int run_closure(const ClosureArgs& args) {
  const std::optional<OutputSpec> out = args.out.empty() ? std::nullopt : std::optional(parse_output_spec(args.out));
  const std::string manifest = args.manifest.empty() && out ? out->path + ".manifest.json" : args.manifest;
  if (out) check_output_dir(out->path);
  if (!manifest.empty()) check_output_dir(manifest);
  // Input: the root (an image is unpacked into a private staging directory).
  auto root = open_input(args.root, args.platform, args.temp_dir, args.verbose);
  Options options = args.options;
  if (args.image_seeds) add_image_seeds(*root, options);
  if (options.seeds.empty()) throw Error("nothing to start from: give --seed");
  // Analysis: every analyzer to a fixed point.
  Analysis analysis = analyze(*root, options);
  print_diagnostics(analysis, args.verbose);
  // Emit: the root directory and its manifest, then what was asked on stdout.
  if (out) {
    if (out->is_image())
      write_image(*root, analysis, *out, source_config(*root), image_arch(analysis), "linux", args.force);
    else
      write_root_dir(*root, analysis, out->path, EmitOptions{.replace = args.force});
  }
  if (!manifest.empty()) write_manifest(manifest, *root, analysis, options);
  if (args.list) {
    std::string text;
    for (const auto& k : kept_paths(analysis.graph))
      if (analysis.graph.node(k.vertex).stat.type != FileType::Directory) text += k.path + "\n";
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
  if (args.list_loaded) {
    std::string text;
    for (const auto& [entry, objects] : analysis.loaded_by_entry)
      for (const auto& o : objects) text += entry + "\t" + o + "\n";
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
  if (!args.quiet) {
    const KeptSize kept = kept_size(analysis.graph);
    size_t notes = 0;
    for (const auto& d : analysis.diagnostics) notes += d.severity == Diagnostic::Severity::Note;
    fmt::print(stderr, "raison: {} seed{}: kept {} paths, {} regular files, {}{}{}\n", options.seeds.size(),
               options.seeds.size() == 1 ? "" : "s", kept.paths, kept.regular_files, human_bytes(kept.bytes),
               analysis.incomplete() ? " (incomplete: see above)" : "",
               notes && !args.verbose ? fmt::format(" ({} note{}: --verbose shows them)", notes, notes == 1 ? "" : "s") : "");
  }
  if (!options.traces.empty() && !args.quiet) {
    auto some = [](const std::vector<std::string>& v) {
      std::string out;
      for (size_t i = 0; i < v.size() && i < 5; ++i) out += (i ? ", " : ": ") + v[i];
      return v.size() > 5 ? out + ", ..." : out;
    };
    fmt::print(stderr, "raison: {} kept files only the trace explains{}\n", analysis.only_traced.size(), some(analysis.only_traced));
    fmt::print(stderr, "raison: {} statically required files the trace never touched{}\n", analysis.never_traced.size(),
               some(analysis.never_traced));
  }
  if (args.image_seeds && !args.quiet) print_shrink_summary(*root, analysis);
  return analysis.incomplete() ? kIncomplete : kOk;
}

int run_trace(const TraceArgs& args) {
  char self[4096];
  ssize_t n = ::readlink(args.self_exe.c_str(), self, sizeof self - 1);
  if (n < 0) throw_errno(args.self_exe);
  self[n] = '\0';
  // An image is run from its staging directory, alive as long as `root`.
  auto root = open_input(args.root, "", "", false);
  const ImageRoot* image = as_image(*root);
  int status = trace_in_root(self, image ? image->staging_dir() : args.root, args.cmd, args.log);
  fmt::print(stderr, "raison: {} exited with {}; trace written to {}\n", args.cmd[0], status, args.log);
  return status;
}

int run_verify(const VerifyArgs& args) {
  // The manifest says what OUT was made from, and with which seeds and options.
  const Manifest made = read_manifest(args.manifest.empty() ? args.out + ".manifest.json" : args.manifest);
  Options options = made.options;
  options.analyzers.erase("trace");  // a trace names the original run, not this root
  bool failed = false;
  std::string original = args.original.empty() ? made.source : args.original;
  if (original.empty()) throw Error(made.file + " names no source root: give --original");
  auto orig_root = open_input(original, "", "", false);
  // 1. Statically: every DT_NEEDED, interpreter, #! and import that resolves in the original root
  // resolves inside the output too (the same analysis on both; what only the output lacks is missing).
  auto out_root = open_directory_root(args.out);
  Analysis before = analyze(*orig_root, options);
  Analysis again = analyze(*out_root, options);
  std::set<std::pair<std::string, std::string>> known;
  for (const auto& d : before.diagnostics) known.insert({d.file, d.message});
  for (const auto& d : again.diagnostics) {
    if (known.count({d.file, d.message})) continue;
    if (d.severity == Diagnostic::Severity::Note && d.code != Diagnostic::Code::NotFound) continue;
    fmt::print(stderr, "raison: verify: does not resolve in {}: {}: {}\n", args.out, d.file, d.message);
    failed = true;
  }
  if (args.cmd.empty()) return failed ? kIncomplete : kOk;
  // 2. At run time: what the command looked for and did not find, that the original root has.
  const TempFile log_file("raison-verify");
  char self[4096];
  ssize_t n = ::readlink(args.self_exe.c_str(), self, sizeof self - 1);
  if (n < 0) throw_errno(args.self_exe);
  self[n] = '\0';
  int status = trace_in_root(self, args.out, args.cmd, log_file.path());
  std::ifstream log_in(log_file.path());
  std::stringstream log;
  log << log_in.rdbuf();
  trace::TraceLog trace = trace::parse_strace(log.str());
  std::set<std::string> reported;
  size_t missing_files = 0;
  for (const auto& use : trace.uses) {
    if (use.ok || reported.count(use.path)) continue;
    if (use.path.rfind("/proc", 0) == 0 || use.path.rfind("/sys", 0) == 0 || use.path.rfind("/dev", 0) == 0 ||
        use.path.rfind("/tmp", 0) == 0)
      continue;
    Resolved in_out, in_orig;
    try {
      in_out = out_root->resolve(use.path);
      in_orig = orig_root->resolve(use.path);
    } catch (const Error&) {
      continue;
    }
    if (in_out.exists || !in_orig.exists) continue;
    reported.insert(use.path);
    bool dir = in_orig.stat.type == FileType::Directory;
    if (!dir) ++missing_files;
    fmt::print(stderr, "raison: verify: {}: {} {} failed{}, and {} has it{}\n", dir ? "note" : "missing", use.syscall,
               use.path, use.pid ? fmt::format(" (pid {})", use.pid) : "", original,
               dir ? " (a directory)" : "");
  }
  fmt::print(stderr, "raison: verify: {} exited with {}; {} missing file{}\n", args.cmd[0], status, missing_files,
             missing_files == 1 ? "" : "s");
  return failed || missing_files || status != 0 ? kIncomplete : kOk;
}

int run_why(const WhyArgs& args) {
  std::string report;
  bool kept;
  if (looks_like_manifest(args.source)) {
    // A manifest: its reasons are the graph.
    kept = explain(graph_from_manifest(read_manifest(args.source)), args.path, report);
  } else {
    auto root = open_input(args.source, args.platform, "", false);
    Options options = args.options;
    if (options.seeds.empty() && root->image_config()) add_image_seeds(*root, options);
    if (options.seeds.empty()) throw Error("why ROOT PATH needs the seeds of the closure (--seed)");
    Analysis analysis = analyze(*root, options);
    // The path as the user wrote it may pass through symlinked directories: find the entry itself.
    Resolved r = root->resolve(args.path, false);
    if (!r.exists) {
      fmt::print("{} does not exist in {}\n", args.path, root->describe());
      return kNotInClosure;
    }
    kept = explain(analysis.graph, r.path, report);
    if (!kept && r.stat.type == FileType::Symlink) {
      // A link nobody goes through: say so, and explain its target if that is kept.
      Resolved t = root->resolve(args.path, true);
      std::string target_report;
      if (t.exists && explain(analysis.graph, t.path, target_report))
        report += "Its target is kept: " + target_report;
    }
    if (!kept) {
      report += fmt::format("It is a {} of {} in {}, dropped by a closure of {} seed{}.\n",
                            r.stat.type == FileType::Directory ? "directory" : "file", human_bytes(r.stat.size),
                            root->describe(), options.seeds.size(), options.seeds.size() == 1 ? "" : "s");
    }
  }
  std::fwrite(report.data(), 1, report.size(), stdout);
  return kept ? kOk : kNotInClosure;
}

}  // namespace raison::cli
