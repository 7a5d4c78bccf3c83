// The State seam (state.h): a toy counting operator over a real file source, a real Iceberg
// sink and a real SQL catalog. Its state is written next to the table at each checkpoint, the
// snapshot's summary points at it, and a second run gets it back before its first record.

#include <gtest/gtest.h>

#include <charconv>
#include <filesystem>
#include <fstream>

#include "common/clock.h"
#include "common/uuid.h"
#include "stream/job_runner.h"
#include "stream/sink/iceberg_sink.h"
#include "stream/source/file_source.h"
#include "stream/state_store.h"

namespace floe::stream {
namespace {

namespace fs = std::filesystem;
using iceberg::NestedField;
using iceberg::Type;
using iceberg::TypeId;

constexpr const char* kStateName = "count.rows";
constexpr const char* kStateKey = "floe.state.job.count.rows";

/// Counts the rows it is handed; its state is the count in decimal.
class CountingOperator final : public StatefulOperator {
 public:
  void Add(int64_t rows) { count_ += rows; }

  const std::string& state_name() const override { return state_name_; }
  Result<std::string> SnapshotState() override { return std::to_string(count_); }
  Status RestoreState(std::string_view bytes) override {
    ++restores_;
    auto [end, error] = std::from_chars(bytes.data(), bytes.data() + bytes.size(), count_);
    if (error != std::errc() || end != bytes.data() + bytes.size()) {
      return Corrupt("not a count: '{}'", bytes);
    }
    return Status::Ok();
  }

  int64_t count() const { return count_; }
  int restores() const { return restores_; }

 private:
  std::string state_name_ = kStateName;
  int64_t count_ = 0;
  int restores_ = 0;
};

class StateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("floe_state_test_" + NewUuid());
    fs::create_directories(dir_);
    auto catalog = iceberg::OpenWarehouseCatalog((dir_ / "warehouse").string());
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    catalog_ = *catalog;
    schema_ = std::make_shared<iceberg::Schema>(
        0,
        std::vector<NestedField>{NestedField{1, "id", true, Type::Primitive(TypeId::kLong), ""}});
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  std::string Input(const std::string& name, int rows) {
    const fs::path path = dir_ / name;
    std::ofstream input(path);
    for (int i = 0; i < rows; ++i) input << "{\"id\": " << i << "}\n";
    return path.string();
  }

  Result<std::unique_ptr<IcebergSink>> OpenTable() {
    IcebergSinkOptions options;
    options.name = "out";
    options.job_id = "job";
    options.table = *iceberg::TableIdentifier::Parse("raw.events");
    options.create_if_missing = true;
    options.offsets_group = "job";
    options.data_file_prefix = "floe-job-";
    return IcebergSink::Open(catalog_, *schema_, options);
  }

  /// Runs the job over `input` into raw.events with `counter` as its stateful operator.
  Status Run(const std::string& input, CountingOperator* counter) {
    auto chain = TransformChain::Make(schema_, {});
    if (!chain.ok()) return chain.status();
    auto table = OpenTable();
    if (!table.ok()) return table.status();
    std::vector<SinkSlot> sinks;
    sinks.push_back(SinkSlot::ForTable(std::move(table).value(), "table raw.events"));
    sinks.push_back(SinkSlot::For(std::make_unique<RowTap>(counter), "the counter"));
    JobCounters counters;
    counters.written["out"] = 0;
    counters.written["counter"] = 0;
    JobRunnerOptions options;
    options.job_id = "job";
    options.source_schema = schema_;
    options.metadata = {MetadataColumn::kNone};
    options.transforms = std::make_shared<TransformChain>(std::move(chain).value());
    options.checkpoint.interval = std::chrono::hours(1);  // the final checkpoint only
    options.operators = {counter};
    auto runner = JobRunner::Make(std::move(options), std::move(sinks), std::nullopt, &counters);
    if (!runner.ok()) return runner.status();
    auto source = FileSource::Open("in", input, runner->get());
    if (!source.ok()) return source.status();
    (*runner)->set_source(std::move(source).value());
    return (*runner)->Run();
  }

  /// The current snapshot's summary.
  std::map<std::string, std::string> Summary() {
    auto table = catalog_->LoadTable(*iceberg::TableIdentifier::Parse("raw.events"));
    EXPECT_TRUE(table.ok()) << table.status().ToString();
    const iceberg::Snapshot* current = table->metadata.CurrentSnapshot();
    return current == nullptr ? std::map<std::string, std::string>{} : current->summary;
  }

