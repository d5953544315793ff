// SHA-256 (FIPS 180-4) of byte strings and of open files, for content identity in manifests and SBOMs.
// Incremental: update() any number of times, then digest() or hex() once. The hashing is OpenSSL's
// libcrypto (its SHA-NI/AVX2 code where the CPU has it); this header does not expose it.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX

namespace raison {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(Sha256&& other) noexcept;
  Sha256& operator=(Sha256&& other) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view data);
  // Pads and finishes; the object must not be updated afterwards.
  std::array<std::uint8_t, 32> digest();
  // digest() as 64 lowercase hex digits.
  std::string hex();

 private:
  evp_md_ctx_st* ctx_;
};

std::string sha256_hex(std::string_view data);

// Hashes the whole file open on `fd`, read with pread from offset 0 (the fd's position is untouched).
// Throws raison::Error on a read error.
std::string sha256_fd(int fd);

}  // namespace raison
