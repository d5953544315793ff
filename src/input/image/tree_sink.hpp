// What the two sinks that build an image's tree share (Staging on disk, MemoryStaging in memory): an
// entry dispatched to one function per kind, the files' declared sizes held against the free disk,
// the declared metadata by path, the paths the current layer wrote, and the entries not extracted.
// The rules of each kind are the sinks' own.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_set>
#include <vector>

#include "input/image.hpp"
#include "input/image/layer_sink.hpp"

namespace raison {

class TreeSink : public LayerSink {
 public:
  void begin_layer(std::uint32_t index) override;
  void apply(const LayerEntry& entry, EntryData& data) final;
  void end_layer() override {}

 protected:
  explicit TreeSink(const ImageOpenOptions& options) : opt_(options) {}
  // Measures what is free for unprivileged users where the tree's bytes go (`dir`); call once, from
  // the sink's constructor.
  void measure_free_space(const std::string& dir);

  // One function per entry kind.
  virtual void add_file(const LayerEntry& e, EntryData& data) = 0;
  virtual void add_directory(const LayerEntry& e) = 0;
  virtual void add_symlink(const LayerEntry& e) = 0;
  virtual void add_hardlink(const LayerEntry& e) = 0;
  virtual void whiteout(const LayerEntry& e) = 0;
  virtual void opaque(const LayerEntry& e) = 0;

  // An entry's metadata as recorded: of the layer being applied.
  EntryMeta declared(const EntryMeta& m) const;
  // The entries not extracted, one line each, and a last line for those past the cap.
  std::vector<std::string> take_diagnostics();

  ImageOpenOptions opt_;
  std::uint32_t layer_ = 0;
  std::uint64_t entry_ = 0;  // ordinal of the entry being applied in its layer, from 1
  std::map<std::string, EntryMeta> meta_;       // canonical path -> what the image declared
  std::unordered_set<std::string> this_layer_;  // canonical paths written by the current layer

 private:
  std::string dir_;             // where the bytes go, named when they do not fit
  std::uint64_t declared_ = 0;  // sizes files declared so far, sparse ones whole
  std::uint64_t free_ = 0;
  std::vector<std::string> diagnostics_;
  std::size_t diagnostics_dropped_ = 0;
};

}  // namespace raison
