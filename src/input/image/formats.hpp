// What an image format reader yields: the image's manifest and config as read, and its layers in the
// order they apply, each with what the image promises of its bytes. Readers only read metadata;
// layer_stream.cpp applies the layers, so that every format checks digests the same way.
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "input/image.hpp"
#include "input/image/blob.hpp"

namespace raison {

// One layer to apply.
struct LayerSource {
  std::string label;       // where its errors happened: "layer 2 (sha256:...)", "layer 1 (HEX/layer.tar)"
  std::string media_type;  // from the manifest; empty for docker-archive and plain tarballs
  // What the stored bytes must hash to; empty when nothing promises a digest (a docker-archive member
  // named by a v1 id, a plain tarball). `stored_as` is what messages call those bytes ("blob",
  // "member") and `promised_by` who promised the digest ("the manifest"; empty: said by the name).
  std::string digest;
  std::string stored_as;
  std::string promised_by;
  // What the uncompressed tar must hash to (the config's diff_id, spelling already checked); empty for
  // a plain tarball, which has no config.
  std::string diff_id;
  // Opens the stored bytes; called once, when the layer is applied. Its errors carry their own context.
  std::function<std::unique_ptr<ByteSource>()> open;
};

// An image as its format describes it.
struct ImageLayers {
  nlohmann::json manifest;  // null for a plain rootfs tarball
  nlohmann::json config;    // null for a plain rootfs tarball
  std::vector<LayerSource> layers;
};

// The readers. `ref` is what followed the path in the spec (tag, name:tag, @index), possibly empty.
// Each throws Error naming the document, blob or member and the cause.
ImageLayers read_oci_layout(const std::string& dir, const std::string& ref, const ImageOpenOptions& options);
ImageLayers read_docker_archive(const std::string& file, const std::string& ref, const ImageOpenOptions& options);
// A tar (plain or compressed) holding a rootfs: one layer, no manifest, no config.
ImageLayers read_rootfs_tarball(const std::string& file);
// True when `file` is a tar whose entries are those of a `docker save` and which has manifest.json.
bool looks_like_docker_archive(const std::string& file);

}  // namespace raison
