#include "iceberg/catalog/append_files.h"

#include <gtest/gtest.h>

#include "catalog_test_util.h"
#include "iceberg/catalog/table_files.h"
#include "iceberg/deletion_vector_file.h"
#include "iceberg/manifest_avro.h"
#include "iceberg/partitioned_writer.h"
#include "lossy_catalog.h"

namespace floe::iceberg {
namespace {

namespace fs = std::filesystem;
using testing::Id;
using testing::Ns;
using testing::ScratchDir;
using testing::TestSchema;

class AppendFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto catalog = OpenWarehouseCatalog(dir_.path().string());
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    catalog_ = *catalog;
    ASSERT_TRUE(catalog_->CreateNamespace(Ns("db"), {}).ok());
    auto table = catalog_->CreateTable(Id("db.t"), TestSchema(), PartitionSpec{}, "", {});
    ASSERT_TRUE(table.ok()) << table.status().ToString();
    table_ = *table;
  }

  /// Writes `rows` rows (ids from `first_id`) into new data files of the table.
  std::vector<DataFile> WriteRows(const LoadedTable& table, int64_t first_id, int64_t rows) {
    auto writer = PartitionedWriter::Make(catalog_->file_io(), table.metadata);
    EXPECT_TRUE(writer.ok()) << writer.status().ToString();
    ColumnVector id(ColumnKind::kInt64), name(ColumnKind::kBytes);
    for (int64_t i = 0; i < rows; ++i) {
      id.Append<int64_t>(first_id + i);
      name.AppendBytes(fmt::format("n{}", first_id + i));
    }
    std::vector<const ColumnVector*> columns = {&id, &name};
    EXPECT_TRUE((*writer)->Write(columns, Selection::All(static_cast<size_t>(rows))).ok());
    auto files = (*writer)->Finish();
    EXPECT_TRUE(files.ok());
    return *files;
  }

  int64_t LiveRecords(const LoadedTable& table) {
    const Snapshot* snapshot = table.metadata.CurrentSnapshot();
    if (snapshot == nullptr) return 0;
    auto manifests = ReadManifestList(*catalog_->file_io(), snapshot->manifest_list);
    EXPECT_TRUE(manifests.ok());
    int64_t records = 0;
    for (const ManifestFile& manifest : *manifests) {
      auto entries = ReadManifest(*catalog_->file_io(), manifest, *table.metadata.CurrentSchema(),
                                  *table.metadata.DefaultSpec());
      EXPECT_TRUE(entries.ok());
      for (const ManifestEntry& entry : *entries) records += entry.data_file.record_count;
    }
    return records;
  }

  ScratchDir dir_;
  std::shared_ptr<Catalog> catalog_;
  LoadedTable table_;
};

TEST_F(AppendFilesTest, EachAppendIsOneSnapshotWithRunningTotals) {
  auto first = AppendFiles(*catalog_, table_, WriteRows(table_, 0, 5));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = AppendFiles(*catalog_, first->table, WriteRows(first->table, 5, 7),
                            AppendOptions{{{"floe.checkpoint-id", "2"}}});
  ASSERT_TRUE(second.ok()) << second.status().ToString();

  auto loaded = catalog_->LoadTable(Id("db.t"));
  ASSERT_TRUE(loaded.ok());
  const TableMetadata& metadata = loaded->metadata;
  ASSERT_EQ(metadata.snapshots.size(), 2u);
  const Snapshot* current = metadata.CurrentSnapshot();
  ASSERT_NE(current, nullptr);
  EXPECT_EQ(current->snapshot_id, second->snapshot_id);
  EXPECT_EQ(current->parent_snapshot_id, first->snapshot_id);
  EXPECT_EQ(current->sequence_number, 2);
  EXPECT_EQ(metadata.last_sequence_number, 2);
  EXPECT_EQ(metadata.refs.at("main").snapshot_id, second->snapshot_id);
  EXPECT_EQ(metadata.snapshot_log.size(), 2u);
  EXPECT_EQ(current->summary.at("operation"), "append");
  EXPECT_EQ(current->summary.at("added-records"), "7");
  EXPECT_EQ(current->summary.at("total-records"), "12");
  EXPECT_EQ(current->summary.at("total-data-files"), "2");
  EXPECT_EQ(current->summary.at("floe.checkpoint-id"), "2");
  EXPECT_LT(second->snapshot_id, int64_t{1} << 53);
  EXPECT_EQ(LiveRecords(*loaded), 12);
}

