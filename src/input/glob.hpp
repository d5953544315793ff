// Glob patterns over a root: '*', '?', '[...]' match within one path component, '**' any number of
// components. Used by rules and --keep; expansion stays inside the root like every other lookup.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "raison/root.hpp"

namespace raison {

// True if absolute `path` matches absolute `pattern`.
bool glob_match(std::string_view pattern, std::string_view path);

// A pattern split into its components once, for matching many paths (the rules analyzer matches
// every kept file against every rule's globs: glob_match would split both at each call).
class GlobPattern {
 public:
  explicit GlobPattern(std::string_view pattern);
  // `path` given as path_components of an absolute path; the same answer as glob_match.
  bool matches(const std::vector<std::string>& path) const;

 private:
  std::vector<std::string> parts_;
};

// Calls `fn` with every path of the root matching `pattern`, in sorted order (paths as reached: a
// final symlink is passed itself). A directory that matches stands for its whole tree; a symlink to
// a directory also passes the tree under its target. Unreadable directories are passed to `on_error`.
void glob_root(const Root& root, const std::string& pattern, const std::function<void(const std::string&)>& fn,
               const std::function<void(const std::string& path, const std::string& error)>& on_error);

}  // namespace raison
