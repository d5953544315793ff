// The emit stage: the minimal root as a directory and the manifest that explains every file in it
// (images: emit/image_writer.hpp). Outputs are written under a temporary name beside their destination
// and renamed into place at the end, so a failed run leaves no half-written output.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "raison/analysis.hpp"
#include "raison/closure.hpp"

namespace raison {

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

}  // namespace raison
