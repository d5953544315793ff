// The seeds of a whole-root analysis: every program a root holds (see seeds.hpp), found by walking it
// without following links and reading the first bytes of each regular file.
#include <unistd.h>

#include "analysis/seeds.hpp"
#include "raison/error.hpp"
#include "util/fd.hpp"

namespace raison {

namespace {

void walk(const Root& root, const std::string& dir, std::vector<std::string>& out) {
  if (dir == "/proc" || dir == "/sys" || dir == "/dev") return;
  std::vector<std::string> names;
  try {
    names = root.list_dir(dir);
  } catch (const Error&) {
    return;
  }
  for (const auto& name : names) {
    const std::string path = join_path(dir, name);
    const auto st = root.lstat(path);
    if (!st) continue;
    if (st->type == FileType::Directory) {
      walk(root, path, out);
      continue;
    }
    if (st->type != FileType::Regular || st->size < 4) continue;
    char head[4] = {};
    // An image's file still in its layer: its recorded first bytes say it is neither.
    if (const auto known = root.known_head(path); known && !known->starts_with("\x7f" "ELF") && !known->starts_with("#!"))
      continue;
    try {
      const Fd fd{root.open_read(path)};
      if (::pread(fd.get(), head, sizeof head, 0) != ssize_t(sizeof head)) continue;
    } catch (const Error&) {
      continue;
    }
    const bool elf = head[0] == 0x7f && head[1] == 'E' && head[2] == 'L' && head[3] == 'F';
    const bool script = head[0] == '#' && head[1] == '!' && (st->mode & 0111) != 0;
    if (elf || script) out.push_back(path);
  }
}

}  // namespace

std::vector<std::string> whole_root_seeds(const Root& root) {
  std::vector<std::string> out;
  walk(root, "/", out);
  return out;
}

}  // namespace raison
