// glibc's /etc/ld.so.cache: the index ldconfig builds from ld.so.conf, which the loader searches after
// RUNPATH and before the default directories. Parsing follows glibc's elf/cache.c and dl-cache.h:
// the old "ld.so-1.7.0" format, the new "glibc-ld.so.cache1.1" format (alone or after an old one), and
// the new format's extension section naming glibc-hwcaps subdirectories.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace raison::elf {

struct LdCacheEntry {
  std::string soname;        // key, e.g. "libz.so.1"
  std::string path;          // value, e.g. "/lib/x86_64-linux-gnu/libz.so.1"
  std::int32_t flags = 0;    // FLAG_ELF_LIBC6 | arch bits (FLAG_X8664_LIB64, ...)
  std::uint64_t hwcap = 0;   // legacy hwcap mask, or DL_CACHE_HWCAP_EXTENSION | index
  std::string hwcaps_subdir;  // glibc-hwcaps subdirectory name ("x86-64-v3") for extension entries
};

struct LdCache {
  std::vector<LdCacheEntry> entries;  // in file order (sorted the way ldconfig sorts them)
  bool new_format = false;
};

// Parses the bytes of an ld.so.cache. Throws raison::Error (cause only) if malformed; every offset is
// bounds-checked.
LdCache parse_ld_cache(std::string_view bytes);

// The cache flags glibc's loader requires for an object of this class and machine (_DL_CACHE_DEFAULT_ID
// and friends in sysdeps/*/dl-cache.h), or nullopt when any libc6 entry is accepted.
std::optional<std::int32_t> ld_cache_flags_for(std::uint8_t elf_class, std::uint16_t machine);

// The loader's lookup (_dl_load_cache_lookup): the entry for `soname` whose flags match
// `required_flags` (any FLAG_ELF_LIBC6 entry if nullopt); an entry in a glibc-hwcaps subdirectory is
// preferred in the order of `hwcaps` (highest priority first) and ignored if its subdirectory is not
// listed; entries with legacy hwcap bits are skipped. Returns the path.
std::optional<std::string> ld_cache_lookup(const LdCache& cache, std::string_view soname,
                                           std::optional<std::int32_t> required_flags,
                                           const std::vector<std::string>& hwcaps);

// Writes a cache in the new format listing `entries` (sorted as ldconfig sorts), readable by glibc's
// loader and by `ldconfig -p`.
std::string write_ld_cache(std::vector<LdCacheEntry> entries);

}  // namespace raison::elf
