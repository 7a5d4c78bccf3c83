#pragma once

// The checkpoint coordinator of one worker (DESIGN.md "Exactly once", "State"). It owns the
// worker's sinks and decides when and in which order they commit:
// - timing: one checkpoint at a time, every `interval` from the start of the last, never sooner
//   than `min_pause` after its end; one that has not finished within `timeout` fails;
// - order: at a checkpoint, the stateful operators' snapshots are written next to the table
//   (state_store.h) first, then the dead-letter table (ahead of the state, so a restart from
//   older state decides again which rows are dead letters), then the table sinks (rows, offsets
//   and state pointers in one snapshot each), then the other sinks (a Kafka transaction): a
//   crash in between leaves a table ahead of a topic, which recovery evens out;
// - failures: a failed checkpoint keeps its rows for the next when every failing sink can
//   retry (Sink::RetriesFailedCommits); more than `tolerable_failures` in a row fail the job;
// - recovery: each sink's committed offsets are read back when partitions are assigned, and a
//   partition resumes at the smallest; operator state is restored once, before the first
//   record, from the table sink whose committed offsets are the smallest.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/offsets.h"
#include "common/result.h"
#include "stream/job_counters.h"
#include "stream/job_telemetry.h"
#include "stream/sink/sink.h"
#include "stream/sink/table_sink.h"
#include "stream/state.h"

namespace floe::stream {

/// A sink of the worker, with what it describes itself as in the summary.
struct SinkSlot {
  std::unique_ptr<Sink> sink;
  TableSink* table = nullptr;     // the same sink when it commits to a table, else null
  std::string where;              // "table raw.events in catalog 'local'", "file out.jsonl"
  OffsetMap committed;            // per partition: the next offset it has not committed
  std::vector<uint32_t> scratch;  // its selection of the current batch
  int64_t rows_since_commit = 0;  // rows written since its last successful commit
  int64_t commits_seen = 0;       // its CommitDetails::commits at the last checkpoint

  static SinkSlot ForTable(std::unique_ptr<TableSink> sink, std::string where);
  static SinkSlot For(std::unique_ptr<Sink> sink, std::string where);
};

struct CheckpointOptions {
  std::string job_id;
  std::chrono::milliseconds interval{std::chrono::seconds(30)};
  std::chrono::milliseconds min_pause{0};
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};
  int32_t tolerable_failures = 3;
  /// Where warnings go (a checkpoint that failed and will be retried); unset: nowhere.
  std::function<void(const std::string&)> warn;
  /// Where checkpoints and commits are reported for the job's observers (--http); unset:
  /// nowhere. Shared by the workers; outlives the coordinator.
  JobTelemetry* telemetry = nullptr;
  int worker = 0;  // this worker's index, in those reports
};

/// Thread safety: one thread (the worker's). Lifetime: registered operators and `counters`
/// outlive it.
class CheckpointCoordinator {
 public:
  CheckpointCoordinator(CheckpointOptions options, std::vector<SinkSlot> sinks,
                        std::optional<SinkSlot> dead_letter, JobCounters* counters);

  std::vector<SinkSlot>& sinks() { return sinks_; }
  const std::vector<SinkSlot>& sinks() const { return sinks_; }
  SinkSlot* dead_letter() { return dead_letter_ ? &*dead_letter_ : nullptr; }
  const SinkSlot* dead_letter() const { return dead_letter_ ? &*dead_letter_ : nullptr; }

  /// An operator whose state joins every checkpoint from now on; before Start.
  void Register(StatefulOperator* op) { operators_.push_back(op); }
  /// Operators that join while the job runs (a window's state per Kafka partition, when that
  /// partition is assigned): each gets its committed state back now, then joins the
  /// checkpoints. The state is read from the same table sink Start would choose.
  Status RegisterAndRestore(const std::vector<StatefulOperator*>& ops);
  /// The operator leaves the checkpoints (its partition was revoked, after the checkpoint that
  /// committed it). What it committed stays named by the table's snapshots.
  void Unregister(const StatefulOperator* op);

  /// Before the first record: checkpoint ids continue from the largest the job committed to
  /// its tables; the registered operators get their committed state back.
  Status Start();

  /// Reads back what each sink committed for `partitions` (those `resumable` says can be
  /// resumed) and sets in `start_at` where each partition resumes: the smallest of its sinks'
  /// offsets, when every sink has one.
  Status Assign(const std::vector<TopicPartition>& partitions,
                const std::function<bool(const TopicPartition&)>& resumable, OffsetMap* start_at);
  /// The partitions are gone: forget what the sinks committed for them.
  void Forget(const std::vector<TopicPartition>& partitions);

  /// Checkpoints when the interval and the minimum pause have passed since the last periodic
  /// one (measured from `now`); true when it did.
  Result<bool> MaybeCheckpoint(std::chrono::steady_clock::time_point now,
                               const OffsetMap& positions, std::optional<int64_t> watermark_micros);
  /// Commits every sink (and the operators' state) with `positions`. Ok also when a sink that
  /// retries failed and the failure is tolerable (last_failure() then holds it); an error ends
  /// the job.
  Status Checkpoint(const OffsetMap& positions, std::optional<int64_t> watermark_micros,
                    bool final);
  /// The last checkpoint, tried again (after a pause) while it fails tolerably.
  Status FinalCheckpoint(const OffsetMap& positions, std::optional<int64_t> watermark_micros);
  /// Why the last checkpoint failed (tolerably), or Ok.
  const Status& last_failure() const { return last_failure_; }

  /// Closes every sink (what was not committed is discarded).
  Status CloseSinks();

 private:
  Status WriteState(CheckpointInfo* info);
  /// Commits one sink; what it committed (if anything) is added to `committed`.
  Status Commit(SinkSlot& slot, const OffsetMap& positions, CheckpointInfo* info,
                SinkTotals* committed);
  /// After a sink's successful commit: what it committed, if anything (also reported to the
  /// telemetry); its rows since the last commit start again from 0.
  std::optional<SinkCommitRecord> CommitMade(SinkSlot& slot, int64_t checkpoint_id);
  /// Restores `ops` from the committed state of the table sink furthest behind.
  Status RestoreState(const std::vector<StatefulOperator*>& ops);

  CheckpointOptions options_;
  std::vector<SinkSlot> sinks_;
  std::optional<SinkSlot> dead_letter_;
  JobCounters* counters_;
  std::vector<StatefulOperator*> operators_;
  int64_t checkpoint_id_ = 0;
  int32_t failures_in_a_row_ = 0;  // checkpoints that failed since the last that succeeded
  Status last_failure_;
  std::chrono::steady_clock::time_point last_start_;  // of the last periodic checkpoint
  std::chrono::steady_clock::time_point last_end_;
};

}  // namespace floe::stream
