// Decoding of one tar entry into a LayerEntry (see entry.hpp): the kind rules of OCI layers written
// out in order, every field read from untrusted bytes checked here, no filesystem access.
#include "input/image/entry.hpp"

#include <limits.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>

#include "input/image/libarchive.hpp"
#include "raison/error.hpp"
#include "util/path.hpp"
#include "util/printable.hpp"

namespace raison {

namespace {

constexpr std::size_t kMaxXattrs = 64;
constexpr std::size_t kMaxXattrValue = 64 * 1024;
// Names and values of one entry together (Linux's own list of names stops at 64 KiB).
constexpr std::size_t kMaxXattrBytes = 256 * 1024;

// Mode, owners, mtime and xattrs, within their caps.
EntryMeta meta_of(archive_entry* e) {
  EntryMeta m;
  m.mode = la().archive_entry_mode(e);
  la_int64_t uid = la().archive_entry_uid(e), gid = la().archive_entry_gid(e);
  if (uid < 0 || uid > 0xfffffffe || gid < 0 || gid > 0xfffffffe) throw Error("owner id out of range");
  m.uid = static_cast<std::uint32_t>(uid);
  m.gid = static_cast<std::uint32_t>(gid);
  m.mtime = la().archive_entry_mtime(e);
  const char* name;
  const void* value;
  std::size_t size;
  int count = la().archive_entry_xattr_reset(e);
  if (count > static_cast<int>(kMaxXattrs)) throw Error("more than " + std::to_string(kMaxXattrs) + " xattrs");
  if (count <= 0) return m;
  auto xattrs = std::make_shared<EntryMeta::Xattrs>();
  std::size_t total = 0;
  while (la().archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
    if (size > kMaxXattrValue) throw Error("xattr " + printable(name) + " larger than 64 KiB");
    // One name once, the last spelling winning: libarchive's pax writer stores each xattr twice
    // (LIBARCHIVE.xattr and SCHILY.xattr records), and its reader returns both.
    auto same = std::find_if(xattrs->begin(), xattrs->end(), [&](const auto& x) { return x.first == name; });
    if (same != xattrs->end()) {
      total -= same->first.size() + same->second.size();
      xattrs->erase(same);
    }
    total += std::strlen(name) + size;
    if (total > kMaxXattrBytes) throw Error("xattrs of more than 256 KiB in all");
    xattrs->emplace_back(name, std::string(static_cast<const char*>(value), size));
  }
  m.xattrs = std::move(xattrs);
  return m;
}

// What a device, fifo or socket is, for its note; nullptr for a type no tar should hold.
const char* special_file(unsigned type) {
  switch (type) {
    case AE_IFCHR: return "character device";
    case AE_IFBLK: return "block device";
    case AE_IFIFO: return "fifo";
    case AE_IFSOCK: return "socket";
    default: return nullptr;
  }
}

}  // namespace

std::vector<std::string> entry_components(std::string_view name) {
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

LayerEntry decode_entry(archive_entry* e) {
  LayerEntry out;
  const char* raw_name = la().archive_entry_pathname(e);
  if (!raw_name) throw Error("entry with an unreadable name");
  out.name = raw_name;
  out.path = entry_components(raw_name);
  const char* hardlink = la().archive_entry_hardlink(e);
  unsigned type = la().archive_entry_filetype(e);

  // 1. "./" (or "/"): the root directory's own metadata.
  if (out.path.empty()) {
    if (type != AE_IFDIR || hardlink) throw Error("names the root itself but is not a directory");
    out.kind = EntryKind::Directory;
    out.meta = meta_of(e);
    return out;
  }
  // 2. OCI whiteouts, told by the last component's name whatever the entry's type: ".wh..wh..opq"
  //    makes its directory opaque, other ".wh..wh." names are aufs metadata, ".wh.NAME" deletes NAME.
  const std::string& base = out.path.back();
  if (base.starts_with(".wh.")) {
    if (base == ".wh..wh..opq") {
      out.kind = EntryKind::OpaqueWhiteout;
    } else if (base.starts_with(".wh..wh.")) {
      out.kind = EntryKind::Other;
      out.note = "aufs metadata, not extracted";
    } else {
      out.kind = EntryKind::Whiteout;
      out.hidden = base.substr(4);
      if (out.hidden.empty() || out.hidden == "." || out.hidden == "..")
        throw Error("whiteout of '" + out.hidden + "' (must name one entry of its directory)");
    }
    return out;
  }
  // 3. A hardlink, whatever type the header also claims: its target must be a name like any other.
  if (hardlink) {
    out.kind = EntryKind::Hardlink;
    out.target = hardlink;
    try {
      out.link_path = entry_components(hardlink);
    } catch (const Error& err) {
      throw err.context("hardlink target " + printable(hardlink));
    }
    if (out.link_path.empty()) throw Error("hardlink to the root directory");
    out.meta = meta_of(e);
    return out;
  }
  // 4. Devices, fifos, sockets: noted, never extracted.
  if (type != AE_IFREG && type != AE_IFDIR && type != AE_IFLNK) {
    const char* what = special_file(type);
    if (!what) throw Error("unsupported entry type " + std::to_string(type));
    out.kind = EntryKind::Other;
    out.note = std::string(what) +
               " not extracted (programs never need one from the image; a container engine creates /dev)";
    return out;
  }
  // 5. Directories, symlinks and regular files.
  out.meta = meta_of(e);
  if (type == AE_IFDIR) {
    out.kind = EntryKind::Directory;
  } else if (type == AE_IFLNK) {
    out.kind = EntryKind::Symlink;
    const char* target = la().archive_entry_symlink(e);
    if (!target || !*target) throw Error("symlink with an empty target");
    if (std::strlen(target) >= PATH_MAX) throw Error("symlink target longer than PATH_MAX");
    out.target = target;
    out.meta.mode = S_IFLNK | 0777;
  } else {
    out.kind = EntryKind::File;
    la_int64_t size = la().archive_entry_size_is_set(e) ? la().archive_entry_size(e) : 0;
    if (size < 0) throw Error("negative size");
    out.size = static_cast<std::uint64_t>(size);
    out.sparse = la().archive_entry_sparse_count(e) > 0;
  }
  return out;
}

std::optional<EntryData::Block> EntryData::next() {
  const void* buf;
  std::size_t len;
  la_int64_t off;
  int r = la().archive_read_data_block(tar_, &buf, &len, &off);
  if (r == ARCHIVE_EOF) return std::nullopt;
  if (r < ARCHIVE_WARN) throw Error(std::string("reading data: ") + archive_message(tar_));
  if (off < 0 || static_cast<std::uint64_t>(off) > size_ || len > size_ - static_cast<std::uint64_t>(off))
    throw Error("data past the entry's declared size");
  return Block{buf, len, static_cast<std::uint64_t>(off)};
}

}  // namespace raison
