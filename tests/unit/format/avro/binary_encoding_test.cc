// Hand-checked byte sequences of the Avro binary encoding, and the decoder's handling of bad
// input.

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "format/avro/binary_decoder.h"
#include "format/avro/binary_encoder.h"
#include "format/avro/schema.h"

namespace floe::avro {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string out;
  for (int b : bytes) out.push_back(static_cast<char>(b));
  return out;
}

std::string EncodeLong(int64_t v) {
  std::string out;
  BinaryEncoder(&out).WriteLong(v);
  return out;
}

NodePtr Schema(std::string_view json) {
  auto schema = ParseSchema(json);
  EXPECT_TRUE(schema.ok()) << schema.status().ToString();
  return schema.ok() ? *schema : nullptr;
}

std::string Encode(std::string_view schema_json, const Value& value) {
  NodePtr schema = Schema(schema_json);
  std::string out;
  BinaryEncoder encoder(&out);
  Status status = EncodeValue(*schema, value, &encoder, "");
  EXPECT_TRUE(status.ok()) << status.ToString();
  return out;
}

Result<Value> Decode(std::string_view schema_json, std::string_view bytes) {
  NodePtr schema = Schema(schema_json);
  BinaryDecoder decoder(bytes);
  FLOE_ASSIGN_OR_RAISE(Value value, DecodeValue(*schema, &decoder));
  if (!decoder.at_end()) return Corrupt("{} bytes left over", decoder.remaining());
  return value;
}

TEST(BinaryEncodingTest, ZigzagVarints) {
  EXPECT_EQ(EncodeLong(0), Bytes({0x00}));
  EXPECT_EQ(EncodeLong(-1), Bytes({0x01}));
  EXPECT_EQ(EncodeLong(1), Bytes({0x02}));
  EXPECT_EQ(EncodeLong(-64), Bytes({0x7f}));
  EXPECT_EQ(EncodeLong(64), Bytes({0x80, 0x01}));
  EXPECT_EQ(EncodeLong(std::numeric_limits<int64_t>::max()),
            Bytes({0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}));
  EXPECT_EQ(EncodeLong(std::numeric_limits<int64_t>::min()),
            Bytes({0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}));
  std::string int_bytes;
  BinaryEncoder(&int_bytes).WriteInt(std::numeric_limits<int32_t>::min());
  EXPECT_EQ(int_bytes, Bytes({0xff, 0xff, 0xff, 0xff, 0x0f}));
}

TEST(BinaryEncodingTest, VarintsDecodeBack) {
  for (int64_t v :
       {int64_t{0}, int64_t{-1}, int64_t{1}, int64_t{-64}, int64_t{64}, int64_t{1} << 40,
        std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()}) {
    std::string bytes = EncodeLong(v);
    BinaryDecoder decoder(bytes);
    auto decoded = decoder.ReadLong();
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    EXPECT_EQ(*decoded, v);
    EXPECT_TRUE(decoder.at_end());
  }
}

TEST(BinaryEncodingTest, VarintRunningOffTheEndIsCorrupt) {
  std::string bytes = Bytes({0x80, 0x80});
  BinaryDecoder decoder(bytes, 100);
  auto decoded = decoder.ReadLong();
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().kind(), ErrorKind::kCorrupt);
  EXPECT_NE(decoded.status().message().find("byte 100"), std::string::npos)
      << decoded.status().message();
  EXPECT_NE(decoded.status().message().find("past the end"), std::string::npos);
}

TEST(BinaryEncodingTest, OverlongVarintIsCorrupt) {
  std::string bytes(11, '\x80');
  BinaryDecoder decoder(bytes);
  auto decoded = decoder.ReadLong();
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().kind(), ErrorKind::kCorrupt);
  EXPECT_NE(decoded.status().message().find("longer than"), std::string::npos);
}

TEST(BinaryEncodingTest, IntOutOfRangeIsCorrupt) {
  std::string bytes = EncodeLong(int64_t{1} << 40);
  BinaryDecoder decoder(bytes);
  auto decoded = decoder.ReadInt();
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().kind(), ErrorKind::kCorrupt);
}

TEST(BinaryEncodingTest, FloatsAreLittleEndian) {
  std::string out;
  BinaryEncoder encoder(&out);
  encoder.WriteFloat(1.0f);
  encoder.WriteDouble(-2.0);
  EXPECT_EQ(out, Bytes({0x00, 0x00, 0x80, 0x3f, 0, 0, 0, 0, 0, 0, 0x00, 0xc0}));
  BinaryDecoder decoder(out);
  EXPECT_EQ(*decoder.ReadFloat(), 1.0f);
  EXPECT_EQ(*decoder.ReadDouble(), -2.0);
  EXPECT_FALSE(decoder.ReadDouble().ok());
}

