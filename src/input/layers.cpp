// Layer application: each layer tar is streamed (stored bytes -> decompressor -> tar reader) onto the
// staging directory, with OCI whiteouts, while both digests and the unpacked size are measured.
// Containment: every entry is created by *at() calls below an O_DIRECTORY descriptor of the staging
// directory, each existing component opened with O_NOFOLLOW. A symlink met in a parent is resolved by
// hand inside the staging directory (absolute targets restart at its top, ".." stops there), as
// containerd and openat2(RESOLVE_IN_ROOT) do, so a link planted by an earlier entry can redirect a later
// write only to another place inside. The last component is never followed.
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <span>
#include <optional>
#include <unordered_set>

#include "input/image.hpp"
#include "input/path_walk.hpp"
#include "raison/error.hpp"
#include "util/dir.hpp"
#include "util/fd.hpp"
#include "util/path.hpp"
#include "util/printable.hpp"
#include "util/sha256.hpp"

namespace raison {

namespace {

// Directories nested deeper than this are refused: a walk and a removal hold one descriptor per
// level, and no real image comes near it.
constexpr std::size_t kMaxDepth = 256;
constexpr std::size_t kBuf = 128 * 1024;
constexpr std::size_t kMaxXattrs = 64;
constexpr std::size_t kMaxXattrValue = 64 * 1024;
constexpr std::size_t kMaxDiagnostics = 200;

// An entry name as components. Leading "/" and "./" are dropped, as docker and containerd do (layers
// are always relative to the root); "." and empty components are dropped. Any ".." is refused, even one
// that would stay inside: no tool writes them, and cleaning "a/../b" lexically disagrees with the
// kernel when "a" is a symlink.
std::vector<std::string> split_entry_path(std::string_view name) {
  if (name.size() > PATH_MAX) throw Error("name longer than PATH_MAX (" + std::to_string(PATH_MAX) + ")");
  std::vector<std::string> out;
  for (std::string& c : path_components(name)) {
    if (c == "..") throw Error("'..' component (an entry may not climb out of the root)");
    if (c.size() > NAME_MAX)
      throw Error("component of " + std::to_string(c.size()) + " bytes, longer than NAME_MAX (255)");
    if (c != ".") out.push_back(std::move(c));
  }
  return out;
}

std::string join_canonical(const std::vector<std::string>& comps, std::size_t n) {
  if (n == 0) return "/";
  std::string out;
  for (std::size_t k = 0; k < n; ++k) out += "/" + comps[k];
  return out;
}

std::string child_of(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

// Removes `name` in `dirfd` and, if it is a directory, everything below it; never follows a symlink.
void remove_tree(int dirfd, const std::string& name) {
  struct stat st;
  if (::fstatat(dirfd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return;
    throw_errno("removing " + name);
  }
  if (S_ISDIR(st.st_mode)) {
    Fd dir(::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!dir.valid()) throw_errno("removing " + name);
    for (const auto& child : dir_entry_names(dir.get(), "removing " + name)) remove_tree(dir.get(), child);
    dir.reset();
    if (::unlinkat(dirfd, name.c_str(), AT_REMOVEDIR) != 0) throw_errno("removing " + name);
  } else if (::unlinkat(dirfd, name.c_str(), 0) != 0) {
    throw_errno("removing " + name);
  }
}

void pwrite_all(int fd, const void* buf, std::size_t len, off_t off) {
  const char* p = static_cast<const char*>(buf);
  while (len > 0) {
    ssize_t n = ::pwrite(fd, p, len, off);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("writing");
    }
    p += n;
    len -= static_cast<std::size_t>(n);
    off += n;
  }
}

}  // namespace

struct Staging::Impl {
  ImageOpenOptions opt;
  Fd root;
  bool privileged = ::geteuid() == 0;
  bool released = false;
  std::map<std::string, EntryMeta> meta;
  std::vector<std::string> diagnostics;
  std::size_t diagnostics_dropped = 0;
  std::uint64_t entries = 0;
  std::uint64_t unpacked_total = 0;  // stream bytes of all layers
  std::uint64_t declared_total = 0;  // file sizes of all layers (sparse files count whole)
  std::uint32_t layer = 0;
  std::unordered_set<std::string> this_layer;  // canonical paths written by the current layer

  // The last parent directory walked, by the entry's own spelling of it; dropped on any removal.
  std::string cached_key;
  Fd cached_fd;
  std::string cached_canonical;

