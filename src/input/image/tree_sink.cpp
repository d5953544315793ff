// TreeSink (see tree_sink.hpp).
#include "input/image/tree_sink.hpp"

#include <sys/statvfs.h>

#include "raison/error.hpp"
#include "util/printable.hpp"

namespace raison {

namespace {

constexpr std::size_t kMaxDiagnostics = 200;

}  // namespace

void TreeSink::measure_free_space(const std::string& dir) {
  struct statvfs fs;
  if (::statvfs(dir.c_str(), &fs) != 0) throw_errno(dir);
  free_ = static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
  dir_ = dir;
}

void TreeSink::begin_layer(std::uint32_t index) {
  layer_ = index;
  entry_ = 0;
  this_layer_.clear();
}

void TreeSink::apply(const LayerEntry& e, EntryData& data) {
  ++entry_;  // every entry counts: the second pass of lazy unpacking finds files by ordinal
  switch (e.kind) {
    case EntryKind::File:
      // Sizes are held against the disk before anything is written: the files of the image, sparse
      // ones counted whole (holes stay holes here, but an output may fill them), must fit in what was
      // free where the tree's bytes go.
      declared_ += e.size;
      if (declared_ > free_)
        throw Error("the image's files declare " + std::to_string(declared_) + " bytes, more than the " +
                    std::to_string(free_) + " bytes free in " + dir_.substr(0, dir_.rfind('/')));
      return add_file(e, data);
    case EntryKind::Directory: return add_directory(e);
    case EntryKind::Symlink: return add_symlink(e);
    case EntryKind::Hardlink: return add_hardlink(e);
    case EntryKind::Whiteout: return whiteout(e);
    case EntryKind::OpaqueWhiteout: return opaque(e);
    case EntryKind::Other:
      if (diagnostics_.size() < kMaxDiagnostics)
        diagnostics_.push_back("layer " + std::to_string(layer_ + 1) + ": " + printable(e.name) + ": " + e.note);
      else
        ++diagnostics_dropped_;
      return;
  }
}

EntryMeta TreeSink::declared(const EntryMeta& m) const {
  EntryMeta out = m;
  out.layer = layer_;
  return out;
}

std::vector<std::string> TreeSink::take_diagnostics() {
  if (diagnostics_dropped_)
    diagnostics_.push_back("and " + std::to_string(diagnostics_dropped_) + " more entries not extracted");
  diagnostics_dropped_ = 0;
  return std::move(diagnostics_);
}

}  // namespace raison
