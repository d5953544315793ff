// Python distributions as importlib.metadata sees them: each *.dist-info directory of a site
// directory (site-packages, dist-packages) is a distribution named and versioned by its METADATA,
// owning the files its RECORD lists (paths relative to the site directory); an *.egg-info directory
// owns what its installed-files.txt lists (relative to itself), its own files in any case. Site
// directories are looked for where installers put them (site_dirs below).
#include <set>

#include "packages/control.hpp"
#include "packages/readers.hpp"
#include "raison/error.hpp"
#include "util/text.hpp"

namespace raison::packages {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string read_in(const Root& root, const std::string& path) {
  try {
    const Resolved r = root.resolve(path);
    if (r.exists && r.stat.type == FileType::Regular) return read_file(root, r.path, 64u << 20);
  } catch (const Error&) {
  }
  return {};
}

// A relative path of RECORD or installed-files.txt made absolute against `base` ("../../bin/x").
std::string under(const std::string& base, std::string_view rel) {
  std::string path = base;
  while (!rel.empty()) {
    const auto slash = rel.find('/');
    const std::string_view c = rel.substr(0, slash);
    rel = slash == std::string_view::npos ? std::string_view{} : rel.substr(slash + 1);
    if (c.empty() || c == ".") continue;
    path = c == ".." ? parent_path(path) : join_path(path, c);
  }
  return path;
}

// The first field of a RECORD line (CSV: a path with a comma is quoted, quotes doubled).
std::string record_path(const std::string& line) {
  if (line.empty() || line[0] != '"') return line.substr(0, line.find(','));
  std::string out;
  for (std::size_t i = 1; i < line.size(); ++i) {
    if (line[i] == '"') {
      if (i + 1 < line.size() && line[i + 1] == '"') {
        out += '"';
        ++i;
        continue;
      }
      break;
    }
    out += line[i];
  }
  return out;
}

void add_listed(const Root& root, PackageIndex& index, std::size_t pkg, const std::string& path) {
  index.add_path(pkg, locate_listed(root, path, path));
}

void read_distribution(const Root& root, PackageIndex& index, const std::string& site, const std::string& entry) {
  const std::string meta_dir = join_path(site, entry);
  const bool dist_info = ends_with(entry, ".dist-info");
  const std::string stem = entry.substr(0, entry.size() - (dist_info ? 10 : 9));
  Package p{.ecosystem = "pypi", .name = stem.substr(0, stem.find('-')), .version = {}, .arch = {}, .database = {}, .distro = {}};
  if (const auto dash = stem.find('-'); dash != std::string::npos) p.version = stem.substr(dash + 1, stem.find('-', dash + 1) - dash - 1);
  const Resolved m = root.resolve(meta_dir, false);
  if (m.stat.type == FileType::Directory) {
    // METADATA / PKG-INFO: an email header; Name: and Version: are the distribution's own spelling.
    const auto head = split_paragraphs(read_in(root, join_path(meta_dir, dist_info ? "METADATA" : "PKG-INFO")));
    if (!head.empty()) {
      if (auto n = head[0].field("Name")) p.name = *n;
      if (auto v = head[0].field("Version")) p.version = *v;
    }
  }
  p.database = dist_info ? join_path(meta_dir, "RECORD") : join_path(meta_dir, "installed-files.txt");
  const std::size_t pkg = index.add_package(std::move(p));
  if (m.stat.type != FileType::Directory) {
    add_listed(root, index, pkg, meta_dir);  // an .egg-info file: PKG-INFO by another name
    return;
  }
  std::vector<std::string> paths;
  if (dist_info) {
    for (const auto& line : split_lines(read_in(root, join_path(meta_dir, "RECORD"))))
      if (!line.empty()) paths.push_back(under(site, record_path(line)));
  } else {
    for (const auto& line : split_lines(read_in(root, join_path(meta_dir, "installed-files.txt"))))
      if (auto t = trim(line); !t.empty()) paths.push_back(under(meta_dir, t));
  }
  // The metadata directory's own files are the distribution's, listed or not (Debian's egg-info).
  try {
    for (const auto& name : root.list_dir(m.path)) paths.push_back(join_path(meta_dir, name));
  } catch (const Error&) {
  }
  std::set<std::string> seen;  // RECORD lists the metadata files too
  for (const auto& path : paths)
    if (seen.insert(path).second) add_listed(root, index, pkg, path);
}

// The directories entries of `dir` that are directories themselves (not links), "" on any error.
std::vector<std::string> subdirs(const Root& root, const std::string& dir) {
  std::vector<std::string> out;
  try {
    for (const auto& name : root.list_dir(dir)) {
      const std::string path = join_path(dir, name);
      if (const auto st = root.lstat(path); st && st->type == FileType::Directory) out.push_back(path);
    }
  } catch (const Error&) {
  }
  return out;
}

// Site directories where installers put them: PREFIX/lib{,64}/python3*/{site,dist}-packages for the
// prefixes /usr, /usr/local, / and a virtual environment or application prefix one or two levels
// below /opt, /app, /srv, /home, /root (/opt/venv, /app/.venv, /home/u/.local). Walking the whole
// root instead would cost seconds on a large one, for nothing importlib would find.
std::vector<std::string> site_dirs(const Root& root) {
  std::vector<std::string> prefixes{"/usr", "/usr/local", "/"};
  for (const char* top : {"/opt", "/app", "/srv", "/home", "/root"}) {
    prefixes.push_back(top);
    for (const auto& one : subdirs(root, top)) {
      prefixes.push_back(one);
      for (const auto& two : subdirs(root, one)) prefixes.push_back(two);
    }
  }
  std::vector<std::string> out;
  for (const auto& prefix : prefixes)
    for (const char* lib : {"lib", "lib64"})
      for (const auto& py : subdirs(root, join_path(prefix, lib)))
        if (base_name(py).rfind("python3", 0) == 0)
          for (const char* site : {"site-packages", "dist-packages"})
            if (const auto st = root.lstat(join_path(py, site)); st && st->type == FileType::Directory)
              out.push_back(join_path(py, site));
  return out;
}

}  // namespace

void read_python(const Root& root, PackageIndex& index) {
  for (const auto& site : site_dirs(root)) {
    std::vector<std::string> names;
    try {
      names = root.list_dir(site);
    } catch (const Error&) {
      continue;
    }
    for (const auto& name : names)
      if (ends_with(name, ".dist-info") || ends_with(name, ".egg-info")) read_distribution(root, index, site, name);
  }
}

}  // namespace raison::packages
