// Writes a closure as a directory tree. Everything goes into a fresh temporary directory beside the
// destination, created with *at() calls under an O_DIRECTORY descriptor; only when every file is in
// place is it renamed to the destination, so an error leaves nothing half-written.
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <map>

#include "raison/emit.hpp"
#include "raison/error.hpp"

namespace raison {

namespace {

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

std::string rel(const std::string& canonical) { return canonical == "/" ? "." : canonical.substr(1); }

void copy_contents(int from, int to, const std::string& path) {
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
  DirWriter(const Root& root, const std::map<std::string, std::string>& generated, int dirfd)
      : root_(root), generated_(generated), dirfd_(dirfd), as_root_(::geteuid() == 0) {}

  void write(const KeptPath& k, const FileNode& n) {
    const std::string r = rel(k.path);
    if (!k.first_name) {  // another name of a file already written
      if (::linkat(dirfd_, rel(n.path).c_str(), dirfd_, r.c_str(), 0) != 0) throw_errno("linking " + k.path);
      return;
    }
    const mode_t perm = n.stat.mode & 07777;
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
        if (out.fd < 0) throw_errno("creating " + k.path);
        if (auto g = generated_.find(n.path); g != generated_.end()) {
          if (::write(out.fd, g->second.data(), g->second.size()) != ssize_t(g->second.size())) throw_errno("writing " + k.path);
        } else {
          Fd in{root_.open_read(k.path)};
          copy_contents(in.fd, out.fd, k.path);
        }
        if (auto cap = root_.xattr(k.path, "security.capability"))
          if (::fsetxattr(out.fd, "security.capability", cap->data(), cap->size(), 0) != 0)
            throw_errno("setting security.capability on " + k.path);
        if (as_root_ && ::fchown(out.fd, n.stat.uid, n.stat.gid) != 0) throw_errno("chown " + k.path);
        // After chown: chown clears set-user-ID bits.
        if (::fchmod(out.fd, perm) != 0) throw_errno("chmod " + k.path);
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
    for (const auto& d : dirs_) {
      const FileNode& n = g.node(*g.find(d));
      owner(rel(d), n, d);
      if (::fchmodat(dirfd_, rel(d).c_str(), n.stat.mode & 07777, 0) != 0) throw_errno("chmod " + d);
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
  std::vector<std::string> dirs_;
};

}  // namespace

void write_root_dir(const Root& root, const Analysis& analysis, const std::string& outdir, const EmitOptions& options) {
  namespace fs = std::filesystem;
  fs::path dest = fs::absolute(outdir).lexically_normal();
  if (dest.filename().empty()) dest = dest.parent_path();
  std::error_code ec;
  bool exists = fs::exists(fs::symlink_status(dest, ec));
  if (exists) {
    if (!fs::is_directory(fs::symlink_status(dest)))
      throw Error(outdir + ": exists and is not a directory");
    if (!fs::is_empty(dest) && !options.replace)
      throw Error(outdir + ": exists and is not empty (use --force to replace it)");
  }
  fs::path tmp = dest.parent_path() / ("." + dest.filename().string() + ".raison-tmp-" + std::to_string(::getpid()));
  fs::remove_all(tmp, ec);
  if (::mkdir(tmp.c_str(), 0700) != 0) throw_errno("creating " + tmp.string());
  try {
    Fd dir{::open(tmp.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
    if (dir.fd < 0) throw_errno(tmp.string());
    DirWriter w(root, analysis.generated, dir.fd);
    // The temporary directory stands for "/"; finish() gives it the root's metadata.
    std::map<Graph::Vertex, std::string> first_written;  // the name a file was written under
    for (const auto& k : kept_paths(analysis.graph)) {
      FileNode n = analysis.graph.node(k.vertex);
      if (k.first_name)
        first_written[k.vertex] = k.path;
      else
        n.path = first_written.at(k.vertex);  // the hardlink's target
      w.write(k, n);
    }
    w.finish(analysis.graph);
    if (exists) {
      fs::path old = dest.parent_path() / ("." + dest.filename().string() + ".raison-old-" + std::to_string(::getpid()));
      fs::rename(dest, old);
      fs::rename(tmp, dest);
      fs::remove_all(old);
    } else {
      fs::rename(tmp, dest);
    }
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
}

void write_file_atomically(const std::string& path, const std::string& text) {
  std::string tmp = path + ".raison-tmp-" + std::to_string(::getpid());
  Fd f{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
  if (f.fd < 0) throw_errno("creating " + tmp);
  for (size_t done = 0; done < text.size();) {
    ssize_t w = ::write(f.fd, text.data() + done, text.size() - done);
    if (w < 0) {
      ::unlink(tmp.c_str());
      throw_errno("writing " + tmp);
    }
    done += size_t(w);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    throw_errno("renaming " + tmp + " to " + path);
  }
}

}  // namespace raison
