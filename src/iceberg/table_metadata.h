#pragma once

// Table metadata (spec "Table Metadata"): the whole state of a table in one JSON file. The JSON
// wire format lives in table_metadata_json.h.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "iceberg/partition_spec.h"
#include "iceberg/schema.h"
#include "iceberg/sort_order.h"

namespace floe::iceberg {

/// Keys of a snapshot summary that floe reads back.
inline constexpr const char* kSummaryOperation = "operation";

struct Snapshot {
  int64_t snapshot_id = 0;
  std::optional<int64_t> parent_snapshot_id;
  int64_t sequence_number = 0;
  int64_t timestamp_ms = 0;
  std::string manifest_list;
  /// Every value a string; "operation" is one of append, replace, overwrite, delete.
  std::map<std::string, std::string> summary;
  std::optional<int32_t> schema_id;
  std::optional<int64_t> first_row_id;  // v3
  std::optional<int64_t> added_rows;    // v3

  bool operator==(const Snapshot&) const = default;
};

struct SnapshotLogEntry {
  int64_t timestamp_ms = 0;
  int64_t snapshot_id = 0;
  bool operator==(const SnapshotLogEntry&) const = default;
};

struct MetadataLogEntry {
  int64_t timestamp_ms = 0;
  std::string metadata_file;
  bool operator==(const MetadataLogEntry&) const = default;
};

struct SnapshotRef {
  int64_t snapshot_id = 0;
  std::string type = "branch";  // "branch" or "tag"
  std::optional<int32_t> min_snapshots_to_keep;
  std::optional<int64_t> max_snapshot_age_ms;
  std::optional<int64_t> max_ref_age_ms;
  bool operator==(const SnapshotRef&) const = default;
};

/// Thread safety: a value type. Invariants kept by the code that changes it (table commits):
/// refs["main"] equals current_snapshot_id; last_sequence_number is the largest snapshot
/// sequence number; every snapshot change appends to snapshot_log.
struct TableMetadata {
  int32_t format_version = 2;
  std::string table_uuid;
  std::string location;
  int64_t last_sequence_number = 0;
  int64_t last_updated_ms = 0;
  int32_t last_column_id = 0;
  std::vector<Schema> schemas;
  int32_t current_schema_id = 0;
  std::vector<PartitionSpec> partition_specs;
  int32_t default_spec_id = 0;
  int32_t last_partition_id = kFirstPartitionFieldId - 1;
  std::map<std::string, std::string> properties;
  /// None is written as Java does (-1 up to v2, null in v3); -1, null and absence read as none.
  std::optional<int64_t> current_snapshot_id;
  std::vector<Snapshot> snapshots;
  std::vector<SnapshotLogEntry> snapshot_log;
  std::vector<MetadataLogEntry> metadata_log;
  std::vector<SortOrder> sort_orders;
  int32_t default_sort_order_id = 0;
  std::map<std::string, SnapshotRef> refs;
  std::optional<int64_t> next_row_id;  // v3

  const Schema* CurrentSchema() const;
  const Schema* SchemaById(int32_t schema_id) const;
  const PartitionSpec* DefaultSpec() const;
  const PartitionSpec* SpecById(int32_t spec_id) const;
  const Snapshot* CurrentSnapshot() const;
  const Snapshot* SnapshotById(int64_t snapshot_id) const;
  /// A table property, or `fallback`.
  std::string Property(const std::string& key, const std::string& fallback) const;

  bool operator==(const TableMetadata&) const = default;
};

/// A new random snapshot id in [1, 2^53). Any positive long is valid, but readers that parse
/// metadata JSON or Avro longs into JavaScript numbers (icebird's callers, web consoles, avsc
/// without a long hook) round ids above 2^53, and two ids can then collide; 53 random bits keep
/// every reader exact and collisions negligible.
int64_t NewSnapshotId();

/// Which format versions a new table may have: those floe writes data to (2 and 3), or every
/// version (a catalog server keeps tables for other writers too, Java's v1 included; floe's
/// manifest writer refuses v1 tables with an error of its own).
enum class NewTableVersions { kFloeWritable, kAny };

/// Builds the metadata of a new table: schema id 0, the given spec as spec 0 (partition field
/// ids renumbered from 1000), the unsorted order, a random table uuid, no snapshot.
/// format-version comes from the "format-version" property (default 2; 3 allowed, 1 only with
/// NewTableVersions::kAny) and that property is not stored. Validates schema and spec.
Result<TableMetadata> NewTableMetadata(const Schema& schema, const PartitionSpec& spec,
                                       std::string location,
                                       std::map<std::string, std::string> properties,
                                       NewTableVersions versions = NewTableVersions::kFloeWritable);

}  // namespace floe::iceberg
