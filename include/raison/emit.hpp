// The emit stage: the minimal root as a directory, the manifest that explains every file in it, and
// the `why` report. Outputs are written under a temporary name beside their destination and renamed
// into place at the end, so a failed run leaves no half-written output.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "raison/analysis.hpp"

namespace raison {

// One kept path of the closure, in the order it is written (sorted by path, so a directory precedes
// what it holds).
struct KeptPath {
  std::string path;
  Graph::Vertex vertex;
  bool first_name;  // false: another name (hardlink) of a file kept under an earlier path
};
std::vector<KeptPath> kept_paths(const Analysis& analysis);

struct EmitOptions {
  bool replace = false;  // replace an existing non-empty output
};

// Writes the closure of `analysis` as a directory tree at `outdir` with the source's modes, numeric
// owners (when running as root), mtimes, symlinks, hardlinks and security.capability xattrs.
// Throws Error if outdir exists and is not empty (unless options.replace) or on any write failure.
void write_root_dir(const Root& root, const Analysis& analysis, const std::string& outdir, const EmitOptions& options);

// The manifest: every kept path with its type, size, sha256, mode, owners and reasons. Schema in the
// README ("raison-manifest/1").
nlohmann::json make_manifest(const Root& root, const Analysis& analysis, const Options& options);

// Writes `text` to `path` atomically (temporary file in the same directory, then rename).
void write_file_atomically(const std::string& path, const std::string& text);

// Rebuilds the graph a manifest describes (for `why MANIFEST PATH`). Throws Error if it is not one.
Graph graph_from_manifest(const nlohmann::json& manifest);

// The `why` report for `path`: the shortest chain from a seed, one hop a line. Returns false (and a
// text saying so) if the path is not in the closure.
bool explain(const Graph& graph, const std::string& path, std::string& out);

}  // namespace raison
