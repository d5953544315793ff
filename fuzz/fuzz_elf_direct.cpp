// The direct (pread) ELF reader: read_elf_direct and read_rodata_identifiers, on the input as a file
// (they take an fd, so the bytes go into a memfd).
#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>

#include "analyzers/elf/elf_file.hpp"
#include "harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static int fd = memfd_create("raison-fuzz-elf", MFD_CLOEXEC);
  if (fd < 0) std::abort();
  if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) std::abort();
  raison::fuzz::run([&] { raison::elf::read_elf_direct(fd, size); });
  raison::fuzz::run([&] { raison::elf::read_rodata_identifiers(fd, size); });
  return 0;
}
