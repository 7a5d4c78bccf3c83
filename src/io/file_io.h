#pragma once

// Storage behind one interface: local files and S3. Locations are strings as Iceberg
// writes them: an absolute path, file:///path, or s3://bucket/key. Nothing here knows Iceberg.

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace floe::io {

/// A file being written front to back. Nothing is visible at the location until Close()
/// succeeds; Abort() (or destroying an unclosed stream) leaves nothing behind.
/// Thread safety: none; one writer per stream.
class OutputStream {
 public:
  virtual ~OutputStream() = default;
  virtual Status Write(const void* data, size_t size) = 0;
  Status Write(std::string_view bytes) { return Write(bytes.data(), bytes.size()); }
  /// Bytes written so far: the offset the next Write starts at.
  virtual int64_t Position() const = 0;
  /// Makes the file durable and visible at its location. Calling it again returns the first
  /// outcome.
  virtual Status Close() = 0;
  /// Discards what was written; safe after Close() failed, a no-op after Close() succeeded.
  virtual Status Abort() = 0;
};

/// A stored file read at any offset. Thread safety: ReadAt may be called from several threads.
class InputFile {
 public:
  virtual ~InputFile() = default;
  virtual Result<int64_t> Size() = 0;
  /// Reads exactly `size` bytes at `offset` into `out`; a short file is an error.
  virtual Status ReadAt(int64_t offset, size_t size, void* out) = 0;
};

struct FileInfo {
  std::string location;
  int64_t size_bytes = 0;
  int64_t modified_ms = 0;  // last modified, milliseconds since the epoch (0: unknown)
};

enum class WriteMode {
  kOverwrite,  // replace whatever is there
  kCreateNew,  // fail with kAlreadyExists if the location exists (atomically)
};

/// Thread safety: a FileIO may be shared by threads; each stream belongs to one.
class FileIO {
 public:
  virtual ~FileIO() = default;

  virtual Result<std::unique_ptr<OutputStream>> NewOutputFile(const std::string& location) = 0;
  virtual Result<std::unique_ptr<InputFile>> NewInputFile(const std::string& location) = 0;

  /// Writes a whole small file (metadata, manifests) in one step.
  virtual Status WriteFile(const std::string& location, std::string_view contents,
                           WriteMode mode) = 0;
  virtual Result<std::string> ReadFile(const std::string& location) = 0;
  /// Deleting a missing file is not an error.
  virtual Status DeleteFile(const std::string& location) = 0;
  virtual Result<bool> Exists(const std::string& location) = 0;
  /// Every file below `prefix` (a directory location), recursively.
  virtual Result<std::vector<FileInfo>> ListFiles(const std::string& prefix) = 0;
};

/// A FileIO for a location's scheme: local paths and file://, or s3:// (s3a://, s3n://) configured
/// by `properties` (s3.endpoint, s3.access-key-id, ...; see s3_options.h) and the environment.
Result<std::shared_ptr<FileIO>> MakeFileIO(const std::string& location,
                                           const std::map<std::string, std::string>& properties);

/// An OutputStream into memory; Close() keeps the bytes for the caller. For tests and for small
/// files assembled before one WriteFile.
class StringOutputStream final : public OutputStream {
 public:
  Status Write(const void* data, size_t size) override {
    buffer_.append(static_cast<const char*>(data), size);
    return Status::Ok();
  }
  int64_t Position() const override { return static_cast<int64_t>(buffer_.size()); }
  Status Close() override { return Status::Ok(); }
  Status Abort() override {
    buffer_.clear();
    return Status::Ok();
  }
  const std::string& buffer() const { return buffer_; }
  std::string Release() { return std::move(buffer_); }

 private:
  std::string buffer_;
};

/// A whole file held in memory, read like a stored one (Parquet and Puffin readers over bytes
/// already fetched, tests). Thread safety: ReadAt may be called from several threads.
class StringInputFile final : public InputFile {
 public:
  explicit StringInputFile(std::string data) : data_(std::move(data)) {}
  Result<int64_t> Size() override { return static_cast<int64_t>(data_.size()); }
  Status ReadAt(int64_t offset, size_t size, void* out) override {
    if (offset < 0 || static_cast<uint64_t>(offset) > data_.size() ||
        size > data_.size() - static_cast<size_t>(offset)) {
      return IoError("read of {} bytes at {} past the end of a {}-byte buffer", size, offset,
                     data_.size());
    }
    std::memcpy(out, data_.data() + offset, size);
    return Status::Ok();
  }

 private:
  std::string data_;
};

}  // namespace floe::io
