// Rules files (--rules FILE): the JSON document and its rules' fields.
#include "analyzers/rules/rules.hpp"
#include "harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return raison::fuzz::run([&] { raison::rules::parse_rules(raison::fuzz::bytes(data, size), "fuzz.json"); });
}
