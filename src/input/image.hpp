// Container images as roots (the public header of image/, see src/input/README.md): a rootfs tarball,
// a docker-archive or an OCI layout is unpacked, layers in order, whiteouts applied, into a staging
// directory raison creates and removes, and served as a directory root plus the image's config.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "raison/progress.hpp"
#include "raison/root.hpp"
#include "util/skopeo.hpp"

namespace raison {

struct ImageOpenOptions {
  // Where the staging directory (raison-XXXXXX) is created; empty: $TMPDIR, else /tmp.
  std::string temp_dir;
  // "os/arch[/variant]" picked from an image index; empty: this machine's (linux/amd64 on x86-64).
  std::string platform;
  // Caps against decompression bombs and disk filling. A layer may not decompress to more than
  // max_ratio times its compressed size once past ratio_floor bytes; all layers together may not
  // unpack to more than max_unpacked_bytes (sizes of sparse files count whole).
  double max_ratio = 200;
  std::uint64_t ratio_floor = 32ull << 20;
  std::uint64_t max_unpacked_bytes = 64ull << 30;
  // Tar entries over all layers: each costs one metadata record in memory (about 200 bytes and its
  // path) for the life of the root.
  std::uint64_t max_entries = 1'000'000;
  // Bytes of xattr names and values over all entries of the image (each entry is capped too: 64
  // xattrs of at most 64 KiB, 256 KiB in all). Hardlinks share their target's, so count nothing.
  std::uint64_t max_xattr_bytes = 64ull << 20;
  // Layers of one image (docker's overlay driver stops at 128); for docker-archive also a bound on
  // layers times members of the outer tar, each layer being found by one pass over its headers.
  std::uint64_t max_layers = 1000;
  std::uint64_t max_layer_member_steps = 1'000'000;
  // Leave the staging directory in place when the root is destroyed (for debugging).
  bool keep_staging = false;
  // Lazy unpacking (image/memory_tree.hpp, image/deferred.hpp): the tree is held in memory and nothing
  // is written to the staging directory but one unnamed spill file; the bytes of the files analyzers
  // read go there, the others' are read again from their layer when asked for (Root::prefetch for
  // many). Only for a root that raison reads through the Root interface: nothing may run in the
  // staging directory (trace) or read it directly.
  bool lazy = false;
  // skopeo's options for a transport spec (docker://, ...): credentials, auth file, TLS.
  TransportOptions transport{};
  // Told of the layers read ("reading layers": layer n of N, stored bytes so far) once per chunk.
  ProgressObserver progress{};
};

// One layer as the manifest names it.
struct LayerInfo {
  std::string digest;      // "sha256:..." of the blob as stored (compressed); == diff_id if plain
  std::string diff_id;     // "sha256:..." of the uncompressed tar
  std::string media_type;  // from the manifest; empty for docker-archive and plain tarballs
  std::uint64_t size = 0;  // blob bytes
};

// What the image says about one extracted path. The staging directory holds the bytes; this holds
// the metadata as the image declared it, which the disk may not (a non-root user cannot chown or
// set security.capability, and directories stay owner-writable while later layers are applied).
struct EntryMeta {
  std::uint32_t layer = 0;  // index into layers(); for directories the last layer that declared it
  std::uint32_t mode = 0;   // full st_mode
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::int64_t mtime = 0;
  // Shared, never copied: every hardlink to a file (and every copy of its record) points at the one
  // list its entry declared, so N hardlinks to a file with large xattrs cost N pointers. Null: none.
  using Xattrs = std::vector<std::pair<std::string, std::string>>;
  std::shared_ptr<const Xattrs> xattrs;
};

class ImageRoot;
class DeferredFiles;

// Opens `spec` as a root:
//   DIR                      a directory (open_directory_root)
//   FILE                     a tar (plain, gzip, zstd, xz, bzip2) holding a rootfs: one layer; or a
//                            `docker save` tar, recognised by its manifest.json
//   docker-archive:FILE[:NAME:TAG | :@INDEX]
//   oci:DIR[:TAG]            an OCI image layout; an index is resolved by options.platform
//   docker://REF, docker-daemon:REF, containers-storage:REF, oci-archive:PATH[:REF]
//                            fetched by skopeo into a private temporary OCI layout (options.transport),
//                            read as oci:, the layout removed once unpacked (lazy: when the root goes)
// Throws Error naming the spec, the layer or blob, the entry and the cause.
std::unique_ptr<Root> open_root(const std::string& spec, const ImageOpenOptions& options);

// The image behind an open_root() result, or nullptr for a directory.
const ImageRoot* as_image(const Root& root);

class ImageRoot final : public Root {
 public:
  // Internal: built by open_root(), which fills it with set_image(); Staging::release_to() hands it
  // the staging directory, which it removes on destruction.
  explicit ImageRoot(std::string spec);
  ~ImageRoot() override;
  ImageRoot(const ImageRoot&) = delete;
  ImageRoot& operator=(const ImageRoot&) = delete;

