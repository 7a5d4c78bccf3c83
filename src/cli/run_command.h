#pragma once
// `floe run JOB.yaml`: loads a job file, builds its graph (source, decode, transforms, sinks,
// dead letters) and runs it: to the end of the input for file sources, until SIGINT/SIGTERM or
// --stop-when-idle for Kafka, committing every sink at each checkpoint with the source positions
// it covers (DESIGN.md "Exactly once"). Kafka jobs run job.parallelism workers, each a thread
// with its own consumer (one group) and its own sinks.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "common/result.h"
#include "pipeline/job_config.h"

namespace floe::cli {

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
};

/// Runs a loaded job; progress goes to `err`, the summary to `out`.
/// InvalidArgument/NotSupported before anything was read mean the job cannot run as written.
Result<RunCounters> RunJob(const pipeline::JobConfig& config, std::ostream& out, std::ostream& err,
                           const RunOptions& options = {});

/// The whole command: load, run, print. Returns the exit code: 0 done, 1 failed while running
/// (a failed commit names the sink), 2 the job file or its expressions are wrong. SIGINT and
/// SIGTERM make the job commit what is pending and exit 0.
int RunJobCommand(const std::string& job_path, const std::vector<std::string>& overrides,
                  const RunOptions& options, std::ostream& out, std::ostream& err);

}  // namespace floe::cli
