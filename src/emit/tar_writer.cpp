// The reproducible tar stream and the layer written with it. Two libarchive writers in a chain: the
// tar writer's output is hashed (diff_id) and fed to a "raw" writer whose only job is the compression
// filter; its output is hashed (digest) and written to the fd. Uncompressed, the tar goes straight out.
#include <sys/stat.h>
#include <unistd.h>

#include <locale.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <vector>

#include "emit/image_writer.hpp"
#include "input/image/libarchive.hpp"
#include "raison/emit.hpp"
#include "raison/error.hpp"
#include "util/fd.hpp"
#include "util/sha256.hpp"

namespace raison {

std::int64_t reproducible_time() {
  const char* s = std::getenv("SOURCE_DATE_EPOCH");
  if (s == nullptr || *s == '\0') return 0;
  // The reproducible-builds spec asks to fail on a malformed value rather than fall back silently.
  std::int64_t v = 0;
  for (const char* p = s; *p; ++p) {
    if (*p < '0' || *p > '9' || v > (INT64_MAX - 9) / 10)
      throw Error(std::string("SOURCE_DATE_EPOCH=") + s + ": not a non-negative decimal number of seconds");
    v = v * 10 + (*p - '0');
  }
  return v;
}

namespace {

std::string error_text(archive* a) {
  const char* m = la().archive_error_string(a);
  return m ? m : "libarchive failed";
}

// libarchive converts names from the calling thread's LC_CTYPE to the UTF-8 of pax records; under
// "C" a UTF-8 name would become a hdrcharset=BINARY record, under a UTF-8 locale a plain one. Writing
// under C.UTF-8 (built into glibc since 2.35) makes the bytes independent of the caller's locale:
// UTF-8 names are stored as UTF-8, other bytes as BINARY.
class Utf8Ctype {
 public:
  Utf8Ctype() {
    static const locale_t utf8 = ::newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t(nullptr));
    if (utf8) old_ = ::uselocale(utf8);
  }
  ~Utf8Ctype() {
    if (old_) ::uselocale(old_);
  }
  Utf8Ctype(const Utf8Ctype&) = delete;
  Utf8Ctype& operator=(const Utf8Ctype&) = delete;

 private:
  locale_t old_ = nullptr;
};

}  // namespace

struct TarStream::Impl {
  int fd;
  std::int64_t mtime;
  bool hash;
  archive* tar = nullptr;
  archive* zip = nullptr;  // null when uncompressed
  Sha256 tar_sha, out_sha;
  std::uint64_t tar_bytes = 0, out_bytes = 0;
  std::string error;     // the first failure met inside a callback, which can only return -1
  bool discard = false;  // set when abandoning: archive_write_free() flushes, and that must go nowhere
  std::vector<char> buf = std::vector<char>(1 << 18);

  Impl(int fd_, std::int64_t mtime_, bool hash_) : fd(fd_), mtime(mtime_), hash(hash_) {}
  ~Impl() {
    discard = true;
    if (tar) la().archive_write_free(tar);
    if (zip) la().archive_write_free(zip);
  }

  ssize_t out(const void* data, size_t n) {
    if (discard) return ssize_t(n);
    if (zip && hash) out_sha.update({static_cast<const char*>(data), n});
    for (size_t done = 0; done < n;) {
      ssize_t w = ::write(fd, static_cast<const char*>(data) + done, n - done);
      if (w < 0) {
        if (errno == EINTR) continue;
        if (error.empty()) error = std::string("writing: ") + std::strerror(errno);
        return -1;
      }
      done += size_t(w);
    }
    out_bytes += n;
    return ssize_t(n);
  }

  static la_ssize_t on_tar(archive*, void* self, const void* data, size_t n) {
    auto* s = static_cast<Impl*>(self);
    if (s->discard) return la_ssize_t(n);
    if (s->hash) s->tar_sha.update({static_cast<const char*>(data), n});
    s->tar_bytes += n;
    if (!s->zip) return s->out(data, n);
    for (size_t done = 0; done < n;) {
      la_ssize_t w = la().archive_write_data(s->zip, static_cast<const char*>(data) + done, n - done);
      if (w <= 0) {
        if (s->error.empty()) s->error = std::string("compressing: ") + error_text(s->zip);
        return -1;
      }
      done += size_t(w);
    }
    return la_ssize_t(n);
  }
  static la_ssize_t on_zip(archive*, void* self, const void* data, size_t n) {
    return static_cast<Impl*>(self)->out(data, n);
  }

  void check(archive* a, int r, const std::string& what) {
    // ARCHIVE_WARN is a name the pax writer could not translate to UTF-8 and stored as bytes: kept.
    if (r >= ARCHIVE_WARN) return;
    throw Error(what + ": " + (!error.empty() ? error : error_text(a)));
  }

