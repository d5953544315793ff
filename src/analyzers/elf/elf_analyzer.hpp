// The ELF analyzer: for every ELF entry point (a seed, a library loaded by name), simulate the dynamic
// loader named by its PT_INTERP (glibc's ld.so or musl's) and add each object it would map.
#pragma once

#include <memory>

#include "analyzers/analyzer.hpp"

namespace raison::elf {

std::unique_ptr<Analyzer> make_elf_analyzer(ElfReaderKind reader);

}  // namespace raison::elf
