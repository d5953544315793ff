// PathWalk (see path_walk.hpp): components are kept reversed so that splicing a link's target in
// front of what is left costs the target's length, not the path's.
#include "input/path_walk.hpp"

#include "raison/error.hpp"
#include "util/path.hpp"

namespace raison {

PathWalk::PathWalk(std::string_view path) { push_front(path); }

PathWalk::PathWalk(std::span<const std::string> components)
    : pending_(components.rbegin(), components.rend()) {}

void PathWalk::push_front(std::string_view path) {
  std::vector<std::string> parts = path_components(path);
  pending_.insert(pending_.end(), std::make_move_iterator(parts.rbegin()), std::make_move_iterator(parts.rend()));
}

std::optional<std::string> PathWalk::next() {
  while (!pending_.empty()) {
    std::string c = std::move(pending_.back());
    pending_.pop_back();
    if (c == ".") continue;
    if (++steps_ > kMaxWalkSteps)
      throw Error("path takes more than " + std::to_string(kMaxWalkSteps) + " steps to resolve (a link bomb?)");
    if (c == "..") {
      if (held_ == 0) continue;  // at the top: the root is its own parent
      --held_;
      return c;
    }
    ++held_;
    return c;
  }
  return std::nullopt;
}

bool PathWalk::follow(std::string_view target) {
  if (++links_ > kMaxSymlinks)
    throw Error("too many levels of symbolic links (more than " + std::to_string(kMaxSymlinks) + ", a loop?)");
  --held_;  // the link itself is no level: its target takes its place
  bool absolute = !target.empty() && target[0] == '/';
  if (absolute) held_ = 0;
  push_front(target);
  return absolute;
}

std::vector<std::string> PathWalk::rest() const { return {pending_.rbegin(), pending_.rend()}; }

}  // namespace raison