  static std::string ReadFile(const std::string& location) {
    std::ifstream file(location, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(file), {});
  }

  /// Hands the number of rows of each batch to a CountingOperator (the runtime has no slot for
  /// operators yet, so it taps the rows where a sink gets them); keeps no output of its own.
  class RowTap final : public Sink {
   public:
    explicit RowTap(CountingOperator* counter) : counter_(counter) {}
    const std::string& name() const override { return name_; }
    Status Write(const RecordBatch&, Selection selection) override {
      counter_->Add(static_cast<int64_t>(selection.count));
      return Status::Ok();
    }
    Status Commit(const CheckpointInfo&) override { return Status::Ok(); }
    Result<OffsetMap> CommittedOffsets() override { return OffsetMap{}; }
    Status Close() override { return Status::Ok(); }

   private:
    std::string name_ = "counter";
    CountingOperator* counter_;
  };

  fs::path dir_;
  std::shared_ptr<iceberg::Catalog> catalog_;
  std::shared_ptr<iceberg::Schema> schema_;
};

TEST_F(StateTest, StateIsWrittenNamedBySnapshotAndRestoredOnTheNextRun) {
  CountingOperator first;
  Status status = Run(Input("a.jsonl", 30), &first);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(first.restores(), 0);  // nothing committed before: it starts empty
  std::map<std::string, std::string> summary = Summary();
  ASSERT_TRUE(summary.contains(kStateKey));
  const std::string location = summary.at(kStateKey);
  // Next to the table, named for the job, the operator and the checkpoint.
  const std::string folder =
      (dir_ / "warehouse" / "raw" / "events" / "metadata" / "floe-state").string();
  EXPECT_EQ(
      location.rfind(folder + "/floe-job-count.rows-" + summary.at("floe.checkpoint-id") + "-", 0),
      0u)
      << location;
  EXPECT_TRUE(location.ends_with(".state")) << location;
  EXPECT_EQ(ReadFile(location), "30");
  EXPECT_EQ(summary.at("total-records"), "30");

  // Another input (a new partition): the count goes on from the committed one.
  CountingOperator second;
  status = Run(Input("b.jsonl", 20), &second);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(second.restores(), 1);
  EXPECT_EQ(second.count(), 50);
  summary = Summary();
  ASSERT_TRUE(summary.contains(kStateKey));
  EXPECT_NE(summary.at(kStateKey), location);
  EXPECT_EQ(ReadFile(summary.at(kStateKey)), "50");
  EXPECT_EQ(summary.at("total-records"), "50");

  // The sink reads the pointers back from its last commit.
  auto table = OpenTable();
  ASSERT_TRUE(table.ok());
  auto committed = (*table)->CommittedState();
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_EQ(*committed, (std::map<std::string, std::string>{{kStateName, summary.at(kStateKey)}}));
}

TEST_F(StateTest, StateThatCannotBeRestoredFailsTheRunBeforeAnyRecord) {
  CountingOperator first;
  ASSERT_TRUE(Run(Input("a.jsonl", 5), &first).ok());
  const std::string location = Summary().at(kStateKey);
  std::ofstream(location, std::ios::trunc) << "five";
  CountingOperator second;
  Status status = Run(Input("b.jsonl", 5), &second);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("restoring state 'count.rows'"), std::string::npos)
      << status.message();
  EXPECT_NE(status.message().find("not a count: 'five'"), std::string::npos) << status.message();
  EXPECT_EQ(second.count(), 0);
  EXPECT_EQ(Summary().at("total-records"), "5");  // the second run committed nothing
}

TEST_F(StateTest, OrphanStateFilesAreDeletedAndCommittedOnesKept) {
  CountingOperator counter;
  ASSERT_TRUE(Run(Input("a.jsonl", 3), &counter).ok());
  const std::string committed = Summary().at(kStateKey);
  auto table = OpenTable();
  ASSERT_TRUE(table.ok());
  // A dead attempt's state: written, never named by a snapshot.
  auto orphan = (*table)->state_store().Write("job", kStateName, 99, "7");
  ASSERT_TRUE(orphan.ok()) << orphan.status().ToString();
  // Another job's file in the same folder is not this job's to delete.
  auto other = (*table)->state_store().Write("other", kStateName, 1, "1");
  ASSERT_TRUE(other.ok());

  auto young = (*table)->DeleteOrphanFiles(/*modified_before_ms=*/0);
  ASSERT_TRUE(young.ok()) << young.status().ToString();
  EXPECT_EQ(young->deleted, 0);
  EXPECT_TRUE(fs::exists(*orphan));

  auto old = (*table)->DeleteOrphanFiles(NowMillis() + 1000);
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_EQ(old->deleted, 1);
  EXPECT_FALSE(fs::exists(*orphan));
  EXPECT_TRUE(fs::exists(committed));
  EXPECT_TRUE(fs::exists(*other));
}

