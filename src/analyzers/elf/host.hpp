// What glibc's loader on this machine decides from the CPU before it searches anything: AT_PLATFORM
// (substituted for $PLATFORM), the glibc-hwcaps subdirectories it searches, and the legacy hwcap
// names whose combinations are subdirectories too. Used as the defaults for roots of the host's own
// architecture; other roots get none (the user passes --hwcaps, --legacy-hwcaps, --at-platform).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace raison::elf {

struct HostFacts {
  std::uint16_t machine = 0;            // EM_* of this machine; 0 when raison does not model it
  std::string platform;                 // GLRO(dl_platform) after glibc's CPU rules
  std::vector<std::string> hwcaps;      // glibc-hwcaps subdirectories searched, highest priority first
  // Legacy hwcap names in the order they appear in a subdirectory path ("tls/haswell/avx512_1/x86_64"):
  // tls, the platform, then the hwcap bits glibc counts as important, highest bit first.
  std::vector<std::string> legacy_hwcaps;
};

// This machine's facts, computed once.
const HostFacts& host_facts();

// The legacy subdirectories glibc (< 2.37, _dl_important_hwcaps) searches for `names` (in path
// order): every combination, the full one first and the empty one ("") last, each keeping the order
// of `names`; combination k leaves out the names whose bits are set in k, the last name's bit lowest.
std::vector<std::string> legacy_subdirectories(const std::vector<std::string>& names);

}  // namespace raison::elf
