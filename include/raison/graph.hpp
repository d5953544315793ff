// The closure graph: vertices are files of the root (identified by device and inode, so two paths to
// one file are one vertex), edges are reasons ("FROM needs TO because R"). Vertex 0 is the synthetic
// source every seed hangs from; the closure is what it reaches, and `why` is a shortest path from it.
#pragma once

#include <boost/graph/adjacency_list.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "raison/reason.hpp"
#include "raison/root.hpp"

namespace raison {

struct FileNode {
  std::string path;                // the first canonical path the file was reached by
  std::vector<std::string> names;  // every path it was reached by (hardlinks), path first
  Stat stat;
};

struct ReasonEdge {
  Reason reason;
};

class Graph {
 public:
  using Impl = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, FileNode, ReasonEdge>;
  using Vertex = Impl::vertex_descriptor;

  Graph();

  // The synthetic source of all seeds (not a file).
  Vertex source() const { return 0; }

  // The vertex of the file at canonical `path` with `stat`, added if new. A second path with the same
  // (dev, ino) is recorded as another name of the same vertex. Returns {vertex, added}.
  std::pair<Vertex, bool> add_file(const std::string& path, const Stat& stat);

  // Bounds on the graph: reasons from one file (the seeds' source is no file), reasons in all.
  static constexpr std::size_t kMaxReasonsPerFile = 65536;
  static constexpr std::size_t kMaxReasons = 16'000'000;
  // Adds FROM -> TO with reason R unless the same reason is already on that edge. Returns true if added.
  // Throws Error past kMaxReasonsPerFile reasons from FROM or kMaxReasons in the graph. The reason
  // is copied only when added (most reasons offered are already there).
  bool add_edge(Vertex from, Vertex to, const Reason& reason) { return insert_edge(from, to, reason); }
  bool add_edge(Vertex from, Vertex to, Reason&& reason) { return insert_edge(from, to, std::move(reason)); }

  std::optional<Vertex> find(const std::string& path) const;
  const FileNode& node(Vertex v) const { return g_[v]; }
  std::size_t vertex_count() const { return boost::num_vertices(g_); }

  // The reasons that point at v (its in-edges), sorted.
  std::vector<Reason> reasons_of(Vertex v) const;

  // Vertices reachable from the source (excluding it), in vertex order.
  std::vector<Vertex> closure() const;

  // A shortest chain source -> ... -> v as the list of edges' (from, to, reason), empty if v is not
  // reachable.
  struct Hop {
    Vertex from, to;
    Reason reason;
  };
  std::vector<Hop> why(Vertex v) const;

  const Impl& impl() const { return g_; }

 private:
  template <class R>
  bool insert_edge(Vertex from, Vertex to, R&& reason);

  // Hashed: looked up for every reason recorded, never walked in order.
  struct FileIdHash {
    std::size_t operator()(const FileId& id) const { return std::hash<std::uint64_t>{}(id.ino * 31 + id.dev); }
  };
  Impl g_;
  std::unordered_map<FileId, Vertex, FileIdHash> by_id_;
  std::unordered_map<std::string, Vertex> by_path_;
  // Hashes of (from, to, reason) of every edge: a new reason is compared with a file's others only
  // when its hash was seen, so recording reasons stays linear (a scan per reason was quadratic).
  std::unordered_set<std::size_t> edge_hashes_;
};

}  // namespace raison