TEST_F(StateTest, EachWriterNamesItsOwnStateAndTheOthersStayNamed) {
  // Two processes of a group, each holding some partitions of a keyed window, commit to one
  // table and each names only the state of its own partitions: the current snapshot names the
  // newest location of every one, and a process restores a partition's state it never wrote.
  auto first = OpenTable();
  auto second = OpenTable();
  ASSERT_TRUE(first.ok() && second.ok());
  int64_t checkpoint = 0;
  const auto commit = [&](IcebergSink& sink, TopicPartition partition, int64_t offset,
                          std::string name, std::string location) {
    CheckpointInfo info;
    info.job_id = "job";
    info.checkpoint_id = ++checkpoint;
    info.final = true;  // commits without rows too
    info.offsets[partition] = offset;
    info.state_locations[std::move(name)] = std::move(location);
    Status status = sink.Commit(info);
    EXPECT_TRUE(status.ok()) << status.ToString();
  };
  commit(**first, {"in", 0}, 10, "window.1.in.0", "/state/a-1");
  commit(**second, {"in", 1}, 7, "window.1.in.1", "/state/b-1");
  commit(**first, {"in", 0}, 20, "window.1.in.0", "/state/a-2");
  std::map<std::string, std::string> summary = Summary();
  EXPECT_EQ(summary.at("floe.state.job.window.1.in.0"), "/state/a-2");
  EXPECT_EQ(summary.at("floe.state.job.window.1.in.1"), "/state/b-1");
  auto committed = (*second)->CommittedState();
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_EQ(*committed, (std::map<std::string, std::string>{{"window.1.in.0", "/state/a-2"},
                                                            {"window.1.in.1", "/state/b-1"}}));
}

TEST_F(StateTest, OperatorsJoinWithTheirCommittedStateAndLeave) {
  CountingOperator before;
  ASSERT_TRUE(Run(Input("a.jsonl", 12), &before).ok());
  const std::string location = Summary().at(kStateKey);
  // A coordinator that is running already (a partition assigned later): the operator gets its
  // committed state when it joins, and its state is in the checkpoints until it leaves.
  auto table = OpenTable();
  ASSERT_TRUE(table.ok());
  std::vector<SinkSlot> sinks;
  sinks.push_back(SinkSlot::ForTable(std::move(table).value(), "table raw.events"));
  JobCounters counters;
  CheckpointOptions options;
  options.job_id = "job";
  CheckpointCoordinator coordinator(options, std::move(sinks), std::nullopt, &counters);
  ASSERT_TRUE(coordinator.Start().ok());
  CountingOperator joined;
  Status status = coordinator.RegisterAndRestore({&joined});
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(joined.restores(), 1);
  EXPECT_EQ(joined.count(), 12);
  joined.Add(3);
  // Final checkpoints: they commit the offsets and the state without any rows.
  ASSERT_TRUE(coordinator.Checkpoint({{{"other", 0}, 1}}, std::nullopt, true).ok());
  const std::string written = Summary().at(kStateKey);
  EXPECT_NE(written, location);
  EXPECT_EQ(ReadFile(written), "15");
  // Gone (its partition revoked): no more state of it, and what it committed stays named.
  coordinator.Unregister(&joined);
  joined.Add(100);
  ASSERT_TRUE(coordinator.Checkpoint({{{"other", 0}, 2}}, std::nullopt, true).ok());
  EXPECT_EQ(Summary().at(kStateKey), written);
  ASSERT_TRUE(coordinator.CloseSinks().ok());
}

TEST(StateStoreTest, RejectsStateNamesThatWouldBreakTheFileName) {
  auto io = io::MakeFileIO("/tmp", {});
  ASSERT_TRUE(io.ok()) << io.status().ToString();
  StateStore store(*io, "/tmp/unused");
  auto written = store.Write("job", "window/orders", 1, "x");
  ASSERT_FALSE(written.ok());
  EXPECT_NE(written.status().message().find("state name 'window/orders'"), std::string::npos);
}

}  // namespace
}  // namespace floe::stream
