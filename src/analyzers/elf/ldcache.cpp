// Reads, searches and writes glibc's /etc/ld.so.cache, following glibc 2.36: elf/dl-cache.c (the
// loader's search_cache), elf/cache.c (ldconfig's writer, sort order and `ldconfig -p`) and
// sysdeps/generic/dl-cache.h (layout). Every offset read from the file is checked before use.
#include "analyzers/elf/ldcache.hpp"

#include <elf.h>
#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <map>

#include "raison/error.hpp"

namespace raison::elf {

namespace {

constexpr std::string_view kOldMagic = "ld.so-1.7.0";           // struct cache_file
constexpr std::string_view kNewMagic = "glibc-ld.so.cache1.1";  // struct cache_file_new
constexpr std::size_t kOldHeader = 16, kOldEntry = 12;          // magic padded to 12, nlibs
constexpr std::size_t kNewHeader = 48, kNewEntry = 24;
constexpr std::uint32_t kExtensionMagic = 0xeaa42174;  // (uint32_t) -358342284
constexpr std::uint32_t kTagGenerator = 0, kTagGlibcHwcaps = 1;
constexpr std::uint64_t kHwcapExtension = 1ULL << 62;  // DL_CACHE_HWCAP_EXTENSION
constexpr std::uint64_t kIsaLevelMask = 0x3ff;         // 10 ISA-level bits above bit 32
constexpr std::int32_t kLibc6 = 0x0003;                // FLAG_ELF_LIBC6

// An extension entry has bit 62 and at most ISA-level bits in its upper half (dl_cache_hwcap_extension);
// its lower half indexes the glibc-hwcaps section.
bool is_extension(std::uint64_t hwcap) { return ((hwcap >> 32) & ~kIsaLevelMask) == (kHwcapExtension >> 32); }

// Fixed-size integers in the cache's byte order, each read checked against the file size.
struct Bytes {
  std::string_view b;
  bool big = false;

  std::uint64_t uint(std::uint64_t off, unsigned n, const char* what) const {
    if (off > b.size() || b.size() - off < n)
      throw Error(fmt::format("truncated cache: {} at {:#x} past the end ({:#x} bytes)", what, off, b.size()));
    std::uint64_t v = 0;
    for (unsigned i = 0; i < n; ++i) {
      std::uint64_t byte = static_cast<unsigned char>(b[off + (big ? i : n - 1 - i)]);
      v = (v << 8) | byte;
    }
    return v;
  }
  std::uint32_t u32(std::uint64_t off, const char* what) const { return std::uint32_t(uint(off, 4, what)); }
  std::uint64_t u64(std::uint64_t off, const char* what) const { return uint(off, 8, what); }

