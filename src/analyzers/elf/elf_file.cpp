// The entry points of the ELF readers: the magic test and the choice of reader (Options::elf_reader).
#include "analyzers/elf/elf_file.hpp"

#include <elf.h>

namespace raison::elf {

bool has_elf_magic(std::string_view first_bytes) {
  return first_bytes.size() >= SELFMAG && first_bytes.substr(0, SELFMAG) == std::string_view(ELFMAG, SELFMAG);
}

std::optional<ElfInfo> read_elf(int fd, std::uint64_t size, ElfReaderKind reader) {
  switch (reader) {
    case ElfReaderKind::Direct: return read_elf_direct(fd, size);
    case ElfReaderKind::Lief: return lief_reader()(fd, size);
  }
  return read_elf_direct(fd, size);
}

}  // namespace raison::elf
