// Splitting of the strings raison reads paths and search lists from. One splitter, so that every
// reader agrees on what an empty element or a doubled separator means.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace raison {

// The components of a path: "/usr//lib/./x" -> {"usr", "lib", ".", "x"}. Empty components (leading,
// doubled or trailing '/') are dropped; "." and ".." are kept for the caller to interpret.
std::vector<std::string> path_components(std::string_view path);

// "/a/./b//c/../d" -> "/a/b/d"; ".." at the top stays at "/". Lexical only (os.path.normpath of an
// absolute path): links are resolved later, inside the root. `path` must be absolute.
std::string lexically_normal(std::string_view path);

// The elements of a list separated by any character of `separators`, empty elements kept (a search
// list's empty element means the working directory): "a::b" -> {"a", "", "b"}; "" -> {""}.
std::vector<std::string> split_list(std::string_view list, std::string_view separators);

}  // namespace raison
