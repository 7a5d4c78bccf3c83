#include "stream/source/debezium_decoder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace floe::stream {
namespace {

using iceberg::NestedField;
using iceberg::Type;
using iceberg::TypeId;
using ::testing::HasSubstr;

iceberg::Schema UsersSchema() {
  return iceberg::Schema(
      0, {NestedField{1, "user_id", false, Type::Primitive(TypeId::kLong), ""},
          NestedField{2, "name", false, Type::Primitive(TypeId::kString), ""},
          NestedField{3, "updated_at", false, Type::Primitive(TypeId::kTimestampTz), ""}});
}

class DebeziumDecoderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto decoder = DebeziumDecoder::Make(UsersSchema(), {"user_id"});
    ASSERT_TRUE(decoder.ok()) << decoder.status().ToString();
    decoder_.emplace(std::move(decoder).value());
    rows_ = decoder_->NewBatch();
  }

  void Decode(std::string_view record, int64_t position) {
    ASSERT_TRUE(decoder_->DecodeOne(record, position, &rows_, &changes_).ok());
  }

  std::optional<DebeziumDecoder> decoder_;
  json::DecodedBatch rows_;
  DecodedChanges changes_;
};

TEST_F(DebeziumDecoderTest, DecodesEveryOpWithAndWithoutTheWrapper) {
  Decode(R"({"before":null,"after":{"user_id":1,"name":"a","updated_at":"2025-01-02T03:04:05Z"},)"
         R"("op":"c","ts_ms":1700000000123,"source":{"db":"x"}})",
         10);
  Decode(R"({"schema":{"type":"struct"},"payload":{"before":{"user_id":1,"name":"a"},)"
         R"("after":{"user_id":1,"name":"b"},"op":"u","ts_ms":5}})",
         11);
  Decode(R"({"before":{"user_id":1,"name":"b"},"after":null,"op":"d"})", 12);
  Decode(R"({"after":{"user_id":2,"name":"s"},"op":"r","ts_ms":7})", 13);
  ASSERT_TRUE(rows_.errors.empty());
  ASSERT_TRUE(changes_.invalid.empty());
  ASSERT_EQ(rows_.num_rows(), 4u);
  EXPECT_EQ(changes_.ops, (std::vector<ChangeOp>{ChangeOp::kCreate, ChangeOp::kUpdate,
                                                 ChangeOp::kDelete, ChangeOp::kRead}));
  EXPECT_EQ(changes_.ts_micros[0], 1700000000123000);
  EXPECT_EQ(changes_.ts_micros[1], 5000);
  EXPECT_EQ(changes_.ts_micros[2], std::nullopt);
  EXPECT_EQ(rows_.positions, (std::vector<int64_t>{10, 11, 12, 13}));
  EXPECT_EQ(rows_.columns[0].Value<int64_t>(3), 2);
  EXPECT_EQ(rows_.columns[1].GetBytes(1), "b");
  EXPECT_EQ(rows_.columns[1].GetBytes(2), "b");  // a delete carries its before image
  EXPECT_EQ(rows_.columns[2].Value<int64_t>(0), 1735787045000000);  // 2025-01-02T03:04:05Z
  EXPECT_TRUE(rows_.columns[2].IsNull(1));
}

TEST_F(DebeziumDecoderTest, TombstonesAreSkippedAndCounted) {
  Decode("", 1);
  Decode("null", 2);
  Decode(R"({"schema":null,"payload":null})", 3);
  EXPECT_EQ(rows_.num_rows(), 0u);
  EXPECT_TRUE(rows_.errors.empty());
  EXPECT_TRUE(changes_.invalid.empty());
  EXPECT_EQ(changes_.tombstones, 3);
}

TEST_F(DebeziumDecoderTest, InvalidChangesAreReportedWithTheirReason) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"after":{"user_id":1}})", "no 'op'"},
      {R"({"after":{"user_id":1},"op":"t"})", "unknown op 't'"},
      {R"({"before":{"user_id":1},"after":null,"op":"u"})", "op 'u' without 'after'"},
      {R"({"before":null,"op":"d"})", "op 'd' without 'before'"},
      {R"({"after":{"user_id":null,"name":"x"},"op":"c"})", "key column 'user_id' is null"},
      {R"({"after":{"name":"x"},"op":"r"})", "key column 'user_id' is null"},
      {R"({"after":{"user_id":1},"op":7})", "'op' is not a string"},
      {R"({"after":{"user_id":1},"op":"c","ts_ms":"soon"})", "'ts_ms' is not a time"},
      {R"([1,2])", "not a JSON object"},
      {R"({"after":[1],"op":"c"})", "'after' is not a JSON object"},
  };
  for (size_t i = 0; i < cases.size(); ++i) Decode(cases[i].first, static_cast<int64_t>(i));
  EXPECT_EQ(rows_.num_rows(), 0u);
  EXPECT_TRUE(rows_.errors.empty());
  ASSERT_EQ(changes_.invalid.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_THAT(changes_.invalid[i].message, HasSubstr(cases[i].second)) << cases[i].first;
    EXPECT_EQ(changes_.invalid[i].raw, cases[i].first);
    EXPECT_EQ(changes_.invalid[i].position, static_cast<int64_t>(i));
  }
}

TEST_F(DebeziumDecoderTest, BadJsonAndWrongTypesAreRecordErrorsWithTheWholeRecord) {
  const std::string truncated = R"({"after":{"user_id":1},"op":)";
  const std::string wrong = R"({"after":{"user_id":"one","name":"x"},"op":"c"})";
  Decode(truncated, 1);
  Decode(wrong, 2);
  Decode(R"({"after":{"user_id":3},"op":"c"})", 3);
  ASSERT_EQ(rows_.errors.size(), 2u);
  EXPECT_EQ(rows_.errors[0].type, json::RecordErrorType::kDeserialization);
  EXPECT_EQ(rows_.errors[0].raw, truncated);
  EXPECT_EQ(rows_.errors[1].type, json::RecordErrorType::kValidation);
  EXPECT_EQ(rows_.errors[1].raw, wrong);
  EXPECT_THAT(rows_.errors[1].message, HasSubstr("'after': "));
  EXPECT_THAT(rows_.errors[1].message, HasSubstr("user_id"));
  ASSERT_EQ(rows_.num_rows(), 1u);
  EXPECT_EQ(changes_.ops.size(), 1u);
  EXPECT_EQ(rows_.positions[0], 3);
}

TEST_F(DebeziumDecoderTest, DecodesLinesKeepingLineNumbers) {
  const std::string lines =
      "{\"after\":{\"user_id\":1},\"op\":\"c\"}\n"
      "\n"
      "{\"after\":{\"user_id\":1},\"op\":\"x\"}\r\n"
      "{\"before\":{\"user_id\":1},\"op\":\"d\"}";
  ASSERT_TRUE(decoder_->DecodeLines(lines, 100, &rows_, &changes_).ok());
  EXPECT_EQ(rows_.positions, (std::vector<int64_t>{100, 103}));
  ASSERT_EQ(changes_.invalid.size(), 1u);
  EXPECT_EQ(changes_.invalid[0].position, 102);
  EXPECT_EQ(changes_.invalid[0].raw, "{\"after\":{\"user_id\":1},\"op\":\"x\"}");
}

TEST(DebeziumDecoderMakeTest, RejectsAnUnknownKeyColumn) {
  auto decoder = DebeziumDecoder::Make(UsersSchema(), {"id"});
  ASSERT_FALSE(decoder.ok());
  EXPECT_THAT(decoder.status().message(), HasSubstr("key column 'id'"));
}

}  // namespace
}  // namespace floe::stream