  archive_entry* entry(const std::string& name, unsigned type, std::uint32_t mode, std::uint32_t uid,
                       std::uint32_t gid) {
    archive_entry* e = la().archive_entry_new();
    if (!e) throw Error("out of memory");
    la().archive_entry_set_pathname(e, name.c_str());
    la().archive_entry_set_filetype(e, type);
    la().archive_entry_set_perm(e, mode & 07777);
    // Numeric owners only: with no uname/gname set, none is written.
    la().archive_entry_set_uid(e, uid);
    la().archive_entry_set_gid(e, gid);
    la().archive_entry_set_mtime(e, mtime, 0);
    return e;
  }

  void header(archive_entry* e, const std::string& name) {
    Utf8Ctype ctype;
    int r = la().archive_write_header(tar, e);
    la().archive_entry_free(e);
    check(tar, r, name);
  }
};

// A throw here destroys impl_, whose destructor frees whatever was opened.
TarStream::TarStream(int fd, Compression compression, std::int64_t mtime, bool hash)
    : impl_(std::make_unique<Impl>(fd, mtime, hash)) {
  {
    Utf8Ctype ctype;
    Impl& s = *impl_;
    if (compression != Compression::None) {
      s.zip = la().archive_write_new();
      if (!s.zip) throw Error("out of memory");
      if (compression == Compression::Gzip) {
        s.check(s.zip, la().archive_write_add_filter_gzip(s.zip), "gzip");
        // The gzip header would otherwise carry the time of writing.
        s.check(s.zip, la().archive_write_set_options(s.zip, "gzip:!timestamp"), "gzip");
      } else {
        s.check(s.zip, la().archive_write_add_filter_zstd(s.zip), "zstd");
      }
      s.check(s.zip, la().archive_write_set_format_raw(s.zip), "compressor");
      // No blocking and no padding: the compressed stream ends where the compressor ends it.
      s.check(s.zip, la().archive_write_set_bytes_per_block(s.zip, 0), "compressor");
      s.check(s.zip, la().archive_write_open(s.zip, &s, nullptr, &Impl::on_zip, nullptr), "compressor");
      archive_entry* e = la().archive_entry_new();
      la().archive_entry_set_pathname(e, "layer");
      la().archive_entry_set_filetype(e, AE_IFREG);
      int r = la().archive_write_header(s.zip, e);
      la().archive_entry_free(e);
      s.check(s.zip, r, "compressor");
    }
    s.tar = la().archive_write_new();
    if (!s.tar) throw Error("out of memory");
    // Restricted pax writes an extended header only when ustar cannot say it, and names it
    // "dir/PaxHeader/name" (no pid); SCHILY.xattr alone is what Docker, containerd and GNU tar read.
    s.check(s.tar, la().archive_write_set_format_pax_restricted(s.tar), "tar");
    s.check(s.tar, la().archive_write_set_options(s.tar, "xattrheader=SCHILY"), "tar");
    s.check(s.tar, la().archive_write_set_bytes_per_block(s.tar, 1 << 16), "tar");
    // The end-of-archive blocks, then nothing: the same bytes whatever the output is.
    s.check(s.tar, la().archive_write_set_bytes_in_last_block(s.tar, 1), "tar");
    s.check(s.tar, la().archive_write_open(s.tar, &s, nullptr, &Impl::on_tar, nullptr), "tar");
  }
}

TarStream::~TarStream() = default;

void TarStream::add_file(const std::string& name, std::uint32_t mode, std::uint32_t uid, std::uint32_t gid,
                         std::uint64_t size, int fd, const std::string* capability) {
  Impl& s = *impl_;
  archive_entry* e = s.entry(name, AE_IFREG, mode, uid, gid);
  la().archive_entry_set_size(e, la_int64_t(size));
  if (capability) la().archive_entry_xattr_add_entry(e, "security.capability", capability->data(), capability->size());
  s.header(e, name);
  for (std::uint64_t left = size; left > 0;) {
    ssize_t n = ::read(fd, s.buf.data(), std::min<std::uint64_t>(left, s.buf.size()));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("reading " + name);
    }
    if (n == 0) throw Error(name + ": file shrank while being written (" + std::to_string(size - left) + " of " +
                            std::to_string(size) + " bytes)");
    if (la().archive_write_data(s.tar, s.buf.data(), size_t(n)) < 0) s.check(s.tar, ARCHIVE_FATAL, name);
    left -= std::uint64_t(n);
  }
  char extra;
  if (::read(fd, &extra, 1) > 0) throw Error(name + ": file grew while being written");
  s.check(s.tar, la().archive_write_finish_entry(s.tar), name);
}

