// One error type for everything raison reads from untrusted input (roots, images, ELF files, caches).
// A parser throws raison::Error with the cause; each layer above adds where it was ("reading ELF
// /usr/bin/x", "layer 3 of image.tar") with context(), so the message that reaches the user is one line
// naming the file and the cause.
#pragma once

#include <stdexcept>
#include <string>

namespace raison {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& cause) : std::runtime_error(cause) {}

  // Returns a new error whose message is "WHERE: <this message>".
  Error context(const std::string& where) const { return Error(where + ": " + what()); }
};

// Throws Error("WHAT: strerror(errno)"); for failed system calls on a named path.
[[noreturn]] void throw_errno(const std::string& what);

}  // namespace raison
