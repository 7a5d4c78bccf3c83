#pragma once

// AWS Signature Version 4 for S3 requests (the Authorization header form), written against
// AWS's "Signature Calculations for the Authorization Header" page and checked with its example
// vectors. Kept apart from the HTTP client so that it is testable without a network.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace floe::io {

/// SHA-256 of `data` as 64 lower-case hex digits.
std::string Sha256Hex(std::string_view data);
/// HMAC-SHA256 of `data` under `key`: 32 raw bytes.
std::string HmacSha256(std::string_view key, std::string_view data);
/// Percent-encodes all but the unreserved characters (A-Z a-z 0-9 - . _ ~), as SigV4 wants;
/// '/' stays as it is unless `encode_slash` (object keys in paths keep theirs, query values not).
std::string UriEncode(std::string_view text, bool encode_slash);
/// "20130524T000000Z": the x-amz-date form of a time in seconds since the epoch (UTC).
std::string AmzDate(int64_t epoch_seconds);

/// Access key, secret and optional session token. The secret is used only to derive the
/// signing key; it never appears in what Sign() returns.
struct SigningCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty: long-term keys
};

/// What is signed: the request as it goes on the wire.
struct SigningRequest {
  std::string method;  // "GET", "PUT", ...
  /// The path exactly as sent, already URI-encoded ("/bucket/a%20b.txt").
  std::string encoded_path;
  /// Query parameters, not encoded (Sign() encodes them); a flag like "uploads" has "".
  std::vector<std::pair<std::string, std::string>> query;
  /// Every header to sign, host and x-amz-* included; names in any case.
  std::vector<std::pair<std::string, std::string>> headers;
  /// Sha256Hex of the body, or "UNSIGNED-PAYLOAD".
  std::string payload_sha256;
};

struct SigningResult {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signed_headers;  // "host;range;x-amz-content-sha256;x-amz-date"
  std::string signature;       // 64 hex digits
  std::string authorization;   // the Authorization header's value
};

/// Signs `request` at `amz_date` (AmzDate form) for `region` and `service` ("s3").
/// Thread safety: a pure function.
SigningResult SignV4(const SigningRequest& request, const SigningCredentials& credentials,
                     std::string_view region, std::string_view service, std::string_view amz_date);

/// The canonical query string: keys and values encoded, sorted by key then value, joined by '&'.
std::string CanonicalQueryString(const std::vector<std::pair<std::string, std::string>>& query);

}  // namespace floe::io
