#pragma once

// Writes Puffin files (the Iceberg spec's container for blobs: statistics sketches, deletion
// vectors): "PFA1", the blobs one after another, then the footer "PFA1" + JSON payload +
// payload length (4 bytes LE) + flags (4 bytes) + "PFA1". Blobs are stored uncompressed.

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "format/puffin/file_metadata.h"
#include "io/file_io.h"

namespace floe::puffin {

/// Writes one Puffin file on `sink`. Make() writes the leading magic; AddBlob() appends a blob
/// and returns its metadata with the offset and length readers need (Iceberg manifests copy
/// them); Finish() writes the footer. The sink is not owned, must outlive the writer, and is
/// never closed by it. Thread safety: none. After a sink error every call returns it.
class FileWriter {
 public:
  static Result<std::unique_ptr<FileWriter>> Make(io::OutputStream* sink);

  /// Appends `bytes` as a blob described by `description` (type, fields, snapshot id, sequence
  /// number, properties; its offset, length and codec are filled in here).
  Result<BlobMetadata> AddBlob(BlobMetadata description, std::string_view bytes);

  /// Writes the footer with the file's `properties`. Calling it again returns the first
  /// outcome; AddBlob() after Finish() is an error.
  Status Finish(std::map<std::string, std::string> properties = {});

  const FileMetadata& metadata() const { return metadata_; }
  /// Bytes written so far (after Finish(): the file's size).
  int64_t size_bytes() const { return written_; }

 private:
  // Lets Make() use std::make_unique while nobody else can construct a writer.
  struct PrivateToken {
    explicit PrivateToken() = default;
  };

 public:
  FileWriter(PrivateToken, io::OutputStream* sink) : sink_(sink) {}

 private:
  Status Write(std::string_view bytes);

  io::OutputStream* sink_;
  FileMetadata metadata_;
  int64_t written_ = 0;
  Status sink_status_;
  bool finished_ = false;
  Status finish_status_;
};

}  // namespace floe::puffin
