#include "io/s3_file_io.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <deque>
#include <future>
#include <mutex>
#include <optional>

#include "io/s3_signer.h"
#include "io/s3_xml.h"

namespace floe::io {

namespace {

constexpr long kHttpOk = 200;
constexpr long kHttpPartialContent = 206;
constexpr long kHttpNotFound = 404;
constexpr long kHttpPreconditionFailed = 412;
constexpr long kHttpNotImplemented = 501;
constexpr long kFirstServerError = 500;

bool IsSuccess(long status) { return status >= 200 && status < 300; }

std::string What(std::string_view method, const S3Location& location) {
  return fmt::format("{} {}", method, location.ToString());
}

/// The object's size from a HEAD, or nullopt when it does not exist.
Result<std::optional<int64_t>> HeadObject(S3Client& client, const S3Location& location) {
  S3Request request{.method = "HEAD", .bucket = location.bucket, .key = location.key};
  const std::string what = What("HEAD", location);
  FLOE_ASSIGN_OR_RAISE(S3Response response, client.Send(request, what));
  if (response.status == kHttpNotFound) return std::optional<int64_t>();
  if (!IsSuccess(response.status)) return S3Client::ErrorFor(response, what);
  auto length = response.headers.find("content-length");
  int64_t size = -1;
  if (length != response.headers.end()) {
    const std::string& text = length->second;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), size);
    if (error != std::errc() || end != text.data() + text.size()) size = -1;
  }
  if (size < 0) return Corrupt("{}: reply has no valid Content-Length", what);
  return std::optional<int64_t>(size);
}

Result<std::string> GetObject(S3Client& client, const S3Location& location) {
  S3Request request{.method = "GET", .bucket = location.bucket, .key = location.key};
  const std::string what = What("GET", location);
  FLOE_ASSIGN_OR_RAISE(S3Response response, client.Send(request, what));
  if (response.status != kHttpOk) return S3Client::ErrorFor(response, what);
  return std::move(response.body);
}

/// After a retried conditional write was refused: did our own earlier attempt land?
bool HoldsOurBytes(S3Client& client, const S3Location& location, std::string_view contents) {
  Result<std::string> stored = GetObject(client, location);
  return stored.ok() && *stored == contents;
}

Status PutObject(S3Client& client, const S3Location& location, std::string_view contents,
                 WriteMode mode) {
  const std::string what = What("PUT", location);
  bool conditional = mode == WriteMode::kCreateNew;
  if (conditional) {
    FLOE_ASSIGN_OR_RAISE(std::optional<int64_t> existing, HeadObject(client, location));
    if (existing) return AlreadyExists("{}: the object exists already", what);
  }
  S3Request request{.method = "PUT", .bucket = location.bucket, .key = location.key};
  request.body = contents;
  if (conditional) request.headers.emplace_back("if-none-match", "*");
  FLOE_ASSIGN_OR_RAISE(S3Response response, client.Send(request, what));
  if (conditional && response.status == kHttpNotImplemented) {
    // A server without conditional writes: the HEAD above is all the protection there is.
    request.headers.clear();
    FLOE_ASSIGN_OR_RAISE(response, client.Send(request, what));
  }
  if (IsSuccess(response.status)) return Status::Ok();
  if (conditional && response.status == kHttpPreconditionFailed) {
    // Our own earlier attempt may have landed with its reply lost: curl also resends on its own
    // when a kept-alive connection dies, so the attempt count cannot tell.
    if (HoldsOurBytes(client, location, contents)) return Status::Ok();
    return AlreadyExists("{}: the object exists already (a concurrent writer created it)", what);
  }
  return S3Client::ErrorFor(response, what);
}

/// One object being written: a single PUT at Close() while it fits in one part, else a multipart
/// upload whose parts go up on helper threads (std::async), at most parts_in_flight at once,
/// each part's buffer freed as its upload completes.
/// Thread safety: one writer thread; the helpers are joined before Close() or Abort() returns.
class S3OutputStream final : public OutputStream {
 public:
  S3OutputStream(std::shared_ptr<S3Client> client, S3Location location, WriteMode mode)
      : client_(std::move(client)),
        location_(std::move(location)),
        mode_(mode),
        part_size_(static_cast<size_t>(client_->options().part_size_bytes)) {}

  S3OutputStream(const S3OutputStream&) = delete;
  S3OutputStream& operator=(const S3OutputStream&) = delete;

  ~S3OutputStream() override {
    // An unclosed stream is abandoned: no object may appear, and no parts stay billed.
    if (!closed_) static_cast<void>(Abort());
  }

