// The checkpoint coordinator (through a JobRunner): a real file source, a real Iceberg sink on a
// real catalog whose commit answers can be lost or refused (LossyCatalog), and the job.checkpoint
// settings: tolerable failures, retries of the final checkpoint, the minimum pause.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "../iceberg/catalog/lossy_catalog.h"
#include "common/uuid.h"
#include "stream/job_runner.h"
#include "stream/sink/iceberg_sink.h"
#include "stream/source/file_source.h"

namespace floe::stream {
namespace {

namespace fs = std::filesystem;
using iceberg::NestedField;
using iceberg::Type;
using iceberg::TypeId;
using Lossy = iceberg::testing::LossyCatalog;

class CheckpointCoordinatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("floe_coordinator_test_" + NewUuid());
    fs::create_directories(dir_);
    auto catalog = iceberg::OpenWarehouseCatalog((dir_ / "warehouse").string());
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    lossy_ = std::make_shared<Lossy>(*catalog);
    schema_ = std::make_shared<iceberg::Schema>(
        0,
        std::vector<NestedField>{NestedField{1, "id", true, Type::Primitive(TypeId::kLong), ""}});
    std::ofstream input(dir_ / "in.jsonl");
    for (int i = 0; i < kRows; ++i) input << "{\"id\": " << i << "}\n";
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  /// Runs the job over the input into table raw.events with `options` (source, sink and
  /// counters filled in here); the warnings it gave land in warnings_.
  Status Run(JobRunnerOptions options) {
    auto chain = TransformChain::Make(schema_, {});
    if (!chain.ok()) return chain.status();
    IcebergSinkOptions sink_options;
    sink_options.name = "out";
    sink_options.table = *iceberg::TableIdentifier::Parse("raw.events");
    sink_options.create_if_missing = true;
    sink_options.offsets_group = "job";
    sink_options.data_file_prefix = "floe-job-";
    auto sink = IcebergSink::Open(lossy_, *schema_, sink_options);
    if (!sink.ok()) return sink.status();
    std::vector<SinkSlot> sinks;
    sinks.push_back(SinkSlot::ForTable(std::move(sink).value(), "table raw.events"));
    counters_.written["out"] = 0;
    options.job_id = "job";
    options.source_schema = schema_;
    options.metadata = {MetadataColumn::kNone};
    options.transforms = std::make_shared<TransformChain>(std::move(chain).value());
    options.warn = [this](const std::string& message) { warnings_.push_back(message); };
    auto runner = JobRunner::Make(std::move(options), std::move(sinks), std::nullopt, &counters_);
    if (!runner.ok()) return runner.status();
    auto source = FileSource::Open("in", (dir_ / "in.jsonl").string(), runner->get());
    if (!source.ok()) return source.status();
    (*runner)->set_source(std::move(source).value());
    return (*runner)->Run();
  }

  int64_t TableRows() {
    auto table = lossy_->LoadTable(*iceberg::TableIdentifier::Parse("raw.events"));
    EXPECT_TRUE(table.ok()) << table.status().ToString();
    const iceberg::Snapshot* current = table->metadata.CurrentSnapshot();
    return current == nullptr ? 0 : std::stoll(current->summary.at("total-records"));
  }

  size_t ParquetFiles() {
    size_t count = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dir_)) {
      count += entry.path().extension() == ".parquet";
    }
    return count;
  }

  static constexpr int kRows = 1000;
  fs::path dir_;
  std::shared_ptr<Lossy> lossy_;
  std::shared_ptr<iceberg::Schema> schema_;
  JobCounters counters_;
  std::vector<std::string> warnings_;
};

TEST_F(CheckpointCoordinatorTest, AToleratedFailureIsRetriedAndNothingIsLostOrDoubled) {
  JobRunnerOptions options;
  options.checkpoint.interval = std::chrono::hours(1);  // only the final checkpoint
  options.checkpoint.tolerable_failures = 2;
  lossy_->Script({Lossy::Commit::kRefuse, Lossy::Commit::kRefuse});
  Status status = Run(options);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(TableRows(), kRows);
  EXPECT_EQ(counters_.failed_checkpoints, 2);
  EXPECT_EQ(counters_.checkpoints, 1);
  ASSERT_EQ(warnings_.size(), 2u);
  EXPECT_NE(warnings_[0].find("1 of 2 tolerable"), std::string::npos) << warnings_[0];
  EXPECT_NE(warnings_[0].find("service unavailable"), std::string::npos) << warnings_[0];
}

