// Python source: decoding (BOM, PEP 263 cookie, iconv), CPython's tokenizer and the import scanner,
// all behind scan(), which never throws for bad input.
#include "analyzers/python/scanner.hpp"
#include "harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return raison::fuzz::run([&] { raison::python::scan(raison::fuzz::bytes(data, size)); });
}
