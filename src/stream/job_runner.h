#pragma once

// The runtime of one worker of a job: source → decode (JSON and envelope columns) → event time →
// transforms → sinks, with bad records to the dead-letter sink; its CheckpointCoordinator
// commits every sink at each checkpoint together with the source offsets its output covers
// (DESIGN.md "Exactly once"). A job runs one worker per thread; Kafka workers of one group share
// the partitions, each with its own sinks. A file job's one worker may prepare (decode, filter)
// the file's ranges on `lanes` threads (ChunkLanes) and deliver them to its sinks in read order.

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "stream/checkpoint_coordinator.h"
#include "stream/chunk_lanes.h"
#include "stream/chunk_preparer.h"
#include "stream/expr/transform_chain.h"
#include "stream/job_counters.h"
#include "stream/sink/dead_letter.h"
#include "stream/sink/sink.h"
#include "stream/source/metadata_column.h"
#include "stream/source/record_decoder.h"
#include "stream/source/source.h"
#include "stream/state.h"
#include "stream/watermark.h"
#include "stream/window/window_step.h"

namespace floe::stream {

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
  /// Whether a row behind its partition's watermark counts as late (JobCounters::late_rows).
  /// Not for a repartition topic's reader: its partitions mix the source partitions' event
  /// times, and the topic's writers judged each row against its own source partition.
  bool count_late_rows = true;
  /// Where late rows are counted, when not in the runner's JobCounters (a repartition writer:
  /// in the job's, its rows being the job's input). Outlives the runner.
  std::atomic<int64_t>* late_rows = nullptr;
  /// The checkpoint coordinator's timing and failure settings (job.checkpoint); its job_id and
  /// warn are this runner's.
  CheckpointOptions checkpoint;
  /// Operators whose state joins the checkpoints (state.h); they outlive the runner.
  std::vector<StatefulOperator*> operators;
  /// The window step after the transforms, or nullptr. Shared by the workers; each keeps its
  /// own state, which joins the checkpoints as `window_state_name`. Its output goes to the sinks.
  std::shared_ptr<const window::WindowOperator> window;
  std::string window_state_name;
  /// The window's keys are spread over this many shards, each on its own thread (WindowStep).
  size_t window_shards = 1;
  /// The input is keyed by (a part of) the window's group_by (`input_keyed_by`): the rows of a
  /// key are all in one partition, so the window keeps one step per partition, with its own
  /// watermark and a state named `<window_state_name>.<topic>.<partition>` that follows the
  /// partition to whichever worker or process of the group is assigned it.
  bool window_per_partition = false;
  /// When an unbounded source stops (a signal, stop_when_idle), fire every open window
  /// (`floe run --drain`); else they stay in the committed state for the next run. At the end
  /// of a bounded source they always fire.
  bool drain = false;
  /// Where warnings go (a checkpoint that failed and will be retried); unset: nowhere.
  std::function<void(const std::string&)> warn;
  /// Where notes on partitions go (assigned, revoked, lost); unset: nowhere.
  std::function<void(const std::string&)> info;
  int worker = 0;  // this worker's index in the job, for those notes
  /// End after this long without a record in any worker, once the source has handed out all
  /// there is (a Kafka source: it holds partitions, each read to its end; or holds none while
  /// another worker of the process does): commit and return. A process none of whose workers
  /// held a partition within stop_when_idle + 30 s fails, naming why.
  std::optional<std::chrono::milliseconds>
      stop_when_idle;  // counted from the last record or assignment
  /// Requested from another thread (a signal, a failed worker) to commit what is pending and
  /// return.
  std::stop_token stop;
  /// Where the worker reports checkpoints, commits, dead letters and partition progress for
  /// the job's observers (--http); unset: nowhere. Shared by the workers; outlives the runner.
  JobTelemetry* telemetry = nullptr;
  /// How long one Source::Next call may wait (bounds the reaction to `stop`).
  std::chrono::milliseconds poll_timeout{std::chrono::milliseconds(200)};
  /// Change streams (format: debezium-json): see RecordDecoder.
  ChangeStreamOptions changes;
  /// Threads that decode and filter the chunks that own their memory (a detached file
  /// source's): chunks are prepared on this many threads and reach the sinks in read order on
  /// the runner's. 1: everything on the runner's thread.
  int lanes = 1;
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

  /// Restores the operators' state, reads until the source ends (bounded), `stop` is
  /// requested, or it is idle for stop_when_idle; then makes the final checkpoint and closes
  /// the source and the sinks.
  Status Run();

