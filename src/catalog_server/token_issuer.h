#pragma once

// Bearer tokens of `floe catalog serve`: signed (HMAC-SHA256 over the claims), expiring, and
// verifiable without a lookup, so every request costs one MAC. The key lives in the server's
// database, so tokens stay valid across a restart and across servers sharing the database.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace floe::catalog_server {

struct TokenClaims {
  std::string principal;
  std::string scope;
  int64_t expires_at_s = 0;  // Unix seconds
  /// Names the credentials the token was issued for: rotating them revokes the token.
  std::string credential_tag;
};

/// Thread safety: immutable after construction; Issue and Verify may run on any thread.
class TokenIssuer {
 public:
  /// `key`: the raw secret bytes (at least 32).
  explicit TokenIssuer(std::string key);

  /// "floe1.<base64url claims JSON>.<base64url MAC>".
  std::string Issue(const TokenClaims& claims) const;
  /// The claims of a token this issuer made that has not expired at `now_s`; kUnauthorized
  /// otherwise (the message never echoes the token).
  Result<TokenClaims> Verify(std::string_view token, int64_t now_s) const;

 private:
  std::string Mac(std::string_view text) const;

  const std::string key_;
};

/// base64url without padding (RFC 4648 §5).
std::string Base64UrlEncode(std::string_view bytes);
Result<std::string> Base64UrlDecode(std::string_view text);

}  // namespace floe::catalog_server
