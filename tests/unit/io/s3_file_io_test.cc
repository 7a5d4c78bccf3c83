// S3FileIO against an in-memory S3 on loopback (fake_http_server.h): the requests it sends, the
// multipart protocol, retries, and how errors reach the caller.

#include "io/s3_file_io.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "fake_http_server.h"
#include "io/s3_signer.h"

namespace floe::io {
namespace {

using testing::FakeHttpServer;
using testing::FakeRequest;
using testing::FakeResponse;

constexpr const char* kSecret = "TOP-SECRET-KEY";

std::string PercentDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out.push_back(static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::map<std::string, std::string> ParseQuery(std::string_view query) {
  std::map<std::string, std::string> out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    size_t eq = pair.find('=');
    out[PercentDecode(pair.substr(0, eq))] =
        eq == std::string_view::npos ? "" : PercentDecode(pair.substr(eq + 1));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return out;
}

FakeResponse ErrorReply(int status, std::string_view code) {
  return {status, {}, fmt::format("<Error><Code>{}</Code><Message>m</Message></Error>", code)};
}

/// Just enough of S3, path-style, for one bucket "b": objects, ranges, multipart, ListObjectsV2
/// with pagination, and If-None-Match on PUT. `fault` may answer a request first.
class FakeS3 {
 public:
  std::function<std::optional<FakeResponse>(const FakeRequest&)> fault;

  FakeResponse Handle(const FakeRequest& request) {
    if (fault) {
      if (auto injected = fault(request)) return *injected;
    }
    std::lock_guard lock(mutex_);
    auto query = ParseQuery(request.query);
    if (!request.path.starts_with("/b")) return ErrorReply(404, "NoSuchBucket");
    std::string key = request.path.size() > 3 ? PercentDecode(request.path.substr(3)) : "";
    if (request.method == "GET" && key.empty()) return List(query);
    if (request.method == "POST" && query.count("uploads")) {
      std::string id = fmt::format("upload-{}", ++next_upload_);
      uploads_[id] = {};
      return {200,
              {},
              fmt::format("<InitiateMultipartUploadResult><UploadId>{}</UploadId>"
                          "</InitiateMultipartUploadResult>",
                          id)};
    }
    if (request.method == "PUT" && query.count("uploadId")) {
      auto upload = uploads_.find(query["uploadId"]);
      if (upload == uploads_.end()) return ErrorReply(404, "NoSuchUpload");
      upload->second[std::stoi(query["partNumber"])] = request.body;
      return {200, {{"ETag", fmt::format("\"etag-{}\"", query["partNumber"])}}, ""};
    }
    if (request.method == "POST" && query.count("uploadId")) {
      auto upload = uploads_.find(query["uploadId"]);
      if (upload == uploads_.end()) return ErrorReply(404, "NoSuchUpload");
      std::string object;
      for (const auto& [number, part] : upload->second) {
        if (request.body.find(fmt::format("<PartNumber>{}</PartNumber>", number)) ==
            std::string::npos) {
          return ErrorReply(400, "InvalidPart");
        }
        object += part;
      }
      objects_[key] = object;
      uploads_.erase(upload);
      completed_++;
      return {200,
              {},
              "<CompleteMultipartUploadResult><ETag>x</ETag>"
              "</CompleteMultipartUploadResult>"};
    }
    if (request.method == "DELETE" && query.count("uploadId")) {
      aborted_.insert(query["uploadId"]);
      return uploads_.erase(query["uploadId"]) ? FakeResponse{204, {}, ""}
                                               : ErrorReply(404, "NoSuchUpload");
    }
    if (request.method == "PUT") {
      if (request.headers.count("if-none-match") && objects_.count(key)) {
        return ErrorReply(412, "PreconditionFailed");
      }
      objects_[key] = request.body;
      return {200, {{"ETag", "\"e\""}}, ""};
    }
    auto object = objects_.find(key);
    if (request.method == "DELETE") {
      if (object != objects_.end()) objects_.erase(object);
      return {204, {}, ""};
    }
    if (object == objects_.end()) return ErrorReply(404, "NoSuchKey");
    if (request.method == "HEAD") {
      return {200, {{"Content-Length", std::to_string(object->second.size())}}, ""};
    }
    auto range = request.headers.find("range");
    if (range != request.headers.end()) {
      size_t dash = range->second.find('-');
      size_t first = std::stoul(range->second.substr(6, dash - 6));
      size_t last = std::stoul(range->second.substr(dash + 1));
      if (first >= object->second.size()) return ErrorReply(416, "InvalidRange");
      return {206, {}, object->second.substr(first, last - first + 1)};
    }
    return {200, {}, object->second};
  }

  std::map<std::string, std::string> objects() {
    std::lock_guard lock(mutex_);
    return objects_;
  }
  size_t open_uploads() {
    std::lock_guard lock(mutex_);
    return uploads_.size();
  }
  size_t aborted() {
    std::lock_guard lock(mutex_);
    return aborted_.size();
  }
  void Put(const std::string& key, const std::string& value) {
    std::lock_guard lock(mutex_);
    objects_[key] = value;
  }

 private:
  FakeResponse List(std::map<std::string, std::string>& query) {
    size_t max_keys = std::stoul(query["max-keys"]);
    const std::string& prefix = query["prefix"];
    std::string start = query["continuation-token"];
    std::string body = "<ListBucketResult>";
    size_t count = 0;
    bool truncated = false;
    std::string last;
    for (const auto& [key, value] : objects_) {
      if (!key.starts_with(prefix) || (!start.empty() && key <= start)) continue;
      if (count == max_keys) {
        truncated = true;
        break;
      }
      body += fmt::format("<Contents><Key>{}</Key><Size>{}</Size></Contents>", key, value.size());
      last = key;
      ++count;
    }
    body += fmt::format("<IsTruncated>{}</IsTruncated>", truncated ? "true" : "false");
    if (truncated) body += fmt::format("<NextContinuationToken>{}</NextContinuationToken>", last);
    body += "</ListBucketResult>";
    return {200, {}, body};
  }

  std::mutex mutex_;
  std::map<std::string, std::string> objects_;
  std::map<std::string, std::map<int, std::string>> uploads_;
  std::set<std::string> aborted_;
  int next_upload_ = 0;
  int completed_ = 0;
};

class S3FileIoTest : public ::testing::Test {
 protected:
  S3FileIoTest() : server_([this](const FakeRequest& r) { return store_.Handle(r); }) {}

  std::shared_ptr<S3FileIO> MakeIo(int64_t part_size = 16, int parts_in_flight = 2) {
    S3Options options;
    options.endpoint = server_.endpoint();
    options.path_style = true;
    options.access_key_id = "AKIDTEST";
    options.secret_access_key = kSecret;
    options.session_token = "session-token";
    options.part_size_bytes = part_size;
    options.parts_in_flight = parts_in_flight;
    options.retry_min_wait_ms = 1;
    options.retry_max_wait_ms = 5;
    options.list_page_size = 2;
    auto io = S3FileIO::Make(options);
    EXPECT_TRUE(io.ok());
    return *io;
  }

  FakeS3 store_;
  FakeHttpServer server_;
};

TEST_F(S3FileIoTest, SmallFilesRoundTripWithSignedRequests) {
  auto io = MakeIo();
  ASSERT_TRUE(io->WriteFile("s3://b/dir/a b.json", "hello", WriteMode::kOverwrite).ok());
  auto read = io->ReadFile("s3://b/dir/a b.json");
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, "hello");
  EXPECT_EQ(store_.objects().at("dir/a b.json"), "hello");

  const FakeRequest put = server_.requests().front();
  EXPECT_EQ(put.method, "PUT");
  EXPECT_EQ(put.path, "/b/dir/a%20b.json");
  EXPECT_EQ(put.headers.at("x-amz-content-sha256"), Sha256Hex("hello"));
  EXPECT_EQ(put.headers.at("x-amz-security-token"), "session-token");
  EXPECT_TRUE(put.headers.at("authorization").starts_with("AWS4-HMAC-SHA256 Credential=AKIDTEST/"))
      << put.headers.at("authorization");
  EXPECT_NE(put.headers.at("authorization").find("x-amz-security-token"), std::string::npos);
  EXPECT_FALSE(put.headers.count("expect")) << "no 100-continue round trip";
  for (const FakeRequest& request : server_.requests()) {
    for (const auto& [name, value] : request.headers) {
      EXPECT_EQ(value.find(kSecret), std::string::npos) << name;
    }
  }
}

TEST_F(S3FileIoTest, EmptyFiles) {
  auto io = MakeIo();
  auto stream = io->NewOutputFile("s3://b/empty");
  ASSERT_TRUE(stream.ok());
  ASSERT_TRUE((*stream)->Close().ok());
  EXPECT_EQ(store_.objects().at("empty"), "");
  EXPECT_EQ(*io->ReadFile("s3://b/empty"), "");
  auto file = io->NewInputFile("s3://b/empty");
  EXPECT_EQ(*(*file)->Size(), 0);
}

TEST_F(S3FileIoTest, ExistsDeleteAndMissingObjects) {
  auto io = MakeIo();
  EXPECT_FALSE(*io->Exists("s3://b/none"));
  auto missing = io->ReadFile("s3://b/none");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().kind(), ErrorKind::kNotFound);
  EXPECT_NE(missing.status().message().find("GET s3://b/none"), std::string::npos);
  EXPECT_NE(missing.status().message().find("NoSuchKey"), std::string::npos);
  EXPECT_TRUE(io->DeleteFile("s3://b/none").ok()) << "deleting a missing file is fine";

