#include "stream/job_runner.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <limits>
#include <map>

#include "common/clock.h"
#include "common/fault.h"

namespace floe::stream {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::seconds kJoinGrace{30};
/// How often a worker reports its partitions and watermark to the telemetry.
constexpr std::chrono::seconds kProgressReportInterval{1};

int64_t SteadyMicros(Clock::time_point at) {
  return std::chrono::duration_cast<std::chrono::microseconds>(at.time_since_epoch()).count();
}

CheckpointOptions CoordinatorOptions(const JobRunnerOptions& options) {
  CheckpointOptions checkpoint = options.checkpoint;
  checkpoint.job_id = options.job_id;
  checkpoint.warn = options.warn;
  checkpoint.telemetry = options.telemetry;
  checkpoint.worker = options.worker;
  return checkpoint;
}

}  // namespace

JobRunner::JobRunner(JobRunnerOptions options, std::vector<SinkSlot> sinks,
                     std::optional<SinkSlot> dead_letter, JobCounters* counters,
                     std::vector<ChunkPreparer> preparers)
    : options_(std::move(options)),
      coordinator_(CoordinatorOptions(options_), std::move(sinks), std::move(dead_letter),
                   counters),
      counters_(counters),
      preparer_(std::move(preparers.front())),
      watermarks_(options_.max_out_of_orderness_micros) {
  for (size_t i = 1; i < preparers.size(); ++i) lane_preparers_.push_back(std::move(preparers[i]));
  for (StatefulOperator* op : options_.operators) coordinator_.Register(op);
  if (options_.window && !options_.window_per_partition) {
    // It joins the checkpoints with its committed state at the first assignment (OnAssigned).
    window_ = std::make_unique<window::WindowStep>(options_.window, options_.window_state_name,
                                                   options_.window_shards);
  }
}

Result<std::unique_ptr<JobRunner>> JobRunner::Make(JobRunnerOptions options,
                                                   std::vector<SinkSlot> sinks,
                                                   std::optional<SinkSlot> dead_letter,
                                                   JobCounters* counters) {
  std::optional<std::vector<int>> filter_columns;
  if (options.transforms && !options.transforms->empty()) {
    filter_columns = options.transforms->FilterColumns();
  }
  // One preparer for this thread, and one per lane when chunks are prepared on several.
  std::vector<ChunkPreparer> preparers;
  const int lanes = options.lanes > 1 ? options.lanes : 0;
  for (int i = 0; i <= lanes; ++i) {
    auto decoder =
        RecordDecoder::Make(options.source_schema, options.metadata, options.header_names,
                            filter_columns, options.event_time_column, options.changes);
    if (!decoder.ok()) return decoder.status().WithContext(fmt::format("job {}", options.job_id));
    preparers.emplace_back(std::move(decoder).value(), options.transforms,
                           options.event_time_column);
  }
  // With lanes, JSON lines are encoded on the lanes' threads too (not on this one, which
  // delivers every chunk in order); a window's sinks get its output rows, not the chunks'.
  std::vector<const json::RowEncoder*> encoders;
  for (const SinkSlot& slot : sinks) {
    if (!counters->written.contains(slot.sink->name())) {
      return InvalidArgument("job {}: no counter for sink '{}'", options.job_id, slot.sink->name());
    }
    encoders.push_back(options.window ? nullptr : slot.sink->AheadEncoder());
  }
  for (int i = 1; i <= lanes; ++i) preparers[i].EncodeAhead(encoders);
  return std::unique_ptr<JobRunner>(new JobRunner(std::move(options), std::move(sinks),
                                                  std::move(dead_letter), counters,
                                                  std::move(preparers)));
}

std::optional<int64_t> JobRunner::watermark() const {
  std::optional<int64_t> mark = watermarks_.watermark();
  if (mark) *mark /= options_.event_time_units_per_micro;
  return mark;
}

