#include "io/s3_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <thread>

#include "io/s3_signer.h"
#include "io/s3_xml.h"

namespace floe::io {

namespace {

constexpr std::string_view kService = "s3";
/// SHA-256 of no bytes: the payload hash of GET, HEAD and DELETE.
constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr long kHttpTooManyRequests = 429;
constexpr long kFirstServerError = 500;
constexpr long kHttpNotImplemented = 501;
constexpr long kLastServerError = 599;
constexpr int64_t kMillisPerSecond = 1000;

/// curl_global_init is not thread-safe and must run before any handle exists.
std::once_flag curl_initialized;

/// S3 error codes worth another attempt whatever the HTTP status says.
bool IsTransientCode(std::string_view code) {
  return code == "SlowDown" || code == "RequestTimeout" || code == "InternalError" ||
         code == "ServiceUnavailable" || code == "Throttling" || code == "ThrottlingException" ||
         code == "RequestLimitExceeded";
}

bool IsCredentialCode(std::string_view code) {
  return code == "AccessDenied" || code == "InvalidAccessKeyId" ||
         code == "SignatureDoesNotMatch" || code == "ExpiredToken" || code == "InvalidToken" ||
         code == "TokenRefreshRequired" || code == "AllAccessDisabled";
}

/// Failures where the request may not have reached the server, or its reply was lost.
bool IsTransientCurlError(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_WEIRD_SERVER_REPLY:
    case CURLE_SEND_FAIL_REWIND:
      return true;
    default:
      return false;
  }
}

bool IsTransientStatus(long status, std::string_view body) {
  if (status == kHttpTooManyRequests) return true;
  if (status >= kFirstServerError && status <= kLastServerError) {
    return status != kHttpNotImplemented;
  }
  if (status >= 400) {
    std::optional<S3ErrorBody> error = ParseErrorBody(body);
    return error && IsTransientCode(error->code);
  }
  return false;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* headers = static_cast<std::map<std::string, std::string>*>(user);
  std::string_view line(data, size * count);
  // A new status line (after "100 Continue") starts a new set of headers.
  if (line.starts_with("HTTP/")) headers->clear();
  size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
      value.remove_prefix(1);
    }
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ' ||
                              value.back() == '\t')) {
      value.remove_suffix(1);
    }
    (*headers)[std::move(name)] = std::string(value);
  }
  return size * count;
}

/// Feeds a PUT body to curl from memory.
struct BodyCursor {
  std::string_view body;
  size_t offset = 0;
};

size_t OnRead(char* buffer, size_t size, size_t count, void* user) {
  auto* cursor = static_cast<BodyCursor*>(user);
  size_t n = std::min(size * count, cursor->body.size() - cursor->offset);
  std::memcpy(buffer, cursor->body.data() + cursor->offset, n);
  cursor->offset += n;
  return n;
}

/// curl rewinds the body when a kept-alive connection turns out dead mid-send and it retries on
/// a fresh one.
int OnSeek(void* user, curl_off_t offset, int origin) {
  auto* cursor = static_cast<BodyCursor*>(user);
  if (origin != SEEK_SET || offset < 0 || static_cast<size_t>(offset) > cursor->body.size()) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  cursor->offset = static_cast<size_t>(offset);
  return CURL_SEEKFUNC_OK;
}

/// Owns a curl header list.
class HeaderList {
 public:
  HeaderList() = default;
  HeaderList(const HeaderList&) = delete;
  HeaderList& operator=(const HeaderList&) = delete;
  ~HeaderList() { curl_slist_free_all(list_); }
  void Add(const std::string& line) { list_ = curl_slist_append(list_, line.c_str()); }
  curl_slist* get() const { return list_; }

 private:
  curl_slist* list_ = nullptr;
};

/// Full jitter between half and all of the capped exponential wait, so that many writers
/// throttled together do not come back together.
std::chrono::milliseconds Backoff(const S3Options& options, int retry) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  int64_t wait = options.retry_min_wait_ms;
  for (int i = 1; i < retry && wait < options.retry_max_wait_ms; ++i) wait *= 2;
  wait = std::min(wait, options.retry_max_wait_ms);
  std::uniform_int_distribution<int64_t> pick(wait / 2, std::max<int64_t>(wait, wait / 2));
  return std::chrono::milliseconds(pick(random));
}

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

struct S3Client::Handle {
  Handle() : curl(curl_easy_init()) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() {
    if (curl != nullptr) curl_easy_cleanup(curl);
  }
  CURL* curl;
};

S3Client::S3Client(S3Options options) : options_(std::move(options)) {}

S3Client::~S3Client() = default;

Result<std::shared_ptr<S3Client>> S3Client::Make(S3Options options) {
  CURLcode init = CURLE_OK;
  std::call_once(curl_initialized, [&] { init = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (init != CURLE_OK) return Internal("curl_global_init failed: {}", curl_easy_strerror(init));
  return std::shared_ptr<S3Client>(new S3Client(std::move(options)));
}

std::unique_ptr<S3Client::Handle> S3Client::Acquire() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      std::unique_ptr<Handle> handle = std::move(idle_.back());
      idle_.pop_back();
      return handle;
    }
  }
  return std::make_unique<Handle>();
}

