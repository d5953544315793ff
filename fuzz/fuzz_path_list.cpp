// Path lists (one path a line, `raison observe` evidence after a tab), through the format detector.
#include "analyzers/trace/path_list.hpp"
#include "harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return raison::fuzz::run([&] {
    std::string_view text = raison::fuzz::bytes(data, size);
    raison::trace::parse_path_list(text);
    raison::trace::parse_trace_log(text, "/");
  });
}
