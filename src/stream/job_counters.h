#pragma once

// What a running job counts, shared by its workers.

#include <atomic>
#include <cstdint>
#include <map>
#include <string>

namespace floe::stream {

/// Counters of a job, shared by its workers (hence atomic) and read by the progress reporter.
/// The map's keys are fixed before the workers start; only the values change.
struct JobCounters {
  std::atomic<int64_t> records_in{0};          // records read past the recovery point
  std::atomic<int64_t> filtered_out{0};        // records a filter dropped
  std::atomic<int64_t> passed{0};              // records that reached the sinks
  std::atomic<int64_t> dead_lettered{0};       // records sent to the dead-letter sink
  std::atomic<int64_t> late_rows{0};           // records behind their partition's watermark
  std::atomic<int64_t> tombstones{0};          // change streams: null records, skipped
  std::atomic<int64_t> bytes_in{0};            // bytes of input read past the recovery point
  std::atomic<int64_t> skipped{0};             // records below every sink's committed offset
  std::atomic<int64_t> checkpoints{0};         // checkpoints completed
  std::atomic<int64_t> failed_checkpoints{0};  // checkpoints a sink could not commit (retried)
  std::atomic<int64_t> commit_micros{0};       // time spent committing sinks
  /// Steady-clock microseconds of the first and the last chunk of records (0: none yet): the
  /// span a rate is honest over, without group joins or idle waits.
  std::atomic<int64_t> first_record_micros{0};
  std::atomic<int64_t> last_record_micros{0};
  /// Some worker of the process has held partitions (for --stop-when-idle).
  std::atomic<bool> partitions_held{false};
  /// Per sink name: rows written (not counting those a sink had committed before).
  std::map<std::string, std::atomic<int64_t>> written;
};

/// A plain copy of JobCounters at one moment, for the summary line, /metrics and /api/job.
struct CounterTotals {
  int64_t records_in = 0;
  int64_t filtered_out = 0;
  int64_t passed = 0;
  int64_t dead_lettered = 0;
  int64_t late_rows = 0;
  int64_t tombstones = 0;
  int64_t bytes_in = 0;
  int64_t skipped = 0;
  int64_t checkpoints = 0;
  int64_t failed_checkpoints = 0;
  int64_t commit_micros = 0;
  int64_t first_record_micros = 0;
  int64_t last_record_micros = 0;
  std::map<std::string, int64_t> written;
};

/// The job's counters as its user sees them. A job in two stages (a repartitioned window:
/// stage 1 reads the input and writes an internal topic that stage 2 reads) passes stage 1's
/// counters as `upstream`: the input's records, bytes and skipped records are stage 1's (stage
/// 2 only reads them again), records filtered and dead-lettered are both stages', records
/// passed and checkpoints are those of the final sinks (stage 2), and each sink's rows written
/// are summed by name (both stages write the dead-letter table; the internal topic is a sink
/// of its own).
CounterTotals ReadCounters(const JobCounters& counters, const JobCounters* upstream = nullptr);

}  // namespace floe::stream
