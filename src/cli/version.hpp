// `raison --version`: the version of meson's project() and, in a git checkout, `git describe` of the
// commit built (build/src/cli/version_git.hpp, written by meson's vcs_tag).
#pragma once

#include <string>

namespace raison::cli {

// "raison 0.1.0 (git v0.1.0-12-gabc1234)"; "raison 0.1.0" outside a git checkout.
std::string version_line();

}  // namespace raison::cli
