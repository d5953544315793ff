// Transports through skopeo (util/skopeo.hpp, emit/output_spec.hpp): which specs are transports, the
// private transfer directory, and skopeo's failures as one line, with the real skopeo.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "emit/output_spec.hpp"
#include "raison/error.hpp"
#include "util/skopeo.hpp"

using namespace raison;

TEST_CASE("transport specs are recognised by prefix, and parsed as outputs") {
  for (const char* s : {"docker://127.0.0.1:5000/app:1", "docker-daemon:app:1", "containers-storage:[vfs@/a+/b]app:1",
                        "oci-archive:/tmp/x.tar:ref"}) {
    CHECK(is_transport_spec(s));
    CHECK(parse_output_spec(s).kind == OutputSpec::Kind::Transport);
  }
  CHECK_FALSE(is_transport_spec("oci:/x"));
  CHECK_FALSE(is_transport_spec("docker-archive:/x.tar"));
  CHECK_FALSE(is_transport_spec("docker:/x"));
  CHECK(parse_output_spec("oci-archive:/tmp/x.tar:ref").path == "/tmp/x.tar");
  CHECK(parse_output_spec("docker://h:1/a:b").path.empty());  // nothing local to check or write beside
  CHECK_THROWS_AS(parse_output_spec("oci-archive::ref"), Error);
}

TEST_CASE("a transfer directory is private and goes with its owner") {
  const std::string base = std::filesystem::temp_directory_path() / "raison-transport-test";
  std::filesystem::create_directories(base);
  std::string path;
  {
    TransferDir dir(base);
    path = dir.path();
    struct stat st;
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0700);
    std::filesystem::create_directories(path + "/layout/blobs");
  }
  CHECK_FALSE(std::filesystem::exists(path));
  std::filesystem::remove_all(base);
}

TEST_CASE("skopeo missing, or failing, is one line naming the image") {
  const char* old = std::getenv("PATH");
  const std::string saved = old ? old : "";
  ::setenv("PATH", "/nonexistent", 1);
  try {
    skopeo_copy("docker://h/a:1", "oci:/tmp/x:y", {}, "docker://h/a:1", "/nonexistent");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()) == "docker://h/a:1: skopeo not found on PATH (Debian package skopeo)");
  }
  ::setenv("PATH", saved.c_str(), 1);
  if (access("/usr/bin/skopeo", X_OK) != 0) return;  // tests/install-deps.sh installs it
  try {
    TransferDir dir("");
    skopeo_copy("oci:/nonexistent-raison-layout:x", "oci:/tmp/never-written:y", {}, "IMG", dir.path() + "/tmp");
    FAIL("no error");
  } catch (const Error& e) {
    const std::string what = e.what();
    CHECK(what.starts_with("IMG: skopeo copy failed: initializing source oci:/nonexistent-raison-layout:x: "));
    CHECK(what.find('\n') == std::string::npos);
    CHECK(what.find("level=fatal") == std::string::npos);
  }
}
