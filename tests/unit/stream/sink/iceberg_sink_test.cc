#include "stream/sink/iceberg_sink.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "../../iceberg/catalog/lossy_catalog.h"
#include "common/clock.h"
#include "common/uuid.h"
#include "stream/offsets_json.h"

namespace floe::stream {
namespace {

namespace fs = std::filesystem;
using iceberg::NestedField;
using iceberg::Type;
using iceberg::TypeId;

class IcebergSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("floe_sink_test_" + NewUuid());
    auto catalog = iceberg::OpenWarehouseCatalog(dir_.string());
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    catalog_ = *catalog;
    schema_ = std::make_shared<iceberg::Schema>(
        0, std::vector<NestedField>{
               NestedField{1, "id", true, Type::Primitive(TypeId::kLong), ""},
               NestedField{2, "body", false, Type::Primitive(TypeId::kString), ""}});
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  IcebergSinkOptions Options(const std::string& group = "g1") {
    IcebergSinkOptions options;
    options.name = "out";
    options.table = *iceberg::TableIdentifier::Parse("raw.events");
    options.create_if_missing = true;
    options.offsets_group = group;
    return options;
  }

  RecordBatch Batch(int64_t first, int64_t rows) {
    RecordBatch batch;
    batch.schema = schema_;
    batch.columns.emplace_back(ColumnKind::kInt64);
    batch.columns.emplace_back(ColumnKind::kBytes);
    for (int64_t i = 0; i < rows; ++i) {
      batch.columns[0].Append<int64_t>(first + i);
      batch.columns[1].AppendBytes(fmt::format("body {}", first + i));
      batch.offsets.push_back(first + i);
    }
    return batch;
  }

  CheckpointInfo Checkpoint(int64_t id, OffsetMap offsets) {
    return CheckpointInfo{"job-1", id, std::move(offsets), int64_t{1757581271318522}};
  }

  size_t ParquetFiles() {
    size_t count = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dir_)) {
      count += entry.path().extension() == ".parquet";
    }
    return count;
  }

  fs::path dir_;
  std::shared_ptr<iceberg::Catalog> catalog_;
  std::shared_ptr<iceberg::Schema> schema_;
};

TEST_F(IcebergSinkTest, EachCheckpointIsOneSnapshotCarryingItsPositions) {
  auto sink = IcebergSink::Open(catalog_, *schema_, Options());
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  ASSERT_TRUE((*sink)->Write(Batch(0, 10), Selection::All(10)).ok());
  const uint32_t some[] = {1, 3};
  ASSERT_TRUE((*sink)->Write(Batch(10, 5), Selection{some, 2}).ok());
  ASSERT_TRUE((*sink)->Commit(Checkpoint(1, {{{"in", 0}, 15}})).ok());
  ASSERT_TRUE((*sink)->Commit(Checkpoint(2, {{{"in", 0}, 15}})).ok());  // nothing new: no snapshot

  const iceberg::TableMetadata& metadata = (*sink)->table().metadata;
  ASSERT_EQ(metadata.snapshots.size(), 1u);
  const auto& summary = metadata.CurrentSnapshot()->summary;
  EXPECT_EQ(summary.at("added-records"), "12");
  EXPECT_EQ(summary.at(kSummaryJobId), "job-1");
  EXPECT_EQ(summary.at(kSummaryCheckpointId), "1");
  EXPECT_EQ(summary.at(kSummaryWatermark), "1757581271318522");
  EXPECT_EQ(summary.at("floe.offsets.g1"), "{\"in\":{\"0\":15}}");
  EXPECT_EQ((*sink)->rows_committed(), 12);

  ASSERT_TRUE((*sink)->Write(Batch(15, 3), Selection::All(3)).ok());
  ASSERT_TRUE((*sink)->Commit(Checkpoint(3, {{{"in", 1}, 7}})).ok());
  auto offsets = (*sink)->CommittedOffsets();
  ASSERT_TRUE(offsets.ok());
  EXPECT_EQ(*offsets, (OffsetMap{{{"in", 0}, 15}, {{"in", 1}, 7}}));  // merged over the parent's
}

