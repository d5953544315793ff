// `diff`'s facts: a root's inventory (walk_root: every path but directories, a file's identity its
// (dev, ino)), and the comparison of two inventories into
// added, removed and changed paths with bytes by directory and package; the --fail-on-growth limit.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "raison/diff.hpp"
#include "raison/error.hpp"
#include "graph/root_walk.hpp"
#include "util/fd.hpp"
#include "util/sha256.hpp"

namespace raison {

namespace {

// Regular files' bytes over `paths` of `inv`, each file (identity) once.
struct Count {
  std::set<std::string> seen;
  std::uint64_t bytes = 0;
  // The bytes `e` adds (0 if its file was counted under another name).
  std::uint64_t add(const InventoryEntry& e) {
    if (e.type != FileType::Regular || !seen.insert(e.file).second) return 0;
    bytes += e.size;
    return e.size;
  }
};

void totals(const Inventory& inv, std::uint64_t& files, std::uint64_t& bytes) {
  Count c;
  for (const auto& [p, e] : inv.paths) c.add(e);
  files = c.seen.size();
  bytes = c.bytes;
}

bool same(const Inventory& a, const std::string& path, const InventoryEntry& x, const Inventory& b, const InventoryEntry& y) {
  if (x.type != y.type) return false;
  if (x.type == FileType::Symlink) return x.target == y.target;
  if (x.type != FileType::Regular) return true;
  if (x.size != y.size) return false;
  return a.content_hash(path) == b.content_hash(path);
}

std::vector<DiffBucket> sorted(std::map<std::string, DiffBucket>& m) {
  std::vector<DiffBucket> out;
  for (auto& [name, b] : m) out.push_back(b);
  std::sort(out.begin(), out.end(), [](const DiffBucket& x, const DiffBucket& y) {
    return std::llabs(x.net()) != std::llabs(y.net()) ? std::llabs(x.net()) > std::llabs(y.net()) : x.name < y.name;
  });
  return out;
}

}  // namespace

Inventory inventory_of_root(const Root& root, const std::string& name) {
  Inventory inv{.name = name};
  walk_root(root, [&](const std::string& p, const Stat& st) {
    InventoryEntry e{.type = st.type, .size = st.type == FileType::Regular ? st.size : 0, .file = fmt::format("{}:{}", st.id.dev, st.id.ino)};
    if (st.type == FileType::Symlink) e.target = root.readlink(p);
    inv.paths.emplace(p, std::move(e));
  });
  inv.content_hash = [&root](const std::string& path) {
    const Fd fd{root.open_read(path)};
    return sha256_fd(fd.get());
  };
  return inv;
}

std::string diff_directory(const std::string& path) {
  std::size_t end = 0;
  for (int level = 0; level < 3; ++level) {
    const std::size_t next = path.find('/', end + 1);
    if (next == std::string::npos) break;
    end = next;
  }
  return end == 0 ? "/" : path.substr(0, end);
}

Diff diff_inventories(const Inventory& a, const Inventory& b) {
  Diff d;
  totals(a, d.a_files, d.a_bytes);
  totals(b, d.b_files, d.b_bytes);
  Count removed, added;
  std::map<std::string, DiffBucket> dirs, packages;
  auto bucket = [](std::map<std::string, DiffBucket>& m, const std::string& name) -> DiffBucket& {
    auto& b = m[name];
    b.name = name;
    return b;
  };
  for (const auto& [path, x] : a.paths) {
    auto it = b.paths.find(path);
    if (it == b.paths.end()) {
      const std::uint64_t bytes = removed.add(x);
      d.removed.push_back({.path = path, .a_bytes = bytes, .package = x.package});
      bucket(dirs, diff_directory(path)).removed += bytes;
      if (!x.package.empty()) bucket(packages, x.package).removed += bytes;
    } else if (!same(a, path, x, b, it->second)) {
      const InventoryEntry& y = it->second;
      const std::uint64_t xa = x.type == FileType::Regular ? x.size : 0, yb = y.type == FileType::Regular ? y.size : 0;
      d.changed.push_back({.path = path, .a_bytes = xa, .b_bytes = yb, .reasons = y.reasons, .package = y.package});
      const std::int64_t delta = std::int64_t(yb) - std::int64_t(xa);
      d.changed_bytes += delta;
      bucket(dirs, diff_directory(path)).changed += delta;
      if (!y.package.empty()) bucket(packages, y.package).changed += delta;
    }
  }
  for (const auto& [path, y] : b.paths) {
    if (a.paths.count(path)) continue;
    const std::uint64_t bytes = added.add(y);
    d.added.push_back({.path = path, .b_bytes = bytes, .reasons = y.reasons, .package = y.package});
    bucket(dirs, diff_directory(path)).added += bytes;
    if (!y.package.empty()) bucket(packages, y.package).added += bytes;
  }
  d.added_bytes = added.bytes;
  d.removed_bytes = removed.bytes;
  auto by_size = [](const DiffChange& x, const DiffChange& y) {
    const auto sx = std::max(x.a_bytes, x.b_bytes), sy = std::max(y.a_bytes, y.b_bytes);
    return sx != sy ? sx > sy : x.path < y.path;
  };
  std::sort(d.added.begin(), d.added.end(), by_size);
  std::sort(d.removed.begin(), d.removed.end(), by_size);
  std::sort(d.changed.begin(), d.changed.end(), by_size);
  d.by_directory = sorted(dirs);
  d.by_package = sorted(packages);
  return d;
}

std::optional<GrowthLimit> parse_growth_limit(const std::string& text) {
  if (text.empty()) return std::nullopt;
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (value < 0 || !std::isfinite(value)) return std::nullopt;
  const std::string unit = text.substr(used);
  if (unit == "%") return GrowthLimit{.percent = value};
  static const std::map<std::string, double> units{{"", 1},          {"B", 1},         {"K", 1024.0},     {"KiB", 1024.0},
                                                   {"M", 1048576.0}, {"MiB", 1048576.0}, {"G", 1073741824.0}, {"GiB", 1073741824.0}};
  auto u = units.find(unit);
  if (u == units.end()) return std::nullopt;
  return GrowthLimit{.bytes = std::uint64_t(std::llround(value * u->second))};
}

bool grew_past(const Diff& d, const GrowthLimit& limit) {
  const std::int64_t growth = d.growth();
  if (growth <= 0) return false;
  if (limit.percent) return d.a_bytes == 0 || double(growth) * 100.0 > *limit.percent * double(d.a_bytes);
  return std::uint64_t(growth) > limit.bytes;
}

}  // namespace raison
