#include "stream/checkpoint_coordinator.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "common/clock.h"
#include "common/fault.h"
#include "stream/offsets_json.h"

namespace floe::stream {

namespace {

using Clock = std::chrono::steady_clock;

/// The longest pause before a failed final checkpoint is tried again.
constexpr std::chrono::milliseconds kFinalRetryPause{2000};

/// Whether `a` is at or behind `b` on every partition either has (a missing one counts as 0).
bool AtOrBehind(const OffsetMap& a, const OffsetMap& b) {
  for (const auto& [partition, offset] : a) {
    auto found = b.find(partition);
    if (offset > (found == b.end() ? 0 : found->second)) return false;
  }
  return true;
}

}  // namespace

SinkSlot SinkSlot::ForTable(std::unique_ptr<TableSink> sink, std::string where) {
  SinkSlot slot;
  slot.table = sink.get();
  slot.sink = std::move(sink);
  slot.where = std::move(where);
  return slot;
}

SinkSlot SinkSlot::For(std::unique_ptr<Sink> sink, std::string where) {
  SinkSlot slot;
  slot.sink = std::move(sink);
  slot.where = std::move(where);
  return slot;
}

CheckpointCoordinator::CheckpointCoordinator(CheckpointOptions options, std::vector<SinkSlot> sinks,
                                             std::optional<SinkSlot> dead_letter,
                                             JobCounters* counters)
    : options_(std::move(options)),
      sinks_(std::move(sinks)),
      dead_letter_(std::move(dead_letter)),
      counters_(counters) {}

Status CheckpointCoordinator::Start() {
  for (const SinkSlot& slot : sinks_) {
    if (slot.table != nullptr) {
      checkpoint_id_ = std::max(checkpoint_id_, slot.table->LastCheckpointId());
    }
  }
  if (dead_letter_ && dead_letter_->table != nullptr) {
    checkpoint_id_ = std::max(checkpoint_id_, dead_letter_->table->LastCheckpointId());
  }
  last_start_ = last_end_ = Clock::now();
  return RestoreState(operators_);
}

Status CheckpointCoordinator::RegisterAndRestore(const std::vector<StatefulOperator*>& ops) {
  FLOE_RETURN_IF_ERROR(RestoreState(ops));
  operators_.insert(operators_.end(), ops.begin(), ops.end());
  return Status::Ok();
}

void CheckpointCoordinator::Unregister(const StatefulOperator* op) {
  operators_.erase(std::remove(operators_.begin(), operators_.end(), op), operators_.end());
}

Status CheckpointCoordinator::RestoreState(const std::vector<StatefulOperator*>& ops) {
  if (ops.empty()) return Status::Ok();
  // The state that goes with where the source resumes: that of the table furthest behind.
  TableSink* chosen = nullptr;
  OffsetMap chosen_offsets;
  for (SinkSlot& slot : sinks_) {
    if (slot.table == nullptr) continue;
    FLOE_ASSIGN_OR_RAISE(OffsetMap offsets, slot.table->CommittedOffsets());
    if (chosen == nullptr || AtOrBehind(offsets, chosen_offsets)) {
      chosen = slot.table;
      chosen_offsets = std::move(offsets);
    }
  }
  if (chosen == nullptr) {
    return InvalidArgument("job {}: stateful operators need a table sink to keep their state",
                           options_.job_id);
  }
  FLOE_ASSIGN_OR_RAISE(auto locations, chosen->CommittedState());
  for (StatefulOperator* op : ops) {
    auto found = locations.find(op->state_name());
    if (found == locations.end()) continue;  // nothing committed yet: it starts empty
    FLOE_ASSIGN_OR_RAISE(std::string bytes, chosen->state_store().Read(found->second));
    FLOE_RETURN_IF_ERROR_CTX(op->RestoreState(bytes),
                             fmt::format("restoring state '{}'", op->state_name()));
  }
  return Status::Ok();
}

Status CheckpointCoordinator::Assign(const std::vector<TopicPartition>& partitions,
                                     const std::function<bool(const TopicPartition&)>& resumable,
                                     OffsetMap* start_at) {
  // Each sink's own record of what it committed is the truth (another process may have moved
  // it since we last looked): read it again, then start each partition at the smallest.
  const auto refresh = [&](SinkSlot& slot) -> Status {
    FLOE_ASSIGN_OR_RAISE(OffsetMap committed, slot.sink->CommittedOffsets());
    for (const TopicPartition& partition : partitions) {
      auto found = committed.find(partition);
      if (found == committed.end() || !resumable(partition)) {
        slot.committed.erase(partition);
      } else {
        slot.committed[partition] = found->second;
      }
    }
    return Status::Ok();
  };
  for (SinkSlot& slot : sinks_) {
    FLOE_RETURN_IF_ERROR_CTX(refresh(slot), fmt::format("sink '{}'", slot.sink->name()));
  }
  if (dead_letter_) FLOE_RETURN_IF_ERROR_CTX(refresh(*dead_letter_), "dead_letter");

  for (const TopicPartition& partition : partitions) {
    std::optional<int64_t> lowest;
    bool every_sink_has_one = true;
    const auto consider = [&](const SinkSlot& slot) {
      auto found = slot.committed.find(partition);
      if (found == slot.committed.end()) {
        every_sink_has_one = false;
      } else if (!lowest || found->second < *lowest) {
        lowest = found->second;
      }
    };
    for (const SinkSlot& slot : sinks_) consider(slot);
    if (dead_letter_) consider(*dead_letter_);
    if (every_sink_has_one && lowest) (*start_at)[partition] = *lowest;
  }
  return Status::Ok();
}

void CheckpointCoordinator::Forget(const std::vector<TopicPartition>& partitions) {
  for (const TopicPartition& partition : partitions) {
    for (SinkSlot& slot : sinks_) slot.committed.erase(partition);
    if (dead_letter_) dead_letter_->committed.erase(partition);
  }
}

Result<bool> CheckpointCoordinator::MaybeCheckpoint(Clock::time_point now,
                                                    const OffsetMap& positions,
                                                    std::optional<int64_t> watermark_micros) {
  if (now - last_start_ < options_.interval || now - last_end_ < options_.min_pause) return false;
  last_start_ = now;
  FLOE_RETURN_IF_ERROR(Checkpoint(positions, watermark_micros, false));
  last_end_ = Clock::now();
  return true;
}

Status CheckpointCoordinator::WriteState(CheckpointInfo* info) {
  if (operators_.empty()) return Status::Ok();
  const SinkSlot* home = nullptr;
  for (const SinkSlot& slot : sinks_) {
    if (slot.table != nullptr && home == nullptr) home = &slot;
  }
  if (home == nullptr) {
    return InvalidArgument("job {}: stateful operators need a table sink to keep their state",
                           options_.job_id);
  }
  for (StatefulOperator* op : operators_) {
    const std::string& name = op->state_name();
    FLOE_ASSIGN_OR_RAISE(std::string bytes, op->SnapshotState());
    FLOE_ASSIGN_OR_RAISE(
        info->state_locations[name],
        home->table->state_store().Write(options_.job_id, name, info->checkpoint_id, bytes));
  }
  return Status::Ok();
}

std::optional<SinkCommitRecord> CheckpointCoordinator::CommitMade(SinkSlot& slot,
                                                                  int64_t checkpoint_id) {
  const CommitDetails details = slot.sink->LastCommit();
  // A sink that counts its commits committed something when the count moved; one that does not
  // did when rows were written since its last commit.
  const bool made =
      details.commits != slot.commits_seen || (details.commits == 0 && slot.rows_since_commit > 0);
  slot.commits_seen = details.commits;
  if (!made) return std::nullopt;
  SinkCommitRecord record{slot.sink->name(),   checkpoint_id,          NowMillis(),
                          details.snapshot_id, slot.rows_since_commit, details.files,
                          details.bytes,       details.attempts,       details.conflicts};
  slot.rows_since_commit = 0;
  if (options_.telemetry != nullptr) options_.telemetry->RecordCommit(record);
  return record;
}

Status CheckpointCoordinator::Commit(SinkSlot& slot, const OffsetMap& positions,
                                     CheckpointInfo* info, SinkTotals* committed) {
  // A sink ahead of the reader keeps its own position: committing less would move it back.
  info->offsets = positions;
  for (auto& [partition, offset] : info->offsets) {
    auto found = slot.committed.find(partition);
    if (found != slot.committed.end()) offset = std::max(offset, found->second);
  }
  Status status = slot.sink->Commit(*info);
  if (status.IsCommitStateUnknown() && options_.telemetry != nullptr) {
    options_.telemetry->RecordUnknownOutcome();
  }
  if (!status.ok()) {
    status = status.WithContext(fmt::format("sink '{}'", slot.sink->name()));
    // A sink that keeps what it could not commit tries again at the next checkpoint.
    if (!slot.sink->RetriesFailedCommits()) return status;
    if (last_failure_.ok()) last_failure_ = std::move(status);
    return Status::Ok();
  }
  slot.committed = MergeOffsets(std::move(slot.committed), info->offsets);
  if (auto made = CommitMade(slot, info->checkpoint_id)) {
    committed->rows += made->rows;
    committed->files += made->files;
    committed->bytes += made->bytes;
  }
  return Status::Ok();
}

Status CheckpointCoordinator::Checkpoint(const OffsetMap& positions,
                                         std::optional<int64_t> watermark_micros, bool final) {
  CheckpointInfo info;
  info.job_id = options_.job_id;
  info.checkpoint_id = ++checkpoint_id_;
  info.final = final;
  info.watermark_micros = watermark_micros;
  const Clock::time_point started = Clock::now();
  const int64_t started_ms = NowMillis();
  info.deadline = started + options_.timeout;
  SinkTotals committed;  // over the sinks, what this checkpoint committed
  last_failure_ = WriteState(&info);
  if (!operators_.empty()) FaultPoint("after-state-write");
  if (last_failure_.ok()) {
    // The dead-letter table first: an operator's state decides which rows are dead letters (a
    // window's late rows), and a restart from older state decides again the same way for the
    // rows the dead-letter table has not committed; after the state it could not. Then the
    // tables (their snapshots carry the state pointers), then the rest.
    if (dead_letter_) FLOE_RETURN_IF_ERROR(Commit(*dead_letter_, positions, &info, &committed));
    for (SinkSlot& slot : sinks_) {
      if (slot.table != nullptr) FLOE_RETURN_IF_ERROR(Commit(slot, positions, &info, &committed));
    }
    FaultPoint("after-iceberg-before-kafka-commit");
    for (SinkSlot& slot : sinks_) {
      if (slot.table == nullptr) FLOE_RETURN_IF_ERROR(Commit(slot, positions, &info, &committed));
    }
  }
  const Clock::duration took = Clock::now() - started;
  counters_->commit_micros += std::chrono::duration_cast<std::chrono::microseconds>(took).count();
  if (options_.telemetry != nullptr) {
    options_.telemetry->RecordCheckpoint({info.checkpoint_id, options_.worker, started_ms,
                                          std::chrono::duration<double>(took).count(),
                                          last_failure_.ok(),
                                          last_failure_.ok() ? "" : last_failure_.message(),
                                          committed.rows, committed.files, committed.bytes});
  }
  if (!last_failure_.ok()) {
    ++counters_->failed_checkpoints;
    if (++failures_in_a_row_ > options_.tolerable_failures) {
      return last_failure_.WithContext(
          fmt::format("checkpoint {}: {} failed in a row, more than "
                      "job.checkpoint.tolerable_failures ({})",
                      info.checkpoint_id, failures_in_a_row_, options_.tolerable_failures));
    }
    if (options_.warn) {
      options_.warn(
          fmt::format("checkpoint {} failed ({} of {} tolerable in a row), its rows "
                      "wait for the next: {}",
                      info.checkpoint_id, failures_in_a_row_, options_.tolerable_failures,
                      last_failure_.message()));
    }
    return Status::Ok();
  }
  failures_in_a_row_ = 0;
  ++counters_->checkpoints;
  return Status::Ok();
}

Status CheckpointCoordinator::FinalCheckpoint(const OffsetMap& positions,
                                              std::optional<int64_t> watermark_micros) {
  Status status = Checkpoint(positions, watermark_micros, true);
  while (status.ok() && !last_failure_.ok()) {
    std::this_thread::sleep_for(std::max<std::chrono::milliseconds>(
        options_.min_pause,
        std::min<std::chrono::milliseconds>(options_.interval, kFinalRetryPause)));
    status = Checkpoint(positions, watermark_micros, true);
  }
  return status;
}

Status CheckpointCoordinator::CloseSinks() {
  Status closed = Status::Ok();
  for (SinkSlot& slot : sinks_) {
    Status status = slot.sink->Close();
    if (closed.ok()) closed = status.WithContext(fmt::format("sink '{}'", slot.sink->name()));
  }
  if (dead_letter_) {
    Status status = dead_letter_->sink->Close();
    if (closed.ok()) closed = status.WithContext("dead_letter");
  }
  return closed;
}

}  // namespace floe::stream