void S3Client::Release(std::unique_ptr<Handle> handle) {
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(handle));
}

Result<S3Response> S3Client::Send(const S3Request& request, std::string_view what) {
  const std::string payload_sha256 =
      !request.body_sha256.empty()
          ? request.body_sha256
          : (request.body.empty() ? std::string(kEmptySha256) : Sha256Hex(request.body));
  std::unique_ptr<Handle> handle = Acquire();
  if (handle->curl == nullptr) return Internal("{}: curl_easy_init failed", what);
  requests_.fetch_add(1);
  const int attempts = 1 + options_.max_retries;
  Status last_error;
  for (int attempt = 1;; ++attempt) {
    bool transient = false;
    Result<S3Response> response = Attempt(*handle, request, payload_sha256, transient);
    if (response.ok()) response->attempts = attempt;
    if (!transient || attempt >= attempts) {
      Release(std::move(handle));
      if (!response.ok()) {
        return response.status().WithContext(
            fmt::format("{} (after {} attempt{})", what, attempt, attempt == 1 ? "" : "s"));
      }
      return response;
    }
    retries_.fetch_add(1);
    std::this_thread::sleep_for(Backoff(options_, attempt));
  }
}

Result<S3Response> S3Client::Attempt(Handle& handle, const S3Request& request,
                                     const std::string& payload_sha256, bool& transient) {
  CURL* curl = handle.curl;
  curl_easy_reset(curl);
  const S3Options::Address address = options_.AddressOf(request.bucket, request.key);
  const std::string query = CanonicalQueryString(request.query);
  const std::string url = query.empty() ? address.url : fmt::format("{}?{}", address.url, query);
  const std::string amz_date = AmzDate(NowSeconds());

  SigningRequest signing;
  signing.method = request.method;
  signing.encoded_path = address.encoded_path;
  signing.query = request.query;
  signing.payload_sha256 = payload_sha256;
  signing.headers = {
      {"host", address.host}, {"x-amz-content-sha256", payload_sha256}, {"x-amz-date", amz_date}};
  if (!options_.session_token.empty()) {
    signing.headers.emplace_back("x-amz-security-token", options_.session_token);
  }
  for (const auto& header : request.headers) signing.headers.push_back(header);
  SigningCredentials credentials{options_.access_key_id, options_.secret_access_key,
                                 options_.session_token};
  SigningResult signed_request = SignV4(signing, credentials, options_.region, kService, amz_date);

  HeaderList headers;
  for (const auto& [name, value] : signing.headers) headers.Add(fmt::format("{}: {}", name, value));
  headers.Add(fmt::format("Authorization: {}", signed_request.authorization));
  // No "Expect: 100-continue" round trip before every part.
  headers.Add("Expect:");

  S3Response response;
  BodyCursor cursor{request.body, 0};
  char error_text[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(
      curl, CURLOPT_LOW_SPEED_TIME,
      static_cast<long>(std::max<int64_t>(1, options_.stall_timeout_ms / kMillisPerSecond)));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
  if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "PUT") {
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, OnRead);
    curl_easy_setopt(curl, CURLOPT_READDATA, &cursor);
    curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, OnSeek);
    curl_easy_setopt(curl, CURLOPT_SEEKDATA, &cursor);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  } else if (request.method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  } else {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());

  CURLcode code = curl_easy_perform(curl);
  if (code != CURLE_OK) {
    transient = IsTransientCurlError(code);
    return IoError("{}{}{}", curl_easy_strerror(code), error_text[0] != '\0' ? ": " : "",
                   error_text);
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
  transient = IsTransientStatus(response.status, response.body);
  return response;
}

Status S3Client::ErrorFor(const S3Response& response, std::string_view what) {
  std::optional<S3ErrorBody> error = ParseErrorBody(response.body);
  std::string detail;
  if (error && !error->code.empty()) {
    detail = error->message.empty() ? fmt::format(" {}", error->code)
                                    : fmt::format(" {}: {}", error->code, error->message);
  }
  if (detail.empty() && (response.status == 401 || response.status == 403)) {
    // HEAD replies have no body to carry S3's code.
    detail = " (access denied: check the credentials and the bucket's policy)";
  }
  std::string message = fmt::format("{}: HTTP {}{}", what, response.status, detail);
  const long status = response.status;
  if (status == 401 || status == 403 || (error && IsCredentialCode(error->code))) {
    return Status(ErrorKind::kUnauthorized, std::move(message));
  }
  if (status == 404) return Status(ErrorKind::kNotFound, std::move(message));
  if (status == 412) return Status(ErrorKind::kAlreadyExists, std::move(message));
  return Status(ErrorKind::kIoError, std::move(message));
}

}  // namespace floe::io
