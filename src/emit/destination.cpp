// Output destinations: the check before the run, the temporary name beside the destination, the
// rename into place. Every std::filesystem call takes an error_code, so a failure is a raison::Error
// naming the path (exit 3), never a library exception.
#include "emit/destination.hpp"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <signal.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>

#include "raison/emit.hpp"
#include "raison/error.hpp"
#include "util/cleanup.hpp"

namespace raison {

namespace fs = std::filesystem;

namespace {

// dest's sibling ".NAME<what>PID".
std::string beside(const fs::path& dest, const char* what) {
  return (dest.parent_path() / ("." + dest.filename().string() + what + std::to_string(::getpid()))).string();
}

void remove_tree(const std::string& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) throw Error("removing " + path + ": " + ec.message());
}

// Removes what runs killed by SIGKILL left beside DEST: ".NAME.raison-tmp-PID" and
// ".NAME.raison-tmp-PID-XXXXXX" (write_file_atomically) whose PID is gone, seen through lstat, ours.
void reclaim_beside(const fs::path& dest) {
  const std::string prefix = "." + dest.filename().string() + ".raison-tmp-";
  std::error_code ec;
  fs::directory_iterator it(dest.parent_path().empty() ? fs::path(".") : dest.parent_path(), ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string rest = name.substr(prefix.size());
    const std::size_t digits = rest.find_first_not_of("0123456789");
    if (digits == 0 || (digits != std::string::npos && rest[digits] != '-')) continue;
    const long pid = std::strtol(rest.c_str(), nullptr, 10);
    struct stat st;
    if (pid <= 0 || pid == ::getpid() || ::kill(pid_t(pid), 0) == 0 || errno != ESRCH) continue;
    if (::lstat(it->path().c_str(), &st) != 0 || st.st_uid != ::geteuid()) continue;
    std::error_code ignored;
    fs::remove_all(it->path(), ignored);  // a link is removed, not followed
  }
}

}  // namespace

void check_output_dir(const std::string& path) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  const std::string dir = fs::path(p).parent_path().string();
  if (dir.empty()) return;  // the current directory
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) throw_errno(path + ": directory " + dir);
  if (!S_ISDIR(st.st_mode)) throw Error(path + ": " + dir + ": Not a directory");
}

StagedOutput::StagedOutput(const std::string& dest) {
  std::error_code ec;
  fs::path d = fs::absolute(dest, ec).lexically_normal();
  if (ec) throw Error(dest + ": " + ec.message());
  if (d.filename().empty()) d = d.parent_path();  // "out/"
  dest_ = d.string();
  struct stat st;
  dest_exists_ = ::lstat(dest_.c_str(), &st) == 0;
  tmp_ = beside(d, ".raison-tmp-");
  reclaim_beside(d);
  fs::remove_all(tmp_, ec);  // a leftover of a killed run with the same pid; if it stays, creating tmp fails
  cleanup_ = std::make_unique<CleanupOnSignal>(tmp_);
}

StagedOutput::~StagedOutput() {
  if (committed_) return;
  std::error_code ec;
  fs::remove_all(tmp_, ec);
}

void StagedOutput::commit() {
  if (!dest_exists_) {
    if (::rename(tmp_.c_str(), dest_.c_str()) != 0) throw_errno("renaming " + tmp_ + " to " + dest_);
    cleanup_.reset();
    committed_ = true;
    return;
  }
  const std::string old = beside(fs::path(dest_), ".raison-old-");
  if (::rename(dest_.c_str(), old.c_str()) != 0) throw_errno("moving " + dest_ + " aside to " + old);
  if (::rename(tmp_.c_str(), dest_.c_str()) != 0) {
    const int err = errno;
    ::rename(old.c_str(), dest_.c_str());  // put the old output back rather than leave none
    errno = err;
    throw_errno("renaming " + tmp_ + " to " + dest_);
  }
  cleanup_.reset();
  committed_ = true;
  remove_tree(old);
}

void close_output(Fd& fd, const std::string& what) {
  if (::close(fd.release()) != 0) throw_errno("closing " + what);
}

void write_file_atomically(const std::string& path, const std::string& text) {
  // The temporary is made new (O_EXCL|O_NOFOLLOW: a file or link planted at its name is never
  // followed nor reused) under a random name, in the directory held open, and renamed within it.
  const fs::path p(path);
  const std::string dir = p.has_parent_path() ? p.parent_path().string() : ".";
  Fd dir_fd{::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (!dir_fd.valid()) throw_errno("opening the directory of " + path);
  const std::string name = p.filename().string();
  std::string tmp_name;
  Fd f;
  for (int attempt = 0; attempt < 100 && !f.valid(); ++attempt) {
    unsigned char random[6];
    if (::getrandom(random, sizeof random, 0) != sizeof random) throw_errno("getrandom");
    tmp_name = "." + name + ".raison-tmp-" + std::to_string(::getpid()) + "-";
    for (unsigned char c : random) tmp_name += "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"[c % 62];
    f.reset(::openat(dir_fd.get(), tmp_name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644));
    if (!f.valid() && errno != EEXIST) throw_errno("creating " + dir + "/" + tmp_name);
  }
  if (!f.valid()) throw_errno("creating a temporary file beside " + path);
  reclaim_beside(p);
  const std::string tmp = dir + "/" + tmp_name;
  const CleanupOnSignal cleanup(dir_fd.get(), tmp_name);
  try {
    for (std::size_t done = 0; done < text.size();) {
      const ssize_t w = ::write(f.get(), text.data() + done, text.size() - done);
      if (w < 0) throw_errno("writing " + tmp);
      done += std::size_t(w);
    }
    close_output(f, tmp);
    if (::renameat(dir_fd.get(), tmp_name.c_str(), dir_fd.get(), name.c_str()) != 0)
      throw_errno("renaming " + tmp + " to " + path);
  } catch (const Error&) {
    ::unlinkat(dir_fd.get(), tmp_name.c_str(), 0);
    throw;
  }
}

}  // namespace raison