Status JobRunner::OnAssigned(const std::vector<TopicPartition>& partitions, OffsetMap* start_at) {
  assigned_since_poll_ = true;
  ever_assigned_ = true;
  if (!partitions.empty()) counters_->partitions_held = true;
  Note("assigned", partitions);
  const auto resumable = [&](const TopicPartition& partition) {
    return source_ && source_->Resumable(partition);
  };
  FLOE_RETURN_IF_ERROR(coordinator_.Assign(partitions, resumable, start_at));
  if (window_ && !window_restored_) {
    // Restored now, not when the run starts: the state must be the one committed with the
    // offsets the partitions resume from, and another process of the group may commit until
    // the group hands its partitions over.
    window_restored_ = true;
    FLOE_RETURN_IF_ERROR(coordinator_.RegisterAndRestore({window_.get()}));
  }
  if (options_.window_per_partition) FLOE_RETURN_IF_ERROR(AddPartitionWindows(partitions));
  for (const TopicPartition& partition : partitions) {
    positions_.erase(partition);
    auto found = start_at->find(partition);
    if (found != start_at->end()) positions_[partition] = found->second;
    // A partition read from its start on every run (stdin, a pipe): none of its rows are in
    // the restored state, whatever offsets it lists.
    if (window::WindowStep* step = WindowFor(partition)) {
      step->Assign(partition, NowMillis(), !resumable(partition));
    }
  }
  return Status::Ok();
}

window::WindowStep* JobRunner::WindowFor(const TopicPartition& partition) {
  if (!options_.window_per_partition) return window_.get();
  auto found = partition_windows_.find(partition);
  return found == partition_windows_.end() ? nullptr : found->second.get();
}

Status JobRunner::AddPartitionWindows(const std::vector<TopicPartition>& partitions) {
  std::vector<StatefulOperator*> added;
  for (const TopicPartition& partition : partitions) {
    if (partition_windows_.contains(partition)) continue;
    auto step = std::make_unique<window::WindowStep>(
        options_.window,
        fmt::format("{}.{}.{}", options_.window_state_name, partition.topic, partition.partition),
        options_.window_shards);
    added.push_back(step.get());
    partition_windows_.emplace(partition, std::move(step));
  }
  return coordinator_.RegisterAndRestore(added);
}

void JobRunner::DropPartitionWindows(const std::vector<TopicPartition>& partitions) {
  for (const TopicPartition& partition : partitions) {
    auto found = partition_windows_.find(partition);
    if (found == partition_windows_.end()) continue;
    coordinator_.Unregister(found->second.get());
    partition_windows_.erase(found);
  }
}

void JobRunner::Note(std::string_view what, const std::vector<TopicPartition>& partitions) const {
  if (!options_.info || partitions.empty()) return;
  // "t[0,2,5] u[1]": partitions by topic, in order.
  std::map<std::string_view, std::vector<int32_t>> by_topic;
  for (const TopicPartition& partition : partitions) {
    by_topic[partition.topic].push_back(partition.partition);
  }
  std::string list;
  for (auto& [topic, numbers] : by_topic) {
    std::sort(numbers.begin(), numbers.end());
    list += fmt::format("{}{}[{}]", list.empty() ? "" : " ", topic, fmt::join(numbers, ","));
  }
  options_.info(fmt::format("worker {}: {} {} partition{}: {}", options_.worker, what,
                            partitions.size(), partitions.size() == 1 ? "" : "s", list));
}

Status JobRunner::OnRevoked(const std::vector<TopicPartition>& partitions, bool lost) {
  Note(lost ? "lost" : "revoked", partitions);
  FaultPoint("during-rebalance");
  if (lost && !closing_) {
    // The partitions may be someone else's already, and the rows read from them are mixed
    // into the sinks with every other partition's: committing them would write rows that the
    // new owner writes again; forgetting the partitions would leave those rows in the sinks
    // for the next checkpoint all the same. So nothing held is committed: the run ends, the
    // sinks discard what they hold, and a new worker resumes from the committed offsets.
    lost_partitions_ = true;
    return IoError(
        "worker {}: the consumer group took {} partition(s) away without a revoke (this "
        "member's session ended: it did not reach the group coordinator in time); what was read "
        "since the last checkpoint is discarded",
        options_.worker, partitions.size());
  }
  if (window_ && !closing_ && !options_.stop.stop_requested() && !partitions.empty()) {
    // A window's groups mix the rows of every partition: another member taking some would
    // split them. Either the rows go through a repartition topic first (stage 1 of
    // stream/window/README.md "Across processes"), or the input is keyed by the group key.
    return NotSupported(
        "{} partition(s) of a job with a window step moved to another member of the consumer "
        "group: a window over an input not keyed by its group_by runs in one process unless "
        "its rows go through the job's repartition topic (repartition: true on the window "
        "step); if the input's Kafka key is (part of) the group_by, declare it with "
        "input_keyed_by on the window step",
        partitions.size());
  }
  // Commit what is held for them while they are still ours.
  if (!lost) {
    // Final for these partitions: every sink records their offsets, also one that wrote no rows
    // (the dead-letter table, usually), else their new owner would start at that sink's older
    // offsets and read again what this worker has read (its other sinks skip the rows; the
    // time is lost).
    FLOE_RETURN_IF_ERROR(coordinator_.Checkpoint(positions_, watermark(), /*final=*/true));
    CheckpointDone();
    // Rows held for retry would land later, after the partitions' new owner read them again.
    if (!coordinator_.last_failure().ok()) {
      return coordinator_.last_failure().WithContext(
          "committing partitions that are being revoked");
    }
  }
  for (const TopicPartition& partition : partitions) {
    positions_.erase(partition);
    watermarks_.Forget(partition);
  }
  coordinator_.Forget(partitions);
  DropPartitionWindows(partitions);
  return Status::Ok();
}

