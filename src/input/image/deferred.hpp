// Lazy unpacking: regular files that no analyzer reads are not written to the staging directory while
// the layers stream. Each is recorded where its bytes are (layer, entry ordinal), and the root serves
// its metadata from that record; its bytes are written only when something reads them, in one more
// pass over the layers that hold them (the output's copy of the kept files, before it is written).
// Creating every file of an image costs more than anything else in unpacking it (the filesystem's
// inode allocation, not the bytes): most of an image's files are data that no analyzer opens.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "input/image.hpp"
#include "input/image/formats.hpp"

namespace raison {

// Whether the analyzers may read the bytes of a file at `canonical` whose data begins with `head`:
// ELF files, scripts (#!), Python sources and path files, package metadata, /etc. Those are written
// at once; any other file is deferred. A deferred file that is read anyway is still served (one
// more pass over its layer): this decides speed, never what is read.
bool read_by_analyzers(std::string_view canonical, std::string_view head);

// A regular file left in its layer.
struct DeferredFile {
  std::uint32_t layer = 0;
  std::uint64_t entry = 0;  // the ordinal of its tar entry in that layer, from 0
  std::string name;         // the entry's name as the tar spells it, checked again on the second pass
  std::uint64_t size = 0;
  std::string head;         // its first bytes (kDeferredHead at most), as the first pass saw them
  std::uint32_t names = 0;  // paths that name it (hardlinks)
};
inline constexpr std::size_t kDeferredHead = 16;

// What Staging recorded: the files, and the paths that name them (sorted: removals go by prefix).
struct DeferredTable {
  std::vector<DeferredFile> files;
  std::map<std::string, std::uint32_t> paths;

  // Drops the path `canonical` if it names a deferred file; true if it did.
  bool drop(const std::string& canonical);
  // Drops every path below the directory `canonical`.
  void drop_below(const std::string& canonical);
};

// The deferred files of an ImageRoot, and the second pass that writes them into its staging tree.
class DeferredFiles {
 public:
  DeferredFiles(DeferredTable table, std::vector<LayerSource> sources, const ImageOpenOptions& options,
                std::shared_ptr<const void> keep_alive);
  // Binds the staging tree and what the first pass measured of each layer (checked again).
  void bind(const std::string& staging, std::vector<LayerInfo> measured, bool privileged);

  // The deferred file at `canonical`, and its index, or nullptr.
  const DeferredFile* find(const std::string& canonical, std::uint32_t* index = nullptr) const;
  // Names of the deferred files directly in the directory `canonical`.
  std::vector<std::string> children(const std::string& canonical) const;
  // Writes those of `canonical` that are deferred and not yet on disk into the staging tree, with one
  // pass over each layer that holds any; their metadata as declared (`meta`). Thread-safe. Throws
  // Error if a layer no longer yields what it did in the first pass.
  void fetch(const std::vector<std::string>& canonical, const std::map<std::string, EntryMeta>& meta) const;
  std::size_t size() const { return table_.files.size(); }
  // Passes over a layer made so far, and files written by them.
  std::uint64_t passes() const;
  std::uint64_t fetched() const;

 private:
  DeferredTable table_;
  std::vector<LayerSource> sources_;
  ImageOpenOptions options_;
  std::shared_ptr<const void> keep_alive_;  // what the sources read from (a fetched layout)
  std::string staging_;
  std::vector<LayerInfo> measured_;
  bool privileged_ = false;
  mutable std::mutex mutex_;  // the second pass and the on_disk flags
  mutable std::vector<bool> on_disk_;
  mutable std::uint64_t passes_ = 0, fetched_ = 0;
};

}  // namespace raison
