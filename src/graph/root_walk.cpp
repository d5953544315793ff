// walk_root (root_walk.hpp): depth-first, sorted, links not followed.
#include "graph/root_walk.hpp"

#include "raison/error.hpp"

namespace raison {

namespace {
void walk_dir(const Root& root, const std::string& dir, const std::function<void(const std::string&, const Stat&)>& visit) {
  std::vector<std::string> names;
  try {
    names = root.list_dir(dir);
  } catch (const Error&) {
    return;  // an unreadable directory counts for nothing
  }
  for (const auto& name : names) {
    const std::string p = join_path(dir, name);
    const auto st = root.lstat(p);
    if (!st) continue;
    if (st->type == FileType::Directory) walk_dir(root, p, visit);
    else visit(p, *st);
  }
}
}  // namespace

void walk_root(const Root& root, const std::function<void(const std::string& path, const Stat& stat)>& visit) {
  walk_dir(root, "/", visit);
}

}  // namespace raison
