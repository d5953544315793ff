// Output destinations: the check before the run, the temporary name beside the destination, the
// rename into place. Every std::filesystem call takes an error_code, so a failure is a raison::Error
// naming the path (exit 3), never a library exception.
#include "emit/destination.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "raison/emit.hpp"
#include "raison/error.hpp"

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
  fs::remove_all(tmp_, ec);  // a leftover of a killed run with the same pid; if it stays, creating tmp fails
}

StagedOutput::~StagedOutput() {
  if (committed_) return;
  std::error_code ec;
  fs::remove_all(tmp_, ec);
}

void StagedOutput::commit() {
  if (!dest_exists_) {
    if (::rename(tmp_.c_str(), dest_.c_str()) != 0) throw_errno("renaming " + tmp_ + " to " + dest_);
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
  committed_ = true;
  remove_tree(old);
}

void close_output(Fd& fd, const std::string& what) {
  if (::close(fd.release()) != 0) throw_errno("closing " + what);
}

void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".raison-tmp-" + std::to_string(::getpid());
  try {
    Fd f{::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)};
    if (!f.valid()) throw_errno("creating " + tmp);
    for (std::size_t done = 0; done < text.size();) {
      const ssize_t w = ::write(f.get(), text.data() + done, text.size() - done);
      if (w < 0) throw_errno("writing " + tmp);
      done += std::size_t(w);
    }
    close_output(f, tmp);
    if (::rename(tmp.c_str(), path.c_str()) != 0) throw_errno("renaming " + tmp + " to " + path);
  } catch (const Error&) {
    ::unlink(tmp.c_str());
    throw;
  }
}

}  // namespace raison
