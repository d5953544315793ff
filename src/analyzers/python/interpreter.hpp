// What the python binary itself says about the interpreter, read from its ELF bytes without running
// it: the modules compiled in (sys.builtin_module_names), the modules frozen into it, and the platform
// triplet that names its extension modules.
#pragma once

#include "analyzers/elf/machines.hpp"

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace raison::python {

// Names of the defined symbols of the ELF dynamic symbol table (SHT_DYNSYM), any class and byte
// order. Throws raison::Error on a malformed file; returns {} for a file without section headers.
std::vector<std::string> elf_dynamic_symbols(std::string_view elf);

// sys.builtin_module_names from the dynamic symbols of the interpreter and of its libpython.
// CPython links with -export-dynamic (LINKFORSHARED) so that extension modules can bind to it, so
// every module of _PyImport_Inittab has its PyInit_<name> in .dynsym, whether libpython is linked
// statically (Debian's /usr/bin/python3.11) or shared (python:3.x images). Four entries of
// Python/config.c have no PyInit_ function and are always there: builtins, sys, _warnings, marshal.
std::set<std::string> builtin_modules(const std::vector<std::string>& dynamic_symbols);

// The modules frozen into CPython X.Y (Tools/build/freeze_modules.py of that version; not
// configurable by distributions). From 3.11 the stdlib startup modules are deep-frozen too and are
// loaded from the binary by default (-X frozen_modules=on unless running from a build tree): their
// .py is not read at run time, except os.py which getpath stats as the prefix landmark; the
// directory of a frozen package's submodule (importlib for importlib.util) is still needed for the
// package itself, which is not frozen. Only names whose string ends somewhere in `binary` are
// returned (a weak check that the table fits the binary).
std::vector<std::string> frozen_modules(int major, int minor, std::string_view binary);

// The platform triplet of the SOABI ("x86_64-linux-gnu", "x86_64-linux-musl") for an ELF machine
// (CPython's configure uses the multiarch triplet); musl when the interpreter's PT_INTERP is musl's
// loader. Empty for a machine the ELF machine table does not know.
std::string platform_triplet(const elf::MachineId& machine, bool musl);

}  // namespace raison::python