Status JobRunner::WriteTo(SinkSlot& slot, const RecordBatch& batch, Selection selection,
                          const std::string* encoded) {
  if (selection.count == 0) return Status::Ok();
  // Rows below the sink's committed offset for this partition are in its output already.
  int64_t committed = std::numeric_limits<int64_t>::min();
  TopicPartition partition{batch.position.partition, batch.position.partition_id};
  auto found = slot.committed.find(partition);
  if (found != slot.committed.end()) committed = found->second;
  Selection rows = selection;
  if (committed > std::numeric_limits<int64_t>::min() &&
      batch.offsets[selection.Row(0)] < committed) {
    slot.scratch.clear();
    for (size_t i = 0; i < selection.count; ++i) {
      const uint32_t row = static_cast<uint32_t>(selection.Row(i));
      if (batch.offsets[row] >= committed) slot.scratch.push_back(row);
    }
    rows = Selection{slot.scratch.data(), slot.scratch.size()};
  }
  if (rows.count == 0) return Status::Ok();
  auto counter = counters_->written.find(slot.sink->name());
  if (counter != counters_->written.end()) counter->second += static_cast<int64_t>(rows.count);
  slot.rows_since_commit += static_cast<int64_t>(rows.count);
  // Rows encoded ahead are those of `selection`: usable unless some were committed already.
  Status written = encoded != nullptr && rows.count == selection.count
                       ? slot.sink->WriteEncoded(*encoded)
                       : slot.sink->Write(batch, rows);
  return written.WithContext(fmt::format("sink '{}'", slot.sink->name()));
}

Status JobRunner::Process(const SourceChunk& chunk) {
  FLOE_RETURN_IF_ERROR(preparer_.Prepare(chunk, source_ ? source_->name() : "", &prepared_));
  return Deliver(chunk, prepared_);
}

Status JobRunner::Deliver(const SourceChunk& chunk, PreparedChunk& prepared) {
  counters_->tombstones += prepared.tombstones;
  counters_->records_in += prepared.records;
  counters_->bytes_in += static_cast<int64_t>(chunk.bytes);
  if (options_.telemetry != nullptr) {
    for (const DeadLetterNote& note : prepared.notes) {
      const std::string where = chunk.is_lines()
                                    ? fmt::format("{}:{}", chunk.partition.topic, note.offset)
                                    : fmt::format("{}@{}", chunk.partition.ToString(), note.offset);
      options_.telemetry->RecordDeadLetter({NowMillis(), note.type, note.message, where});
    }
  }
  if (options_.event_time_column) {
    const int64_t late = watermarks_.Observe(chunk.partition, prepared.event_times,
                                             Selection::All(prepared.event_times.size()));
    if (options_.count_late_rows) {
      *(options_.late_rows != nullptr ? options_.late_rows : &counters_->late_rows) += late;
    }
  }
  counters_->filtered_out += prepared.filtered;
  counters_->dead_lettered += prepared.dead_lettered;
  FLOE_RETURN_IF_ERROR(prepared.status);

  RecordBatch& batch = prepared.batch;
  const Selection selection = prepared.selection;
  counters_->passed += static_cast<int64_t>(selection.count);
  if (has_window()) {
    if (!prepared.dead_letters) prepared.dead_letters.emplace(batch.position);
    FLOE_RETURN_IF_ERROR(DeliverToWindow(batch, selection, chunk, &*prepared.dead_letters));
  } else {
    std::vector<SinkSlot>& sinks = coordinator_.sinks();
    for (size_t i = 0; i < sinks.size(); ++i) {
      const bool ahead = i < prepared.ready.size() && prepared.ready[i] != 0;
      FLOE_RETURN_IF_ERROR(
          WriteTo(sinks[i], batch, selection, ahead ? &prepared.encoded[i] : nullptr));
    }
  }

  if (prepared.dead_letters && prepared.dead_letters->size() > 0) {
    RecordBatch letters = prepared.dead_letters->Take();
    SinkSlot* dead_letter = coordinator_.dead_letter();
    if (dead_letter == nullptr) {
      return InvalidArgument(
          "{}: {} bad record(s) (first at offset {}) and the job has no "
          "dead_letter sink",
          chunk.partition.ToString(), letters.num_rows(), letters.offsets.front());
    }
    FLOE_RETURN_IF_ERROR(WriteTo(*dead_letter, letters, Selection::All(letters.num_rows())));
  }
  if (source_ && source_->Resumable(chunk.partition)) {
    positions_[chunk.partition] = chunk.next_offset;
  }
  return Status::Ok();
}

