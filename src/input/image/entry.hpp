// One tar entry of a layer, decoded and validated into a typed LayerEntry before anything touches the
// filesystem: its kind, its name as components (no "..", within NAME_MAX and PATH_MAX), its metadata
// (owners in range, xattrs within their caps), its link target and size. And the data of a file entry.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "input/image.hpp"

struct archive;
struct archive_entry;

namespace raison {

enum class EntryKind {
  File,            // a regular file, with data
  Directory,       // a directory; with an empty path, the root's own metadata ("./")
  Symlink,         // `target` as stored, never resolved at extraction
  Hardlink,        // another name for `link_path`, a file an earlier entry created
  Whiteout,        // ".wh.NAME": NAME (`hidden`) from lower layers is deleted
  OpaqueWhiteout,  // ".wh..wh..opq": what lower layers put in the directory is hidden
  Other,           // device, fifo, socket, aufs metadata: noted (`note`), not extracted
};

struct LayerEntry {
  EntryKind kind = EntryKind::Other;
  std::string name;               // as the tar spells it; through printable() in messages
  std::vector<std::string> path;  // the name's components: no "", ".", ".."; empty for the root
  EntryMeta meta;                 // File, Directory, Symlink, Hardlink; `layer` is the sink's to set
  std::uint64_t size = 0;         // File: the declared size (a sparse file counts whole)
  bool sparse = false;            // File: holes in it (its data streams fewer bytes than its size)
  std::string target;             // Symlink: the target; Hardlink: the tar's spelling of the target
  std::vector<std::string> link_path;  // Hardlink: the target's components, validated like a name
  std::string hidden;             // Whiteout: the one name of the directory it deletes
  std::string note;               // Other: what it is and why it is not extracted
};

// A name as components. Leading "/" and "./" are dropped, as docker and containerd do (layers are
// always relative to the root); "." and empty components are dropped. Any ".." is refused, even one
// that would stay inside: no tool writes them, and cleaning "a/../b" lexically disagrees with the
// kernel when "a" is a symlink. Throws Error past PATH_MAX or NAME_MAX.
std::vector<std::string> entry_components(std::string_view name);

// Decodes the entry libarchive just read. Throws Error naming the cause (the caller names the entry).
LayerEntry decode_entry(archive_entry* e);

// The data of the file entry libarchive is positioned at: blocks at offsets, holes between them in
// a sparse file. Every block is checked to lie within the declared size.
class EntryData {
 public:
  struct Block {
    const void* data;
    std::size_t size;
    std::uint64_t offset;
  };
  EntryData(archive* tar, std::uint64_t declared_size) : tar_(tar), size_(declared_size) {}
  // The next block, or nullopt after the last. Throws Error on a read error or on data past the size.
  std::optional<Block> next();

 private:
  archive* tar_;
  std::uint64_t size_;
};

}  // namespace raison
