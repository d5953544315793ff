// Staging: the LayerSink that writes every entry of every layer into the staging directory, one
// function per entry kind, and records what the image declared of each path (EntryMeta), which is
// what the root reports whatever the disk allowed. Handed to an ImageRoot once the last layer is in.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "input/image.hpp"
#include "input/image/staging_tree.hpp"
#include "input/image/tree_sink.hpp"

namespace raison {

// Creates `name` in `dir` (never over anything) with a file entry's data (`first`: a block already
// taken from `data`), its size, and its declared owner, mode, xattrs and mtime as far as this process
// may set them.
void write_file_entry(int dir, const std::string& name, EntryData& data, const std::optional<EntryData::Block>& first,
                      std::uint64_t size, const EntryMeta& m, bool privileged);
// Owner, mode and xattrs as far as this process may set them on an open file or directory.
void set_declared_attrs(int fd, const EntryMeta& m, bool dir, bool privileged);

class Staging final : public TreeSink {
 public:
  // Eager unpacking: every entry on disk (lazy unpacking is MemoryStaging's, memory_tree.hpp).
  explicit Staging(const ImageOpenOptions& options);

  void end_layer() override;
  // Applies final directory times; call once after the last layer.
  void finish();
  // Hands the directory and what was recorded to `root`, which removes the directory when it goes.
  void release_to(ImageRoot& root);

  const std::string& path() const { return tree_.path(); }

 private:
  void add_file(const LayerEntry& e, EntryData& data) override;
  void add_directory(const LayerEntry& e) override;
  void add_symlink(const LayerEntry& e) override;
  void add_hardlink(const LayerEntry& e) override;
  void whiteout(const LayerEntry& e) override;
  void opaque(const LayerEntry& e) override;

  // Where an entry goes: its parent directory (walked, missing directories created) and its path.
  struct Slot {
    int dir;                  // the parent's descriptor, owned by the parent cache
    const std::string& base;  // the entry's last component, its name in `dir`
    std::string canonical;    // the entry's path in the tree
  };
  Slot slot_for(const LayerEntry& e);
  void claim(const Slot& slot, bool directory);
  std::optional<StagingTree::Dir> walk(std::span<const std::string> components, bool create);
  std::pair<int, std::string> parent_of(const std::vector<std::string>& path);
  void forget(int dirfd, const std::string& name, const std::string& canonical);
  void make_opaque(int dirfd, const std::string& canonical);

  StagingTree tree_;  // first member: removed last, after every descriptor into it is closed
  bool privileged_;

  // The last parent directory walked, by the entry's own spelling of it; dropped on any removal that
  // could hold it, and at the end of each layer.
  std::string cached_key_;
  Fd cached_fd_;
  std::string cached_canonical_;
};

}  // namespace raison
