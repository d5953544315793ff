// `raison closure` and `raison why`: the stages in order, and the one place where diagnostics and
// errors become lines on stderr and an exit code.
#include "cli/commands.hpp"

#include <unistd.h>

#include "cli/sandbox.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "raison/analysis.hpp"
#include "raison/emit.hpp"
#include "analyzers/elf/elf_file.hpp"
#include "emit/image_writer.hpp"
#include "raison/error.hpp"

namespace raison::cli {

namespace {

// Notes only with --verbose; problems always.
void print_diagnostics(const Analysis& a, bool verbose) {
  for (const auto& d : a.diagnostics) {
    if (d.severity == Diagnostic::Severity::Note && !verbose) continue;
    const char* sev = d.severity == Diagnostic::Severity::Note ? "note"
                      : d.severity == Diagnostic::Severity::Incomplete ? "incomplete"
                                                                       : "error";
    if (d.file.empty())
      fmt::print(stderr, "raison: {}: {}\n", sev, d.message);
    else
      fmt::print(stderr, "raison: {}: {}: {}\n", sev, d.file, d.message);
  }
}

std::string human_bytes(std::uint64_t b) {
  if (b >= (1u << 20)) return fmt::format("{:.1f} MiB", double(b) / (1 << 20));
  if (b >= 1024) return fmt::format("{:.1f} KiB", double(b) / 1024);
  return fmt::format("{} B", b);
}

// The file or directory an output spec names: "oci:DIR:TAG" -> DIR, "docker-archive:F:N:T" -> F.
std::string output_path(const std::string& spec) {
  for (const char* prefix : {"oci:", "docker-archive:"}) {
    std::string_view p = prefix;
    if (spec.rfind(p, 0) == 0) return spec.substr(p.size(), spec.find(':', p.size()) - p.size());
  }
  return spec;
}

// The image config a root came with, if it is an image.
const nlohmann::json* source_config(const Root&) { return nullptr; }

// The architecture, in Go's names as image configs spell them, of the first ELF seed; else the host's.
std::string image_arch(const Root& root, const Options& options) {
  for (const auto& seed : options.seeds) {
    auto r = root.resolve(seed);
    if (!r.exists || r.stat.type != FileType::Regular) continue;
    int fd = root.open_read(r.path);
    std::optional<elf::ElfInfo> e;
    try {
      e = elf::read_elf(fd, r.stat.size, ElfReaderKind::Direct);
    } catch (const Error&) {
    }
    ::close(fd);
    if (!e) continue;
    bool le = e->data == 1, is64 = e->elf_class == 2;
    switch (e->machine) {
      case 62: return "amd64";
      case 3: return "386";
      case 183: return "arm64";
      case 40: return "arm";
      case 21: return le ? "ppc64le" : "ppc64";
      case 22: return "s390x";
      case 243: return is64 ? "riscv64" : "riscv";
      case 8: return is64 ? (le ? "mips64le" : "mips64") : (le ? "mipsle" : "mips");
      case 258: return "loong64";
      default: return elf::machine_name(e->machine);
    }
  }
#if defined(__aarch64__)
  return "arm64";
#else
  return "amd64";
#endif
}

}  // namespace

int run_closure(const ClosureArgs& args) {
  // Input: the root.
  auto root = open_directory_root(args.root);
  // Analysis: every analyzer to a fixed point.
  Analysis analysis = analyze(*root, args.options);
  print_diagnostics(analysis, args.verbose);
  // Emit: the root directory and its manifest, then what was asked on stdout.
  if (!args.out.empty()) {
    if (is_image_spec(args.out))
      write_image(*root, analysis, args.out, source_config(*root), image_arch(*root, args.options), "linux", args.force);
    else
      write_root_dir(*root, analysis, args.out, EmitOptions{args.force});
    std::string manifest = args.manifest.empty() ? output_path(args.out) + ".manifest.json" : args.manifest;
    write_file_atomically(manifest, make_manifest(*root, analysis, args.options).dump(1) + "\n");
  } else if (!args.manifest.empty()) {
    write_file_atomically(args.manifest, make_manifest(*root, analysis, args.options).dump(1) + "\n");
  }
  if (args.list) {
    std::string text;
    for (const auto& k : kept_paths(analysis))
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
    std::uint64_t files = 0, bytes = 0, paths = 0;
    for (const auto& k : kept_paths(analysis)) {
      const FileNode& n = analysis.graph.node(k.vertex);
      ++paths;
      if (k.first_name && n.stat.type == FileType::Regular) {
        ++files;
        bytes += n.stat.size;
      }
    }
    size_t notes = 0;
    for (const auto& d : analysis.diagnostics) notes += d.severity == Diagnostic::Severity::Note;
    fmt::print(stderr, "raison: {} seed{}: kept {} paths, {} regular files, {}{}{}\n", args.options.seeds.size(),
               args.options.seeds.size() == 1 ? "" : "s", paths, files, human_bytes(bytes),
               analysis.incomplete() ? " (incomplete: see above)" : "",
               notes && !args.verbose ? fmt::format(" ({} note{}: --verbose shows them)", notes, notes == 1 ? "" : "s") : "");
  }
  return analysis.incomplete() ? kIncomplete : kOk;
}

int run_trace(const TraceArgs& args) {
  char self[4096];
  ssize_t n = ::readlink(args.self_exe.c_str(), self, sizeof self - 1);
  if (n < 0) throw_errno(args.self_exe);
  self[n] = '\0';
  int status = trace_in_root(self, args.root, args.cmd, args.log);
  fmt::print(stderr, "raison: {} exited with {}; trace written to {}\n", args.cmd[0], status, args.log);
  return status;
}

int run_why(const WhyArgs& args) {
  struct stat st;
  if (::stat(args.source.c_str(), &st) != 0) throw_errno(args.source);
  std::string report;
  bool kept;
  if (S_ISREG(st.st_mode)) {
    // A manifest: its reasons are the graph.
    std::ifstream in(args.source);
    nlohmann::json m = nlohmann::json::parse(in, nullptr, false);
    if (m.is_discarded()) throw Error(args.source + ": not JSON");
    Graph g = graph_from_manifest(m);
    std::string path = args.path;
    kept = explain(g, path, report);
  } else {
    if (args.options.seeds.empty()) throw Error("why ROOT PATH needs the seeds of the closure (--seed)");
    auto root = open_directory_root(args.source);
    Analysis analysis = analyze(*root, args.options);
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
                            root->describe(), args.options.seeds.size(), args.options.seeds.size() == 1 ? "" : "s");
    }
  }
  std::fwrite(report.data(), 1, report.size(), stdout);
  return kept ? kOk : kNotInClosure;
}

}  // namespace raison::cli
