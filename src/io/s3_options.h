#pragma once

// Where an S3 object is (s3://bucket/key), which server holds it (endpoint, region, path-style
// or virtual-hosted addressing) and with what credentials, gathered from a job's properties and
// the environment.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "common/result.h"

namespace floe::io {

/// Property names, as Iceberg's S3FileIO spells them.
inline constexpr const char* kS3EndpointProperty = "s3.endpoint";
inline constexpr const char* kS3AccessKeyIdProperty = "s3.access-key-id";
inline constexpr const char* kS3SecretAccessKeyProperty = "s3.secret-access-key";
inline constexpr const char* kS3SessionTokenProperty = "s3.session-token";
inline constexpr const char* kS3PathStyleAccessProperty = "s3.path-style-access";
inline constexpr const char* kClientRegionProperty = "client.region";
inline constexpr const char* kS3MultipartSizeProperty = "s3.multipart.size";
inline constexpr const char* kS3MultipartThreadsProperty = "s3.multipart.num-threads";
inline constexpr const char* kS3RetryNumRetriesProperty = "s3.retry.num-retries";
inline constexpr const char* kS3RetryMinWaitProperty = "s3.retry.min-wait-ms";
inline constexpr const char* kS3RetryMaxWaitProperty = "s3.retry.max-wait-ms";

/// S3 refuses multipart parts below 5 MiB (all but the last).
inline constexpr int64_t kS3MinPartSizeBytes = int64_t{5} << 20;

/// True for s3://, s3a:// and s3n:// locations.
bool IsS3Location(std::string_view location);

/// An object (or a key prefix) in a bucket. `scheme` is kept so that listings answer in the
/// spelling they were asked in (s3a stays s3a).
struct S3Location {
  std::string scheme;  // "s3", "s3a" or "s3n"
  std::string bucket;
  std::string key;  // without a leading '/'; may be empty for a bucket-wide prefix

  /// Parses "s3://bucket/key". InvalidArgument for other schemes, an empty or malformed bucket
  /// name, or (unless `allow_empty_key`) an empty key.
  static Result<S3Location> Parse(std::string_view location, bool allow_empty_key = false);
  /// "scheme://bucket/key".
  std::string ToString() const;
};

/// How floe talks to one S3-compatible service. Plain values: copy freely.
struct S3Options {
  /// "scheme://host[:port]" without a path; empty: AWS's https://s3.<region>.amazonaws.com.
  std::string endpoint;
  std::string region = "us-east-1";
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  /// Path-style (endpoint/bucket/key) rather than virtual-hosted (bucket.endpoint/key).
  bool path_style = false;

  /// Output streams upload parts of this size once a file outgrows one part; memory per stream
  /// is about (parts_in_flight + 1) parts.
  int64_t part_size_bytes = int64_t{8} << 20;
  int parts_in_flight = 4;

  /// Attempts per request = 1 + max_retries; the waits grow from min to max, with jitter.
  int max_retries = 6;
  int64_t retry_min_wait_ms = 100;
  int64_t retry_max_wait_ms = 5000;
  int64_t connect_timeout_ms = 10000;
  /// A request that moves no byte for this long fails (and is retried): a stalled server.
  int64_t stall_timeout_ms = 60000;
  /// Keys per ListObjectsV2 page (S3's maximum is 1000).
  int list_page_size = 1000;

  /// Looks each setting up in `properties` first, then in the seed's variables (S3_ENDPOINT,
  /// S3_ACCESS_KEY, S3_SECRET_KEY), then in AWS's (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID,
  /// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION, AWS_DEFAULT_REGION). Path-style is
  /// the default with an explicit endpoint (MinIO and most S3-compatible servers, and an IP
  /// address cannot carry a bucket name) and off for AWS. Missing credentials are
  /// kUnauthorized, naming the settings that would provide them; malformed values
  /// kInvalidArgument. Errors never quote a secret.
  static Result<S3Options> Resolve(
      const std::map<std::string, std::string>& properties,
      const std::function<const char*(const char*)>& getenv_fn = nullptr);

  /// The URL of an object (or, with an empty key, of the bucket) and the Host header that goes
  /// with it. `encoded_path` is what SigV4 signs.
  struct Address {
    std::string url;           // scheme://host[:port]/path
    std::string host;          // host[:port] as the Host header carries it
    std::string encoded_path;  // "/bucket/key" or "/key", URI-encoded
  };
  Address AddressOf(std::string_view bucket, std::string_view key) const;
};

}  // namespace floe::io
