// SHA-256 (FIPS 180-4) of byte strings and of open files, for content identity in manifests and SBOMs.
// Incremental: update() any number of times, then digest() or hex() once.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace raison {

class Sha256 {
 public:
  Sha256();
  void update(std::string_view data);
  // Pads and finishes; the object must not be updated afterwards.
  std::array<std::uint8_t, 32> digest();
  // digest() as 64 lowercase hex digits.
  std::string hex();

 private:
  void compress(const std::uint8_t* block);

  std::array<std::uint32_t, 8> state_;
  std::array<std::uint8_t, 64> buffer_{};
  std::size_t buffered_ = 0;       // bytes waiting in buffer_, always < 64
  std::uint64_t total_bytes_ = 0;  // message length so far, for the final length field
};

std::string sha256_hex(std::string_view data);

// Hashes the whole file open on `fd`, read with pread from offset 0 (the fd's position is untouched).
// Throws raison::Error on a read error.
std::string sha256_fd(int fd);

}  // namespace raison