TEST_F(AppendFilesTest, ALostRaceIsRetriedOnTheNewParent) {
  // Both appends start from the same base; the second must land on top of the first.
  std::vector<DataFile> a = WriteRows(table_, 0, 3);
  std::vector<DataFile> b = WriteRows(table_, 3, 4);
  auto first = AppendFiles(*catalog_, table_, a);
  ASSERT_TRUE(first.ok());
  auto second = AppendFiles(*catalog_, table_, b);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->attempts, 2);
  EXPECT_EQ(second->conflicts, 1);
  EXPECT_EQ(first->conflicts, 0);
  const Snapshot* current = second->table.metadata.CurrentSnapshot();
  EXPECT_EQ(current->parent_snapshot_id, first->snapshot_id);
  EXPECT_EQ(current->sequence_number, 2);
  EXPECT_EQ(current->summary.at("total-records"), "7");
  EXPECT_EQ(LiveRecords(second->table), 7);
}

TEST_F(AppendFilesTest, NothingToAppendIsAnError) {
  auto result = AppendFiles(*catalog_, table_, {});
  EXPECT_EQ(result.status().kind(), ErrorKind::kInvalidArgument);
  auto loaded = catalog_->LoadTable(Id("db.t"));
  EXPECT_EQ(loaded->metadata.CurrentSnapshot(), nullptr);
}

TEST_F(AppendFilesTest, ARefusedAppendLeavesNoManifests) {
  // The table is dropped under the writer: the commit cannot land, and its manifests go.
  std::vector<DataFile> files = WriteRows(table_, 0, 2);
  ASSERT_TRUE(catalog_->DropTable(Id("db.t"), /*purge=*/false).ok());
  auto result = AppendFiles(*catalog_, table_, files);
  EXPECT_FALSE(result.ok());
  size_t avro_files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir_.path())) {
    avro_files += entry.path().extension() == ".avro";
  }
  EXPECT_EQ(avro_files, 0u);
}

TEST_F(AppendFilesTest, ALostReplyOfACommitThatLandedIsNotCommittedTwice) {
  testing::LossyCatalog lossy(catalog_);
  lossy.Script({testing::LossyCatalog::Commit::kLandThenLose});
  auto result = AppendFiles(lossy, table_, WriteRows(table_, 0, 4));
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(lossy.commits_seen(), 1);  // found by reloading, not committed again
  auto loaded = catalog_->LoadTable(Id("db.t"));
  ASSERT_TRUE(loaded.ok());
  ASSERT_EQ(loaded->metadata.snapshots.size(), 1u);
  EXPECT_EQ(loaded->metadata.CurrentSnapshot()->snapshot_id, result->snapshot_id);
  EXPECT_EQ(LiveRecords(*loaded), 4);
}

TEST_F(AppendFilesTest, ALostCommitThatDidNotLandIsRetried) {
  testing::LossyCatalog lossy(catalog_);
  lossy.Script({testing::LossyCatalog::Commit::kLoseBeforeLand});
  AppendOptions options;
  options.snapshot_id = 4242;
  auto result = AppendFiles(lossy, table_, WriteRows(table_, 0, 3), options);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->attempts, 2);
  EXPECT_EQ(result->conflicts, 0);  // an unknown outcome is no conflict
  EXPECT_EQ(result->snapshot_id, 4242);
  auto loaded = catalog_->LoadTable(Id("db.t"));
  ASSERT_EQ(loaded->metadata.snapshots.size(), 1u);
  EXPECT_EQ(LiveRecords(*loaded), 3);
}

TEST_F(AppendFilesTest, AnOutcomeThatCannotBeCheckedStaysUnknownAndKeepsItsFiles) {
  testing::LossyCatalog lossy(catalog_);
  lossy.Script({testing::LossyCatalog::Commit::kLandThenLose});
  lossy.FailLoads(1);  // the reload that would tell
  std::vector<DataFile> files = WriteRows(table_, 0, 2);
  auto result = AppendFiles(lossy, table_, files);
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.status().IsCommitStateUnknown()) << result.status().ToString();
  EXPECT_NE(result.status().message().find("connection reset"), std::string::npos)
      << result.status().message();
  // It did land: everything it references must still be there.
  auto loaded = catalog_->LoadTable(Id("db.t"));
  ASSERT_EQ(loaded->metadata.snapshots.size(), 1u);
  EXPECT_EQ(LiveRecords(*loaded), 2);
  for (const DataFile& file : files) EXPECT_TRUE(fs::exists(file.file_path)) << file.file_path;
}

