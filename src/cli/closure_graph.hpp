// The closure graph the reporting commands (cost, report) ask questions of: read back from a manifest,
// or computed afresh from a root and its seeds, with each vertex's own bytes.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "raison/cost.hpp"
#include "raison/graph.hpp"
#include "raison/options.hpp"

namespace raison::cli {

struct ClosureGraph {
  Graph graph;
  std::vector<std::uint64_t> bytes{};  // vertex_bytes(): own bytes per vertex
  nlohmann::json manifest{};         // the manifest it was read from; null for a root
};

// SOURCE is a manifest (its reasons are the graph) or a root (analyzed with `options`' seeds, else an
// image's own Entrypoint and Cmd). Throws Error if neither, or a root has no seeds.
ClosureGraph load_closure_graph(const std::string& source, const std::string& platform, const Options& options);

// Who owns each file for `--by package`: the manifest's per-file "package" when it has one, else the
// file's directory (directory_owner).
OwnerOf manifest_owner(const nlohmann::json& manifest);

}  // namespace raison::cli
