#include "stream/sink/parallel_writer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <set>

#include "common/uuid.h"
#include "format/parquet/file_reader.h"
#include "io/local_file_io.h"

namespace floe::stream {
namespace {

namespace fs = std::filesystem;
using iceberg::NestedField;
using iceberg::Type;
using iceberg::TypeId;

// Local files whose streams fail to close once `closes_left` closes have succeeded (a full
// disk, a lost S3 upload): what a writer meets when it closes its files at Finish.
class FailingCloseIO final : public io::FileIO {
 public:
  explicit FailingCloseIO(int closes_left) : closes_left_(closes_left) {}

  Result<std::unique_ptr<io::OutputStream>> NewOutputFile(const std::string& location) override {
    FLOE_ASSIGN_OR_RAISE(auto stream, local_.NewOutputFile(location));
    return std::unique_ptr<io::OutputStream>(new Stream(std::move(stream), &closes_left_));
  }
  Result<std::unique_ptr<io::InputFile>> NewInputFile(const std::string& location) override {
    return local_.NewInputFile(location);
  }
  Status WriteFile(const std::string& location, std::string_view contents,
                   io::WriteMode mode) override {
    return local_.WriteFile(location, contents, mode);
  }
  Result<std::string> ReadFile(const std::string& location) override {
    return local_.ReadFile(location);
  }
  Status DeleteFile(const std::string& location) override { return local_.DeleteFile(location); }
  Result<bool> Exists(const std::string& location) override { return local_.Exists(location); }
  Result<std::vector<io::FileInfo>> ListFiles(const std::string& prefix) override {
    return local_.ListFiles(prefix);
  }

 private:
  class Stream final : public io::OutputStream {
   public:
    Stream(std::unique_ptr<io::OutputStream> inner, std::atomic<int>* closes_left)
        : inner_(std::move(inner)), closes_left_(closes_left) {}
    Status Write(const void* data, size_t size) override { return inner_->Write(data, size); }
    int64_t Position() const override { return inner_->Position(); }
    Status Close() override {
      if (closes_left_->fetch_sub(1) <= 0) {
        (void)inner_->Abort();
        return IoError("no space left on device (the test's)");
      }
      return inner_->Close();
    }
    Status Abort() override { return inner_->Abort(); }

   private:
    std::unique_ptr<io::OutputStream> inner_;
    std::atomic<int>* closes_left_;
  };

  io::LocalFileIO local_;
  std::atomic<int> closes_left_;
};

class ParallelWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("floe_parallel_writer_test_" + NewUuid());
    fs::create_directories(dir_);
    iceberg::Schema schema(0,
                           {NestedField{1, "id", true, Type::Primitive(TypeId::kLong), ""},
                            NestedField{2, "body", false, Type::Primitive(TypeId::kString), ""}});
    auto metadata =
        iceberg::NewTableMetadata(schema, iceberg::PartitionSpec{}, (dir_ / "t").string(), {});
    ASSERT_TRUE(metadata.ok()) << metadata.status().ToString();
    metadata_ = *metadata;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  // Writes `batches` batches of `rows` rows (ids counting up from 0, every third one left out
  // by the selection) and returns the ids written.
  std::set<int64_t> WriteBatches(ParallelWriter& writer, int batches, int64_t rows) {
    std::set<int64_t> written;
    int64_t next = 0;
    for (int b = 0; b < batches; ++b) {
      ColumnVector id(ColumnKind::kInt64);
      ColumnVector body(ColumnKind::kBytes);
      std::vector<uint32_t> kept;
      for (int64_t i = 0; i < rows; ++i, ++next) {
        id.Append<int64_t>(next);
        body.AppendBytes(fmt::format("body {}", next));
        if (next % 3 != 2) {
          kept.push_back(static_cast<uint32_t>(i));
          written.insert(next);
        }
      }
      std::vector<const ColumnVector*> columns = {&id, &body};
      Status status = writer.Write(columns, Selection{kept.data(), kept.size()});
      EXPECT_TRUE(status.ok()) << status.ToString();
    }
    return written;
  }

  size_t ParquetFiles() {
    size_t count = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dir_)) {
      count += entry.path().extension() == ".parquet";
    }
    return count;
  }

  fs::path dir_;
  iceberg::TableMetadata metadata_;
};

TEST_F(ParallelWriterTest, EveryWriterClosesItsFileAndEverySelectedRowIsInOne) {
  auto io = std::make_shared<io::LocalFileIO>();
  auto writer = ParallelWriter::Make(io, metadata_, 3);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  const std::set<int64_t> expected = WriteBatches(**writer, 7, 1000);
  EXPECT_EQ((*writer)->rows_written(), static_cast<int64_t>(expected.size()));
  auto files = (*writer)->Finish();
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 3u);  // batches go round the three writers: each wrote a file
  std::set<int64_t> read;
  for (const iceberg::DataFile& file : *files) {
    auto input = io->NewInputFile(file.file_path);
    ASSERT_TRUE(input.ok());
    auto reader = parquet::FileReader::Open(std::move(*input));
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    EXPECT_EQ((*reader)->num_rows(), file.record_count);
    for (int group = 0; group < (*reader)->num_row_groups(); ++group) {
      auto columns = (*reader)->ReadRowGroup(group);
      ASSERT_TRUE(columns.ok()) << columns.status().ToString();
      const ColumnVector& ids = (*columns)[0];
      for (size_t i = 0; i < ids.size(); ++i) {
        EXPECT_TRUE(read.insert(ids.Value<int64_t>(i)).second) << "id written twice";
      }
    }
  }
  EXPECT_EQ(read, expected);
}

TEST_F(ParallelWriterTest, AWriterFailingToCloseAtFinishLeavesNoFileOfAnyWriter) {
  // Two writers finish side by side; the second close fails, whichever writer makes it.
  auto io = std::make_shared<FailingCloseIO>(1);
  auto writer = ParallelWriter::Make(io, metadata_, 2);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  WriteBatches(**writer, 4, 500);
  auto files = (*writer)->Finish();
  ASSERT_FALSE(files.ok());
  EXPECT_NE(files.status().message().find("no space left on device"), std::string::npos)
      << files.status().ToString();
  EXPECT_EQ(ParquetFiles(), 0u);
  // Aborting after the failure leaves nothing either.
  (void)(*writer)->Abort();
  EXPECT_EQ(ParquetFiles(), 0u);
}

TEST_F(ParallelWriterTest, NothingWrittenFinishesWithNoFiles) {
  auto io = std::make_shared<io::LocalFileIO>();
  auto writer = ParallelWriter::Make(io, metadata_, 2);
  ASSERT_TRUE(writer.ok());
  auto files = (*writer)->Finish();
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  EXPECT_TRUE(files->empty());
  EXPECT_EQ(ParquetFiles(), 0u);
}

TEST_F(ParallelWriterTest, AtLeastOneThread) {
  auto writer = ParallelWriter::Make(std::make_shared<io::LocalFileIO>(), metadata_, 0);
  ASSERT_FALSE(writer.ok());
  EXPECT_NE(writer.status().message().find("write parallelism 0"), std::string::npos);
}

}  // namespace
}  // namespace floe::stream