TEST_F(IcebergSinkTest, OffsetsSurviveOtherWritersInBetween) {
  auto mine = IcebergSink::Open(catalog_, *schema_, Options("mine"));
  auto theirs = IcebergSink::Open(catalog_, *schema_, Options("theirs"));
  ASSERT_TRUE(mine.ok() && theirs.ok());
  ASSERT_TRUE((*mine)->Write(Batch(0, 2), Selection::All(2)).ok());
  ASSERT_TRUE((*mine)->Commit(Checkpoint(1, {{{"a", 0}, 2}})).ok());
  ASSERT_TRUE((*theirs)->Write(Batch(100, 2), Selection::All(2)).ok());
  ASSERT_TRUE((*theirs)->Commit(Checkpoint(1, {{{"b", 0}, 9}})).ok());  // lands on top of mine
  ASSERT_TRUE((*mine)->Write(Batch(2, 2), Selection::All(2)).ok());
  ASSERT_TRUE((*mine)->Commit(Checkpoint(2, {{{"a", 1}, 4}})).ok());  // retried on theirs

  auto offsets = (*mine)->CommittedOffsets();
  ASSERT_TRUE(offsets.ok());
  EXPECT_EQ(*offsets, (OffsetMap{{{"a", 0}, 2}, {{"a", 1}, 4}}));
  auto other = (*theirs)->CommittedOffsets();
  EXPECT_EQ(*other, (OffsetMap{{{"b", 0}, 9}}));
  EXPECT_EQ((*mine)->table().metadata.snapshots.size(), 3u);
}

TEST_F(IcebergSinkTest, WriteParallelismSplitsRowsOverFilesOfOneSnapshot) {
  IcebergSinkOptions options = Options();
  options.write_parallelism = 3;
  auto sink = IcebergSink::Open(catalog_, *schema_, options);
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  int64_t expected = 0;
  for (int i = 0; i < 7; ++i) {
    std::vector<uint32_t> even;
    for (uint32_t r = 0; r < 100; r += 2) even.push_back(r);
    ASSERT_TRUE((*sink)->Write(Batch(i * 100, 100), Selection{even.data(), even.size()}).ok());
    expected += 50;
  }
  ASSERT_TRUE((*sink)->Commit(Checkpoint(1, {{{"in", 0}, 700}})).ok());
  const iceberg::TableMetadata& metadata = (*sink)->table().metadata;
  ASSERT_EQ(metadata.snapshots.size(), 1u);
  EXPECT_EQ(metadata.CurrentSnapshot()->summary.at("added-records"), std::to_string(expected));
  EXPECT_EQ(metadata.CurrentSnapshot()->summary.at("added-data-files"), "3");
  EXPECT_EQ(ParquetFiles(), 3u);
  // Again after the commit, and a close that throws away what was not committed.
  ASSERT_TRUE((*sink)->Write(Batch(700, 10), Selection::All(10)).ok());
  ASSERT_TRUE((*sink)->Close().ok());
  EXPECT_EQ(ParquetFiles(), 3u);
}

TEST_F(IcebergSinkTest, MovedOffsetsWithoutRowsCommitRarelyAndAtTheEnd) {
  auto sink = IcebergSink::Open(catalog_, *schema_, Options());
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->CommittedOffsets().ok());
  for (int i = 1; i < IcebergSink::kMaxEmptyCheckpoints; ++i) {
    ASSERT_TRUE((*sink)->Commit(Checkpoint(i, {{{"in", 0}, i * 10}})).ok());
  }
  EXPECT_TRUE((*sink)->table().metadata.snapshots.empty());
  ASSERT_TRUE((*sink)->Commit(Checkpoint(10, {{{"in", 0}, 100}})).ok());  // the tenth
  ASSERT_EQ((*sink)->table().metadata.snapshots.size(), 1u);
  EXPECT_EQ((*sink)->table().metadata.CurrentSnapshot()->summary.at("added-records"), "0");
  CheckpointInfo last = Checkpoint(11, {{{"in", 0}, 105}});
  last.final = true;
  ASSERT_TRUE((*sink)->Commit(last).ok());  // the final one records its offsets at once
  EXPECT_EQ((*sink)->table().metadata.snapshots.size(), 2u);
  ASSERT_TRUE((*sink)->Commit(last).ok());  // nothing moved: nothing to commit
  EXPECT_EQ((*sink)->table().metadata.snapshots.size(), 2u);
  auto offsets = (*sink)->CommittedOffsets();
  ASSERT_TRUE(offsets.ok());
  EXPECT_EQ(*offsets, (OffsetMap{{{"in", 0}, 105}}));
}

