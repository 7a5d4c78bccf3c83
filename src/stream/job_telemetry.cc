#include "stream/job_telemetry.h"

#include <fmt/format.h>

#include <algorithm>

#include "common/clock.h"

namespace floe::stream {

std::string_view JobStateName(JobState state) {
  switch (state) {
    case JobState::kStarting:
      return "starting";
    case JobState::kRunning:
      return "running";
    case JobState::kFinished:
      return "finished";
    case JobState::kFailed:
      return "failed";
  }
  return "unknown";
}

std::vector<double> JobTelemetry::DurationBounds() {
  return {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};
}

JobTelemetry::JobTelemetry(JobDescription description, const JobCounters* counters,
                           int32_t unhealthy_after_failures, const JobCounters* upstream)
    : description_(std::move(description)),
      counters_(counters),
      upstream_(upstream),
      unhealthy_after_failures_(std::max(1, unhealthy_after_failures)),
      started_ms_(NowMillis()),
      durations_(DurationBounds()) {}

namespace {

template <typename T>
void PushBounded(std::deque<T>* items, T item, size_t limit) {
  items->push_back(std::move(item));
  while (items->size() > limit) items->pop_front();
}

}  // namespace

void JobTelemetry::SetState(JobState state, std::string failure) {
  std::lock_guard lock(mutex_);
  state_ = state;
  failure_ = std::move(failure);
}

void JobTelemetry::RecordCheckpoint(const CheckpointRecord& checkpoint) {
  durations_.Observe(checkpoint.duration_seconds);
  std::lock_guard lock(mutex_);
  if (checkpoint.ok) {
    ++checkpoints_ok_;
    failures_in_a_row_ = 0;
    last_success_ms_ =
        checkpoint.started_ms + static_cast<int64_t>(checkpoint.duration_seconds * 1000);
  } else {
    ++checkpoints_failed_;
    ++failures_in_a_row_;
  }
  PushBounded(&checkpoints_, checkpoint, kCheckpointHistory);
}

void JobTelemetry::RecordCommit(const SinkCommitRecord& commit) {
  std::lock_guard lock(mutex_);
  commit_retries_ += std::max(0, commit.attempts - 1);
  commit_conflicts_ += commit.conflicts;
  last_commits_[commit.sink] = commit;
  SinkTotals& totals = sink_totals_[commit.sink];
  ++totals.commits;
  totals.rows += commit.rows;
  totals.files += commit.files;
  totals.bytes += commit.bytes;
  PushBounded(&commits_, commit, kCommitHistory);
}

void JobTelemetry::RecordDeadLetter(DeadLetterRecord record) {
  dead_letters_by_type_[static_cast<size_t>(record.type)].fetch_add(1, std::memory_order_relaxed);
  std::lock_guard lock(mutex_);
  PushBounded(&dead_letters_, std::move(record), kDeadLetterHistory);
}

int64_t JobTelemetry::DeadLetters(DeadLetterType type) const {
  return dead_letters_by_type_[static_cast<size_t>(type)].load(std::memory_order_relaxed);
}

void JobTelemetry::UpdateWorker(int worker, std::vector<PartitionProgress> partitions,
                                std::optional<int64_t> watermark_micros) {
  std::lock_guard lock(mutex_);
  partitions_[worker] = std::move(partitions);
  if (watermark_micros) {
    watermarks_[worker] = *watermark_micros;
  } else {
    watermarks_.erase(worker);
  }
}

HealthReport JobTelemetry::Health() const {
  std::lock_guard lock(mutex_);
  switch (state_) {
    case JobState::kStarting:
      return {false, "starting: opening the source and the sinks"};
    case JobState::kFailed:
      return {false, fmt::format("failed: {}", failure_)};
    case JobState::kFinished:
      return {false, "finished"};
    case JobState::kRunning:
      break;
  }
  if (failures_in_a_row_ >= unhealthy_after_failures_) {
    const std::string why = checkpoints_.empty() ? "" : checkpoints_.back().error;
    return {false, fmt::format("the last {} checkpoint(s) failed: {}", failures_in_a_row_, why)};
  }
  return {true, std::string(JobStateName(state_))};
}

TelemetrySnapshot JobTelemetry::Snapshot() const {
  TelemetrySnapshot snapshot;
  for (size_t i = 0; i < dead_letters_by_type_.size(); ++i) {
    snapshot.dead_letters_by_type[i] = dead_letters_by_type_[i].load(std::memory_order_relaxed);
  }
  snapshot.unknown_outcomes = unknown_outcomes_.load(std::memory_order_relaxed);
  snapshot.started_ms = started_ms_;
  std::lock_guard lock(mutex_);
  snapshot.state = state_;
  snapshot.failure = failure_;
  snapshot.checkpoints.assign(checkpoints_.begin(), checkpoints_.end());
  snapshot.last_commits = last_commits_;
  snapshot.sink_totals = sink_totals_;
  snapshot.commits.assign(commits_.begin(), commits_.end());
  snapshot.dead_letters.assign(dead_letters_.begin(), dead_letters_.end());
  for (const auto& [worker, partitions] : partitions_) {
    snapshot.partitions.insert(snapshot.partitions.end(), partitions.begin(), partitions.end());
  }
  std::sort(snapshot.partitions.begin(), snapshot.partitions.end(),
            [](const PartitionProgress& a, const PartitionProgress& b) {
              return a.partition < b.partition;
            });
  for (const auto& [worker, watermark] : watermarks_) {
    snapshot.watermark_micros = std::min(snapshot.watermark_micros.value_or(watermark), watermark);
  }
  snapshot.checkpoints_ok = checkpoints_ok_;
  snapshot.checkpoints_failed = checkpoints_failed_;
  snapshot.failures_in_a_row = failures_in_a_row_;
  snapshot.last_success_ms = last_success_ms_;
  snapshot.commit_retries = commit_retries_;
  snapshot.commit_conflicts = commit_conflicts_;
  return snapshot;
}

}  // namespace floe::stream
