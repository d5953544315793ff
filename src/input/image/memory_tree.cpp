// MemoryStaging and the memory root (see memory_tree.hpp). Each rule below is Staging's (staging.cpp,
// staging_tree.cpp), in the same order and with the same messages, so that an image unpacks to the
// same tree either way (the unit tests compare both with umoci's unpacking; fuzz_layers compares them).
#include "input/image/memory_tree.hpp"

#include <sys/stat.h>

#include "input/path_walk.hpp"
#include "raison/error.hpp"
#include "util/printable.hpp"

namespace raison {

namespace {

constexpr std::size_t kMaxDepth = 256;  // as the staging walker's (one descriptor per level there)
// The identity of a node: a device number no filesystem has, next to the deferred files' (~0).
constexpr std::uint64_t kMemoryDevice = ~std::uint64_t{0} - 1;

std::string child_of(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

std::span<const std::string> parent_components(const std::vector<std::string>& path) {
  return std::span<const std::string>(path).first(path.size() - 1);
}

// The paths directly in `dir` among a map's keys, in order; the subtree below each child is skipped in
// one step (its keys are the range [child + "/", child + "0"): '0' follows '/').
template <class Map, class Fn>
void each_child(const Map& map, const std::string& dir, Fn fn) {
  const std::string prefix = dir == "/" ? "/" : dir + "/";
  for (auto it = map.lower_bound(prefix); it != map.end() && it->first.starts_with(prefix);) {
    const std::string path = it->first;  // fn may erase it
    const std::size_t slash = path.find('/', prefix.size());
    if (slash != std::string::npos) {
      it = map.lower_bound(path.substr(0, slash) + "0");
      continue;
    }
    if (path.size() > prefix.size()) fn(path);
    it = map.upper_bound(path);
  }
}

class MemoryRoot final : public Root {
 public:
  explicit MemoryRoot(MemoryNodes nodes) : nodes_(std::move(nodes)) {
    for (const auto& [path, n] : nodes_)
      if (n.type == FileType::Symlink) ++links_[n.id];  // a hardlinked symlink has several names
  }
  std::string describe() const override { return "image tree"; }

  std::optional<Stat> lstat(const std::string& canonical) const override {
    auto it = nodes_.find(canonical);
    if (it == nodes_.end()) return std::nullopt;
    const MemoryNode& n = it->second;
    Stat st;
    st.id = {kMemoryDevice, n.id};
    st.type = n.type;
    // What a staging directory on disk would show where the image declares nothing (its top was made
    // by mkdtemp); the image's declared metadata goes over it (ImageRoot).
    st.mode = n.type == FileType::Directory ? (S_IFDIR | (canonical == "/" ? 0700 : 0755)) : (S_IFLNK | 0777);
    st.size = n.type == FileType::Directory ? 4096 : n.target.size();
    st.nlink = n.type == FileType::Directory ? 2 : links_.at(n.id);
    return st;
  }
  std::string readlink(const std::string& canonical) const override {
    auto it = nodes_.find(canonical);
    if (it == nodes_.end() || it->second.type != FileType::Symlink) throw Error(canonical + ": not a symlink");
    return it->second.target;
  }
  int open_read(const std::string& canonical) const override {
    throw Error(canonical + ": not a regular file");
  }
  std::vector<std::string> list_dir(const std::string& canonical) const override {
    auto it = nodes_.find(canonical);
    if (it == nodes_.end() || it->second.type != FileType::Directory) throw Error(canonical + ": not a directory");
    std::vector<std::string> names;
    each_child(nodes_, canonical, [&](const std::string& path) { names.push_back(path.substr(path.rfind('/') + 1)); });
    return names;
  }
  std::optional<std::string> xattr(const std::string&, const char*) const override { return std::nullopt; }

 private:
  MemoryNodes nodes_;
  std::map<std::uint32_t, std::uint64_t> links_;  // symlink id -> names
};

}  // namespace

std::unique_ptr<Root> make_memory_root(MemoryNodes nodes) { return std::make_unique<MemoryRoot>(std::move(nodes)); }

MemoryStaging::MemoryStaging(const ImageOpenOptions& options) : TreeSink(options), tree_(options.temp_dir) {
  if (opt_.keep_staging) tree_.release();
  measure_free_space(tree_.path());
  files_.spill = std::make_shared<Spill>(tree_.path());
  nodes_["/"] = MemoryNode{.type = FileType::Directory, .target = {}, .id = 0};
}

// ---- The entry kinds ----

// One an analyzer may read has its bytes spilled now; any other stays in its layer, its first bytes
// recorded (they decide).
void MemoryStaging::add_file(const LayerEntry& e, EntryData& data) {
  const std::string canonical = slot_for(e);
  claim(canonical, false);
  std::optional<EntryData::Block> first = data.next();
  std::string_view head;
  if (first && first->offset == 0)
    head = {static_cast<const char*>(first->data), std::min<std::size_t>(first->size, kDeferredHead)};
  DeferredFile f{.layer = layer_, .entry = entry_ - 1, .name = e.name, .size = e.size, .head = std::string(head), .names = 1};
  if (read_by_analyzers(canonical, head)) {
    f.spill = files_.spill->append(data, first, e.size);
  } else {
    // Its data is still read through (no copy: libarchive's own blocks), so that every block is
    // checked against the declared size and a cap passed inside it names this entry.
    while (data.next()) {
    }
  }
  files_.files.push_back(std::move(f));
  files_.paths[canonical] = static_cast<std::uint32_t>(files_.files.size() - 1);
  meta_[canonical] = declared(e.meta);
}

// A directory over a directory merges (the lower layer's content stays); over anything else it
// replaces. "./" only declares the root's metadata.
void MemoryStaging::add_directory(const LayerEntry& e) {
  if (e.path.empty()) {
    meta_["/"] = declared(e.meta);
    return;
  }
  const std::string canonical = slot_for(e);
  claim(canonical, true);
  if (!is_dir(canonical)) nodes_[canonical] = MemoryNode{.type = FileType::Directory, .target = {}, .id = next_id_++};
  meta_[canonical] = declared(e.meta);
}

void MemoryStaging::add_symlink(const LayerEntry& e) {
  const std::string canonical = slot_for(e);
  claim(canonical, false);
  nodes_[canonical] = MemoryNode{.type = FileType::Symlink, .target = e.target, .id = next_id_++};
  meta_[canonical] = declared(e.meta);
}

// Another name for what an earlier entry created, found before anything at the entry's own name goes.
void MemoryStaging::add_hardlink(const LayerEntry& e) {
  const std::string canonical = slot_for(e);
  const std::string& target_base = e.link_path.back();
  std::optional<std::string> target_dir = walk(parent_components(e.link_path), false);
  const std::string target = target_dir ? child_of(*target_dir, target_base) : "";
  if (target_dir) {
    // A regular file: the new name is one more path to the same record.
    if (auto it = files_.paths.find(target); it != files_.paths.end()) {
      if (target == canonical) throw Error("hardlink to itself");
      const std::uint32_t file = it->second;
      EntryMeta m = meta_[target];
      claim(canonical, false);
      files_.paths[canonical] = file;
      ++files_.files[file].names;
      m.layer = layer_;
      meta_[canonical] = std::move(m);
      return;
    }
  }
  if (!target_dir || !nodes_.count(target))
    throw Error("hardlink to " + printable(e.target) + ", which no earlier entry created");
  if (is_dir(target)) throw Error("hardlink to directory " + printable(e.target));
  if (target == canonical) throw Error("hardlink to itself");
  claim(canonical, false);
  auto node = nodes_.find(target);
  if (node == nodes_.end()) throw Error("hardlink to " + printable(e.target) + ", which no longer exists");
  nodes_[canonical] = node->second;  // the same symlink: its identity shared
  auto it = meta_.find(target);
  EntryMeta m = it != meta_.end() ? it->second : e.meta;
  m.layer = layer_;
  meta_[canonical] = std::move(m);
}

// ".wh.NAME": NAME from lower layers is deleted. If this layer wrote NAME itself, that stays (the
// whiteout applies to lower layers only), but a directory of that name loses its lower content.
void MemoryStaging::whiteout(const LayerEntry& e) {
  std::optional<std::string> dir = walk(parent_components(e.path), false);
  if (!dir) return;
  const std::string path = child_of(*dir, e.hidden);
  if (this_layer_.count(path)) {
    if (is_dir(path)) make_opaque(path);
  } else {
    forget(path);
  }
}

// ".wh..wh..opq": the directory keeps only what this layer put in it.
void MemoryStaging::opaque(const LayerEntry& e) {
  if (std::optional<std::string> dir = walk(parent_components(e.path), false)) make_opaque(*dir);
}

// ---- Bookkeeping ----

// The staging walker's rules (StagingTree::walk) over the nodes: a link's target walked in its place
// (PathWalk), a regular file or a non-directory on the way an error, missing directories created
// 0755 by root as docker makes them, and written by this layer.
std::optional<std::string> MemoryStaging::walk(std::span<const std::string> components, bool create) {
  PathWalk walk(components);
  std::string canonical;  // "" for the top
  std::size_t depth = 0;
  while (std::optional<std::string> c = walk.next()) {
    if (*c == "..") {  // only from a symlink's target; never above the top (PathWalk)
      canonical.resize(canonical.rfind('/'));
      --depth;
      continue;
    }
    std::string here = canonical + "/" + *c;
    auto it = nodes_.find(here);
    if (it == nodes_.end()) {
      if (files_.paths.count(here)) throw Error(here + " is not a directory");
      if (!create) return std::nullopt;
      it = nodes_.emplace(here, MemoryNode{.type = FileType::Directory, .target = {}, .id = next_id_++}).first;
      meta_[here] = EntryMeta{layer_, S_IFDIR | 0755, 0, 0, 0, {}};
      this_layer_.insert(here);
    }
    if (it->second.type == FileType::Symlink) {
      try {
        if (walk.follow(it->second.target)) {  // absolute: from the tree's top
          canonical.clear();
          depth = 0;
        }
      } catch (const Error& e) {
        throw e.context(here);
      }
      continue;
    }
    if (it->second.type != FileType::Directory) throw Error(here + " is not a directory");
    if (depth + 1 >= kMaxDepth) throw Error(here + ": directories nested deeper than " + std::to_string(kMaxDepth));
    ++depth;
    canonical = std::move(here);
  }
  return canonical.empty() ? "/" : canonical;
}

std::string MemoryStaging::slot_for(const LayerEntry& e) {
  std::optional<std::string> parent = walk(parent_components(e.path), true);
  return child_of(*parent, e.path.back());
}

// Makes room for an entry at `canonical`: what is there goes, whole, unless a directory merges into a
// directory. From here on the path counts as written by this layer.
void MemoryStaging::claim(const std::string& canonical, bool directory) {
  if (files_.drop(canonical)) {
    meta_.erase(canonical);
  } else if (nodes_.count(canonical)) {
    if (!(directory && is_dir(canonical))) forget(canonical);
  }
  this_layer_.insert(canonical);
}

// Removes `canonical`, everything below it, and what is recorded of them.
void MemoryStaging::forget(const std::string& canonical) {
  const std::string prefix = canonical + "/";
  nodes_.erase(canonical);
  for (auto it = nodes_.lower_bound(prefix); it != nodes_.end() && it->first.starts_with(prefix);) it = nodes_.erase(it);
  files_.drop(canonical);
  files_.drop_below(canonical);
  meta_.erase(canonical);
  for (auto it = meta_.lower_bound(prefix); it != meta_.end() && it->first.starts_with(prefix);) it = meta_.erase(it);
}

// Hides what lower layers put in the directory: every child not written by this layer goes, and
// directories this layer wrote are emptied the same way.
void MemoryStaging::make_opaque(const std::string& canonical) {
  each_child(files_.paths, canonical, [&](const std::string& path) {
    if (this_layer_.count(path)) return;
    meta_.erase(path);
    files_.drop(path);
  });
  each_child(nodes_, canonical, [&](const std::string& path) {
    if (!this_layer_.count(path))
      forget(path);
    else if (is_dir(path))
      make_opaque(path);
  });
}

bool MemoryStaging::is_dir(const std::string& canonical) const {
  auto it = nodes_.find(canonical);
  return it != nodes_.end() && it->second.type == FileType::Directory;
}

DeferredTable MemoryStaging::release_to(ImageRoot& root) {
  root.dir_ = make_memory_root(std::move(nodes_));
  tree_.release();
  root.staging_ = tree_.path();
  root.keep_staging_ = opt_.keep_staging;
  root.meta_ = std::move(meta_);
  root.diagnostics_ = take_diagnostics();
  return std::move(files_);
}

}  // namespace raison
