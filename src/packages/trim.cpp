// The trimmed databases an output carries: the root's own files, cut to what is kept, so that dpkg-query
// and scanners reading them see exactly the packages that still have files there, and which files.
// dpkg: status keeps the paragraphs of packages with a kept file, as written, a partial one gaining a
// "Raison-Trimmed: K of N files kept" field (dpkg keeps unknown fields as they are); info/NAME.list and
// NAME.md5sums keep the kept paths; diversions keep those of kept packages (and local ones).
// apk: installed keeps the blocks of packages with a kept file, their F:/R: lines cut to kept paths
// (apk refuses unknown fields in it, so a partial package is not marked there: the manifest says it).
#include <fmt/format.h>

#include "packages/control.hpp"
#include "packages/readers.hpp"
#include "raison/error.hpp"
#include "util/text.hpp"

namespace raison::packages {

namespace {

constexpr std::size_t kLimit = 256u << 20;

bool kept_path(const ListedPath& l, const std::set<FileId>& kept) { return !l.canonical.empty() && kept.count(l.id); }

std::string read_existing(const Root& root, const std::string& path) {
  const Resolved r = root.resolve(path);
  if (!r.exists || r.stat.type != FileType::Regular) return {};
  return read_file(root, r.path, kLimit);
}

}  // namespace

std::map<std::string, std::string> trim_dpkg(const Root& root, const PackageIndex& index, const std::set<FileId>& kept) {
  std::map<std::string, std::string> out;
  const Resolved status = root.resolve(std::string(kDpkgDir) + "/status");
  if (!status.exists || status.stat.type != FileType::Regular) return out;

  // The deb packages with a kept file, by "name arch".
  std::map<std::string, std::size_t> kept_pkgs;
  std::set<std::string> kept_names;
  for (const std::size_t i : kept_packages(index, kept)) {
    const Package& p = index.packages()[i];
    if (p.ecosystem != "deb" || p.database != status.path) continue;
    kept_pkgs[p.name + " " + p.arch] = i;
    kept_names.insert(p.name);
  }

  std::string text;
  for (const auto& para : split_paragraphs(read_file(root, status.path, kLimit))) {
    const auto it = kept_pkgs.find(para.field("Package").value_or("") + " " + para.field("Architecture").value_or(""));
    if (it == kept_pkgs.end()) continue;
    const std::size_t pkg = it->second;
    const Package& p = index.packages()[pkg];
    if (!text.empty()) text += "\n";
    text += para.text;
    std::size_t files = 0, kept_files = 0;
    std::string list;
    std::set<std::string> kept_listed;
    for (const auto& l : index.listed(pkg)) {
      if (l.type != FileType::Directory) ++files;
      if (!kept_path(l, kept)) continue;
      if (l.type != FileType::Directory) ++kept_files;
      list += l.listed + "\n";
      kept_listed.insert(l.listed);
    }
    if (kept_files < files) text += fmt::format("Raison-Trimmed: {} of {} files kept\n", kept_files, files);
    if (const auto path = dpkg_info_file(root, p, "list"); !path.empty()) out[path] = list;
    if (const auto path = dpkg_info_file(root, p, "md5sums"); !path.empty()) {
      std::string sums;
      for (const auto& line : split_lines(read_file(root, path, kLimit))) {
        // "MD5  path/without/leading/slash"
        const auto sep = line.find("  ");
        if (sep != std::string::npos && kept_listed.count("/" + line.substr(sep + 2))) sums += line + "\n";
      }
      out[path] = sums;
    }
  }
  out[status.path] = text;

  // Diversions of the packages that are still there, and local ones.
  if (const Resolved d = root.resolve(std::string(kDpkgDir) + "/diversions"); d.exists && d.stat.type == FileType::Regular) {
    const auto lines = split_lines(read_file(root, d.path, kLimit));
    std::string div;
    for (std::size_t i = 0; i + 2 < lines.size(); i += 3)
      if (lines[i + 2] == ":" || kept_names.count(lines[i + 2])) div += lines[i] + "\n" + lines[i + 1] + "\n" + lines[i + 2] + "\n";
    out[d.path] = div;
  }
  // What dpkg reads to know the database's layout and the native architecture, as it is.
  for (const char* name : {"/info/format", "/arch"}) {
    const Resolved r = root.resolve(std::string(kDpkgDir) + name);
    if (r.exists && r.stat.type == FileType::Regular) out[r.path] = read_file(root, r.path, 1u << 20);
  }
  return out;
}

std::map<std::string, std::string> trim_apk(const Root& root, const PackageIndex& index, const std::set<FileId>& kept) {
  std::map<std::string, std::string> out;
  const Resolved db = root.resolve(kApkInstalled);
  if (!db.exists || db.stat.type != FileType::Regular) return out;
  // The apk packages with a kept file, in database order (the blocks' order), and their kept paths.
  std::vector<std::size_t> pkgs;
  for (std::size_t i = 0; i < index.packages().size(); ++i)
    if (index.packages()[i].ecosystem == "apk" && index.packages()[i].database == db.path) pkgs.push_back(i);
  const auto blocks = split_paragraphs(read_existing(root, db.path));
  if (blocks.size() != pkgs.size()) throw Error(db.path + ": changed while it was read");
  const std::set<std::size_t> keep_pkgs = kept_packages(index, kept);
  std::string text;
  for (std::size_t b = 0; b < blocks.size(); ++b) {
    const std::size_t pkg = pkgs[b];
    if (!keep_pkgs.count(pkg)) continue;
    std::set<std::string> keep;
    for (const auto& l : index.listed(pkg))
      if (kept_path(l, kept)) keep.insert(l.listed);
    std::string dir;
    bool on = true;  // whether the lines following the last F:/R: belong to a kept path
    std::string block;
    for (const auto& line : split_lines(blocks[b].text)) {
      const char k = line.empty() ? 0 : line[0];
      if (k == 'F') {
        dir = "/" + line.substr(2);
        on = keep.count(dir) > 0;
      } else if (k == 'R') {
        on = keep.count(join_path(dir, line.substr(2))) > 0;
      } else if (k != 'a' && k != 'M' && k != 'Z') {
        on = true;  // a field of the package itself
      }
      if (on) block += line + "\n";
    }
    text += block + "\n";
  }
  out[db.path] = text;
  return out;
}

}  // namespace raison::packages