  // The NUL-terminated string at base + off; it must end inside the file.
  std::string str(std::uint64_t base, std::uint64_t off, const char* what) const {
    std::uint64_t at = base + off;
    if (at >= b.size()) throw Error(fmt::format("{} string offset {:#x} is past the end of the cache", what, off));
    std::size_t end = b.find('\0', at);
    if (end == std::string_view::npos)
      throw Error(fmt::format("{} string at {:#x} runs past the end of the cache", what, at));
    return std::string(b.substr(at, end - at));
  }
};

// The glibc-hwcaps names of the new format's extension directory, by section index; offsets in the
// directory and the names' string indices count from the start of the file (cache_extension_load,
// glibc_hwcaps_compare). ldconfig 2.36 -c compat writes the names relative to the new header
// instead; like the loader and `ldconfig -p`, we read what is there.
std::vector<std::string> read_hwcaps_names(const Bytes& in, std::uint32_t ext_off) {
  std::vector<std::string> names;
  if (ext_off == 0) return names;  // no extensions: not an error
  if (ext_off % 4 != 0) throw Error(fmt::format("extension directory offset {:#x} is not 4-aligned", ext_off));
  if (in.u32(ext_off, "extension magic") != kExtensionMagic)
    throw Error(fmt::format("bad extension magic at {:#x}", ext_off));
  std::uint64_t count = in.u32(ext_off + 4, "extension count");
  if ((in.b.size() - ext_off - 8) / 16 < count)
    throw Error(fmt::format("{} extension sections do not fit in the cache", count));
  for (std::uint64_t i = 0; i < count; ++i) {
    std::uint64_t s = ext_off + 8 + 16 * i;
    std::uint32_t tag = in.u32(s, "section tag"), off = in.u32(s + 8, "section offset"),
                  size = in.u32(s + 12, "section size");
    if (std::uint64_t(off) + size > in.b.size())
      throw Error(fmt::format("extension section {} ({:#x}+{:#x}) extends past the end of the cache", i, off, size));
    if (tag != kTagGlibcHwcaps) continue;  // the generator string, or a tag newer than 2.36
    // The loader drops such a section and with it every glibc-hwcaps entry; ldconfig never writes one.
    if (size == 0 || off % 4 != 0 || size % 4 != 0)
      throw Error(fmt::format("glibc-hwcaps section at {:#x} of {:#x} bytes is empty or misaligned", off, size));
    names.clear();  // the loader keeps the last section of a tag
    for (std::uint32_t k = 0; k < size / 4; ++k) {
      names.push_back(in.str(0, in.u32(off + 4ULL * k, "glibc-hwcaps index"), "glibc-hwcaps name"));
      // The loader merges this array with its priority list, both sorted by name; unsorted names would
      // give subdirectories another's priority.
      if (k > 0 && !(names[k - 1] < names[k]))
        throw Error(fmt::format("glibc-hwcaps names are not sorted: \"{}\" before \"{}\"", names[k - 1], names[k]));
    }
  }
  return names;
}

// The new format at `base` (0, or after an old-format table). Entry strings count from `base`.
LdCache parse_new(std::string_view bytes, std::uint64_t base) {
  Bytes in{bytes};
  if (bytes.size() - base < kNewHeader) throw Error("truncated cache: new-format header cut short");
  switch (static_cast<unsigned char>(bytes[base + 28]) & 3) {  // cache_file_new_flags_endian_*
    case 0: {  // written before 2.33: no mark; take the order in which the entry count fits
      std::uint64_t room = (bytes.size() - base - kNewHeader) / kNewEntry;
      in.big = in.u32(base + 20, "nlibs") > room && Bytes{bytes, true}.u32(base + 20, "nlibs") <= room;
      break;
    }
    case 1: throw Error("cache is marked as having invalid endianness");
    case 2: in.big = false; break;
    case 3: in.big = true; break;
  }
  std::uint64_t nlibs = in.u32(base + 20, "nlibs"), len_strings = in.u32(base + 24, "len_strings");
  if ((bytes.size() - base - kNewHeader) / kNewEntry < nlibs)
    throw Error(fmt::format("{} entries do not fit in a cache of {} bytes", nlibs, bytes.size()));
  std::uint64_t strings = base + kNewHeader + nlibs * kNewEntry;
  if (bytes.size() - strings < len_strings)
    throw Error(fmt::format("string table of {:#x} bytes at {:#x} extends past the end", len_strings, strings));
  std::vector<std::string> hwcaps = read_hwcaps_names(in, in.u32(base + 32, "extension_offset"));

  LdCache cache;
  cache.new_format = true;
  cache.entries.reserve(nlibs);
  for (std::uint64_t i = 0; i < nlibs; ++i) {
    std::uint64_t e = base + kNewHeader + i * kNewEntry;
    LdCacheEntry entry;
    entry.flags = std::int32_t(in.u32(e, "flags"));
    entry.soname = in.str(base, in.u32(e + 4, "key"), "library name");
    entry.path = in.str(base, in.u32(e + 8, "value"), "library path");
    entry.hwcap = in.u64(e + 16, "hwcap");
    if (is_extension(entry.hwcap)) {
      std::uint32_t index = std::uint32_t(entry.hwcap);
      if (index >= hwcaps.size())
        throw Error(fmt::format("entry {} ({}) names glibc-hwcaps subdirectory {} of {}", i, entry.soname, index,
                                hwcaps.size()));
      entry.hwcaps_subdir = hwcaps[index];
    }
    cache.entries.push_back(std::move(entry));
  }
  return cache;
}

// The old format; strings count from the end of its entry table.
LdCache parse_old(std::string_view bytes) {
  Bytes in{bytes};
  std::uint64_t room = (bytes.size() - kOldHeader) / kOldEntry;
  // This format has no byte-order mark: take the order in which the entry count fits.
  if (in.u32(12, "nlibs") > room) in.big = true;
  std::uint64_t nlibs = in.u32(12, "nlibs");
  if (nlibs > room) throw Error(fmt::format("{} entries do not fit in a cache of {} bytes", nlibs, bytes.size()));
  // Since glibc 2.2 the new format may follow, 8-aligned (ALIGN_CACHE); the loader then reads only it.
  std::uint64_t strings = kOldHeader + nlibs * kOldEntry;
  std::uint64_t new_off = (strings + 7) & ~std::uint64_t(7);
  if (bytes.size() >= new_off + kNewHeader && bytes.substr(new_off, kNewMagic.size()) == kNewMagic)
    return parse_new(bytes, new_off);
  LdCache cache;
  cache.entries.reserve(nlibs);
  for (std::uint64_t i = 0; i < nlibs; ++i) {
    std::uint64_t e = kOldHeader + i * kOldEntry;
    LdCacheEntry entry;
    entry.flags = std::int32_t(in.u32(e, "flags"));
    entry.soname = in.str(strings, in.u32(e + 4, "key"), "library name");
    entry.path = in.str(strings, in.u32(e + 8, "value"), "library path");
    cache.entries.push_back(std::move(entry));
  }
  return cache;
}

// _dl_cache_libcmp: runs of digits compare as numbers (so "libfoo.so.10" > "libfoo.so.9"), a digit
// sorts after any other character, and the end of a string is NUL. Values wrap at 32 bits as glibc's do.
int libcmp(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  auto at = [](std::string_view s, std::size_t k) { return k < s.size() ? s[k] : '\0'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  while (at(a, i) != '\0') {
    if (digit(at(a, i))) {
      if (!digit(at(b, j))) return 1;
      std::uint32_t v1 = 0, v2 = 0;
      while (digit(at(a, i))) v1 = v1 * 10 + std::uint32_t(a[i++] - '0');
      while (digit(at(b, j))) v2 = v2 * 10 + std::uint32_t(b[j++] - '0');
      if (v1 != v2) return std::int32_t(v1 - v2) < 0 ? -1 : 1;
    } else if (digit(at(b, j))) {
      return -1;
    } else if (at(a, i) != at(b, j)) {
      return at(a, i) - at(b, j);
    } else {
      ++i, ++j;
    }
  }
  return at(a, i) - at(b, j);
}

// ldconfig's compare() in elf/cache.c: names in descending libcmp order (the loader's binary search
// expects that), then higher flags first, glibc-hwcaps entries before the others and by subdirectory
// name, then legacy hwcaps with more bits, then the larger mask.
int ldconfig_compare(const LdCacheEntry& a, const LdCacheEntry& b) {
  if (int r = libcmp(b.soname, a.soname)) return r;
  if (a.flags != b.flags) return a.flags < b.flags ? 1 : -1;
  bool ah = !a.hwcaps_subdir.empty(), bh = !b.hwcaps_subdir.empty();
  if (ah != bh) return ah ? -1 : 1;
  if (ah) {
    if (int r = a.hwcaps_subdir.compare(b.hwcaps_subdir)) return r;
  }
  std::uint64_t la = ah ? 0 : a.hwcap, lb = bh ? 0 : b.hwcap;  // ldconfig keeps hwcap 0 for hwcaps entries
  if (std::popcount(la) != std::popcount(lb)) return std::popcount(la) > std::popcount(lb) ? -1 : 1;
  if (la != lb) return la > lb ? -1 : 1;
  return 0;
}

}  // namespace

LdCache parse_ld_cache(std::string_view bytes) {
  // The loader wants the file strictly larger than the header it finds.
  if (bytes.size() > kNewHeader && bytes.substr(0, kNewMagic.size()) == kNewMagic) return parse_new(bytes, 0);
  if (bytes.size() > kOldHeader && bytes.substr(0, kOldMagic.size()) == kOldMagic) return parse_old(bytes);
  throw Error("not an ld.so.cache: no \"glibc-ld.so.cache1.1\" or \"ld.so-1.7.0\" magic");
}

std::optional<std::int32_t> ld_cache_flags_for(std::uint8_t elf_class, std::uint16_t machine) {
  bool is64 = elf_class == ELFCLASS64;
  switch (machine) {
    case EM_X86_64: return is64 ? 0x0303 : 0x0803;  // x86-64, or x32 (ELFCLASS32)
    case EM_AARCH64: return is64 ? std::optional<std::int32_t>(0x0a03) : std::nullopt;  // ILP32 never merged
    case EM_IA_64: return 0x0203;
    case EM_SPARCV9: return 0x0103;
    case EM_PPC64: return 0x0503;
    case EM_S390: return is64 ? 0x0403 : kLibc6;
    // The float ABI lives in e_flags, which we are not given: assume what distributions ship (ARM
    // hard-float 0x903, RISC-V double-float 0x1003, MIPS legacy NaN with n64 or o32; n32 is 0x603).
    case EM_ARM: return 0x0903;
    case EM_RISCV: return 0x1003;
    case EM_MIPS: return is64 ? 0x0703 : kLibc6;
    // FLAG_LARCH_FLOAT_ABI_DOUBLE came with glibc 2.38; older LoongArch caches use plain libc6 (3).
    case EM_LOONGARCH: return 0x1203;
    // Architectures with the generic dl-cache.h: flags 3 (or FLAG_ELF, 1) with no arch bits.
    case EM_386: case EM_PPC: case EM_SPARC: case EM_SPARC32PLUS: case EM_68K: case EM_PARISC: case EM_SH:
    case EM_ALPHA: case EM_ARCV2: case EM_CSKY: case EM_MICROBLAZE: case EM_ALTERA_NIOS2: case EM_OPENRISC:
      return kLibc6;
    default: return std::nullopt;
  }
}

std::optional<std::string> ld_cache_lookup(const LdCache& cache, std::string_view soname,
                                           std::optional<std::int32_t> required_flags,
                                           const std::vector<std::string>& hwcaps) {
  // _dl_cache_check_flags: the arch's own id; generic arches also take FLAG_ELF (1); ARM also takes
  // unmarked libc6 objects. The search stops at an entry carrying _DL_CACHE_DEFAULT_ID, which is the
  // required id except on ARM, whose dl-cache.h keeps the generic 3.
  auto accepted = [&](std::int32_t f) {
    if (!required_flags) return (f & 0xff) == kLibc6;
    if (f == *required_flags) return true;
    if (*required_flags == kLibc6) return f == 1;
    if (*required_flags == 0x0903 || *required_flags == 0x0b03) return f == kLibc6;
    return false;
  };
  auto is_default_id = [&](std::int32_t f) {
    if (!required_flags) return true;
    bool arm = *required_flags == 0x0903 || *required_flags == 0x0b03;
    return f == (arm ? kLibc6 : *required_flags);
  };
  // Position in the caller's list is the loader's priority (lower wins); 0: not searched.
  auto priority = [&](const std::string& subdir) -> std::size_t {
    auto it = std::find(hwcaps.begin(), hwcaps.end(), subdir);
    return it == hwcaps.end() ? 0 : std::size_t(it - hwcaps.begin()) + 1;
  };
  const auto& es = cache.entries;
  // The loader's binary search over names in descending order, then back to the first equal name.
  long left = 0, right = long(es.size()) - 1;
  while (left <= right) {
    long middle = (left + right) / 2;
    int cmp = libcmp(soname, es[std::size_t(middle)].soname);
    if (cmp < 0) {
      left = middle + 1;
      continue;
    }
    if (cmp > 0) {
      right = middle - 1;
      continue;
    }
    while (middle > 0 && libcmp(soname, es[std::size_t(middle) - 1].soname) == 0) --middle;
    const std::string* best = nullptr;
    std::size_t best_priority = 0;
    for (; middle <= right && libcmp(soname, es[std::size_t(middle)].soname) == 0; ++middle) {
      const LdCacheEntry& e = es[std::size_t(middle)];
      if (!accepted(e.flags)) continue;
      bool named = cache.new_format && is_extension(e.hwcap);
      if (cache.new_format) {
        // x86 only: an ISA level n > 0 needs a CPU that supports x86-64-v(n+1), which the caller's
        // list says by containing that subdirectory (dl_cache_hwcap_isa_level_compatible).
        std::uint64_t level = (e.hwcap >> 32) & kIsaLevelMask;
        if (named && level > 0 && priority("x86-64-v" + std::to_string(level + 1)) == 0) continue;
        // glibc-hwcaps entries come first; the first plain entry after a match ends the search.
        if (!named && best) break;
        if (!named && e.hwcap != 0) continue;  // legacy hwcaps (tls, haswell, ...): not modelled
        if (named) {
          std::size_t p = priority(e.hwcaps_subdir);
          if (p == 0 || (best && p >= best_priority)) continue;
          best_priority = p;
        }
      }
      best = &e.path;
      if (!named && is_default_id(e.flags)) break;
    }
    return best ? std::optional<std::string>(*best) : std::nullopt;
  }
  return std::nullopt;
}

std::string write_ld_cache(std::vector<LdCacheEntry> entries) {
  for (const auto& e : entries) {
    if (e.soname.find('\0') != std::string::npos || e.path.find('\0') != std::string::npos ||
        e.hwcaps_subdir.find('\0') != std::string::npos)
      throw Error("ld.so.cache strings cannot hold NUL: " + e.soname);
    if (e.hwcaps_subdir.empty() && is_extension(e.hwcap))
      throw Error("entry " + e.soname + " has the glibc-hwcaps bit but no subdirectory");
  }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const LdCacheEntry& a, const LdCacheEntry& b) { return ldconfig_compare(a, b) < 0; });

