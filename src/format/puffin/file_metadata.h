#pragma once

// The model of a Puffin file's footer: which blobs the file holds, where, and the file's own
// properties. Its JSON form lives in footer_json.h.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace floe::puffin {

/// One blob as the footer describes it. `offset` counts from the start of the file (the leading
/// magic included); `length` is the stored (possibly compressed) size.
struct BlobMetadata {
  std::string type;             // e.g. "deletion-vector-v1", "apache-datasketches-theta-v1"
  std::vector<int32_t> fields;  // the field ids the blob was computed from
  int64_t snapshot_id = -1;     // -1 where the writer cannot know it (deletion vectors)
  int64_t sequence_number = -1;
  int64_t offset = 0;
  int64_t length = 0;
  std::optional<std::string> compression_codec;  // absent: stored as is; "lz4" or "zstd"
  std::map<std::string, std::string> properties;

  bool operator==(const BlobMetadata&) const = default;
};

/// The whole footer payload.
struct FileMetadata {
  std::vector<BlobMetadata> blobs;
  std::map<std::string, std::string> properties;  // e.g. "created-by"

  bool operator==(const FileMetadata&) const = default;
};

}  // namespace floe::puffin
