#pragma once

// What Iceberg's metadata tables show (Spark's `t.snapshots`, `t.files`, `t.partitions`), as
// rows of JSON objects for `floe table snapshots|files|partitions`.

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "common/result.h"
#include "iceberg/table_metadata.h"
#include "io/file_io.h"

namespace floe::iceberg {

using MetadataRow = nlohmann::ordered_json;

/// One row per snapshot, oldest first: committed_at (ISO-8601 UTC), snapshot_id, parent_id,
/// operation, manifest_list, summary.
std::vector<MetadataRow> SnapshotsTable(const TableMetadata& metadata);

/// One row per live data and delete file of the snapshot (default: current): content (0 data,
/// 1 position deletes, 2 equality deletes), file_path, file_format, spec_id, partition,
/// record_count, file_size_in_bytes, the column metrics keyed by field id (bounds in readable
/// form), split_offsets, equality_ids, sort_order_id and the v3 deletion vector fields.
Result<std::vector<MetadataRow>> FilesTable(io::FileIO& io, const TableMetadata& metadata,
                                            std::optional<int64_t> snapshot_id);

/// One row per partition (spec and values) of the snapshot: partition, spec_id, record_count,
/// file_count, total_data_file_size_in_bytes, position_delete_record_count,
/// position_delete_file_count, equality_delete_record_count, equality_delete_file_count.
Result<std::vector<MetadataRow>> PartitionsTable(io::FileIO& io, const TableMetadata& metadata,
                                                 std::optional<int64_t> snapshot_id);

}  // namespace floe::iceberg
