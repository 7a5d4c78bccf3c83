#pragma once

// Random secrets and their salted hashes (PBKDF2-HMAC-SHA256): how `floe catalog serve` keeps
// client secrets, so that its database never holds one in the clear.

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"

namespace floe::catalog_server {

/// Lower-case hex of `bytes`.
std::string HexOf(std::string_view bytes);
/// `size` bytes from OpenSSL's generator, as hex (2 * size characters).
Result<std::string> RandomHex(size_t size);

/// A salted hash of a secret; `salt` and `hash` are hex.
struct SecretHash {
  std::string salt;
  std::string hash;

  /// A fresh salt and the hash of `secret` under it.
  static Result<SecretHash> Of(std::string_view secret);
  /// True when `secret` hashes to `hash` under `salt` (compared in constant time).
  bool Matches(std::string_view secret) const;
};

}  // namespace floe::catalog_server
