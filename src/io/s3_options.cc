#include "io/s3_options.h"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <optional>
#include <vector>

#include "io/s3_signer.h"

namespace floe::io {

namespace {

constexpr std::string_view kSchemeSeparator = "://";
constexpr const char* kSchemes[] = {"s3", "s3a", "s3n"};

/// Where each setting may come from, most specific first: a job property, then the seed's
/// variable, then AWS's.
struct Source {
  const char* property;
  std::vector<const char*> variables;
};

std::optional<std::string> Lookup(const Source& source,
                                  const std::map<std::string, std::string>& properties,
                                  const std::function<const char*(const char*)>& getenv_fn) {
  if (source.property != nullptr) {
    auto found = properties.find(source.property);
    if (found != properties.end() && !found->second.empty()) return found->second;
  }
  for (const char* variable : source.variables) {
    const char* value = getenv_fn(variable);
    if (value != nullptr && *value != '\0') return std::string(value);
  }
  return std::nullopt;
}

/// "s3.access-key-id, S3_ACCESS_KEY or AWS_ACCESS_KEY_ID": where a missing value could be set.
std::string Describe(const Source& source) {
  std::vector<std::string> names;
  if (source.property != nullptr) names.emplace_back(source.property);
  for (const char* variable : source.variables) names.emplace_back(variable);
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return out;
}

Result<bool> ParseBool(const char* name, std::string_view text) {
  if (text == "true" || text == "TRUE" || text == "True" || text == "1") return true;
  if (text == "false" || text == "FALSE" || text == "False" || text == "0") return false;
  return InvalidArgument("{} must be true or false, not '{}'", name, text);
}

Result<int64_t> ParsePositive(const char* name, std::string_view text) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value <= 0) {
    return InvalidArgument("{} must be a positive integer, not '{}'", name, text);
  }
  return value;
}

Result<int64_t> ParseNonNegative(const char* name, std::string_view text) {
  if (text == "0") return int64_t{0};
  return ParsePositive(name, text);
}

/// "http://host:port" (a trailing '/' is dropped); anything with a path or another scheme is
/// refused, since the bucket and key make up the whole path.
Result<std::string> NormalizeEndpoint(std::string_view endpoint) {
  while (endpoint.ends_with('/')) endpoint.remove_suffix(1);
  size_t separator = endpoint.find(kSchemeSeparator);
  std::string_view scheme =
      separator == std::string_view::npos ? std::string_view() : endpoint.substr(0, separator);
  std::string_view host = separator == std::string_view::npos
                              ? std::string_view()
                              : endpoint.substr(separator + kSchemeSeparator.size());
  if ((scheme != "http" && scheme != "https") || host.empty() ||
      host.find_first_of("/?#@ ") != std::string_view::npos) {
    return InvalidArgument(
        "invalid S3 endpoint '{}': expected http://host[:port] or https://host[:port]", endpoint);
  }
  return std::string(endpoint);
}

bool IsBucketChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

}  // namespace

bool IsS3Location(std::string_view location) {
  for (const char* scheme : kSchemes) {
    std::string_view name(scheme);
    if (location.starts_with(name) && location.substr(name.size()).starts_with(kSchemeSeparator)) {
      return true;
    }
  }
  return false;
}

Result<S3Location> S3Location::Parse(std::string_view location, bool allow_empty_key) {
  if (!IsS3Location(location)) {
    return InvalidArgument("invalid S3 location '{}': expected s3://bucket/key", location);
  }
  size_t separator = location.find(kSchemeSeparator);
  S3Location parsed;
  parsed.scheme = std::string(location.substr(0, separator));
  std::string_view rest = location.substr(separator + kSchemeSeparator.size());
  size_t slash = rest.find('/');
  std::string_view bucket = rest.substr(0, slash);
  if (bucket.empty()) {
    return InvalidArgument("invalid S3 location '{}': no bucket name after {}://", location,
                           parsed.scheme);
  }
  for (char c : bucket) {
    if (!IsBucketChar(c)) {
      return InvalidArgument(
          "invalid S3 location '{}': bucket '{}' may hold only letters, digits, '.', '-' and '_'",
          location, bucket);
    }
  }
  parsed.bucket = std::string(bucket);
  if (slash != std::string_view::npos) parsed.key = std::string(rest.substr(slash + 1));
  if (parsed.key.empty() && !allow_empty_key) {
    return InvalidArgument("invalid S3 location '{}': no object key after the bucket", location);
  }
  return parsed;
}

std::string S3Location::ToString() const {
  return fmt::format("{}{}{}/{}", scheme, kSchemeSeparator, bucket, key);
}

