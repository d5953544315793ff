// The host's loader defaults against the host's loader: nothing here is written in by hand. glibc's
// ld.so prints the directories it tries for a library (LD_DEBUG=libs: "search path=...") with every
// glibc-hwcaps and legacy hwcap subdirectory in its order, names its platform in `ld.so --help`
// ("NAME (AT_PLATFORM; supported, searched)"), and LD_SHOW_AUXV shows the AT_PLATFORM the kernel gave.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "analyzers/elf/host.hpp"

namespace {

constexpr const char* kLoader = "/lib64/ld-linux-x86-64.so.2";
constexpr const char* kProbeDir = "/nonexistent-raison-probe";

std::string run(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = ::pclose(p);
  REQUIRE_MESSAGE(WIFEXITED(status), cmd);
  return out;
}

// The subdirectories of kProbeDir the loader searches, in order, as LD_DEBUG=libs prints them for
// the LD_LIBRARY_PATH element kProbeDir ("" for the directory itself).
std::vector<std::string> loader_subdirectories() {
  std::string log = run(std::string("env -i LD_DEBUG=libs LD_LIBRARY_PATH=") + kProbeDir + " /usr/bin/true 2>&1");
  std::istringstream in(log);
  std::string line;
  while (std::getline(in, line)) {
    auto at = line.find("search path=");
    if (at == std::string::npos || line.find("(LD_LIBRARY_PATH)") == std::string::npos) continue;
    std::string list = line.substr(at + 12, line.find_first_of(" \t", at + 12) - at - 12);
    std::vector<std::string> out;
    std::stringstream items(list);
    std::string item;
    const std::string prefix = std::string(kProbeDir) + "/";
    while (std::getline(items, item, ':'))
      out.push_back(item == kProbeDir ? "" : item.rfind(prefix, 0) == 0 ? item.substr(prefix.size()) : "?" + item);
    return out;
  }
  FAIL("LD_DEBUG=libs printed no LD_LIBRARY_PATH search path:\n" << log);
  return {};
}

}  // namespace

TEST_CASE("host: glibc-hwcaps and legacy subdirectories are the ones this machine's loader searches, in its order") {
#if defined(__x86_64__)
  REQUIRE_MESSAGE(std::filesystem::exists(kLoader), "needs " << kLoader << " (Debian package libc6)");
  const auto& h = raison::elf::host_facts();
  std::vector<std::string> ours;
  for (const auto& level : h.hwcaps) ours.push_back("glibc-hwcaps/" + level);
  for (const auto& sub : raison::elf::legacy_subdirectories(h.legacy_hwcaps)) ours.push_back(sub);
  std::vector<std::string> loader = loader_subdirectories();
  CHECK(ours == loader);
  std::string joined;
  for (const auto& s : loader) joined += (joined.empty() ? "" : " ") + (s.empty() ? std::string("(dir)") : s);
  MESSAGE("the loader searches: " << joined);
#else
  MESSAGE("host defaults are modelled for x86-64 only");
#endif
}

TEST_CASE("host: $PLATFORM is the platform ld.so --help names, built from the kernel's AT_PLATFORM") {
#if defined(__x86_64__)
  REQUIRE_MESSAGE(std::filesystem::exists(kLoader), "needs " << kLoader << " (Debian package libc6)");
  const auto& h = raison::elf::host_facts();
  std::string help = run(std::string(kLoader) + " --help");
  std::string platform;
  std::istringstream in(help);
  for (std::string line; std::getline(in, line);) {
    auto at = line.find(" (AT_PLATFORM");
    if (at == std::string::npos) continue;
    auto start = line.find_first_not_of(' ');
    platform = line.substr(start, at - start);
  }
  REQUIRE_MESSAGE(!platform.empty(), "ld.so --help names no AT_PLATFORM:\n" << help);
  CHECK(h.platform == platform);
  // glibc renames the kernel's platform only on Intel CPUs (haswell, xeon_phi); LD_SHOW_AUXV prints
  // the kernel's value.
  std::string auxv = run("env -i LD_SHOW_AUXV=1 /usr/bin/true");
  auto at = auxv.find("AT_PLATFORM:");
  REQUIRE(at != std::string::npos);
  std::string kernel = auxv.substr(at + 12, auxv.find('\n', at) - at - 12);
  kernel.erase(0, kernel.find_first_not_of(' '));
  CHECK((h.platform == kernel || h.platform == "haswell" || h.platform == "xeon_phi"));
  MESSAGE("platform " << h.platform << " (kernel: " << kernel << ")");
#else
  MESSAGE("host defaults are modelled for x86-64 only");
#endif
}

TEST_CASE("host: legacy subdirectories keep glibc's combination order, duplicates included") {
  using raison::elf::legacy_subdirectories;
  CHECK(legacy_subdirectories({}) == std::vector<std::string>{""});
  CHECK(legacy_subdirectories({"tls", "haswell", "avx512_1", "x86_64"}).front() == "tls/haswell/avx512_1/x86_64");
  CHECK(legacy_subdirectories({"tls", "x86_64", "x86_64"}) ==
        std::vector<std::string>{"tls/x86_64/x86_64", "tls/x86_64", "tls/x86_64", "tls", "x86_64/x86_64", "x86_64",
                                 "x86_64", ""});
}
