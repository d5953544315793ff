// The owner index (see raison/packages.hpp): packages in the order their databases list them, and for
// each file (not directory) the packages whose lists name it; read_packages() runs every reader.
#include <fmt/format.h>

#include "packages/readers.hpp"
#include "raison/error.hpp"
#include "util/text.hpp"

namespace raison {

namespace {

// purl-spec: a version is percent-encoded except for unreserved characters.
std::string percent_encode(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~')
      out += char(c);
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

// PEP 503: lowercase, runs of "-", "_", "." become "-" (purl-spec's pypi rule).
std::string pypi_name(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      if (!out.empty() && out.back() != '-') out += '-';
      continue;
    }
    out += char(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return out;
}

// ID= of the root's os-release ("debian", "ubuntu", "alpine"): the purl namespace of its packages.
std::string os_id(const Root& root, const std::string& fallback) {
  for (const char* path : {"/etc/os-release", "/usr/lib/os-release"}) {
    try {
      const Resolved r = root.resolve(path);
      if (!r.exists || r.stat.type != FileType::Regular) continue;
      for (const auto& line : split_lines(read_file(root, r.path, 1u << 16)))
        if (line.rfind("ID=", 0) == 0) {
          std::string id(trim(std::string_view(line).substr(3)));
          if (id.size() >= 2 && (id.front() == '"' || id.front() == '\'')) id = id.substr(1, id.size() - 2);
          if (!id.empty()) return id;
        }
    } catch (const Error&) {
    }
  }
  return fallback;
}

const std::vector<Owner> kNone;

}  // namespace

std::string Package::purl() const {
  if (ecosystem == "pypi") return "pkg:pypi/" + pypi_name(name) + (version.empty() ? "" : "@" + percent_encode(version));
  std::string out = "pkg:" + ecosystem + "/" + percent_encode(distro) + "/" + percent_encode(name);
  if (!version.empty()) out += "@" + percent_encode(version);
  if (!arch.empty()) out += "?arch=" + percent_encode(arch);
  return out;
}

std::size_t PackageIndex::add_package(Package p) {
  packages_.push_back(std::move(p));
  listed_.emplace_back();
  return packages_.size() - 1;
}

void PackageIndex::add_path(std::size_t package, ListedPath path, std::string via) {
  if (!path.canonical.empty() && path.type != FileType::Directory) add_owner(path.id, {package, std::move(via)});
  listed_[package].push_back(std::move(path));
}

void PackageIndex::add_owner(FileId id, Owner owner) {
  auto& v = owners_[id];
  for (const auto& o : v)
    if (o.package == owner.package) return;  // listed twice (a path and its alias through a link)
  v.push_back(std::move(owner));
}

const std::vector<Owner>& PackageIndex::owners(FileId id) const {
  const auto it = owners_.find(id);
  return it == owners_.end() ? kNone : it->second;
}

PackageIndex read_packages(const Root& root) {
  PackageIndex index;
  packages::read_dpkg(root, os_id(root, "debian"), index);
  packages::read_apk(root, os_id(root, "alpine"), index);
  packages::read_python(root, index);
  return index;
}

namespace packages {

std::set<std::size_t> kept_packages(const PackageIndex& index, const std::set<FileId>& kept) {
  std::set<std::size_t> out;
  for (const auto& id : kept)
    for (const auto& o : index.owners(id)) out.insert(o.package);
  return out;
}

}  // namespace packages

namespace packages {

ListedPath locate_listed(const Root& root, const std::string& listed, const std::string& where) {
  ListedPath l{.listed = listed, .canonical = {}, .id = {}, .type = FileType::Other};
  try {
    const Resolved r = root.resolve(where, false);
    if (!r.exists) return l;
    l.canonical = r.path;
    l.id = r.stat.id;
    l.type = r.stat.type;
  } catch (const Error&) {
    // a loop of links: no file is at that path
  }
  return l;
}

}  // namespace packages

}  // namespace raison
