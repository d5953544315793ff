// The Python analyzer (see python_analyzer.cpp).
#pragma once

#include <memory>

#include "analysis/analyzer.hpp"
#include "analyzers/elf/elf_cache.hpp"

namespace raison::python {

// `elf_files` is the analysis's shared cache of parsed ELF files (an interpreter is recognised by them).
std::unique_ptr<Analyzer> make_python_analyzer(std::shared_ptr<elf::ElfCache> elf_files);

}  // namespace raison::python
