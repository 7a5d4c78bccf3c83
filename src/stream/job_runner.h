#pragma once

// The runtime of one worker of a job: source → decode → event time → transforms → sinks, with
// bad records to the dead-letter sink, and every sink committed at each checkpoint together with
// the source offsets its output covers (DESIGN.md "Exactly once"). A job runs one worker per
// thread; Kafka workers of one group share the partitions, each with its own sinks.

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "format/json/batch_decoder.h"
#include "stream/dead_letter.h"
#include "stream/sink.h"
#include "stream/source.h"
#include "stream/transform_chain.h"
#include "stream/watermark.h"

namespace floe::stream {

/// Where a source column's values come from when not from the record's JSON.
/// kHeaders: every header as a JSON object (a repeated name keeps its last value, a header
/// without a value is null); kHeader: the value of one header (the last of that name), null if
/// the message has none. Header values that are not UTF-8 get U+FFFD for each bad byte.
enum class MetadataColumn : uint8_t {
  kNone,
  kTopic,
  kPartition,
  kOffset,
  kTimestamp,
  kKey,
  kHeaders,
  kHeader
};

/// Counters of a job, shared by its workers (hence atomic) and read by the progress reporter.
struct JobCounters {
  std::atomic<int64_t> records_in{0};          // records read past the recovery point
  std::atomic<int64_t> filtered_out{0};        // records a filter dropped
  std::atomic<int64_t> passed{0};              // records that reached the sinks
  std::atomic<int64_t> dead_lettered{0};       // records sent to the dead-letter sink
  std::atomic<int64_t> late_rows{0};           // records behind their partition's watermark
  std::atomic<int64_t> bytes_in{0};            // bytes of input read past the recovery point
  std::atomic<int64_t> skipped{0};             // records below every sink's committed offset
  std::atomic<int64_t> checkpoints{0};         // checkpoints completed
  std::atomic<int64_t> failed_checkpoints{0};  // checkpoints a sink could not commit (retried)
  std::atomic<int64_t> commit_micros{0};       // time spent committing sinks
  /// Steady-clock microseconds of the first and the last chunk of records (0: none yet): the
  /// span a rate is honest over, without group joins or idle waits.
  std::atomic<int64_t> first_record_micros{0};
  std::atomic<int64_t> last_record_micros{0};
  /// Per sink name: rows written (not counting those a sink had committed before).
  std::map<std::string, std::atomic<int64_t>> written;
};

struct JobRunnerOptions {
  std::string job_id;
  /// The decoded schema: JSON columns and metadata columns, in the job's order.
  std::shared_ptr<const iceberg::Schema> source_schema;
  /// Per column of source_schema: kNone (decoded from JSON) or the metadata it holds.
  std::vector<MetadataColumn> metadata;
  /// Per column of source_schema: the header a kHeader column holds (empty for the others;
  /// may be empty as a whole when no column is kHeader).
  std::vector<std::string> header_names;
  std::shared_ptr<const TransformChain> transforms;
  /// The event-time column's index in source_schema, and the allowed out-of-orderness.
  std::optional<int> event_time_column;
  int64_t max_out_of_orderness_micros = 0;  // in the event-time column's unit
  int64_t event_time_units_per_micro = 1;   // 1000 for nanosecond timestamps
  /// The checkpoint coordinator (job.checkpoint): one checkpoint at a time, every `interval`
  /// from the start of the last, but never sooner than `min_pause` after its end; one that
  /// has not finished within `timeout` fails. A failed checkpoint keeps its rows for the next
  /// (when every failing sink can retry, Sink::RetriesFailedCommits); more than
  /// `tolerable_failures` failures in a row fail the job.
  std::chrono::milliseconds checkpoint_interval{std::chrono::seconds(30)};
  std::chrono::milliseconds checkpoint_min_pause{0};
  std::chrono::milliseconds checkpoint_timeout{std::chrono::minutes(10)};
  int32_t tolerable_checkpoint_failures = 3;
  /// Where warnings go (a checkpoint that failed and will be retried); unset: nowhere.
  std::function<void(const std::string&)> warn;
  /// Where notes on partitions go (assigned, revoked, lost); unset: nowhere.
  std::function<void(const std::string&)> info;
  int worker = 0;  // this worker's index in the job, for those notes
  /// Checkpoint ids continue from here (the largest this job committed before).
  int64_t last_checkpoint_id = 0;
  /// End after this long without a record (unbounded sources): commit and return.
  std::optional<std::chrono::milliseconds>
      stop_when_idle;  // counted from the last record or assignment
  /// Set from another thread (a signal) to commit what is pending and return.
  const std::atomic<bool>* stop = nullptr;
  /// How long one Source::Next call may wait (bounds the reaction to `stop`).
  std::chrono::milliseconds poll_timeout{std::chrono::milliseconds(200)};
};

/// A sink of the worker, with what it describes itself as in the summary.
struct SinkSlot {
  std::unique_ptr<Sink> sink;
  std::string where;              // "table raw.events in catalog 'local'", "file out.jsonl"
  bool is_table = false;          // an Iceberg table: committed before the other sinks
  OffsetMap committed;            // per partition: the next offset it has not committed
  std::vector<uint32_t> scratch;  // its selection of the current batch
};

/// Thread safety: one thread runs a worker; `counters` may be shared by workers.
/// Lifetime: counters outlive the runner; the runner outlives its source.
class JobRunner final : public PartitionListener {
 public:
  /// The JSON fields are those of source_schema's kNone columns; InvalidArgument if the schema
  /// cannot be decoded or counters lack a sink's name.
  static Result<std::unique_ptr<JobRunner>> Make(JobRunnerOptions options,
                                                 std::vector<SinkSlot> sinks,
                                                 std::optional<SinkSlot> dead_letter,
                                                 JobCounters* counters);

