// The sonames of the libraries raison loads on first use (lazy_lib.hpp): meson reads them from the
// libraries the build found (meson.build) into sonames_config.h.
#pragma once

#include "util/sonames_config.h"

namespace raison {

inline constexpr const char* kLibarchiveSoname = RAISON_LIBARCHIVE_SONAME;
inline constexpr const char* kLibcryptoSoname = RAISON_LIBCRYPTO_SONAME;
inline constexpr const char* kIsalSoname = RAISON_ISAL_SONAME;

}  // namespace raison
