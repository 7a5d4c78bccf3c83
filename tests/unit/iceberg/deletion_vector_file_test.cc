#include "iceberg/deletion_vector_file.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "format/puffin/file_reader.h"
#include "io/local_file_io.h"

namespace floe::iceberg {
namespace {

class DeletionVectorFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("floe-dv-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  io::LocalFileIO io_;
};

TEST_F(DeletionVectorFileTest, WritesOneBlobPerDataFileWithItsManifestEntry) {
  DeletionVector a;
  DeletionVector b;
  for (int64_t p : {0, 3, 99999}) ASSERT_TRUE(a.Add(p).ok());
  ASSERT_TRUE(b.Add(42).ok());
  const std::string location = (dir_ / "dv.puffin").string();
  const std::vector<DeletionVectorTarget> targets = {
      {"/t/data/a.parquet", {Scalar(int32_t{7})}, &a}, {"/t/data/b.parquet", {}, &b}};
  auto files = WriteDeletionVectorFile(io_, location, targets);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 2u);
  const DataFile& first = (*files)[0];
  EXPECT_EQ(first.content, DataFileContent::kPositionDeletes);
  EXPECT_EQ(first.file_format, FileFormat::kPuffin);
  EXPECT_EQ(first.record_count, 3);
  EXPECT_EQ(first.referenced_data_file, "/t/data/a.parquet");
  EXPECT_EQ(first.file_size_in_bytes, static_cast<int64_t>(std::filesystem::file_size(location)));
  EXPECT_EQ(first.content_offset, 4);  // right after the leading magic
  EXPECT_EQ(first.partition, targets[0].partition);

  // The footer says the same as the entries, with the spec's blob metadata.
  auto reader = puffin::FileReader::Open(*io_.NewInputFile(location));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  const auto& blobs = (*reader)->metadata().blobs;
  ASSERT_EQ(blobs.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(blobs[i].type, "deletion-vector-v1");
    EXPECT_EQ(blobs[i].fields, std::vector<int32_t>{2147483545});
    EXPECT_EQ(blobs[i].snapshot_id, -1);
    EXPECT_EQ(blobs[i].sequence_number, -1);
    EXPECT_FALSE(blobs[i].compression_codec.has_value());
    EXPECT_EQ(blobs[i].offset, (*files)[i].content_offset);
    EXPECT_EQ(blobs[i].length, (*files)[i].content_size_in_bytes);
    EXPECT_EQ(blobs[i].properties.at("referenced-data-file"), *(*files)[i].referenced_data_file);
    EXPECT_EQ(blobs[i].properties.at("cardinality"), std::to_string((*files)[i].record_count));
  }

  auto read_a = ReadDeletionVector(io_, first);
  ASSERT_TRUE(read_a.ok()) << read_a.status().ToString();
  EXPECT_EQ(read_a->Positions(), (std::vector<int64_t>{0, 3, 99999}));
  auto read_b = ReadDeletionVector(io_, (*files)[1]);
  ASSERT_TRUE(read_b.ok());
  EXPECT_EQ(read_b->Positions(), std::vector<int64_t>{42});
}

TEST_F(DeletionVectorFileTest, WrongInputsAndDamagedEntries) {
  DeletionVector a;
  ASSERT_TRUE(a.Add(1).ok());
  DeletionVector empty;
  const std::string location = (dir_ / "dv.puffin").string();
  const std::vector<DeletionVectorTarget> twice = {{"/x.parquet", {}, &a}, {"/x.parquet", {}, &a}};
  auto duplicate = WriteDeletionVectorFile(io_, location, twice);
  ASSERT_FALSE(duplicate.ok());
  EXPECT_NE(duplicate.status().message().find("merge them first"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(location));
  const std::vector<DeletionVectorTarget> none = {{"/x.parquet", {}, &empty}};
  EXPECT_FALSE(WriteDeletionVectorFile(io_, location, none).ok());

  const std::vector<DeletionVectorTarget> one = {{"/x.parquet", {}, &a}};
  auto files = WriteDeletionVectorFile(io_, location, one);
  ASSERT_TRUE(files.ok());
  DataFile wrong_count = (*files)[0];
  wrong_count.record_count = 2;
  auto counted = ReadDeletionVector(io_, wrong_count);
  ASSERT_FALSE(counted.ok());
  EXPECT_EQ(counted.status().kind(), ErrorKind::kCorrupt);
  DataFile wrong_offset = (*files)[0];
  *wrong_offset.content_offset += 1;
  EXPECT_EQ(ReadDeletionVector(io_, wrong_offset).status().kind(), ErrorKind::kCorrupt);
  DataFile no_offset = (*files)[0];
  no_offset.content_offset.reset();
  EXPECT_NE(ReadDeletionVector(io_, no_offset).status().message().find("content_offset"),
            std::string::npos);
}

}  // namespace
}  // namespace floe::iceberg
