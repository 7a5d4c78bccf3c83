#pragma once

// Signed S3 requests over libcurl, with retries: the one place floe speaks HTTP to an object
// store. S3FileIO builds the S3 operations on top of it.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "io/s3_options.h"

namespace floe::io {

struct S3Request {
  std::string method;  // GET, HEAD, PUT, POST, DELETE
  std::string bucket;
  std::string key;  // not encoded; empty for a bucket-level request
  /// Not encoded; a flag such as "uploads" has an empty value.
  std::vector<std::pair<std::string, std::string>> query;
  /// Extra headers, all signed (range, if-none-match, content-type, ...).
  std::vector<std::pair<std::string, std::string>> headers;
  /// The body for PUT and POST; must outlive Send().
  std::string_view body;
  /// Precomputed SHA-256 hex of `body` (saves hashing it again); empty: computed.
  std::string body_sha256;
};

struct S3Response {
  long status = 0;
  /// Header names in lower case.
  std::map<std::string, std::string> headers;
  std::string body;
  /// How many attempts Send() made. 1 does not prove the server saw the request once: curl
  /// resends by itself when a kept-alive connection turns out closed.
  int attempts = 0;
};

/// Counters for tests and reports: how often requests were retried.
struct S3ClientStats {
  int64_t requests = 0;
  int64_t retries = 0;
};

/// Sends signed requests to one S3 service. Retries transport failures (refused or dropped
/// connections, timeouts, stalls), 500/502/503/504, 429 and S3's throttling and timeout codes
/// (SlowDown, RequestTimeout, InternalError) with exponential backoff and jitter; everything
/// else is returned to the caller as the final response. Credentials are used only to sign:
/// neither they nor the Authorization header ever appear in an error message.
/// Thread safety: Send() may be called from any number of threads; connections are pooled.
class S3Client {
 public:
  static Result<std::shared_ptr<S3Client>> Make(S3Options options);
  ~S3Client();
  S3Client(const S3Client&) = delete;
  S3Client& operator=(const S3Client&) = delete;

  /// The final response after retries, whatever its status. An error only when no response
  /// came at all (kIoError, naming `what` and curl's reason).
  Result<S3Response> Send(const S3Request& request, std::string_view what);

  /// The Status for a non-2xx response: kNotFound for 404, kUnauthorized for 401/403 and for
  /// S3's credential codes, kAlreadyExists for 412, kIoError otherwise; the message names
  /// `what`, the HTTP status, and S3's error code and message.
  static Status ErrorFor(const S3Response& response, std::string_view what);

  const S3Options& options() const { return options_; }
  S3ClientStats stats() const { return {requests_.load(), retries_.load()}; }

 private:
  struct Handle;
  explicit S3Client(S3Options options);

  /// One attempt. Returns the response, or the curl error text in `transport_error`.
  Result<S3Response> Attempt(Handle& handle, const S3Request& request,
                             const std::string& payload_sha256, bool& transient);
  std::unique_ptr<Handle> Acquire();
  void Release(std::unique_ptr<Handle> handle);

  const S3Options options_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Handle>> idle_;  // guarded by mutex_
  std::atomic<int64_t> requests_{0};
  std::atomic<int64_t> retries_{0};
};

}  // namespace floe::io
