// SHA-256 against the FIPS 180-4 example vectors and against coreutils' sha256sum on a real file.
#include "util/sha256.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "raison/error.hpp"
#include "test_util.hpp"

using raison::sha256_hex;

TEST_CASE("sha256: FIPS 180-4 example messages") {
  CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(sha256_hex(std::string(1000000, 'a')) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256: the digest does not depend on how the input is split into updates") {
  std::string message;
  for (int i = 0; i < 1000; ++i) message += static_cast<char>(i * 7 + 3);
  std::string whole = sha256_hex(message);
  // Splits around the 64-byte block and the 56-byte padding boundary.
  for (std::size_t step : {1, 55, 56, 63, 64, 65, 127, 999}) {
    raison::Sha256 h;
    for (std::size_t pos = 0; pos < message.size(); pos += step)
      h.update(std::string_view(message).substr(pos, step));
    CHECK_MESSAGE(h.hex() == whole, "step " << step);
  }
  // Lengths whose padding needs one or two final blocks.
  CHECK(sha256_hex(std::string(55, 'x')) != sha256_hex(std::string(56, 'x')));
}

TEST_CASE("sha256: sha256_fd of a file equals sha256sum's output") {
  char tmpl[] = "/tmp/raison-sha256-test-XXXXXX";
  int fd = ::mkstemp(tmpl);
  REQUIRE(fd >= 0);
  // A bit over 2 MiB, so that sha256_fd reads it in three chunks.
  std::string content;
  for (int i = 0; content.size() < (2u << 20) + 12345; ++i) content += std::to_string(i) + ",";
  REQUIRE(::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));

  raison::test::require_tool("/usr/bin/sha256sum", "coreutils");
  std::string expected = raison::test::output_of("/usr/bin/sha256sum " + std::string(tmpl)).substr(0, 64);

  CHECK(raison::sha256_fd(fd) == expected);
  CHECK(raison::sha256_fd(fd) == sha256_hex(content));
  ::close(fd);
  ::unlink(tmpl);
  // A directory fd cannot be read: an error, not an empty digest.
  int dir = ::open("/", O_RDONLY | O_DIRECTORY);
  CHECK_THROWS_AS(raison::sha256_fd(dir), raison::Error);
  ::close(dir);
}
