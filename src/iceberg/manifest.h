#pragma once

// The data model of manifests and manifest lists (spec "Manifests", "Manifest Lists"): which
// files a snapshot holds, with their partition values and column metrics. The Avro wire format
// lives in manifest_avro.h.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "iceberg/scalar.h"

namespace floe::iceberg {

enum class DataFileContent : uint8_t { kData = 0, kPositionDeletes = 1, kEqualityDeletes = 2 };
enum class FileFormat : uint8_t { kParquet, kAvro, kOrc, kPuffin };  // kPuffin: deletion vectors

/// A data or delete file with what readers use to plan scans. Bounds are single-value
/// serialized (spec Appendix D); see conversions.h.
struct DataFile {
  DataFileContent content = DataFileContent::kData;
  std::string file_path;
  FileFormat file_format = FileFormat::kParquet;
  std::vector<Scalar> partition;  // one value per field of the spec it was written with
  int64_t record_count = 0;
  int64_t file_size_in_bytes = 0;
  std::map<int32_t, int64_t> column_sizes;
  std::map<int32_t, int64_t> value_counts;
  std::map<int32_t, int64_t> null_value_counts;
  std::map<int32_t, int64_t> nan_value_counts;
  std::map<int32_t, std::string> lower_bounds;
  std::map<int32_t, std::string> upper_bounds;
  std::optional<std::string> key_metadata;
  std::vector<int64_t> split_offsets;
  std::vector<int32_t> equality_ids;
  std::optional<int32_t> sort_order_id;
  // v3. Absent first_row_id: inherited from the manifest. A deletion vector names the data
  // file it deletes from and where its blob lies in the Puffin file (`file_path`).
  std::optional<int64_t> first_row_id;
  std::optional<std::string> referenced_data_file;
  std::optional<int64_t> content_offset;
  std::optional<int64_t> content_size_in_bytes;

  bool operator==(const DataFile&) const = default;
};

enum class ManifestEntryStatus : uint8_t { kExisting = 0, kAdded = 1, kDeleted = 2 };

/// One file's entry in a manifest. ADDED entries leave the sequence numbers unset: readers
/// inherit them from the manifest list; EXISTING and DELETED entries carry both.
struct ManifestEntry {
  ManifestEntryStatus status = ManifestEntryStatus::kAdded;
  std::optional<int64_t> snapshot_id;
  std::optional<int64_t> sequence_number;
  std::optional<int64_t> file_sequence_number;
  DataFile data_file;

  bool operator==(const ManifestEntry&) const = default;
};

enum class ManifestContent : uint8_t { kData = 0, kDeletes = 1 };

/// Per partition field, over the files of one manifest.
struct PartitionFieldSummary {
  bool contains_null = false;
  std::optional<bool> contains_nan;
  std::optional<std::string> lower_bound;  // single-value serialized
  std::optional<std::string> upper_bound;

  bool operator==(const PartitionFieldSummary&) const = default;
};

/// A manifest as the manifest list describes it.
struct ManifestFile {
  std::string manifest_path;
  int64_t manifest_length = 0;
  int32_t partition_spec_id = 0;
  ManifestContent content = ManifestContent::kData;
  int64_t sequence_number = 0;
  int64_t min_sequence_number = 0;
  int64_t added_snapshot_id = 0;
  int32_t added_files_count = 0;
  int32_t existing_files_count = 0;
  int32_t deleted_files_count = 0;
  int64_t added_rows_count = 0;
  int64_t existing_rows_count = 0;
  int64_t deleted_rows_count = 0;
  std::vector<PartitionFieldSummary> partitions;
  std::optional<std::string> key_metadata;
  std::optional<int64_t> first_row_id;  // v3

  bool operator==(const ManifestFile&) const = default;
};

}  // namespace floe::iceberg
