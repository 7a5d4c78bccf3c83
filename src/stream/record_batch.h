#pragma once

// The unit in which rows move through a job: columns of one schema, plus where each row came
// from (lineage), so that every sink can skip what it has already committed.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/column_vector.h"
#include "iceberg/schema.h"

namespace floe::stream {

/// Where a batch's rows came from: one source partition (a Kafka topic-partition, an input
/// file), and per row its position there (a Kafka offset, a line number).
struct SourcePosition {
  std::string source;        // the source's name in the job
  std::string partition;     // the Kafka topic, or the file's path
  int32_t partition_id = 0;  // the Kafka partition (0 for files)
};

/// What a change did to its row (change streams, e.g. `format: debezium-json`): kCreate, kRead
/// (a snapshot read) and kUpdate make the row the key's current row; kDelete removes the key.
enum class ChangeOp : uint8_t { kCreate, kRead, kUpdate, kDelete };

/// Columns of one schema and their lineage. Thread safety: a value; one owner at a time.
struct RecordBatch {
  std::shared_ptr<const iceberg::Schema> schema;
  std::vector<ColumnVector> columns;  // one per top-level field of `schema`, in order
  SourcePosition position;
  std::vector<int64_t> offsets;  // per row: its position in the source partition
  /// Per row, for a change stream: its operation (the row holds the after image, or the before
  /// image for kDelete). Empty for plain rows.
  std::vector<ChangeOp> change_ops;

  size_t num_rows() const { return offsets.size(); }
};

}  // namespace floe::stream
