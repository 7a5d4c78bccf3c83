#pragma once

// A running job: its workers (one thread each; Kafka workers of one group share the
// partitions, each with its own sinks), the progress lines and the summary. It runs to the end
// of the input for file sources, and until `stop` is requested or --stop-when-idle for Kafka,
// committing every sink at each checkpoint (DESIGN.md "Exactly once").

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <stop_token>
#include <string>
#include <vector>

#include "common/logger.h"
#include "common/result.h"
#include "pipeline/job_builder.h"
#include "pipeline/job_config.h"
#include "stream/job_counters.h"
#include "stream/job_runner.h"
#include "stream/job_telemetry.h"

namespace floe::pipeline {

/// What a run did, for the summary line and for tests.
struct RunCounters {
  int64_t records_in = 0;     // records read past the recovery point (blank lines excluded)
  int64_t filtered_out = 0;   // records a filter dropped
  int64_t passed = 0;         // records that reached the sinks
  int64_t dead_lettered = 0;  // records sent to the dead-letter sink
  int64_t late_rows = 0;      // records behind their partition's event-time watermark
  int64_t bytes_in = 0;       // bytes of input read past the recovery point
  int64_t checkpoints = 0;    // checkpoints completed (a sink with nothing new commits nothing)
  double commit_seconds = 0;  // time spent committing
  double active_seconds = 0;  // from the first chunk of records to the end of the last
  int64_t skipped_lines = 0;  // records below every sink's committed offset (already done)
  std::map<std::string, int64_t> written;  // per sink: rows written (after its own offsets)
};

struct RunOptions {
  /// Unbounded sources: commit and end once no record arrived for this long.
  std::optional<std::chrono::milliseconds> stop_when_idle;
  /// How often a progress line goes to `err`.
  std::chrono::milliseconds progress_interval{std::chrono::seconds(5)};
  /// This process's name in Kafka transactional ids; empty: <host>-<pid>.
  std::string instance;
  /// --http HOST:PORT: serve /metrics, /health, /api/job and the dashboard (over job.http).
  std::optional<std::string> http;
  /// --http-allow-remote: the server may listen on an address that is not loopback.
  bool http_allow_remote = false;
  /// When an unbounded source stops, fire every open window instead of keeping it in the state.
  bool drain = false;
};

/// Thread safety: Open and Run from one thread; Counters from any. Lifetime: the plan's config
/// and the streams outlive the job.
class Job {
 public:
  /// `stop` (from the caller: a signal) makes the workers commit what they hold and end; a
  /// failing worker stops the others through the job's own stop source.
  /// Progress lines and warnings go to `logger` (one line per event, secrets masked), the
  /// summary to `out`.
  Job(JobPlan plan, const RunOptions& options, std::ostream& out, Logger& logger,
      std::stop_token stop = {});

  /// Opens the sinks and sources of every worker and deletes what dead attempts left behind.
  Status Open();
  /// Runs the workers to their end; progress to the logger, the summary to `out`.
  Status Run();
  RunCounters Counters() const;
  /// What the job tells its observers (the HTTP server of --http); lives as long as the job.
  const stream::JobTelemetry& telemetry() const { return *telemetry_; }

 private:
  Status OpenWorkers();
  Status RunWorkers();
  /// Runs worker `i` to its end; a worker whose partitions were lost (JobRunner::
  /// lost_partitions) is replaced by a new one, which rejoins the group and resumes from the
  /// committed offsets.
  Status RunWorker(size_t i);
  /// Builds stage 1 of worker `i` of a repartitioned window; its late rows are the job's.
  Result<std::unique_ptr<stream::JobRunner>> BuildRepartitionWriter(int i);
  /// Deletes the files of this job's attempts that died before committing them.
  void DeleteOrphans();
  void Progress(bool final);
  void Summary();
  void Say(LogLevel level, const std::string& message);

  JobBuilder builder_;
  RunOptions options_;
  std::ostream& out_;
  Logger& logger_;           // thread safe: progress lines and warnings come from several threads
  std::stop_source cancel_;  // stops every worker: requested by `stop` or a failed worker
  std::stop_callback<std::function<void()>> forward_stop_;
  stream::JobCounters counters_;
  /// A repartitioned window's stage 1, whose input is the job's: merged with counters_ by
  /// stream::ReadCounters wherever the job's counters are shown. Its late rows go straight to
  /// counters_ (stage 2 judges none).
  stream::JobCounters repartition_counters_;
  std::unique_ptr<stream::JobTelemetry> telemetry_;
  stream::JobRunnerOptions runtime_;  // what every worker is built with (OpenWorkers)
  std::mutex build_mutex_;  // JobBuilder is not thread safe: workers rebuilt one at a time
  std::vector<std::unique_ptr<stream::JobRunner>> workers_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

/// Plans, opens and runs a job. InvalidArgument/NotSupported before anything was read mean
/// the job cannot run as written. Log lines go to `err` as text.
Result<RunCounters> RunJob(const JobConfig& config, std::ostream& out, std::ostream& err,
                           const RunOptions& options = {}, std::stop_token stop = {});

}  // namespace floe::pipeline
