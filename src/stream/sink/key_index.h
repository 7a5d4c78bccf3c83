#pragma once

// The primary-key index of an upsert table: for every live key, the data file and row position
// that hold its current row, so that replacing or deleting the key is a position delete (or a
// deletion vector) of exactly that row. It is the upsert sink's checkpoint state: serialized at
// each checkpoint into a blob that the checkpoint's snapshot names, and rebuilt from the table
// when it is missing or stale.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/column_vector.h"
#include "common/result.h"
#include "iceberg/scalar.h"

namespace floe::stream {

/// Appends the bytes that identify row `row` of `column` as (part of) a key: fixed width for
/// numbers, length-prefixed for strings and binary, so that concatenated parts stay unique.
/// InvalidArgument for a null value.
Status AppendKeyPart(const ColumnVector& column, size_t row, std::string* key);

/// Thread safety: none; a value owned by one sink.
class KeyIndex {
 public:
  struct Location {
    uint32_t file = 0;  // FilePath(file)
    int64_t position = 0;
  };

  /// The snapshot the index describes (the table as of it); 0 for none (an empty table).
  int64_t snapshot_id() const { return snapshot_id_; }
  void set_snapshot_id(int64_t id) { snapshot_id_ = id; }

  /// Registers a data file (or returns its number if known) with its partition values.
  uint32_t AddFile(const std::string& path, const std::vector<iceberg::Scalar>& partition);
  const std::string& FilePath(uint32_t file) const { return files_.at(file).path; }
  const std::vector<iceberg::Scalar>& FilePartition(uint32_t file) const {
    return files_.at(file).partition;
  }

  std::optional<Location> Find(std::string_view key) const;
  /// Sets the key's location; returns the one it replaces, if any.
  std::optional<Location> Put(std::string key, Location location);
  void Erase(std::string_view key);
  size_t size() const { return keys_.size(); }

  /// Whether a live key points into one of `paths`.
  bool PointsInto(const std::set<std::string>& paths) const;

  /// The state blob: a versioned binary form. FromBlob reports a damaged blob as Corrupt
  /// naming `where`.
  std::string ToBlob() const;
  static Result<KeyIndex> FromBlob(std::string_view blob, const std::string& where);

 private:
  struct File {
    std::string path;
    std::vector<iceberg::Scalar> partition;
    int64_t live_keys = 0;
  };

  int64_t snapshot_id_ = 0;
  std::vector<File> files_;
  std::unordered_map<std::string, uint32_t> file_numbers_;
  std::unordered_map<std::string, Location> keys_;
};

}  // namespace floe::stream