  /// The source to read; created with this runner as its listener.
  void set_source(std::unique_ptr<Source> source) { source_ = std::move(source); }

  /// Reads until the source ends (bounded), `stop` is set, or it is idle for stop_when_idle;
  /// then makes the final checkpoint and closes the source and the sinks.
  Status Run();

  const std::vector<SinkSlot>& sinks() const { return sinks_; }
  const SinkSlot* dead_letter() const { return dead_letter_ ? &*dead_letter_ : nullptr; }
  std::optional<int64_t> watermark() const;

  Status OnAssigned(const std::vector<TopicPartition>& partitions, OffsetMap* start_at) override;
  Status OnRevoked(const std::vector<TopicPartition>& partitions, bool lost) override;

 private:
  JobRunner(JobRunnerOptions options, std::vector<SinkSlot> sinks,
            std::optional<SinkSlot> dead_letter, JobCounters* counters, json::BatchDecoder decoder);

  Status Process(const SourceChunk& chunk);
  Status Decode(const SourceChunk& chunk);
  void AssembleBatch(const SourceChunk& chunk, RecordBatch* batch);
  std::string_view RawRecord(const SourceChunk& chunk, int64_t offset) const;
  Status WriteTo(SinkSlot& slot, const RecordBatch& batch, Selection selection);
  /// Commits every sink. Ok also when a sink that retries failed and the failure is
  /// tolerable (last_failure_ then holds it); an error ends the job.
  Status Checkpoint(bool final);
  /// The last checkpoint, tried again while it fails tolerably.
  Status FinalCheckpoint();
  /// When a worker of the job (sharing counters_) last finished a chunk of records.
  std::chrono::steady_clock::time_point LastRecordOfAnyWorker() const;
  Status CloseAll();
  /// Tells options_.info "worker N: <what> K partitions: t[0,1]".
  void Note(std::string_view what, const std::vector<TopicPartition>& partitions) const;

  JobRunnerOptions options_;
  std::vector<SinkSlot> sinks_;
  std::optional<SinkSlot> dead_letter_;
  JobCounters* counters_;
  std::unique_ptr<Source> source_;
  json::BatchDecoder decoder_;
  json::DecodedBatch decoded_;
  std::vector<int> json_columns_;  // per source column: its decoded column, or -1 (metadata)
  std::vector<ColumnKind> metadata_kinds_;  // per source column: the storage of a metadata one
  EvalContext eval_;
  WatermarkTracker watermarks_;
  OffsetMap positions_;  // per partition read: the next offset not yet handed to the sinks
  int64_t checkpoint_id_ = 0;
  int32_t failures_in_a_row_ = 0;  // checkpoints that failed since the last that succeeded
  Status last_failure_;            // why the last checkpoint failed (tolerably), or Ok
  std::vector<RowError> failed_;
  bool assigned_since_poll_ = false;  // OnAssigned ran: the idle clock starts again
  bool ever_assigned_ = false;
};

}  // namespace floe::stream
