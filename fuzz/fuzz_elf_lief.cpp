// The LIEF wrapper (--elf-reader=lief): read_elf_lief on the input as a file (a memfd).
#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>

#include "analyzers/elf/elf_file.hpp"
#include "harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static int fd = memfd_create("raison-fuzz-elf-lief", MFD_CLOEXEC);
  if (fd < 0) std::abort();
  if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) std::abort();
  return raison::fuzz::run([&] { raison::elf::read_elf_lief(fd, size); });
}
