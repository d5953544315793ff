// The .note.dlopen descriptor (FDO dlopen metadata: a NUL-terminated JSON array).
#include "analyzers/elf/dlopen_note.hpp"
#include "harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return raison::fuzz::run([&] { raison::elf::parse_dlopen_note(raison::fuzz::bytes(data, size)); });
}
