// lief_reader(): the LIEF reader found once per process, linked in or loaded from its module by dlopen.
#include <dlfcn.h>
#include <fmt/format.h>

#include <mutex>

#include "analyzers/elf/elf_file.hpp"
#include "raison/error.hpp"

// Defined by elf_lief.cpp where it is linked (the module, the unit tests, the fuzz harnesses); weak, so
// that raison itself links without it and its address is null there.
extern "C" const raison::elf::LiefModule raison_elf_lief_module __attribute__((weak));

namespace raison::elf {
namespace {

const LiefModule* linked_module() {
  const LiefModule* linked = &raison_elf_lief_module;
  return linked;
}

const LiefModule* load_module() {
  // dlopen searches as the loader does for the caller, raison: its RUNPATH names the build directory of
  // the module (build tree) or libdir/raison (installed), the directory meson installs the module to.
  void* handle = ::dlopen(kLiefModuleName, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = ::dlerror();
    throw Error(fmt::format("--elf-reader lief needs the module {}, which cannot be loaded: {}", kLiefModuleName,
                            why != nullptr ? why : "unknown error"));
  }
  const auto* module = static_cast<const LiefModule*>(::dlsym(handle, "raison_elf_lief_module"));
  if (module == nullptr) throw Error(fmt::format("{} exports no raison_elf_lief_module", kLiefModuleName));
  if (module->abi != kLiefModuleAbi || module->info_size != sizeof(ElfInfo) || module->read == nullptr)
    throw Error(fmt::format("{} is from another build of raison (interface {}, {}-byte ElfInfo; this raison: "
                            "{}, {})",
                            kLiefModuleName, module->abi, module->info_size, kLiefModuleAbi, sizeof(ElfInfo)));
  return module;  // never closed: the process keeps using it
}

}  // namespace

ElfReadFn lief_reader() {
  static std::once_flag once;
  static const LiefModule* module = nullptr;
  // A failed load throws out of call_once, which then runs again on the next call: each caller gets
  // the same one-line error.
  std::call_once(once, [] { module = linked_module() != nullptr ? linked_module() : load_module(); });
  return module->read;
}

}  // namespace raison::elf