  using OutputStream::Write;
  Status Write(const void* data, size_t size) override {
    if (closed_) return Internal("write to {} after Close() or Abort()", location_.ToString());
    FLOE_RETURN_IF_ERROR(failure_);
    const char* bytes = static_cast<const char*>(data);
    while (size > 0) {
      size_t n = std::min(size, part_size_ - buffer_.size());
      buffer_.append(bytes, n);
      bytes += n;
      size -= n;
      position_ += static_cast<int64_t>(n);
      if (buffer_.size() == part_size_) FLOE_RETURN_IF_ERROR(StartPart());
    }
    return Status::Ok();
  }

  int64_t Position() const override { return position_; }

  Status Close() override {
    if (closed_) return close_status_;
    closed_ = true;
    close_status_ = Finish();
    if (!close_status_.ok()) {
      // Whatever was uploaded must not become an object; the write's own error is what counts.
      static_cast<void>(AbortUpload());
    }
    return close_status_;
  }

  Status Abort() override {
    if (closed_ && close_status_.ok()) return Status::Ok();
    closed_ = true;
    if (close_status_.ok()) close_status_ = Internal("{} was aborted", location_.ToString());
    return AbortUpload();
  }

 private:
  Status Finish() {
    FLOE_RETURN_IF_ERROR(failure_);
    if (upload_id_.empty()) {
      Status put = PutObject(*client_, location_, buffer_, mode_);
      std::string().swap(buffer_);
      return put;
    }
    if (!buffer_.empty()) FLOE_RETURN_IF_ERROR(StartPart());
    while (!in_flight_.empty()) CollectOldest();
    FLOE_RETURN_IF_ERROR(failure_);
    return Complete();
  }

  Status Initiate() {
    const std::string what = fmt::format("starting a multipart upload of {}", location_.ToString());
    S3Request request{.method = "POST", .bucket = location_.bucket, .key = location_.key};
    request.query = {{"uploads", ""}};
    FLOE_ASSIGN_OR_RAISE(S3Response response, client_->Send(request, what));
    if (response.status != kHttpOk) return S3Client::ErrorFor(response, what);
    Result<std::string> id = ParseInitiateMultipartUpload(response.body);
    if (!id.ok()) return id.status().WithContext(what);
    upload_id_ = std::move(*id);
    return Status::Ok();
  }

  /// Hands the full buffer to a helper thread, first waiting for a slot.
  Status StartPart() {
    if (upload_id_.empty()) FLOE_RETURN_IF_ERROR(Initiate());
    while (in_flight_.size() >= static_cast<size_t>(client_->options().parts_in_flight)) {
      CollectOldest();
    }
    FLOE_RETURN_IF_ERROR(failure_);
    auto body = std::make_shared<const std::string>(std::move(buffer_));
    buffer_ = std::string();
    buffer_.reserve(part_size_);
    int part_number = static_cast<int>(parts_.size() + in_flight_.size()) + 1;
    in_flight_.push_back(std::async(
        std::launch::async,
        [client = client_, location = location_, upload_id = upload_id_, part_number, body] {
          return UploadPart(*client, location, upload_id, part_number, *body);
        }));
    return Status::Ok();
  }