  // Subdirectory names get section indices in strcmp order (assign_glibc_hwcaps_indices).
  std::map<std::string, std::uint32_t> subdirs;
  for (const auto& e : entries)
    if (!e.hwcaps_subdir.empty()) subdirs.emplace(e.hwcaps_subdir, 0);
  std::uint32_t next = 0;
  for (auto& [name, index] : subdirs) index = next++;

  // Strings follow the entries; offsets count from the header, as in ldconfig's new-only files.
  std::uint64_t strings_at = kNewHeader + kNewEntry * std::uint64_t(entries.size());
  std::string strings;
  std::map<std::string, std::uint64_t> interned;
  auto intern = [&](const std::string& s) {
    auto [it, added] = interned.emplace(s, strings_at + strings.size());
    if (added) strings.append(s).push_back('\0');
    return it->second;
  };
  // Little-endian, as the cache's flags byte says: the writer serves x86-64 and other LE targets.
  // Bytes past the value's eight are zero (padding: `put(out, 0, 12)`); shifting by 64 or more is undefined.
  auto put = [](std::string& o, std::uint64_t v, unsigned n) {
    for (unsigned i = 0; i < n; ++i) o.push_back(i < 8 ? char((v >> (8 * i)) & 0xff) : '\0');
  };
  std::string table;
  for (const auto& e : entries) {
    std::uint64_t hwcap = e.hwcap;
    if (!e.hwcaps_subdir.empty())  // keep the ISA level, renumber the section index
      hwcap = kHwcapExtension | (((e.hwcap >> 32) & kIsaLevelMask) << 32) | subdirs.at(e.hwcaps_subdir);
    put(table, std::uint32_t(e.flags), 4);
    put(table, intern(e.soname), 4);
    put(table, intern(e.path), 4);
    put(table, 0, 4);  // osversion, unused
    put(table, hwcap, 8);
  }
  std::vector<std::uint64_t> subdir_offsets;
  for (const auto& [name, index] : subdirs) subdir_offsets.push_back(intern(name));

