// Row deltas: data and position delete files committed as one snapshot (AppendFiles with
// delete_files), position delete files written and read back, and the validation hook that
// refuses deletes of files a concurrent commit removed.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "catalog_test_util.h"
#include "format/parquet/file_reader.h"
#include "iceberg/catalog/append_files.h"
#include "iceberg/catalog/table_files.h"
#include "iceberg/conversions.h"
#include "iceberg/data_file_writer.h"
#include "iceberg/manifest_avro.h"
#include "iceberg/partitioned_writer.h"
#include "iceberg/position_delete_writer.h"

namespace floe::iceberg {
namespace {

using ::testing::HasSubstr;
using testing::Id;
using testing::Ns;
using testing::ScratchDir;
using testing::TestSchema;

class RowDeltaTest : public ::testing::Test {
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

  DataFile WriteRows(int64_t first_id, int64_t rows, std::vector<RowLocation>* locations) {
    auto writer = PartitionedWriter::Make(catalog_->file_io(), table_.metadata);
    EXPECT_TRUE(writer.ok()) << writer.status().ToString();
    ColumnVector id(ColumnKind::kInt64), name(ColumnKind::kBytes);
    for (int64_t i = 0; i < rows; ++i) {
      id.Append<int64_t>(first_id + i);
      name.AppendBytes(fmt::format("n{}", first_id + i));
    }
    std::vector<const ColumnVector*> columns = {&id, &name};
    locations->assign(static_cast<size_t>(rows), RowLocation{});
    EXPECT_TRUE((*writer)
                    ->Write(columns, Selection::All(static_cast<size_t>(rows)), locations->data())
                    .ok());
    auto files = (*writer)->Finish();
    EXPECT_TRUE(files.ok());
    EXPECT_EQ(files->size(), 1u);
    EXPECT_EQ((*writer)->FileLocation(0), files->front().file_path);
    return files->front();
  }

  DataFile WriteDeletes(std::vector<PositionDelete> deletes, const std::string& name) {
    auto properties = ParquetPropertiesFromTable(table_.metadata.properties);
    EXPECT_TRUE(properties.ok());
    auto file =
        WritePositionDeleteFile(*catalog_->file_io(), table_.metadata.location + "/data/" + name,
                                std::move(deletes), {}, *properties);
    EXPECT_TRUE(file.ok()) << file.status().ToString();
    return *file;
  }

  ScratchDir dir_;
  std::shared_ptr<Catalog> catalog_;
  LoadedTable table_;
};

TEST_F(RowDeltaTest, PositionDeleteFilesAreSortedWithFullBoundsAndReadBack) {
  const std::string long_path = table_.metadata.location + "/data/" + std::string(40, 'x');
  DataFile file = WriteDeletes({{long_path, 9}, {long_path, 2}, {long_path, 9}}, "d1.parquet");
  EXPECT_EQ(file.content, DataFileContent::kPositionDeletes);
  EXPECT_EQ(file.record_count, 2);  // the duplicate is dropped
  EXPECT_EQ(file.referenced_data_file, long_path);
  EXPECT_EQ(file.lower_bounds.at(kDeleteFilePathFieldId), long_path);  // not truncated
  EXPECT_EQ(file.upper_bounds.at(kDeleteFilePathFieldId), long_path);
  EXPECT_EQ(
      *FromSingleValue(*Type::Primitive(TypeId::kLong), file.lower_bounds.at(kDeletePosFieldId)),
      Scalar(int64_t{2}));
  EXPECT_EQ(
      *FromSingleValue(*Type::Primitive(TypeId::kLong), file.upper_bounds.at(kDeletePosFieldId)),
      Scalar(int64_t{9}));
  auto read = ReadPositionDeleteFile(*catalog_->file_io(), file);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, (std::vector<PositionDelete>{{long_path, 2}, {long_path, 9}}));