  static Result<S3CompletedPart> UploadPart(S3Client& client, const S3Location& location,
                                            const std::string& upload_id, int part_number,
                                            const std::string& body) {
    const std::string what =
        fmt::format("uploading part {} of {}", part_number, location.ToString());
    S3Request request{.method = "PUT", .bucket = location.bucket, .key = location.key};
    request.query = {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}};
    request.body = body;
    FLOE_ASSIGN_OR_RAISE(S3Response response, client.Send(request, what));
    if (!IsSuccess(response.status)) return S3Client::ErrorFor(response, what);
    auto etag = response.headers.find("etag");
    if (etag == response.headers.end() || etag->second.empty()) {
      return Corrupt("{}: the reply has no ETag", what);
    }
    return S3CompletedPart{part_number, etag->second};
  }

  /// Waits for the oldest part; the first failure is kept and fails the stream.
  void CollectOldest() {
    Result<S3CompletedPart> part = in_flight_.front().get();
    in_flight_.pop_front();
    if (part.ok()) {
      parts_.push_back(std::move(*part));
    } else if (failure_.ok()) {
      failure_ = part.status();
    }
  }

  Status Complete() {
    const std::string what =
        fmt::format("completing the multipart upload of {}", location_.ToString());
    std::sort(parts_.begin(), parts_.end(), [](const S3CompletedPart& a, const S3CompletedPart& b) {
      return a.part_number < b.part_number;
    });
    const std::string body = CompleteMultipartUploadXml(parts_);
    S3Request request{.method = "POST", .bucket = location_.bucket, .key = location_.key};
    request.query = {{"uploadId", upload_id_}};
    request.headers = {{"content-type", "application/xml"}};
    if (mode_ == WriteMode::kCreateNew) request.headers.emplace_back("if-none-match", "*");
    request.body = body;
    request.body_sha256 = Sha256Hex(body);
    // S3 may answer 200 and still fail (an <Error> in the body), sometimes transiently.
    for (int attempt = 0;; ++attempt) {
      FLOE_ASSIGN_OR_RAISE(S3Response response, client_->Send(request, what));
      std::optional<S3ErrorBody> error = ParseErrorBody(response.body);
      if (response.status == kHttpOk && !error) {
        completed_ = true;
        return Status::Ok();
      }
      if (response.status == kHttpOk && attempt < client_->options().max_retries &&
          (error->code == "InternalError" || error->code == "SlowDown")) {
        continue;
      }
      const bool upload_gone =
          response.status == kHttpNotFound && error && error->code == "NoSuchUpload";
      if (upload_gone || response.status >= kFirstServerError) {
        // The reply to an earlier attempt may have been lost; if that attempt completed the
        // upload, the object is there with every byte we wrote, and a retry finds no upload
        // (NoSuchUpload; s3rver answers 500). An object of the same size left at this key by
        // an older write would pass too: floe's data and metadata files have unique names.
        Result<std::optional<int64_t>> head = HeadObject(*client_, location_);
        if (head.ok() && head->has_value() && **head == position_) {
          completed_ = true;
          return Status::Ok();
        }
      }
      if (response.status == kHttpOk)
        return IoError("{}: {}: {}", what, error->code, error->message);
      return S3Client::ErrorFor(response, what);
    }
  }

  Status AbortUpload() {
    while (!in_flight_.empty()) CollectOldest();
    std::string().swap(buffer_);
    if (upload_id_.empty() || completed_) return Status::Ok();
    const std::string what =
        fmt::format("aborting the multipart upload of {}", location_.ToString());
    S3Request request{.method = "DELETE", .bucket = location_.bucket, .key = location_.key};
    request.query = {{"uploadId", upload_id_}};
    upload_id_.clear();
    FLOE_ASSIGN_OR_RAISE(S3Response response, client_->Send(request, what));
    if (IsSuccess(response.status) || response.status == kHttpNotFound) return Status::Ok();
    return S3Client::ErrorFor(response, what);
  }

  const std::shared_ptr<S3Client> client_;
  const S3Location location_;
  const WriteMode mode_;
  const size_t part_size_;
  std::string buffer_;  // the part being filled
  int64_t position_ = 0;
  std::string upload_id_;  // empty until the file outgrows one part
  std::deque<std::future<Result<S3CompletedPart>>> in_flight_;
  std::vector<S3CompletedPart> parts_;
  Status failure_;  // the first failed part: the stream is dead from then on
  bool closed_ = false;
  bool completed_ = false;
  Status close_status_;
};

/// Ranged GETs; the size comes from one HEAD, on first need.
class S3InputFile final : public InputFile {
 public:
  S3InputFile(std::shared_ptr<S3Client> client, S3Location location)
      : client_(std::move(client)), location_(std::move(location)) {}

  Result<int64_t> Size() override {
    std::lock_guard lock(mutex_);
    if (size_) return *size_;
    FLOE_ASSIGN_OR_RAISE(std::optional<int64_t> size, HeadObject(*client_, location_));
    if (!size) return NotFound("{}: no such object", What("HEAD", location_));
    size_ = *size;
    return *size;
  }

  Status ReadAt(int64_t offset, size_t size, void* out) override {
    if (size == 0) return Status::Ok();
    if (offset < 0)
      return InvalidArgument("negative offset {} in {}", offset, location_.ToString());
    const std::string what = fmt::format("GET {} bytes {}+{}", location_.ToString(), offset, size);
    S3Request request{.method = "GET", .bucket = location_.bucket, .key = location_.key};
    request.headers = {
        {"range", fmt::format("bytes={}-{}", offset, offset + static_cast<int64_t>(size) - 1)}};
    FLOE_ASSIGN_OR_RAISE(S3Response response, client_->Send(request, what));
    bool whole = response.status == kHttpOk && offset == 0;
    if (response.status != kHttpPartialContent && !whole) {
      return S3Client::ErrorFor(response, what);
    }
    if (response.body.size() < size) {
      return IoError("{}: short read, {} bytes came back", what, response.body.size());
    }
    std::memcpy(out, response.body.data(), size);
    return Status::Ok();
  }

 private:
  const std::shared_ptr<S3Client> client_;
  const S3Location location_;
  std::mutex mutex_;
  std::optional<int64_t> size_;  // guarded by mutex_
};

}  // namespace

