// Blobs: the stored bytes of an image (a layer, a config, a manifest) as a format finds them, a file
// of a layout or a member of an outer tar, with their size. Reading one as bounded JSON and checking a
// digest's spelling are shared by every format.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <string>

#include "util/fd.hpp"

namespace raison {

// A stream of stored bytes (compressed or not), read from its start; read() returns 0 at the end.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual std::size_t read(void* buf, std::size_t n) = 0;
  // The number of bytes the stream holds, as its container declares it (the base of the ratio cap).
  virtual std::uint64_t size() const = 0;
};

// A regular file, read from its start.
class FdSource final : public ByteSource {
 public:
  // Opens `path` (relative to `dirfd`, or absolute) without blocking on a fifo; throws Error unless
  // it is a regular file. A user's file may be a symlink; a file of an image (`in_image`: a blob of a
  // layout) may not: it is looked at without following (a device node or fifo is refused before it is
  // opened), opened with O_NOFOLLOW, and must still be the same regular file once open.
  FdSource(int dirfd, const std::string& path, bool in_image = false);
  std::size_t read(void* buf, std::size_t n) override;
  std::uint64_t size() const override { return size_; }

 private:
  Fd fd_;
  std::uint64_t size_ = 0;
};

// Reads a JSON document of at most `cap` bytes from `src`; with `sha256_hex_out`, its digest too.
// Throws Error if it is larger or invalid.
nlohmann::json read_json(ByteSource& src, std::size_t cap, std::string* sha256_hex_out);

// Throws Error unless `s` is "sha256:" + 64 lowercase hex digits; returns the hex. `what` names whose
// digest it is.
std::string digest_hex(const std::string& s, const std::string& what);

}  // namespace raison
