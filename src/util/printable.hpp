// Bytes from untrusted input (entry names, link targets) as they may appear in a one-line message:
// control bytes are escaped so that a name cannot break the line or forge another.
#pragma once

#include <string>
#include <string_view>

namespace raison {

// `s` with every byte below 0x20 and 0x7f written as \xHH, and so the C1 controls U+0080..U+009F
// (UTF-8 C2 80..C2 9F, which a terminal may take as CSI and the like); other bytes unchanged. Every
// byte of a name, target, digest or message that came from an image goes through this before it is
// printed, so that it cannot break a line, forge one, or drive the terminal.
std::string printable(std::string_view s);

}  // namespace raison
