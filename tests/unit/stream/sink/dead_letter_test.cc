#include "stream/sink/dead_letter.h"

#include <gtest/gtest.h>

#include <string>

namespace floe::stream {
namespace {

TEST(EscapeRawPayloadTest, KeepsValidUtf8Unchanged) {
  EXPECT_EQ(EscapeRawPayload(R"({"a":"b\\c"})"), R"({"a":"b\\c"})");
  EXPECT_EQ(EscapeRawPayload("caf\xC3\xA9 \xF0\x9F\x94\xAB"), "caf\xC3\xA9 \xF0\x9F\x94\xAB");
  EXPECT_EQ(EscapeRawPayload(""), "");
}

TEST(EscapeRawPayloadTest, EscapesInvalidBytesAndBackslashes) {
  EXPECT_EQ(EscapeRawPayload("a\xFF"
                             "b"),
            "a\\xFFb");
  // A backslash is doubled once anything is escaped, so \xFF in the input stays distinct.
  EXPECT_EQ(EscapeRawPayload("\\xFF\xFE"), "\\\\xFF\\xFE");
  // Truncated sequence, overlong form, surrogate, above U+10FFFF.
  EXPECT_EQ(EscapeRawPayload("\xE2\x82"), "\\xE2\\x82");
  EXPECT_EQ(EscapeRawPayload("\xC0\xAF"), "\\xC0\\xAF");
  EXPECT_EQ(EscapeRawPayload("\xED\xA0\x80"), "\\xED\\xA0\\x80");
  EXPECT_EQ(EscapeRawPayload("\xF4\x90\x80\x80"), "\\xF4\\x90\\x80\\x80");
  // Valid sequences next to invalid bytes are kept.
  EXPECT_EQ(EscapeRawPayload("\xC3\xA9\x80"), "\xC3\xA9\\x80");
}

TEST(DeadLetterTest, SchemaHasTheDocumentedColumns) {
  auto schema = DeadLetterSchema();
  std::vector<std::string> names;
  for (const auto& field : schema->fields()) names.push_back(field.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"error_id", "error_type", "error_message", "error_timestamp",
                                      "raw_payload", "source_topic", "source_partition",
                                      "source_offset", "source_file", "source_line"}));
  EXPECT_EQ(DeadLetterTypeName(DeadLetterType::kTransformation), "transformation_error");
  EXPECT_EQ(DeadLetterTypeName(DeadLetterType::kSchema), "schema_error");
}

TEST(DeadLetterTest, BuilderFillsRowsAndLineage) {
  DeadLetterBuilder builder(SourcePosition{"messages", "in.jsonl", 0});
  DeadLetterSource file;
  file.offset = 7;
  file.file = "in.jsonl";
  file.line = 7;
  builder.Add(DeadLetterType::kDeserialization, "not JSON", "{oops\xFF", file);
  DeadLetterSource kafka;
  kafka.topic = "t";
  kafka.partition = 3;
  kafka.offset = 42;
  builder.Add(DeadLetterType::kValidation, "bad ts", "{}", kafka);
  ASSERT_EQ(builder.size(), 2u);

  RecordBatch batch = builder.Take();
  EXPECT_EQ(builder.size(), 0u);
  ASSERT_EQ(batch.num_rows(), 2u);
  EXPECT_EQ(batch.offsets, (std::vector<int64_t>{7, 42}));
  EXPECT_EQ(batch.position.partition, "in.jsonl");
  ASSERT_EQ(batch.columns.size(), 10u);
  for (const ColumnVector& column : batch.columns) EXPECT_EQ(column.size(), 2u);
  EXPECT_EQ(batch.columns[0].GetBytes(0).size(), 36u);  // a uuid
  EXPECT_NE(batch.columns[0].GetBytes(0), batch.columns[0].GetBytes(1));
  EXPECT_EQ(batch.columns[1].GetBytes(0), "deserialization_error");
  EXPECT_EQ(batch.columns[1].GetBytes(1), "validation_error");
  EXPECT_EQ(batch.columns[4].GetBytes(0), "{oops\\xFF");
  EXPECT_TRUE(batch.columns[5].IsNull(0));
  EXPECT_EQ(batch.columns[5].GetBytes(1), "t");
  EXPECT_TRUE(batch.columns[6].IsNull(0));
  EXPECT_EQ(batch.columns[6].Value<int32_t>(1), 3);
  EXPECT_EQ(batch.columns[7].Value<int64_t>(1), 42);
  EXPECT_EQ(batch.columns[8].GetBytes(0), "in.jsonl");
  EXPECT_TRUE(batch.columns[8].IsNull(1));
  EXPECT_EQ(batch.columns[9].Value<int64_t>(0), 7);
  EXPECT_TRUE(batch.columns[9].IsNull(1));
  EXPECT_GT(batch.columns[3].Value<int64_t>(0), 0);
}

}  // namespace
}  // namespace floe::stream
