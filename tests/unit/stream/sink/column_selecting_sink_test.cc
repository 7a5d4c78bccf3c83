#include "stream/sink/column_selecting_sink.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/uuid.h"
#include "stream/sink/jsonl_sink.h"

namespace floe::stream {
namespace {

namespace fs = std::filesystem;
using iceberg::NestedField;
using iceberg::Type;
using iceberg::TypeId;
using ::testing::HasSubstr;

iceberg::Schema Input() {
  return iceberg::Schema(0,
                         {NestedField{1, "user_id", true, Type::Primitive(TypeId::kLong), ""},
                          NestedField{2, "name", false, Type::Primitive(TypeId::kString), ""},
                          NestedField{3, "__cdc_op", false, Type::Primitive(TypeId::kString), ""}});
}

TEST(ColumnSelectingSinkTest, WritesTheListedColumnsInOrderUnderTheirNames) {
  const fs::path path = fs::temp_directory_path() / ("floe_select_" + NewUuid() + ".jsonl");
  const std::vector<SelectedColumn> columns = {{"op", "__cdc_op"}, {"user_id", "user_id"}};
  auto output = SelectColumns(Input(), columns);
  ASSERT_TRUE(output.ok()) << output.status().ToString();
  ASSERT_EQ(output->fields().size(), 2u);
  EXPECT_EQ(output->fields()[0].name, "op");
  EXPECT_EQ(output->fields()[0].id, 1);
  EXPECT_TRUE(output->fields()[1].required);
  auto inner = JsonlSink::Open(*output, {"audit", path.string()});
  ASSERT_TRUE(inner.ok()) << inner.status().ToString();
  auto sink = ColumnSelectingSink::Make(std::move(inner).value(), Input(), columns);
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();

  RecordBatch batch;
  batch.schema = std::make_shared<iceberg::Schema>(Input());
  batch.columns.emplace_back(ColumnKind::kInt64);
  batch.columns.emplace_back(ColumnKind::kBytes);
  batch.columns.emplace_back(ColumnKind::kBytes);
  for (int64_t i = 0; i < 3; ++i) {
    batch.columns[0].Append<int64_t>(i);
    batch.columns[1].AppendBytes("x");
    batch.columns[2].AppendBytes(i == 1 ? "d" : "c");
    batch.offsets.push_back(i);
  }
  const uint32_t rows[] = {1, 2};
  ASSERT_TRUE((*sink)->Write(batch, Selection{rows, 2}).ok());
  CheckpointInfo checkpoint;
  checkpoint.job_id = "job";
  checkpoint.checkpoint_id = 1;
  ASSERT_TRUE((*sink)->Commit(checkpoint).ok());
  ASSERT_TRUE((*sink)->Close().ok());
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "{\"op\":\"d\",\"user_id\":1}\n{\"op\":\"c\",\"user_id\":2}\n");
  fs::remove(path);
}

TEST(ColumnSelectingSinkTest, UnknownAndDuplicateColumnsAreErrors) {
  EXPECT_THAT(SelectColumns(Input(), {{"x", "nope"}}).status().message(),
              HasSubstr("'nope' is not a column"));
  EXPECT_THAT(SelectColumns(Input(), {{"a", "name"}, {"a", "user_id"}}).status().message(),
              HasSubstr("'a' is selected twice"));
}

}  // namespace
}  // namespace floe::stream
