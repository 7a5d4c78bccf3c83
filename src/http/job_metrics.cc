#include "http/job_metrics.h"

#include <chrono>

#include "common/clock.h"
#include "common/process_stats.h"
#include "stream/job_counters.h"

namespace floe::http {

namespace {

constexpr double kMillisPerSecond = 1000;
constexpr double kMicrosPerSecond = 1e6;

/// The job's families, registered once; the collector binds their values at each scrape.
struct JobFamilies {
  MetricFamily* records_in = nullptr;
  MetricFamily* records_filtered = nullptr;
  MetricFamily* records_passed = nullptr;
  MetricFamily* records_late = nullptr;
  MetricFamily* records_skipped = nullptr;
  MetricFamily* bytes_in = nullptr;
  MetricFamily* dead_letters = nullptr;
  MetricFamily* sink_rows_written = nullptr;
  MetricFamily* sink_rows_committed = nullptr;
  MetricFamily* sink_files_committed = nullptr;
  MetricFamily* sink_bytes_committed = nullptr;
  MetricFamily* sink_last_commit = nullptr;
  MetricFamily* checkpoints = nullptr;
  MetricFamily* checkpoint_duration = nullptr;
  MetricFamily* checkpoint_last_success = nullptr;
  MetricFamily* checkpoint_failures_in_a_row = nullptr;
  MetricFamily* commit_retries = nullptr;
  MetricFamily* commit_conflicts = nullptr;
  MetricFamily* unknown_outcomes = nullptr;
  MetricFamily* watermark = nullptr;
  MetricFamily* watermark_lag = nullptr;
  MetricFamily* consumer_lag = nullptr;
  MetricFamily* next_offset = nullptr;
  MetricFamily* open_windows = nullptr;
  MetricFamily* state_bytes = nullptr;
  MetricFamily* healthy = nullptr;
  MetricFamily* start_time = nullptr;
};

Status RegisterFamilies(MetricsRegistry* registry, JobFamilies* f) {
  const auto add = [&](MetricFamily** out, const char* name, const char* help, MetricType type,
                       std::vector<std::string> labels, std::vector<double> bounds = {}) -> Status {
    FLOE_ASSIGN_OR_RAISE(*out,
                         registry->Family(name, help, type, std::move(labels), std::move(bounds)));
    return Status::Ok();
  };
  constexpr MetricType kCounter = MetricType::kCounter;
  constexpr MetricType kGauge = MetricType::kGauge;
  FLOE_RETURN_IF_ERROR(add(&f->records_in, "floe_records_in_total",
                           "Records read past the recovery point.", kCounter, {"job"}));
  FLOE_RETURN_IF_ERROR(add(&f->records_filtered, "floe_records_filtered_total",
                           "Records a filter dropped.", kCounter, {"job"}));
  FLOE_RETURN_IF_ERROR(add(&f->records_passed, "floe_records_passed_total",
                           "Records that reached the sinks.", kCounter, {"job"}));
  FLOE_RETURN_IF_ERROR(add(&f->records_late, "floe_records_late_total",
                           "Records behind their partition's event-time watermark.", kCounter,
                           {"job"}));
  FLOE_RETURN_IF_ERROR(add(&f->records_skipped, "floe_records_skipped_total",
                           "Records below every sink's committed offset (done before).", kCounter,
                           {"job"}));
  FLOE_RETURN_IF_ERROR(add(&f->bytes_in, "floe_bytes_in_total",
                           "Bytes of input read past the recovery point.", kCounter, {"job"}));
  FLOE_RETURN_IF_ERROR(add(&f->dead_letters, "floe_dead_letters_total",
                           "Records sent to the dead-letter sink, by error type.", kCounter,
                           {"job", "error_type"}));
  FLOE_RETURN_IF_ERROR(add(&f->sink_rows_written, "floe_sink_rows_written_total",
                           "Rows handed to a sink (committed at the next checkpoint).", kCounter,
                           {"job", "sink"}));
  FLOE_RETURN_IF_ERROR(add(&f->sink_rows_committed, "floe_sink_rows_committed_total",
                           "Rows a sink committed.", kCounter, {"job", "sink"}));
  FLOE_RETURN_IF_ERROR(add(&f->sink_files_committed, "floe_sink_files_committed_total",
                           "Data files a table sink committed.", kCounter, {"job", "sink"}));
  FLOE_RETURN_IF_ERROR(add(&f->sink_bytes_committed, "floe_sink_bytes_committed_total",
                           "Bytes of data files a table sink committed.", kCounter,
                           {"job", "sink"}));
  FLOE_RETURN_IF_ERROR(add(&f->sink_last_commit, "floe_sink_last_commit_timestamp_seconds",
                           "When a sink last committed.", kGauge, {"job", "sink"}));
  FLOE_RETURN_IF_ERROR(add(&f->checkpoints, "floe_checkpoints_total",
                           "Checkpoints by outcome (ok, failed).", kCounter, {"job", "outcome"}));
  FLOE_RETURN_IF_ERROR(add(&f->checkpoint_duration, "floe_checkpoint_duration_seconds",
                           "How long checkpoints took (ok and failed).", MetricType::kHistogram,
                           {"job"}, stream::JobTelemetry::DurationBounds()));
  FLOE_RETURN_IF_ERROR(add(&f->checkpoint_last_success,
                           "floe_checkpoint_last_success_timestamp_seconds",
                           "When the last checkpoint that succeeded ended.", kGauge, {"job"}));
  FLOE_RETURN_IF_ERROR(add(&f->checkpoint_failures_in_a_row, "floe_checkpoint_failures_in_a_row",
                           "Checkpoints that failed since the last that succeeded.", kGauge,
                           {"job"}));
  FLOE_RETURN_IF_ERROR(add(&f->commit_retries, "floe_commit_retries_total",
                           "Commit attempts beyond the first (lost races, unknown outcomes).",
                           kCounter, {"job"}));
  FLOE_RETURN_IF_ERROR(
      add(&f->commit_conflicts, "floe_commit_conflicts_total",
          "Commit attempts the catalog refused as conflicts (the table had moved).", kCounter,
          {"job"}));
  FLOE_RETURN_IF_ERROR(add(&f->unknown_outcomes, "floe_commit_unknown_outcomes_total",
                           "Commits whose outcome was unknown when the checkpoint ended.", kCounter,
                           {"job"}));
  FLOE_RETURN_IF_ERROR(add(&f->watermark, "floe_watermark_timestamp_seconds",
                           "The job's event-time watermark (the smallest of its workers').", kGauge,
                           {"job"}));
  FLOE_RETURN_IF_ERROR(add(&f->watermark_lag, "floe_watermark_lag_seconds",
                           "Wall-clock time minus the watermark.", kGauge, {"job"}));
  FLOE_RETURN_IF_ERROR(add(&f->consumer_lag, "floe_kafka_consumer_lag",
                           "Messages between the next offset to read and the partition's end.",
                           kGauge, {"job", "topic", "partition"}));
  FLOE_RETURN_IF_ERROR(add(&f->next_offset, "floe_source_next_offset",
                           "The next offset to read per source partition.", kGauge,
                           {"job", "topic", "partition"}));
  FLOE_RETURN_IF_ERROR(add(&f->open_windows, "floe_open_windows",
                           "Windows open in stateful operators.", kGauge, {"job"}));
  FLOE_RETURN_IF_ERROR(add(&f->state_bytes, "floe_state_bytes",
                           "Bytes of operator state held in memory.", kGauge, {"job"}));
  FLOE_RETURN_IF_ERROR(
      add(&f->healthy, "floe_job_healthy", "1 when /health answers 200, else 0.", kGauge, {"job"}));
  FLOE_RETURN_IF_ERROR(
      add(&f->start_time, "floe_job_start_time_seconds", "When the job started.", kGauge, {"job"}));
  return Status::Ok();
}

void Set(MetricFamily* family, const std::vector<std::string>& labels, double value) {
  family->Bind(labels, [value] { return value; });
}

double AsDouble(const std::atomic<int64_t>& value) { return static_cast<double>(value.load()); }

void CollectCounters(const stream::JobTelemetry& telemetry, const JobFamilies& f) {
  const std::string& job = telemetry.description().name;
  const stream::CounterTotals c = telemetry.Counters();
  const auto count = [](int64_t value) { return static_cast<double>(value); };
  Set(f.records_in, {job}, count(c.records_in));
  Set(f.records_filtered, {job}, count(c.filtered_out));
  Set(f.records_passed, {job}, count(c.passed));
  Set(f.records_late, {job}, count(c.late_rows));
  Set(f.records_skipped, {job}, count(c.skipped));
  Set(f.bytes_in, {job}, count(c.bytes_in));
  for (const auto& [sink, written] : c.written)
    Set(f.sink_rows_written, {job, sink}, count(written));
  for (stream::DeadLetterType type :
       {stream::DeadLetterType::kDeserialization, stream::DeadLetterType::kValidation,
        stream::DeadLetterType::kTransformation, stream::DeadLetterType::kSchema}) {
    Set(f.dead_letters, {job, std::string(stream::DeadLetterTypeName(type))},
        static_cast<double>(telemetry.DeadLetters(type)));
  }
  Set(f.open_windows, {job}, AsDouble(telemetry.open_windows));
  Set(f.state_bytes, {job}, AsDouble(telemetry.state_bytes));
}

void CollectTelemetry(const stream::JobTelemetry& telemetry, const JobFamilies& f) {
  const std::string& job = telemetry.description().name;
  const stream::TelemetrySnapshot s = telemetry.Snapshot();
  for (const auto& [sink, totals] : s.sink_totals) {
    Set(f.sink_rows_committed, {job, sink}, static_cast<double>(totals.rows));
    Set(f.sink_files_committed, {job, sink}, static_cast<double>(totals.files));
    Set(f.sink_bytes_committed, {job, sink}, static_cast<double>(totals.bytes));
  }
  for (const auto& [sink, commit] : s.last_commits) {
    Set(f.sink_last_commit, {job, sink},
        static_cast<double>(commit.committed_ms) / kMillisPerSecond);
  }
  Set(f.checkpoints, {job, "ok"}, static_cast<double>(s.checkpoints_ok));
  Set(f.checkpoints, {job, "failed"}, static_cast<double>(s.checkpoints_failed));
  if (s.last_success_ms) {
    Set(f.checkpoint_last_success, {job},
        static_cast<double>(*s.last_success_ms) / kMillisPerSecond);
  }
  Set(f.checkpoint_failures_in_a_row, {job}, s.failures_in_a_row);
  Set(f.commit_retries, {job}, static_cast<double>(s.commit_retries));
  Set(f.commit_conflicts, {job}, static_cast<double>(s.commit_conflicts));
  Set(f.unknown_outcomes, {job}, static_cast<double>(s.unknown_outcomes));
  if (s.watermark_micros) {
    const double watermark = static_cast<double>(*s.watermark_micros) / kMicrosPerSecond;
    Set(f.watermark, {job}, watermark);
    Set(f.watermark_lag, {job}, static_cast<double>(NowMicros()) / kMicrosPerSecond - watermark);
  }
  // Partitions come and go with rebalances: only the current ones are shown.
  for (MetricFamily* family : {f.consumer_lag, f.next_offset}) {
    for (const MetricSample& sample : family->Read().samples) family->Remove(sample.label_values);
  }
  for (const stream::PartitionProgress& p : s.partitions) {
    const std::vector<std::string> labels{job, p.partition.topic,
                                          std::to_string(p.partition.partition)};
    Set(f.next_offset, labels, static_cast<double>(p.next_offset));
    if (auto lag = p.lag()) Set(f.consumer_lag, labels, static_cast<double>(*lag));
  }
  Set(f.healthy, {job}, telemetry.Health().healthy ? 1 : 0);
  Set(f.start_time, {job}, static_cast<double>(s.started_ms) / kMillisPerSecond);
}

}  // namespace

Status RegisterJobMetrics(const stream::JobTelemetry& telemetry, MetricsRegistry* registry) {
  JobFamilies families;
  FLOE_RETURN_IF_ERROR(RegisterFamilies(registry, &families));
  FLOE_RETURN_IF_ERROR(RegisterProcessMetrics(registry));
  families.checkpoint_duration->BindHistogram(
      {telemetry.description().name}, [&telemetry] { return telemetry.CheckpointDurations(); });
  registry->AddCollector([&telemetry, families] {
    CollectCounters(telemetry, families);
    CollectTelemetry(telemetry, families);
  });
  return Status::Ok();
}

}  // namespace floe::http
