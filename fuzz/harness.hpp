// Shared by the libFuzzer harnesses: run one parser on the input; raison::Error (the typed error every
// parser of untrusted bytes throws for malformed input) is the expected outcome and is ignored.
// Anything else -- another exception, a crash, a sanitizer report, a hang -- is a bug libFuzzer reports.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "raison/error.hpp"

namespace raison::fuzz {

inline std::string_view bytes(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

template <typename F>
int run(F&& parse) {
  try {
    parse();
  } catch (const raison::Error& e) {
    // Expected: malformed input refused with a cause. RAISON_FUZZ_VERBOSE=1 prints it (to check that a
    // seed goes as deep as meant: `HARNESS SEED` runs one input).
    static const bool verbose = std::getenv("RAISON_FUZZ_VERBOSE") != nullptr;
    if (verbose) std::fprintf(stderr, "raison::Error: %s\n", e.what());
  }
  return 0;
}

}  // namespace raison::fuzz
