// Container images as roots: a rootfs tarball, a docker-archive or an OCI image layout is unpacked
// (layers merged in order, whiteouts applied) into a staging directory raison creates and removes, and
// served as a directory root plus the image's config. Everything read from an image is untrusted.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "raison/root.hpp"
#include "util/fd.hpp"

struct archive;

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
  // Tar entries over all layers.
  std::uint64_t max_entries = 4'000'000;
  // Leave the staging directory in place when the root is destroyed (for debugging).
  bool keep_staging = false;
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
  std::vector<std::pair<std::string, std::string>> xattrs;
};

class ImageRoot;

// Opens `spec` as a root:
//   DIR                      a directory (open_directory_root)
//   FILE                     a tar (plain, gzip, zstd, xz, bzip2) holding a rootfs: one layer; or a
//                            `docker save` tar, recognised by its manifest.json
//   docker-archive:FILE[:NAME:TAG | :@INDEX]
//   oci:DIR[:TAG]            an OCI image layout; an index is resolved by options.platform
// Throws Error naming the spec, the layer or blob, the entry and the cause.
std::unique_ptr<Root> open_root(const std::string& spec, const ImageOpenOptions& options);

// The image behind an open_root() result, or nullptr for a directory.
const ImageRoot* as_image(const Root& root);

class ImageRoot final : public Root {
 public:
  // Internal: built by open_root(); the readers fill it with set_image(), Staging::release_to() hands
  // it the staging directory, which it removes on destruction.
  explicit ImageRoot(std::string spec) : spec_(std::move(spec)) {}
  ~ImageRoot() override;
  ImageRoot(const ImageRoot&) = delete;
  ImageRoot& operator=(const ImageRoot&) = delete;

  std::string describe() const override { return "image " + spec_; }
  std::string source() const override { return spec_; }
  std::optional<Stat> lstat(const std::string& canonical) const override;
  std::string readlink(const std::string& canonical) const override { return dir_->readlink(canonical); }
  int open_read(const std::string& canonical) const override { return dir_->open_read(canonical); }
  std::vector<std::string> list_dir(const std::string& canonical) const override {
    return dir_->list_dir(canonical);
  }
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
  const std::string& staging_dir() const { return staging_; }

  // Internal, for the readers.
  void set_image(nlohmann::json manifest, nlohmann::json config, std::vector<LayerInfo> layers);

 private:
  friend class Staging;
  std::string spec_;
  std::string staging_;
  bool keep_staging_ = false;
  std::unique_ptr<Root> dir_;
  ImageConfig config_;
  nlohmann::json config_json_;
  nlohmann::json manifest_json_;
  std::vector<LayerInfo> layers_;
  std::map<std::string, EntryMeta> meta_;
  std::vector<std::string> diagnostics_;
};

// ---- Internal interface between image.cpp, layers.cpp and the format readers. ----

// A stream of bytes of a layer as stored (compressed or not); read() returns 0 at the end.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual std::size_t read(void* buf, std::size_t n) = 0;
};

// A regular file read from its start; owns the descriptor.
class FdSource final : public ByteSource {
 public:
  // Opens `path` (relative to `dirfd`, or absolute) without blocking on a fifo and throws Error unless
  // it is a regular file.
  FdSource(int dirfd, const std::string& path);
  std::size_t read(void* buf, std::size_t n) override;
  std::uint64_t size() const { return size_; }

 private:
  Fd fd_;
  std::uint64_t size_ = 0;
};

// What streaming one layer measured: both digests as "sha256:<hex>", both sizes.
struct LayerDigests {
  std::string digest;
  std::string diff_id;
  std::uint64_t size = 0;
  std::uint64_t unpacked = 0;
};

// The staging directory being filled, layer after layer. Every entry is created with *at() calls
// below an O_DIRECTORY descriptor of it; see layers.cpp for the containment rules.
class Staging {
 public:
  explicit Staging(const ImageOpenOptions& options);
  ~Staging();
  Staging(const Staging&) = delete;
  Staging& operator=(const Staging&) = delete;

  // Streams one layer tar (any compression libarchive knows) from `src` onto the merged tree.
  // `stored_size` is the blob's size, the base of the ratio cap. Throws Error("entry NAME: cause").
  LayerDigests apply_layer(ByteSource& src, std::uint64_t stored_size, std::uint32_t layer_index);
  // Applies final directory times; call once after the last layer.
  void finish();
  // Hands the directory and what was recorded to `root`; the Staging no longer removes it.
  void release_to(ImageRoot& root);

  const std::string& path() const { return path_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string path_;
};

// Removes a staging directory and everything in it, following no symlink.
void remove_staging(const std::string& path);

// Fills `root` from a docker-archive / OCI layout / plain tarball. `ref` is what followed the path in
// the spec (tag, name:tag, @index), possibly empty.
void read_docker_archive(const std::string& file, const std::string& ref, const ImageOpenOptions& options,
                         Staging& staging, ImageRoot& root);
void read_oci_layout(const std::string& dir, const std::string& ref, const ImageOpenOptions& options,
                     Staging& staging, ImageRoot& root);
// True when `file` is a tar whose entries are those of a `docker save` and which has manifest.json.
bool looks_like_docker_archive(const std::string& file);

// The config's Env/Entrypoint/Cmd/WorkingDir/User; throws Error on wrong types.
ImageConfig parse_image_config(const nlohmann::json& config);
// Reads a JSON document of at most `cap` bytes from `src`, hashing it; throws Error if larger or invalid.
nlohmann::json read_json(ByteSource& src, std::size_t cap, std::string* sha256_hex_out);
// libarchive's message for its last error, never null.
std::string archive_message(archive* a);
// Throws Error unless `s` is "sha256:" + 64 lowercase hex digits; returns the hex.
std::string digest_hex(const std::string& s, const std::string& what);

}  // namespace raison
