// The names one ELF machine goes by in each place raison meets it: messages and $PLATFORM's fallback,
// Debian's multiarch directories, musl's loader name, and image configs (Go's GOARCH). One table
// (machines.cpp), so that the names cannot disagree.
#pragma once

#include <cstdint>
#include <string>

namespace raison::elf {

// An ELF file's machine as its header gives it: e_machine, EI_CLASS, EI_DATA.
struct MachineId {
  std::uint16_t machine = 0;
  std::uint8_t elf_class = 0;  // ELFCLASS32 (1) or ELFCLASS64 (2)
  std::uint8_t data = 0;       // ELFDATA2LSB (1) or ELFDATA2MSB (2)
};

// "x86_64", "aarch64", "i386"...; "machine N" for a machine not in the table.
std::string machine_name(std::uint16_t machine);
// Debian's multiarch triplet ("x86_64-linux-gnu", "x86_64-linux-gnux32", "powerpc64le-linux-gnu").
std::string multiarch_triplet(const MachineId& id);
// The ARCH of musl's loader name, ld-musl-ARCH.so.1 ("x86_64", "armhf", "aarch64_be").
std::string musl_arch(const MachineId& id);
// GOARCH, as image configs name architectures ("amd64", "arm64", "ppc64le"); "" if none.
std::string go_arch(const MachineId& id);

}  // namespace raison::elf
