#include "pipeline/job.h"

#include <fmt/format.h>

#include <condition_variable>
#include <thread>

#include "common/clock.h"

namespace floe::pipeline {

Job::Job(JobPlan plan, const RunOptions& options, std::ostream& out, Logger& logger,
         std::stop_token stop)
    : builder_(std::move(plan), options.instance),
      options_(options),
      out_(out),
      logger_(logger),
      forward_stop_(std::move(stop), [this] { cancel_.request_stop(); }),
      telemetry_(std::make_unique<stream::JobTelemetry>(
          builder_.Describe(), &counters_, 1,
          builder_.plan().repartition ? &repartition_counters_ : nullptr)) {
  // The counters' sinks are fixed before anyone reads them (the HTTP server starts next).
  builder_.InitCounters(&counters_);
  if (builder_.plan().repartition) {
    repartition_counters_.written[kRepartitionSinkName] = 0;
    repartition_counters_.written[kDeadLetterSinkName] = 0;
  }
}

void Job::Say(LogLevel level, const std::string& message) { logger_.Log(level, message); }

Status Job::Open() {
  Status status = OpenWorkers();
  if (!status.ok()) telemetry_->SetState(stream::JobState::kFailed, status.message());
  return status;
}

Status Job::OpenWorkers() {
  const JobPlan& plan = builder_.plan();
  const bool file = plan.source->type == SourceType::kFile;
  Say(LogLevel::kInfo,
      fmt::format("job {}: {} {}{}", plan.config->name, file ? plan.lanes : plan.workers,
                  file ? "thread(s) decoding and filtering the input's line ranges, delivered "
                         "in order"
                       : "worker(s), each a consumer of the group with its own sinks",
                  plan.parallelism_note.empty() ? "" : "; " + plan.parallelism_note));
  runtime_.warn = [this](const std::string& message) { Say(LogLevel::kWarn, message); };
  runtime_.info = [this](const std::string& message) { Say(LogLevel::kInfo, message); };
  runtime_.stop_when_idle = options_.stop_when_idle;
  runtime_.drain = options_.drain;
  runtime_.stop = cancel_.get_token();
  runtime_.telemetry = telemetry_.get();
  for (int i = 0; i < builder_.plan().workers; ++i) {
    FLOE_ASSIGN_OR_RAISE(std::unique_ptr<stream::JobRunner> worker,
                         builder_.BuildWorker(i, runtime_, &counters_));
    workers_.push_back(std::move(worker));
  }
  DeleteOrphans();
  if (plan.repartition) {
    // Stage 1 of each worker: input → transforms → the repartition topic the workers above read.
    for (int i = 0; i < plan.workers; ++i) {
      FLOE_ASSIGN_OR_RAISE(std::unique_ptr<stream::JobRunner> writer, BuildRepartitionWriter(i));
      workers_.push_back(std::move(writer));
    }
  }
  return Status::Ok();
}

void Job::DeleteOrphans() {
  // A live process of this job commits or deletes its files within this long: each checkpoint
  // ends within interval + timeout, and a file waits through at most tolerable_failures + 1 of
  // them. Older unreferenced files of the job are from attempts that died.
  const CheckpointConfig& checkpoint = builder_.plan().config->checkpoint;
  const auto oldest_live = (checkpoint.interval + checkpoint.min_pause + checkpoint.timeout) *
                           (checkpoint.tolerable_failures + 1);
  const int64_t before_ms = NowMillis() - oldest_live.count();
  const stream::JobRunner& first = *workers_.front();
  std::vector<const stream::SinkSlot*> slots;
  for (const stream::SinkSlot& slot : first.sinks()) slots.push_back(&slot);
  if (first.dead_letter() != nullptr) slots.push_back(first.dead_letter());
  for (const stream::SinkSlot* slot : slots) {
    if (slot->table == nullptr) continue;
    auto cleanup = slot->table->DeleteOrphanFiles(before_ms);
    if (!cleanup.ok()) {
      // Orphans only take space: say so and go on.
      Say(LogLevel::kWarn, fmt::format("sink '{}': could not delete orphan files: {}",
                                       slot->sink->name(), cleanup.status().message()));
    } else if (cleanup->deleted > 0) {
      Say(LogLevel::kInfo,
          fmt::format("sink '{}': deleted {} files of attempts that never committed from {}",
                      slot->sink->name(), cleanup->deleted, slot->where));
    }
  }
}

RunCounters Job::Counters() const {
  const stream::CounterTotals totals = telemetry_->Counters();
  RunCounters counters;
  counters.records_in = totals.records_in;
  counters.filtered_out = totals.filtered_out;
  counters.passed = totals.passed;
  counters.dead_lettered = totals.dead_lettered;
  counters.late_rows = totals.late_rows;
  counters.bytes_in = totals.bytes_in;
  counters.checkpoints = totals.checkpoints;
  counters.commit_seconds = static_cast<double>(totals.commit_micros) / 1e6;
  if (totals.first_record_micros > 0) {
    counters.active_seconds =
        static_cast<double>(totals.last_record_micros - totals.first_record_micros) / 1e6;
  }
  counters.skipped_lines = totals.skipped;
  counters.written = totals.written;
  return counters;
}

void Job::Progress(bool final) {
  const RunCounters c = Counters();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  const double rate = seconds > 0 ? static_cast<double>(c.records_in) / seconds : 0;
  const double mb_rate = seconds > 0 ? static_cast<double>(c.bytes_in) / 1e6 / seconds : 0;
  Say(LogLevel::kInfo,
      fmt::format(
          "{} {}: in={} passed={} filtered={} dead_lettered={} late={} bytes={} checkpoints={} "
          "({:.1f} s, {:.0f} records/s, {:.1f} MB/s)",
          final ? "done" : "running", builder_.plan().config->name, c.records_in, c.passed,
          c.filtered_out, c.dead_lettered, c.late_rows, c.bytes_in, c.checkpoints, seconds, rate,
          mb_rate));
}

Status Job::Run() {
  telemetry_->SetState(stream::JobState::kRunning);
  Status status = RunWorkers();
  telemetry_->SetState(status.ok() ? stream::JobState::kFinished : stream::JobState::kFailed,
                       status.ok() ? "" : status.message());
  return status;
}

Status Job::RunWorkers() {
  std::mutex mutex;
  std::condition_variable done_signal;
  bool done = false;
  std::thread reporter([&] {
    std::unique_lock lock(mutex);
    while (!done_signal.wait_for(lock, options_.progress_interval, [&] { return done; })) {
      Progress(false);
    }
  });
  std::vector<Status> results(workers_.size());
  const auto run = [&](size_t i) {
    results[i] = RunWorker(i);
    if (!results[i].ok()) cancel_.request_stop();  // one worker failed: the others stop too
  };
  std::vector<std::thread> threads;
  for (size_t i = 1; i < workers_.size(); ++i) threads.emplace_back(run, i);
  run(0);
  for (std::thread& thread : threads) thread.join();
  {
    std::lock_guard lock(mutex);
    done = true;
  }
  done_signal.notify_all();
  reporter.join();
  for (const Status& status : results) FLOE_RETURN_IF_ERROR(status);
  Progress(true);
  Summary();
  return Status::Ok();
}

Status Job::RunWorker(size_t i) {
  for (;;) {
    Status status = workers_[i]->Run();
    if (status.ok() || !workers_[i]->lost_partitions() || cancel_.get_token().stop_requested()) {
      return status;
    }
    Say(LogLevel::kWarn, fmt::format("{}; worker {} rejoins the group", status.message(), i));
    std::lock_guard lock(build_mutex_);
    workers_[i].reset();  // its consumer leaves first; its sinks discarded what they held
    // The first plan.workers are the job's workers, the others their repartition writers.
    const int workers = builder_.plan().workers;
    const int index = static_cast<int>(i);
    FLOE_ASSIGN_OR_RAISE(workers_[i], index < workers
                                          ? builder_.BuildWorker(index, runtime_, &counters_)
                                          : BuildRepartitionWriter(index - workers));
  }
}

Result<std::unique_ptr<stream::JobRunner>> Job::BuildRepartitionWriter(int i) {
  stream::JobRunnerOptions runtime = runtime_;
  // It reads the source partitions in order: lateness is judged there, not by stage 2.
  runtime.late_rows = &counters_.late_rows;
  return builder_.BuildRepartitionWriter(i, std::move(runtime), &repartition_counters_);
}

void Job::Summary() {
  const RunCounters c = Counters();
  out_ << fmt::format(
      "summary: in={} written={} filtered={} dead_lettered={} late={} bytes={} checkpoints={} "
      "commit_seconds={:.3f} active_seconds={:.3f} skipped_lines={}\n",
      c.records_in, c.passed, c.filtered_out, c.dead_lettered, c.late_rows, c.bytes_in,
      c.checkpoints, c.commit_seconds, c.active_seconds, c.skipped_lines);
  const stream::JobRunner& first = *workers_.front();
  const auto describe = [&](const stream::SinkSlot& slot) {
    std::string location;
    if (slot.table != nullptr) {
      location = fmt::format(" (metadata {})", slot.table->metadata_location());
    }
    out_ << fmt::format("sink {}: wrote {} rows to {}{}\n", slot.sink->name(),
                        c.written.at(slot.sink->name()), slot.where, location);
  };
  for (const stream::SinkSlot& slot : first.sinks()) describe(slot);
  if (first.dead_letter() != nullptr) describe(*first.dead_letter());
  if (builder_.plan().repartition) {
    out_ << fmt::format("repartition: wrote {} rows to topic {}\n",
                        c.written.at(kRepartitionSinkName), builder_.plan().repartition_topic);
  }
  if (auto watermark = first.watermark()) {
    out_ << fmt::format("watermark: {} (micros since the epoch)\n", *watermark);
  }
}

Result<RunCounters> RunJob(const JobConfig& config, std::ostream& out, std::ostream& err,
                           const RunOptions& options, std::stop_token stop) {
  FLOE_ASSIGN_OR_RAISE(JobPlan plan, PlanJob(config));
  Logger logger(err);
  Job job(std::move(plan), options, out, logger, std::move(stop));
  FLOE_RETURN_IF_ERROR(job.Open());
  FLOE_RETURN_IF_ERROR(job.Run());
  return job.Counters();
}

}  // namespace floe::pipeline
