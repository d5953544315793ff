// What changed between two roots, images or manifests (`raison diff`): every path of each side as an
// inventory, then the added, removed and changed ones, with bytes by directory and by package. Bytes
// are regular files' sizes, each file counted once however many names (hardlinks) it has; directories
// are not compared (they come and go with what they hold).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "raison/reason.hpp"
#include "raison/root.hpp"

namespace raison {

struct InventoryEntry {
  FileType type = FileType::Other;
  std::uint64_t size = 0;  // regular files
  std::string file{};      // identity of the file: two names with the same `file` are hardlinks
  std::string sha256{};    // known for manifests' regular files; roots hash on demand
  std::string target{};    // symlinks
  std::string package{};   // owner, when the manifest records it
  std::vector<Reason> reasons{};  // a manifest's reasons for the path
};

struct Inventory {
  std::string name;                              // as given on the command line
  bool is_manifest = false;
  std::map<std::string, InventoryEntry> paths{}; // every path but directories
  // sha256 of the regular file at `path` (computed for roots, read for manifests).
  std::function<std::string(const std::string& path)> content_hash{};
};

// Every path of `root` but directories (the root outlives the inventory: hashes are read on demand).
Inventory inventory_of_root(const Root& root, const std::string& name);
// Every path a manifest lists (emit/inventory_read.cpp). Throws Error if a file entry is malformed.
Inventory inventory_of_manifest(const nlohmann::json& manifest, const std::string& name);

struct DiffChange {
  std::string path;
  std::uint64_t a_bytes = 0, b_bytes = 0;  // 0 on the side it is missing from
  std::vector<Reason> reasons{};           // added paths of a manifest: why B keeps them
  std::string package{};
};
struct DiffBucket {  // one directory or package
  std::string name;
  std::uint64_t added = 0, removed = 0;  // bytes of added and removed files
  std::int64_t changed = 0;              // growth of changed files (B - A)
  std::int64_t net() const { return std::int64_t(added) - std::int64_t(removed) + changed; }
};
struct Diff {
  std::uint64_t a_files = 0, a_bytes = 0, b_files = 0, b_bytes = 0;
  std::vector<DiffChange> added, removed, changed;  // largest first
  std::uint64_t added_bytes = 0, removed_bytes = 0;
  std::int64_t changed_bytes = 0;
  std::vector<DiffBucket> by_directory, by_package;  // largest |net| first; by_package empty if unknown
  std::int64_t growth() const { return std::int64_t(b_bytes) - std::int64_t(a_bytes); }
};
// The directory a path counts for: its first three levels ("/usr/lib/python3.11"), or its parent if shallower.
std::string diff_directory(const std::string& path);
Diff diff_inventories(const Inventory& a, const Inventory& b);

// --fail-on-growth: "1000", "5M", "2GiB" (bytes; K, M, G are powers of 1024) or "10%" (of A's bytes).
struct GrowthLimit {
  std::uint64_t bytes = 0;
  std::optional<double> percent{};
};
std::optional<GrowthLimit> parse_growth_limit(const std::string& text);
bool grew_past(const Diff& diff, const GrowthLimit& limit);

}  // namespace raison
