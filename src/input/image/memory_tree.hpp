// Lazy unpacking's tree: the sink that applies layers without creating anything on disk but one spill
// file (deferred.hpp), and the root that serves the result. Directories and symlinks are nodes in
// memory, regular files DeferredTable records, and the rules of applying a layer are Staging's
// (staging.cpp: whiteouts, opaque directories, a directory merging into a directory, hardlinks found
// before their name is claimed, the walker's link resolution and caps), written over paths instead of
// descriptors. Creating a directory or a symlink costs as much as creating a file on a common disk
// (0.5-0.9 ms on this project's ext4), and an image has thousands.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "input/image.hpp"
#include "input/image/deferred.hpp"
#include "input/image/staging_tree.hpp"
#include "input/image/tree_sink.hpp"
#include "raison/root.hpp"

namespace raison {

// A directory or a symlink of the tree (regular files are in the DeferredTable).
struct MemoryNode {
  FileType type = FileType::Directory;
  std::string target;    // a symlink's
  std::uint32_t id = 0;  // its identity (a hardlinked symlink shares it)
};
using MemoryNodes = std::map<std::string, MemoryNode>;  // canonical path -> node; "/" always there

class MemoryStaging final : public TreeSink {
 public:
  // The staging directory holds only the spill file; it is removed with the root.
  explicit MemoryStaging(const ImageOpenOptions& options);

  // Hands the directory, the tree and what was recorded to `root`; returns the regular files, for the
  // root's DeferredFiles.
  DeferredTable release_to(ImageRoot& root);

 private:
  void add_file(const LayerEntry& e, EntryData& data) override;
  void add_directory(const LayerEntry& e) override;
  void add_symlink(const LayerEntry& e) override;
  void add_hardlink(const LayerEntry& e) override;
  void whiteout(const LayerEntry& e) override;
  void opaque(const LayerEntry& e) override;

  // The directory `components` lead to, links resolved inside the tree; missing ones created when
  // `create`, else nullopt. Throws Error on a non-directory on the way, a loop, past the depth cap.
  std::optional<std::string> walk(std::span<const std::string> components, bool create);
  std::string slot_for(const LayerEntry& e);
  void claim(const std::string& canonical, bool directory);
  void forget(const std::string& canonical);
  void make_opaque(const std::string& canonical);
  bool is_dir(const std::string& canonical) const;

  StagingTree tree_;  // the directory the spill file is made in
  std::uint32_t next_id_ = 1;
  MemoryNodes nodes_;
  DeferredTable files_;
};

// The tree as a root: lstat, readlink and list_dir of its directories and symlinks. Regular files
// are the ImageRoot's DeferredFiles' to serve.
std::unique_ptr<Root> make_memory_root(MemoryNodes nodes);

}  // namespace raison
