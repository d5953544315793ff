// raison::Error helpers.
#include "raison/error.hpp"

#include <cerrno>
#include <cstring>

namespace raison {

void throw_errno(const std::string& what) { throw Error(what + ": " + std::strerror(errno)); }

}  // namespace raison