  DataFile two = WriteDeletes({{"b", 1}, {"a", 5}, {"a", 1}}, "d2.parquet");
  EXPECT_FALSE(two.referenced_data_file);
  auto sorted = ReadPositionDeleteFile(*catalog_->file_io(), two);
  ASSERT_TRUE(sorted.ok());
  EXPECT_EQ(*sorted, (std::vector<PositionDelete>{{"a", 1}, {"a", 5}, {"b", 1}}));
  EXPECT_FALSE(
      WritePositionDeleteFile(*catalog_->file_io(), table_.metadata.location + "/x", {}, {}, {})
          .ok());
}

TEST_F(RowDeltaTest, DataAndDeletesCommitAsOneOverwriteSnapshot) {
  std::vector<RowLocation> first_rows;
  DataFile first = WriteRows(0, 5, &first_rows);
  EXPECT_EQ(first_rows[3].position, 3);
  auto appended = AppendFiles(*catalog_, table_, {first});
  ASSERT_TRUE(appended.ok()) << appended.status().ToString();
  table_ = appended->table;

  std::vector<RowLocation> second_rows;
  DataFile second = WriteRows(1, 2, &second_rows);  // ids 1 and 2 again: an upsert
  AppendOptions options;
  options.delete_files = {WriteDeletes({{first.file_path, 1}, {first.file_path, 2}}, "d.parquet")};
  auto delta = AppendFiles(*catalog_, table_, {second}, options);
  ASSERT_TRUE(delta.ok()) << delta.status().ToString();
  const Snapshot* snapshot = delta->table.metadata.CurrentSnapshot();
  ASSERT_NE(snapshot, nullptr);
  EXPECT_EQ(snapshot->summary.at("operation"), "overwrite");
  EXPECT_EQ(snapshot->summary.at("added-delete-files"), "1");
  EXPECT_EQ(snapshot->summary.at("added-position-delete-files"), "1");
  EXPECT_EQ(snapshot->summary.at("added-position-deletes"), "2");
  EXPECT_EQ(snapshot->summary.at("total-position-deletes"), "2");
  EXPECT_EQ(snapshot->summary.at("total-delete-files"), "1");
  EXPECT_EQ(snapshot->summary.at("total-data-files"), "2");
  EXPECT_EQ(snapshot->summary.at("total-records"), "7");

  auto manifests = ReadManifestList(*catalog_->file_io(), snapshot->manifest_list);
  ASSERT_TRUE(manifests.ok());
  int deletes_manifests = 0;
  for (const ManifestFile& manifest : *manifests) {
    if (manifest.content != ManifestContent::kDeletes) continue;
    ++deletes_manifests;
    EXPECT_EQ(manifest.sequence_number, snapshot->sequence_number);
    EXPECT_EQ(manifest.added_files_count, 1);
    EXPECT_EQ(manifest.added_rows_count, 2);
  }
  EXPECT_EQ(deletes_manifests, 1);

  auto files = ListTableFiles(*catalog_->file_io(), delta->table.metadata);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->data.size(), 2u);
  ASSERT_EQ(files->deletes.size(), 1u);
  EXPECT_EQ(files->deletes[0].data_sequence_number, snapshot->sequence_number);
  EXPECT_EQ(files->deletes[0].file.referenced_data_file, first.file_path);
  for (const LiveFile& live : files->data) {
    EXPECT_EQ(live.data_sequence_number, live.file.file_path == first.file_path
                                             ? snapshot->sequence_number - 1
                                             : snapshot->sequence_number);
  }

  // Deletes alone are a "delete" snapshot.
  AppendOptions only_deletes;
  only_deletes.delete_files = {WriteDeletes({{second.file_path, 0}}, "d3.parquet")};
  auto deleted = AppendFiles(*catalog_, delta->table, {}, only_deletes);
  ASSERT_TRUE(deleted.ok()) << deleted.status().ToString();
  EXPECT_EQ(deleted->table.metadata.CurrentSnapshot()->summary.at("operation"), "delete");
  EXPECT_EQ(deleted->table.metadata.CurrentSnapshot()->summary.at("total-position-deletes"), "3");
}

TEST_F(RowDeltaTest, ValidationFailureCommitsNothingAndDeletesTheManifests) {
  std::vector<RowLocation> rows;
  DataFile data = WriteRows(0, 3, &rows);
  AppendOptions options;
  options.file_prefix = "floe-test-";
  options.delete_files = {WriteDeletes({{data.file_path, 0}}, "d.parquet")};
  options.validate = [](const TableMetadata&) -> Status { return CommitFailed("data file gone"); };
  auto delta = AppendFiles(*catalog_, table_, {data}, options);
  ASSERT_FALSE(delta.ok());
  EXPECT_THAT(delta.status().message(), HasSubstr("data file gone"));
  auto loaded = catalog_->LoadTable(Id("db.t"));
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->metadata.CurrentSnapshot(), nullptr);
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir_.path())) {
    EXPECT_FALSE(entry.path().filename().string().starts_with("floe-test-")) << entry.path();
  }
}

TEST_F(RowDeltaTest, RemovedDataFilesSinceSeesAReplaceAndNotAnAppend) {
  std::vector<RowLocation> rows;
  DataFile a = WriteRows(0, 3, &rows);
  auto first = AppendFiles(*catalog_, table_, {a});
  ASSERT_TRUE(first.ok());
  const int64_t since = first->snapshot_id;
  DataFile b = WriteRows(3, 3, &rows);
  auto second = AppendFiles(*catalog_, first->table, {b});
  ASSERT_TRUE(second.ok());
  auto none = RemovedDataFilesSince(*catalog_->file_io(), second->table.metadata, since);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(none->empty());
  EXPECT_TRUE(RemovedDataFilesSince(*catalog_->file_io(), second->table.metadata, 12345)
                  .status()
                  .IsNotFound());
}

}  // namespace
}  // namespace floe::iceberg