  struct Dir {
    Fd fd;
    std::string canonical;
  };

  void note(const std::string& line) {
    if (diagnostics.size() < kMaxDiagnostics)
      diagnostics.push_back(line);
    else
      ++diagnostics_dropped;
  }

  Fd dup_root() const {
    Fd fd(::fcntl(root.get(), F_DUPFD_CLOEXEC, 0));
    if (!fd.valid()) throw_errno("dup");
    return fd;
  }

  // Opens the directory named by the first `n` components, resolving symlinks inside the staging root.
  // Missing directories are created (mode 0755, root-owned, as docker does) when `create`, else the
  // result is empty. A non-directory on the way is an error.
  //
  // The algorithm of Root::resolve (one PathWalk: the same order, "." and "..", absolute targets from
  // the top, the same 40-link limit), over descriptors. Where it differs, and why:
  //  - It holds a stack of directory descriptors, each opened O_NOFOLLOW relative to the one below, and
  //    ".." pops to the parent's descriptor. Names are not enough here: the tree changes under the walk
  //    while layers apply, and a walk by name would reopen every component from the top at each ".."
  //    (a hostile chain of links made that quadratic).
  //  - A missing component is created (or the walk answers nullopt); Root::resolve answers "does not
  //    exist" and says where it stopped.
  //  - A non-directory on the way is an error; Root::resolve answers "does not exist" (ENOTDIR).
  //  - It is only asked for directories: an entry's own last component is never followed, so there is
  //    no follow_last, and no list of the links followed.
  //  - Nesting is capped (kMaxDepth: one descriptor per level), and nothing is cached.
  std::optional<Dir> walk(const std::vector<std::string>& comps, std::size_t n, bool create) {
    PathWalk walk(std::span<const std::string>(comps).first(n));
    std::vector<Fd> stack;  // the directories entered; the staging root below them
    std::string canonical;  // their path, "" for the top
    auto here_fd = [&] { return stack.empty() ? root.get() : stack.back().get(); };
    while (std::optional<std::string> c = walk.next()) {
      if (*c == "..") {  // only from a symlink's target; never above the top (PathWalk)
        stack.pop_back();
        canonical.resize(canonical.rfind('/'));
        continue;
      }
      std::string here = canonical + "/" + *c;
      struct stat st;
      if (::fstatat(here_fd(), c->c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno != ENOENT) throw_errno(here);
        if (!create) return std::nullopt;
        if (::mkdirat(here_fd(), c->c_str(), 0755 | S_IRWXU) != 0) throw_errno("creating " + here);
        meta[here] = EntryMeta{layer, S_IFDIR | 0755, 0, 0, 0, {}};
        this_layer.insert(here);
        st.st_mode = S_IFDIR;
      }
      if (S_ISLNK(st.st_mode)) {
        std::string target(PATH_MAX, '\0');
        ssize_t len = ::readlinkat(here_fd(), c->c_str(), target.data(), target.size());
        if (len < 0) throw_errno(here);
        target.resize(static_cast<std::size_t>(len));
        try {
          if (walk.follow(target)) {  // absolute: from the staging root's top
            stack.clear();
            canonical.clear();
          }
        } catch (const Error& e) {
          throw e.context(here);
        }
        continue;
      }
      if (!S_ISDIR(st.st_mode)) throw Error(here + " is not a directory");
      if (stack.size() + 1 >= kMaxDepth)
        throw Error(here + ": directories nested deeper than " + std::to_string(kMaxDepth));
      Fd fd(::openat(here_fd(), c->c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!fd.valid()) throw_errno(here);
      stack.push_back(std::move(fd));
      canonical = std::move(here);
    }
    Fd fd = stack.empty() ? dup_root() : std::move(stack.back());
    return Dir{std::move(fd), canonical.empty() ? "/" : canonical};
  }

  // The parent directory of an entry, created if missing; cached because tar entries come grouped.
  std::pair<int, std::string> parent_of(const std::vector<std::string>& comps) {
    std::string key = join_canonical(comps, comps.size() - 1);
    if (cached_fd.get() < 0 || key != cached_key) {
      cached_fd.reset();
      auto d = walk(comps, comps.size() - 1, true);
      cached_fd = std::move(d->fd);
      cached_canonical = std::move(d->canonical);
      cached_key = key;
    }
    return {cached_fd.get(), cached_canonical};
  }

  // Removes `name` and what is recorded of it. Callers drop the parent cache when the removed tree
  // could hold the cached directory.
  void forget(int dirfd, const std::string& name, const std::string& canonical) {
    remove_tree(dirfd, name);
    meta.erase(canonical);
    std::string prefix = canonical + "/";
    for (auto it = meta.lower_bound(prefix); it != meta.end() && it->first.starts_with(prefix);)
      it = meta.erase(it);
  }

  // Hides what lower layers put in the directory: every child not written by this layer goes, and
  // directories this layer wrote are emptied the same way.
  void make_opaque(int dirfd, const std::string& canonical) {
    std::vector<std::string> children = dir_entry_names(dirfd, canonical);
    for (const auto& c : children) {
      std::string path = child_of(canonical, c);
      if (!this_layer.count(path)) {
        forget(dirfd, c, path);
        continue;
      }
      struct stat st;
      if (::fstatat(dirfd, c.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
        Fd sub(::openat(dirfd, c.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (sub.get() < 0) throw_errno(path);
        make_opaque(sub.get(), path);
      }
    }
  }

  // ".wh.NAME": NAME from lower layers is deleted. If this layer wrote NAME itself, that stays (the
  // whiteout applies to lower layers only), but a directory of that name loses its lower content.
  void whiteout(const std::vector<std::string>& comps, const std::string& target) {
    if (target.empty() || target == "." || target == "..")
      throw Error("whiteout of '" + target + "' (must name one entry of its directory)");
    auto dir = walk(comps, comps.size() - 1, false);
    if (!dir) return;
    std::string path = child_of(dir->canonical, target);
    if (this_layer.count(path)) {
      struct stat st;
      if (::fstatat(dir->fd.get(), target.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
        Fd sub(::openat(dir->fd.get(), target.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (sub.get() < 0) throw_errno(path);
        make_opaque(sub.get(), path);
      }
      cached_fd.reset();
      return;
    }
    forget(dir->fd.get(), target, path);
    cached_fd.reset();
  }

  // Owner, mode and xattrs on an open file or directory. A non-root user cannot chown or set
  // security.*; the image's values are in `meta` either way, which is what the root reports. Only
  // security.capability and user.* go to disk: trusted.overlay.* on the staging tree would change what
  // an overlay mounted on it (raison trace) shows.
  void set_attrs(int fd, const EntryMeta& m, bool dir) {
    if (privileged) (void)::fchown(fd, m.uid, m.gid);  // failure (unmapped id): meta still holds it
    mode_t mode = m.mode & 07777;
    if (!privileged) mode |= dir ? S_IRWXU : S_IRUSR;  // raison must read, and fill later layers
    if (::fchmod(fd, mode) != 0) throw_errno("chmod");
    for (const auto& [name, value] : m.xattrs)
      if (name == "security.capability" || name.starts_with("user."))
        (void)::fsetxattr(fd, name.c_str(), value.data(), value.size(), 0);
  }

  EntryMeta meta_from(archive_entry* e) {
    EntryMeta m;
    m.layer = layer;
    m.mode = archive_entry_mode(e);
    la_int64_t uid = archive_entry_uid(e), gid = archive_entry_gid(e);
    if (uid < 0 || uid > 0xfffffffe || gid < 0 || gid > 0xfffffffe) throw Error("owner id out of range");
    m.uid = static_cast<std::uint32_t>(uid);
    m.gid = static_cast<std::uint32_t>(gid);
    m.mtime = archive_entry_mtime(e);
    const char* name;
    const void* value;
    std::size_t size;
    if (archive_entry_xattr_reset(e) > static_cast<int>(kMaxXattrs)) throw Error("too many xattrs");
    while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
      if (size > kMaxXattrValue) throw Error(std::string("xattr ") + name + " larger than 64 KiB");
      m.xattrs.emplace_back(name, std::string(static_cast<const char*>(value), size));
    }
    return m;
  }

  void apply_entry(archive* tar, archive_entry* e);
};

namespace {

// The two readers of one layer: `raw` undoes the compression of the stored bytes, `tar` reads entries
// from what `raw` yields. Between them we hash and count the uncompressed stream (the diff_id, the
// caps). Callbacks run inside libarchive's C code, so they never throw: they park the error here.
struct Pipeline {
  Pipeline(ByteSource& s, std::uint64_t size, const ImageOpenOptions& o, std::uint64_t& total)
      : src(s), stored_size(size), opt(o), unpacked_total(total) {}
  ByteSource& src;
  std::uint64_t stored_size;
  const ImageOpenOptions& opt;
  std::uint64_t& unpacked_total;
  Sha256 stored_hash, tar_hash;
  std::uint64_t stored = 0, unpacked = 0;
  archive* raw = nullptr;
  std::optional<Error> error;
  std::vector<char> in_buf = std::vector<char>(kBuf), out_buf = std::vector<char>(kBuf);

  la_ssize_t pull_stored(const void** out) {
    try {
      std::size_t n = src.read(in_buf.data(), in_buf.size());
      stored_hash.update({in_buf.data(), n});
      stored += n;
      *out = in_buf.data();
      return static_cast<la_ssize_t>(n);
    } catch (const std::exception& ex) {
      error = Error(ex.what());
      return -1;
    }
  }

  la_ssize_t pull_unpacked(const void** out) {
    la_ssize_t n = archive_read_data(raw, out_buf.data(), out_buf.size());
    if (n < 0) {
      if (!error) error = Error(std::string("decompressing: ") + archive_message(raw));
      return -1;
    }
    tar_hash.update({out_buf.data(), static_cast<std::size_t>(n)});
    unpacked += static_cast<std::uint64_t>(n);
    unpacked_total += static_cast<std::uint64_t>(n);
    if (unpacked > opt.ratio_floor && static_cast<double>(unpacked) > opt.max_ratio * static_cast<double>(stored_size)) {
      error = Error("decompresses to more than " + std::to_string(static_cast<long long>(opt.max_ratio)) +
                    " times its stored size of " + std::to_string(stored_size) + " bytes (a decompression bomb?)");
      return -1;
    }
    if (unpacked_total > opt.max_unpacked_bytes) {
      error = Error("image unpacks to more than " + std::to_string(opt.max_unpacked_bytes) + " bytes");
      return -1;
    }
    *out = out_buf.data();
    return n;
  }

  [[noreturn]] void fail(archive* a) {
    if (error) throw *error;
    throw Error(archive_message(a));
  }
};

la_ssize_t read_stored(archive*, void* p, const void** out) { return static_cast<Pipeline*>(p)->pull_stored(out); }
la_ssize_t read_unpacked(archive*, void* p, const void** out) {
  return static_cast<Pipeline*>(p)->pull_unpacked(out);
}

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ArchiveFree>;

}  // namespace

void Staging::Impl::apply_entry(archive* tar, archive_entry* e) {
  if (++entries > opt.max_entries)
    throw Error("more than " + std::to_string(opt.max_entries) + " entries in the image");
  const char* raw_name = archive_entry_pathname(e);
  if (!raw_name) throw Error("entry with an unreadable name");
  auto comps = split_entry_path(raw_name);
  const char* hardlink = archive_entry_hardlink(e);
  unsigned type = archive_entry_filetype(e);

  if (comps.empty()) {  // "./": the root directory's own metadata
    if (type != AE_IFDIR || hardlink) throw Error("names the root itself but is not a directory");
    meta["/"] = meta_from(e);
    return;
  }
  const std::string& base = comps.back();
  if (base.starts_with(".wh.")) {
    if (base == ".wh..wh..opq") {
      if (auto dir = walk(comps, comps.size() - 1, false)) make_opaque(dir->fd.get(), dir->canonical);
      cached_fd.reset();  // the cached directory may have been below one that went
    } else if (base.starts_with(".wh..wh.")) {
      note(std::string(raw_name) + ": aufs metadata, not extracted");
    } else {
      whiteout(comps, base.substr(4));
    }
    return;
  }
  if (!hardlink && type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK) {
    const char* what = type == AE_IFCHR   ? "character device"
                       : type == AE_IFBLK ? "block device"
                       : type == AE_IFIFO ? "fifo"
                       : type == AE_IFSOCK ? "socket"
                                           : nullptr;
    if (!what) throw Error("unsupported entry type " + std::to_string(type));
    note("layer " + std::to_string(layer + 1) + ": " + printable(raw_name) + ": " + what +
         " not extracted (programs never need one from the image; a container engine creates /dev)");
    return;
  }

  auto [parent, parent_canonical] = parent_of(comps);
  std::string canonical = child_of(parent_canonical, base);
  bool is_dir = !hardlink && type == AE_IFDIR;

  // Resolve a hardlink's target before anything at the entry's own name is removed.
  std::optional<Dir> target_dir;
  std::string target_base, target_canonical;
  if (hardlink) {
    std::vector<std::string> t;
    try {
      t = split_entry_path(hardlink);
    } catch (const Error& err) {
      throw err.context("hardlink target " + printable(hardlink));
    }
    if (t.empty()) throw Error("hardlink to the root directory");
    target_dir = walk(t, t.size() - 1, false);
    struct stat st;
    if (!target_dir || ::fstatat(target_dir->fd.get(), t.back().c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
      throw Error("hardlink to " + printable(hardlink) + ", which no earlier entry created");
    if (S_ISDIR(st.st_mode)) throw Error("hardlink to directory " + printable(hardlink));
    target_base = t.back();
    target_canonical = child_of(target_dir->canonical, target_base);
    if (target_canonical == canonical) throw Error("hardlink to itself");
  }

  struct stat existing;
  if (::fstatat(parent, base.c_str(), &existing, AT_SYMLINK_NOFOLLOW) == 0) {
    // A directory over a directory merges; anything else replaces what was there, whole.
    if (!(is_dir && S_ISDIR(existing.st_mode))) forget(parent, base, canonical);
  } else if (errno != ENOENT) {
    throw_errno(canonical);
  }

  this_layer.insert(canonical);
  if (hardlink) {
    if (::linkat(target_dir->fd.get(), target_base.c_str(), parent, base.c_str(), 0) != 0) {
      if (errno == ENOENT) throw Error("hardlink to " + printable(hardlink) + ", which no longer exists");
      throw_errno("linking to " + printable(hardlink));
    }
    auto it = meta.find(target_canonical);
    EntryMeta m = it != meta.end() ? it->second : meta_from(e);
    m.layer = layer;
    meta[canonical] = std::move(m);
    return;
  }

  EntryMeta m = meta_from(e);
  timespec times[2] = {{m.mtime, 0}, {m.mtime, 0}};
  if (type == AE_IFLNK) {
    const char* target = archive_entry_symlink(e);
    if (!target || !*target) throw Error("symlink with an empty target");
    if (std::strlen(target) >= PATH_MAX) throw Error("symlink target longer than PATH_MAX");
    if (::symlinkat(target, parent, base.c_str()) != 0) throw_errno("creating symlink");
    if (privileged) (void)::fchownat(parent, base.c_str(), m.uid, m.gid, AT_SYMLINK_NOFOLLOW);
    (void)::utimensat(parent, base.c_str(), times, AT_SYMLINK_NOFOLLOW);
    m.mode = S_IFLNK | 0777;
  } else if (is_dir) {
    if (::mkdirat(parent, base.c_str(), S_IRWXU) != 0 && errno != EEXIST) throw_errno("creating directory");
    Fd d(::openat(parent, base.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (d.get() < 0) throw_errno("opening directory");
    set_attrs(d.get(), m, true);  // times at finish(): later entries in it change them
  } else {
    la_int64_t size = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
    if (size < 0) throw Error("negative size");
    declared_total += static_cast<std::uint64_t>(size);
    if (declared_total > opt.max_unpacked_bytes)
      throw Error("image unpacks to more than " + std::to_string(opt.max_unpacked_bytes) + " bytes");
    Fd f(::openat(parent, base.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, S_IRUSR | S_IWUSR));
    if (f.get() < 0) throw_errno("creating file");
    const void* buf;
    std::size_t len;
    la_int64_t off;
    for (;;) {
      int r = archive_read_data_block(tar, &buf, &len, &off);
      if (r == ARCHIVE_EOF) break;
      if (r < ARCHIVE_WARN) throw Error(std::string("reading data: ") + archive_message(tar));
      if (off < 0 || off > size || len > static_cast<std::uint64_t>(size - off))
        throw Error("data past the entry's declared size");
      pwrite_all(f.get(), buf, len, off);
    }
    if (::ftruncate(f.get(), size) != 0) throw_errno("sizing file");
    set_attrs(f.get(), m, false);
    (void)::futimens(f.get(), times);
  }
  meta[canonical] = std::move(m);
}

Staging::Staging(const ImageOpenOptions& options) : impl_(std::make_unique<Impl>()) {
  impl_->opt = options;
  std::string base = options.temp_dir;
  if (base.empty()) {
    const char* t = std::getenv("TMPDIR");
    base = t && *t ? t : "/tmp";
  }
  std::string tmpl = base + "/raison-XXXXXX";
  if (!::mkdtemp(tmpl.data())) throw_errno("creating a staging directory in " + base);
  path_ = tmpl;
  impl_->root = Fd(::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (impl_->root.get() < 0) {
    ::rmdir(path_.c_str());
    throw_errno(path_);
  }
}

Staging::~Staging() {
  if (impl_->released || impl_->opt.keep_staging) return;
  try {
    impl_->root.reset();
    impl_->cached_fd.reset();
    remove_staging(path_);
  } catch (const Error&) {  // a destructor cannot report; the directory is under the caller's temp dir
  }
}

LayerDigests Staging::apply_layer(ByteSource& src, std::uint64_t stored_size, std::uint32_t layer_index) {
  Impl& s = *impl_;
  s.layer = layer_index;
  s.this_layer.clear();
  Pipeline p(src, stored_size, s.opt, s.unpacked_total);

  // Only in-process decompressors: no external program runs on untrusted bytes.
  ArchivePtr raw(archive_read_new());
  archive_read_support_filter_gzip(raw.get());
  archive_read_support_filter_zstd(raw.get());
  archive_read_support_filter_xz(raw.get());
  archive_read_support_filter_lzma(raw.get());
  archive_read_support_filter_bzip2(raw.get());
  archive_read_support_format_raw(raw.get());
  p.raw = raw.get();
  archive_entry* e;
  int r = archive_read_open(raw.get(), &p, nullptr, read_stored, nullptr);
  if (r == ARCHIVE_OK) r = archive_read_next_header(raw.get(), &e);
  if (r == ARCHIVE_EOF || (r < ARCHIVE_WARN && p.stored == 0 && !p.error)) throw Error("empty layer (0 bytes)");
  if (r < ARCHIVE_WARN) p.fail(raw.get());

  ArchivePtr tar(archive_read_new());
  archive_read_support_format_tar(tar.get());
  archive_read_support_format_empty(tar.get());
  if (archive_read_open(tar.get(), &p, nullptr, read_unpacked, nullptr) != ARCHIVE_OK) {
    if (!p.error) throw Error("not a tar: " + archive_message(tar.get()));
    p.fail(tar.get());
  }
  for (bool first = true;; first = false) {
    r = archive_read_next_header(tar.get(), &e);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN && first && !p.error) throw Error("not a tar: " + archive_message(tar.get()));
    if (r < ARCHIVE_WARN) p.fail(tar.get());
    std::string name = archive_entry_pathname(e) ? archive_entry_pathname(e) : "?";
    try {
      s.apply_entry(tar.get(), e);
    } catch (const Error& err) {
      if (p.error) throw p.error->context("entry " + printable(name));
      throw err.context("entry " + printable(name));
    }
  }
  // The digests cover every byte, also padding after the tar's end blocks and after the compressed end.
  const void* ignored;
  while ((r = static_cast<int>(p.pull_unpacked(&ignored))) > 0) {
  }
  if (r < 0) p.fail(raw.get());
  std::vector<char> rest(kBuf);
  while (std::size_t n = src.read(rest.data(), rest.size())) {
    p.stored_hash.update({rest.data(), n});
    p.stored += n;
  }
  s.cached_fd.reset();
  return {"sha256:" + p.stored_hash.hex(), "sha256:" + p.tar_hash.hex(), p.stored, p.unpacked};
}

void Staging::finish() {
  Impl& s = *impl_;
  for (const auto& [path, m] : s.meta) {
    if ((m.mode & S_IFMT) != S_IFDIR || path == "/") continue;
    auto comps = split_entry_path(path);
    auto parent = s.walk(comps, comps.size() - 1, false);
    if (!parent) continue;
    timespec times[2] = {{m.mtime, 0}, {m.mtime, 0}};
    (void)::utimensat(parent->fd.get(), comps.back().c_str(), times, AT_SYMLINK_NOFOLLOW);
  }
  if (s.diagnostics_dropped)
    s.diagnostics.push_back("and " + std::to_string(s.diagnostics_dropped) + " more entries not extracted");
}

void Staging::release_to(ImageRoot& root) {
  root.dir_ = open_directory_root(path_);
  impl_->released = true;
  root.staging_ = path_;
  root.keep_staging_ = impl_->opt.keep_staging;
  root.meta_ = std::move(impl_->meta);
  root.diagnostics_ = std::move(impl_->diagnostics);
}

void remove_staging(const std::string& path) {
  std::size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  Fd parent(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (parent.get() < 0) throw_errno(dir);
  remove_tree(parent.get(), path.substr(slash + 1));
}

}  // namespace raison