Status JobRunner::Handle(SourceChunk& chunk, ChunkLanes* lanes) {
  if (lanes != nullptr && chunk.keep_alive != nullptr) {
    lanes->Submit();  // delivered in order by DeliverOldest
    return Status::Ok();
  }
  // Stdin or a pipe: its chunk is valid until the next read, so it is processed here, after
  // every chunk read before it.
  if (lanes != nullptr && !said_unsplit_ && options_.info) {
    said_unsplit_ = true;
    options_.info(
        fmt::format("worker {}: {} cannot be split (not a regular file): read on one "
                    "thread",
                    options_.worker, chunk.partition.topic));
  }
  while (lanes != nullptr && lanes->pending() > 0) FLOE_RETURN_IF_ERROR(DeliverOldest(*lanes));
  const Clock::time_point begin = Clock::now();
  Status processed = Process(chunk);
  MarkRecords(begin, Clock::now());
  return processed;
}

Status JobRunner::DeliverOldest(ChunkLanes& lanes) {
  const Clock::time_point begin = Clock::now();
  ChunkLanes::Done done = lanes.Oldest();
  Status delivered = done.status.ok() ? Deliver(done.chunk, done.prepared) : done.status;
  lanes.Release();
  MarkRecords(begin, Clock::now());
  return delivered;
}

Status JobRunner::DeliverToWindow(const RecordBatch& batch, Selection selection,
                                  const SourceChunk& chunk, DeadLetterBuilder* dead_letters) {
  dropped_.clear();
  window::WindowStep* step = WindowFor(chunk.partition);
  if (step == nullptr) {
    return Internal("{}: rows of a partition this worker holds no window state for",
                    chunk.partition.ToString());
  }
  step->Accumulate(batch, selection, NowMillis(), &dropped_);
  for (const window::DroppedRow& row : dropped_) {
    const int64_t offset = batch.offsets[row.row];
    const bool late = row.reason == window::DropReason::kLate;
    dead_letters->Add(late ? DeadLetterType::kLateRecord : DeadLetterType::kValidation,
                      late ? "every window of the record had fired (its event time is behind the "
                             "watermark by more than allowed_lateness)"
                           : "the event time is null: the record belongs to no window",
                      RawRecord(chunk, offset), DeadLetterSourceOf(chunk, offset));
  }
  counters_->dead_lettered += static_cast<int64_t>(dropped_.size());
  return FireWindows(false);
}

Status JobRunner::FireWindows(bool all) {
  const auto fire = [&](window::WindowStep& step) -> Status {
    RecordBatch out = step.op().NewOutput();
    const size_t emitted = all ? step.FireAll(&out) : step.Fire(NowMillis(), &out);
    if (emitted == 0) return Status::Ok();
    for (SinkSlot& slot : coordinator_.sinks()) {
      FLOE_RETURN_IF_ERROR(WriteTo(slot, out, Selection::All(out.num_rows())));
    }
    return Status::Ok();
  };
  if (window_) return fire(*window_);
  for (auto& [partition, step] : partition_windows_) FLOE_RETURN_IF_ERROR(fire(*step));
  return Status::Ok();
}

Status JobRunner::Checkpoint(bool final) {
  FLOE_RETURN_IF_ERROR(final ? coordinator_.FinalCheckpoint(positions_, watermark())
                             : coordinator_.Checkpoint(positions_, watermark(), false));
  CheckpointDone();
  return Status::Ok();
}

void JobRunner::CheckpointDone() {
  // Best effort (lag monitoring): only what every sink committed.
  if (coordinator_.last_failure().ok() && source_ && !positions_.empty()) {
    (void)source_->Committed(positions_);
  }
}

