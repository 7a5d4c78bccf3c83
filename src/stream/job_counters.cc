#include "stream/job_counters.h"

#include <algorithm>

namespace floe::stream {

namespace {

CounterTotals Copy(const JobCounters& c) {
  CounterTotals t;
  t.records_in = c.records_in.load();
  t.filtered_out = c.filtered_out.load();
  t.passed = c.passed.load();
  t.dead_lettered = c.dead_lettered.load();
  t.late_rows = c.late_rows.load();
  t.tombstones = c.tombstones.load();
  t.bytes_in = c.bytes_in.load();
  t.skipped = c.skipped.load();
  t.checkpoints = c.checkpoints.load();
  t.failed_checkpoints = c.failed_checkpoints.load();
  t.commit_micros = c.commit_micros.load();
  t.first_record_micros = c.first_record_micros.load();
  t.last_record_micros = c.last_record_micros.load();
  for (const auto& [sink, rows] : c.written) t.written[sink] = rows.load();
  return t;
}

}  // namespace

CounterTotals ReadCounters(const JobCounters& counters, const JobCounters* upstream) {
  CounterTotals totals = Copy(counters);
  if (upstream == nullptr) return totals;
  const CounterTotals first = Copy(*upstream);
  totals.records_in = first.records_in;
  totals.bytes_in = first.bytes_in;
  totals.skipped = first.skipped;
  totals.tombstones = first.tombstones;
  totals.filtered_out += first.filtered_out;
  totals.dead_lettered += first.dead_lettered;
  // The job's records span from stage 1's first to whichever stage handled records last.
  if (totals.first_record_micros == 0 ||
      (first.first_record_micros > 0 && first.first_record_micros < totals.first_record_micros)) {
    totals.first_record_micros = first.first_record_micros;
  }
  totals.last_record_micros = std::max(totals.last_record_micros, first.last_record_micros);
  for (const auto& [sink, rows] : first.written) totals.written[sink] += rows;
  return totals;
}

}  // namespace floe::stream
