#pragma once

// The part of a worker's work on a chunk that needs nothing but the chunk: decode (JSON and
// envelope columns), its bad records as dead letters, the transforms and late materialisation.
// What is left (counters, event time, the window step, the sinks, the partition's position)
// depends on the order of the chunks and stays with the JobRunner. Split so that the chunks of
// a file can be prepared on several threads at once (ChunkLanes) and still reach the sinks in
// the order they were read.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/column_vector.h"
#include "common/result.h"
#include "format/json/row_encoder.h"
#include "stream/expr/transform_chain.h"
#include "stream/record_batch.h"
#include "stream/sink/dead_letter.h"
#include "stream/source/record_decoder.h"
#include "stream/source/source.h"

namespace floe::stream {

/// A bad record of a chunk as the job's observers hear of it (JobTelemetry::RecordDeadLetter),
/// told when the chunk is delivered.
struct DeadLetterNote {
  DeadLetterType type = DeadLetterType::kDeserialization;
  std::string message;
  int64_t offset = 0;
};

/// One chunk on its way to the sinks. Its buffers are reused from chunk to chunk.
struct PreparedChunk {
  /// The transforms' outcome: an error means the chunk cannot go on (the job stops).
  Status status;
  RecordBatch batch;    // the rows that decoded, after the transforms and materialisation
  Selection selection;  // the rows of `batch` that go on
  RowSet rows;          // what `selection` may point into
  /// The event-time column of every decoded row before the transforms (which may drop or
  /// project it): the watermarks observe it in chunk order. Empty without an event time.
  ColumnVector event_times{ColumnKind::kInt64};
  /// The chunk's bad records (made only when it has some), and the same for the telemetry.
  std::optional<DeadLetterBuilder> dead_letters;
  std::vector<DeadLetterNote> notes;
  int64_t records = 0;        // decoded or not (blank lines and tombstones excluded)
  int64_t tombstones = 0;     // change streams: tombstones skipped
  int64_t filtered = 0;       // dropped by a filter
  int64_t dead_lettered = 0;  // bad records plus rows a transform failed on
  /// Per sink (in the job's order), its rows of `selection` encoded ahead
  /// (ChunkPreparer::EncodeAhead); ready[i] is 0 where they were not (no encoder, or it failed:
  /// the sink then encodes them itself, and reports the error).
  std::vector<std::string> encoded;
  std::vector<uint8_t> ready;
};

/// Thread safety: one thread at a time (it reuses its decoder's buffers); the transform chain
/// is shared read-only. Movable.
class ChunkPreparer {
 public:
  ChunkPreparer(RecordDecoder decoder, std::shared_ptr<const TransformChain> transforms,
                std::optional<int> event_time_column)
      : decoder_(std::move(decoder)),
        transforms_(std::move(transforms)),
        event_time_column_(event_time_column) {}

  /// Prepares `chunk` of the source named `source` into `out`, first taking back the buffers
  /// `out` held from its last chunk. An error is the decoder's (the chunk cannot be read at
  /// all); the transforms' is out->status.
  Status Prepare(const SourceChunk& chunk, const std::string& source, PreparedChunk* out);
  /// Has Prepare also encode the rows that go on for the sinks with an encoder (per sink, in
  /// the job's order; nullptr: none), so that JSON lines are encoded on the preparing threads
  /// rather than the one delivering chunks in order. The encoders must outlive the preparer.
  void EncodeAhead(std::vector<const json::RowEncoder*> encoders) {
    encoders_ = std::move(encoders);
  }

 private:
  void AddDeadLetter(const SourceChunk& chunk, DeadLetterType type, std::string_view message,
                     std::string_view raw, int64_t offset, PreparedChunk* out);

  RecordDecoder decoder_;
  std::shared_ptr<const TransformChain> transforms_;
  std::optional<int> event_time_column_;
  EvalContext eval_;
  std::vector<RowError> failed_;
  std::vector<const json::RowEncoder*> encoders_;  // per sink, or nullptr
  std::vector<const ColumnVector*> columns_;       // the batch's columns, for the encoders
};

/// The raw record at `offset` of `chunk` (a line of a file, a Kafka payload); empty when the
/// chunk does not hold it.
std::string_view RawRecord(const SourceChunk& chunk, int64_t offset);
/// Where the record at `offset` of `chunk` came from, for its dead letter.
DeadLetterSource DeadLetterSourceOf(const SourceChunk& chunk, int64_t offset);

}  // namespace floe::stream