TEST_F(IcebergSinkTest, ColumnsMustFitTheTable) {
  ASSERT_TRUE(IcebergSink::Open(catalog_, *schema_, Options()).ok());  // creates raw.events
  iceberg::Schema wrong_type(0, {NestedField{1, "id", true, Type::Primitive(TypeId::kString), ""}});
  auto mismatch = IcebergSink::Open(catalog_, wrong_type, Options());
  ASSERT_FALSE(mismatch.ok());
  EXPECT_NE(mismatch.status().message().find("column 'id' is string in the job but long"),
            std::string::npos)
      << mismatch.status().message();
  iceberg::Schema missing(0, {NestedField{2, "body", false, Type::Primitive(TypeId::kString), ""}});
  auto lacking = IcebergSink::Open(catalog_, missing, Options());
  ASSERT_FALSE(lacking.ok());
  EXPECT_NE(lacking.status().message().find("no column 'id'"), std::string::npos);
  // An optional table column the job lacks is written as null.
  iceberg::Schema only_id(0, {NestedField{1, "id", true, Type::Primitive(TypeId::kLong), ""}});
  auto narrow = IcebergSink::Open(catalog_, only_id, Options());
  ASSERT_TRUE(narrow.ok()) << narrow.status().ToString();
  RecordBatch batch = Batch(0, 3);
  batch.schema = std::make_shared<iceberg::Schema>(only_id);
  batch.columns.pop_back();
  ASSERT_TRUE((*narrow)->Write(batch, Selection::All(3)).ok());
  ASSERT_TRUE((*narrow)->Commit(Checkpoint(1, {{{"x", 0}, 3}})).ok());
  EXPECT_EQ((*narrow)->rows_committed(), 3);
}

TEST_F(IcebergSinkTest, MissingTableWithoutCreateIsAnError) {
  IcebergSinkOptions options = Options();
  options.create_if_missing = false;
  auto sink = IcebergSink::Open(catalog_, *schema_, options);
  ASSERT_FALSE(sink.ok());
  EXPECT_TRUE(sink.status().IsNotFound());
  EXPECT_NE(sink.status().message().find("sink 'out' (raw.events)"), std::string::npos);
}

TEST_F(IcebergSinkTest, CloseDiscardsWhatWasNotCommitted) {
  auto sink = IcebergSink::Open(catalog_, *schema_, Options());
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->Write(Batch(0, 4), Selection::All(4)).ok());
  ASSERT_TRUE((*sink)->Close().ok());
  EXPECT_EQ(ParquetFiles(), 0u);
  auto offsets = (*sink)->CommittedOffsets();
  ASSERT_TRUE(offsets.ok());
  EXPECT_TRUE(offsets->empty());
}

using Lossy = iceberg::testing::LossyCatalog;

/// Records in the table's current snapshot (its summary's running total).
int64_t TotalRecords(const iceberg::TableMetadata& metadata) {
  const iceberg::Snapshot* current = metadata.CurrentSnapshot();
  return current == nullptr ? 0 : std::stoll(current->summary.at("total-records"));
}

TEST_F(IcebergSinkTest, AFailedCommitsRowsGoWithTheNext) {
  auto lossy = std::make_shared<Lossy>(catalog_);
  auto sink = IcebergSink::Open(lossy, *schema_, Options());
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  EXPECT_TRUE((*sink)->RetriesFailedCommits());
  lossy->Script({Lossy::Commit::kRefuse});
  ASSERT_TRUE((*sink)->Write(Batch(0, 3), Selection::All(3)).ok());
  Status failed = (*sink)->Commit(Checkpoint(1, {{{"in", 0}, 3}}));
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.message().find("sink 'out'"), std::string::npos) << failed.message();
  EXPECT_EQ((*sink)->rows_committed(), 0);
  ASSERT_TRUE((*sink)->Write(Batch(3, 2), Selection::All(2)).ok());
  ASSERT_TRUE((*sink)->Commit(Checkpoint(2, {{{"in", 0}, 5}})).ok());

  auto table = catalog_->LoadTable(Options().table);
  ASSERT_TRUE(table.ok());
  ASSERT_EQ(table->metadata.snapshots.size(), 1u);
  EXPECT_EQ(TotalRecords(table->metadata), 5);
  EXPECT_EQ(table->metadata.CurrentSnapshot()->summary.at(kSummaryCheckpointId), "2");
  EXPECT_EQ((*sink)->rows_committed(), 5);
  EXPECT_EQ(ParquetFiles(), 2u);  // both commits' files, each once
}

