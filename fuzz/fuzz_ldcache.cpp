// glibc's ld.so.cache parser, then the loader's lookup over what it parsed, and our writer on the entries
// (what it writes must parse back).
#include "analyzers/elf/ldcache.hpp"
#include "harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return raison::fuzz::run([&] {
    raison::elf::LdCache cache = raison::elf::parse_ld_cache(raison::fuzz::bytes(data, size));
    std::vector<std::string> hwcaps = {"x86-64-v3", "x86-64-v2"};
    for (const auto& e : cache.entries) {
      raison::elf::ld_cache_lookup(cache, e.soname, std::nullopt, hwcaps);
      raison::elf::ld_cache_lookup(cache, e.soname, raison::elf::ld_cache_flags_for(2, 62), hwcaps);
      break;
    }
    raison::elf::parse_ld_cache(raison::elf::write_ld_cache(cache.entries));
  });
}