TEST_F(AppendFilesTest, RetriesStopAtTheDeadline) {
  // Lose every commit: without a deadline this would retry max_retries times.
  testing::LossyCatalog lossy(catalog_);
  std::deque<testing::LossyCatalog::Commit> lost(20,
                                                 testing::LossyCatalog::Commit::kLoseBeforeLand);
  lossy.Script(lost);
  AppendOptions options;
  options.min_retry_wait_ms = 200;
  options.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(100);
  auto result = AppendFiles(lossy, table_, WriteRows(table_, 0, 1), options);
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.status().IsCommitStateUnknown());
  EXPECT_EQ(lossy.commits_seen(), 1);
}

TEST_F(AppendFilesTest, AKnownFailureDeletesItsManifestsButNotTheDataFiles) {
  testing::LossyCatalog lossy(catalog_);
  lossy.Script({testing::LossyCatalog::Commit::kRefuse});
  std::vector<DataFile> files = WriteRows(table_, 0, 2);
  auto result = AppendFiles(lossy, table_, files);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().kind(), ErrorKind::kIoError);
  size_t avro_files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(dir_.path())) {
    avro_files += entry.path().extension() == ".avro";
  }
  EXPECT_EQ(avro_files, 0u);
  for (const DataFile& file : files) EXPECT_TRUE(fs::exists(file.file_path));  // the caller's
}

}  // namespace
}  // namespace floe::iceberg

namespace floe::iceberg {
namespace {

TEST(AppendFilesV3Test, RowLineageNumbersEveryAppendedRow) {
  testing::ScratchDir dir;
  auto catalog = OpenWarehouseCatalog(dir.path().string());
  ASSERT_TRUE(catalog.ok());
  ASSERT_TRUE((*catalog)->CreateNamespace(testing::Ns("db"), {}).ok());
  auto table = (*catalog)->CreateTable(testing::Id("db.v3"), testing::TestSchema(), PartitionSpec{},
                                       "", {{"format-version", "3"}});
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  ASSERT_EQ(table->metadata.format_version, 3);

  LoadedTable current = *table;
  std::vector<int64_t> first_row_ids;
  for (int64_t rows : {5, 7}) {
    auto writer = PartitionedWriter::Make((*catalog)->file_io(), current.metadata);
    ASSERT_TRUE(writer.ok());
    ColumnVector id(ColumnKind::kInt64), name(ColumnKind::kBytes);
    for (int64_t i = 0; i < rows; ++i) id.Append<int64_t>(i), name.AppendNull();
    std::vector<const ColumnVector*> columns = {&id, &name};
    ASSERT_TRUE((*writer)->Write(columns, Selection::All(static_cast<size_t>(rows))).ok());
    auto files = (*writer)->Finish();
    ASSERT_TRUE(files.ok());
    auto appended = AppendFiles(**catalog, current, *files);
    ASSERT_TRUE(appended.ok()) << appended.status().ToString();
    current = appended->table;
    const Snapshot* snapshot = current.metadata.CurrentSnapshot();
    ASSERT_TRUE(snapshot->first_row_id.has_value());
    EXPECT_EQ(snapshot->added_rows, rows);
    first_row_ids.push_back(*snapshot->first_row_id);
  }
  EXPECT_EQ(first_row_ids, (std::vector<int64_t>{0, 5}));
  auto loaded = (*catalog)->LoadTable(testing::Id("db.v3"));
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->metadata.next_row_id, 12);
  // The newest manifest list numbers its new manifest from 5; the parent's keeps 0.
  auto manifests =
      ReadManifestList(*(*catalog)->file_io(), loaded->metadata.CurrentSnapshot()->manifest_list);
  ASSERT_TRUE(manifests.ok());
  ASSERT_EQ(manifests->size(), 2u);
  EXPECT_EQ((*manifests)[0].first_row_id, 5);
  EXPECT_EQ((*manifests)[1].first_row_id, 0);
}

// A v3 row delta that replaces a data file's deletion vector: the old one is removed in the same
// snapshot (a DELETED entry in a rewrite of its manifest), so the file keeps one DV; a second DV
// for a file without removing its first, or removing a DV that is no longer live, fails.
TEST(AppendFilesV3Test, ANewDeletionVectorRemovesTheOneItMerges) {
  testing::ScratchDir dir;
  auto catalog = OpenWarehouseCatalog(dir.path().string());
  ASSERT_TRUE(catalog.ok());
  io::FileIO& io = *(*catalog)->file_io();
  ASSERT_TRUE((*catalog)->CreateNamespace(testing::Ns("db"), {}).ok());
  auto table = (*catalog)->CreateTable(testing::Id("db.dv"), testing::TestSchema(), PartitionSpec{},
                                       "", {{"format-version", "3"}});
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  auto writer = PartitionedWriter::Make((*catalog)->file_io(), table->metadata);
  ASSERT_TRUE(writer.ok());
  ColumnVector id(ColumnKind::kInt64), name(ColumnKind::kBytes);
  for (int64_t i = 0; i < 10; ++i) id.Append<int64_t>(i), name.AppendNull();
  std::vector<const ColumnVector*> columns = {&id, &name};
  ASSERT_TRUE((*writer)->Write(columns, Selection::All(10)).ok());
  auto data = (*writer)->Finish();
  ASSERT_TRUE(data.ok());
  auto appended = AppendFiles(**catalog, *table, *data);
  ASSERT_TRUE(appended.ok());
  const std::string data_path = (*data)[0].file_path;

  // DeleteRows(positions, removed): one DV for the data file, in a Puffin file of its own.
  int puffins = 0;
  const auto delete_rows = [&](const LoadedTable& base, std::vector<int64_t> positions,
                               std::vector<DataFile> removed) -> Result<AppendResult> {
    DeletionVector vector;
    for (int64_t position : positions) FLOE_RETURN_IF_ERROR(vector.Add(position));
    const DeletionVectorTarget target{data_path, {}, &vector};
    FLOE_ASSIGN_OR_RAISE(
        std::vector<DataFile> dv,
        WriteDeletionVectorFile(
            io, fmt::format("{}/data/dv-{}.puffin", base.metadata.location, ++puffins),
            std::span(&target, 1)));
    AppendOptions options;
    options.delete_files = dv;
    options.removed_delete_files = std::move(removed);
    return AppendFiles(**catalog, base, {}, options);
  };
  auto first = delete_rows(appended->table, {1, 2}, {});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto files = ListTableFiles(io, first->table.metadata);
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->deletes.size(), 1u);
  const DataFile first_dv = files->deletes[0].file;