  ASSERT_TRUE(io->WriteFile("s3://b/x", "1", WriteMode::kOverwrite).ok());
  EXPECT_TRUE(*io->Exists("s3://b/x"));
  ASSERT_TRUE(io->DeleteFile("s3://b/x").ok());
  EXPECT_FALSE(*io->Exists("s3://b/x"));
  EXPECT_EQ(io->ReadFile("s3://c/x").status().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(io->ReadFile("s3://b").status().kind(), ErrorKind::kInvalidArgument);
}

TEST_F(S3FileIoTest, RangedReads) {
  auto io = MakeIo();
  ASSERT_TRUE(io->WriteFile("s3://b/r", "0123456789", WriteMode::kOverwrite).ok());
  auto file = io->NewInputFile("s3://b/r");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(*(*file)->Size(), 10);
  char out[4];
  ASSERT_TRUE((*file)->ReadAt(3, 4, out).ok());
  EXPECT_EQ(std::string(out, 4), "3456");
  EXPECT_EQ(server_.requests().back().headers.at("range"), "bytes=3-6");
  EXPECT_FALSE((*file)->ReadAt(8, 4, out).ok()) << "a short read is an error";
  EXPECT_FALSE((*file)->ReadAt(20, 1, out).ok());
  auto missing = io->NewInputFile("s3://b/none");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ((*missing)->Size().status().kind(), ErrorKind::kNotFound);
}

TEST_F(S3FileIoTest, ListsEveryPageBelowAPrefix) {
  auto io = MakeIo();
  for (const char* key : {"w/t/a", "w/t/b", "w/t/c/d", "w/t/e", "w/t2/x", "w/u"}) {
    store_.Put(key, key);
  }
  store_.Put("w/t/folder/", "");
  auto files = io->ListFiles("s3a://b/w/t");
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  std::vector<std::string> locations;
  for (const FileInfo& file : *files) locations.push_back(file.location);
  EXPECT_EQ(locations, (std::vector<std::string>{"s3a://b/w/t/a", "s3a://b/w/t/b",
                                                 "s3a://b/w/t/c/d", "s3a://b/w/t/e"}));
  EXPECT_EQ((*files)[2].size_bytes, 7);
  size_t list_requests = 0;
  for (const FakeRequest& request : server_.requests()) {
    if (request.query.find("list-type=2") != std::string::npos) ++list_requests;
  }
  EXPECT_EQ(list_requests, 3u) << "5 keys at 2 per page";
  auto all = io->ListFiles("s3://b");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 6u);
}

TEST_F(S3FileIoTest, LargeFilesGoUpAsMultipartWhileBeingWritten) {
  auto io = MakeIo(/*part_size=*/16, /*parts_in_flight=*/2);
  auto stream = io->NewOutputFile("s3://b/big");
  ASSERT_TRUE(stream.ok());
  std::string data;
  for (int i = 0; i < 100; ++i) data.push_back(static_cast<char>('a' + i % 26));
  ASSERT_TRUE((*stream)->Write(data.substr(0, 40)).ok());
  EXPECT_FALSE(store_.objects().count("big")) << "nothing visible before Close()";
  EXPECT_EQ(store_.open_uploads(), 1u) << "parts go up while the file is being written";
  ASSERT_TRUE((*stream)->Write(data.substr(40)).ok());
  EXPECT_EQ((*stream)->Position(), 100);
  ASSERT_TRUE((*stream)->Close().ok());
  ASSERT_TRUE((*stream)->Close().ok()) << "a second Close() repeats the outcome";
  EXPECT_EQ(store_.objects().at("big"), data);
  EXPECT_EQ(store_.open_uploads(), 0u);
  size_t parts = 0;
  for (const FakeRequest& request : server_.requests()) {
    if (request.query.find("partNumber=") != std::string::npos) ++parts;
  }
  EXPECT_EQ(parts, 7u) << "6 full parts of 16 bytes and the last 4";
  EXPECT_TRUE((*stream)->Abort().ok()) << "Abort after a successful Close is a no-op";
  EXPECT_EQ(store_.objects().at("big"), data);
}

TEST_F(S3FileIoTest, AbortLeavesNoObject) {
  auto io = MakeIo();
  {
    auto stream = io->NewOutputFile("s3://b/aborted");
    ASSERT_TRUE((*stream)->Write(std::string(50, 'x')).ok());
    ASSERT_TRUE((*stream)->Abort().ok());
    EXPECT_FALSE((*stream)->Close().ok()) << "an aborted stream cannot be closed";
  }
  {
    auto dropped = io->NewOutputFile("s3://b/dropped");
    ASSERT_TRUE((*dropped)->Write(std::string(50, 'y')).ok());
  }  // destroyed without Close()
  EXPECT_TRUE(store_.objects().empty());
  EXPECT_EQ(store_.open_uploads(), 0u);
  EXPECT_EQ(store_.aborted(), 2u);
}

TEST_F(S3FileIoTest, AFailedPartFailsCloseAndAbortsTheUpload) {
  store_.fault = [](const FakeRequest& request) -> std::optional<FakeResponse> {
    if (request.query.find("partNumber=2") != std::string::npos) {
      return ErrorReply(400, "InvalidArgument");
    }
    return std::nullopt;
  };
  auto io = MakeIo();
  auto stream = io->NewOutputFile("s3://b/failing");
  Status written = (*stream)->Write(std::string(80, 'z'));
  Status closed = written.ok() ? (*stream)->Close() : written;
  ASSERT_FALSE(closed.ok());
  EXPECT_NE(closed.message().find("uploading part 2 of s3://b/failing"), std::string::npos)
      << closed.message();
  if (written.ok()) {
    EXPECT_EQ((*stream)->Close().message(), closed.message());
  }
  static_cast<void>((*stream)->Abort());
  EXPECT_TRUE(store_.objects().empty());
  EXPECT_EQ(store_.open_uploads(), 0u);
}

TEST_F(S3FileIoTest, ForbiddenIsUnauthorizedWithTheS3Code) {
  store_.fault = [](const FakeRequest&) -> std::optional<FakeResponse> {
    return ErrorReply(403, "InvalidAccessKeyId");
  };
  auto io = MakeIo();
  Status status = io->WriteFile("s3://b/k", "v", WriteMode::kOverwrite);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.kind(), ErrorKind::kUnauthorized);
  EXPECT_NE(status.message().find("PUT s3://b/k: HTTP 403 InvalidAccessKeyId"), std::string::npos)
      << status.message();
  EXPECT_EQ(status.message().find(kSecret), std::string::npos);
  EXPECT_EQ(io->client().stats().retries, 0) << "credentials do not get better by retrying";
  EXPECT_EQ(io->Exists("s3://b/k").status().kind(), ErrorKind::kUnauthorized);
}

