// The readers of each package database, one file each (dpkg.cpp, apk.cpp, python.cpp), filling one
// PackageIndex; and the trimmed databases written into outputs (trim.cpp uses their layouts).
#pragma once

#include <map>
#include <set>
#include <string>

#include "raison/packages.hpp"

namespace raison::packages {

// dpkg's administrative directory and apk's database, where Debian and Alpine put them.
inline constexpr const char* kDpkgDir = "/var/lib/dpkg";
inline constexpr const char* kApkInstalled = "/lib/apk/db/installed";

void read_dpkg(const Root& root, const std::string& distro, PackageIndex& index);
void read_apk(const Root& root, const std::string& distro, PackageIndex& index);
void read_python(const Root& root, PackageIndex& index);

// A path a database lists (`listed`), found in the root at `where` (the same path, or where a diversion
// put it) without following its last link: its canonical path, identity and type; canonical empty when
// it is not there (missing, or a loop of links, which no file can be at).
ListedPath locate_listed(const Root& root, const std::string& listed, const std::string& where);

// dpkg's info file of a package: "NAME:ARCH.SUFFIX" for a Multi-Arch: same package when it exists,
// else "NAME.SUFFIX" (as dpkg names them), as a canonical path; empty if neither exists.
std::string dpkg_info_file(const Root& root, const Package& p, const std::string& suffix);

// The files of the trimmed databases (canonical path in the root -> new content): only the packages
// with a kept file (not a directory), each one's file list cut to the kept paths. `kept` holds the
// identities of every kept file.
std::map<std::string, std::string> trim_dpkg(const Root& root, const PackageIndex& index, const std::set<FileId>& kept);
std::map<std::string, std::string> trim_apk(const Root& root, const PackageIndex& index, const std::set<FileId>& kept);

// The packages that own a kept file (directories do not count): those an output's database keeps.
std::set<std::size_t> kept_packages(const PackageIndex& index, const std::set<FileId>& kept);

}  // namespace raison::packages
