// Where JobRunner counts the rows behind their partition's event-time watermark: in its own
// counters, in another counter (a repartition writer counts the job's), or nowhere (a
// repartition topic's reader, whose partitions mix the source partitions' event times).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/uuid.h"
#include "stream/job_runner.h"
#include "stream/sink/jsonl_sink.h"
#include "stream/source/file_source.h"

namespace floe::stream {
namespace {

namespace fs = std::filesystem;

class JobRunnerLateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("floe_job_runner_late_test_" + NewUuid());
    fs::create_directories(dir_);
    schema_ = std::make_shared<iceberg::Schema>(
        0, std::vector<iceberg::NestedField>{
               {1, "ts", false, iceberg::Type::Primitive(iceberg::TypeId::kTimestampTz), ""}});
    // One partition (the file); max_out_of_orderness 10 s: the second row is 20 s behind the
    // first (late), the third 5 s (on time), the fourth 30 s (late).
    std::ofstream(dir_ / "in.jsonl") << "{\"ts\":\"2025-09-11T09:00:30Z\"}\n"
                                        "{\"ts\":\"2025-09-11T09:00:10Z\"}\n"
                                        "{\"ts\":\"2025-09-11T09:00:25Z\"}\n"
                                        "{\"ts\":\"2025-09-11T09:00:00Z\"}\n";
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  /// Runs the file through a runner with event time on `ts`, as `configure` sets it up.
  void Run(JobCounters* counters, const std::function<void(JobRunnerOptions*)>& configure) {
    auto sink = JsonlSink::Open(*schema_, {"out", (dir_ / "out.jsonl").string()});
    ASSERT_TRUE(sink.ok()) << sink.status().ToString();
    std::vector<SinkSlot> sinks;
    sinks.push_back(SinkSlot::For(std::move(sink).value(), "out.jsonl"));
    auto chain = TransformChain::Make(schema_, {});
    ASSERT_TRUE(chain.ok()) << chain.status().ToString();
    counters->written["out"] = 0;
    JobRunnerOptions options;
    options.job_id = "job";
    options.source_schema = schema_;
    options.metadata = {MetadataColumn::kNone};
    options.transforms = std::make_shared<TransformChain>(std::move(chain).value());
    options.event_time_column = 0;
    options.max_out_of_orderness_micros = 10'000'000;
    options.checkpoint.interval = std::chrono::hours(1);
    configure(&options);
    auto runner = JobRunner::Make(std::move(options), std::move(sinks), std::nullopt, counters);
    ASSERT_TRUE(runner.ok()) << runner.status().ToString();
    auto source = FileSource::Open("in", (dir_ / "in.jsonl").string(), runner->get());
    ASSERT_TRUE(source.ok()) << source.status().ToString();
    (*runner)->set_source(std::move(source).value());
    Status run = (*runner)->Run();
    ASSERT_TRUE(run.ok()) << run.ToString();
    EXPECT_EQ(counters->passed, 4);  // late or not, every row goes on
  }

  fs::path dir_;
  std::shared_ptr<iceberg::Schema> schema_;
};

TEST_F(JobRunnerLateTest, CountsLateRowsInItsCounters) {
  JobCounters counters;
  Run(&counters, [](JobRunnerOptions*) {});
  EXPECT_EQ(counters.late_rows, 2);
}

TEST_F(JobRunnerLateTest, CountsLateRowsWhereTold) {
  JobCounters counters;
  JobCounters job;
  Run(&counters, [&](JobRunnerOptions* options) { options->late_rows = &job.late_rows; });
  EXPECT_EQ(counters.late_rows, 0);
  EXPECT_EQ(job.late_rows, 2);
}

TEST_F(JobRunnerLateTest, ARepartitionReaderCountsNone) {
  JobCounters counters;
  Run(&counters, [](JobRunnerOptions* options) { options->count_late_rows = false; });
  EXPECT_EQ(counters.late_rows, 0);
  ASSERT_TRUE(counters.written.contains("out"));
  EXPECT_EQ(counters.written.at("out"), 4);
}

}  // namespace
}  // namespace floe::stream
