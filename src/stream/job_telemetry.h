#pragma once

// What a running job tells its observers (the HTTP server's /metrics, /health, /api/job and
// dashboard) beyond the hot-path counters of JobCounters: its shape, its state, the history of
// its checkpoints and commits, its dead letters by type with the latest errors, per-partition
// progress and lag, and the watermark.

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/metrics_registry.h"
#include "common/offsets.h"
#include "stream/job_counters.h"
#include "stream/sink/dead_letter.h"

namespace floe::stream {

enum class JobState : uint8_t { kStarting, kRunning, kFinished, kFailed };

/// "starting", "running", "finished", "failed".
std::string_view JobStateName(JobState state);

/// A node of the job graph as the dashboard draws it: source → transforms → sinks.
struct JobNode {
  std::string name;
  std::string kind;    // "kafka", "file", "filter", "project", "iceberg", "jsonl", "dead_letter"
  std::string detail;  // "topics a,b", "message_body ILIKE '%gun%'", "table ns.t in 'local'"
};

/// The configuration summary: what the job is, fixed once it runs.
struct JobDescription {
  std::string name;
  JobNode source;
  std::vector<JobNode> transforms;
  std::vector<JobNode> sinks;  // in the job's order, the dead-letter sink last
  int workers = 1;
  /// Threads reading the input: Kafka workers, or the lanes a file's ranges are prepared on.
  int threads = 1;
  /// Why fewer threads than job.parallelism (or the cores) say; empty if not.
  std::string parallelism_note;
  int64_t checkpoint_interval_ms = 0;
  int32_t tolerable_checkpoint_failures = 0;
  std::optional<std::string> event_time_column;
};

struct CheckpointRecord {
  int64_t checkpoint_id = 0;
  int worker = 0;
  int64_t started_ms = 0;  // wall clock, ms since the epoch
  double duration_seconds = 0;
  bool ok = false;
  std::string error;  // why it failed (empty when ok)
  int64_t rows = 0;   // rows the sinks committed in it
  int64_t files = 0;  // data files the table sinks committed in it
  int64_t bytes = 0;  // their size
};

/// One sink's commit at a checkpoint.
struct SinkCommitRecord {
  std::string sink;
  int64_t checkpoint_id = 0;
  int64_t committed_ms = 0;
  std::optional<int64_t> snapshot_id;  // table sinks
  int64_t rows = 0;
  int64_t files = 0;
  int64_t bytes = 0;
  int attempts = 1;   // more than one: the commit lost races and was retried
  int conflicts = 0;  // attempts the catalog refused as conflicts (409: the table had moved)
};

/// What a sink committed over the run.
struct SinkTotals {
  int64_t commits = 0;
  int64_t rows = 0;
  int64_t files = 0;
  int64_t bytes = 0;
};

struct DeadLetterRecord {
  int64_t at_ms = 0;
  DeadLetterType type = DeadLetterType::kDeserialization;
  std::string message;
  std::string source;  // "topic/3@1234", "file.jsonl:17"
};

/// A partition a worker reads: where it is and how far behind the end it is.
struct PartitionProgress {
  TopicPartition partition;
  int worker = 0;
  int64_t next_offset = 0;
  std::optional<int64_t> end_offset;  // the partition's high watermark, when the source knows it

