// What the unit tests share: running a command and reading its output, a temp directory removed at
// the end, reading and writing whole files, and require_tool, which makes a missing oracle a failure
// with the package to install, never a silent pass. Tools are named by full path: a non-root user's
// PATH lacks /usr/sbin, and this machine's PATH puts a pyenv python before Debian's.
#pragma once

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace raison::test {

struct Ran {
  std::string out;  // standard output (add 2>&1 to the command for standard error too)
  int status = -1;  // the exit code; -1 if the shell did not exit normally
};

// Runs `cmd` with /bin/sh -c.
inline Ran run(const std::string& cmd) {
  Ran r;
  FILE* p = ::popen(cmd.c_str(), "r");
  REQUIRE_MESSAGE(p != nullptr, "cannot run " << cmd);
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = ::pclose(p);
  if (status != -1 && WIFEXITED(status)) r.status = WEXITSTATUS(status);
  return r;
}

// The output of `cmd`, which must exit 0 (the case fails with the command and its output otherwise).
inline std::string output_of(const std::string& cmd) {
  Ran r = run(cmd);
  REQUIRE_MESSAGE(r.status == 0, cmd << " exited " << r.status << ":\n" << r.out);
  return r.out;
}

// A fresh directory /tmp/raison-unit-XXXXXX, removed with everything in it.
struct TempDir {
  std::filesystem::path dir;
  TempDir() {
    char tmpl[] = "/tmp/raison-unit-XXXXXX";
    char* made = ::mkdtemp(tmpl);
    REQUIRE_MESSAGE(made != nullptr, "mkdtemp failed");
    dir = made;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Writes `data` to `p`, creating its parent directories.
inline void spit(const std::filesystem::path& p, const std::string& data) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << data;
}

// The oracle at `path` must be there: a test that cannot ask it fails, naming what to install.
inline void require_tool(const std::string& path, const std::string& debian_package) {
  if (::access(path.c_str(), X_OK) != 0)
    FAIL("needs " << path << " (Debian package " << debian_package << "; tests/install-deps.sh installs it)");
}

}  // namespace raison::test
