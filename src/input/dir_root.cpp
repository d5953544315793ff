// A directory of this machine as a root. Every primitive works on a canonical path relative to an
// O_DIRECTORY descriptor of the root with *at() calls that never follow a symlink, so a link inside
// the root cannot make raison read outside it.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <unordered_map>

#include "raison/error.hpp"
#include "raison/root.hpp"
#include "util/dir.hpp"
#include "util/fd.hpp"

namespace raison {

namespace {

FileType type_of(mode_t mode) {
  if (S_ISREG(mode)) return FileType::Regular;
  if (S_ISDIR(mode)) return FileType::Directory;
  if (S_ISLNK(mode)) return FileType::Symlink;
  return FileType::Other;
}

// "/usr/lib" -> "usr/lib"; "/" -> "."
std::string relative(const std::string& canonical) {
  size_t i = 0;
  while (i < canonical.size() && canonical[i] == '/') ++i;
  return i == canonical.size() ? "." : canonical.substr(i);
}

class DirRoot final : public Root {
 public:
  explicit DirRoot(std::string dir) : dir_(std::move(dir)) {
    fd_.reset(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd_.valid()) throw_errno("opening root " + dir_);
  }

  std::string describe() const override { return "directory " + dir_; }
  std::string source() const override { return dir_; }

  // lstat() and readlink() are asked once a path: a root does not change while it is read (as
  // Root::resolve's own cache assumes), and every lookup walks the same directories and links
  // (/lib -> usr/lib, /usr/lib/x86_64-linux-gnu, ...) again.
  std::optional<Stat> lstat(const std::string& canonical) const override {
    if (auto it = stats_.find(canonical); it != stats_.end()) return it->second;
    return stats_.emplace(canonical, lstat_uncached(canonical)).first->second;
  }

  std::string readlink(const std::string& canonical) const override {
    if (auto it = links_.find(canonical); it != links_.end()) return it->second;
    return links_.emplace(canonical, readlink_uncached(canonical)).first->second;
  }

  std::optional<Stat> lstat_uncached(const std::string& canonical) const {
    struct stat st;
    if (::fstatat(fd_.get(), relative(canonical).c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
      throw_errno(canonical);
    }
    Stat s;
    s.id = {static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino)};
    s.type = type_of(st.st_mode);
    s.mode = st.st_mode;
    s.uid = st.st_uid;
    s.gid = st.st_gid;
    s.size = static_cast<std::uint64_t>(st.st_size);
    s.nlink = st.st_nlink;
    s.mtime = st.st_mtim.tv_sec;
    return s;
  }

  std::string readlink_uncached(const std::string& canonical) const {
    std::string buf(256, '\0');
    for (;;) {
      ssize_t n = ::readlinkat(fd_.get(), relative(canonical).c_str(), buf.data(), buf.size());
      if (n < 0) throw_errno("reading link " + canonical);
      if (static_cast<size_t>(n) < buf.size()) {
        buf.resize(static_cast<size_t>(n));
        return buf;
      }
      if (buf.size() > 65536) throw Error("reading link " + canonical + ": target too long");
      buf.resize(buf.size() * 2);
    }
  }

  int open_read(const std::string& canonical) const override {
    int fd = ::openat(fd_.get(), relative(canonical).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) throw_errno(canonical);
    return fd;
  }

  std::vector<std::string> list_dir(const std::string& canonical) const override {
    Fd fd(::openat(fd_.get(), relative(canonical).c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid()) throw_errno("listing " + canonical);
    std::vector<std::string> names = dir_entry_names(fd.get(), "listing " + canonical);
    std::sort(names.begin(), names.end());
    return names;
  }

  std::optional<std::string> xattr(const std::string& canonical, const char* name) const override {
    // There is no lgetxattrat(); open with O_PATH|O_NOFOLLOW and read through /proc/self/fd would
    // follow nothing, but a regular file can simply be opened.
    Fd fd(::openat(fd_.get(), relative(canonical).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
    if (!fd.valid()) return std::nullopt;
    std::string value(256, '\0');
    ssize_t n = ::fgetxattr(fd.get(), name, value.data(), value.size());
    if (n < 0) return std::nullopt;
    value.resize(static_cast<size_t>(n));
    return value;
  }

 private:
  std::string dir_;
  Fd fd_;
  mutable std::unordered_map<std::string, std::optional<Stat>> stats_;
  mutable std::unordered_map<std::string, std::string> links_;
};

}  // namespace

std::unique_ptr<Root> open_directory_root(const std::string& dir) {
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) throw_errno(dir);
  if (!S_ISDIR(st.st_mode)) throw Error(dir + ": not a directory");
  std::error_code ec;
  std::string abs = std::filesystem::absolute(dir, ec).lexically_normal().string();
  if (ec) throw Error(dir + ": " + ec.message());
  while (abs.size() > 1 && abs.back() == '/') abs.pop_back();
  return std::make_unique<DirRoot>(abs);
}

}  // namespace raison
