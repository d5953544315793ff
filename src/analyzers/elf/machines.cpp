// The machine table behind machines.hpp: one row per (e_machine, class, byte order) that raison names,
// the first row matching a file wins (0 in a row's class or byte order matches any).
#include "analyzers/elf/machines.hpp"

#include <elf.h>
#include <fmt/format.h>

#include <string_view>

namespace raison::elf {

namespace {

#ifndef EM_LOONGARCH
#define EM_LOONGARCH 258
#endif

struct Row {
  std::uint16_t machine;
  std::uint8_t elf_class;      // 0: any
  std::uint8_t data;           // 0: any
  std::string_view name;       // messages; the 64-bit name where the machine has both word sizes
  std::string_view triplet;    // Debian multiarch
  std::string_view musl;       // ld-musl-ARCH.so.1
  std::string_view go;         // GOARCH
};

constexpr std::uint8_t k32 = ELFCLASS32, k64 = ELFCLASS64, kLE = ELFDATA2LSB, kBE = ELFDATA2MSB;

constexpr Row kRows[] = {
    {EM_X86_64, k64, 0, "x86_64", "x86_64-linux-gnu", "x86_64", "amd64"},
    {EM_X86_64, k32, 0, "x86_64", "x86_64-linux-gnux32", "x32", ""},
    {EM_386, 0, 0, "i386", "i386-linux-gnu", "i386", "386"},
    {EM_AARCH64, 0, kBE, "aarch64", "aarch64_be-linux-gnu", "aarch64_be", "arm64be"},
    {EM_AARCH64, 0, 0, "aarch64", "aarch64-linux-gnu", "aarch64", "arm64"},
    {EM_ARM, 0, 0, "arm", "arm-linux-gnueabihf", "armhf", "arm"},
    {EM_RISCV, k32, 0, "riscv64", "riscv32-linux-gnu", "riscv32", "riscv"},
    {EM_RISCV, 0, 0, "riscv64", "riscv64-linux-gnu", "riscv64", "riscv64"},
    {EM_PPC64, 0, kLE, "ppc64", "powerpc64le-linux-gnu", "powerpc64le", "ppc64le"},
    {EM_PPC64, 0, 0, "ppc64", "powerpc64-linux-gnu", "powerpc64", "ppc64"},
    {EM_PPC, 0, 0, "ppc", "powerpc-linux-gnu", "powerpc", "ppc"},
    {EM_S390, k32, 0, "s390x", "s390-linux-gnu", "s390", "s390"},
    {EM_S390, 0, 0, "s390x", "s390x-linux-gnu", "s390x", "s390x"},
    {EM_MIPS, k64, kLE, "mips", "mips64el-linux-gnuabi64", "mips64el", "mips64le"},
    {EM_MIPS, k64, 0, "mips", "mips64-linux-gnuabi64", "mips64", "mips64"},
    {EM_MIPS, 0, kLE, "mips", "mipsel-linux-gnu", "mipsel", "mipsle"},
    {EM_MIPS, 0, 0, "mips", "mips-linux-gnu", "mips", "mips"},
    {EM_LOONGARCH, 0, 0, "loongarch64", "loongarch64-linux-gnu", "loongarch64", "loong64"},
    {EM_SPARCV9, 0, 0, "sparc64", "sparc64-linux-gnu", "sparc64", "sparc64"},
    {EM_SPARC, 0, 0, "sparc", "sparc-linux-gnu", "sparc", ""},
    {EM_IA_64, 0, 0, "ia64", "ia64-linux-gnu", "ia64", ""},
    {EM_PARISC, 0, 0, "hppa", "hppa-linux-gnu", "hppa", ""},
    {EM_68K, 0, 0, "m68k", "m68k-linux-gnu", "m68k", ""},
    {EM_SH, 0, 0, "sh4", "sh4-linux-gnu", "sh4", ""},
    {EM_ALPHA, 0, 0, "alpha", "alpha-linux-gnu", "alpha", ""},
};

const Row* find(const MachineId& id) {
  for (const auto& r : kRows)
    if (r.machine == id.machine && (!r.elf_class || r.elf_class == id.elf_class) && (!r.data || r.data == id.data))
      return &r;
  return nullptr;
}

}  // namespace

std::string machine_name(std::uint16_t machine) {
  for (const auto& r : kRows)
    if (r.machine == machine) return std::string(r.name);
  return fmt::format("machine {}", machine);
}

std::string multiarch_triplet(const MachineId& id) {
  const Row* r = find(id);
  return r ? std::string(r->triplet) : machine_name(id.machine) + "-linux-gnu";
}

std::string musl_arch(const MachineId& id) {
  const Row* r = find(id);
  return r ? std::string(r->musl) : machine_name(id.machine);
}

std::string go_arch(const MachineId& id) {
  const Row* r = find(id);
  return r ? std::string(r->go) : "";
}

}  // namespace raison::elf
