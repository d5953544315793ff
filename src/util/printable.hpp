// Bytes from untrusted input (entry names, link targets) as they may appear in a one-line message:
// control bytes are escaped so that a name cannot break the line or forge another.
#pragma once

#include <string>
#include <string_view>

namespace raison {

// `s` with every byte below 0x20 and 0x7f written as \xHH; other bytes unchanged.
std::string printable(std::string_view s);

}  // namespace raison