TEST_F(CheckpointCoordinatorTest, OneFailureMoreThanTolerableFailsTheJobAndLeavesNoFiles) {
  JobRunnerOptions options;
  options.checkpoint.interval = std::chrono::hours(1);
  options.checkpoint.tolerable_failures = 1;
  lossy_->Script({Lossy::Commit::kRefuse, Lossy::Commit::kRefuse});
  Status status = Run(options);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("2 failed in a row, more than "
                                  "job.checkpoint.tolerable_failures (1)"),
            std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("sink 'out'"), std::string::npos) << status.message();
  EXPECT_EQ(TableRows(), 0);
  EXPECT_EQ(ParquetFiles(), 0u);  // nothing committed, nothing left behind
}

TEST_F(CheckpointCoordinatorTest, AnUnknownOutcomeIsResolvedAtTheNextCheckpoint) {
  JobRunnerOptions options;
  options.checkpoint.interval = std::chrono::hours(1);
  options.checkpoint.tolerable_failures = 3;
  // The commit lands, its answer is lost, and the reload that would tell fails: the retry must
  // find the snapshot rather than append the rows again.
  lossy_->Script({Lossy::Commit::kLandThenLose});
  lossy_->FailLoadsAfterLostAnswers(1);
  Status status = Run(options);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(TableRows(), kRows);
  EXPECT_EQ(counters_.failed_checkpoints, 1);
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_NE(warnings_[0].find("timed out"), std::string::npos) << warnings_[0];
  auto table = lossy_->LoadTable(*iceberg::TableIdentifier::Parse("raw.events"));
  EXPECT_EQ(table->metadata.snapshots.size(), 1u);
}

TEST_F(CheckpointCoordinatorTest, TheTelemetrySeesFailuresUnknownOutcomesAndTheCommit) {
  JobTelemetry telemetry(JobDescription{"job"}, &counters_, 2);
  JobRunnerOptions options;
  options.checkpoint.interval = std::chrono::hours(1);
  options.checkpoint.tolerable_failures = 3;
  options.telemetry = &telemetry;
  lossy_->Script({Lossy::Commit::kRefuse, Lossy::Commit::kLandThenLose});
  lossy_->FailLoadsAfterLostAnswers(1);
  Status status = Run(options);
  ASSERT_TRUE(status.ok()) << status.ToString();
  const TelemetrySnapshot s = telemetry.Snapshot();
  ASSERT_EQ(s.checkpoints.size(), 3u);
  EXPECT_FALSE(s.checkpoints[0].ok);
  EXPECT_NE(s.checkpoints[0].error.find("service unavailable"), std::string::npos);
  EXPECT_FALSE(s.checkpoints[1].ok);
  EXPECT_TRUE(s.checkpoints[2].ok);
  EXPECT_EQ(s.checkpoints[2].rows, kRows);
  EXPECT_EQ(s.checkpoints_failed, 2);
  EXPECT_EQ(s.checkpoints_ok, 1);
  EXPECT_EQ(s.failures_in_a_row, 0);
  EXPECT_EQ(s.unknown_outcomes, 1);
  ASSERT_EQ(s.commits.size(), 1u);  // the landed one, found, counted once
  const SinkCommitRecord& commit = s.last_commits.at("out");
  EXPECT_EQ(commit.rows, kRows);
  EXPECT_EQ(s.sink_totals.at("out").rows, kRows);
  EXPECT_GE(commit.files, 1);
  EXPECT_GT(commit.bytes, 0);
  auto table = lossy_->LoadTable(*iceberg::TableIdentifier::Parse("raw.events"));
  ASSERT_TRUE(commit.snapshot_id.has_value());
  EXPECT_EQ(*commit.snapshot_id, *table->metadata.current_snapshot_id);
  // The file source's one partition, read to its end (its offsets are line numbers, from 1).
  ASSERT_EQ(s.partitions.size(), 1u);
  EXPECT_EQ(s.partitions[0].next_offset, kRows + 1);
  EXPECT_FALSE(s.partitions[0].lag().has_value());  // a file has no known end here
  EXPECT_FALSE(telemetry.Health().healthy);         // never set running: a runner alone
}

TEST_F(CheckpointCoordinatorTest, TheMinimumPauseHoldsCheckpointsBack) {
  JobRunnerOptions eager;
  eager.checkpoint.interval = std::chrono::milliseconds(0);
  ASSERT_TRUE(Run(eager).ok());
  const int64_t without_pause = counters_.checkpoints;
  EXPECT_GE(without_pause, 2);  // after each chunk, and the final one

  TearDown();
  SetUp();
  counters_.checkpoints = 0;
  JobRunnerOptions paused;
  paused.checkpoint.interval = std::chrono::milliseconds(0);
  paused.checkpoint.min_pause = std::chrono::hours(1);
  ASSERT_TRUE(Run(paused).ok());
  EXPECT_EQ(counters_.checkpoints, 1);  // only the final one
  EXPECT_EQ(TableRows(), kRows);
}

}  // namespace
}  // namespace floe::stream
