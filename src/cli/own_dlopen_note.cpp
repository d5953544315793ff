// raison's own .note.dlopen (the ELF dlopen metadata of https://systemd.io/ELF_DLOPEN_METADATA/, which
// raison reads in others' files), naming what raison dlopens:
// - libarchive, libcrypto and ISA-L, loaded at their first use (util/lazy_lib.hpp): required, as
//   images, tars and digests need them; a closure of raison keeps them and what they link.
// - its LIEF reader, raison-elf-lief.so, for --elf-reader lief: suggested. A closure of raison's binary
//   finds the module, through raison's RUNPATH as dlopen does, when --dlopen-priority suggested is
//   asked; by default (recommended) a shrunk image of raison leaves it out, and --elf-reader lief there
//   says that the module cannot be loaded.
#include <cstdint>

#include "util/sonames_config.h"

namespace {

constexpr char kJson[] =
    R"json([{"feature":"archive","description":"images, tar inputs and tar outputs",)json"
    R"json("priority":"required","soname":[")json" RAISON_LIBARCHIVE_SONAME R"json("]},)json"
    R"json({"feature":"sha256","description":"SHA-256 digests",)json"
    R"json("priority":"required","soname":[")json" RAISON_LIBCRYPTO_SONAME R"json("]},)json"
    R"json({"feature":"gzip","description":"gzip layers",)json"
    R"json("priority":"required","soname":[")json" RAISON_ISAL_SONAME R"json("]},)json"
    R"json({"feature":"elf-reader-lief","description":"the LIEF ELF reader (--elf-reader lief)",)json"
    R"json("priority":"suggested","soname":["raison-elf-lief.so"]}])json";

struct DlopenNote {
  std::uint32_t namesz = 4;               // "FDO" and its NUL
  std::uint32_t descsz = sizeof(kJson);   // the JSON and its NUL
  std::uint32_t type = 0x407c0c0a;        // FDO dlopen metadata
  char name[4] = {'F', 'D', 'O', '\0'};
  char desc[(sizeof(kJson) + 3) / 4 * 4] = {};  // padded to 4 bytes, as notes are

  constexpr DlopenNote() {
    for (std::size_t i = 0; i < sizeof(kJson); ++i) desc[i] = kJson[i];
  }
};

}  // namespace

__attribute__((used, section(".note.dlopen"), aligned(4))) constexpr DlopenNote raison_own_dlopen_note{};