  const std::vector<SinkSlot>& sinks() const { return coordinator_.sinks(); }
  const SinkSlot* dead_letter() const { return coordinator_.dead_letter(); }
  std::optional<int64_t> watermark() const;
  /// Whether Run ended because the consumer group took partitions from this worker without a
  /// revoke (its session ended): what it read since its last checkpoint was discarded, and a
  /// new worker in its place resumes from the committed offsets (Job does that).
  bool lost_partitions() const { return lost_partitions_; }

  Status OnAssigned(const std::vector<TopicPartition>& partitions, OffsetMap* start_at) override;
  Status OnRevoked(const std::vector<TopicPartition>& partitions, bool lost) override;

 private:
  JobRunner(JobRunnerOptions options, std::vector<SinkSlot> sinks,
            std::optional<SinkSlot> dead_letter, JobCounters* counters,
            std::vector<ChunkPreparer> preparers);

  /// Prepares and delivers one chunk on this thread.
  Status Process(const SourceChunk& chunk);
  /// What depends on the order of the chunks: the counters, event time, the rows that passed
  /// to every sink or through the window step (whose late rows become dead letters), the dead
  /// letters, the partition's position.
  Status Deliver(const SourceChunk& chunk, PreparedChunk& prepared);
  /// Hands a chunk the source just filled on: to a lane when it owns its memory, else (after
  /// the lanes' pending chunks) through Process.
  Status Handle(SourceChunk& chunk, ChunkLanes* lanes);
  /// Delivers the oldest chunk the lanes hold, once prepared.
  Status DeliverOldest(ChunkLanes& lanes);
  Status DeliverToWindow(const RecordBatch& batch, Selection selection, const SourceChunk& chunk,
                         DeadLetterBuilder* dead_letters);
  /// The window step that takes the rows of `partition`: the one step, or the partition's own
  /// (window_per_partition); nullptr when the job has no window.
  window::WindowStep* WindowFor(const TopicPartition& partition);
  /// Per-partition windows: a step for each newly assigned partition, its committed state
  /// restored, joining the checkpoints.
  Status AddPartitionWindows(const std::vector<TopicPartition>& partitions);
  /// Per-partition windows: the revoked partitions' steps leave (after their last checkpoint).
  void DropPartitionWindows(const std::vector<TopicPartition>& partitions);
  bool has_window() const { return window_ != nullptr || options_.window_per_partition; }
  /// Emits the windows the watermark has passed (all of them when `all`) to every sink.
  Status FireWindows(bool all);
  /// Writes the rows of `selection` that the sink has not committed yet (dedup by offset).
  /// `encoded`: the rows of `selection` encoded ahead for this sink (PreparedChunk::encoded),
  /// or nullptr.
  Status WriteTo(SinkSlot& slot, const RecordBatch& batch, Selection selection,
                 const std::string* encoded = nullptr);
  /// A checkpoint through the coordinator; once it succeeded the source hears of it.
  Status Checkpoint(bool final);
  void CheckpointDone();
  /// Whether --stop-when-idle ends the run now (see stop_when_idle); an error in `status` when
  /// no worker held a partition within the bound.
  bool Idle(std::chrono::steady_clock::time_point now,
            std::chrono::steady_clock::time_point last_record, Status* status);
  /// Records when a chunk of records started and ended in the shared counters.
  void MarkRecords(std::chrono::steady_clock::time_point begin,
                   std::chrono::steady_clock::time_point end);
  Status CloseAll();
  /// Reports this worker's partitions, their lag and its watermark to the telemetry.
  void ReportProgress();
  /// Tells options_.info "worker N: <what> K partitions: t[0,1]".
  void Note(std::string_view what, const std::vector<TopicPartition>& partitions) const;

  JobRunnerOptions options_;
  CheckpointCoordinator coordinator_;
  JobCounters* counters_;
  std::unique_ptr<Source> source_;
  ChunkPreparer preparer_;  // decode, transforms, late materialisation on this thread
  PreparedChunk prepared_;
  std::vector<ChunkPreparer> lane_preparers_;  // options_.lanes of them when above 1
  WatermarkTracker watermarks_;
  OffsetMap positions_;  // per partition read: the next offset not yet handed to the sinks
  std::unique_ptr<window::WindowStep> window_;  // this worker's window step, or nullptr
  bool window_restored_ = false;  // window_ has its committed state and joined the checkpoints
  /// window_per_partition: the step of each partition this worker holds.
  std::map<TopicPartition, std::unique_ptr<window::WindowStep>> partition_windows_;
  std::vector<window::DroppedRow> dropped_;
  bool said_unsplit_ = false;  // the note that an input cannot be split went out
  bool closing_ = false;       // the run is ending: revoked partitions are not another member's
  bool assigned_since_poll_ = false;  // OnAssigned ran: the idle clock starts again
  bool ever_assigned_ = false;
  bool lost_partitions_ = false;  // see lost_partitions()
};

}  // namespace floe::stream
