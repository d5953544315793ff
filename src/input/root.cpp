// Path resolution inside a root, shared by every kind of root: a symlink's absolute target is taken
// relative to the root, ".." stops at the root, and more than 40 links in one lookup is a loop (the
// kernel's MAXSYMLINKS). Only the root's primitive lstat/readlink are used, so nothing outside is read.
#include <unistd.h>

#include <deque>

#include "raison/error.hpp"
#include "raison/root.hpp"
#include "util/fd.hpp"
#include "util/path.hpp"

namespace raison {

namespace {

constexpr int kMaxSymlinks = 40;

void push_components(std::deque<std::string>& queue, std::string_view path) {
  std::vector<std::string> parts = path_components(path);
  queue.insert(queue.begin(), parts.begin(), parts.end());
}

std::string join(const std::vector<std::string>& stack) {
  if (stack.empty()) return "/";
  std::string out;
  for (const auto& c : stack) out += "/" + c;
  return out;
}

}  // namespace

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
  std::string text;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) throw_errno(canonical);
    if (n == 0) break;
    text.append(buf, size_t(n));
    if (text.size() > limit) throw Error(canonical + ": larger than " + std::to_string(limit) + " bytes");
  }
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

Resolved Root::resolve(std::string_view path, bool follow_last) const {
  auto& cache = resolve_cache_[follow_last ? 1 : 0];
  std::string key(path);
  if (auto it = cache.find(key); it != cache.end()) return it->second;

  Resolved result;
  std::vector<std::string> stack;  // components of the real (link-free) path reached so far
  std::deque<std::string> queue;   // components still to walk
  push_components(queue, path);
  int hops = 0;
  while (!queue.empty()) {
    std::string c = std::move(queue.front());
    queue.pop_front();
    if (c == ".") continue;
    if (c == "..") {  // never above the root
      if (!stack.empty()) stack.pop_back();
      continue;
    }
    stack.push_back(std::move(c));
    std::string here = join(stack);
    std::optional<Stat> st = lstat(here);
    if (!st) {  // ENOENT: the lookup stops here; report where
      for (auto& rest : queue) stack.push_back(rest);
      result.path = join(stack);
      result.exists = false;
      cache.emplace(std::move(key), result);
      return result;
    }
    if (st->type == FileType::Symlink && (!queue.empty() || follow_last)) {
      if (++hops > kMaxSymlinks)
        throw Error("resolving " + std::string(path) + ": more than 40 symbolic links (a loop?)");
      result.links.push_back(here);
      std::string target = readlink(here);
      stack.pop_back();
      if (!target.empty() && target[0] == '/') stack.clear();  // absolute: from the root's top
      push_components(queue, target);
      continue;
    }
    if (st->type != FileType::Directory && !queue.empty()) {  // ENOTDIR
      for (auto& rest : queue) stack.push_back(rest);
      result.path = join(stack);
      result.exists = false;
      cache.emplace(std::move(key), result);
      return result;
    }
    result.stat = *st;
  }
  result.path = join(stack);
  result.exists = true;
  if (stack.empty()) {
    std::optional<Stat> st = lstat("/");
    if (!st) throw Error("root directory is not readable");
    result.stat = *st;
  }
  cache.emplace(std::move(key), result);
  return result;
}

}  // namespace raison
