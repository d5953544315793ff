// The entry points of the ELF readers: the magic test, the choice of reader (Options::elf_reader) and
// the names of machines as the loaders and ld.so.cache know them.
#include "analyzers/elf/elf_file.hpp"

#include <elf.h>
#include <fmt/format.h>

namespace raison::elf {

bool has_elf_magic(std::string_view first_bytes) {
  return first_bytes.size() >= SELFMAG && first_bytes.substr(0, SELFMAG) == std::string_view(ELFMAG, SELFMAG);
}

std::optional<ElfInfo> read_elf(int fd, std::uint64_t size, ElfReaderKind reader) {
  switch (reader) {
    case ElfReaderKind::Direct: return read_elf_direct(fd, size);
    case ElfReaderKind::Lief: return read_elf_lief(fd, size);
  }
  return read_elf_direct(fd, size);
}

std::string machine_name(std::uint16_t machine) {
  // Debian's multiarch names where the machine has one word size on Linux; the word size of the others
  // (riscv, s390, ppc64, mips) is in EI_CLASS, and the 64-bit name is the one met in practice.
  switch (machine) {
    case EM_X86_64: return "x86_64";
    case EM_386: return "i386";
    case EM_AARCH64: return "aarch64";
    case EM_ARM: return "arm";
    case EM_RISCV: return "riscv64";
    case EM_PPC64: return "ppc64";
    case EM_PPC: return "ppc";
    case EM_S390: return "s390x";
    case EM_MIPS: return "mips";
    case EM_LOONGARCH: return "loongarch64";
    case EM_SPARCV9: return "sparc64";
    case EM_SPARC: return "sparc";
    case EM_IA_64: return "ia64";
    case EM_PARISC: return "hppa";
    case EM_68K: return "m68k";
    case EM_SH: return "sh4";
    case EM_ALPHA: return "alpha";
    default: return fmt::format("machine {}", machine);
  }
}

}  // namespace raison::elf
