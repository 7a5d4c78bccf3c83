#include "http/job_json.h"

#include "common/clock.h"
#include "common/process_stats.h"
#include "stream/job_counters.h"

namespace floe::http {

using nlohmann::json;

namespace {

json NodeJson(const stream::JobNode& node) {
  return {{"name", node.name}, {"kind", node.kind}, {"detail", node.detail}};
}

json ConfigJson(const stream::JobDescription& d) {
  json transforms = json::array();
  for (const stream::JobNode& node : d.transforms) transforms.push_back(NodeJson(node));
  json sinks = json::array();
  for (const stream::JobNode& node : d.sinks) sinks.push_back(NodeJson(node));
  json config = {{"source", NodeJson(d.source)},
                 {"transforms", std::move(transforms)},
                 {"sinks", std::move(sinks)},
                 {"workers", d.workers},
                 {"threads", d.threads},
                 {"parallelism_note", d.parallelism_note},
                 {"checkpoint_interval_ms", d.checkpoint_interval_ms},
                 {"tolerable_checkpoint_failures", d.tolerable_checkpoint_failures},
                 {"event_time_column", nullptr}};
  if (d.event_time_column) config["event_time_column"] = *d.event_time_column;
  return config;
}

json CountersJson(const stream::CounterTotals& c) {
  json written = json::object();
  for (const auto& [sink, rows] : c.written) written[sink] = rows;
  return {{"records_in", c.records_in}, {"filtered", c.filtered_out},
          {"passed", c.passed},         {"dead_lettered", c.dead_lettered},
          {"late", c.late_rows},        {"bytes_in", c.bytes_in},
          {"skipped", c.skipped},       {"written", std::move(written)}};
}

json CommitJson(const stream::SinkCommitRecord& commit) {
  json out = {{"sink", commit.sink},
              {"checkpoint_id", commit.checkpoint_id},
              {"committed_ms", commit.committed_ms},
              {"snapshot_id", nullptr},
              {"rows", commit.rows},
              {"files", commit.files},
              {"bytes", commit.bytes},
              {"attempts", commit.attempts}};
  if (commit.snapshot_id) out["snapshot_id"] = std::to_string(*commit.snapshot_id);
  return out;
}

json DeadLettersJson(const stream::TelemetrySnapshot& s) {
  json by_type = json::object();
  for (size_t i = 0; i < s.dead_letters_by_type.size(); ++i) {
    by_type[std::string(stream::DeadLetterTypeName(static_cast<stream::DeadLetterType>(i)))] =
        s.dead_letters_by_type[i];
  }
  json latest = json::array();
  for (const stream::DeadLetterRecord& r : s.dead_letters) {
    latest.push_back({{"at_ms", r.at_ms},
                      {"error_type", stream::DeadLetterTypeName(r.type)},
                      {"message", r.message},
                      {"source", r.source}});
  }
  return {{"by_type", std::move(by_type)}, {"latest", std::move(latest)}};
}

json CheckpointsJson(const stream::TelemetrySnapshot& s) {
  json history = json::array();
  for (const stream::CheckpointRecord& c : s.checkpoints) {
    history.push_back({{"id", c.checkpoint_id},
                       {"worker", c.worker},
                       {"started_ms", c.started_ms},
                       {"duration_seconds", c.duration_seconds},
                       {"ok", c.ok},
                       {"error", c.error},
                       {"rows", c.rows},
                       {"files", c.files},
                       {"bytes", c.bytes}});
  }
  json out = {{"ok", s.checkpoints_ok},
              {"failed", s.checkpoints_failed},
              {"failures_in_a_row", s.failures_in_a_row},
              {"last_success_ms", nullptr},
              {"commit_retries", s.commit_retries},
              {"unknown_outcomes", s.unknown_outcomes},
              {"history", std::move(history)}};
  if (s.last_success_ms) out["last_success_ms"] = *s.last_success_ms;
  return out;
}

json SinksJson(const stream::JobDescription& d, const stream::TelemetrySnapshot& s) {
  json sinks = json::array();
  for (const stream::JobNode& node : d.sinks) {
    json sink = NodeJson(node);
    auto totals = s.sink_totals.find(node.name);
    const stream::SinkTotals none;
    const stream::SinkTotals& t = totals == s.sink_totals.end() ? none : totals->second;
    sink["commits"] = t.commits;
    sink["rows_committed"] = t.rows;
    sink["files_committed"] = t.files;
    sink["bytes_committed"] = t.bytes;
    auto last = s.last_commits.find(node.name);
    sink["last_commit"] = last == s.last_commits.end() ? json(nullptr) : CommitJson(last->second);
    sinks.push_back(std::move(sink));
  }
  return sinks;
}

json PartitionsJson(const stream::TelemetrySnapshot& s) {
  json partitions = json::array();
  for (const stream::PartitionProgress& p : s.partitions) {
    json partition = {{"topic", p.partition.topic}, {"partition", p.partition.partition},
                      {"worker", p.worker},         {"next_offset", p.next_offset},
                      {"end_offset", nullptr},      {"lag", nullptr}};
    if (p.end_offset) partition["end_offset"] = *p.end_offset;
    if (auto lag = p.lag()) partition["lag"] = *lag;
    partitions.push_back(std::move(partition));
  }
  return partitions;
}

}  // namespace

json JobStatusJson(const stream::JobTelemetry& telemetry) {
  const stream::TelemetrySnapshot s = telemetry.Snapshot();
  const stream::HealthReport health = telemetry.Health();
  const int64_t now_ms = NowMillis();
  json commits = json::array();
  for (const stream::SinkCommitRecord& commit : s.commits) commits.push_back(CommitJson(commit));
  json watermark = {{"micros", nullptr}, {"lag_seconds", nullptr}};
  if (s.watermark_micros) {
    watermark["micros"] = *s.watermark_micros;
    watermark["lag_seconds"] = static_cast<double>(now_ms * 1000 - *s.watermark_micros) / 1e6;
  }
  json process = json::object();
  if (auto stats = ReadProcessStats()) {
    process = {{"rss_bytes", stats->resident_bytes},
               {"cpu_seconds", stats->cpu_seconds},
               {"threads", stats->threads},
               {"open_fds", stats->open_fds}};
  }
  return {{"job", telemetry.description().name},
          {"status", stream::JobStateName(s.state)},
          {"failure", s.failure},
          {"health", {{"healthy", health.healthy}, {"reason", health.reason}}},
          {"started_ms", s.started_ms},
          {"now_ms", now_ms},
          {"config", ConfigJson(telemetry.description())},
          {"counters", CountersJson(telemetry.Counters())},
          {"dead_letters", DeadLettersJson(s)},
          {"partitions", PartitionsJson(s)},
          {"watermark", std::move(watermark)},
          {"checkpoints", CheckpointsJson(s)},
          {"sinks", SinksJson(telemetry.description(), s)},
          {"commits", std::move(commits)},
          {"process", std::move(process)},
          {"open_windows", telemetry.open_windows.load()},
          {"state_bytes", telemetry.state_bytes.load()}};
}

}  // namespace floe::http