  std::uint64_t ext_off = (strings_at + strings.size() + 3) & ~std::uint64_t(3);
  std::uint32_t sections = subdirs.empty() ? 1 : 2;
  std::uint64_t hwcaps_at = ext_off + 8 + 16 * sections;
  std::string_view generator = "raison";
  std::uint64_t generator_at = hwcaps_at + 4 * subdirs.size();
  if (generator_at + generator.size() > UINT32_MAX) throw Error("ld.so.cache would exceed 4 GiB");

  std::string out(kNewMagic);
  put(out, entries.size(), 4);
  put(out, strings.size(), 4);
  put(out, 2, 1);  // cache_file_new_flags_endian_little
  put(out, 0, 3);
  put(out, ext_off, 4);
  put(out, 0, 12);
  out += table;
  out += strings;
  out.resize(ext_off, '\0');
  // The extension directory as ldconfig lays it out: generator section first, hwcaps data before it.
  for (std::uint64_t v : {std::uint64_t(kExtensionMagic), std::uint64_t(sections), std::uint64_t(kTagGenerator),
                          std::uint64_t(0), generator_at, std::uint64_t(generator.size())})
    put(out, v, 4);
  if (!subdirs.empty())
    for (std::uint64_t v : {std::uint64_t(kTagGlibcHwcaps), std::uint64_t(0), hwcaps_at, 4 * subdirs.size()})
      put(out, v, 4);
  for (std::uint64_t off : subdir_offsets) put(out, off, 4);
  out.append(generator);
  return out;
}

}  // namespace raison::elf