  std::optional<int64_t> lag() const {
    if (!end_offset) return std::nullopt;
    return std::max<int64_t>(0, *end_offset - next_offset);
  }
};

struct HealthReport {
  bool healthy = true;
  std::string reason;  // why not, or what it is doing ("running")
};

/// A consistent copy of everything but the counters, for one answer.
struct TelemetrySnapshot {
  JobState state = JobState::kStarting;
  std::string failure;                                   // why the job failed
  std::vector<CheckpointRecord> checkpoints;             // oldest first
  std::map<std::string, SinkCommitRecord> last_commits;  // per sink
  std::vector<SinkCommitRecord> commits;                 // the latest, oldest first
  std::map<std::string, SinkTotals> sink_totals;         // per sink
  std::vector<DeadLetterRecord> dead_letters;            // the latest, oldest first
  std::array<int64_t, 4> dead_letters_by_type{};         // per DeadLetterType
  std::vector<PartitionProgress> partitions;
  std::optional<int64_t> watermark_micros;  // the smallest over the workers that have one
  int64_t checkpoints_ok = 0;
  int64_t checkpoints_failed = 0;
  int32_t failures_in_a_row = 0;
  std::optional<int64_t> last_success_ms;
  int64_t commit_retries = 0;    // attempts beyond the first, over every commit
  int64_t commit_conflicts = 0;  // attempts refused as conflicts, over every commit
  int64_t unknown_outcomes = 0;  // commits whose outcome was unknown
  int64_t started_ms = 0;
};

/// Thread safety: every method may be called from any thread: workers record, observers read.
/// The per-record calls (RecordDeadLetter) take a short lock; counters stay in JobCounters.
/// Lifetime: `counters` (and `upstream`) outlive the telemetry.
class JobTelemetry {
 public:
  static constexpr size_t kCheckpointHistory = 120;
  static constexpr size_t kCommitHistory = 50;
  static constexpr size_t kDeadLetterHistory = 50;
  /// Checkpoint durations, in seconds, as the histogram counts them.
  static std::vector<double> DurationBounds();

  /// /health is unhealthy once the last `unhealthy_after_failures` checkpoints failed.
  /// `upstream`: a job in two stages, its first stage's counters (see ReadCounters).
  JobTelemetry(JobDescription description, const JobCounters* counters,
               int32_t unhealthy_after_failures = 1, const JobCounters* upstream = nullptr);

  const JobDescription& description() const { return description_; }
  /// The job's counters now, both stages merged as its user sees them.
  CounterTotals Counters() const { return ReadCounters(*counters_, upstream_); }

  void SetState(JobState state, std::string failure = "");
  void RecordCheckpoint(const CheckpointRecord& checkpoint);
  void RecordCommit(const SinkCommitRecord& commit);
  void RecordUnknownOutcome() { unknown_outcomes_.fetch_add(1, std::memory_order_relaxed); }
  void RecordDeadLetter(DeadLetterRecord record);
  /// Replaces what `worker` reported before: the partitions it reads now, and its watermark.
  void UpdateWorker(int worker, std::vector<PartitionProgress> partitions,
                    std::optional<int64_t> watermark_micros);

  /// Operators with state (windows) report here; 0 until one does.
  std::atomic<int64_t> open_windows{0};
  std::atomic<int64_t> state_bytes{0};

  HealthReport Health() const;
  TelemetrySnapshot Snapshot() const;
  HistogramValue CheckpointDurations() const { return durations_.Read(); }
  int64_t DeadLetters(DeadLetterType type) const;

 private:
  const JobDescription description_;
  const JobCounters* counters_;
  const JobCounters* upstream_;
  const int32_t unhealthy_after_failures_;
  const int64_t started_ms_;
  Histogram durations_;
  std::array<std::atomic<int64_t>, 4> dead_letters_by_type_{};
  std::atomic<int64_t> unknown_outcomes_{0};
  mutable std::mutex mutex_;
  JobState state_ = JobState::kStarting;
  std::string failure_;
  std::deque<CheckpointRecord> checkpoints_;
  std::deque<SinkCommitRecord> commits_;
  std::map<std::string, SinkCommitRecord> last_commits_;
  std::map<std::string, SinkTotals> sink_totals_;
  std::deque<DeadLetterRecord> dead_letters_;
  std::map<int, std::vector<PartitionProgress>> partitions_;  // per worker
  std::map<int, int64_t> watermarks_;                         // per worker
  int64_t checkpoints_ok_ = 0;
  int64_t checkpoints_failed_ = 0;
  int32_t failures_in_a_row_ = 0;
  std::optional<int64_t> last_success_ms_;
  int64_t commit_retries_ = 0;
  int64_t commit_conflicts_ = 0;
};

}  // namespace floe::stream