void TarStream::add_bytes(const std::string& name, std::uint32_t mode, std::string_view data) {
  Impl& s = *impl_;
  archive_entry* e = s.entry(name, AE_IFREG, mode, 0, 0);
  la().archive_entry_set_size(e, la_int64_t(data.size()));
  s.header(e, name);
  if (!data.empty() && la().archive_write_data(s.tar, data.data(), data.size()) < 0) s.check(s.tar, ARCHIVE_FATAL, name);
  s.check(s.tar, la().archive_write_finish_entry(s.tar), name);
}

void TarStream::add_dir(const std::string& name, std::uint32_t mode, std::uint32_t uid, std::uint32_t gid) {
  // Directories end in "/", as Go's archive/tar (Docker, BuildKit) writes them.
  std::string n = name.empty() || name.back() != '/' ? name + "/" : name;
  impl_->header(impl_->entry(n, AE_IFDIR, mode, uid, gid), n);
}

void TarStream::add_symlink(const std::string& name, const std::string& target, std::uint32_t uid,
                            std::uint32_t gid) {
  archive_entry* e = impl_->entry(name, AE_IFLNK, 0777, uid, gid);
  la().archive_entry_set_symlink(e, target.c_str());
  impl_->header(e, name);
}

void TarStream::add_hardlink(const std::string& name, const std::string& target, std::uint32_t mode,
                             std::uint32_t uid, std::uint32_t gid) {
  archive_entry* e = impl_->entry(name, AE_IFREG, mode, uid, gid);
  la().archive_entry_set_hardlink(e, target.c_str());
  la().archive_entry_set_size(e, 0);
  impl_->header(e, name);
}

StreamDigests TarStream::finish() {
  Impl& s = *impl_;
  s.check(s.tar, la().archive_write_close(s.tar), "finishing tar");
  if (s.zip) {
    s.check(s.zip, la().archive_write_finish_entry(s.zip), "finishing compression");
    s.check(s.zip, la().archive_write_close(s.zip), "finishing compression");
  }
  StreamDigests d;
  d.uncompressed_size = s.tar_bytes;
  d.size = s.out_bytes;
  if (s.hash) {
    d.diff_id = "sha256:" + s.tar_sha.hex();
    d.digest = s.zip ? "sha256:" + s.out_sha.hex() : d.diff_id;
  }
  return d;
}

StreamDigests write_layer(const Root& root, const Analysis& analysis, Compression compression, int fd,
                          std::int64_t mtime, const ProgressObserver& progress) {
  const Graph& g = analysis.graph;
  TarStream tar(fd, compression, mtime);
  std::map<Graph::Vertex, std::string> first;  // the entry name a file was first written under
  const auto kept = kept_paths(analysis.graph);
  root.prefetch(kept_regular_files(g, kept));  // files still in an image's layers
  std::uint64_t written = 0, bytes = 0;
  for (const auto& k : kept) {
    if (progress) progress({"writing", written++, kept.size(), "paths", bytes, false});
    if (k.path == "/") continue;  // layers hold no entry for the root itself
    const FileNode& n = g.node(k.vertex);
    const std::string name = k.path.substr(1);
    if (!k.first_name) {
      if (n.stat.type == FileType::Directory) throw Error(k.path + ": a directory with two names cannot be written");
      tar.add_hardlink(name, first.at(k.vertex), n.stat.mode, n.stat.uid, n.stat.gid);
      continue;
    }
    first[k.vertex] = name;
    switch (n.stat.type) {
      case FileType::Directory:
        tar.add_dir(name, n.stat.mode, n.stat.uid, n.stat.gid);
        break;
      case FileType::Symlink:
        tar.add_symlink(name, root.readlink(k.path), n.stat.uid, n.stat.gid);
        break;
      case FileType::Regular: {
        if (auto g = analysis.generated.find(n.path); g != analysis.generated.end()) {
          tar.add_bytes(name, n.stat.mode, g->second);  // made by raison (a regenerated ld.so.cache)
          break;
        }
        const Fd in{root.open_read(k.path)};
        struct stat st;
        if (::fstat(in.get(), &st) != 0) throw_errno(k.path);
        if (!S_ISREG(st.st_mode)) throw Error(k.path + ": is no longer a regular file");
        auto cap = root.xattr(k.path, "security.capability");
        tar.add_file(name, n.stat.mode, n.stat.uid, n.stat.gid, std::uint64_t(st.st_size), in.get(),
                     cap ? &*cap : nullptr);
        bytes += std::uint64_t(st.st_size);
        break;
      }
      case FileType::Other:
        throw Error(k.path + ": not a regular file, directory or symlink (device, fifo or socket): not written");
    }
  }
  StreamDigests digests = tar.finish();
  if (progress) progress({"writing", kept.size(), kept.size(), "paths", bytes, true});
  return digests;
}

}  // namespace raison
