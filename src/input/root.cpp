// Path resolution inside a root, shared by every kind of root (Root::resolve, on the PathWalk of
// path_walk.hpp), and the lookups built on it: read_file, find_in_path, program_path, path helpers.
// Only the root's primitive lstat/readlink are used, so nothing outside the root is ever read.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "input/path_walk.hpp"
#include "raison/error.hpp"
#include "raison/root.hpp"
#include "util/fd.hpp"
#include "util/path.hpp"

namespace raison {

std::string parent_path(std::string_view p) {
  size_t slash = p.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return "/";
  return std::string(p.substr(0, slash));
}

std::string base_name(std::string_view p) {
  size_t slash = p.rfind('/');
  return std::string(slash == std::string_view::npos ? p : p.substr(slash + 1));
}

std::string join_path(std::string_view dir, std::string_view name) {
  std::string out(dir);
  if (out.empty() || out.back() != '/') out += '/';
  out += name;
  return out;
}

std::string read_file(const Root& root, const std::string& canonical, std::size_t limit) {
  Fd fd(root.open_read(canonical));
  // One read() of the size fstat() gives (plus one byte, to see the end) for most files; the loop
  // goes on for a file that grew or a size the kernel does not know.
  struct stat st;
  std::string text(::fstat(fd.get(), &st) == 0 && st.st_size > 0 ? std::min<std::size_t>(std::size_t(st.st_size), limit) + 1 : 65536, '\0');
  std::size_t used = 0;
  for (;;) {
    if (used == text.size()) text.resize(text.size() * 2);
    ssize_t n = ::read(fd.get(), text.data() + used, text.size() - used);
    if (n < 0) throw_errno(canonical);
    if (n == 0) break;
    used += std::size_t(n);
    if (used > limit) throw Error(canonical + ": larger than " + std::to_string(limit) + " bytes");
  }
  text.resize(used);
  return text;
}

std::string find_in_path(const Root& root, const std::string& program, const std::string& dirs,
                         std::vector<std::string>* tried) {
  for (const std::string& dir : split_list(dirs, ":")) {
    if (dir.empty()) continue;
    std::string candidate = join_path(dir, program);
    if (tried) tried->push_back(candidate);
    try {
      auto r = root.resolve(candidate);
      if (r.exists && r.stat.type == FileType::Regular && (r.stat.mode & 0111)) return candidate;
    } catch (const Error&) {
    }
  }
  return "";
}

std::string program_path(const Root& root, const std::string& env_path) {
  if (!env_path.empty()) return env_path;
  if (const ImageConfig* c = root.image_config())
    for (const auto& kv : c->env)
      if (kv.rfind("PATH=", 0) == 0) return kv.substr(5);
  return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
}

// Resolution by names: the root's own lstat/readlink on each canonical prefix, one PathWalk deciding
// the order. Where the staging walker (image/staging_tree.cpp) differs, and why: here a missing
// component or a file used as a directory is an answer (exists=false, `path` says where the lookup
// stopped, the unwalked rest appended), the final link is followed only when asked (lstat semantics
// otherwise), every link followed is recorded, and answers are cached (a root does not change while it
// is read). The staging walker creates what is missing, refuses a non-directory, walks by descriptors
// because the tree changes under it, and is never asked about a final component.
Resolved Root::resolve(std::string_view path, bool follow_last) const {
  auto& cache = resolve_cache_[follow_last ? 1 : 0];
  std::string key(path);
  if (auto it = cache.find(key); it != cache.end()) return it->second;

  Resolved result;
  // The real (link-free) path reached so far, "/c1/c2..." ("" at the top): the walker's stack of
  // PathWalk, kept as the path it spells, so that entering a component costs an append rather than
  // a join of them all.
  std::string here;
  auto pop = [&] { here.resize(here.rfind('/')); };  // a component never holds a '/'
  PathWalk walk(path);
  // The lookup stops at `here` (ENOENT or ENOTDIR): report where, with what was left to walk.
  auto stopped = [&] {
    for (const auto& rest : walk.rest()) (here += '/') += rest;
    result.path = here.empty() ? "/" : here;
    result.exists = false;
    cache.emplace(std::move(key), result);
    return result;
  };
  auto next = [&] {
    try {
      return walk.next();
    } catch (const Error& e) {
      throw e.context("resolving " + std::string(path));
    }
  };
  while (std::optional<std::string> c = next()) {
    if (*c == "..") {
      pop();
      continue;
    }
    (here += '/') += *c;
    std::optional<Stat> st = lstat(here);
    if (!st) return stopped();
    if (st->type == FileType::Symlink && (!walk.at_end() || follow_last)) {
      result.links.push_back(here);
      std::string target = readlink(here);
      pop();
      try {
        if (walk.follow(target)) here.clear();
      } catch (const Error& e) {
        throw e.context("resolving " + std::string(path));
      }
      continue;
    }
    if (st->type != FileType::Directory && !walk.at_end()) return stopped();
    result.stat = *st;
  }
  result.exists = true;
  if (here.empty()) {
    result.path = "/";
    std::optional<Stat> st = lstat("/");
    if (!st) throw Error("root directory is not readable");
    result.stat = *st;
  } else {
    result.path = here;
  }
  cache.emplace(std::move(key), result);
  return result;
}

}  // namespace raison
