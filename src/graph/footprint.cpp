// What a closure keeps of its whole root, in files and bytes, and where the dropped bytes were: the
// numbers behind `shrink`'s summary. The root is walked by walk_root (depth-first, sorted, links not
// followed), so the same root and closure always give the same numbers.
#include <algorithm>
#include <map>
#include <set>

#include "raison/closure.hpp"
#include "raison/error.hpp"
#include "graph/root_walk.hpp"

namespace raison {

namespace {

class Walk {
 public:
  explicit Walk(const Graph& graph) {
    for (const auto& k : kept_paths(graph)) kept_.insert(k.path);
  }

  // Every regular file once (a file is its FileId), by the path the walk meets it first.
  void visit(const std::string& p, const Stat& st) {
    if (st.type != FileType::Regular || !seen_.insert(st.id).second) return;
    file(p, st.size);
  }

  Footprint result() {
    for (const auto& [dir, bytes] : dropped_) out_.dropped.push_back({.dir = dir, .bytes = bytes});
    // Most bytes first; equal sizes in reverse path order, as the summary has always listed them.
    std::sort(out_.dropped.begin(), out_.dropped.end(), [](const auto& a, const auto& b) {
      return a.bytes != b.bytes ? a.bytes > b.bytes : a.dir > b.dir;
    });
    return out_;
  }

 private:
  void file(const std::string& p, std::uint64_t size) {
    ++out_.total_files;
    out_.total_bytes += size;
    if (kept_.count(p)) {
      ++out_.kept_files;
      out_.kept_bytes += size;
      return;
    }
    const std::size_t second = p.find('/', p.find('/', 1) + 1);
    dropped_[second == std::string::npos ? parent_path(p) : p.substr(0, second)] += size;
  }

  std::set<std::string> kept_;  // every kept name, hardlinks included
  std::set<FileId> seen_;
  std::map<std::string, std::uint64_t> dropped_;
  Footprint out_;
};

}  // namespace

Footprint measure_footprint(const Root& root, const Graph& graph) {
  Walk walk(graph);
  walk_root(root, [&](const std::string& path, const Stat& st) { walk.visit(path, st); });
  return walk.result();
}

}  // namespace raison
