// Glob matching and expansion inside a root (see glob.hpp): patterns and paths split into components
// by the one path splitter, expansion through the root's own list_dir/lstat/resolve.
#include "input/glob.hpp"

#include <fnmatch.h>

#include <set>
#include <vector>

#include "raison/error.hpp"
#include "util/path.hpp"

namespace raison {

namespace {

using Fn = std::function<void(const std::string&)>;
using OnError = std::function<void(const std::string&, const std::string&)>;

bool component_match(const std::string& pattern, const std::string& name) {
  return ::fnmatch(pattern.c_str(), name.c_str(), FNM_PERIOD) == 0;
}

bool match_from(const std::vector<std::string>& pat, size_t pi, const std::vector<std::string>& path, size_t xi) {
  if (pi == pat.size()) return xi == path.size();
  if (pat[pi] == "**") {
    for (size_t k = xi; k <= path.size(); ++k)
      if (match_from(pat, pi + 1, path, k)) return true;
    return false;
  }
  return xi < path.size() && component_match(pat[pi], path[xi]) && match_from(pat, pi + 1, path, xi + 1);
}

struct Walker {
  const Root& root;
  const Fn& fn;
  const OnError& on_error;
  std::vector<std::string> parts;
  // Directories whose tree was passed already: a link back to an ancestor (or to "/") is passed
  // itself, its target's tree only once, so a hostile root cannot make the walk endless.
  std::set<FileId> walked{};

  std::vector<std::string> list(const std::string& dir) {
    try {
      return root.list_dir(dir);
    } catch (const Error& e) {
      on_error(dir, e.what());
      return {};
    }
  }

  // A matched path: itself and, for a directory (or a link to one), everything under it.
  void tree(const std::string& path, bool self) {
    auto st = root.lstat(path);
    if (!st) return;
    if (self) fn(path);
    if (st->type == FileType::Symlink) {
      Resolved t;
      try {
        t = root.resolve(path);
      } catch (const Error& e) {
        on_error(path, e.what());
        return;
      }
      if (t.exists && t.stat.type == FileType::Directory && walked.insert(t.stat.id).second)
        for (const auto& name : list(t.path)) tree(join_path(t.path, name), true);
      return;
    }
    if (st->type != FileType::Directory || !walked.insert(st->id).second) return;
    for (const auto& name : list(path)) tree(join_path(path, name), true);
  }

  void walk(const std::string& dir, size_t i) {
    if (i == parts.size()) {
      tree(dir, true);
      return;
    }
    const std::string& part = parts[i];
    const bool last = i + 1 == parts.size();
    if (part.find_first_of("*?[") == std::string::npos) {
      std::string next = join_path(dir, part);
      auto st = root.lstat(next);
      if (!st) return;
      if (last) {
        tree(next, true);
      } else if (st->type == FileType::Symlink) {
        Resolved r;
        try {
          r = root.resolve(next);
        } catch (const Error& e) {
          on_error(next, e.what());
          return;
        }
        // The link is on the way to what matches (/sbin -> usr/sbin for /sbin/ldconfig): a program
        // opening the pattern's path goes through it, so it is passed too when something matches.
        if (r.exists && r.stat.type == FileType::Directory) {
          bool matched = false;
          Fn inner = [&](const std::string& p) {
            if (!matched) fn(next);
            matched = true;
            fn(p);
          };
          Walker sub{root, inner, on_error, parts};
          sub.walk(r.path, i + 1);
        }
      } else if (st->type == FileType::Directory) {
        walk(next, i + 1);
      }
      return;
    }
    if (part == "**") {
      walk(dir, i + 1);  // zero components
      for (const auto& name : list(dir)) {
        std::string child = join_path(dir, name);
        auto st = root.lstat(child);
        if (st && st->type == FileType::Directory) walk(child, i);
        else if (last) fn(child);
      }
      return;
    }
    for (const auto& name : list(dir)) {
      if (!component_match(part, name)) continue;
      std::string child = join_path(dir, name);
      if (last) {
        tree(child, true);
        continue;
      }
      auto st = root.lstat(child);
      if (st && st->type == FileType::Directory) walk(child, i + 1);
      else if (st && st->type == FileType::Symlink) {
        try {
          auto r = root.resolve(child);
          if (r.exists && r.stat.type == FileType::Directory) walk(r.path, i + 1);
        } catch (const Error& e) {
          on_error(child, e.what());
        }
      }
    }
  }
};

// A pattern's components, normalised lexically at the root as every path of a root is: "." dropped,
// ".." takes back the component before it and at the top is the top itself, so that no pattern (from
// the command line, a rules file or an image's own data) names anything above the root.
std::vector<std::string> pattern_components(std::string_view pattern) {
  std::string absolute = pattern.starts_with('/') ? std::string(pattern) : "/" + std::string(pattern);
  return path_components(lexically_normal(absolute));
}

}  // namespace

GlobPattern::GlobPattern(std::string_view pattern) : parts_(pattern_components(pattern)) {}

bool GlobPattern::matches(const std::vector<std::string>& path) const {
  // A last component other than "**" can only match the path's last one: most paths fail there,
  // without trying each place a leading "**" could end.
  if (!parts_.empty() && parts_.back() != "**" && (path.empty() || !component_match(parts_.back(), path.back())))
    return false;
  return match_from(parts_, 0, path, 0);
}

bool glob_match(std::string_view pattern, std::string_view path) {
  return GlobPattern(pattern).matches(path_components(path));
}

void glob_root(const Root& root, const std::string& pattern, const Fn& fn, const OnError& on_error) {
  Walker w{root, fn, on_error, pattern_components(pattern)};
  w.walk("/", 0);
}

}  // namespace raison
