// The package databases in outputs, and what a closure keeps of each package: the two facts the emit
// stage and the summaries take from ownership.
#include <fmt/format.h>

#include <algorithm>

#include "packages/readers.hpp"
#include "raison/closure.hpp"
#include "raison/error.hpp"

namespace raison {

std::set<FileId> kept_ids(const Graph& graph) {
  std::set<FileId> out;
  for (const auto v : graph.closure()) out.insert(graph.node(v).stat.id);
  return out;
}

std::vector<PackageKept> kept_by_package(const PackageIndex& index, const Graph& graph) {
  std::vector<PackageKept> out(index.packages().size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i].package = i;
    for (const auto& l : index.listed(i)) out[i].listed_files += l.type != FileType::Directory;
  }
  PackageKept none;
  for (const auto v : graph.closure()) {
    const FileNode& n = graph.node(v);
    if (n.stat.type == FileType::Directory) continue;
    const std::uint64_t bytes = n.stat.type == FileType::Regular ? n.stat.size : 0;
    const auto& owners = index.owners(n.stat.id);
    if (owners.empty()) {
      ++none.files;
      none.bytes += bytes;
    }
    for (const auto& o : owners) {
      ++out[o.package].files;
      out[o.package].bytes += bytes;
    }
  }
  std::erase_if(out, [](const PackageKept& k) { return k.files == 0; });
  if (none.files) out.push_back(none);
  std::sort(out.begin(), out.end(), [&](const PackageKept& a, const PackageKept& b) {
    if (a.bytes != b.bytes) return a.bytes > b.bytes;
    auto name = [&](const PackageKept& k) { return k.package == PackageKept::npos ? std::string() : index.packages()[k.package].name; };
    return name(a) < name(b);
  });
  return out;
}

std::size_t add_package_database(const Root& root, const PackageIndex& index, Analysis& analysis) {
  const std::set<FileId> kept = kept_ids(analysis.graph);
  std::size_t count = 0;
  for (const std::size_t i : packages::kept_packages(index, kept)) count += index.packages()[i].ecosystem != "pypi";
  auto trim = [&](const std::set<FileId>& ids) {
    auto files = packages::trim_dpkg(root, index, ids);
    files.merge(packages::trim_apk(root, index, ids));
    return files;
  };
  Graph& g = analysis.graph;
  for (const auto& [path, content] : trim(kept)) {
    const auto st = root.lstat(path);
    if (!st) throw Error(path + ": vanished during analysis");
    const auto [v, added] = g.add_file(path, *st);
    g.add_edge(g.source(), v,
               Reason{ReasonKind::Package, "packages", "",
                      fmt::format("package database, trimmed to the {} package{} with kept files", count, count == 1 ? "" : "s")});
    // The directories that hold it, as the driver adds them for every file.
    for (std::string child = path; child != "/";) {
      const std::string dir = parent_path(child);
      const bool known = g.find(dir).has_value();
      const auto dst = root.lstat(dir);
      if (!dst) throw Error(dir + ": vanished during analysis");
      const auto dv = g.add_file(dir, *dst).first;
      g.add_edge(*g.find(child), dv, Reason{ReasonKind::Parent, "root", child, "holds " + base_name(child)});
      if (known) break;
      child = dir;
    }
  }
  // Again, now that the directories holding the database are kept too (/var/lib/dpkg is in dpkg's and
  // base-files' lists): directories own nothing, so the same packages and files, with those lines.
  for (auto& [path, content] : trim(kept_ids(g))) analysis.generated[path] = std::move(content);
  return count;
}

}  // namespace raison
