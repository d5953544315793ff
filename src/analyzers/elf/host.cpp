// This machine's loader defaults, by glibc 2.36's own rules: sysdeps/x86/cpu-features.c
// (init_cpu_features: the platform and HWCAP_X86_AVX512_1, Intel CPUs only), the x86-64 ISA levels of
// sysdeps/x86_64/dl-hwcaps-subdirs.c, and elf/dl-hwcaps.c (_dl_important_hwcaps: which names make
// legacy subdirectories, and in what order). tests/unit/host_test.cpp holds them against the real
// loader's LD_DEBUG=libs search path and `ld.so --help`.
#include "analyzers/elf/host.hpp"

#include <elf.h>
#include <sys/auxv.h>

#include <algorithm>

namespace raison::elf {

std::vector<std::string> legacy_subdirectories(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  const size_t n = std::min<size_t>(names.size(), 8);  // glibc refuses long lists; real ones have <= 4
  for (unsigned mask = (1u << n) - 1;; --mask) {
    std::string sub;
    for (size_t i = 0; i < n; ++i)
      if (mask & (1u << (n - 1 - i))) sub += (sub.empty() ? "" : "/") + names[i];
    out.push_back(sub);
    if (mask == 0) break;
  }
  return out;
}

namespace {

// AT_PLATFORM as the kernel passed it to this process; glibc starts from it.
std::string kernel_platform() {
  const char* p = reinterpret_cast<const char*>(::getauxval(AT_PLATFORM));
  return p ? p : "";
}

#if defined(__x86_64__)
HostFacts x86_64_facts() {
  HostFacts h;
  h.machine = EM_X86_64;
  // glibc-hwcaps: the x86-64 psABI levels this CPU (and the kernel's XSAVE state) supports.
  if (__builtin_cpu_supports("x86-64-v4")) h.hwcaps.push_back("x86-64-v4");
  if (__builtin_cpu_supports("x86-64-v3")) h.hwcaps.push_back("x86-64-v3");
  if (__builtin_cpu_supports("x86-64-v2")) h.hwcaps.push_back("x86-64-v2");
  h.platform = kernel_platform();
  if (h.platform.empty()) h.platform = "x86_64";
  // init_cpu_features: dl_hwcap is HWCAP_X86_64; only on an Intel CPU does glibc look further.
  bool avx512_1 = false;
  if (__builtin_cpu_is("intel")) {
    std::string platform;
    // With AVX512CD: AVX512ER and AVX512PF make a Xeon Phi; without AVX512ER, BW+DQ+VL set
    // HWCAP_X86_AVX512_1.
    if (__builtin_cpu_supports("avx512cd")) {
      if (__builtin_cpu_supports("avx512er")) {
        if (__builtin_cpu_supports("avx512pf")) platform = "xeon_phi";
      } else if (__builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
                 __builtin_cpu_supports("avx512vl")) {
        avx512_1 = true;
      }
    }
    // A Haswell-class CPU: AVX2, FMA, BMI1, BMI2, LZCNT, MOVBE and POPCNT all usable.
    if (platform.empty() && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
        __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("lzcnt") &&
        __builtin_cpu_supports("movbe") && __builtin_cpu_supports("popcnt"))
      platform = "haswell";
    if (!platform.empty()) h.platform = platform;
  }
  // _dl_important_hwcaps: the important hwcap bits (HWCAP_X86_64 = bit 1, HWCAP_X86_AVX512_1 = bit 2)
  // low to high, then the platform, then "tls"; paths name them in the reverse order.
  h.legacy_hwcaps = {"tls", h.platform};
  if (avx512_1) h.legacy_hwcaps.push_back("avx512_1");
  h.legacy_hwcaps.push_back("x86_64");
  return h;
}
#endif

}  // namespace

const HostFacts& host_facts() {
  static const HostFacts facts = [] {
#if defined(__x86_64__)
    return x86_64_facts();
#else
    // Not modelled: glibc's hwcaps rules for this architecture. AT_PLATFORM is the kernel's; the
    // user gives --hwcaps and --legacy-hwcaps.
    HostFacts h;
    h.platform = kernel_platform();
    return h;
#endif
  }();
  return facts;
}

}  // namespace raison::elf