TEST_F(IcebergSinkTest, AnUnknownOutcomeThatLandedIsNotCommittedAgain) {
  auto lossy = std::make_shared<Lossy>(catalog_);
  auto sink = IcebergSink::Open(lossy, *schema_, Options());
  ASSERT_TRUE(sink.ok());
  lossy->Script({Lossy::Commit::kLandThenLose});
  lossy->FailLoads(1);  // so the append itself cannot find out
  ASSERT_TRUE((*sink)->Write(Batch(0, 3), Selection::All(3)).ok());
  Status unknown = (*sink)->Commit(Checkpoint(1, {{{"in", 0}, 3}}));
  ASSERT_TRUE(unknown.IsCommitStateUnknown()) << unknown.ToString();
  ASSERT_TRUE((*sink)->Write(Batch(3, 2), Selection::All(2)).ok());
  ASSERT_TRUE((*sink)->Commit(Checkpoint(2, {{{"in", 0}, 5}})).ok());

  auto table = catalog_->LoadTable(Options().table);
  ASSERT_EQ(table->metadata.snapshots.size(), 2u);
  EXPECT_EQ(TotalRecords(table->metadata), 5);  // not 8: checkpoint 1's files went in once
  EXPECT_EQ((*sink)->rows_committed(), 5);
  auto offsets = (*sink)->CommittedOffsets();
  EXPECT_EQ(*offsets, (OffsetMap{{{"in", 0}, 5}}));
}

TEST_F(IcebergSinkTest, AnUnknownOutcomeThatDidNotLandIsCommittedWithTheNext) {
  auto lossy = std::make_shared<Lossy>(catalog_);
  auto sink = IcebergSink::Open(lossy, *schema_, Options());
  ASSERT_TRUE(sink.ok());
  lossy->Script({Lossy::Commit::kLoseBeforeLand});
  lossy->FailLoads(2);  // the append's reload, and the first look before the next commit
  ASSERT_TRUE((*sink)->Write(Batch(0, 3), Selection::All(3)).ok());
  ASSERT_TRUE((*sink)->Commit(Checkpoint(1, {{{"in", 0}, 3}})).IsCommitStateUnknown());
  ASSERT_TRUE((*sink)->Write(Batch(3, 1), Selection::All(1)).ok());
  Status still = (*sink)->Commit(Checkpoint(2, {{{"in", 0}, 4}}));
  ASSERT_TRUE(still.IsCommitStateUnknown()) << still.ToString();
  EXPECT_NE(still.message().find("checkpoint 1"), std::string::npos) << still.message();
  ASSERT_TRUE((*sink)->Write(Batch(4, 1), Selection::All(1)).ok());
  ASSERT_TRUE((*sink)->Commit(Checkpoint(3, {{{"in", 0}, 5}})).ok());

  auto table = catalog_->LoadTable(Options().table);
  ASSERT_EQ(table->metadata.snapshots.size(), 1u);
  EXPECT_EQ(TotalRecords(table->metadata), 5);
  EXPECT_EQ(ParquetFiles(), 3u);
}

TEST_F(IcebergSinkTest, CloseKeepsTheFilesOfACommitThatMayHaveLanded) {
  auto lossy = std::make_shared<Lossy>(catalog_);
  auto sink = IcebergSink::Open(lossy, *schema_, Options());
  ASSERT_TRUE(sink.ok());
  lossy->Script({Lossy::Commit::kLandThenLose});
  lossy->FailLoads(1);
  ASSERT_TRUE((*sink)->Write(Batch(0, 3), Selection::All(3)).ok());
  ASSERT_TRUE((*sink)->Commit(Checkpoint(1, {{{"in", 0}, 3}})).IsCommitStateUnknown());
  ASSERT_TRUE((*sink)->Close().ok());
  auto table = catalog_->LoadTable(Options().table);
  EXPECT_EQ(TotalRecords(table->metadata), 3);
  EXPECT_EQ(ParquetFiles(), 1u);  // the table references it
}

