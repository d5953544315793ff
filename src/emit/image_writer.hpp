// Image output: the closure as one reproducible tar layer (plain, gzip or zstd), and that layer wrapped
// as an OCI image layout or a docker-archive. Same root and analysis in, same bytes out: entries sorted,
// numeric owners, one fixed mtime (SOURCE_DATE_EPOCH, else 0), no host metadata in tar or gzip headers.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "emit/output_spec.hpp"
#include "raison/analysis.hpp"
#include "raison/progress.hpp"
#include "raison/root.hpp"
#include "util/skopeo.hpp"

namespace raison {

// What a written stream hashes to. Digests are "sha256:<64 hex>".
struct StreamDigests {
  std::string diff_id;                  // of the uncompressed tar
  std::uint64_t uncompressed_size = 0;  // its bytes
  std::string digest;                   // of the bytes written (== diff_id when uncompressed)
  std::uint64_t size = 0;               // bytes written
};

// The time stamped on every entry, config and history: SOURCE_DATE_EPOCH (decimal seconds) when set,
// else 0 (1970-01-01T00:00:00Z), so that two runs agree without the caller doing anything. Throws
// Error if SOURCE_DATE_EPOCH is set but is not a non-negative decimal integer.
std::int64_t reproducible_time();

// A reproducible POSIX tar (libarchive's restricted pax: ustar headers, a pax extended header only for
// what ustar cannot hold: long names, big ids, xattrs) streamed to `fd` through the compressor, hashing
// both sides as it goes; nothing is held in memory beyond one buffer.
class TarStream {
 public:
  // hash=false: the digests in finish() are left empty (an outer archive nobody addresses by digest).
  TarStream(int fd, Compression compression, std::int64_t mtime, bool hash = true);
  ~TarStream();
  TarStream(const TarStream&) = delete;
  TarStream& operator=(const TarStream&) = delete;

  // A regular file of `size` bytes read from `fd` (from its current offset). Throws Error if the file
  // holds fewer or more bytes than `size` by the time it is read.
  void add_file(const std::string& name, std::uint32_t mode, std::uint32_t uid, std::uint32_t gid,
                std::uint64_t size, int fd, const std::string* capability = nullptr);
  void add_bytes(const std::string& name, std::uint32_t mode, std::string_view data);
  void add_dir(const std::string& name, std::uint32_t mode, std::uint32_t uid, std::uint32_t gid);
  void add_symlink(const std::string& name, const std::string& target, std::uint32_t uid, std::uint32_t gid);
  void add_hardlink(const std::string& name, const std::string& target, std::uint32_t mode, std::uint32_t uid,
                    std::uint32_t gid);
  // Writes the end-of-archive blocks and flushes the compressor.
  StreamDigests finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes the closure of `analysis` as one layer to `fd`: every kept path but "/" itself, relative
// ("usr/bin/x", directories "usr/bin/"), in kept_paths() order, later names of a file as hardlinks
// to its first, security.capability as a SCHILY.xattr record.
// `progress` is told of each path written.
StreamDigests write_layer(const Root& root, const Analysis& analysis, Compression compression, int fd,
                          std::int64_t mtime, const ProgressObserver& progress = {});

// True for the specs write_image() takes: "oci:DIR[:TAG]", "docker-archive:FILE[:NAME[:TAG]]", and
// file names ending in .tar, .tar.gz, .tgz or .tar.zst (a bare layer). Anything else is a directory
// (output_kind() in emit/output_spec.hpp).
bool is_image_spec(const std::string& spec);

// Writes the closure as `spec` says:
//   oci:DIR[:TAG]                 an OCI image layout (tag default "latest"), one gzip layer
//   docker-archive:FILE[:NAME[:TAG]]  what `docker save` / `skopeo copy docker-archive:` make, one
//                                 uncompressed layer; NAME without TAG gets ":latest", none: untagged
//   X.tar, X.tar.gz/.tgz, X.tar.zst  the bare layer
// The image config copies from `source_config` (the source image's config JSON, may be null)
// architecture, os, variant and config.{Entrypoint,Cmd,Env,WorkingDir,User,ExposedPorts,Labels,
// StopSignal}; `arch`/`os` fill architecture/os when it has none. rootfs is the new layer, history is
// one "raison shrink" entry, created is reproducible_time(). Everything is written under a temporary
// name beside the destination and renamed at the end; a failure removes it. An existing destination is
// an error unless `replace` (an existing OCI layout is replaced whole, not added to).
//   docker://REF, docker-daemon:REF, containers-storage:REF, oci-archive:PATH[:REF]
//                                 the OCI image written into a private temporary layout (under
//                                 `temp_dir`, empty: $TMPDIR, else /tmp), then `skopeo copy`d there with
//                                 `transport`; the layout is removed on every path. An existing
//                                 oci-archive file needs `replace`; a registry tag is simply pushed over.
// `progress` is told of each path written to the layer ("writing").
void write_image(const Root& root, const Analysis& analysis, const std::string& spec,
                 const nlohmann::json* source_config, const std::string& arch, const std::string& os, bool replace,
                 const TransportOptions& transport = {}, const std::string& temp_dir = {},
                 const ProgressObserver& progress = {});
// The same, for a spec already parsed (parse_output_spec).
void write_image(const Root& root, const Analysis& analysis, const OutputSpec& spec,
                 const nlohmann::json* source_config, const std::string& arch, const std::string& os, bool replace,
                 const TransportOptions& transport = {}, const std::string& temp_dir = {},
                 const ProgressObserver& progress = {});

// The config JSON of the image `root` was opened from: what write_image() copies as `source_config`;
// nullptr for a directory or an image without one.
const nlohmann::json* source_config(const Root& root);

// The architecture to name in an image config when the source names none, in Go's names as image
// configs spell them ("amd64", "arm64"): that of the first ELF seed, else this machine's.
std::string image_arch(const Analysis& analysis);

// The image config write_image() writes (exposed for tests).
nlohmann::json make_image_config(const nlohmann::json* source_config, const std::string& arch,
                                 const std::string& os, const std::string& diff_id, std::int64_t mtime);

}  // namespace raison
