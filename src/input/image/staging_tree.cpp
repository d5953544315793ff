// Walking and removing inside the staging directory (see staging_tree.hpp). Every call is an *at()
// call relative to a descriptor of a directory of the tree, with O_NOFOLLOW / AT_SYMLINK_NOFOLLOW; a
// symlink met on the way is resolved by hand with the PathWalk that Root::resolve uses.
#include "input/image/staging_tree.hpp"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <vector>

#include "input/path_walk.hpp"
#include "raison/error.hpp"
#include "util/temp_dir.hpp"
#include "util/dir.hpp"
#include "util/cleanup.hpp"

namespace raison {

namespace {

// Directories nested deeper than this are refused: a walk and a removal hold one descriptor per
// level, and no real image comes near it.
constexpr std::size_t kMaxDepth = 256;

Fd dup_of(int fd) {
  Fd out(::fcntl(fd, F_DUPFD_CLOEXEC, 0));
  if (!out.valid()) throw_errno("dup");
  return out;
}

}  // namespace

StagingTree::StagingTree(const std::string& temp_dir) {
  path_ = make_run_dir(temp_dir, "staging");  // removed on SIGINT/SIGTERM, reclaimed after a SIGKILL
  top_.reset(::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!top_.valid()) {
    const int saved = errno;
    ::rmdir(path_.c_str());
    unmark_staging(path_, false);
    errno = saved;
    throw_errno(path_);
  }
}

StagingTree::~StagingTree() {
  if (!owned_) return;
  top_.reset();
  try {
    remove_staging(path_);
  } catch (const Error&) {  // a destructor cannot report; the directory is under the caller's temp dir
  }
  unmark_staging(path_, false);
}

// The staging walker: the algorithm of Root::resolve (one PathWalk: the same order, "." and "..",
// absolute targets from the top, the same 40-link limit), over descriptors. Where it differs, and why:
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
std::optional<StagingTree::Dir> StagingTree::walk(std::span<const std::string> components,
                                                  const Created* created) {
  PathWalk walk(components);
  std::vector<Fd> stack;  // the directories entered; the tree's top below them
  std::string canonical;  // their path, "" for the top
  auto here_fd = [&] { return stack.empty() ? top_.get() : stack.back().get(); };
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
      if (!created) return std::nullopt;
      if (::mkdirat(here_fd(), c->c_str(), 0755 | S_IRWXU) != 0) throw_errno("creating " + here);
      (*created)(here);
      st.st_mode = S_IFDIR;
    }
    if (S_ISLNK(st.st_mode)) {
      std::string target(PATH_MAX, '\0');
      ssize_t len = ::readlinkat(here_fd(), c->c_str(), target.data(), target.size());
      if (len < 0) throw_errno(here);
      target.resize(static_cast<std::size_t>(len));
      try {
        if (walk.follow(target)) {  // absolute: from the tree's top
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
  Fd fd = stack.empty() ? dup_of(top_.get()) : std::move(stack.back());
  return Dir{std::move(fd), canonical.empty() ? "/" : canonical};
}

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

void remove_staging(const std::string& path) {
  std::size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  Fd parent(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!parent.valid()) throw_errno(dir);
  remove_tree(parent.get(), path.substr(slash + 1));
}

}  // namespace raison
