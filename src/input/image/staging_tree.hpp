// The staging directory as a tree that only raison writes: created private under the temp dir, walked
// by descriptors so that no symlink planted inside can send a lookup or a write outside it, and removed
// without following any link.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>

#include "util/fd.hpp"

namespace raison {

class StagingTree {
 public:
  // Creates `temp_dir`/raison-XXXXXX (mode 0700: nobody else reaches setuid files inside); an empty
  // `temp_dir` means $TMPDIR, else /tmp.
  explicit StagingTree(const std::string& temp_dir);
  // Removes the directory and everything in it, unless released.
  ~StagingTree();
  StagingTree(const StagingTree&) = delete;
  StagingTree& operator=(const StagingTree&) = delete;

  const std::string& path() const { return path_; }
  // From here on the directory is someone else's to remove (or to keep).
  void release() { owned_ = false; }

  struct Dir {
    Fd fd;
    std::string canonical;  // where the walk led, as a path inside the tree ("/" for its top)
  };
  using Created = std::function<void(const std::string& canonical)>;
  // Opens the directory the components lead to (names from an entry: no "", "." or ".."; ".." comes
  // only from link targets), every symlink on the way resolved inside the tree. A missing component
  // is created (mode 0755 plus owner rwx, as docker does) and passed to `created` when it is given,
  // else the walk answers nullopt. Throws Error on a non-directory, on a loop, past the depth cap.
  std::optional<Dir> walk(std::span<const std::string> components, const Created* created);

 private:
  std::string path_;
  Fd top_;  // O_DIRECTORY descriptor of path_; every walk starts here
  bool owned_ = true;
};

// Removes `name` in `dirfd` and, if it is a directory, everything below it; never follows a symlink.
void remove_tree(int dirfd, const std::string& name);
// Removes a staging directory by its path (the root's destructor, once the tree is released to it).
void remove_staging(const std::string& path);

}  // namespace raison
