// Writing the manifest: for every kept path, what it is (type, size, sha256, mode, owners, link target)
// and every reason it is kept. It is also the input of `raison why MANIFEST PATH` and `raison verify`
// (read back by manifest_read.cpp), so it carries enough to rebuild the graph: each reason names the
// file it came from.
#include <fmt/format.h>

#include "raison/emit.hpp"
#include "raison/error.hpp"
#include "input/image.hpp"
#include "util/fd.hpp"
#include "util/sha256.hpp"

namespace raison {

const char* manifest_type_name(FileType t) {
  switch (t) {
    case FileType::Regular: return "file";
    case FileType::Directory: return "dir";
    case FileType::Symlink: return "symlink";
    case FileType::Other: return "other";
  }
  return "other";
}

namespace {

nlohmann::json reason_json(const Reason& r) {
  return {{"kind", to_string(r.kind)}, {"analyzer", r.analyzer}, {"from", r.from}, {"detail", r.detail}};
}

nlohmann::json package_json(const Package& p) {
  return {{"ecosystem", p.ecosystem}, {"name", p.name}, {"version", p.version}, {"arch", p.arch}, {"purl", p.purl()}};
}

// Each file's owners ([] for none); directories are shared and name none (no "packages").
nlohmann::json owners_json(const PackageIndex& index, const FileNode& n) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& o : index.owners(n.stat.id)) {
    nlohmann::json p = package_json(index.packages()[o.package]);
    if (!o.via.empty()) p["via"] = o.via;
    out.push_back(std::move(p));
  }
  return out;
}

// The packages the closure keeps files of, most bytes first, and the files no package owns.
void add_packages(nlohmann::json& manifest, const PackageIndex& index, const Graph& g) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& k : kept_by_package(index, g)) {
    if (k.package == PackageKept::npos) {
      manifest["summary"]["unowned"] = {{"files", k.files}, {"bytes", k.bytes}};
      continue;
    }
    const Package& p = index.packages()[k.package];
    nlohmann::json j = package_json(p);
    j["database"] = p.database;
    j["kept_files"] = k.files;
    j["kept_bytes"] = k.bytes;
    j["listed_files"] = k.listed_files;
    j["partial"] = k.files < k.listed_files;
    list.push_back(std::move(j));
  }
  manifest["packages"] = std::move(list);
}

}  // namespace

nlohmann::json make_manifest(const Root& root, const Analysis& analysis, const Options& options, const PackageIndex* packages) {
  const Graph& g = analysis.graph;
  nlohmann::json files = nlohmann::json::array();
  std::uint64_t bytes = 0, count = 0;
  std::map<Graph::Vertex, std::string> first;
  const ImageRoot* image = as_image(root);
  const auto kept = kept_paths(analysis.graph);
  root.prefetch(kept_regular_files(g, kept));  // files still in an image's layers
  for (const auto& k : kept) {
    const FileNode& n = g.node(k.vertex);
    nlohmann::json f;
    f["path"] = k.path;
    f["type"] = manifest_type_name(n.stat.type);
    f["mode"] = fmt::format("{:04o}", n.stat.mode & 07777);
    f["uid"] = n.stat.uid;
    f["gid"] = n.stat.gid;
    if (image)
      if (const std::string* layer = image->layer_of(k.path)) f["layer"] = *layer;
    if (!k.first_name) {
      f["type"] = "hardlink";
      f["link_to"] = first.at(k.vertex);
    } else {
      first[k.vertex] = k.path;
      if (auto g = analysis.generated.find(n.path); g != analysis.generated.end()) {
        f["size"] = g->second.size();
        f["sha256"] = sha256_hex(g->second);
        f["generated"] = true;
        bytes += g->second.size();
        ++count;
      } else if (n.stat.type == FileType::Regular) {
        f["size"] = n.stat.size;
        const Fd fd{root.open_read(k.path)};
        f["sha256"] = sha256_fd(fd.get());
        bytes += n.stat.size;
        ++count;
      } else if (n.stat.type == FileType::Symlink) {
        f["target"] = root.readlink(k.path);
      }
    }
    nlohmann::json reasons = nlohmann::json::array();
    bool traced = false, found_static = false;
    for (const auto& r : g.reasons_of(k.vertex)) {
      reasons.push_back(reason_json(r));
      (r.kind == ReasonKind::Trace || r.kind == ReasonKind::Exec ? traced : found_static) = true;
    }
    if (packages && n.stat.type != FileType::Directory) f["packages"] = owners_json(*packages, n);
    if (!options.traces.empty()) f["evidence"] = traced && found_static ? "both" : traced ? "traced" : "static";
    f["reasons"] = std::move(reasons);
    files.push_back(std::move(f));
  }
  nlohmann::json diags = nlohmann::json::array();
  for (const auto& d : analysis.diagnostics)
    diags.push_back({{"severity", to_string(d.severity)}, {"code", to_string(d.code)}, {"analyzer", d.analyzer},
                     {"file", d.file}, {"message", d.message}});
  nlohmann::json analyzers = nlohmann::json::array();
  for (const auto& a : options.analyzers.empty() ? known_analyzers() : std::vector<std::string>(options.analyzers.begin(), options.analyzers.end()))
    analyzers.push_back(a);
  nlohmann::json manifest = {
      {"schema", "raison-manifest/1"},
      {"root", root.describe()},
      {"source", root.source()},
      {"seeds", options.seeds},
      {"analyzers", analyzers},
      {"env", options.env},
      {"complete", !analysis.incomplete()},
      {"summary", {{"paths", files.size()}, {"regular_files", count}, {"bytes", bytes}}},
      {"files", std::move(files)},
      {"diagnostics", std::move(diags)},
      {"trace_report", {{"only_traced", analysis.only_traced}, {"never_traced", analysis.never_traced}}},
  };
  if (packages) add_packages(manifest, *packages, g);
  return manifest;
}

void write_manifest(const std::string& path, const Root& root, const Analysis& analysis, const Options& options,
                    const PackageIndex* packages) {
  write_manifest(path, make_manifest(root, analysis, options, packages));
}

void write_manifest(const std::string& path, const nlohmann::json& manifest) {
  std::string text;
  try {
    text = manifest.dump(1) + "\n";
  } catch (const nlohmann::json::type_error& e) {  // a name or link target of the root that is not UTF-8
    throw Error(path + ": the manifest cannot be written as JSON: " + e.what());
  }
  write_file_atomically(path, text);
}

}  // namespace raison
