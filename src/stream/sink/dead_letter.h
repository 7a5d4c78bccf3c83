#pragma once
// Dead letters: the records a job could not decode, validate or transform, kept with their raw
// bytes, the error and their source position in an Iceberg table of a fixed schema
// (DeadLetterSchema), so that bad input never stops a job and is never lost silently.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "iceberg/schema.h"
#include "stream/record_batch.h"

namespace floe::stream {

enum class DeadLetterType : uint8_t {
  kDeserialization,  // not JSON, truncated, bad UTF-8, not an object
  kValidation,       // a value does not fit its column
  kTransformation,   // an expression failed on the row (division by zero, a bad CAST)
  kSchema,           // the row does not fit a sink's table
  kLateRecord,       // every window of the row had fired when it came (stream/window/)
  kInvalidChange,    // a change stream's record that is not a valid change (no or unknown op)
};

/// "deserialization_error", "validation_error", "transformation_error", "schema_error",
/// "late_record", "invalid_change".
std::string_view DeadLetterTypeName(DeadLetterType type);

/// The dead-letter table's columns: error_id, error_type, error_message, error_timestamp
/// (timestamptz), raw_payload, source_topic, source_partition (int), source_offset (long),
/// source_file, source_line (long); all optional.
std::shared_ptr<const iceberg::Schema> DeadLetterSchema();

/// The raw bytes as a string column value: unchanged when they are valid UTF-8, else every byte
/// of an invalid sequence written as \xNN (and every backslash of the input as \\, so that the
/// escaping can be undone).
std::string EscapeRawPayload(std::string_view raw);

/// Where a bad record came from: a file and line, or a Kafka topic, partition and offset.
struct DeadLetterSource {
  std::optional<std::string> topic;
  std::optional<int32_t> partition;
  int64_t offset = 0;  // the line number for files
  std::optional<std::string> file;
  std::optional<int64_t> line;
};

/// Collects dead letters of one source partition into a RecordBatch of DeadLetterSchema(),
/// whose lineage offsets are the records' source offsets (so the dead-letter sink can skip what
/// it has committed, like any sink). Thread safety: none; one per runtime thread.
class DeadLetterBuilder {
 public:
  explicit DeadLetterBuilder(SourcePosition position);

  void Add(DeadLetterType type, std::string_view message, std::string_view raw,
           const DeadLetterSource& source);
  size_t size() const { return batch_.num_rows(); }
  /// The rows added since the last call; the builder starts again empty.
  RecordBatch Take();

 private:
  void Reset();

  SourcePosition position_;
  RecordBatch batch_;
};

}  // namespace floe::stream
