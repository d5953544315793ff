// The ElfInfo of a file as LIEF 0.9 parses it: the second reader behind read_elf, kept to cross-check ours.
// LIEF parses the whole file from memory, so the file is read in full through the fd (never by path).
// No <elf.h> here: its DT_* macros would clash with LIEF's enumerators of the same names.
#include <fmt/format.h>
#include <unistd.h>

#include <LIEF/ELF.hpp>
#include <LIEF/exception.hpp>
#include <LIEF/logging.hpp>
#include <cerrno>
#include <set>

#include "analyzers/elf/elf_file.hpp"
#include "raison/error.hpp"

namespace raison::elf {
namespace {

namespace L = LIEF::ELF;

std::vector<std::uint8_t> read_all(int fd, std::uint64_t size) {
  std::vector<std::uint8_t> data(size);
  std::uint64_t done = 0;
  while (done < size) {
    ssize_t n = ::pread(fd, data.data() + done, size - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_errno(fmt::format("reading ELF at {:#x}", done));
    if (n == 0) throw Error(fmt::format("file shrank to {:#x} bytes while reading it", done));
    done += static_cast<std::uint64_t>(n);
  }
  return data;
}

// LIEF 0.9 grows its copy of the file to cover every section and segment it is told of: a 15 KiB file
// declaring a section at 2 GiB costs 2 GiB (found by fuzz_elf_lief). So before LIEF sees a file, its
// header tables, and every section with bytes in the file and every segment, must lie inside it.
std::uint64_t field(const std::vector<std::uint8_t>& d, std::uint64_t at, unsigned width, bool big) {
  std::uint64_t v = 0;
  for (unsigned i = 0; i < width; ++i) v |= std::uint64_t{d[at + i]} << (8 * (big ? width - 1 - i : i));
  return v;
}

void check_extents(const std::vector<std::uint8_t>& d) {
  const std::uint64_t size = d.size();
  if (size < 52) throw Error(fmt::format("truncated ELF header ({} bytes)", size));
  const bool is64 = d[4] == 2, big = d[5] == 2;
  const unsigned w = is64 ? 8 : 4;
  if (is64 && size < 64) throw Error(fmt::format("truncated ELF header ({} bytes)", size));
  auto inside = [&](std::uint64_t off, std::uint64_t len, const std::string& what) {
    if (off > size || len > size - off)
      throw Error(fmt::format("{} (offset {:#x}, {:#x} bytes) extends past the end of the file ({:#x} bytes)",
                              what, off, len, size));
  };
  const std::uint64_t phoff = field(d, is64 ? 32 : 28, w, big), shoff = field(d, is64 ? 40 : 32, w, big);
  const unsigned base = is64 ? 54 : 42;  // e_phentsize, e_phnum, e_shentsize, e_shnum
  const std::uint64_t phentsize = field(d, base, 2, big), phnum = field(d, base + 2, 2, big);
  const std::uint64_t shentsize = field(d, base + 4, 2, big), shnum = field(d, base + 6, 2, big);
  if (phnum > 0) {
    inside(phoff, phentsize * phnum, "the program header table");
    if (phentsize < (is64 ? 56u : 32u)) throw Error(fmt::format("program header entries of {} bytes", phentsize));
    for (std::uint64_t i = 0; i < phnum; ++i) {
      const std::uint64_t e = phoff + i * phentsize;
      const std::uint64_t off = field(d, e + (is64 ? 8 : 4), w, big), filesz = field(d, e + (is64 ? 32 : 16), w, big);
      inside(off, filesz, fmt::format("segment {}", i));
    }
  }
  if (shnum > 0) {
    inside(shoff, shentsize * shnum, "the section header table");
    if (shentsize < (is64 ? 64u : 40u)) throw Error(fmt::format("section header entries of {} bytes", shentsize));
    for (std::uint64_t i = 0; i < shnum; ++i) {
      const std::uint64_t e = shoff + i * shentsize;
      const std::uint64_t type = field(d, e + 4, 4, big);
      if (type == 0 /* SHT_NULL */ || type == 8 /* SHT_NOBITS */) continue;
      const std::uint64_t off = field(d, e + (is64 ? 24 : 16), w, big), len = field(d, e + (is64 ? 32 : 20), w, big);
      inside(off, len, fmt::format("section {}", i));
    }
  }
}

// LIEF 0.9 reads a note descriptor of a big-endian file as 32-bit words and byte-swaps them, although
// it is bytes. Full words can be swapped back; of a trailing partial word LIEF keeps the wrong bytes.
void unswap_big_endian_desc(std::string& desc) {
  if (desc.size() % 4 != 0) {
    throw Error(
        fmt::format("LIEF 0.9 garbles the last bytes of a {}-byte note descriptor in a big-endian "
                    "file (the direct reader reads it)",
                    desc.size()));
  }
  for (std::size_t i = 0; i < desc.size(); i += 4) {
    std::swap(desc[i], desc[i + 3]);
    std::swap(desc[i + 1], desc[i + 2]);
  }
}

ElfInfo convert(const L::Binary& binary) {
  ElfInfo info;
  const L::Header& header = binary.header();
  info.elf_class = static_cast<std::uint8_t>(header.identity_class());
  info.data = static_cast<std::uint8_t>(header.identity_data());
  info.osabi = static_cast<std::uint8_t>(header.identity_os_abi());
  info.type = static_cast<std::uint16_t>(header.file_type());
  info.machine = static_cast<std::uint16_t>(header.machine_type());
  info.has_dynamic = binary.has(L::SEGMENT_TYPES::PT_DYNAMIC);
  if (binary.has_interpreter()) info.interp = binary.interpreter();

  // LIEF keeps the entries in file order, past DT_NULL too; the loader stops at the first DT_NULL.
  // Single-valued tags: the last wins, as in glibc.
  for (const L::DynamicEntry& entry : binary.dynamic_entries()) {
    if (entry.tag() == L::DYNAMIC_TAGS::DT_NULL) break;
    switch (entry.tag()) {
      case L::DYNAMIC_TAGS::DT_NEEDED:
        info.needed.push_back(dynamic_cast<const L::DynamicEntryLibrary&>(entry).name());
        break;
      case L::DYNAMIC_TAGS::DT_SONAME:
        info.soname = dynamic_cast<const L::DynamicSharedObject&>(entry).name();
        break;
      case L::DYNAMIC_TAGS::DT_RPATH:
        info.rpath = dynamic_cast<const L::DynamicEntryRpath&>(entry).rpath();
        break;
      case L::DYNAMIC_TAGS::DT_RUNPATH:
        info.runpath = dynamic_cast<const L::DynamicEntryRunPath&>(entry).runpath();
        break;
      case L::DYNAMIC_TAGS::DT_FLAGS: info.flags = entry.value(); break;
      case L::DYNAMIC_TAGS::DT_FLAGS_1: info.flags_1 = entry.value(); break;
      default: break;
    }
  }

  for (const L::Note& note : binary.notes()) {
    if (note.name() != "FDO") continue;
    std::string desc(note.description().begin(), note.description().end());
    if (header.identity_data() == L::ELF_DATA::ELFDATA2MSB) unswap_big_endian_desc(desc);
    info.notes.push_back({note.name(), static_cast<std::uint32_t>(note.type()), std::move(desc)});
  }
  return info;
}

}  // namespace

std::optional<ElfInfo> read_elf_lief(int fd, std::uint64_t size) {
  std::vector<std::uint8_t> data = read_all(fd, size);
  if (!has_elf_magic(std::string_view(reinterpret_cast<const char*>(data.data()),
                                      std::min<std::size_t>(data.size(), 4)))) {
    return std::nullopt;
  }
  // LIEF logs its parse warnings to stderr; the errors we report are the exceptions.
  static const bool quiet = [] {
    LIEF::Logger::disable();
    return true;
  }();
  (void)quiet;
  check_extents(data);
  try {
    std::unique_ptr<L::Binary> binary = L::Parser::parse(data);
    if (!binary) throw Error("LIEF could not parse the ELF file");
    return convert(*binary);
  } catch (const LIEF::exception& e) {
    throw Error(fmt::format("LIEF: {}", e.what()));
  } catch (const std::bad_cast&) {
    throw Error("LIEF: dynamic entry of an unexpected class");
  } catch (const std::exception& e) {
    // LIEF 0.9 also lets std::out_of_range and friends escape from malformed files.
    if (dynamic_cast<const Error*>(&e) != nullptr) throw;
    throw Error(fmt::format("LIEF: {}", e.what()));
  }
}

}  // namespace raison::elf

// The module's entry (lief_module.cpp): exported by name from raison-elf-lief.so, found through a weak
// reference where elf_lief.cpp is linked in.
extern "C" __attribute__((visibility("default"))) const raison::elf::LiefModule raison_elf_lief_module = {
    raison::elf::kLiefModuleAbi, sizeof(raison::elf::ElfInfo), &raison::elf::read_elf_lief};
