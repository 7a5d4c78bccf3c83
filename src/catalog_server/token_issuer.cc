#include "catalog_server/token_issuer.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <nlohmann/json.hpp>

namespace floe::catalog_server {

namespace {

constexpr std::string_view kTokenPrefix = "floe1.";
constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/// Claims larger than this are not ours: refuse before decoding.
constexpr size_t kMaxTokenBytes = 4096;

int DecodeChar(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(buffer >> bits) & 0x3F]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (6 - bits)) & 0x3F]);
  return out;
}

Result<std::string> Base64UrlDecode(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int value = DecodeChar(c);
    if (value < 0) return InvalidArgument("invalid base64url character");
    buffer = (buffer << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

TokenIssuer::TokenIssuer(std::string key) : key_(std::move(key)) {}

std::string TokenIssuer::Mac(std::string_view text) const {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int size = 0;
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), mac.data(), &size);
  return std::string(reinterpret_cast<const char*>(mac.data()), size);
}

std::string TokenIssuer::Issue(const TokenClaims& claims) const {
  nlohmann::json payload = {{"sub", claims.principal},
                            {"scope", claims.scope},
                            {"exp", claims.expires_at_s},
                            {"cred", claims.credential_tag}};
  std::string signed_part = fmt::format(
      "{}{}", kTokenPrefix,
      Base64UrlEncode(payload.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
  return fmt::format("{}.{}", signed_part, Base64UrlEncode(Mac(signed_part)));
}

Result<TokenClaims> TokenIssuer::Verify(std::string_view token, int64_t now_s) const {
  if (token.size() > kMaxTokenBytes || token.substr(0, kTokenPrefix.size()) != kTokenPrefix) {
    return Unauthorized("not a token issued by this server");
  }
  size_t dot = token.rfind('.');
  if (dot < kTokenPrefix.size()) return Unauthorized("malformed bearer token");
  std::string_view signed_part = token.substr(0, dot);
  Result<std::string> mac = Base64UrlDecode(token.substr(dot + 1));
  std::string expected = Mac(signed_part);
  if (!mac.ok() || mac->size() != expected.size() ||
      CRYPTO_memcmp(mac->data(), expected.data(), expected.size()) != 0) {
    return Unauthorized("invalid bearer token signature");
  }
  Result<std::string> payload_text = Base64UrlDecode(signed_part.substr(kTokenPrefix.size()));
  if (!payload_text.ok()) return Unauthorized("malformed bearer token");
  nlohmann::json payload = nlohmann::json::parse(*payload_text, nullptr, false);
  if (!payload.is_object() || !payload.contains("sub") || !payload["sub"].is_string() ||
      !payload.contains("exp") || !payload["exp"].is_number_integer()) {
    return Unauthorized("malformed bearer token");
  }
  TokenClaims claims;
  claims.principal = payload["sub"].get<std::string>();
  claims.expires_at_s = payload["exp"].get<int64_t>();
  if (payload.contains("scope") && payload["scope"].is_string()) {
    claims.scope = payload["scope"].get<std::string>();
  }
  if (payload.contains("cred") && payload["cred"].is_string()) {
    claims.credential_tag = payload["cred"].get<std::string>();
  }
  if (claims.expires_at_s <= now_s) return Unauthorized("bearer token expired");
  return claims;
}

}  // namespace floe::catalog_server
