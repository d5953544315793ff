// Blobs as files and as JSON (see blob.hpp). Every byte read here is untrusted: files are opened so
// that a fifo or device planted where a blob should be is refused, JSON is capped before it is parsed.
#include "input/image/blob.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "raison/error.hpp"
#include "util/sha256.hpp"

namespace raison {

namespace {

// Arrays and objects nested deeper than this are refused before parsing: the parser holds a level per
// nesting, and so do copying, comparing and printing a document; millions of "[" would overflow the
// stack. Real manifests and configs nest five or six deep.
constexpr std::size_t kMaxJsonDepth = 100;

// The deepest nesting of arrays and objects in `text` (brackets inside strings do not count).
void check_depth(std::string_view text) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth)
        throw Error("JSON nested more than " + std::to_string(kMaxJsonDepth) + " levels deep");
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
}

}  // namespace

FdSource::FdSource(int dirfd, const std::string& path, bool in_image) {
  struct stat before;
  if (in_image) {
    if (::fstatat(dirfd, path.c_str(), &before, AT_SYMLINK_NOFOLLOW) != 0) throw_errno(path);
    if (S_ISLNK(before.st_mode)) throw Error(path + ": a symlink, not a regular file (never followed out of the image)");
    if (!S_ISREG(before.st_mode)) throw Error(path + ": not a regular file");
  }
  // O_NONBLOCK: opening a fifo planted where a blob should be must not hang.
  fd_.reset(::openat(dirfd, path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (in_image ? O_NOFOLLOW : 0)));
  if (!fd_.valid()) throw_errno(path);
  struct stat st;
  if (::fstat(fd_.get(), &st) != 0 || !S_ISREG(st.st_mode)) throw Error(path + ": not a regular file");
  if (in_image && (st.st_dev != before.st_dev || st.st_ino != before.st_ino))
    throw Error(path + ": replaced while it was opened");
  ::fcntl(fd_.get(), F_SETFL, 0);
  size_ = static_cast<std::uint64_t>(st.st_size);
}

std::size_t FdSource::read(void* buf, std::size_t n) {
  for (;;) {
    ssize_t r = ::read(fd_.get(), buf, n);
    if (r >= 0) return static_cast<std::size_t>(r);
    if (errno != EINTR) throw_errno("reading");
  }
}

nlohmann::json read_json(ByteSource& src, std::size_t cap, std::string* sha256_hex_out) {
  std::string text;
  char buf[65536];
  while (std::size_t n = src.read(buf, sizeof buf)) {
    if (text.size() + n > cap) throw Error("JSON document larger than " + std::to_string(cap) + " bytes");
    text.append(buf, n);
  }
  if (sha256_hex_out) *sha256_hex_out = sha256_hex(text);
  check_depth(text);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw Error(std::string("invalid JSON: ") + e.what());
  }
}

std::string digest_hex(const std::string& s, const std::string& what) {
  if (!s.starts_with("sha256:"))
    throw Error(what + ": digest '" + s.substr(0, 80) + "' is not sha256 (the only algorithm raison reads)");
  std::string hex = s.substr(7);
  bool ok = hex.size() == 64;
  for (char c : hex) ok = ok && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  if (!ok) throw Error(what + ": malformed digest '" + s.substr(0, 80) + "'");
  return hex;
}

}  // namespace raison
