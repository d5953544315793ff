// The kept paths of a closure: every name of every file the seeds reach, sorted, each file's first
// name marked (the one written; the others become hardlinks to it). Every emitter writes this list.
#include <algorithm>
#include <map>

#include "raison/closure.hpp"

namespace raison {

std::vector<std::string> kept_regular_files(const Graph& g, const std::vector<KeptPath>& kept) {
  std::vector<std::string> out;
  for (const auto& k : kept)
    if (k.first_name && g.node(k.vertex).stat.type == FileType::Regular) out.push_back(k.path);
  return out;
}

std::vector<KeptPath> kept_paths(const Graph& g) {
  std::vector<KeptPath> out;
  for (auto v : g.closure()) {
    const FileNode& n = g.node(v);
    for (const auto& name : n.names) out.push_back({.path = name, .vertex = v, .first_name = name == n.path});
  }
  std::sort(out.begin(), out.end(), [](const KeptPath& a, const KeptPath& b) { return a.path < b.path; });
  // The first name in sorted order is the one written; later ones become hardlinks to it.
  std::map<Graph::Vertex, std::string> first;
  for (auto& k : out) {
    auto [it, inserted] = first.emplace(k.vertex, k.path);
    k.first_name = inserted;
  }
  return out;
}

KeptSize kept_size(const Graph& g) {
  KeptSize size;
  for (const auto& k : kept_paths(g)) {
    const FileNode& n = g.node(k.vertex);
    ++size.paths;
    if (k.first_name && n.stat.type == FileType::Regular) {
      ++size.regular_files;
      size.bytes += n.stat.size;
    }
  }
  return size;
}

}  // namespace raison
