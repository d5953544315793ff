// The cost of kept files: Boost.Graph's Lengauer-Tarjan dominator tree of the closure graph from the
// seeds' source, each vertex charged the bytes of its dominator subtree (what only it keeps in), and
// the aggregations by file, Python module, package and seed. Groups of several files are costed by
// recomputing the closure without them, which is exact where a sum of subtrees would count twice.
#include <boost/graph/dominator_tree.hpp>

#include <algorithm>
#include <deque>
#include <set>

#include "raison/cost.hpp"

namespace raison {

std::vector<std::uint64_t> vertex_bytes(const Graph& g, const std::map<std::string, std::string>& generated) {
  std::vector<std::uint64_t> bytes(g.vertex_count(), 0);
  for (Graph::Vertex v = 1; v < g.vertex_count(); ++v) {
    const FileNode& n = g.node(v);
    if (auto it = generated.find(n.path); it != generated.end()) bytes[v] = it->second.size();
    else if (n.stat.type == FileType::Regular) bytes[v] = n.stat.size;
  }
  return bytes;
}

CostTree dominator_costs(const Graph& graph, const std::vector<std::uint64_t>& bytes) {
  const Graph::Impl& g = graph.impl();
  const std::size_t n = graph.vertex_count();
  // Boost's Lengauer-Tarjan reads the in-edges of every vertex it reaches, and takes an edge from a
  // vertex the source does not reach (a file analyzed but not kept) for a real one: it runs on the
  // reachable part only, copied with the source as vertex 0.
  using Sub = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS>;
  std::vector<std::size_t> sub_of(n, std::size_t(-1));
  std::vector<Graph::Vertex> of_sub{graph.source()};
  sub_of[graph.source()] = 0;
  for (auto v : graph.closure()) {
    sub_of[v] = of_sub.size();
    of_sub.push_back(v);
  }
  Sub sub(of_sub.size());
  for (std::size_t i = 0; i < of_sub.size(); ++i)
    for (auto [e, end] = boost::out_edges(of_sub[i], g); e != end; ++e)
      if (const auto w = sub_of[boost::target(*e, g)]; w != std::size_t(-1)) boost::add_edge(i, w, sub);
  const auto null = boost::graph_traits<Sub>::null_vertex();
  std::vector<Sub::vertex_descriptor> sub_dom(of_sub.size(), null);
  boost::lengauer_tarjan_dominator_tree(sub, 0, boost::make_iterator_property_map(sub_dom.begin(), boost::get(boost::vertex_index, sub)));
  std::vector<Graph::Vertex> dom(n, Graph::Vertex(-1));
  for (std::size_t i = 1; i < of_sub.size(); ++i)
    if (sub_dom[i] != null) dom[of_sub[i]] = of_sub[sub_dom[i]];
  CostTree t;
  t.idom.assign(n, CostTree::kNone);
  t.children.resize(n);
  t.own = bytes;
  t.own.resize(n, 0);
  t.cost.assign(n, 0);
  t.files.assign(n, 0);
  for (Graph::Vertex v = 0; v < n; ++v) {
    if (v == graph.source() || dom[v] == Graph::Vertex(-1)) continue;
    t.idom[v] = dom[v];
    t.children[dom[v]].push_back(v);
  }
  // Subtree sums, children before parents: a depth-first order from the source, walked backwards.
  std::vector<Graph::Vertex> order{graph.source()};
  for (std::size_t i = 0; i < order.size(); ++i)
    for (auto c : t.children[order[i]]) order.push_back(c);
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const Graph::Vertex v = *it;
    t.cost[v] += t.own[v];
    t.files[v] += (v != graph.source() && graph.node(v).stat.type == FileType::Regular) ? 1 : 0;
    if (t.idom[v] != CostTree::kNone) {
      t.cost[t.idom[v]] += t.cost[v];
      t.files[t.idom[v]] += t.files[v];
    }
  }
  for (auto& c : t.children)
    std::sort(c.begin(), c.end(), [&](auto a, auto b) { return t.cost[a] != t.cost[b] ? t.cost[a] > t.cost[b] : a < b; });
  return t;
}