TEST(BinaryEncodingTest, StringsAndBytes) {
  EXPECT_EQ(Encode(R"("string")", Value::String("foo")), Bytes({0x06, 'f', 'o', 'o'}));
  EXPECT_EQ(Encode(R"("string")", Value::String("")), Bytes({0x00}));
  EXPECT_EQ(Encode(R"("bytes")", Value::Bytes(Bytes({0x00, 0xff}))), Bytes({0x04, 0x00, 0xff}));
  EXPECT_EQ(*Decode(R"("string")", Bytes({0x06, 'f', 'o', 'o'})), Value::String("foo"));
  EXPECT_EQ(*Decode(R"("bytes")", Bytes({0x04, 0x00, 0xff})), Value::Bytes(Bytes({0x00, 0xff})));
}

TEST(BinaryEncodingTest, StringLongerThanTheDataIsCorrupt) {
  auto decoded = Decode(R"("string")", Bytes({0x08, 'f', 'o', 'o'}));
  ASSERT_FALSE(decoded.ok());
  EXPECT_EQ(decoded.status().kind(), ErrorKind::kCorrupt);
  auto negative = Decode(R"("string")", Bytes({0x01}));
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.status().kind(), ErrorKind::kCorrupt);
}

TEST(BinaryEncodingTest, BooleansAndInvalidBooleanByte) {
  EXPECT_EQ(Encode(R"("boolean")", Value::Boolean(true)), Bytes({0x01}));
  EXPECT_EQ(Encode(R"("boolean")", Value::Boolean(false)), Bytes({0x00}));
  EXPECT_FALSE(Decode(R"("boolean")", Bytes({0x02})).ok());
}

TEST(BinaryEncodingTest, UnionsByBranchIndex) {
  constexpr std::string_view kSchema = R"(["null", "string"])";
  EXPECT_EQ(Encode(kSchema, Value::Null()), Bytes({0x00}));
  EXPECT_EQ(Encode(kSchema, Value::String("a")), Bytes({0x02, 0x02, 'a'}));
  EXPECT_EQ(*Decode(kSchema, Bytes({0x00})), Value::Null());
  EXPECT_EQ(*Decode(kSchema, Bytes({0x02, 0x02, 'a'})), Value::String("a"));
  auto bad_branch = Decode(kSchema, Bytes({0x04}));
  ASSERT_FALSE(bad_branch.ok());
  EXPECT_NE(bad_branch.status().message().find("union branch 2"), std::string::npos)
      << bad_branch.status().message();
}

TEST(BinaryEncodingTest, UnionPicksFirstFittingBranch) {
  // An int fits "int" exactly before it fits "long" by widening.
  EXPECT_EQ(Encode(R"(["null", "long", "int"])", Value::Int(1)), Bytes({0x04, 0x02}));
  EXPECT_EQ(Encode(R"(["null", "long"])", Value::Int(1)), Bytes({0x02, 0x02}));
  EXPECT_EQ(Encode(R"(["long", "null"])", Value::Null()), Bytes({0x02}));
}

TEST(BinaryEncodingTest, ArraysAndMapsInOneBlock) {
  EXPECT_EQ(Encode(R"({"type": "array", "items": "long"})",
                   Value::Array({Value::Long(1), Value::Long(2)})),
            Bytes({0x04, 0x02, 0x04, 0x00}));
  EXPECT_EQ(Encode(R"({"type": "array", "items": "long"})", Value::Array({})), Bytes({0x00}));
  EXPECT_EQ(Encode(R"({"type": "map", "values": "long"})", Value::Map({{"a", Value::Long(1)}})),
            Bytes({0x02, 0x02, 'a', 0x02, 0x00}));
}

TEST(BinaryEncodingTest, ArraysInSeveralBlocksWithNegativeCounts) {
  constexpr std::string_view kSchema = R"({"type": "array", "items": "long"})";
  const Value expected = Value::Array({Value::Long(1), Value::Long(2), Value::Long(3)});
  // Two positive blocks.
  EXPECT_EQ(*Decode(kSchema, Bytes({0x02, 0x02, 0x04, 0x04, 0x06, 0x00})), expected);
  // A block of -2 items with its byte size (2), then a block of 1.
  EXPECT_EQ(*Decode(kSchema, Bytes({0x03, 0x04, 0x02, 0x04, 0x02, 0x06, 0x00})), expected);
}

