// Writes a closure as a directory tree. Everything goes into a fresh temporary directory beside the
// destination (emit/destination.hpp), created with *at() calls under an O_DIRECTORY descriptor; only
// when every file is in place is it renamed to the destination, so an error leaves nothing half-written.
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <map>

#include "raison/emit.hpp"
#include "emit/destination.hpp"
#include "raison/error.hpp"
#include "util/fd.hpp"

namespace raison {

namespace {

std::string rel(const std::string& canonical) { return canonical == "/" ? "." : canonical.substr(1); }

void copy_stream(int from, int to, const std::string& path);

// `len` bytes at `off` of `from` to the same offset of `to`.
void copy_range(int from, int to, off_t off, off_t len, const std::string& path) {
  char buf[1 << 16];
  while (len > 0) {
    ssize_t n = ::pread(from, buf, std::min<off_t>(len, sizeof buf), off);
    if (n < 0) throw_errno("reading " + path);
    if (n == 0) return;
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::pwrite(to, buf + done, size_t(n - done), off + done);
      if (w < 0) throw_errno("writing " + path);
      done += w;
    }
    off += n;
    len -= n;
  }
}

// Copies a file's data ranges only: a hole of a sparse file stays a hole (SEEK_DATA/SEEK_HOLE), so an
// image's 4 GiB of holes takes no disk here either. Files without holes are copied whole (copy_file_range).
void copy_contents(int from, int to, const std::string& path) {
  struct stat st;
  if (::fstat(from, &st) != 0) throw_errno("reading " + path);
  off_t end = st.st_size, data = 0;
  if (st.st_blocks * 512 < st.st_size && (data = ::lseek(from, 0, SEEK_DATA)) >= 0) {
    while (data < end) {
      off_t hole = ::lseek(from, data, SEEK_HOLE);
      if (hole < 0) throw_errno("reading " + path);
      copy_range(from, to, data, hole - data, path);
      data = ::lseek(from, hole, SEEK_DATA);
      if (data < 0) break;  // ENXIO: no data after the last hole
    }
    if (::ftruncate(to, end) != 0) throw_errno("writing " + path);
    return;
  }
  copy_stream(from, to, path);
}

void copy_stream(int from, int to, const std::string& path) {
  for (;;) {
    ssize_t n = ::copy_file_range(from, nullptr, to, nullptr, 1 << 30, 0);
    if (n == 0) return;
    if (n < 0) {
      if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP) throw_errno("copying " + path);
      break;  // fall back to read/write
    }
  }
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(from, buf, sizeof buf);
    if (n < 0) throw_errno("reading " + path);
    if (n == 0) return;
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::write(to, buf + done, size_t(n - done));
      if (w < 0) throw_errno("writing " + path);
      done += w;
    }
  }
}

class DirWriter {
 public:
  DirWriter(const Root& root, const std::map<std::string, std::string>& generated, int dirfd, bool privileges)
      : root_(root), generated_(generated), dirfd_(dirfd), as_root_(::geteuid() == 0), privileges_(privileges) {}

  void write(const KeptPath& k, const FileNode& n) {
    const std::string r = rel(k.path);
    if (!k.first_name) {  // another name of a file already written
      if (::linkat(dirfd_, rel(n.path).c_str(), dirfd_, r.c_str(), 0) != 0) throw_errno("linking " + k.path);
      return;
    }
    const mode_t perm = n.stat.mode & (privileges_ ? 07777 : 01777);  // setuid/setgid only when asked
    switch (n.stat.type) {
      case FileType::Directory:
        if (k.path != "/" && ::mkdirat(dirfd_, r.c_str(), 0700) != 0) throw_errno("creating " + k.path);
        dirs_.push_back(k.path);
        break;
      case FileType::Symlink:
        if (::symlinkat(root_.readlink(k.path).c_str(), dirfd_, r.c_str()) != 0) throw_errno("creating " + k.path);
        owner(r, n, k.path);
        times(r, n, k.path);
        break;
      case FileType::Regular: {
        Fd out{::openat(dirfd_, r.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)};
        if (!out.valid()) throw_errno("creating " + k.path);
        if (auto g = generated_.find(n.path); g != generated_.end()) {
          if (::write(out.get(), g->second.data(), g->second.size()) != ssize_t(g->second.size())) throw_errno("writing " + k.path);
        } else {
          Fd in{root_.open_read(k.path)};
          copy_contents(in.get(), out.get(), k.path);
        }
        if (as_root_ && ::fchown(out.get(), n.stat.uid, n.stat.gid) != 0) throw_errno("chown " + k.path);
        // After chown: chown clears set-user-ID bits, and file capabilities.
        if (::fchmod(out.get(), perm) != 0) throw_errno("chmod " + k.path);
        if (auto cap = privileges_ ? root_.xattr(k.path, "security.capability") : std::nullopt)
          if (::fsetxattr(out.get(), "security.capability", cap->data(), cap->size(), 0) != 0)
            throw_errno("setting security.capability on " + k.path);
        close_output(out, k.path);
        times(r, n, k.path);
        break;
      }
      case FileType::Other:
        throw Error(k.path + ": not a regular file, directory or symlink (device, fifo or socket): not written");
    }
  }

