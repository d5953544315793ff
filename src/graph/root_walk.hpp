// The one walk of a whole root that `shrink`'s footprint and `diff`'s inventory share: depth-first in
// sorted order, without following links, every entry but directories handed to `visit` (directories
// are descended into; one that cannot be listed counts for nothing). The same root always gives the
// same order.
#pragma once

#include <functional>
#include <string>

#include "raison/root.hpp"

namespace raison {

void walk_root(const Root& root, const std::function<void(const std::string& path, const Stat& stat)>& visit);

}  // namespace raison