  // Without removing the first DV, a second one for the same file is refused.
  auto duplicate = delete_rows(first->table, {1, 2, 5}, {});
  ASSERT_FALSE(duplicate.ok());
  EXPECT_TRUE(duplicate.status().IsCommitFailed()) << duplicate.status().ToString();
  EXPECT_NE(duplicate.status().message().find("does not replace"), std::string::npos);

  auto second = delete_rows(first->table, {1, 2, 5}, {first_dv});
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  files = ListTableFiles(io, second->table.metadata);
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->deletes.size(), 1u);
  EXPECT_EQ(files->deletes[0].file.record_count, 3);
  EXPECT_NE(files->deletes[0].file.file_path, first_dv.file_path);
  const auto& summary = second->table.metadata.CurrentSnapshot()->summary;
  EXPECT_EQ(summary.at("removed-delete-files"), "1");
  EXPECT_EQ(summary.at("total-delete-files"), "1");
  EXPECT_EQ(summary.at("total-position-deletes"), "3");
  // The old DV's entry is DELETED (with its own sequence number) in the new snapshot.
  auto manifests = ReadManifestList(io, second->table.metadata.CurrentSnapshot()->manifest_list);
  ASSERT_TRUE(manifests.ok());
  int deleted_entries = 0;
  for (const ManifestFile& manifest : *manifests) {
    auto entries = ReadManifestEntries(io, second->table.metadata, manifest);
    ASSERT_TRUE(entries.ok());
    for (const ManifestEntry& entry : *entries) {
      if (entry.status != ManifestEntryStatus::kDeleted) continue;
      ++deleted_entries;
      EXPECT_EQ(entry.data_file.file_path, first_dv.file_path);
      EXPECT_EQ(entry.snapshot_id, second->snapshot_id);
      EXPECT_EQ(entry.sequence_number, first->table.metadata.CurrentSnapshot()->sequence_number);
    }
  }
  EXPECT_EQ(deleted_entries, 1);

  // The first DV is gone now: removing it again (with the live one) fails.
  auto stale = delete_rows(second->table, {1, 2, 5, 6}, {files->deletes[0].file, first_dv});
  ASSERT_FALSE(stale.ok());
  EXPECT_TRUE(stale.status().IsCommitFailed()) << stale.status().ToString();
  EXPECT_NE(stale.status().message().find("no longer live"), std::string::npos);
}

}  // namespace
}  // namespace floe::iceberg