TEST_F(S3FileIoTest, RetriesThrottlingServerErrorsAndDroppedConnections) {
  std::atomic<int> calls{0};
  store_.fault = [&](const FakeRequest&) -> std::optional<FakeResponse> {
    switch (calls++) {
      case 0:  // on a fresh connection, so that curl does not resend it by itself
        return FakeResponse{.drop = true};
      case 1:
        return ErrorReply(503, "SlowDown");
      case 2:
        return ErrorReply(500, "InternalError");
      case 3:
        return ErrorReply(400, "RequestTimeout");
      default:
        return std::nullopt;
    }
  };
  auto io = MakeIo();
  ASSERT_TRUE(io->WriteFile("s3://b/k", "v", WriteMode::kOverwrite).ok());
  EXPECT_EQ(io->client().stats().retries, 4);
  EXPECT_EQ(*io->ReadFile("s3://b/k"), "v");
}

TEST_F(S3FileIoTest, RetriesAStalledRequest) {
  std::atomic<bool> stalled{false};
  store_.fault = [&](const FakeRequest&) -> std::optional<FakeResponse> {
    // The first request gets no byte back for longer than the stall timeout.
    if (!stalled.exchange(true)) std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    return std::nullopt;
  };
  S3Options options;
  options.endpoint = server_.endpoint();
  options.path_style = true;
  options.access_key_id = "k";
  options.secret_access_key = kSecret;
  options.stall_timeout_ms = 1000;
  options.retry_min_wait_ms = 1;
  auto io = S3FileIO::Make(options);
  ASSERT_TRUE(io.ok());
  Status status = (*io)->WriteFile("s3://b/slow", "v", WriteMode::kOverwrite);
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ((*io)->client().stats().retries, 1);
}

