#pragma once

// A small blocking HTTP client over libcurl for the REST catalog client: one request, one
// response, with timeouts, and a verdict on whether a failed request may have reached the server
// (which decides between "retry" and "commit state unknown").

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"

namespace floe::iceberg::rest {

struct HttpRequest {
  std::string method;  // GET, HEAD, POST, DELETE
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpResponse {
  /// 0 when no response arrived (`transport_error` says why).
  int status = 0;
  std::string body;
  std::string transport_error;
  /// For status 0: false when the request certainly never reached the server (no connection
  /// could be made), true when it may have (a timeout or a reset after sending).
  bool may_have_reached_server = false;
};

struct HttpClientOptions {
  int64_t connect_timeout_ms = 10'000;
  int64_t request_timeout_ms = 60'000;
};

/// Thread safety: Send may be called from several threads at once (a handle per request).
class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options);
  /// Never fails as a Result: transport failures come back as status 0.
  HttpResponse Send(const HttpRequest& request) const;

 private:
  HttpClientOptions options_;
};

}  // namespace floe::iceberg::rest
