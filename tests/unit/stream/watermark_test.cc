#include "stream/watermark.h"

#include <gtest/gtest.h>

namespace floe::stream {
namespace {

ColumnVector Times(std::initializer_list<std::optional<int64_t>> values) {
  ColumnVector column(ColumnKind::kInt64);
  for (const auto& value : values) {
    if (value) {
      column.Append<int64_t>(*value);
    } else {
      column.AppendNull();
    }
  }
  return column;
}

TEST(WatermarkTrackerTest, RowsBehindTheBoundAreLatePerPartition) {
  WatermarkTracker tracker(10);
  const TopicPartition a{"t", 0};
  const TopicPartition b{"t", 1};
  EXPECT_FALSE(tracker.watermark().has_value());
  // 100 sets the watermark to 90; 95 is on time, 89 is late, 90 is not.
  EXPECT_EQ(tracker.Observe(a, Times({100, 95, 89, 90, std::nullopt}), Selection::All(5)), 1);
  EXPECT_EQ(tracker.watermark(a), 90);
  EXPECT_EQ(tracker.watermark(), 90);
  // Another partition far behind holds the job's watermark back, and is judged on its own.
  EXPECT_EQ(tracker.Observe(b, Times({20, 15, 5}), Selection::All(3)), 1);
  EXPECT_EQ(tracker.watermark(b), 10);
  EXPECT_EQ(tracker.watermark(), 10);
  EXPECT_EQ(tracker.late_rows(), 2);
  // Only the selected rows count; a forgotten partition no longer holds anyone back.
  const uint32_t rows[] = {1};
  EXPECT_EQ(tracker.Observe(a, Times({0, 200}), Selection{rows, 1}), 0);
  EXPECT_EQ(tracker.watermark(a), 190);
  tracker.Forget(b);
  EXPECT_EQ(tracker.watermark(), 190);
}

TEST(WatermarkTrackerTest, NullsAndEmptySelectionsChangeNothing) {
  WatermarkTracker tracker(0);
  const TopicPartition a{"f", 0};
  EXPECT_EQ(tracker.Observe(a, Times({std::nullopt, std::nullopt}), Selection::All(2)), 0);
  EXPECT_FALSE(tracker.watermark().has_value());
  EXPECT_EQ(tracker.Observe(a, Times({}), Selection::All(0)), 0);
  // The first value can be anything, even the smallest long, without overflow.
  EXPECT_EQ(tracker.Observe(a, Times({INT64_MIN + 1, 5, 4}), Selection::All(3)), 1);
  EXPECT_EQ(tracker.watermark(), 5);
}

}  // namespace
}  // namespace floe::stream
