// Reading the interpreter binary: its dynamic symbol table (for the built-in modules' PyInit_
// functions), the per-version table of frozen modules, and the platform triplet. Every offset from
// the file is checked against its size before use.
#include "analyzers/python/interpreter.hpp"

#include <elf.h>

#include <cstring>

#include "raison/error.hpp"

namespace raison::python {
namespace {

class Bytes {
 public:
  Bytes(std::string_view s, bool big_endian) : s_(s), big_(big_endian) {}
  std::uint64_t get(std::uint64_t off, unsigned size) const {
    if (off > s_.size() || size > s_.size() - off) throw Error("ELF offset out of the file");
    std::uint64_t v = 0;
    for (unsigned k = 0; k < size; ++k) {
      auto b = static_cast<unsigned char>(s_[off + (big_ ? k : size - 1 - k)]);
      v = (v << 8) | b;
    }
    return v;
  }
  std::string_view cstr(std::uint64_t off, std::uint64_t limit) const {
    if (off >= limit || limit > s_.size()) throw Error("ELF string out of its table");
    std::string_view rest = s_.substr(off, limit - off);
    size_t end = rest.find('\0');
    if (end == std::string_view::npos) throw Error("ELF string not terminated");
    return rest.substr(0, end);
  }

 private:
  std::string_view s_;
  bool big_;
};

// The bytes of the section `.rodata`, where a C compiler puts string literals; the whole file when it
// has no section headers or no such section (nothing here is trusted: any bad offset gives the file).
std::string_view rodata_or_all(std::string_view elf) {
  try {
    if (elf.size() < EI_NIDENT || std::memcmp(elf.data(), ELFMAG, SELFMAG) != 0) return elf;
    const bool is64 = elf[EI_CLASS] == ELFCLASS64;
    if (!is64 && elf[EI_CLASS] != ELFCLASS32) return elf;
    const Bytes b(elf, elf[EI_DATA] == ELFDATA2MSB);
    const std::uint64_t shoff = is64 ? b.get(offsetof(Elf64_Ehdr, e_shoff), 8) : b.get(offsetof(Elf32_Ehdr, e_shoff), 4);
    const std::uint64_t shentsize = b.get(is64 ? offsetof(Elf64_Ehdr, e_shentsize) : offsetof(Elf32_Ehdr, e_shentsize), 2);
    const std::uint64_t shnum = b.get(is64 ? offsetof(Elf64_Ehdr, e_shnum) : offsetof(Elf32_Ehdr, e_shnum), 2);
    const std::uint64_t shstrndx = b.get(is64 ? offsetof(Elf64_Ehdr, e_shstrndx) : offsetof(Elf32_Ehdr, e_shstrndx), 2);
    if (shoff == 0 || shnum == 0 || shstrndx >= shnum || shentsize < (is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr)))
      return elf;
    auto field = [&](std::uint64_t i, std::size_t f64, std::size_t f32, unsigned size64) {
      const std::uint64_t base = shoff + i * shentsize;
      return is64 ? b.get(base + f64, size64) : b.get(base + f32, 4);
    };
    const std::uint64_t names = field(shstrndx, offsetof(Elf64_Shdr, sh_offset), offsetof(Elf32_Shdr, sh_offset), 8);
    const std::uint64_t names_size = field(shstrndx, offsetof(Elf64_Shdr, sh_size), offsetof(Elf32_Shdr, sh_size), 8);
    if (names > elf.size() || names_size > elf.size() - names) return elf;
    for (std::uint64_t i = 0; i < shnum; ++i) {
      const std::uint64_t name = field(i, offsetof(Elf64_Shdr, sh_name), offsetof(Elf32_Shdr, sh_name), 4);
      if (b.cstr(names + name, names + names_size) != ".rodata") continue;
      const std::uint64_t off = field(i, offsetof(Elf64_Shdr, sh_offset), offsetof(Elf32_Shdr, sh_offset), 8);
      const std::uint64_t size = field(i, offsetof(Elf64_Shdr, sh_size), offsetof(Elf32_Shdr, sh_size), 8);
      if (off > elf.size() || size > elf.size() - off) return elf;
      return elf.substr(off, size);
    }
  } catch (const Error&) {
  }
  return elf;
}

}  // namespace

