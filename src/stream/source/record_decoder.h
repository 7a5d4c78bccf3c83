#pragma once

// Raw records of a chunk into a RecordBatch of the source schema: the JSON columns from the
// batch decoder, the envelope columns (envelope_columns.h), and late materialisation: when the
// transforms are filters only, the string columns they do not read (nor the event time) are
// copied for the rows that pass only. Every record is still parsed and checked in full, so the
// same ones fail.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "format/json/batch_decoder.h"
#include "iceberg/schema.h"
#include "stream/record_batch.h"
#include "stream/source/debezium_decoder.h"
#include "stream/source/envelope_columns.h"
#include "stream/source/metadata_column.h"
#include "stream/source/source.h"

namespace floe::stream {

/// A source of Debezium change envelopes (format: debezium-json): rows are the images, with
/// RecordBatch::change_ops and the kCdcOp/kCdcTs columns; `key_columns` must not be null.
struct ChangeStreamOptions {
  bool enabled = false;
  std::vector<std::string> key_columns;
};

/// Thread safety: one thread; it reuses its buffers from batch to batch.
class RecordDecoder {
 public:
  /// `metadata` and `header_names` per column of `schema` (EnvelopeColumns::Make);
  /// `filter_columns` the columns the filters read when the transforms are filters only
  /// (TransformChain::FilterColumns), else nullopt; `event_time_column` is never deferred.
  /// InvalidArgument when no column comes from the records or the schema cannot be decoded.
  static Result<RecordDecoder> Make(std::shared_ptr<const iceberg::Schema> schema,
                                    std::vector<MetadataColumn> metadata,
                                    std::vector<std::string> header_names,
                                    const std::optional<std::vector<int>>& filter_columns,
                                    std::optional<int> event_time_column,
                                    const ChangeStreamOptions& changes = {});

  /// Decodes `chunk` into `batch` (rows that decoded, with their offsets); the records that did
  /// not are in errors() until the next call.
  Status Decode(const SourceChunk& chunk, RecordBatch* batch);
  const std::vector<json::RecordError>& errors() const { return decoded_.errors; }
  /// Change streams: the records of the last chunk that were not valid changes, and how many
  /// were tombstones (skipped). Empty and 0 otherwise.
  const std::vector<InvalidChange>& invalid_changes() const { return changes_.invalid; }
  int64_t tombstones() const { return changes_.tombstones; }

  /// The rows of `selection` go on: their deferred columns are filled (when some rows were
  /// dropped the batch keeps the selected ones only); returns the selection that now applies.
  Selection Materialize(RecordBatch* batch, Selection selection);
  /// Takes the batch's buffers back for the next Decode (when it still has the source's
  /// columns: a project step replaced them).
  void Recycle(RecordBatch& batch);

 private:
  RecordDecoder(std::shared_ptr<const iceberg::Schema> schema, json::BatchDecoder decoder,
                std::vector<int> json_columns, EnvelopeColumns envelope);

  /// A kCdcOp or kCdcTs column for the rows of the last chunk (change streams).
  ColumnVector ChangeColumn(MetadataColumn metadata) const;
  Status DecodeRecords(const SourceChunk& chunk);

  std::shared_ptr<const iceberg::Schema> schema_;
  json::BatchDecoder decoder_;
  std::optional<DebeziumDecoder> change_decoder_;  // change streams: decodes instead of decoder_
  DecodedChanges changes_;                         // the change side of decoded_
  json::DecodedBatch decoded_;
  std::vector<int> json_columns_;  // per source column: its decoded column, or -1 (metadata)
  EnvelopeColumns envelope_;
};

}  // namespace floe::stream