TEST_F(S3FileIoTest, GivesUpAfterTheLastRetry) {
  store_.fault = [](const FakeRequest&) -> std::optional<FakeResponse> {
    return ErrorReply(503, "SlowDown");
  };
  auto io = MakeIo();
  Status status = io->WriteFile("s3://b/k", "v", WriteMode::kOverwrite);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.kind(), ErrorKind::kIoError);
  EXPECT_NE(status.message().find("HTTP 503 SlowDown"), std::string::npos) << status.message();
  EXPECT_EQ(io->client().stats().retries, S3Options().max_retries);
}

TEST_F(S3FileIoTest, CreateNewRefusesAnExistingObject) {
  auto io = MakeIo();
  ASSERT_TRUE(io->WriteFile("s3://b/m.json", "first", WriteMode::kCreateNew).ok());
  Status again = io->WriteFile("s3://b/m.json", "second", WriteMode::kCreateNew);
  EXPECT_EQ(again.kind(), ErrorKind::kAlreadyExists) << again.ToString();
  EXPECT_EQ(store_.objects().at("m.json"), "first");
  std::vector<FakeRequest> requests = server_.requests();
  ASSERT_GE(requests.size(), 2u);
  EXPECT_EQ(requests[1].method, "PUT");
  EXPECT_EQ(requests[1].headers["if-none-match"], "*");

  // A writer that wins the race between our HEAD and our PUT: the server's 412 decides.
  std::atomic<bool> raced{false};
  store_.fault = [&](const FakeRequest& request) -> std::optional<FakeResponse> {
    if (request.method == "PUT" && !raced.exchange(true)) store_.Put("race.json", "theirs");
    return std::nullopt;
  };
  Status lost = io->WriteFile("s3://b/race.json", "ours", WriteMode::kCreateNew);
  EXPECT_EQ(lost.kind(), ErrorKind::kAlreadyExists) << lost.ToString();
  EXPECT_EQ(store_.objects().at("race.json"), "theirs");
}

