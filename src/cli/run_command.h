#pragma once
// `floe run JOB.yaml`: loads a job file and runs the job to the end of its input (file sources)
// on one thread: read → decode → dead-letter bad records → transforms → every sink, committing
// every sink at each checkpoint with the source positions it covers (DESIGN.md "Exactly once").

#include <cstdint>
#include <map>
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
  int64_t bytes_in = 0;       // bytes of input read past the recovery point
  int64_t checkpoints = 0;    // checkpoints completed (a sink with nothing new commits nothing)
  int64_t skipped_lines = 0;  // lines below every sink's committed offset (already done)
  std::map<std::string, int64_t> written;  // per sink: rows written (after its own offsets)
};

/// Runs a loaded job; progress goes to `err` every few seconds, the summary to `out`.
/// InvalidArgument/NotSupported before anything was read mean the job cannot run as written.
Result<RunCounters> RunJob(const pipeline::JobConfig& config, std::ostream& out, std::ostream& err);

/// The whole command: load, run, print. Returns the exit code: 0 done, 1 failed while running
/// (a failed commit names the sink), 2 the job file or its expressions are wrong.
int RunJobCommand(const std::string& job_path, const std::vector<std::string>& overrides,
                  std::ostream& out, std::ostream& err);

}  // namespace floe::cli
