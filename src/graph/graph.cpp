// The closure graph over Boost.Graph: file vertices keyed by (dev, ino), reason edges, reachability
// and shortest "why" chains by breadth-first search from the seed source.
#include "raison/graph.hpp"

#include <boost/graph/breadth_first_search.hpp>

#include <algorithm>

#include "raison/error.hpp"
#include "util/printable.hpp"

namespace raison {

Graph::Graph() {
  Vertex s = boost::add_vertex(g_);
  g_[s].path = "(seeds)";
}

std::pair<Graph::Vertex, bool> Graph::add_file(const std::string& path, const Stat& stat) {
  if (auto it = by_path_.find(path); it != by_path_.end()) return {it->second, false};
  if (auto it = by_id_.find(stat.id); it != by_id_.end()) {
    g_[it->second].names.push_back(path);
    by_path_.emplace(path, it->second);
    return {it->second, false};
  }
  Vertex v = boost::add_vertex(g_);
  g_[v].path = path;
  g_[v].names = {path};
  g_[v].stat = stat;
  by_id_.emplace(stat.id, v);
  by_path_.emplace(path, v);
  return {v, true};
}

template <class R>
bool Graph::insert_edge(Vertex from, Vertex to, R&& reason) {
  // A filter before the comparison with each reason already on the edge, so it need not tell every
  // pair apart: the detail, which differs between two reasons of one edge (one kind, one analyzer,
  // the from vertex's own path nearly always), is the only string hashed.
  std::size_t h = std::hash<std::size_t>{}(from) * 31 + std::hash<std::size_t>{}(to);
  h = h * 31 + std::hash<std::string>{}(reason.detail);
  h = h * 31 + static_cast<std::size_t>(reason.kind);
  if (edge_hashes_.count(h))
    for (auto [e, end] = boost::out_edges(from, g_); e != end; ++e)
      if (boost::target(*e, g_) == to && g_[*e].reason == reason) return false;
  // The bounds (README, "Limits"): a file whose reasons pass kMaxReasonsPerFile is hostile (a real
  // one has a few hundred at most), and checking each new reason against the file's others would
  // grow with their square; the whole graph is held in memory.
  if (from != source() && boost::out_degree(from, g_) >= kMaxReasonsPerFile)
    throw Error(printable(g_[from].path) + ": more than " + std::to_string(kMaxReasonsPerFile) +
                " reasons from one file (a hostile file?)");
  if (boost::num_edges(g_) >= kMaxReasons)
    throw Error("more than " + std::to_string(kMaxReasons) + " reasons in the graph");
  edge_hashes_.insert(h);
  // Added empty and filled in place: boost copies the property it is given, strings and all.
  auto e = boost::add_edge(from, to, g_).first;
  g_[e].reason = std::forward<R>(reason);
  return true;
}
template bool Graph::insert_edge(Vertex, Vertex, const Reason&);
template bool Graph::insert_edge(Vertex, Vertex, Reason&&);

std::optional<Graph::Vertex> Graph::find(const std::string& path) const {
  if (auto it = by_path_.find(path); it != by_path_.end()) return it->second;
  return std::nullopt;
}

std::vector<Reason> Graph::reasons_of(Vertex v) const {
  std::vector<Reason> out;
  for (auto [e, end] = boost::in_edges(v, g_); e != end; ++e) out.push_back(g_[*e].reason);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

namespace {

// Breadth-first search from the source recording each vertex's tree edge.
std::vector<std::optional<Graph::Impl::edge_descriptor>> bfs_tree(const Graph::Impl& g) {
  std::vector<std::optional<Graph::Impl::edge_descriptor>> pred(boost::num_vertices(g));
  struct Recorder : boost::default_bfs_visitor {
    std::vector<std::optional<Graph::Impl::edge_descriptor>>* pred;
    void tree_edge(Graph::Impl::edge_descriptor e, const Graph::Impl& gr) const {
      (*pred)[boost::target(e, gr)] = e;
    }
  } rec;
  rec.pred = &pred;
  boost::breadth_first_search(g, 0, boost::visitor(rec));
  return pred;
}

}  // namespace

std::vector<Graph::Vertex> Graph::closure() const {
  auto pred = bfs_tree(g_);
  std::vector<Vertex> out;
  for (Vertex v = 1; v < pred.size(); ++v)
    if (pred[v]) out.push_back(v);
  return out;
}

std::vector<Graph::Hop> Graph::why(Vertex v) const {
  auto pred = bfs_tree(g_);
  std::vector<Hop> chain;
  while (v != source() && pred[v]) {
    auto e = *pred[v];
    chain.push_back({boost::source(e, g_), v, g_[e].reason});
    v = boost::source(e, g_);
  }
  std::reverse(chain.begin(), chain.end());
  return chain;
}

}  // namespace raison
