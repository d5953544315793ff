// Applying entries to the staging directory (see staging.hpp). Every entry is created by *at() calls
// below a descriptor of its parent, which StagingTree::walk found inside the tree; the entry's own last
// component is never followed. The image's owners, modes and xattrs go to `meta_` whatever the disk took.
#include "input/image/staging.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>

#include "raison/error.hpp"
#include "util/dir.hpp"
#include "util/path.hpp"
#include "util/printable.hpp"

namespace raison {

namespace {

std::string child_of(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

std::string join_canonical(std::span<const std::string> comps) {
  if (comps.empty()) return "/";
  std::string out;
  for (const auto& c : comps) out += "/" + c;
  return out;
}

// All but the last component: an entry's parent directory.
std::span<const std::string> parent_components(const std::vector<std::string>& path) {
  return std::span<const std::string>(path).first(path.size() - 1);
}

void pwrite_all(int fd, const void* buf, std::size_t len, std::uint64_t offset) {
  const char* p = static_cast<const char*>(buf);
  auto off = static_cast<off_t>(offset);
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

void write_file_entry(int dir, const std::string& name, EntryData& data, const std::optional<EntryData::Block>& first,
                      std::uint64_t size, const EntryMeta& m, bool privileged) {
  Fd f(::openat(dir, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, S_IRUSR | S_IWUSR));
  if (!f.valid()) throw_errno("creating file");
  if (first) pwrite_all(f.get(), first->data, first->size, first->offset);
  while (std::optional<EntryData::Block> b = data.next()) pwrite_all(f.get(), b->data, b->size, b->offset);
  if (::ftruncate(f.get(), static_cast<off_t>(size)) != 0) throw_errno("sizing file");
  set_declared_attrs(f.get(), m, false, privileged);
  timespec times[2] = {{m.mtime, 0}, {m.mtime, 0}};
  (void)::futimens(f.get(), times);
}

// A non-root user cannot chown or set security.*; the image's values are in the metadata either way,
// which is what the root reports. Only security.capability and user.* go to disk: trusted.overlay.* on
// the staging tree would change what an overlay mounted on it (raison trace) shows.
void set_declared_attrs(int fd, const EntryMeta& m, bool dir, bool privileged) {
  if (privileged) (void)::fchown(fd, m.uid, m.gid);  // failure (unmapped id): meta still holds it
  mode_t mode = m.mode & 07777;
  if (!privileged) mode |= dir ? S_IRWXU : S_IRUSR;  // raison must read, and fill later layers
  if (::fchmod(fd, mode) != 0) throw_errno("chmod");
  if (!m.xattrs) return;
  for (const auto& [name, value] : *m.xattrs)
    if (name == "security.capability" || name.starts_with("user."))
      (void)::fsetxattr(fd, name.c_str(), value.data(), value.size(), 0);
}

Staging::Staging(const ImageOpenOptions& options)
    : TreeSink(options), tree_(options.temp_dir), privileged_(::geteuid() == 0) {
  if (opt_.keep_staging) tree_.release();
  measure_free_space(tree_.path());
}

void Staging::end_layer() { cached_fd_.reset(); }

// ---- The entry kinds ----

void Staging::add_file(const LayerEntry& e, EntryData& data) {
  Slot slot = slot_for(e);
  claim(slot, false);
  std::optional<EntryData::Block> first = data.next();
  EntryMeta m = declared(e.meta);
  write_file_entry(slot.dir, slot.base, data, first, e.size, m, privileged_);
  meta_[slot.canonical] = std::move(m);
}

// A directory over a directory merges (the lower layer's content stays); over anything else it
// replaces. "./" only declares the root's metadata.
void Staging::add_directory(const LayerEntry& e) {
  if (e.path.empty()) {
    meta_["/"] = declared(e.meta);
    return;
  }
  Slot slot = slot_for(e);
  claim(slot, true);
  if (::mkdirat(slot.dir, slot.base.c_str(), S_IRWXU) != 0 && errno != EEXIST) throw_errno("creating directory");
  Fd d(::openat(slot.dir, slot.base.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!d.valid()) throw_errno("opening directory");
  EntryMeta m = declared(e.meta);
  set_declared_attrs(d.get(), m, true, privileged_);  // times at finish(): later entries in it change them
  meta_[slot.canonical] = std::move(m);
}

void Staging::add_symlink(const LayerEntry& e) {
  Slot slot = slot_for(e);
  claim(slot, false);
  if (::symlinkat(e.target.c_str(), slot.dir, slot.base.c_str()) != 0) throw_errno("creating symlink");
  EntryMeta m = declared(e.meta);
  if (privileged_) (void)::fchownat(slot.dir, slot.base.c_str(), m.uid, m.gid, AT_SYMLINK_NOFOLLOW);
  timespec times[2] = {{m.mtime, 0}, {m.mtime, 0}};
  (void)::utimensat(slot.dir, slot.base.c_str(), times, AT_SYMLINK_NOFOLLOW);
  meta_[slot.canonical] = std::move(m);
}

// Another name for a file an earlier entry (of this layer or a lower one) created. The target is
// found before anything at the entry's own name is removed; the new name shares its declared metadata.
void Staging::add_hardlink(const LayerEntry& e) {
  Slot slot = slot_for(e);
  const std::string& target_base = e.link_path.back();
  std::optional<StagingTree::Dir> target_dir = walk(parent_components(e.link_path), false);
  struct stat st;
  if (!target_dir || ::fstatat(target_dir->fd.get(), target_base.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
    throw Error("hardlink to " + printable(e.target) + ", which no earlier entry created");
  if (S_ISDIR(st.st_mode)) throw Error("hardlink to directory " + printable(e.target));
  std::string target_canonical = child_of(target_dir->canonical, target_base);
  if (target_canonical == slot.canonical) throw Error("hardlink to itself");

  claim(slot, false);
  if (::linkat(target_dir->fd.get(), target_base.c_str(), slot.dir, slot.base.c_str(), 0) != 0) {
    if (errno == ENOENT) throw Error("hardlink to " + printable(e.target) + ", which no longer exists");
    throw_errno("linking to " + printable(e.target));
  }
  auto it = meta_.find(target_canonical);
  EntryMeta m = it != meta_.end() ? it->second : e.meta;
  m.layer = layer_;
  meta_[slot.canonical] = std::move(m);
}

// ".wh.NAME": NAME from lower layers is deleted. If this layer wrote NAME itself, that stays (the
// whiteout applies to lower layers only), but a directory of that name loses its lower content.
void Staging::whiteout(const LayerEntry& e) {
  std::optional<StagingTree::Dir> dir = walk(parent_components(e.path), false);
  if (!dir) return;
  std::string path = child_of(dir->canonical, e.hidden);
  if (this_layer_.count(path)) {
    struct stat st;
    if (::fstatat(dir->fd.get(), e.hidden.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
      Fd sub(::openat(dir->fd.get(), e.hidden.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!sub.valid()) throw_errno(path);
      make_opaque(sub.get(), path);
    }
  } else {
    forget(dir->fd.get(), e.hidden, path);
  }
  cached_fd_.reset();  // the cached directory may have been below the one that went
}

// ".wh..wh..opq": the directory keeps only what this layer put in it.
void Staging::opaque(const LayerEntry& e) {
  if (std::optional<StagingTree::Dir> dir = walk(parent_components(e.path), false))
    make_opaque(dir->fd.get(), dir->canonical);
  cached_fd_.reset();  // the cached directory may have been below one that went
}

// ---- Bookkeeping ----

Staging::Slot Staging::slot_for(const LayerEntry& e) {
  auto [dir, parent] = parent_of(e.path);
  return {dir, e.path.back(), child_of(parent, e.path.back())};
}

// Makes room for the entry at `slot`: what is there goes, whole, unless a directory merges into a
// directory. From here on the path counts as written by this layer.
void Staging::claim(const Slot& slot, bool directory) {
  struct stat existing;
  if (::fstatat(slot.dir, slot.base.c_str(), &existing, AT_SYMLINK_NOFOLLOW) == 0) {
    if (!(directory && S_ISDIR(existing.st_mode))) forget(slot.dir, slot.base, slot.canonical);
  } else if (errno != ENOENT) {
    throw_errno(slot.canonical);
  }
  this_layer_.insert(slot.canonical);
}

// Directories the walk creates are root-owned 0755 as docker makes them, and written by this layer.
std::optional<StagingTree::Dir> Staging::walk(std::span<const std::string> components, bool create) {
  if (!create) return tree_.walk(components, nullptr);
  StagingTree::Created record = [this](const std::string& canonical) {
    meta_[canonical] = EntryMeta{layer_, S_IFDIR | 0755, 0, 0, 0, {}};
    this_layer_.insert(canonical);
  };
  return tree_.walk(components, &record);
}

// The parent directory of an entry, created if missing; cached because tar entries come grouped.
std::pair<int, std::string> Staging::parent_of(const std::vector<std::string>& path) {
  std::string key = join_canonical(parent_components(path));
  if (!cached_fd_.valid() || key != cached_key_) {
    cached_fd_.reset();
    std::optional<StagingTree::Dir> d = walk(parent_components(path), true);
    cached_fd_ = std::move(d->fd);
    cached_canonical_ = std::move(d->canonical);
    cached_key_ = std::move(key);
  }
  return {cached_fd_.get(), cached_canonical_};
}

// Removes `name` and what is recorded of it. Callers drop the parent cache when the removed tree could
// hold the cached directory.
void Staging::forget(int dirfd, const std::string& name, const std::string& canonical) {
  remove_tree(dirfd, name);
  meta_.erase(canonical);
  std::string prefix = canonical + "/";
  for (auto it = meta_.lower_bound(prefix); it != meta_.end() && it->first.starts_with(prefix);)
    it = meta_.erase(it);
}

// Hides what lower layers put in the directory: every child not written by this layer goes, and
// directories this layer wrote are emptied the same way.
void Staging::make_opaque(int dirfd, const std::string& canonical) {
  for (const auto& c : dir_entry_names(dirfd, canonical)) {
    std::string path = child_of(canonical, c);
    if (!this_layer_.count(path)) {
      forget(dirfd, c, path);
      continue;
    }
    struct stat st;
    if (::fstatat(dirfd, c.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
      Fd sub(::openat(dirfd, c.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!sub.valid()) throw_errno(path);
      make_opaque(sub.get(), path);
    }
  }
}

// ---- The end ----

void Staging::finish() {
  for (const auto& [path, m] : meta_) {
    if ((m.mode & S_IFMT) != S_IFDIR || path == "/") continue;
    std::vector<std::string> comps = path_components(path);
    std::optional<StagingTree::Dir> parent = walk(parent_components(comps), false);
    if (!parent) continue;
    timespec times[2] = {{m.mtime, 0}, {m.mtime, 0}};
    (void)::utimensat(parent->fd.get(), comps.back().c_str(), times, AT_SYMLINK_NOFOLLOW);
  }
}

void Staging::release_to(ImageRoot& root) {
  root.dir_ = open_directory_root(tree_.path());
  tree_.release();
  root.staging_ = tree_.path();
  root.keep_staging_ = opt_.keep_staging;
  root.meta_ = std::move(meta_);
  root.diagnostics_ = take_diagnostics();
}

}  // namespace raison
