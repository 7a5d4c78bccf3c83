#include "stream/watermark.h"

#include <algorithm>
#include <limits>

namespace floe::stream {

int64_t WatermarkTracker::Observe(const TopicPartition& partition, const ColumnVector& event_micros,
                                  Selection selection) {
  if (selection.count == 0) return 0;
  auto [entry, inserted] = partitions_.try_emplace(partition, std::numeric_limits<int64_t>::min());
  int64_t newest = entry->second;
  int64_t late = 0;
  const int64_t* values = event_micros.values<int64_t>();
  const bool nullable = event_micros.has_nulls();
  const int64_t floor = std::numeric_limits<int64_t>::min() + bound_;
  for (size_t i = 0; i < selection.count; ++i) {
    const size_t row = selection.Row(i);
    if (nullable && event_micros.IsNull(row)) continue;
    const int64_t value = values[row];
    // The watermark is newest - bound; guard the subtraction before any event was seen.
    if (newest >= floor && value < newest - bound_) ++late;
    newest = std::max(newest, value);
  }
  entry->second = newest;
  late_rows_ += late;
  return late;
}

std::optional<int64_t> WatermarkTracker::watermark(const TopicPartition& partition) const {
  auto found = partitions_.find(partition);
  if (found == partitions_.end() || found->second == std::numeric_limits<int64_t>::min()) {
    return std::nullopt;
  }
  return found->second - bound_;
}

std::optional<int64_t> WatermarkTracker::watermark() const {
  std::optional<int64_t> lowest;
  for (const auto& [partition, newest] : partitions_) {
    if (newest == std::numeric_limits<int64_t>::min()) continue;
    const int64_t mark = newest - bound_;
    if (!lowest || mark < *lowest) lowest = mark;
  }
  return lowest;
}

}  // namespace floe::stream
