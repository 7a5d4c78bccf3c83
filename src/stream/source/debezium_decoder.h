#pragma once

// Debezium's change envelope (`format: debezium-json`): each record is one change of one database
// row, `{"before":{..},"after":{..},"op":"c|r|u|d","ts_ms":..,"source":{..}}`, optionally wrapped
// as `{"schema":..,"payload":{..}}`. The row image (after for c/r/u, before for d) is decoded into
// the source's columns by the plain JSON decoder; the operation and its time come out alongside.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "format/json/batch_decoder.h"
#include "iceberg/schema.h"
#include "stream/record_batch.h"

namespace floe::stream {

/// Debezium's one-letter code: "c", "r", "u", "d".
std::string_view ChangeOpCode(ChangeOp op);
/// The op of a one-letter code, or nullopt for another text.
std::optional<ChangeOp> ChangeOpFromCode(std::string_view code);

/// A record that is JSON but not a valid change (no op, an unknown op, an update without its
/// after image, a delete without its before image, a null key column): a dead letter of type
/// invalid_change. `raw` views the caller's input.
struct InvalidChange {
  int64_t position = 0;
  std::string_view raw;
  std::string message;
};

/// The change side of a decoded batch: per row of the DecodedBatch filled alongside, its op and
/// its time (ts_ms as micros; nullopt when the envelope has none).
struct DecodedChanges {
  std::vector<ChangeOp> ops;
  std::vector<std::optional<int64_t>> ts_micros;
  std::vector<InvalidChange> invalid;
  int64_t tombstones = 0;  // null records (Kafka tombstones, `null`, a null payload): skipped

  void Clear();
};

/// Decodes Debezium envelopes into rows of the source schema plus their change side. A record
/// that is not JSON, or whose image does not fit the schema, is a json::RecordError in the
/// DecodedBatch (its raw is the whole record); one that is not a valid change is an
/// InvalidChange; either way it adds no row. Fields are never deferred: the images are
/// transient copies.
/// Thread safety: none (it owns parsers); one decoder per thread.
class DebeziumDecoder {
 public:
  /// `row_schema`: the source's columns decoded from the image; `key_columns`: names among them
  /// that must not be null (an upsert sink's primary key). InvalidArgument for an unknown name.
  static Result<DebeziumDecoder> Make(const iceberg::Schema& row_schema,
                                      const std::vector<std::string>& key_columns);

  DebeziumDecoder(DebeziumDecoder&&) noexcept;
  DebeziumDecoder& operator=(DebeziumDecoder&&) noexcept;
  ~DebeziumDecoder();

  /// An empty batch for the image's columns.
  json::DecodedBatch NewBatch() const;

  /// One record (a Kafka value; empty = a tombstone) at `position`.
  Status DecodeOne(std::string_view record, int64_t position, json::DecodedBatch* rows,
                   DecodedChanges* changes);
  /// Newline-delimited records, line i at position first_line_number + i; blank lines are
  /// skipped (not tombstones).
  Status DecodeLines(std::string_view buffer, int64_t first_line_number, json::DecodedBatch* rows,
                     DecodedChanges* changes);

 private:
  struct Impl;
  explicit DebeziumDecoder(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

}  // namespace floe::stream
