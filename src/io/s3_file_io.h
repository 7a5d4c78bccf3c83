#pragma once

// FileIO on S3 and S3-compatible stores (MinIO, s3rver): s3://, s3a:// and s3n:// locations.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "io/file_io.h"
#include "io/s3_client.h"
#include "io/s3_options.h"

namespace floe::io {

/// Reads and writes objects through one S3Client (signed, retried requests).
///
/// Writes: a stream keeps up to one part (S3Options::part_size_bytes) in memory. A file that
/// stays below one part goes up in one PUT at Close(); a larger one becomes a multipart upload
/// whose parts are sent while the writer still produces the rest, at most parts_in_flight at a
/// time, so a stream holds about (parts_in_flight + 1) parts whatever the file's size. The
/// object exists only once Close() has completed the upload, and Close() succeeds only then:
/// a data file can be put in a manifest after Close() and never before. Abort(), a failed
/// Close() and destroying an unclosed stream abort the multipart upload, which leaves no object.
///
/// kCreateNew: WriteFile first HEADs the location (kAlreadyExists if present), then PUTs with
/// `If-None-Match: *`, which AWS S3 and MinIO enforce atomically (412 → kAlreadyExists). Servers
/// that ignore the header (s3rver does) give only the weaker HEAD-then-PUT guarantee: two
/// writers racing between the HEAD and the PUT both succeed and the later one wins. That is
/// enough for floe's commits, whose atomicity comes from the catalog's compare-and-swap; it is
/// not enough for a Hadoop catalog on such a store. A PUT that meets 412 reads the object back:
/// if it holds our bytes, an earlier attempt of ours landed with its reply lost, and the write
/// succeeded. Likewise a completion answered NoSuchUpload succeeds if the object is there with
/// the stream's size (the first completion's reply was lost).
///
/// Missing objects are kNotFound, rejected credentials kUnauthorized (with S3's error code),
/// other failures kIoError; messages name the location, never a credential.
/// Thread safety: an S3FileIO may be shared by threads; each stream belongs to one thread (its
/// part uploads run on helper threads it joins before Close() or Abort() returns).
class S3FileIO final : public FileIO {
 public:
  /// Checks nothing on the network: a bad endpoint or credential shows on the first request.
  static Result<std::shared_ptr<S3FileIO>> Make(S3Options options);

  /// Like NewOutputFile, with the write mode applied when the stream is closed.
  Result<std::unique_ptr<OutputStream>> NewOutputFile(const std::string& location, WriteMode mode);

  Result<std::unique_ptr<OutputStream>> NewOutputFile(const std::string& location) override;
  Result<std::unique_ptr<InputFile>> NewInputFile(const std::string& location) override;
  Status WriteFile(const std::string& location, std::string_view contents, WriteMode mode) override;
  Result<std::string> ReadFile(const std::string& location) override;
  Status DeleteFile(const std::string& location) override;
  Result<bool> Exists(const std::string& location) override;
  /// Every object below `prefix` + "/" (a prefix ending in '/' is taken as it is), sorted by
  /// key, through as many ListObjectsV2 pages as it takes. Keys ending in '/' (folder markers
  /// some tools write) are skipped. Locations keep the prefix's scheme.
  Result<std::vector<FileInfo>> ListFiles(const std::string& prefix) override;

  const S3Client& client() const { return *client_; }

 private:
  explicit S3FileIO(std::shared_ptr<S3Client> client) : client_(std::move(client)) {}

  std::shared_ptr<S3Client> client_;
};

}  // namespace floe::io
