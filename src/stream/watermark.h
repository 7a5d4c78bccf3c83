#pragma once

// Event time: each source partition's watermark trails the largest event time it has seen by
// the allowed out-of-orderness; a row older than its partition's watermark is late. The job's
// watermark is the smallest over the partitions that have seen rows (a partition that is
// behind holds everyone back, as in Flink), and is what a checkpoint records (floe.watermark).

#include <cstdint>
#include <map>
#include <optional>

#include "common/column_vector.h"
#include "common/offsets.h"

namespace floe::stream {

/// Thread safety: none; one per runtime thread.
class WatermarkTracker {
 public:
  /// `max_out_of_orderness_micros`: how far behind the newest event a row may be and still be
  /// on time.
  explicit WatermarkTracker(int64_t max_out_of_orderness_micros)
      : bound_(max_out_of_orderness_micros) {}

  /// Observes the event times (micros; nulls are neither late nor advance anything) of the
  /// selected rows of one partition, in order; returns how many were late.
  int64_t Observe(const TopicPartition& partition, const ColumnVector& event_micros,
                  Selection selection);
  /// The partition is gone (Kafka revoked it): it no longer holds the watermark back.
  void Forget(const TopicPartition& partition) { partitions_.erase(partition); }

  /// The job's watermark (micros since the epoch), or nullopt before any event time.
  std::optional<int64_t> watermark() const;
  /// A partition's watermark, or nullopt when it has seen no event time.
  std::optional<int64_t> watermark(const TopicPartition& partition) const;

  int64_t late_rows() const { return late_rows_; }

 private:
  int64_t bound_;
  std::map<TopicPartition, int64_t> partitions_;  // largest event time seen per partition
  int64_t late_rows_ = 0;
};

}  // namespace floe::stream
