// Package ownership: which package of the root's own databases each file belongs to, read as their
// tools read them — dpkg (/var/lib/dpkg/status, info/*.list, diversions, the links of
// /etc/alternatives), apk (/lib/apk/db/installed) and Python distributions (*.dist-info/RECORD,
// *.egg-info/installed-files.txt). Paths a database lists are resolved inside the root, so a file is
// owned by its identity (FileId): "/bin/ls" in coreutils.list owns the file at "/usr/bin/ls" when /bin
// is a link to usr/bin, as the graph's vertices are files. A file may have several owners (a Debian
// python3-* package and the dist-info it ships) or none.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "raison/analysis.hpp"
#include "raison/graph.hpp"
#include "raison/root.hpp"

namespace raison {

struct Package {
  std::string ecosystem;  // "deb", "apk" or "pypi" (the purl type)
  std::string name;
  std::string version;
  std::string arch;       // "amd64", "x86_64"; empty for pypi
  std::string database;   // the file that records it: "/var/lib/dpkg/status", ".../X.dist-info/RECORD"
  std::string distro;     // the purl namespace for deb/apk: the root's os-release ID ("debian", "alpine")

  // "pkg:deb/debian/bash@5.2.15-2%2Bb2?arch=amd64", "pkg:apk/alpine/musl@1.2.4-r2?arch=x86_64",
  // "pkg:pypi/flask@2.2.2" (purl-spec: version percent-encoded, pypi names lowercase with '-').
  std::string purl() const;
};

// One owner of a file: the package, and how the file came to be its.
struct Owner {
  std::size_t package;  // index into PackageIndex::packages()
  std::string via;      // "" (listed), "diversion" (listed under a diverted name), "alternative NAME"
};

// One path a package's database lists, as written there, with the file it is inside the root.
struct ListedPath {
  std::string listed;     // "/bin/ls", "/usr/lib/python3/dist-packages/x.py"
  std::string canonical;  // where the package's file is (diversions applied), canonical; "" if missing
  FileId id{};            // valid when !canonical.empty()
  FileType type = FileType::Other;  // Directory also for a path the package ships as a directory
                                    // that is a link on disk ("/lib" on a /usr-merged root)
};

class PackageIndex {
 public:
  const std::vector<Package>& packages() const { return packages_; }
  // Every path the package's database lists, in its order.
  const std::vector<ListedPath>& listed(std::size_t package) const { return listed_[package]; }
  // The owners of a file, in package order; empty when no database lists it.
  const std::vector<Owner>& owners(FileId id) const;
  // Directories are not attributed (they are shared: "/usr/bin" is listed by dozens of packages).
  bool empty() const { return packages_.empty(); }

  // Building (packages/*.cpp).
  std::size_t add_package(Package p);
  void add_path(std::size_t package, ListedPath path, std::string via = {});
  void add_owner(FileId id, Owner owner);

 private:
  std::vector<Package> packages_;
  std::vector<std::vector<ListedPath>> listed_;
  std::map<FileId, std::vector<Owner>> owners_;
};

// Reads every package database of `root` (dpkg, apk, Python distributions). A database that cannot be
// read or parsed throws Error naming its file ("ROOT/var/lib/dpkg/status: line 12: ...").
PackageIndex read_packages(const Root& root);

// What a closure keeps of each package: its kept regular files and symlinks (each file counted once,
// under every package that owns it) and their bytes; `package` is npos for the files no package owns.
// Sorted by bytes, then name.
struct PackageKept {
  static constexpr std::size_t npos = std::size_t(-1);
  std::size_t package = npos;
  std::uint64_t files = 0;
  std::uint64_t bytes = 0;
  std::uint64_t listed_files = 0;  // the files (not directories) the package lists
};
std::vector<PackageKept> kept_by_package(const PackageIndex& index, const Graph& graph);

// The identities of every file the closure keeps.
std::set<FileId> kept_ids(const Graph& graph);

// Adds the root's package databases, trimmed to the kept files (packages/trim.cpp), to the closure of
// `analysis` as files whose content raison makes (Analysis::generated), with reason kind "package".
// Called when the closure is written as a root or an image. Returns how many packages are kept.
std::size_t add_package_database(const Root& root, const PackageIndex& index, Analysis& analysis);

}  // namespace raison
