// What each kept file costs: the bytes that would leave the closure if it (and its edges) were removed,
// which is the size of its subtree in the dominator tree of the closure graph rooted at the seeds'
// source (graph/dominators.cpp). A file reached along two independent paths is charged to neither
// alone but to their nearest common dominator: a library two seeds need is no one seed's cost.
// Invariant: the costs of the source's children add up to the closure's kept bytes, each regular file
// (hardlinks are one vertex) counted once.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "raison/graph.hpp"

namespace raison {

// The bytes each vertex holds itself: regular files' sizes (a generated file's, e.g. a regenerated
// ld.so.cache, from `generated`, by canonical path); 0 for directories, links and the source.
std::vector<std::uint64_t> vertex_bytes(const Graph& graph, const std::map<std::string, std::string>& generated = {});

// The dominator tree of the part of `graph` the source reaches, with subtree sums.
struct CostTree {
  static constexpr Graph::Vertex kNone = Graph::Vertex(-1);
  std::vector<Graph::Vertex> idom;                  // immediate dominator; kNone for the source and unreached vertices
  std::vector<std::vector<Graph::Vertex>> children; // dominator-tree children, most cost first
  std::vector<std::uint64_t> own;                   // the vertex's own bytes
  std::vector<std::uint64_t> cost;                  // bytes of its dominator subtree: what leaves with it
  std::vector<std::uint64_t> files;                 // regular files (own > 0 or a regular file) in that subtree
};
CostTree dominator_costs(const Graph& graph, const std::vector<std::uint64_t>& bytes);

// What leaves the closure if every vertex of `group` is removed: the closure recomputed without them.
// Exact for any set; for one vertex it equals its dominator subtree.
struct Loss {
  std::uint64_t bytes = 0;
  std::uint64_t files = 0;
};
Loss removal_cost(const Graph& graph, const std::vector<std::uint64_t>& bytes, const std::vector<Graph::Vertex>& group);

// The Python module a file found by import is, from its path: relative to the nearest directory named
// site-packages, dist-packages, lib-dynload or pythonX[.Y], suffixes (".py", ".pyc", ".cpython-311-x86_64-linux-gnu.so")
// and "__init__" dropped ("/usr/lib/python3.11/sqlite3/__init__.py" -> "sqlite3"); else the file's stem.
std::string python_module_name(const std::string& path);

// The owner of a file for `--by package`. Until package ownership is known, the file's directory.
using OwnerOf = std::function<std::string(const std::string& path)>;
std::string directory_owner(const std::string& path);

enum class CostBy { File, Module, Package, Seed };
std::optional<CostBy> cost_by_from_string(const std::string& name);

// One line of the cost table: a file, a module, a package or a seed, and the bytes that leave the
// closure without it (for a group of files, without all of them).
struct CostRow {
  std::string name;
  std::uint64_t bytes = 0;
  std::uint64_t files = 0;
  std::uint64_t own = 0;           // the bytes its own files hold (the rest it keeps in)
  std::vector<std::string> paths{};  // the files it stands for (module, package, seed: its vertices' paths)
};
// Every row of the aggregation, most bytes first (ties by name). Module rows are the files an import
// reached; seed rows the files a seed reason reached.
std::vector<CostRow> cost_rows(const Graph& graph, const CostTree& tree, const std::vector<std::uint64_t>& bytes,
                               CostBy by, const OwnerOf& owner = directory_owner);

}  // namespace raison
