#include "stream/job_counters.h"

#include <gtest/gtest.h>

#include "stream/job_telemetry.h"

namespace floe::stream {
namespace {

// A job in one stage: the copy is the counters as they are.
TEST(ReadCountersTest, OneStageIsACopy) {
  JobCounters c;
  c.written["table"] = 0;
  c.records_in = 10;
  c.filtered_out = 3;
  c.passed = 6;
  c.dead_lettered = 1;
  c.late_rows = 2;
  c.bytes_in = 900;
  c.skipped = 4;
  c.checkpoints = 5;
  c.commit_micros = 70;
  c.first_record_micros = 100;
  c.last_record_micros = 250;
  c.written["table"] = 6;
  const CounterTotals t = ReadCounters(c);
  EXPECT_EQ(t.records_in, 10);
  EXPECT_EQ(t.filtered_out, 3);
  EXPECT_EQ(t.passed, 6);
  EXPECT_EQ(t.dead_lettered, 1);
  EXPECT_EQ(t.late_rows, 2);
  EXPECT_EQ(t.bytes_in, 900);
  EXPECT_EQ(t.skipped, 4);
  EXPECT_EQ(t.checkpoints, 5);
  EXPECT_EQ(t.commit_micros, 70);
  EXPECT_EQ(t.first_record_micros, 100);
  EXPECT_EQ(t.last_record_micros, 250);
  EXPECT_EQ(t.written, (std::map<std::string, int64_t>{{"table", 6}}));
}

// A repartitioned window: stage 1 read 100 input records (8 filtered, 2 dead letters, 90 to
// the internal topic); stage 2 read those 90 again, dead-lettered 1 and wrote 12 windows.
TEST(ReadCountersTest, TwoStagesReportTheInputOnceAndEveryDrop) {
  JobCounters stage1;
  stage1.written["repartition"] = 0;
  stage1.written["dead_letter"] = 0;
  stage1.records_in = 100;
  stage1.bytes_in = 5000;
  stage1.skipped = 7;
  stage1.filtered_out = 8;
  stage1.dead_lettered = 2;
  stage1.passed = 90;
  stage1.checkpoints = 4;
  stage1.first_record_micros = 1000;
  stage1.last_record_micros = 1900;
  stage1.written["repartition"] = 90;
  stage1.written["dead_letter"] = 2;

  JobCounters stage2;
  stage2.written["table"] = 0;
  stage2.written["dead_letter"] = 0;
  stage2.records_in = 90;
  stage2.bytes_in = 7000;
  stage2.skipped = 0;
  stage2.dead_lettered = 1;
  stage2.late_rows = 3;  // stage 1's late rows, counted here
  stage2.passed = 12;
  stage2.checkpoints = 3;
  stage2.first_record_micros = 1200;
  stage2.last_record_micros = 2100;
  stage2.written["table"] = 12;
  stage2.written["dead_letter"] = 1;

  const CounterTotals t = ReadCounters(stage2, &stage1);
  EXPECT_EQ(t.records_in, 100);
  EXPECT_EQ(t.bytes_in, 5000);
  EXPECT_EQ(t.skipped, 7);
  EXPECT_EQ(t.filtered_out, 8);
  EXPECT_EQ(t.dead_lettered, 3);
  EXPECT_EQ(t.late_rows, 3);
  EXPECT_EQ(t.passed, 12);
  EXPECT_EQ(t.checkpoints, 3);
  EXPECT_EQ(t.first_record_micros, 1000);
  EXPECT_EQ(t.last_record_micros, 2100);
  EXPECT_EQ(t.written, (std::map<std::string, int64_t>{
                           {"dead_letter", 3}, {"repartition", 90}, {"table", 12}}));
}

// Stage 2 may handle records (left in the internal topic by an earlier run) before stage 1 reads
// any: the span starts with whichever came first.
TEST(ReadCountersTest, SpanStartsAtTheFirstStageWithRecords) {
  JobCounters stage1;
  JobCounters stage2;
  stage2.first_record_micros = 500;
  stage2.last_record_micros = 800;
  CounterTotals t = ReadCounters(stage2, &stage1);
  EXPECT_EQ(t.first_record_micros, 500);
  EXPECT_EQ(t.last_record_micros, 800);
  stage1.first_record_micros = 600;
  stage1.last_record_micros = 900;
  t = ReadCounters(stage2, &stage1);
  EXPECT_EQ(t.first_record_micros, 500);
  EXPECT_EQ(t.last_record_micros, 900);
}

TEST(ReadCountersTest, TelemetryMergesItsUpstream) {
  JobCounters stage1;
  JobCounters stage2;
  stage1.records_in = 40;
  stage1.filtered_out = 4;
  stage2.records_in = 36;
  JobTelemetry merged(JobDescription{"job"}, &stage2, 1, &stage1);
  EXPECT_EQ(merged.Counters().records_in, 40);
  EXPECT_EQ(merged.Counters().filtered_out, 4);
  JobTelemetry alone(JobDescription{"job"}, &stage2);
  EXPECT_EQ(alone.Counters().records_in, 36);
}

}  // namespace
}  // namespace floe::stream
