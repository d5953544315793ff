// The text of a run's report: diagnostics lines, the summary line, the trace summary and shrink's
// footprint on stderr, the requested lists on stdout. Formats here are what scripts and tests read.
#include "cli/report.hpp"

#include <fmt/format.h>

#include <cstdio>

#include <nlohmann/json.hpp>

#include "input/image.hpp"
#include "util/printable.hpp"

namespace raison::cli {

std::string human_bytes(std::uint64_t b) {
  if (b >= (1u << 20)) return fmt::format("{:.1f} MiB", double(b) / (1 << 20));
  if (b >= 1024) return fmt::format("{:.1f} KiB", double(b) / 1024);
  return fmt::format("{} B", b);
}

void print_diagnostics(const Analysis& a, bool verbose) {
  for (const auto& d : a.diagnostics) {
    if (d.severity == Diagnostic::Severity::Note && !verbose) continue;
    fmt::print(stderr, "raison: {}: {}\n", to_string(d.severity),
               printable((d.file.empty() ? "" : d.file + ": ") + d.message + (d.analyzer.empty() ? "" : " [" + d.analyzer + "]")));
  }
}

void print_image_notes(const Root& root, bool verbose) {
  const ImageRoot* image = as_image(root);
  if (!image || image->diagnostics().empty()) return;
  if (verbose)
    for (const auto& d : image->diagnostics()) fmt::print(stderr, "raison: note: {}\n", printable(d));
  else
    fmt::print(stderr, "raison: note: {} entries of the image not extracted (device nodes, fifos...: --verbose lists them)\n",
               image->diagnostics().size());
}

void print_deferred_note(const Root& root) {
  const ImageRoot* image = as_image(root);
  if (!image || image->deferred_files() == 0) return;
  const std::size_t n = image->deferred_files();
  fmt::print(stderr, "raison: unpacking: {} file{} no analyzer reads stayed in the layers; {} read again, in {} pass{} over a layer\n",
             n, n == 1 ? "" : "s", image->deferred_fetched(), image->deferred_passes(),
             image->deferred_passes() == 1 ? "" : "es");
}

void print_summary(const Analysis& analysis, const Options& options, bool verbose) {
  const KeptSize kept = kept_size(analysis.graph);
  std::size_t notes = 0;
  for (const auto& d : analysis.diagnostics) notes += d.severity == Diagnostic::Severity::Note;
  fmt::print(stderr, "raison: {} seed{}: kept {} paths, {} regular files, {}{}{}\n", options.seeds.size(),
             options.seeds.size() == 1 ? "" : "s", kept.paths, kept.regular_files, human_bytes(kept.bytes),
             analysis.incomplete() ? " (incomplete: see above)" : "",
             notes && !verbose ? fmt::format(" ({} note{}: --verbose shows them)", notes, notes == 1 ? "" : "s") : "");
}

void print_trace_summary(const Analysis& analysis) {
  auto some = [](const std::vector<std::string>& v) {
    std::string out;
    for (std::size_t i = 0; i < v.size() && i < 5; ++i) out += (i ? ", " : ": ") + v[i];
    return printable(v.size() > 5 ? out + ", ..." : out);
  };
  fmt::print(stderr, "raison: {} kept files only the trace explains{}\n", analysis.only_traced.size(), some(analysis.only_traced));
  fmt::print(stderr, "raison: {} statically required files the trace never touched{}\n", analysis.never_traced.size(),
             some(analysis.never_traced));
  if (!analysis.created_in.empty())
    fmt::print(stderr, "raison: {} director{} kept because the traced programs created something in them{}\n",
               analysis.created_in.size(), analysis.created_in.size() == 1 ? "y" : "ies", some(analysis.created_in));
}

void print_footprint(const Footprint& f) {
  fmt::print(stderr, "raison: kept {} of {} files, {} of {} ({:.1f}%)\n", f.kept_files, f.total_files,
             human_bytes(f.kept_bytes), human_bytes(f.total_bytes),
             f.total_bytes ? 100.0 * double(f.kept_bytes) / double(f.total_bytes) : 0.0);
  if (f.dropped.empty()) return;
  fmt::print(stderr, "raison: largest dropped:");
  for (std::size_t i = 0; i < f.dropped.size() && i < 5; ++i)
    fmt::print(stderr, "{} {} ({})", i ? "," : "", printable(f.dropped[i].dir), human_bytes(f.dropped[i].bytes));
  fmt::print(stderr, "\n");
}

void print_packages(const PackageIndex& index, const Graph& graph, std::size_t top) {
  if (index.empty()) return;
  const auto kept = kept_by_package(index, graph);
  std::size_t packages = 0, partial = 0;
  for (const auto& k : kept)
    if (k.package != PackageKept::npos) {
      ++packages;
      partial += k.files < k.listed_files;
    }
  fmt::print(stderr, "raison: files of {} package{} kept ({} in part); by bytes:\n", packages, packages == 1 ? "" : "s", partial);
  for (std::size_t i = 0; i < kept.size() && i < top; ++i) {
    const auto& k = kept[i];
    if (k.package == PackageKept::npos) {
      fmt::print(stderr, "raison:   (no package): {} file{}, {}\n", k.files, k.files == 1 ? "" : "s", human_bytes(k.bytes));
      continue;
    }
    const Package& p = index.packages()[k.package];
    fmt::print(stderr, "raison:   {} {} ({}): {} file{}, {} of {} files\n", p.name, p.version, p.ecosystem, k.files,
               k.files == 1 ? "" : "s", human_bytes(k.bytes), k.listed_files);
  }
}

void print_kept_paths(const Graph& graph) {
  std::string text;
  for (const auto& k : kept_paths(graph))
    if (graph.node(k.vertex).stat.type != FileType::Directory) text += printable(k.path) + "\n";
  print_stdout(text);
}

void print_loaded_objects(const Analysis& analysis) {
  std::string text;
  for (const auto& [entry, objects] : analysis.loaded_by_entry)
    for (const auto& o : objects) text += printable(entry) + "\t" + printable(o) + "\n";
  print_stdout(text);
}

void print_closure_json(const Analysis& analysis, const Options& options, bool list, bool list_loaded) {
  const KeptSize kept = kept_size(analysis.graph);
  nlohmann::json j{{"schema", "raison-closure/1"},
                   {"seeds", options.seeds},
                   {"kept", {{"paths", kept.paths}, {"regular_files", kept.regular_files}, {"bytes", kept.bytes}}},
                   {"complete", !analysis.incomplete()}};
  if (list) {
    j["paths"] = nlohmann::json::array();
    for (const auto& k : kept_paths(analysis.graph))
      if (analysis.graph.node(k.vertex).stat.type != FileType::Directory) j["paths"].push_back(k.path);
  }
  if (list_loaded) {
    j["loaded"] = nlohmann::json::object();
    for (const auto& [entry, objects] : analysis.loaded_by_entry) j["loaded"][entry] = objects;
  }
  print_stdout(j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

void print_stdout(const std::string& text) { std::fwrite(text.data(), 1, text.size(), stdout); }

}  // namespace raison::cli