TEST_F(IcebergSinkTest, OrphansOfAttemptsThatDiedAreDeleted) {
  IcebergSinkOptions options = Options();
  options.data_file_prefix = "floe-job-";
  {
    // An attempt whose commit failed and which then died (no Close): its file is an orphan.
    auto lossy = std::make_shared<Lossy>(catalog_);
    auto dead = IcebergSink::Open(lossy, *schema_, options);
    ASSERT_TRUE(dead.ok());
    lossy->Script({Lossy::Commit::kRefuse});
    ASSERT_TRUE((*dead)->Write(Batch(0, 3), Selection::All(3)).ok());
    ASSERT_FALSE((*dead)->Commit(Checkpoint(1, {{{"in", 0}, 3}})).ok());
  }
  auto sink = IcebergSink::Open(catalog_, *schema_, options);
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->Write(Batch(0, 2), Selection::All(2)).ok());
  ASSERT_TRUE((*sink)->Commit(Checkpoint(2, {{{"in", 0}, 2}})).ok());
  // Another writer's files, unreferenced too, are not this job's to delete.
  const fs::path data = dir_ / "raw" / "events" / "data";
  const fs::path metadata = dir_ / "raw" / "events" / "metadata";
  ASSERT_TRUE(fs::exists(data)) << data;
  std::ofstream(data / "00000-0-someone-else.parquet") << "x";
  std::ofstream(metadata / "someone-else-m0.avro") << "x";
  // A manifest of this job's that a crash left behind (after-manifest).
  std::ofstream(metadata / "floe-job-crashed-m0.avro") << "x";
  ASSERT_EQ(ParquetFiles(), 3u);

  auto young = (*sink)->DeleteOrphanFiles(/*modified_before_ms=*/0);
  ASSERT_TRUE(young.ok()) << young.status().ToString();
  EXPECT_EQ(young->deleted, 0);
  EXPECT_EQ(young->too_young, 2);
  EXPECT_EQ(young->referenced, 3);  // the data file, its manifest and manifest list

  auto old = (*sink)->DeleteOrphanFiles(NowMillis() + 1000);
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->deleted, 2);
  EXPECT_EQ(ParquetFiles(), 2u);
  EXPECT_FALSE(fs::exists(metadata / "floe-job-crashed-m0.avro"));
  EXPECT_TRUE(fs::exists(data / "00000-0-someone-else.parquet"));
  EXPECT_TRUE(fs::exists(metadata / "someone-else-m0.avro"));
  auto table = catalog_->LoadTable(options.table);
  EXPECT_EQ(TotalRecords(table->metadata), 2);
}

TEST_F(IcebergSinkTest, OffsetsAreFoundBehindManyOtherSnapshots) {
  auto mine = IcebergSink::Open(catalog_, *schema_, Options("mine"));
  ASSERT_TRUE(mine.ok());
  ASSERT_TRUE((*mine)->Write(Batch(0, 1), Selection::All(1)).ok());
  ASSERT_TRUE((*mine)->Commit(Checkpoint(1, {{{"a", 0}, 1}})).ok());
  for (int i = 0; i < 5; ++i) {
    auto theirs = IcebergSink::Open(catalog_, *schema_, Options(fmt::format("other{}", i)));
    ASSERT_TRUE(theirs.ok());
    ASSERT_TRUE((*theirs)->Write(Batch(10 + i, 1), Selection::All(1)).ok());
    ASSERT_TRUE((*theirs)->Commit(Checkpoint(1, {{{"b", 0}, i + 1}})).ok());
  }
  // A fresh sink of the group (a restarted job) walks the ancestry back to its own snapshot.
  auto restarted = IcebergSink::Open(catalog_, *schema_, Options("mine"));
  ASSERT_TRUE(restarted.ok());
  auto offsets = (*restarted)->CommittedOffsets();
  ASSERT_TRUE(offsets.ok());
  EXPECT_EQ(*offsets, (OffsetMap{{{"a", 0}, 1}}));
  auto none = IcebergSink::Open(catalog_, *schema_, Options("never-committed"));
  EXPECT_TRUE((*none)->CommittedOffsets()->empty());
}

TEST(OffsetsJsonTest, MergeOverTheParentsMap) {
  const std::string parent = R"({"t":{"0":1,"1":2},"u":{"0":4}})";
  auto merged = MergeOffsetsJson(&parent, {{{"t", 1}, 5}, {{"t", 2}, 7}});
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ(*merged, R"({"t":{"0":1,"1":5,"2":7},"u":{"0":4}})");
  auto none = MergeOffsetsJson(nullptr, {{{"/in.jsonl", 0}, 20001}});
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, R"({"/in.jsonl":{"0":20001}})");
  const std::string bad = "{";
  EXPECT_FALSE(MergeOffsetsJson(&bad, {}).ok());
}

TEST(OffsetsJsonTest, RoundTripAndBadInput) {
  OffsetMap offsets{{{"t", 0}, 3}, {{"t", 10}, 0}, {{"a/b c", 2}, 99}};
  auto parsed = OffsetsFromJson(OffsetsToJson(offsets));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, offsets);
  EXPECT_EQ(OffsetsToJson({}), "{}");
  for (const char* bad : {"[1]", "{", R"({"t":3})", R"({"t":{"x":1}})", R"({"t":{"-1":1}})",
                          R"({"t":{"0":"5"}})", R"({"t":{"0":1.5}})"}) {
    auto result = OffsetsFromJson(bad);
    ASSERT_FALSE(result.ok()) << bad;
    EXPECT_EQ(result.status().kind(), ErrorKind::kCorrupt) << bad;
  }
  auto message = OffsetsFromJson(R"({"t":{"0":"5"}})");
  EXPECT_NE(message.status().message().find("topic 't' partition 0"), std::string::npos)
      << message.status().message();
}

}  // namespace
}  // namespace floe::stream