TEST_F(S3FileIoTest, CreateNewWhoseFirstAttemptLandedSucceeds) {
  // The first PUT is stored but its reply is lost; the retry meets 412 on our own bytes.
  std::atomic<bool> dropped{false};
  store_.fault = [&](const FakeRequest& request) -> std::optional<FakeResponse> {
    if (request.method == "PUT" && !dropped.exchange(true)) {
      store_.Put("meta.json", request.body);
      return FakeResponse{.drop = true};
    }
    return std::nullopt;
  };
  auto io = MakeIo();
  Status status = io->WriteFile("s3://b/meta.json", "ours", WriteMode::kCreateNew);
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(store_.objects().at("meta.json"), "ours");
}

TEST_F(S3FileIoTest, CompleteWhoseReplyWasLostSucceeds) {
  std::atomic<bool> dropped{false};
  store_.fault = [&](const FakeRequest& request) -> std::optional<FakeResponse> {
    if (request.method == "POST" && request.query.find("uploadId=") != std::string::npos &&
        !dropped.exchange(true)) {
      store_.Handle(request);  // completes the upload, then the reply is lost
      return FakeResponse{.drop = true};
    }
    return std::nullopt;
  };
  auto io = MakeIo();
  auto stream = io->NewOutputFile("s3://b/lost-reply");
  std::string data(40, 'q');
  ASSERT_TRUE((*stream)->Write(data).ok());
  Status closed = (*stream)->Close();
  EXPECT_TRUE(closed.ok()) << closed.ToString();
  EXPECT_EQ(store_.objects().at("lost-reply"), data);
}

TEST_F(S3FileIoTest, UnreachableEndpointIsAnIoError) {
  S3Options options;
  options.endpoint = "http://127.0.0.1:1";
  options.path_style = true;
  options.access_key_id = "k";
  options.secret_access_key = kSecret;
  options.max_retries = 1;
  options.retry_min_wait_ms = 1;
  auto io = S3FileIO::Make(options);
  ASSERT_TRUE(io.ok());
  auto read = (*io)->ReadFile("s3://b/k");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().kind(), ErrorKind::kIoError);
  EXPECT_NE(read.status().message().find("GET s3://b/k (after 2 attempts)"), std::string::npos)
      << read.status().message();
}

}  // namespace
}  // namespace floe::io
