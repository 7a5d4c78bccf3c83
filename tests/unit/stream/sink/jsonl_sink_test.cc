#include "stream/sink/jsonl_sink.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/uuid.h"

namespace floe::stream {
namespace {

namespace fs = std::filesystem;
using iceberg::NestedField;
using iceberg::Type;
using iceberg::TypeId;

class JsonlSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("floe_jsonl_sink_test_" + NewUuid());
    path_ = (dir_ / "out" / "output-topic.jsonl").string();
    schema_ = std::make_shared<iceberg::Schema>(
        0, std::vector<NestedField>{
               NestedField{1, "id", false, Type::Primitive(TypeId::kLong), ""},
               NestedField{2, "ts", false, Type::Primitive(TypeId::kTimestampTz), ""}});
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
  RecordBatch Batch(int64_t first, int64_t rows) {
    RecordBatch batch;
    batch.schema = schema_;
    batch.columns.emplace_back(ColumnKind::kInt64);
    batch.columns.emplace_back(ColumnKind::kInt64);
    for (int64_t i = 0; i < rows; ++i) {
      batch.columns[0].Append<int64_t>(first + i);
      batch.columns[1].Append<int64_t>(1757581271318522 + i);
      batch.offsets.push_back(first + i);
    }
    return batch;
  }
  std::string Contents(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  Result<std::unique_ptr<JsonlSink>> Open() {
    return JsonlSink::Open(*schema_, JsonlSinkOptions{"output", path_});
  }

  fs::path dir_;
  std::string path_;
  std::shared_ptr<iceberg::Schema> schema_;
};

TEST_F(JsonlSinkTest, RowsAppearOnlyAtCommitWithTheirOffsets) {
  auto sink = Open();
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  ASSERT_TRUE((*sink)->Write(Batch(1, 2), Selection::All(2)).ok());
  EXPECT_EQ(Contents(path_), "");
  ASSERT_TRUE((*sink)->Commit(CheckpointInfo{"job", 1, {{{"in", 0}, 3}}, std::nullopt}).ok());
  EXPECT_EQ(Contents(path_),
            "{\"id\":1,\"ts\":\"2025-09-11T09:01:11.318522Z\"}\n"
            "{\"id\":2,\"ts\":\"2025-09-11T09:01:11.318523Z\"}\n");
  EXPECT_EQ(Contents(JsonlSink::StatePath(path_)),
            "{\"length\":88,\"offsets\":{\"in\":{\"0\":3}}}");
  EXPECT_EQ(*(*sink)->CommittedOffsets(), (OffsetMap{{{"in", 0}, 3}}));
}

TEST_F(JsonlSinkTest, RowsEncodedAheadAreWrittenAsWriteWouldWriteThem) {
  // A preparing thread encodes with the sink's own encoder (ChunkPreparer::EncodeAhead); the
  // sink appends the bytes in delivery order, between rows it encoded itself.
  auto sink = Open();
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  const json::RowEncoder* encoder = (*sink)->AheadEncoder();
  ASSERT_NE(encoder, nullptr);
  RecordBatch ahead = Batch(1, 3);
  const uint32_t odd[] = {0, 2};
  std::vector<const ColumnVector*> columns = {&ahead.columns[0], &ahead.columns[1]};
  std::string encoded;
  ASSERT_TRUE(encoder->EncodeLines(columns, Selection{odd, 2}, &encoded).ok());
  ASSERT_TRUE((*sink)->WriteEncoded(encoded).ok());
  ASSERT_TRUE((*sink)->Write(Batch(5, 1), Selection::All(1)).ok());
  ASSERT_TRUE((*sink)->Commit(CheckpointInfo{"job", 1, {{{"in", 0}, 6}}, std::nullopt}).ok());
  EXPECT_EQ(Contents(path_),
            "{\"id\":1,\"ts\":\"2025-09-11T09:01:11.318522Z\"}\n"
            "{\"id\":3,\"ts\":\"2025-09-11T09:01:11.318524Z\"}\n"
            "{\"id\":5,\"ts\":\"2025-09-11T09:01:11.318522Z\"}\n");
  EXPECT_EQ((*sink)->committed_bytes(), 3 * 44);
}

TEST_F(JsonlSinkTest, ACrashedRunsUncommittedTailIsCutOnOpen) {
  {
    auto sink = Open();
    ASSERT_TRUE(sink.ok());
    ASSERT_TRUE((*sink)->Write(Batch(1, 1), Selection::All(1)).ok());
    ASSERT_TRUE((*sink)->Commit(CheckpointInfo{"job", 1, {{{"in", 0}, 2}}, std::nullopt}).ok());
  }
  const std::string committed = Contents(path_);
  {
    std::ofstream tail(path_, std::ios::app);  // a run that wrote rows, then died uncommitted
    tail << "{\"id\":99,\"ts\":null}\n{\"id\":100,";
  }
  auto reopened = Open();
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ(Contents(path_), committed);
  EXPECT_EQ(*(*reopened)->CommittedOffsets(), (OffsetMap{{{"in", 0}, 2}}));
  ASSERT_TRUE((*reopened)->Write(Batch(2, 1), Selection::All(1)).ok());
  ASSERT_TRUE((*reopened)->Commit(CheckpointInfo{"job", 2, {{{"in", 0}, 3}}, std::nullopt}).ok());
  EXPECT_EQ(Contents(path_), committed + "{\"id\":2,\"ts\":\"2025-09-11T09:01:11.318522Z\"}\n");
}

TEST_F(JsonlSinkTest, CloseDropsUncommittedRows) {
  auto sink = Open();
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->Write(Batch(1, 5), Selection::All(5)).ok());
  ASSERT_TRUE((*sink)->Close().ok());
  EXPECT_EQ(Contents(path_), "");
  EXPECT_EQ(Contents(JsonlSink::StatePath(path_)), "{\"length\":0,\"offsets\":{}}");
}

TEST_F(JsonlSinkTest, ADeathBeforeAnyCommitLeavesNothingBehind) {
  {
    auto sink = Open();
    ASSERT_TRUE(sink.ok());
    ASSERT_TRUE((*sink)->Write(Batch(1, 40000), Selection::All(40000)).ok());  // past a flush
  }  // destroyed without Close or Commit, as a killed process leaves it
  EXPECT_GT(fs::file_size(path_), 0u);
  auto reopened = Open();
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ(Contents(path_), "");
  EXPECT_TRUE((*(*reopened)->CommittedOffsets()).empty());
}

TEST_F(JsonlSinkTest, LargeUncommittedOutputGoesToTheFileAndCloseTakesItBack) {
  auto sink = Open();
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->Write(Batch(1, 2), Selection::All(2)).ok());
  ASSERT_TRUE((*sink)->Commit(CheckpointInfo{"job", 1, {{{"in", 0}, 3}}, std::nullopt}).ok());
  const std::string committed = Contents(path_);
  // Far more than one flush: memory stays flat, the bytes sit in the file uncommitted.
  const int64_t rows = 3 * JsonlSink::kFlushBytes / 40;
  ASSERT_TRUE((*sink)->Write(Batch(3, rows), Selection::All(static_cast<size_t>(rows))).ok());
  EXPECT_GT(fs::file_size(path_), committed.size() + JsonlSink::kFlushBytes);
  EXPECT_EQ(Contents(JsonlSink::StatePath(path_)),
            "{\"length\":88,\"offsets\":{\"in\":{\"0\":3}}}");
  ASSERT_TRUE((*sink)->Close().ok());
  EXPECT_EQ(Contents(path_), committed);
}

TEST_F(JsonlSinkTest, AForeignFileIsKeptAndACorruptStateRefused) {
  fs::create_directories(fs::path(path_).parent_path());
  { std::ofstream(path_) << "{\"id\":0}\n"; }
  {
    auto sink = Open();
    ASSERT_TRUE(sink.ok());
    ASSERT_TRUE((*sink)->Write(Batch(1, 1), Selection::All(1)).ok());
    ASSERT_TRUE((*sink)->Commit(CheckpointInfo{"job", 1, {{{"in", 0}, 1}}, std::nullopt}).ok());
  }
  EXPECT_EQ(Contents(path_), "{\"id\":0}\n{\"id\":1,\"ts\":\"2025-09-11T09:01:11.318522Z\"}\n");
  { std::ofstream(JsonlSink::StatePath(path_)) << "{\"length\": \"many\"}"; }
  auto refused = Open();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().kind(), ErrorKind::kCorrupt);
  EXPECT_NE(refused.status().message().find(".floe-state"), std::string::npos);
}

}  // namespace
}  // namespace floe::stream