  std::string describe() const override { return "image " + spec_; }
  std::string source() const override { return spec_; }
  std::optional<Stat> lstat(const std::string& canonical) const override;
  std::string readlink(const std::string& canonical) const override { return dir_->readlink(canonical); }
  int open_read(const std::string& canonical) const override;
  std::vector<std::string> list_dir(const std::string& canonical) const override;
  std::optional<std::string> known_head(const std::string& canonical) const override;
  void prefetch(const std::vector<std::string>& canonical) const override;
  std::optional<std::string> xattr(const std::string& canonical, const char* name) const override;
  // nullptr for a plain rootfs tarball, which has no config.
  const ImageConfig* image_config() const override { return config_json_.is_null() ? nullptr : &config_; }

  // The diff_id of the layer `canonical` came from, or nullptr if no layer declared it (only "/").
  const std::string* layer_of(const std::string& canonical) const;
  const EntryMeta* meta_of(const std::string& canonical) const;
  const std::vector<LayerInfo>& layers() const { return layers_; }
  // The image config and manifest exactly as read (null for a plain rootfs tarball, which has none).
  const nlohmann::json& config_json() const { return config_json_; }
  const nlohmann::json& manifest_json() const { return manifest_json_; }
  // Entries skipped on purpose (device nodes, fifos, aufs metadata), one line each.
  const std::vector<std::string>& diagnostics() const { return diagnostics_; }
  // The staging directory. With ImageOpenOptions::lazy it holds no tree (only the unnamed spill file).
  const std::string& staging_dir() const { return staging_; }
  // Lazy unpacking: regular files the first pass left in their layers; passes made over a layer to
  // read some again, and the files those passes spilled.
  std::size_t deferred_files() const;
  std::uint64_t deferred_passes() const;
  std::uint64_t deferred_fetched() const;

  // Internal, for open_root(). Throws Error if the config's Env/Entrypoint/Cmd/WorkingDir/User have the
  // wrong types.
  void set_image(nlohmann::json manifest, nlohmann::json config, std::vector<LayerInfo> layers);
  // Internal, for open_root() after MemoryStaging::release_to(): the image's regular files.
  void set_deferred(std::unique_ptr<DeferredFiles> deferred);

 private:
  friend class Staging;
  friend class MemoryStaging;
  std::string spec_;
  std::string staging_;
  bool keep_staging_ = false;
  std::unique_ptr<Root> dir_;
  std::unique_ptr<DeferredFiles> deferred_;  // lazy: null when every file is on disk
  ImageConfig config_;
  nlohmann::json config_json_;
  nlohmann::json manifest_json_;
  std::vector<LayerInfo> layers_;
  std::map<std::string, EntryMeta> meta_;
  std::vector<std::string> diagnostics_;
};

}  // namespace raison
