// SHA-256 through OpenSSL's libcrypto (EVP): one digest fetched once per process, one context per
// object. libcrypto picks the SHA extensions or AVX2 code the CPU offers, several times faster than a
// portable C implementation; the digests themselves are FIPS 180-4's (tests/unit/sha256_test.cpp).
#include "util/sha256.hpp"

#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <new>
#include <utility>
#include <vector>

#include "raison/error.hpp"
#include "util/lazy_lib.hpp"
#include "util/sonames.hpp"

namespace raison {
namespace {

// libcrypto, loaded on first use (util/lazy_lib.hpp), called through crypto(); and its SHA-256, fetched
// once per process.
struct Libcrypto {
  decltype(&::EVP_MD_CTX_new) md_ctx_new;
  decltype(&::EVP_MD_CTX_free) md_ctx_free;
  decltype(&::EVP_DigestInit_ex) digest_init;
  decltype(&::EVP_DigestUpdate) digest_update;
  decltype(&::EVP_DigestFinal_ex) digest_final;
  const EVP_MD* sha256;
};
const Libcrypto& crypto() {
  static const Libcrypto table = [] {
    LazyLib lib(kLibcryptoSoname, "SHA-256 digests");
    const EVP_MD* md = RAISON_LAZY_FUNCTION(lib, EVP_MD_fetch)(nullptr, "SHA256", nullptr);
    if (md == nullptr) md = RAISON_LAZY_FUNCTION(lib, EVP_sha256)();
    return Libcrypto{.md_ctx_new = RAISON_LAZY_FUNCTION(lib, EVP_MD_CTX_new),
                     .md_ctx_free = RAISON_LAZY_FUNCTION(lib, EVP_MD_CTX_free),
                     .digest_init = RAISON_LAZY_FUNCTION(lib, EVP_DigestInit_ex),
                     .digest_update = RAISON_LAZY_FUNCTION(lib, EVP_DigestUpdate),
                     .digest_final = RAISON_LAZY_FUNCTION(lib, EVP_DigestFinal_ex),
                     .sha256 = md};
  }();
  return table;
}

}  // namespace

Sha256::Sha256() : ctx_(crypto().md_ctx_new()) {
  if (!ctx_ || crypto().digest_init(ctx_, crypto().sha256, nullptr) != 1) throw std::bad_alloc();
}

// A moved-from object holds no context, and had no table to load.
Sha256::~Sha256() {
  if (ctx_) crypto().md_ctx_free(ctx_);
}

Sha256::Sha256(Sha256&& other) noexcept : ctx_(std::exchange(other.ctx_, nullptr)) {}

Sha256& Sha256::operator=(Sha256&& other) noexcept {
  std::swap(ctx_, other.ctx_);
  return *this;
}

void Sha256::update(std::string_view data) {
  if (!data.empty()) crypto().digest_update(ctx_, data.data(), data.size());
}

std::array<std::uint8_t, 32> Sha256::digest() {
  std::array<std::uint8_t, 32> out{};
  unsigned int len = 0;
  crypto().digest_final(ctx_, out.data(), &len);
  return out;
}

std::string Sha256::hex() {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t byte : digest()) {
    out += kDigits[byte >> 4];
    out += kDigits[byte & 0xf];
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  Sha256 h;
  h.update(data);
  return h.hex();
}

std::string sha256_fd(int fd) {
  constexpr std::size_t kChunk = 1 << 20;
  std::vector<char> buf(kChunk);
  Sha256 h;
  off_t offset = 0;
  for (;;) {
    ssize_t n = ::pread(fd, buf.data(), buf.size(), offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("reading for SHA-256");
    }
    if (n == 0) break;
    h.update(std::string_view(buf.data(), static_cast<std::size_t>(n)));
    offset += n;
  }
  return h.hex();
}

}  // namespace raison
