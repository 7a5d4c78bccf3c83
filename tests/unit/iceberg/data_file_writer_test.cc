#include "iceberg/data_file_writer.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <map>
#include <set>

#include "common/uuid.h"
#include "iceberg/partitioned_writer.h"
#include "iceberg/table_metadata.h"

namespace floe::iceberg {
namespace {

namespace fs = std::filesystem;

class ScratchDir {
 public:
  ScratchDir() : path_(fs::temp_directory_path() / ("floe_writer_test_" + NewUuid())) {
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string LittleEndian64(int64_t v) {
  std::string out(sizeof(v), '\0');
  std::memcpy(out.data(), &v, sizeof(v));
  return out;
}

Schema MetricsSchema() {
  return Schema(0, {
                       NestedField{1, "id", true, Type::Primitive(TypeId::kLong), ""},
                       NestedField{2, "name", false, Type::Primitive(TypeId::kString), ""},
                       NestedField{3, "price", false, Type::Decimal(9, 2), ""},
                       NestedField{4, "big", false, Type::Decimal(38, 0), ""},
                       NestedField{5, "flag", false, Type::Primitive(TypeId::kBoolean), ""},
                   });
}

std::string Wide(int64_t v) {  // 16-byte big-endian two's complement
  std::string out(16, v < 0 ? '\xff' : '\0');
  for (int i = 0; i < 8; ++i) out[15 - i] = static_cast<char>((v >> (8 * i)) & 0xFF);
  return out;
}

TEST(DataFileWriterTest, ParquetColumnsFollowIcebergTypes) {
  auto schema = ParquetSchemaFor(MetricsSchema());
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  ASSERT_EQ(schema->columns.size(), 5u);
  EXPECT_EQ(schema->columns[0].repetition, parquet::Repetition::kRequired);
  EXPECT_EQ(schema->columns[0].field_id, 1);
  EXPECT_EQ(schema->columns[2].physical_type, parquet::PhysicalType::kInt32);  // decimal(9, 2)
  EXPECT_EQ(schema->columns[3].physical_type, parquet::PhysicalType::kFixedLenByteArray);
  EXPECT_EQ(schema->columns[3].type_length, 16);  // 38 digits need 16 bytes
  auto nested = ParquetColumnFor(NestedField{9, "s", false, Type::Struct({}), ""});
  EXPECT_EQ(nested.status().kind(), ErrorKind::kNotSupported);
}

TEST(DataFileWriterTest, MetricsMatchTheData) {
  ScratchDir dir;
  auto io = io::MakeFileIO(dir.path().string(), {});
  ASSERT_TRUE(io.ok());
  std::string location = (dir.path() / "data" / "f.parquet").string();
  auto writer = DataFileWriter::Make(**io, location, MetricsSchema(), {}, {});
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();

  ColumnVector id(ColumnKind::kInt64), name(ColumnKind::kBytes), price(ColumnKind::kInt64),
      big(ColumnKind::kFixed, 16), flag(ColumnKind::kBool);
  const std::string long_name = "zz long string of more than sixteen characters";
  id.Append<int64_t>(3), id.Append<int64_t>(-5), id.Append<int64_t>(10);
  name.AppendBytes("a"), name.AppendNull(), name.AppendBytes(long_name);
  price.Append<int64_t>(1250), price.Append<int64_t>(-25), price.AppendNull();
  big.AppendBytes(Wide(-1)), big.AppendBytes(Wide(300)), big.AppendNull();
  flag.AppendNull(), flag.AppendNull(), flag.AppendNull();
  std::vector<const ColumnVector*> columns = {&id, &name, &price, &big, &flag};
  ASSERT_TRUE((*writer)->Write(columns, Selection::All(3)).ok());
  auto file = (*writer)->Close();
  ASSERT_TRUE(file.ok()) << file.status().ToString();

  EXPECT_EQ(file->file_path, location);
  EXPECT_EQ(file->record_count, 3);
  EXPECT_EQ(file->file_size_in_bytes, static_cast<int64_t>(fs::file_size(location)));
  ASSERT_EQ(file->split_offsets.size(), 1u);
  EXPECT_EQ(file->split_offsets[0], 4);  // the first row group starts after "PAR1"
  EXPECT_EQ(file->value_counts.at(2), 3);
  EXPECT_EQ(file->null_value_counts.at(2), 1);
  EXPECT_EQ(file->null_value_counts.at(5), 3);
  EXPECT_GT(file->column_sizes.at(1), 0);
  // long: 8-byte little-endian bounds
  EXPECT_EQ(file->lower_bounds.at(1), LittleEndian64(-5));
  EXPECT_EQ(file->upper_bounds.at(1), LittleEndian64(10));
  // string: truncate(16); the upper bound's last character incremented
  EXPECT_EQ(file->lower_bounds.at(2), "a");
  EXPECT_EQ(file->upper_bounds.at(2), "zz long string p");
  // decimals: minimal big-endian two's complement of the unscaled value
  EXPECT_EQ(file->lower_bounds.at(3), std::string("\xe7", 1));      // -25
  EXPECT_EQ(file->upper_bounds.at(3), std::string("\x04\xe2", 2));  // 1250
  EXPECT_EQ(file->lower_bounds.at(4), std::string("\xff", 1));      // -1
  EXPECT_EQ(file->upper_bounds.at(4), std::string("\x01\x2c", 2));  // 300
  // all-null column: no bounds
  EXPECT_FALSE(file->lower_bounds.contains(5));
}

TEST(DataFileWriterTest, RequiredNullIsRefusedAndAbortLeavesNothing) {
  ScratchDir dir;
  auto io = io::MakeFileIO(dir.path().string(), {});
  ASSERT_TRUE(io.ok());
  std::string location = (dir.path() / "g.parquet").string();
  auto writer = DataFileWriter::Make(**io, location, MetricsSchema(), {}, {});
  ASSERT_TRUE(writer.ok());
  ColumnVector id(ColumnKind::kInt64), name(ColumnKind::kBytes), price(ColumnKind::kInt64),
      big(ColumnKind::kFixed, 16), flag(ColumnKind::kBool);
  id.AppendNull(), name.AppendNull(), price.AppendNull(), big.AppendNull(), flag.AppendNull();
  std::vector<const ColumnVector*> columns = {&id, &name, &price, &big, &flag};
  Status status = (*writer)->Write(columns, Selection::All(1));
  EXPECT_EQ(status.kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(status.message().find("id"), std::string::npos) << status.message();
  EXPECT_TRUE((*writer)->Abort().ok());
  EXPECT_FALSE(fs::exists(location));
}

TEST(DataFileWriterTest, BadWritePropertiesNameTheProperty) {
  Status codec = ValidateWriteProperties({{"write.parquet.compression-codec", "lz5"}});
  EXPECT_EQ(codec.kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(codec.message().find("write.parquet.compression-codec"), std::string::npos);
  Status size = ValidateWriteProperties({{"write.target-file-size-bytes", "-3"}});
  EXPECT_NE(size.message().find("write.target-file-size-bytes"), std::string::npos);
  EXPECT_TRUE(ValidateWriteProperties({{"write.parquet.compression-codec", "gzip"}}).ok());
}

class PartitionedWriterTest : public ::testing::Test {
 protected:
  Schema EventSchema() {
    return Schema(0, {NestedField{1, "id", true, Type::Primitive(TypeId::kLong), ""},
                      NestedField{2, "kind", false, Type::Primitive(TypeId::kString), ""}});
  }
  TableMetadata Metadata(std::map<std::string, std::string> properties) {
    auto spec = ParsePartitionBy("identity(kind)", EventSchema());
    EXPECT_TRUE(spec.ok());
    auto metadata =
        NewTableMetadata(EventSchema(), *spec, (dir_.path() / "t").string(), std::move(properties));
    EXPECT_TRUE(metadata.ok());
    return *metadata;
  }
  void Fill(size_t rows) {
    id_.Clear(), kind_.Clear();
    for (size_t i = 0; i < rows; ++i) {
      id_.Append<int64_t>(static_cast<int64_t>(i));
      if (i % 3 == 2) {
        kind_.AppendNull();
      } else {
        kind_.AppendBytes(i % 3 == 0 ? "a b" : "c/d");
      }
    }
  }

  ScratchDir dir_;
  ColumnVector id_{ColumnKind::kInt64};
  ColumnVector kind_{ColumnKind::kBytes};
};

TEST_F(PartitionedWriterTest, OneFilePerPartitionWithEncodedPaths) {
  auto io = io::MakeFileIO(dir_.path().string(), {});
  auto writer = PartitionedWriter::Make(*io, Metadata({}));
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  Fill(30);
  std::vector<const ColumnVector*> columns = {&id_, &kind_};
  ASSERT_TRUE((*writer)->Write(columns, Selection::All(30)).ok());
  auto files = (*writer)->Finish();
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 3u);
  int64_t rows = 0;
  std::set<std::string> dirs;
  for (const DataFile& file : *files) {
    rows += file.record_count;
    EXPECT_EQ(file.record_count, 10);
    dirs.insert(fs::path(file.file_path).parent_path().filename().string());
    ASSERT_EQ(file.partition.size(), 1u);
  }
  EXPECT_EQ(rows, 30);
  EXPECT_EQ(dirs, (std::set<std::string>{"kind=a%20b", "kind=c%2Fd", "kind=null"}));
}

TEST_F(PartitionedWriterTest, FilesRollAtTheTargetSize) {
  auto io = io::MakeFileIO(dir_.path().string(), {});
  auto writer = PartitionedWriter::Make(*io, Metadata({{"write.target-file-size-bytes", "1"}}));
  ASSERT_TRUE(writer.ok());
  Fill(3);
  std::vector<const ColumnVector*> columns = {&id_, &kind_};
  for (int batch = 0; batch < 4; ++batch) {
    ASSERT_TRUE((*writer)->Write(columns, Selection::All(3)).ok());
  }
  auto files = (*writer)->Finish();
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(files->size(), 12u);  // every write passes the 1-byte target: one file per write
}

TEST_F(PartitionedWriterTest, RowGroupsDefaultTo8MiBSoBufferedRowsStayBounded) {
  // 1.5M random longs are 12 MB of incompressible values: over the 8 MiB default the file has
  // two row groups, so the writer never held all of it in memory. A table may still ask for
  // Iceberg's 128 MiB.
  EXPECT_EQ(kDefaultRowGroupSizeBytes, 8 * 1024 * 1024);
  auto defaults = ParquetPropertiesFromTable({});
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->row_group_size_bytes, 8 * 1024 * 1024);
  auto asked = ParquetPropertiesFromTable({{"write.parquet.row-group-size-bytes", "134217728"}});
  ASSERT_TRUE(asked.ok());
  EXPECT_EQ(asked->row_group_size_bytes, 134217728);

  constexpr size_t kRows = 1500000;
  id_.Clear(), kind_.Clear();
  uint64_t state = 88172645463325252ull;
  for (size_t i = 0; i < kRows; ++i) {
    state ^= state << 13, state ^= state >> 7, state ^= state << 17;  // xorshift64
    id_.Append<int64_t>(static_cast<int64_t>(state));
    kind_.AppendBytes("a");
  }
  std::vector<const ColumnVector*> columns = {&id_, &kind_};
  auto io = io::MakeFileIO(dir_.path().string(), {});
  auto writer = PartitionedWriter::Make(*io, Metadata({}));
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Write(columns, Selection::All(kRows)).ok());
  auto files = (*writer)->Finish();
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 1u);
  EXPECT_EQ((*files)[0].record_count, static_cast<int64_t>(kRows));
  EXPECT_EQ((*files)[0].split_offsets.size(), 2u);
}

TEST_F(PartitionedWriterTest, AbortDeletesEverythingWritten) {
  auto io = io::MakeFileIO(dir_.path().string(), {});
  auto writer = PartitionedWriter::Make(*io, Metadata({{"write.target-file-size-bytes", "1"}}));
  ASSERT_TRUE(writer.ok());
  Fill(9);
  std::vector<const ColumnVector*> columns = {&id_, &kind_};
  ASSERT_TRUE((*writer)->Write(columns, Selection::All(9)).ok());
  ASSERT_TRUE((*writer)->Abort().ok());
  size_t left = 0;
  if (fs::exists(dir_.path() / "t")) {
    for (const auto& entry : fs::recursive_directory_iterator(dir_.path() / "t")) {
      left += entry.is_regular_file();
    }
  }
  EXPECT_EQ(left, 0u);
}

}  // namespace
}  // namespace floe::iceberg
