// Stage 2 of a repartitioned window (stream/window/README.md "Across processes"): the floe.wm
// header's text, and a window whose clocks are the SOURCE partitions named by the headers of
// the rows it reads from a repartition partition.

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stream/window/watermark_header.h"
#include "stream/window/window_operator.h"

namespace floe::stream::window {
namespace {

constexpr int64_t kMinute = 60'000'000;
const char* const kTopic = "job.window.0.repartition";

TEST(WatermarkHeaderTest, RoundTripsAndRejectsOtherText) {
  WatermarkHeader row{{"in.topic-1", 7}, 123456789, false};
  auto parsed = WatermarkHeader::Parse(row.Encode());
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->source, row.source);
  EXPECT_EQ(parsed->max_event_micros, 123456789);
  EXPECT_FALSE(parsed->watermark_only);
  WatermarkHeader only{{"t", 0}, kNoTime, true};
  parsed = WatermarkHeader::Parse(only.Encode());
  ASSERT_TRUE(parsed.has_value());
  EXPECT_TRUE(parsed->watermark_only);
  EXPECT_EQ(parsed->max_event_micros, kNoTime);
  // EncodeTo replaces what its buffer held (the Kafka sink reuses one buffer for every row).
  std::string buffer = "left over from a longer header of an earlier row";
  row.EncodeTo(&buffer);
  EXPECT_EQ(buffer, row.Encode());
  for (const char* bad : {"", "r", "x:1:2:t", "r:1:2:", "r:a:2:t", "r:1:2x:t", "r:1", "w:1:2"}) {
    EXPECT_FALSE(WatermarkHeader::Parse(bad).has_value()) << bad;
  }
}

std::shared_ptr<const iceberg::Schema> Schema() {
  using iceberg::Type;
  using iceberg::TypeId;
  return std::make_shared<const iceberg::Schema>(
      0, std::vector<iceberg::NestedField>{
             {1, "ts", false, Type::Primitive(TypeId::kTimestampTz), ""},
             {2, "key", false, Type::Primitive(TypeId::kString), ""},
             {3, std::string(kWatermarkHeader), false, Type::Primitive(TypeId::kString), ""}});
}

struct Message {
  std::optional<int64_t> ts;  // null: a watermark-only message
  WatermarkHeader header;
};

/// One batch of repartition partition 0, its offsets from `first`.
RecordBatch Batch(const std::vector<Message>& messages, int64_t first) {
  RecordBatch batch;
  batch.schema = Schema();
  batch.columns.emplace_back(ColumnKind::kInt64);
  batch.columns.emplace_back(ColumnKind::kBytes);
  batch.columns.emplace_back(ColumnKind::kBytes);
  batch.position.partition = kTopic;
  for (const Message& message : messages) {
    if (message.ts) {
      batch.columns[0].Append<int64_t>(*message.ts);
      batch.columns[1].AppendBytes("a");
    } else {
      batch.columns[0].AppendNull();
      batch.columns[1].AppendNull();
    }
    batch.columns[2].AppendBytes(message.header.Encode());
    batch.offsets.push_back(first++);
  }
  return batch;
}

WindowOperator Operator(int source_partitions) {
  WindowSpec spec;
  spec.kind = WindowKind::kTumble;
  spec.size_micros = kMinute;
  spec.group_by = {"key"};
  auto count = ParseAggregate("n", "count(*)");
  EXPECT_TRUE(count.ok());
  spec.aggregates.push_back(*count);
  EventTimeSpec time{"ts", 0, 1000};
  time.repartition_topic = kTopic;
  time.source_clock_column = std::string(kWatermarkHeader);
  time.source_partitions = source_partitions;
  auto op = WindowOperator::Make(Schema(), spec, time, "w");
  EXPECT_TRUE(op.ok()) << op.status().message();
  return std::move(op).value();
}

TEST(RepartitionClockTest, WatermarkIsTheSlowestSourcePartitionOnceAllWereHeardOf) {
  const WindowOperator op = Operator(2);
  WindowState state;
  std::vector<DroppedRow> dropped;
  op.Assign({kTopic, 0}, 0, &state);
  // Source partition 0 is at 10 min; partition 1 has not been heard of: no watermark.
  op.Accumulate(Batch({{10 * kMinute, {{"in", 0}, 10 * kMinute, false}}}, 0), Selection::All(1), 0,
                &state, &dropped);
  EXPECT_EQ(op.Watermark(state, 500), kNoTime);
  // A watermark-only message of partition 1 (3 min): no row, no dead letter, the clock moves.
  op.Accumulate(Batch({{std::nullopt, {{"in", 1}, 3 * kMinute, true}}}, 1), Selection::All(1), 0,
                &state, &dropped);
  EXPECT_TRUE(dropped.empty());
  EXPECT_EQ(op.Watermark(state, 500), 3 * kMinute);
  // A row of [2 min, 3 min) is late, whichever partition it came from; one of [3 min, 4 min)
  // is not. The repartition partition's own offsets are no clock.
  op.Accumulate(Batch({{2 * kMinute + 5, {{"in", 0}, 10 * kMinute, false}},
                       {3 * kMinute + 5, {{"in", 1}, 3 * kMinute + 5, false}}},
                      2),
                Selection::All(2), 0, &state, &dropped);
  ASSERT_EQ(dropped.size(), 1u);
  EXPECT_EQ(dropped[0].row, 0u);
  EXPECT_EQ(dropped[0].reason, DropReason::kLate);
  EXPECT_EQ(state.partitions.at(TopicPartition{kTopic, 0}).next_offset, 4);
  // Both idle after a second: the newest leads, and [3 min, 4 min) fires ([10 min, 11 min)
  // not yet).
  RecordBatch out = op.NewOutput();
  EXPECT_EQ(op.Fire(500, &state, &out), 0u);
  EXPECT_EQ(op.Watermark(state, 1000), 10 * kMinute);
  EXPECT_EQ(op.Fire(1000, &state, &out), 1u);  // [3 min, 4 min)
  // Rows below the covered offset are skipped (they are in the state already).
  op.Accumulate(Batch({{3 * kMinute + 5, {{"in", 1}, 3 * kMinute + 5, false}}}, 3),
                Selection::All(1), 1000, &state, &dropped);
  EXPECT_EQ(dropped.size(), 1u);
}

TEST(RepartitionClockTest, ASilentSourcePartitionHoldsBackOnlyUntilTheIdleTimeout) {
  const WindowOperator op = Operator(3);
  WindowState state;
  std::vector<DroppedRow> dropped;
  op.Assign({kTopic, 0}, 100, &state);
  op.Accumulate(Batch({{5 * kMinute, {{"in", 0}, 5 * kMinute, false}},
                       {std::nullopt, {{"in", 2}, 6 * kMinute, true}}},
                      0),
                Selection::All(2), 100, &state, &dropped);
  EXPECT_EQ(op.Watermark(state, 1099), kNoTime);  // partition 1 may still hold older rows
  // idle_timeout (1 s) after the assignment the silent one counts as idle (and so do the two
  // heard of at 100: when all are idle the newest leads).
  EXPECT_EQ(op.Watermark(state, 1100), 6 * kMinute);
  RecordBatch out = op.NewOutput();
  EXPECT_EQ(op.Fire(1100, &state, &out), 1u);
}

}  // namespace
}  // namespace floe::stream::window
