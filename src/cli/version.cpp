#include "cli/version.hpp"

#include <string_view>

#include "raison_version.hpp"
#include "version_git.hpp"

namespace raison::cli {

std::string version_line() {
  const std::string_view git = RAISON_GIT_DESCRIBE;
  return std::string("raison ") + RAISON_VERSION + (git.empty() || git == RAISON_VERSION ? "" : " (git " + std::string(git) + ")");
}

}  // namespace raison::cli
