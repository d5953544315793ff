// dpkg's database, read as dpkg-query reads it: the installed packages of /var/lib/dpkg/status, each
// one's files from info/NAME.list, diversions (a path another package diverts is that package's file
// under the diverted name), and the links update-alternatives made (/usr/bin/awk -> /etc/alternatives/
// awk -> /usr/bin/mawk: both links belong to the package of the alternative chosen).
#include <set>

#include "packages/control.hpp"
#include "packages/readers.hpp"
#include "raison/error.hpp"
#include "util/text.hpp"

namespace raison::packages {

namespace {

constexpr std::size_t kLimit = 256u << 20;

std::string read_if_exists(const Root& root, const std::string& path) {
  const Resolved r = root.resolve(path);
  if (!r.exists || r.stat.type != FileType::Regular) return {};
  return read_file(root, r.path, kLimit);
}

// "install ok installed": the third word says whether the package's files are on disk. Packages
// removed but for their conffiles ("config-files") or never installed own nothing.
bool files_present(const std::string& status) {
  const auto last = status.rfind(' ');
  const std::string state = last == std::string::npos ? status : status.substr(last + 1);
  return state == "installed" || state == "half-installed" || state == "unpacked" || state == "half-configured" ||
         state == "triggers-awaited" || state == "triggers-pending";
}

struct Diversion {
  std::string to;
  std::string by;  // the package that diverts, ":" for a local diversion (dpkg-divert --local)
};

// /var/lib/dpkg/diversions: three lines per diversion: from, to, package.
std::map<std::string, Diversion> read_diversions(const Root& root) {
  std::map<std::string, Diversion> out;
  const auto lines = split_lines(read_if_exists(root, std::string(kDpkgDir) + "/diversions"));
  for (std::size_t i = 0; i + 2 < lines.size(); i += 3) out[lines[i]] = {lines[i + 1], lines[i + 2]};
  return out;
}

// /var/lib/dpkg/alternatives/NAME: the mode, the master link, then "name\nlink" pairs of slaves up to
// a blank line. Each link points at /etc/alternatives/NAME, a link to the chosen alternative.
void read_alternatives(const Root& root, PackageIndex& index) {
  const std::string dir = std::string(kDpkgDir) + "/alternatives";
  const Resolved d = root.resolve(dir);
  if (!d.exists || d.stat.type != FileType::Directory) return;
  for (const auto& name : root.list_dir(d.path)) {
    const auto lines = split_lines(read_if_exists(root, join_path(d.path, name)));
    if (lines.size() < 2) continue;
    std::vector<std::pair<std::string, std::string>> links{{name, lines[1]}};
    for (std::size_t i = 2; i + 1 < lines.size() && !lines[i].empty(); i += 2) links.emplace_back(lines[i], lines[i + 1]);
    for (const auto& [alt, link] : links) {
      const std::string etc = "/etc/alternatives/" + alt;
      Resolved chosen;
      try {
        chosen = root.resolve(etc, true);
      } catch (const Error&) {
        continue;
      }
      if (!chosen.exists) continue;
      const auto owners = index.owners(chosen.stat.id);  // a copy: add_owner below may grow the map
      for (const auto& o : owners) {
        if (!o.via.empty()) continue;
        for (const auto& path : {etc, link}) {
          const ListedPath l = locate_listed(root, path, path);
          if (!l.canonical.empty() && l.type == FileType::Symlink) index.add_owner(l.id, {o.package, "alternative " + alt});
        }
      }
    }
  }
}

}  // namespace

std::string dpkg_info_file(const Root& root, const Package& p, const std::string& suffix) {
  for (const auto& base : {p.name + ":" + p.arch, p.name}) {
    const Resolved r = root.resolve(std::string(kDpkgDir) + "/info/" + base + "." + suffix);
    if (r.exists && r.stat.type == FileType::Regular) return r.path;
  }
  return {};
}

void read_dpkg(const Root& root, const std::string& distro, PackageIndex& index) {
  const std::string status_path = std::string(kDpkgDir) + "/status";
  const Resolved status = root.resolve(status_path);
  if (!status.exists) return;
  const auto diversions = read_diversions(root);
  std::vector<std::pair<std::size_t, std::vector<std::string>>> lists;
  for (const auto& para : split_paragraphs(read_file(root, status.path, kLimit))) {
    const auto name = para.field("Package");
    if (!name) throw Error(status.path + ": line " + std::to_string(para.line) + ": a paragraph without a Package field");
    if (!files_present(para.field("Status").value_or(""))) continue;
    Package p{.ecosystem = "deb", .name = *name, .version = para.field("Version").value_or(""),
              .arch = para.field("Architecture").value_or(""), .database = status.path, .distro = distro};
    const std::string list = dpkg_info_file(root, p, "list");
    const std::size_t pkg = index.add_package(std::move(p));
    // No list: dpkg-query says "files list file ... missing; assuming no files".
    if (!list.empty()) lists.emplace_back(pkg, split_lines(read_file(root, list, kLimit)));
  }
  // The directories packages ship: every path that holds a path of any list. On a /usr-merged root
  // "/lib" is a link, but packages shipped a directory there, and nobody owns a shared directory.
  std::set<std::string> dirs;
  for (const auto& [pkg, lines] : lists)
    for (const auto& line : lines)
      for (std::string p = parent_path(line); p != "/" && dirs.insert(p).second;) p = parent_path(p);
  for (const auto& [pkg, lines] : lists) {
    const std::string& name = index.packages()[pkg].name;
    for (const auto& line : lines) {
      if (line.empty()) continue;
      const std::string path = line == "/." ? "/" : line;
      // A path diverted away from this package: its file is under the diverted name.
      const auto div = diversions.find(path);
      const bool diverted = div != diversions.end() && div->second.by != name;
      ListedPath l = locate_listed(root, line, diverted ? div->second.to : path);
      if (dirs.count(path)) l.type = FileType::Directory;
      index.add_path(pkg, std::move(l), diverted ? "diversion" : "");
    }
  }
  read_alternatives(root, index);
}

}  // namespace raison::packages
