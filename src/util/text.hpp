// Small text helpers for the line-based files raison reads (pyvenv.cfg, .pth, nsswitch.conf,
// top_level.txt, entry_points.txt): one way to split lines and trim blanks.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace raison {

// `s` without leading and trailing blanks (space, tab, CR, LF, FF, VT).
std::string_view trim(std::string_view s);

// The lines of `text`, each without its "\n" or "\r\n"; a last line without a newline counts, an empty
// text has none.
std::vector<std::string> split_lines(std::string_view text);

}  // namespace raison