Loss removal_cost(const Graph& graph, const std::vector<std::uint64_t>& bytes, const std::vector<Graph::Vertex>& group) {
  const Graph::Impl& g = graph.impl();
  const std::set<Graph::Vertex> removed(group.begin(), group.end());
  std::vector<char> with(graph.vertex_count(), 0), without(graph.vertex_count(), 0);
  // Breadth-first reachability from the source, not entering `skip`.
  auto reach = [&](std::vector<char>& seen, const std::set<Graph::Vertex>& skip) {
    std::deque<Graph::Vertex> queue{graph.source()};
    seen[graph.source()] = 1;
    while (!queue.empty()) {
      const auto v = queue.front();
      queue.pop_front();
      for (auto [e, end] = boost::out_edges(v, g); e != end; ++e) {
        const auto w = boost::target(*e, g);
        if (seen[w] || skip.count(w)) continue;
        seen[w] = 1;
        queue.push_back(w);
      }
    }
  };
  reach(with, {});
  reach(without, removed);
  Loss loss;
  for (Graph::Vertex v = 1; v < graph.vertex_count(); ++v) {
    if (!with[v] || without[v]) continue;
    loss.bytes += v < bytes.size() ? bytes[v] : 0;
    loss.files += graph.node(v).stat.type == FileType::Regular ? 1 : 0;
  }
  return loss;
}

namespace {

bool is_python_dir(const std::string& name) {
  if (name == "site-packages" || name == "dist-packages" || name == "lib-dynload") return true;
  if (name.size() < 7 || name.compare(0, 6, "python") != 0 || !std::isdigit(static_cast<unsigned char>(name[6]))) return false;
  return std::all_of(name.begin() + 6, name.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '.'; });
}

bool has_in_edge_of(const Graph& graph, Graph::Vertex v, ReasonKind kind) {
  for (auto [e, end] = boost::in_edges(v, graph.impl()); e != end; ++e)
    if (graph.impl()[*e].reason.kind == kind) return true;
  return false;
}

}  // namespace

std::string python_module_name(const std::string& path) {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < path.size();) {
    const std::size_t j = std::min(path.find('/', i), path.size());
    if (j > i) parts.push_back(path.substr(i, j - i));
    i = j + 1;
  }
  if (parts.empty()) return path;
  std::size_t start = parts.size() - 1;
  for (std::size_t i = parts.size() - 1; i-- > 0;)
    if (is_python_dir(parts[i])) {
      start = i + 1;
      break;
    }
  // The last part without its suffixes: "ssl.py", "_ssl.cpython-311-x86_64-linux-gnu.so" -> the text before the first dot.
  std::string& last = parts.back();
  last = last.substr(0, last.find('.'));
  if (last == "__init__" && parts.size() - 1 > start) parts.pop_back();
  std::string name;
  for (std::size_t i = start; i < parts.size(); ++i) name += (name.empty() ? "" : ".") + parts[i];
  return name;
}

std::string directory_owner(const std::string& path) { return parent_path(path); }

std::optional<CostBy> cost_by_from_string(const std::string& name) {
  if (name == "file") return CostBy::File;
  if (name == "module") return CostBy::Module;
  if (name == "package") return CostBy::Package;
  if (name == "seed") return CostBy::Seed;
  return std::nullopt;
}

std::vector<CostRow> cost_rows(const Graph& graph, const CostTree& tree, const std::vector<std::uint64_t>& bytes, CostBy by,
                               const OwnerOf& owner) {
  // The groups: name -> vertices.
  std::map<std::string, std::vector<Graph::Vertex>> groups;
  for (Graph::Vertex v = 1; v < graph.vertex_count(); ++v) {
    if (tree.idom[v] == CostTree::kNone) continue;  // not in the closure
    const FileNode& n = graph.node(v);
    switch (by) {
      case CostBy::File:
        if (n.stat.type == FileType::Regular) groups[n.path].push_back(v);
        break;
      case CostBy::Module:
        if (has_in_edge_of(graph, v, ReasonKind::Import)) groups[python_module_name(n.path)].push_back(v);
        break;
      case CostBy::Package:
        if (n.stat.type != FileType::Directory) groups[owner(n.path)].push_back(v);
        break;
      case CostBy::Seed:
        if (has_in_edge_of(graph, v, ReasonKind::Seed)) groups[n.path].push_back(v);
        break;
    }
  }
  std::vector<CostRow> rows;
  for (auto& [name, vs] : groups) {
    CostRow row{.name = name};
    if (vs.size() == 1) {
      row.bytes = tree.cost[vs[0]];
      row.files = tree.files[vs[0]];
    } else {
      const Loss loss = removal_cost(graph, bytes, vs);
      row.bytes = loss.bytes;
      row.files = loss.files;
    }
    for (auto v : vs) {
      row.paths.push_back(graph.node(v).path);
      row.own += tree.own[v];
    }
    rows.push_back(std::move(row));
  }
  std::sort(rows.begin(), rows.end(), [](const CostRow& a, const CostRow& b) { return a.bytes != b.bytes ? a.bytes > b.bytes : a.name < b.name; });
  return rows;
}

}  // namespace raison
