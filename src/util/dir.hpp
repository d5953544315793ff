// Listing a directory held by a descriptor. One reader of directory entries, so that every caller
// skips "." and ".." and closes what it opened the same way.
#pragma once

#include <string>
#include <vector>

namespace raison {

// The entry names of the directory open as `dirfd`, without "." and "..", in the order the
// filesystem gives them. `dirfd` stays open and its own position untouched: the listing reads through
// a duplicate from the start. Throws Error("WHAT: strerror") on failure.
std::vector<std::string> dir_entry_names(int dirfd, const std::string& what);

}  // namespace raison
