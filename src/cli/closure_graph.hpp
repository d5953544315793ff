// The closure graph the reporting commands (cost, report) ask questions of: read back from a manifest,
// or computed afresh from a root and its seeds, with each vertex's own bytes.
#pragma once

#include <map>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "raison/cost.hpp"
#include "raison/graph.hpp"
#include "raison/options.hpp"
#include "util/skopeo.hpp"

namespace raison::cli {

struct ClosureGraph {
  Graph graph;
  std::vector<std::uint64_t> bytes{};  // vertex_bytes(): own bytes per vertex
  nlohmann::json manifest{};         // the manifest it was read from; null for a root
  // The packages owning each kept path ("a,b"; "" for none), when the root's package databases or the
  // manifest say; `packages_known` false when neither does (then `--by package` groups by directory).
  std::map<std::string, std::string> package_of{};
  bool packages_known = false;
};

// SOURCE is a manifest (its reasons are the graph) or a root (analyzed with `options`' seeds, else an
// image's own Entrypoint and Cmd). Throws Error if neither, or a root has no seeds.
ClosureGraph load_closure_graph(const std::string& source, const std::string& platform, const Options& options,
                                const TransportOptions& transport = {});

// The owner of a kept path for `--by package`: its packages ("a,b", "(no package)") when the root's
// databases or the manifest record ownership; else its directory.
OwnerOf package_owner(const ClosureGraph& c);

}  // namespace raison::cli