Result<std::shared_ptr<S3FileIO>> S3FileIO::Make(S3Options options) {
  FLOE_ASSIGN_OR_RAISE(std::shared_ptr<S3Client> client, S3Client::Make(std::move(options)));
  return std::shared_ptr<S3FileIO>(new S3FileIO(std::move(client)));
}

Result<std::unique_ptr<OutputStream>> S3FileIO::NewOutputFile(const std::string& location,
                                                              WriteMode mode) {
  FLOE_ASSIGN_OR_RAISE(S3Location parsed, S3Location::Parse(location));
  return std::unique_ptr<OutputStream>(
      std::make_unique<S3OutputStream>(client_, std::move(parsed), mode));
}

Result<std::unique_ptr<OutputStream>> S3FileIO::NewOutputFile(const std::string& location) {
  return NewOutputFile(location, WriteMode::kOverwrite);
}

Result<std::unique_ptr<InputFile>> S3FileIO::NewInputFile(const std::string& location) {
  FLOE_ASSIGN_OR_RAISE(S3Location parsed, S3Location::Parse(location));
  return std::unique_ptr<InputFile>(std::make_unique<S3InputFile>(client_, std::move(parsed)));
}

Status S3FileIO::WriteFile(const std::string& location, std::string_view contents, WriteMode mode) {
  FLOE_ASSIGN_OR_RAISE(S3Location parsed, S3Location::Parse(location));
  if (static_cast<int64_t>(contents.size()) <= client_->options().part_size_bytes) {
    return PutObject(*client_, parsed, contents, mode);
  }
  if (mode == WriteMode::kCreateNew) {
    FLOE_ASSIGN_OR_RAISE(std::optional<int64_t> existing, HeadObject(*client_, parsed));
    if (existing) return AlreadyExists("PUT {}: the object exists already", location);
  }
  S3OutputStream stream(client_, std::move(parsed), mode);
  FLOE_RETURN_IF_ERROR(stream.Write(contents));
  return stream.Close();
}

Result<std::string> S3FileIO::ReadFile(const std::string& location) {
  FLOE_ASSIGN_OR_RAISE(S3Location parsed, S3Location::Parse(location));
  return GetObject(*client_, parsed);
}

Status S3FileIO::DeleteFile(const std::string& location) {
  FLOE_ASSIGN_OR_RAISE(S3Location parsed, S3Location::Parse(location));
  const std::string what = What("DELETE", parsed);
  S3Request request{.method = "DELETE", .bucket = parsed.bucket, .key = parsed.key};
  FLOE_ASSIGN_OR_RAISE(S3Response response, client_->Send(request, what));
  if (IsSuccess(response.status) || response.status == kHttpNotFound) return Status::Ok();
  return S3Client::ErrorFor(response, what);
}

Result<bool> S3FileIO::Exists(const std::string& location) {
  FLOE_ASSIGN_OR_RAISE(S3Location parsed, S3Location::Parse(location));
  FLOE_ASSIGN_OR_RAISE(std::optional<int64_t> size, HeadObject(*client_, parsed));
  return size.has_value();
}

Result<std::vector<FileInfo>> S3FileIO::ListFiles(const std::string& prefix) {
  FLOE_ASSIGN_OR_RAISE(S3Location parsed, S3Location::Parse(prefix, /*allow_empty_key=*/true));
  std::string key_prefix = parsed.key;
  if (!key_prefix.empty() && !key_prefix.ends_with('/')) key_prefix.push_back('/');
  const std::string what = fmt::format("listing {}", prefix);
  std::vector<FileInfo> files;
  std::string continuation;
  while (true) {
    S3Request request{.method = "GET", .bucket = parsed.bucket};
    request.query = {{"list-type", "2"},
                     {"prefix", key_prefix},
                     {"max-keys", std::to_string(client_->options().list_page_size)}};
    if (!continuation.empty()) request.query.emplace_back("continuation-token", continuation);
    FLOE_ASSIGN_OR_RAISE(S3Response response, client_->Send(request, what));
    if (response.status != kHttpOk) return S3Client::ErrorFor(response, what);
    Result<S3ListPage> page = ParseListObjectsV2(response.body);
    if (!page.ok()) return page.status().WithContext(what);
    for (S3ListedObject& object : page->objects) {
      if (object.key.ends_with('/')) continue;
      S3Location found{parsed.scheme, parsed.bucket, std::move(object.key)};
      files.push_back(FileInfo{found.ToString(), object.size_bytes, object.modified_ms});
    }
    if (!page->truncated) break;
    continuation = std::move(page->next_continuation_token);
  }
  std::sort(files.begin(), files.end(),
            [](const FileInfo& a, const FileInfo& b) { return a.location < b.location; });
  return files;
}

}  // namespace floe::io
