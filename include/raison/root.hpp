// A root is the filesystem tree raison analyses: a directory, or an image unpacked into one.
// Every lookup is resolved *inside* the root, as openat2(RESOLVE_IN_ROOT) would: an absolute symlink
// target "/x" means ROOT/x, ".." never climbs above ROOT, and a chain of more than 40 links is an
// error. Nothing in a root is ever executed, and nothing outside it is ever read.
#pragma once

#include <sys/types.h>

#include <compare>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace raison {

// A file's identity: two paths to one file (hardlinks, or a path through a symlinked directory) are
// one file.
struct FileId {
  std::uint64_t dev = 0;
  std::uint64_t ino = 0;
  auto operator<=>(const FileId&) const = default;
};

enum class FileType { Regular, Directory, Symlink, Other };

struct Stat {
  FileId id;
  FileType type = FileType::Other;
  std::uint32_t mode = 0;  // full st_mode, type bits included
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::uint64_t size = 0;
  std::uint64_t nlink = 1;
  std::int64_t mtime = 0;  // seconds
};

// The result of resolving a path inside a root.
struct Resolved {
  std::string path;                // canonical absolute path inside the root: no ".", "..", or links
  bool exists = false;             // false: `path` is where the lookup stopped (ENOENT or ENOTDIR)
  Stat stat;                       // of `path`, valid when exists
  std::vector<std::string> links;  // canonical paths of the symlinks followed, in the order met
};

// What an image's config says about how its program runs (empty for a plain directory).
struct ImageConfig {
  std::vector<std::string> env;         // "KEY=VALUE"
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::string working_dir;
  std::string user;
};

class Root {
 public:
  virtual ~Root() = default;

  // "directory /srv/rootfs", "image oci:/x:latest"; used in messages.
  virtual std::string describe() const = 0;
  // How to open this root again (an absolute directory, "oci:/abs/dir:tag", ...); empty if unknown.
  virtual std::string source() const { return {}; }

  // Resolves `path` (absolute, or relative to "/") inside the root. With follow_last=false a final
  // symlink is returned itself (lstat semantics). Throws Error on a loop (more than 40 links).
  Resolved resolve(std::string_view path, bool follow_last = true) const;

  // Primitive operations on canonical paths (as returned by resolve). They never follow a symlink.
  virtual std::optional<Stat> lstat(const std::string& canonical) const = 0;
  virtual std::string readlink(const std::string& canonical) const = 0;
  // Opens a regular file for reading (O_RDONLY|O_NOFOLLOW|O_CLOEXEC); throws Error on failure. Safe to
  // call from another thread while this one makes any other call (the Python analyzer reads files
  // ahead on a second core): it may touch no state (cache) that the other calls share.
  virtual int open_read(const std::string& canonical) const = 0;
  // The first bytes of a regular file when the root knows them without reading it: at least 16 (the
  // whole file if shorter) for an image's file still in its layer, from what was recorded of it.
  // nullopt: read the file. Lets "is it ELF? a script?" be answered without fetching the bytes.
  virtual std::optional<std::string> known_head(const std::string& canonical) const {
    (void)canonical;
    return std::nullopt;
  }
  // The bytes of these regular files are about to be read: a root that keeps some elsewhere (an
  // image's files left in their layers) gets them in one pass rather than one per file.
  virtual void prefetch(const std::vector<std::string>& canonical) const { (void)canonical; }
  // Entry names of a directory, sorted; throws Error on failure.
  virtual std::vector<std::string> list_dir(const std::string& canonical) const = 0;
  // The value of extended attribute `name`, if the file has it.
  virtual std::optional<std::string> xattr(const std::string& canonical, const char* name) const = 0;

  // Image metadata, or nullptr for a plain directory.
  virtual const ImageConfig* image_config() const { return nullptr; }

 private:
  mutable std::unordered_map<std::string, Resolved> resolve_cache_[2];
};

// A directory on this machine as a root. Throws Error if it is not a directory.
std::unique_ptr<Root> open_directory_root(const std::string& dir);

// The content of a regular file of the root, at most `limit` bytes (throws Error past it, or on a
// read error).
std::string read_file(const Root& root, const std::string& canonical, std::size_t limit);

// The first executable regular file named `program` in the colon-separated `dirs`, as execvp and
// env search PATH; empty if none. `tried` gets each candidate.
std::string find_in_path(const Root& root, const std::string& program, const std::string& dirs,
                         std::vector<std::string>* tried = nullptr);

// The PATH a program of this root runs with: `env_path` if not empty, else the image's, else the
// usual default.
std::string program_path(const Root& root, const std::string& env_path);

// Helpers for canonical paths.
std::string parent_path(std::string_view canonical);  // "/usr/lib/x" -> "/usr/lib"; "/" -> "/"
std::string base_name(std::string_view path);          // "/usr/lib/x" -> "x"
std::string join_path(std::string_view dir, std::string_view name);

}  // namespace raison
