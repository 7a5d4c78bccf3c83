#include "catalog_server/secret_hash.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>

namespace floe::catalog_server {

namespace {

constexpr size_t kSaltBytes = 16;
/// PBKDF2 rounds: a few milliseconds per token request, which is how often a secret is checked
/// (tokens carry the identity afterwards).
constexpr int kPbkdf2Iterations = 10'000;
constexpr size_t kHashBytes = 32;

std::string Hash(std::string_view secret, std::string_view salt_hex) {
  std::array<unsigned char, kHashBytes> hash{};
  PKCS5_PBKDF2_HMAC(secret.data(), static_cast<int>(secret.size()),
                    reinterpret_cast<const unsigned char*>(salt_hex.data()),
                    static_cast<int>(salt_hex.size()), kPbkdf2Iterations, EVP_sha256(),
                    static_cast<int>(hash.size()), hash.data());
  return HexOf(std::string_view(reinterpret_cast<const char*>(hash.data()), hash.size()));
}

}  // namespace

std::string HexOf(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) out += fmt::format("{:02x}", c);
  return out;
}

Result<std::string> RandomHex(size_t size) {
  std::string out(size, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(size)) != 1) {
    return Internal("the random number generator failed");
  }
  return HexOf(out);
}

Result<SecretHash> SecretHash::Of(std::string_view secret) {
  FLOE_ASSIGN_OR_RAISE(std::string salt, RandomHex(kSaltBytes));
  std::string hash = Hash(secret, salt);
  return SecretHash{std::move(salt), std::move(hash)};
}

bool SecretHash::Matches(std::string_view secret) const {
  const std::string computed = Hash(secret, salt);
  return computed.size() == hash.size() &&
         CRYPTO_memcmp(computed.data(), hash.data(), hash.size()) == 0;
}

}  // namespace floe::catalog_server
