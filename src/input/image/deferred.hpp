// Lazy unpacking: no regular file is created in the staging directory while the layers stream. Each is
// recorded where its bytes are (layer, entry ordinal), and the root serves its metadata from that
// record. The bytes of the files analyzers read (read_by_analyzers) go at once into one spill file;
// those of any other file only when something reads them, in one more pass over the layers that hold
// them (the output's copy of the kept files, before it is written). Creating every file of an image
// costs more than anything else in unpacking it (the filesystem's inode allocation, not the bytes:
// 0.4-0.9 ms a file on an ext4 where appending to one file costs microseconds); most of an image's
// files are data that no analyzer opens, and none of them needs an inode of its own to be read.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "input/image.hpp"
#include "input/image/entry.hpp"
#include "input/image/formats.hpp"
#include "util/fd.hpp"

namespace raison {

// Whether the analyzers may read the bytes of a file at `canonical` whose data begins with `head`:
// ELF files, scripts (#!), Python sources and path files, package metadata, /etc. Their bytes are
// spilled at once; any other file's stay in its layer. A file that is read anyway is still served (one
// more pass over its layer): this decides speed, never what is read.
bool read_by_analyzers(std::string_view canonical, std::string_view head);

// The bytes of the image's regular files that were read: one unnamed file (O_TMPFILE) in the staging
// directory, each file's data from a 4 KiB boundary, its holes left holes (a sparse file costs no disk).
class Spill {
 public:
  explicit Spill(const std::string& dir);
  // Appends the data of a file entry of `size` bytes (`first`: a block already taken from `data`);
  // returns where it begins. Not thread-safe: DeferredFiles calls it under its lock.
  std::uint64_t append(EntryData& data, const std::optional<EntryData::Block>& first, std::uint64_t size);
  // A new descriptor of a file holding [offset, offset + size) of the spill, with the same holes: a
  // sealed memfd, or past 16 MiB an unnamed file beside the spill (RAM stays flat whatever the image
  // holds). Thread-safe. `name` is for messages.
  int open_copy(std::uint64_t offset, std::uint64_t size, const std::string& name) const;

 private:
  std::string dir_;
  Fd fd_;
  std::uint64_t end_ = 0;
};

// A regular file of the image, recorded rather than created.
struct DeferredFile {
  std::uint32_t layer = 0;
  std::uint64_t entry = 0;  // the ordinal of its tar entry in that layer, from 0
  std::string name;         // the entry's name as the tar spells it, checked again on the second pass
  std::uint64_t size = 0;
  std::string head;         // its first bytes (kDeferredHead at most), as the first pass saw them
  std::uint32_t names = 0;  // paths that name it (hardlinks)
  std::uint64_t spill = kNotSpilled;  // where its bytes are in the spill, once they are
  static constexpr std::uint64_t kNotSpilled = ~std::uint64_t{0};
};
inline constexpr std::size_t kDeferredHead = 16;

// What Staging recorded: the files, and the paths that name them (sorted: removals go by prefix).
struct DeferredTable {
  std::vector<DeferredFile> files;
  std::map<std::string, std::uint32_t> paths;
  std::shared_ptr<Spill> spill;

  // Drops the path `canonical` if it names a deferred file; true if it did.
  bool drop(const std::string& canonical);
  // Drops every path below the directory `canonical`.
  void drop_below(const std::string& canonical);
};

// The regular files of a lazily unpacked ImageRoot, and the second pass that spills their bytes.
class DeferredFiles {
 public:
  DeferredFiles(DeferredTable table, std::vector<LayerSource> sources, const ImageOpenOptions& options,
                std::shared_ptr<const void> keep_alive);
  // Binds what the first pass measured of each layer (checked again by the second).
  void bind(std::vector<LayerInfo> measured);

  // The deferred file at `canonical`, and its index, or nullptr.
  const DeferredFile* find(const std::string& canonical, std::uint32_t* index = nullptr) const;
  // Names of the deferred files directly in the directory `canonical`.
  std::vector<std::string> children(const std::string& canonical) const;
  // Spills the bytes of those of `canonical` that are deferred files not yet spilled, with one pass over
  // each layer that holds any. Thread-safe. Throws Error if a layer no longer yields what it did in the
  // first pass.
  void fetch(const std::vector<std::string>& canonical) const;
  // A new descriptor of the deferred file at `canonical` (Spill::open_copy), fetched first if need be.
  int open(const std::string& canonical) const;
  std::size_t size() const { return table_.files.size(); }
  // Files whose bytes the first pass left in their layer (no analyzer was expected to read them).
  std::size_t in_layers() const { return in_layers_; }
  // Passes over a layer made so far, and files written by them.
  std::uint64_t passes() const;
  std::uint64_t fetched() const;

 private:
  DeferredTable table_;
  std::vector<LayerSource> sources_;
  ImageOpenOptions options_;
  std::shared_ptr<const void> keep_alive_;  // what the sources read from (a fetched layout)
  std::vector<LayerInfo> measured_;
  mutable std::mutex mutex_;  // the second pass, the spill and where each file is in it
  std::size_t in_layers_ = 0;
  mutable std::vector<std::uint64_t> spilled_;  // DeferredFile::spill, as the second pass fills it
  mutable std::uint64_t passes_ = 0, fetched_ = 0;
};

}  // namespace raison