Status JobRunner::CloseAll() {
  Status closed = source_ ? source_->Close() : Status::Ok();
  Status sinks = coordinator_.CloseSinks();
  return closed.ok() ? sinks : closed;
}

void JobRunner::MarkRecords(Clock::time_point begin, Clock::time_point end) {
  int64_t unset = 0;
  counters_->first_record_micros.compare_exchange_strong(unset, SteadyMicros(begin));
  const int64_t done = SteadyMicros(end);
  int64_t previous = counters_->last_record_micros.load();
  while (previous < done && !counters_->last_record_micros.compare_exchange_weak(previous, done)) {
  }
}

bool JobRunner::Idle(Clock::time_point now, Clock::time_point last_record, Status* status) {
  if (!options_.stop_when_idle) return false;
  const std::chrono::milliseconds quiet = *options_.stop_when_idle;
  // Idle means the whole job is: while another worker still gets records, this one stays
  // (its partitions may be slow to deliver, or move to it when that one's go).
  const Clock::time_point any_worker(std::chrono::microseconds(counters_->last_record_micros));
  if (now - last_record < quiet || now - any_worker < quiet) return false;
  if (source_->Holds()) return source_->CaughtUp();
  if (counters_->partitions_held) return true;  // a spare worker: others hold the partitions
  // Nothing held yet: joining a group takes seconds, and a dead member of the group holds its
  // partitions until its session times out; past the grace, fail saying so.
  *status = source_->CheckHeldWithin(quiet + kJoinGrace);
  return false;
}

void JobRunner::ReportProgress() {
  if (options_.telemetry == nullptr) return;
  std::vector<PartitionProgress> partitions;
  for (const auto& [partition, next] : positions_) {
    partitions.push_back({partition, options_.worker, next, source_->EndOffset(partition)});
  }
  options_.telemetry->UpdateWorker(options_.worker, std::move(partitions), watermark());
}

Status JobRunner::Run() {
  if (!source_) return InvalidArgument("job {}: no source", options_.job_id);
  Status status = coordinator_.Start();
  std::optional<ChunkLanes> lanes;
  if (!lane_preparers_.empty()) lanes.emplace(std::move(lane_preparers_), source_->name());
  const Clock::time_point started = Clock::now();
  Clock::time_point last_record = started;
  Clock::time_point last_report = started;
  SourceChunk own_chunk;
  bool source_ended = false;
  while (status.ok() && !options_.stop.stop_requested()) {
    SourceChunk* chunk = lanes ? lanes->Free() : &own_chunk;
    if (chunk == nullptr) {  // every lane's slots are full: the oldest goes on first
      status = DeliverOldest(*lanes);
      last_record = Clock::now();
      continue;
    }
    auto more = source_->Next(options_.poll_timeout, chunk);
    if (!more.ok()) {
      status = more.status().WithContext(fmt::format("source '{}'", source_->name()));
      break;
    }
    if (!*more) {
      source_ended = true;
      break;
    }
    const Clock::time_point now = Clock::now();
    if (assigned_since_poll_) {
      // Joining a group takes seconds: idleness counts from when there is something to read.
      assigned_since_poll_ = false;
      last_record = now;
    }
    counters_->skipped += chunk->skipped;
    if (!chunk->empty()) {
      status = Handle(*chunk, lanes ? &*lanes : nullptr);
      if (!status.ok()) break;
      last_record = Clock::now();
    } else if (Idle(now, last_record, &status) || !status.ok()) {
      break;
    } else if (has_window()) {
      // Idle partitions stop holding the watermark back as time passes, without new rows.
      status = FireWindows(false);
    }
    if (now - last_report >= kProgressReportInterval) {
      last_report = now;
      ReportProgress();
    }
    auto ran = coordinator_.MaybeCheckpoint(now, positions_, watermark());
    if (!ran.ok()) {
      status = ran.status();
    } else if (*ran) {
      CheckpointDone();
    }
  }
  // What was read is delivered, also when stopping: it is in memory already.
  while (status.ok() && lanes && lanes->pending() > 0) status = DeliverOldest(*lanes);
  lanes.reset();
  closing_ = true;
  // The end of a bounded input closes every window; an unbounded one keeps them in its state
  // for the next run, unless asked to drain.
  if (status.ok() && has_window() && (source_ended || options_.drain)) {
    status = FireWindows(true);
  }
  if (status.ok()) status = Checkpoint(true);
  ReportProgress();
  Status closed = CloseAll();
  FLOE_RETURN_IF_ERROR(status);
  return closed;
}

}  // namespace floe::stream
