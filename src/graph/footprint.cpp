// What a closure keeps of its whole root, in files and bytes, and where the dropped bytes were: the
// numbers behind `shrink`'s summary. The root is walked depth-first in sorted order without following
// links, so the same root and closure always give the same numbers.
#include <algorithm>
#include <map>
#include <set>

#include "raison/closure.hpp"
#include "raison/error.hpp"

namespace raison {

namespace {

class Walk {
 public:
  Walk(const Root& root, const Graph& graph) : root_(root) {
    for (const auto& k : kept_paths(graph)) kept_.insert(k.path);
  }

  void dir(const std::string& path) {
    std::vector<std::string> names;
    try {
      names = root_.list_dir(path);
    } catch (const Error&) {
      return;  // an unreadable directory counts for nothing, kept or dropped
    }
    for (const auto& name : names) {
      const std::string p = join_path(path, name);
      const auto st = root_.lstat(p);
      if (!st) continue;
      if (st->type == FileType::Directory) {
        dir(p);
        continue;
      }
      if (st->type != FileType::Regular || !seen_.insert(st->id).second) continue;
      file(p, st->size);
    }
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

  const Root& root_;
  std::set<std::string> kept_;  // every kept name, hardlinks included
  std::set<FileId> seen_;
  std::map<std::string, std::uint64_t> dropped_;
  Footprint out_;
};

}  // namespace

Footprint measure_footprint(const Root& root, const Graph& graph) {
  Walk walk(root, graph);
  walk.dir("/");
  return walk.result();
}

}  // namespace raison
