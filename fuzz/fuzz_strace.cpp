// strace -f logs (pids, timestamps, -y/-yy annotations, unfinished/resumed calls).
#include "analyzers/trace/strace.hpp"
#include "harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return raison::fuzz::run([&] { raison::trace::parse_strace(raison::fuzz::bytes(data, size), "/"); });
}