TEST(BinaryEncodingTest, MapsInSeveralBlocksWithNegativeCounts) {
  constexpr std::string_view kSchema = R"({"type": "map", "values": "int"})";
  // Block of -1 entries, 3 bytes; then block of 1 entry; then the end.
  auto decoded = Decode(kSchema, Bytes({0x01, 0x06, 0x02, 'a', 0x02, 0x02, 0x02, 'b', 0x03, 0x00}));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(*decoded, Value::Map({{"a", Value::Int(1)}, {"b", Value::Int(-2)}}));
}

TEST(BinaryEncodingTest, ArrayCountBeyondTheDataIsCorrupt) {
  constexpr std::string_view kSchema = R"({"type": "array", "items": "long"})";
  auto huge = Decode(kSchema, EncodeLong(int64_t{1} << 50));
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.status().kind(), ErrorKind::kCorrupt);
  auto missing_end = Decode(kSchema, Bytes({0x02, 0x02}));
  ASSERT_FALSE(missing_end.ok());
  EXPECT_EQ(missing_end.status().kind(), ErrorKind::kCorrupt);
  // Null items take no bytes: a huge count must still be refused rather than looped over.
  auto nulls = Decode(R"({"type": "array", "items": "null"})", EncodeLong(int64_t{1} << 50));
  ASSERT_FALSE(nulls.ok());
  EXPECT_EQ(nulls.status().kind(), ErrorKind::kCorrupt);
}

TEST(BinaryEncodingTest, RecordsEnumsAndFixed) {
  constexpr std::string_view kSchema = R"({"type": "record", "name": "r", "fields": [
      {"name": "a", "type": "int"},
      {"name": "e", "type": {"type": "enum", "name": "e", "symbols": ["X", "Y", "Z"]}},
      {"name": "f", "type": {"type": "fixed", "name": "f2", "size": 2}}]})";
  const Value value = Value::Record({Value::Int(-3), Value::Int(2), Value::Bytes("hi")});
  const std::string bytes = Bytes({0x05, 0x04, 'h', 'i'});
  EXPECT_EQ(Encode(kSchema, value), bytes);
  EXPECT_EQ(*Decode(kSchema, bytes), value);
  // A symbol name is accepted for an enum and written as its index.
  EXPECT_EQ(
      Encode(kSchema, Value::Record({Value::Int(-3), Value::String("Z"), Value::Bytes("hi")})),
      bytes);
  auto bad_enum = Decode(kSchema, Bytes({0x05, 0x06, 'h', 'i'}));
  ASSERT_FALSE(bad_enum.ok());
  EXPECT_EQ(bad_enum.status().kind(), ErrorKind::kCorrupt);
}

TEST(BinaryEncodingTest, ValidationErrorsNameThePath) {
  NodePtr schema = Schema(R"({"type": "record", "name": "manifest_entry", "fields": [
      {"name": "status", "type": "int"},
      {"name": "data_file", "type": {"type": "record", "name": "r2", "fields": [
          {"name": "record_count", "type": "long"},
          {"name": "split_offsets", "type": ["null", {"type": "array", "items": "long"}]}]}}]})");
  std::string out;
  BinaryEncoder encoder(&out);
  Status status = EncodeValue(
      *schema, Value::Record({Value::Int(1), Value::Record({Value::String("x"), Value::Null()})}),
      &encoder, "");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.kind(), ErrorKind::kInvalidArgument);
  EXPECT_EQ(status.message(), "data_file.record_count: expected long, got string");

  status = EncodeValue(
      *schema,
      Value::Record(
          {Value::Int(1),
           Value::Record({Value::Long(1), Value::Array({Value::Long(1), Value::Null()})})}),
      &encoder, "");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message(), "data_file.split_offsets[1]: expected long, got null");

  status = EncodeValue(*schema, Value::Record({Value::Int(1)}), &encoder, "");
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.message().find("has 2 fields, got 1"), std::string::npos) << status.message();

  status = EncodeValue(*schema, Value::Record({Value::Int(1), Value::Long(2)}), &encoder, "");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.message(), "data_file: expected record, got long");
}

TEST(BinaryEncodingTest, FixedOfTheWrongSizeIsRejected) {
  NodePtr schema = Schema(R"({"type": "fixed", "name": "f4", "size": 4})");
  std::string out;
  BinaryEncoder encoder(&out);
  Status status = EncodeValue(*schema, Value::Bytes("abc"), &encoder, "");
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(status.message().find("expected 4 bytes"), std::string::npos) << status.message();
}

}  // namespace
}  // namespace floe::avro