  // Directories get their owners, modes and times last, deepest first: adding entries changes a
  // directory's mtime, and a read-only mode would stop the writes.
  void finish(const Graph& g) {
    std::sort(dirs_.rbegin(), dirs_.rend());
    const mode_t umask = ::umask(0);
    ::umask(umask);
    for (const auto& d : dirs_) {
      const FileNode& n = g.node(*g.find(d));
      // The top is the user's directory, not the image's "/": the user's owner and umask.
      mode_t mode = d == "/" ? 0777 & ~umask : n.stat.mode & (privileges_ ? 07777 : 01777);
      if (d != "/") owner(rel(d), n, d);
      if (::fchmodat(dirfd_, rel(d).c_str(), mode, 0) != 0) throw_errno("chmod " + d);
      times(rel(d), n, d);
    }
  }

 private:
  void owner(const std::string& r, const FileNode& n, const std::string& path) {
    if (as_root_ && ::fchownat(dirfd_, r.c_str(), n.stat.uid, n.stat.gid, AT_SYMLINK_NOFOLLOW) != 0)
      throw_errno("chown " + path);
  }
  void times(const std::string& r, const FileNode& n, const std::string& path) {
    struct timespec ts[2];
    ts[0].tv_sec = ts[1].tv_sec = n.stat.mtime;
    ts[0].tv_nsec = ts[1].tv_nsec = 0;
    if (::utimensat(dirfd_, r.c_str(), ts, AT_SYMLINK_NOFOLLOW) != 0) throw_errno("setting times of " + path);
  }

  const Root& root_;
  const std::map<std::string, std::string>& generated_;
  int dirfd_;
  bool as_root_;
  bool privileges_;  // EmitOptions::preserve_privileges
  std::vector<std::string> dirs_;
};

}  // namespace

void write_root_dir(const Root& root, const Analysis& analysis, const std::string& outdir, const EmitOptions& options) {
  StagedOutput out(outdir);
  if (out.dest_exists()) {
    struct stat st;
    if (::lstat(out.dest().c_str(), &st) != 0) throw_errno(outdir);
    if (!S_ISDIR(st.st_mode)) throw Error(outdir + ": exists and is not a directory");
    std::error_code ec;
    const bool empty = std::filesystem::is_empty(out.dest(), ec);
    if (ec) throw Error(outdir + ": " + ec.message());
    if (!empty && !options.replace) throw Error(outdir + ": exists and is not empty (use --force to replace it)");
  }
  if (::mkdir(out.tmp().c_str(), 0700) != 0) throw_errno("creating " + out.tmp());
  Fd dir{::open(out.tmp().c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)};
  if (!dir.valid()) throw_errno(out.tmp());
  // The files must fit, sparse ones counted whole: refused before anything is written.
  std::uint64_t needed = 0;
  for (const auto& k : kept_paths(analysis.graph)) {
    const FileNode& n = analysis.graph.node(k.vertex);
    if (k.first_name && n.stat.type == FileType::Regular) needed += n.stat.size;
  }
  struct statvfs fs;
  if (::fstatvfs(dir.get(), &fs) != 0) throw_errno(out.tmp());
  if (std::uint64_t free = std::uint64_t(fs.f_bavail) * fs.f_frsize; needed > free)
    throw Error(outdir + ": the kept files take " + std::to_string(needed) + " bytes, more than the " +
                std::to_string(free) + " bytes free there");
  // The temporary directory stands for "/"; finish() gives it the root's metadata.
  DirWriter w(root, analysis.generated, dir.get(), options.preserve_privileges);
  std::map<Graph::Vertex, std::string> first_written;  // the name a file was written under
  const auto kept = kept_paths(analysis.graph);
  root.prefetch(kept_regular_files(analysis.graph, kept));  // files still in an image's layers
  std::uint64_t written = 0, bytes = 0;
  for (const auto& k : kept) {
    FileNode n = analysis.graph.node(k.vertex);
    if (k.first_name)
      first_written[k.vertex] = k.path;
    else
      n.path = first_written.at(k.vertex);  // the hardlink's target
    w.write(k, n);
    if (k.first_name && n.stat.type == FileType::Regular) bytes += n.stat.size;
    if (options.progress) options.progress({"writing", ++written, kept.size(), "paths", bytes, false});
  }
  w.finish(analysis.graph);
  out.commit();
  if (options.progress) options.progress({"writing", kept.size(), kept.size(), "paths", bytes, true});
}

}  // namespace raison
