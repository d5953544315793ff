// Escaping of control bytes for messages (see printable.hpp).
#include "util/printable.hpp"

namespace raison {

std::string printable(std::string_view s) {
  static const char* const hex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace raison