Result<S3Options> S3Options::Resolve(const std::map<std::string, std::string>& properties,
                                     const std::function<const char*(const char*)>& getenv_fn) {
  const std::function<const char*(const char*)> getenv_or_default =
      getenv_fn ? getenv_fn : [](const char* name) -> const char* { return std::getenv(name); };
  const Source endpoint{kS3EndpointProperty,
                        {"S3_ENDPOINT", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"}};
  const Source access_key{kS3AccessKeyIdProperty, {"S3_ACCESS_KEY", "AWS_ACCESS_KEY_ID"}};
  const Source secret_key{kS3SecretAccessKeyProperty, {"S3_SECRET_KEY", "AWS_SECRET_ACCESS_KEY"}};
  const Source session_token{kS3SessionTokenProperty, {"AWS_SESSION_TOKEN"}};
  const Source region{kClientRegionProperty, {"AWS_REGION", "AWS_DEFAULT_REGION"}};

  S3Options options;
  if (auto value = Lookup(endpoint, properties, getenv_or_default)) {
    FLOE_ASSIGN_OR_RAISE(options.endpoint, NormalizeEndpoint(*value));
  }
  if (auto value = Lookup(region, properties, getenv_or_default)) options.region = *value;
  auto access = Lookup(access_key, properties, getenv_or_default);
  auto secret = Lookup(secret_key, properties, getenv_or_default);
  if (!access || !secret) {
    std::string missing;
    if (!access) missing = fmt::format("no access key id (set {})", Describe(access_key));
    if (!secret) {
      missing += fmt::format("{}no secret access key (set {})", missing.empty() ? "" : "; ",
                             Describe(secret_key));
    }
    return Unauthorized("S3 credentials missing: {}", missing);
  }
  options.access_key_id = *access;
  options.secret_access_key = *secret;
  if (auto value = Lookup(session_token, properties, getenv_or_default)) {
    options.session_token = *value;
  }

  options.path_style = !options.endpoint.empty();
  auto path_style = properties.find(kS3PathStyleAccessProperty);
  if (path_style != properties.end()) {
    FLOE_ASSIGN_OR_RAISE(options.path_style,
                         ParseBool(kS3PathStyleAccessProperty, path_style->second));
  }
  if (auto found = properties.find(kS3MultipartSizeProperty); found != properties.end()) {
    FLOE_ASSIGN_OR_RAISE(options.part_size_bytes,
                         ParsePositive(kS3MultipartSizeProperty, found->second));
    if (options.part_size_bytes < kS3MinPartSizeBytes) {
      return InvalidArgument("{} must be at least {} bytes (S3's smallest part), not {}",
                             kS3MultipartSizeProperty, kS3MinPartSizeBytes,
                             options.part_size_bytes);
    }
  }
  if (auto found = properties.find(kS3MultipartThreadsProperty); found != properties.end()) {
    FLOE_ASSIGN_OR_RAISE(int64_t threads,
                         ParsePositive(kS3MultipartThreadsProperty, found->second));
    options.parts_in_flight = static_cast<int>(std::min<int64_t>(threads, 64));
  }
  if (auto found = properties.find(kS3RetryNumRetriesProperty); found != properties.end()) {
    FLOE_ASSIGN_OR_RAISE(int64_t retries,
                         ParseNonNegative(kS3RetryNumRetriesProperty, found->second));
    options.max_retries = static_cast<int>(std::min<int64_t>(retries, 100));
  }
  if (auto found = properties.find(kS3RetryMinWaitProperty); found != properties.end()) {
    FLOE_ASSIGN_OR_RAISE(options.retry_min_wait_ms,
                         ParseNonNegative(kS3RetryMinWaitProperty, found->second));
  }
  if (auto found = properties.find(kS3RetryMaxWaitProperty); found != properties.end()) {
    FLOE_ASSIGN_OR_RAISE(options.retry_max_wait_ms,
                         ParseNonNegative(kS3RetryMaxWaitProperty, found->second));
  }
  return options;
}

S3Options::Address S3Options::AddressOf(std::string_view bucket, std::string_view key) const {
  std::string base =
      endpoint.empty() ? fmt::format("https://s3.{}.amazonaws.com", region) : endpoint;
  size_t separator = base.find(kSchemeSeparator);
  std::string_view scheme = std::string_view(base).substr(0, separator);
  std::string_view host = std::string_view(base).substr(separator + kSchemeSeparator.size());
  std::string encoded_key = UriEncode(key, false);
  Address address;
  if (path_style) {
    address.host = std::string(host);
    address.encoded_path = key.empty()
                               ? fmt::format("/{}", UriEncode(bucket, true))
                               : fmt::format("/{}/{}", UriEncode(bucket, true), encoded_key);
  } else {
    address.host = fmt::format("{}.{}", bucket, host);
    address.encoded_path = fmt::format("/{}", encoded_key);
  }
  address.url =
      fmt::format("{}{}{}{}", scheme, kSchemeSeparator, address.host, address.encoded_path);
  return address;
}

}  // namespace floe::io
