// The ELF analyzer: for every ELF entry point (a seed, a library loaded by name), simulate the dynamic
// loader named by its PT_INTERP (glibc's ld.so or musl's) and add each object it would map.
#pragma once

#include <memory>

#include "analysis/analyzer.hpp"
#include "analyzers/elf/elf_cache.hpp"

namespace raison::elf {

// `cache` is shared with the other analyzers that look into ELF files (python's interpreter test).
std::unique_ptr<Analyzer> make_elf_analyzer(std::shared_ptr<ElfCache> cache);

}  // namespace raison::elf
