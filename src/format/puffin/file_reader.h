#pragma once

// Reads Puffin files: checks the magic at both ends, parses the JSON footer, and reads blobs
// at the offsets it names (uncompressed or zstd; lz4 is refused with NotSupported).

#include <memory>
#include <string>

#include "common/result.h"
#include "format/puffin/file_metadata.h"
#include "io/file_io.h"

namespace floe::puffin {

/// An opened Puffin file. Open() reads only the footer; ReadBlob() reads one blob on demand.
/// Thread safety: const methods may be called from several threads if the InputFile allows it.
class FileReader {
 public:
  /// Damaged input (bad magic, a footer length past the file, bad JSON, blobs outside the
  /// data area) is Corrupt; an LZ4-compressed footer is NotSupported.
  static Result<std::unique_ptr<FileReader>> Open(std::shared_ptr<io::InputFile> file);
  static Result<std::unique_ptr<FileReader>> OpenBuffer(std::string contents);

  const FileMetadata& metadata() const { return metadata_; }
  int64_t size_bytes() const { return size_bytes_; }

  /// The blob's bytes, decompressed. A codec other than zstd is NotSupported, naming it.
  Result<std::string> ReadBlob(const BlobMetadata& blob) const;

 private:
  struct PrivateToken {
    explicit PrivateToken() = default;
  };

 public:
  FileReader(PrivateToken, std::shared_ptr<io::InputFile> file, int64_t size_bytes,
             FileMetadata metadata)
      : file_(std::move(file)), size_bytes_(size_bytes), metadata_(std::move(metadata)) {}

 private:
  std::shared_ptr<io::InputFile> file_;
  int64_t size_bytes_;
  FileMetadata metadata_;
};

}  // namespace floe::puffin
