// What the dynamic loader needs to know about one ELF file, and the readers that extract it.
// This is the only interface between ELF bytes and the loader rules: how a file is read (our pread
// reader or LIEF) can change without touching the rules.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/elf/machines.hpp"
#include "raison/options.hpp"

namespace raison::elf {

struct Note {
  std::string owner;   // e.g. "FDO", "GNU"
  std::uint32_t type;  // e.g. 0x407c0c0a for FDO dlopen metadata
  std::string desc;    // raw descriptor bytes
};

struct ElfInfo {
  std::uint8_t elf_class = 0;   // ELFCLASS32 (1) or ELFCLASS64 (2)
  std::uint8_t data = 0;        // ELFDATA2LSB (1) or ELFDATA2MSB (2)
  std::uint8_t osabi = 0;
  std::uint16_t type = 0;       // ET_EXEC, ET_DYN, ...
  std::uint16_t machine = 0;    // EM_X86_64, EM_AARCH64, ...
  bool has_dynamic = false;     // has PT_DYNAMIC (false: statically linked)
  std::string interp;           // PT_INTERP, empty if none
  std::vector<std::string> needed;  // DT_NEEDED, in order
  std::string soname;               // DT_SONAME
  std::optional<std::string> rpath;    // DT_RPATH, raw (colon-separated, unexpanded)
  std::optional<std::string> runpath;  // DT_RUNPATH, raw
  std::uint64_t flags = 0;    // DT_FLAGS
  std::uint64_t flags_1 = 0;  // DT_FLAGS_1 (DF_1_NODEFLIB = 0x800)
  // Notes with owner "FDO" (from PT_NOTE segments and SHT_NOTE sections, each note once).
  std::vector<Note> notes;

  MachineId id() const { return {machine, elf_class, data}; }
};

// True if the first bytes are the ELF magic.
bool has_elf_magic(std::string_view first_bytes);

// Reads the loader-relevant parts of the ELF file open on `fd` (size `size` bytes).
// Returns nullopt if the file is not ELF (no magic). Throws raison::Error, with the cause only (the
// caller adds the file name), if it is ELF but truncated or malformed: every offset and size is
// checked against the file size before it is used.
std::optional<ElfInfo> read_elf(int fd, std::uint64_t size, ElfReaderKind reader);

// The NUL-terminated strings of the file's .rodata sections that read as dotted identifiers
// ("lxml._elementpath", "_cffi_backend"), sorted and unique: what a compiled Python module may import by
// name through the C API. Empty for a file that is not ELF or has no section headers. Throws
// raison::Error (the cause only) if the headers are malformed.
std::vector<std::string> read_rodata_identifiers(int fd, std::uint64_t size);

// The two readers behind read_elf. read_elf_lief is defined in elf_lief.cpp, which only the LIEF module
// (raison-elf-lief.so), the unit tests and the fuzz harnesses link: LIEF's static initialisers and
// relocations cost every process that maps it about 5 ms, so raison maps it only for --elf-reader lief.
std::optional<ElfInfo> read_elf_direct(int fd, std::uint64_t size);
std::optional<ElfInfo> read_elf_lief(int fd, std::uint64_t size);
using ElfReadFn = std::optional<ElfInfo> (*)(int fd, std::uint64_t size);

// What the LIEF module exports, under the C name raison_elf_lief_module: the reader, and what it was
// built against, so that a module of another build is refused rather than called.
struct LiefModule {
  std::uint32_t abi;         // kLiefModuleAbi
  std::uint32_t info_size;   // sizeof(ElfInfo)
  ElfReadFn read;
};
inline constexpr std::uint32_t kLiefModuleAbi = 1;
inline constexpr const char* kLiefModuleName = "raison-elf-lief.so";

// The LIEF reader: linked in (tests, fuzz harnesses), or else loaded from raison-elf-lief.so by dlopen,
// once, searched as the loader searches for raison's dlopen (its RUNPATH: the build directory, or the
// installed libdir/raison). Throws Error naming the module and the cause when it cannot be loaded.
ElfReadFn lief_reader();


}  // namespace raison::elf
