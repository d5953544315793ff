// One layer from stored bytes to entries: decompressor, tar reader, the two digests measured on the
// way (stored bytes and uncompressed tar) and the caps of ImageOpenOptions (ratio, total size, entry
// count) enforced as it streams. Then every layer of an image, in order, checked against its promises.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "input/image.hpp"
#include "input/image/blob.hpp"
#include "input/image/formats.hpp"
#include "input/image/layer_sink.hpp"

namespace raison {

// What streaming one layer measured: both digests as "sha256:<hex>", both sizes.
struct LayerDigests {
  std::string digest;
  std::string diff_id;
  std::uint64_t size = 0;
  std::uint64_t unpacked = 0;
};

// Totals over the layers of one image, held against the caps.
struct LayerBudget {
  std::uint64_t entries = 0;   // tar entries
  std::uint64_t unpacked = 0;  // uncompressed stream bytes
  std::uint64_t declared = 0;  // declared file sizes (sparse files count whole)
  std::uint64_t stored = 0;    // stored (compressed) bytes of the layers so far: the base of the ratio
  std::uint64_t xattr_bytes = 0;  // xattr names and values declared by entries (hardlinks share theirs)
  std::uint64_t layers = 0;    // layers of the image, for ImageOpenOptions::progress
};

// Streams one layer tar (any compression libarchive knows) from `src` into `sink` as layer `index`.
// Throws Error("entry NAME: cause") for an entry, Error(cause) for the stream.
LayerDigests stream_layer(ByteSource& src, std::uint32_t index, const ImageOpenOptions& options,
                          LayerBudget& budget, LayerSink& sink);

// Applies `layers` in order into `sink`, each opened, streamed and checked against the digest and
// diff_id it promises; returns what the root reports of each. Errors name the layer.
std::vector<LayerInfo> apply_layers(const std::vector<LayerSource>& layers, const ImageOpenOptions& options,
                                    LayerSink& sink);

}  // namespace raison
