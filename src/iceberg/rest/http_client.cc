#include "iceberg/rest/http_client.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>

namespace floe::iceberg::rest {

namespace {

/// Response bodies beyond this are cut off with an error: table metadata of a long-lived table
/// is megabytes, never hundreds of them.
constexpr size_t kMaxResponseBytes = size_t{256} << 20;

struct Sink {
  std::string* body;
  bool overflow = false;
};

size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t bytes = size * count;
  if (sink->body->size() + bytes > kMaxResponseBytes) {
    sink->overflow = true;
    return 0;  // makes curl fail with CURLE_WRITE_ERROR
  }
  sink->body->append(data, bytes);
  return bytes;
}

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct EasyDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct ListDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace

HttpClient::HttpClient(HttpClientOptions options) : options_(options) { GlobalInit(); }

HttpResponse HttpClient::Send(const HttpRequest& request) const {
  HttpResponse response;
  std::unique_ptr<CURL, EasyDeleter> curl(curl_easy_init());
  if (!curl) {
    response.transport_error = "cannot create a curl handle";
    return response;
  }
  CURL* handle = curl.get();
  std::unique_ptr<curl_slist, ListDeleter> headers;
  for (const auto& [name, value] : request.headers) {
    std::string line = fmt::format("{}: {}", name, value);
    curl_slist* extended = curl_slist_append(headers.get(), line.c_str());
    if (extended == nullptr) {
      response.transport_error = "out of memory building headers";
      return response;
    }
    static_cast<void>(headers.release());
    headers.reset(extended);
  }
  // Without this, curl sends "Expect: 100-continue" for large bodies and waits for it.
  curl_slist* no_expect = curl_slist_append(headers.get(), "Expect:");
  if (no_expect != nullptr) {
    static_cast<void>(headers.release());
    headers.reset(no_expect);
  }
  Sink sink{&response.body};
  curl_easy_setopt(handle, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(handle, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout_ms));
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.request_timeout_ms));
  curl_easy_setopt(handle, CURLOPT_ACCEPT_ENCODING, "");
  if (request.method == "GET") {
    curl_easy_setopt(handle, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(handle, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(handle, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method != "DELETE" || !request.body.empty()) {
      curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }
  }
  CURLcode code = curl_easy_perform(handle);
  if (code != CURLE_OK) {
    response.status = 0;
    response.transport_error = sink.overflow
                                   ? fmt::format("response larger than {} bytes", kMaxResponseBytes)
                                   : std::string(curl_easy_strerror(code));
    response.may_have_reached_server =
        !(code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST ||
          code == CURLE_COULDNT_RESOLVE_PROXY || code == CURLE_UNSUPPORTED_PROTOCOL ||
          code == CURLE_URL_MALFORMAT);
    return response;
  }
  long status = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace floe::iceberg::rest