std::vector<std::string> elf_dynamic_symbols(std::string_view elf) {
  if (elf.size() < EI_NIDENT || std::memcmp(elf.data(), ELFMAG, SELFMAG) != 0) throw Error("not an ELF file");
  const bool is64 = elf[EI_CLASS] == ELFCLASS64;
  if (!is64 && elf[EI_CLASS] != ELFCLASS32) throw Error("bad ELF class");
  const Bytes b(elf, elf[EI_DATA] == ELFDATA2MSB);
  // Field offsets of Elf32/Elf64 Ehdr, Shdr and Sym, from <elf.h>.
  const std::uint64_t shoff = is64 ? b.get(offsetof(Elf64_Ehdr, e_shoff), 8) : b.get(offsetof(Elf32_Ehdr, e_shoff), 4);
  const std::uint64_t shentsize = b.get(is64 ? offsetof(Elf64_Ehdr, e_shentsize) : offsetof(Elf32_Ehdr, e_shentsize), 2);
  const std::uint64_t shnum = b.get(is64 ? offsetof(Elf64_Ehdr, e_shnum) : offsetof(Elf32_Ehdr, e_shnum), 2);
  if (shoff == 0 || shnum == 0) return {};
  if (shentsize < (is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr))) throw Error("bad e_shentsize");
  auto sh = [&](std::uint64_t i, size_t field64, size_t field32) {
    std::uint64_t base = shoff + i * shentsize;
    return is64 ? b.get(base + field64, field64 == offsetof(Elf64_Shdr, sh_type) || field64 == offsetof(Elf64_Shdr, sh_link) ? 4 : 8)
                : b.get(base + field32, 4);
  };
  std::vector<std::string> out;
  for (std::uint64_t i = 0; i < shnum; ++i) {
    if (sh(i, offsetof(Elf64_Shdr, sh_type), offsetof(Elf32_Shdr, sh_type)) != SHT_DYNSYM) continue;
    const std::uint64_t off = sh(i, offsetof(Elf64_Shdr, sh_offset), offsetof(Elf32_Shdr, sh_offset));
    const std::uint64_t size = sh(i, offsetof(Elf64_Shdr, sh_size), offsetof(Elf32_Shdr, sh_size));
    const std::uint64_t link = sh(i, offsetof(Elf64_Shdr, sh_link), offsetof(Elf32_Shdr, sh_link));
    if (link >= shnum) throw Error("bad .dynsym sh_link");
    const std::uint64_t str_off = sh(link, offsetof(Elf64_Shdr, sh_offset), offsetof(Elf32_Shdr, sh_offset));
    const std::uint64_t str_size = sh(link, offsetof(Elf64_Shdr, sh_size), offsetof(Elf32_Shdr, sh_size));
    if (str_off > elf.size() || str_size > elf.size() - str_off) throw Error(".dynstr out of the file");
    if (off > elf.size() || size > elf.size() - off) throw Error(".dynsym out of the file");
    const std::uint64_t ent = is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
    for (std::uint64_t s = off; s + ent <= off + size; s += ent) {
      std::uint64_t name = b.get(s + (is64 ? offsetof(Elf64_Sym, st_name) : offsetof(Elf32_Sym, st_name)), 4);
      std::uint64_t shndx = b.get(s + (is64 ? offsetof(Elf64_Sym, st_shndx) : offsetof(Elf32_Sym, st_shndx)), 2);
      if (shndx == SHN_UNDEF || name == 0) continue;
      out.emplace_back(b.cstr(str_off + name, str_off + str_size));
    }
  }
  return out;
}

std::set<std::string> builtin_modules(const std::vector<std::string>& dynamic_symbols) {
  std::set<std::string> names = {"builtins", "sys", "_warnings", "marshal"};
  for (const auto& s : dynamic_symbols)
    if (s.starts_with("PyInit_") && s.size() > 7) names.insert(s.substr(7));
  return names;
}

std::vector<std::string> frozen_modules(int major, int minor, std::string_view binary) {
  std::vector<std::string> table;
  if (major == 3 && minor >= 8) table = {"_frozen_importlib", "_frozen_importlib_external", "zipimport"};
  if (major == 3 && minor >= 8 && minor <= 10) table.insert(table.end(), {"__hello__", "__phello__", "__phello__.spam"});
  if (major == 3 && minor >= 11)
    table.insert(table.end(), {"abc", "codecs", "io", "_collections_abc", "_sitebuiltins", "genericpath", "ntpath",
                               "posixpath", "os.path", "os", "site", "stat", "importlib.util", "importlib.machinery",
                               "runpy", "__hello__", "__hello_alias__", "__phello_alias__", "__phello_alias__.spam",
                               "__phello__", "__phello__.__init__", "__phello__.ham", "__phello__.ham.__init__",
                               "__phello__.ham.eggs", "__phello__.spam", "__hello_only__"});
  // The name's string must be in the binary, among its string literals (.rodata: a third of the
  // file, searched once a name); only its end is checked, as the linker merges a string into the tail
  // of a longer one ("codecs" into "_codecs").
  const std::string_view strings = rodata_or_all(binary);
  std::vector<std::string> present;
  for (auto& name : table)
    if (strings.find(name + std::string(1, '\0')) != std::string_view::npos)
      present.push_back(std::move(name));
  return present;
}

std::string platform_triplet(const elf::MachineId& machine, bool musl) {
  if (elf::machine_name(machine.machine).rfind("machine ", 0) == 0) return {};  // not in the table
  std::string triplet = elf::multiarch_triplet(machine);  // "arm-linux-gnueabihf"
  if (!musl) return triplet;
  std::string arch = triplet.substr(0, triplet.find('-'));
  return arch + (arch == "arm" ? "-linux-musleabihf" : "-linux-musl");
}

}  // namespace raison::python
