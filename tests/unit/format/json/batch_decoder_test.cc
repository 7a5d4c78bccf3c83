// The JSON batch decoder: every value kind with good values, nulls and missing keys, each kind
// of bad record, rollback, line numbering, escapes, and a large mixed buffer.

#include "format/json/batch_decoder.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <cstring>
#include <deque>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "format/json/decimal.h"
#include "format/json/temporal.h"

namespace floe::json {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;

BatchDecoder MakeDecoder(std::vector<FieldSpec> fields) {
  Result<BatchDecoder> decoder = BatchDecoder::Make(std::move(fields));
  EXPECT_TRUE(decoder.ok()) << decoder.status().ToString();
  return std::move(decoder).value();
}

// Decodes `lines` (numbered from 1) into a fresh batch.
DecodedBatch DecodeLines(BatchDecoder& decoder, std::string_view lines) {
  DecodedBatch batch = decoder.NewBatch();
  Status status = decoder.DecodeLines(lines, 1, &batch);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return batch;
}

// Every column has the batch's row count: what rollback must guarantee.
void ExpectAligned(const DecodedBatch& batch) {
  for (const ColumnVector& column : batch.columns) EXPECT_EQ(column.size(), batch.num_rows());
}

// Decodes one single-field object {"v": <json>} and returns the batch.
DecodedBatch DecodeValue(const FieldSpec& spec, std::string_view json) {
  BatchDecoder decoder = MakeDecoder({spec});
  DecodedBatch batch = decoder.NewBatch();
  std::string message = fmt::format("{{\"{}\":{}}}", spec.name, json);
  EXPECT_TRUE(decoder.DecodeOne(message, 0, &batch).ok());
  ExpectAligned(batch);
  return batch;
}

// The error of a one-value record that must fail, or a note that it did not.
RecordError ExpectError(const FieldSpec& spec, std::string_view json, RecordErrorType type) {
  DecodedBatch batch = DecodeValue(spec, json);
  EXPECT_EQ(batch.num_rows(), 0u) << json;
  if (batch.errors.size() != 1) {
    ADD_FAILURE() << json << " gave " << batch.errors.size() << " errors";
    return {};
  }
  EXPECT_EQ(batch.errors[0].type, type) << json << ": " << batch.errors[0].message;
  return batch.errors[0];
}

void ExpectValidationError(const FieldSpec& spec, std::string_view json) {
  ExpectError(spec, json, RecordErrorType::kValidation);
}

FieldSpec Field(ValueKind kind) { return FieldSpec{"v", kind}; }

template <typename T>
T Single(const FieldSpec& spec, std::string_view json) {
  DecodedBatch batch = DecodeValue(spec, json);
  if (batch.num_rows() != 1) {
    ADD_FAILURE() << json << ": " << (batch.errors.empty() ? "" : batch.errors[0].message);
    return T{};
  }
  EXPECT_FALSE(batch.columns[0].IsNull(0));
  return batch.columns[0].Value<T>(0);
}

std::string SingleBytes(const FieldSpec& spec, std::string_view json) {
  DecodedBatch batch = DecodeValue(spec, json);
  if (batch.num_rows() != 1) {
    ADD_FAILURE() << json << ": " << (batch.errors.empty() ? "" : batch.errors[0].message);
    return "";
  }
  return std::string(batch.columns[0].GetBytes(0));
}

TEST(BatchDecoderMake, RejectsBadSpecs) {
  EXPECT_FALSE(BatchDecoder::Make({}).ok());
  EXPECT_FALSE(BatchDecoder::Make({FieldSpec{"", ValueKind::kString}}).ok());
  EXPECT_FALSE(
      BatchDecoder::Make({FieldSpec{"a", ValueKind::kString}, FieldSpec{"a", ValueKind::kInt32}})
          .ok());
  EXPECT_FALSE(BatchDecoder::Make({FieldSpec{"d", ValueKind::kDecimal, false, 0, 0}}).ok());
  EXPECT_FALSE(BatchDecoder::Make({FieldSpec{"d", ValueKind::kDecimal, false, 39, 0}}).ok());
  EXPECT_FALSE(BatchDecoder::Make({FieldSpec{"d", ValueKind::kDecimal, false, 5, 6}}).ok());
  EXPECT_FALSE(BatchDecoder::Make({FieldSpec{"d", ValueKind::kDecimal, false, 5, -1}}).ok());
  EXPECT_FALSE(BatchDecoder::Make({FieldSpec{"f", ValueKind::kFixed}}).ok());
  Result<BatchDecoder> bad = BatchDecoder::Make({FieldSpec{"f", ValueKind::kFixed}});
  EXPECT_EQ(bad.status().kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("'f'"), std::string::npos);
}

TEST(BatchDecoderMake, ColumnKinds) {
  BatchDecoder decoder = MakeDecoder({
      {"b", ValueKind::kBoolean},
      {"i", ValueKind::kInt32},
      {"l", ValueKind::kInt64},
      {"f", ValueKind::kFloat},
      {"d", ValueKind::kDouble},
      {"s", ValueKind::kString},
      {"bin", ValueKind::kBinary},
      {"fx", ValueKind::kFixed, false, 0, 0, 3},
      {"u", ValueKind::kUuid},
      {"date", ValueKind::kDate},
      {"time", ValueKind::kTime},
      {"ts", ValueKind::kTimestamp},
      {"tstz", ValueKind::kTimestampTz},
      {"tsn", ValueKind::kTimestampNs},
      {"tstzn", ValueKind::kTimestampTzNs},
      {"dec9", ValueKind::kDecimal, false, 9, 2},
      {"dec18", ValueKind::kDecimal, false, 18, 2},
      {"dec38", ValueKind::kDecimal, false, 38, 2},
  });
  DecodedBatch batch = decoder.NewBatch();
  const std::vector<std::pair<ColumnKind, int32_t>> expected = {
      {ColumnKind::kBool, 0},  {ColumnKind::kInt32, 0},  {ColumnKind::kInt64, 0},
      {ColumnKind::kFloat, 0}, {ColumnKind::kDouble, 0}, {ColumnKind::kBytes, 0},
      {ColumnKind::kBytes, 0}, {ColumnKind::kFixed, 3},  {ColumnKind::kFixed, 16},
      {ColumnKind::kInt32, 0}, {ColumnKind::kInt64, 0},  {ColumnKind::kInt64, 0},
      {ColumnKind::kInt64, 0}, {ColumnKind::kInt64, 0},  {ColumnKind::kInt64, 0},
      {ColumnKind::kInt64, 0}, {ColumnKind::kInt64, 0},  {ColumnKind::kFixed, 16},
  };
  ASSERT_EQ(batch.columns.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(batch.columns[i].kind(), expected[i].first) << i;
    EXPECT_EQ(batch.columns[i].fixed_width(), expected[i].second) << i;
  }
}

TEST(BatchDecoderKinds, Boolean) {
  EXPECT_EQ(Single<uint8_t>(Field(ValueKind::kBoolean), "true"), 1);
  EXPECT_EQ(Single<uint8_t>(Field(ValueKind::kBoolean), "false"), 0);
  ExpectValidationError(Field(ValueKind::kBoolean), "1");
  ExpectValidationError(Field(ValueKind::kBoolean), "\"true\"");
  ExpectValidationError(Field(ValueKind::kBoolean), "[true]");
  ExpectError(Field(ValueKind::kBoolean), "tru", RecordErrorType::kDeserialization);
}

TEST(BatchDecoderKinds, Int32) {
  const FieldSpec spec = Field(ValueKind::kInt32);
  EXPECT_EQ(Single<int32_t>(spec, "42"), 42);
  EXPECT_EQ(Single<int32_t>(spec, "-7"), -7);
  EXPECT_EQ(Single<int32_t>(spec, "2147483647"), 2147483647);
  EXPECT_EQ(Single<int32_t>(spec, "-2147483648"), -2147483647 - 1);
  EXPECT_EQ(Single<int32_t>(spec, "\"12\""), 12);  // numeric strings are accepted
  EXPECT_EQ(Single<int32_t>(spec, "\"-12\""), -12);
  RecordError error = ExpectError(spec, "2147483648", RecordErrorType::kValidation);
  EXPECT_EQ(error.message, "field 'v': 2147483648 is out of range for int32");
  ExpectValidationError(spec, "-2147483649");
  error = ExpectError(spec, "3.0", RecordErrorType::kValidation);
  EXPECT_EQ(error.message, "field 'v': expected an integer, got a number 3.0");
  ExpectValidationError(spec, "1e3");
  ExpectValidationError(spec, "\"12.5\"");
  ExpectValidationError(spec, "\"abc\"");
  ExpectValidationError(spec, "\" 12\"");
  ExpectValidationError(spec, "\"\"");
  ExpectValidationError(spec, "true");
  ExpectValidationError(spec, "{}");
  ExpectError(spec, "012", RecordErrorType::kDeserialization);
  ExpectError(spec, "-", RecordErrorType::kDeserialization);
}

TEST(BatchDecoderKinds, Int64) {
  const FieldSpec spec = Field(ValueKind::kInt64);
  EXPECT_EQ(Single<int64_t>(spec, "9223372036854775807"), INT64_MAX);
  EXPECT_EQ(Single<int64_t>(spec, "-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(Single<int64_t>(spec, "\"6130343861034927\""), 6130343861034927);
  EXPECT_EQ(Single<int64_t>(spec, "0"), 0);
  ExpectValidationError(spec, "9223372036854775808");
  ExpectValidationError(spec, "-9223372036854775809");
  ExpectValidationError(spec, "\"99999999999999999999\"");
  ExpectValidationError(spec, "1.5");
}

TEST(BatchDecoderKinds, FloatAndDouble) {
  const FieldSpec f = Field(ValueKind::kFloat);
  const FieldSpec d = Field(ValueKind::kDouble);
  EXPECT_EQ(Single<float>(f, "1.5"), 1.5f);
  EXPECT_EQ(Single<float>(f, "3"), 3.0f);
  EXPECT_EQ(Single<double>(d, "0.1"), 0.1);
  EXPECT_EQ(Single<double>(d, "-2.5e-3"), -2.5e-3);
  EXPECT_EQ(Single<double>(d, "12345678901234567890"), 12345678901234567890.0);
  EXPECT_EQ(Single<double>(d, "\"1.25\""), 1.25);
  EXPECT_EQ(Single<double>(d, "\"+4\""), 4.0);
  EXPECT_TRUE(std::isnan(Single<double>(d, "\"NaN\"")));
  EXPECT_EQ(Single<double>(d, "\"-Infinity\""), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(Single<float>(f, "\"Infinity\""), std::numeric_limits<float>::infinity());
  ExpectValidationError(f, "1e300");  // finite double, no float
  ExpectValidationError(d, "1e400");
  ExpectValidationError(d, "\"abc\"");
  ExpectValidationError(d, "\"inf\"");
  ExpectValidationError(d, "\"0x10\"");
  ExpectValidationError(d, "true");
  ExpectValidationError(d, "[1.0]");
  ExpectError(d, "1.", RecordErrorType::kDeserialization);
  ExpectError(d, "-.5", RecordErrorType::kDeserialization);
}

TEST(BatchDecoderKinds, String) {
  const FieldSpec spec = Field(ValueKind::kString);
  EXPECT_EQ(SingleBytes(spec, "\"hello\""), "hello");
  EXPECT_EQ(SingleBytes(spec, "\"\""), "");
  EXPECT_EQ(SingleBytes(spec, "\"caf\xc3\xa9\""), "caf\xc3\xa9");
  RecordError error = ExpectError(spec, "12", RecordErrorType::kValidation);
  EXPECT_EQ(error.message, "field 'v': expected a string, got an integer 12");
  ExpectValidationError(spec, "true");
  ExpectValidationError(spec, "{\"a\":1}");
  ExpectValidationError(spec, "[\"a\"]");
}

TEST(BatchDecoderKinds, StringEscapes) {
  const FieldSpec spec = Field(ValueKind::kString);
  EXPECT_EQ(SingleBytes(spec, R"("caf\u00e9")"), "caf\xc3\xa9");
  EXPECT_EQ(SingleBytes(spec, R"("\ud83d\ude00")"), "\xf0\x9f\x98\x80");  // surrogate pair
  EXPECT_EQ(SingleBytes(spec, R"("a\"b\\c\/d\n\t\r\b\f")"), "a\"b\\c/d\n\t\r\b\f");
  EXPECT_EQ(SingleBytes(spec, R"("\u0000")"), std::string("\0", 1));
  ExpectError(spec, R"("\x41")", RecordErrorType::kDeserialization);
  ExpectError(spec, R"("\u12G4")", RecordErrorType::kDeserialization);
  ExpectError(spec, R"("\ud83d")", RecordErrorType::kDeserialization);  // lone surrogate
}

TEST(BatchDecoderKinds, VeryLongString) {
  std::string long_text(1 << 20, 'x');
  for (size_t i = 0; i < long_text.size(); i += 1000) long_text[i] = 'y';
  EXPECT_EQ(SingleBytes(Field(ValueKind::kString), "\"" + long_text + "\""), long_text);
  // The same with an escape at the very end, through the unescaping path.
  EXPECT_EQ(SingleBytes(Field(ValueKind::kString), "\"" + long_text + "\\u00e9\""),
            long_text + "\xc3\xa9");
}

TEST(BatchDecoderKinds, BinaryAndFixed) {
  EXPECT_EQ(SingleBytes(Field(ValueKind::kBinary), "\"Zm9vYmFy\""), "foobar");
  EXPECT_EQ(SingleBytes(Field(ValueKind::kBinary), "\"\""), "");
  EXPECT_EQ(SingleBytes(Field(ValueKind::kBinary), R"("Zm9v\/w==")"),
            std::string("foo\xff", 4));  // "\/" is an escaped '/'
  const FieldSpec fixed{"v", ValueKind::kFixed, false, 0, 0, 3};
  EXPECT_EQ(SingleBytes(fixed, "\"Zm9v\""), "foo");
  RecordError error = ExpectError(fixed, "\"Zm9vYg==\"", RecordErrorType::kValidation);
  EXPECT_EQ(error.message, "field 'v': 4 bytes for fixed[3] (base64 'Zm9vYg==')");
  ExpectValidationError(fixed, "\"Zg==\"");
  error = ExpectError(Field(ValueKind::kBinary), "\"Zm9v!A==\"", RecordErrorType::kValidation);
  EXPECT_EQ(error.message, "field 'v': bad base64 'Zm9v!A==' (character 5 is not base64)");
  ExpectValidationError(Field(ValueKind::kBinary), "\"Z\"");
  ExpectValidationError(Field(ValueKind::kBinary), "123");
}

TEST(BatchDecoderKinds, Uuid) {
  const std::string bytes =
      SingleBytes(Field(ValueKind::kUuid), "\"1cf3a3ef-d107-4cf8-a63b-563931809115\"");
  EXPECT_EQ(bytes,
            std::string("\x1c\xf3\xa3\xef\xd1\x07\x4c\xf8\xa6\x3b\x56\x39\x31\x80\x91\x15", 16));
  RecordError error = ExpectError(Field(ValueKind::kUuid), "\"1cf3a3ef-d107-4cf8-a63b\"",
                                  RecordErrorType::kValidation);
  EXPECT_NE(error.message.find("field 'v': bad uuid '1cf3a3ef-d107-4cf8-a63b'"), std::string::npos);
  ExpectValidationError(Field(ValueKind::kUuid), "\"zcf3a3ef-d107-4cf8-a63b-563931809115\"");
  ExpectValidationError(Field(ValueKind::kUuid), "42");
}

TEST(BatchDecoderKinds, DateAndTime) {
  EXPECT_EQ(Single<int32_t>(Field(ValueKind::kDate), "\"2025-09-11\""), 20342);
  EXPECT_EQ(Single<int32_t>(Field(ValueKind::kDate), "\"1969-12-31\""), -1);
  RecordError error =
      ExpectError(Field(ValueKind::kDate), "\"2025-02-30\"", RecordErrorType::kValidation);
  EXPECT_EQ(error.message, "field 'v': unparseable date '2025-02-30' (day 30 of 2025-02)");
  ExpectValidationError(Field(ValueKind::kDate), "\"2023-02-29\"");
  ExpectValidationError(Field(ValueKind::kDate), "\"2025-13-01\"");
  ExpectValidationError(Field(ValueKind::kDate), "\"2025-9-11\"");
  ExpectValidationError(Field(ValueKind::kDate), "20342");
  EXPECT_EQ(Single<int64_t>(Field(ValueKind::kTime), "\"09:01:11.318522\""),
            ((9 * 60 + 1) * 60 + 11) * kMicrosPerSecond + 318522);
  ExpectValidationError(Field(ValueKind::kTime), "\"24:00:00\"");
  ExpectValidationError(Field(ValueKind::kTime), "3600");
}

TEST(BatchDecoderKinds, Timestamps) {
  const int64_t micros =
      *ParseTimestamp("2025-09-11T09:01:11.318522Z", TimeUnit::kMicros, ZoneRule::kOptional);
  EXPECT_EQ(Single<int64_t>(Field(ValueKind::kTimestampTz), "\"2025-09-11T09:01:11.318522Z\""),
            micros);
  EXPECT_EQ(Single<int64_t>(Field(ValueKind::kTimestampTz), "\"2025-09-11T11:01:11.318522+02:00\""),
            micros);
  EXPECT_EQ(Single<int64_t>(Field(ValueKind::kTimestampTz), "\"2025-09-11 09:01:11.318522\""),
            micros);
  EXPECT_EQ(Single<int64_t>(Field(ValueKind::kTimestamp), "\"2025-09-11T09:01:11.318522\""),
            micros);
  EXPECT_EQ(Single<int64_t>(Field(ValueKind::kTimestampNs), "\"2025-09-11T09:01:11.318522123\""),
            micros * 1000 + 123);
  EXPECT_EQ(
      Single<int64_t>(Field(ValueKind::kTimestampTzNs), "\"2025-09-11T10:01:11.318522123+01\""),
      micros * 1000 + 123);

  RecordError error = ExpectError(Field(ValueKind::kTimestampTz), "\"2025-13-01T00:00:00Z\"",
                                  RecordErrorType::kValidation);
  EXPECT_EQ(error.message, "field 'v': unparseable timestamp '2025-13-01T00:00:00Z' (month 13)");
  for (const char* bad :
       {"\"2025-02-30T00:00:00Z\"", "\"2023-02-29T00:00:00Z\"", "\"2025-01-01T24:00:00Z\"",
        "\"2025-01-01T00:00:00+25:00\"", "\"2025-01-01T00:00:00+5:00\"",
        "\"2025-01-01T00:00:00.1234567890Z\"", "\"2025-01-01\"", "\"\"", "1757581271", "null "}) {
    if (std::string_view(bad).starts_with("null")) continue;  // a null is fine when optional
    ExpectValidationError(Field(ValueKind::kTimestampTz), bad);
  }
  error = ExpectError(Field(ValueKind::kTimestamp), "\"2025-09-11T09:01:11Z\"",
                      RecordErrorType::kValidation);
  EXPECT_EQ(error.message,
            "field 'v': unparseable timestamp '2025-09-11T09:01:11Z' (zone designator 'Z' on a "
            "timestamp without zone)");
  ExpectValidationError(Field(ValueKind::kTimestampNs), "\"2300-01-01T00:00:00\"");
}

TEST(BatchDecoderKinds, Decimal) {
  const FieldSpec small{"v", ValueKind::kDecimal, false, 9, 2};
  EXPECT_EQ(Single<int64_t>(small, "123.45"), 12345);
  EXPECT_EQ(Single<int64_t>(small, "\"123.45\""), 12345);
  EXPECT_EQ(Single<int64_t>(small, "-0.5"), -50);
  EXPECT_EQ(Single<int64_t>(small, "7"), 700);
  EXPECT_EQ(Single<int64_t>(small, "\"+7.\""), 700);
  // Parsed from the text, never through a double: 0.1 + 0.2 style values stay exact.
  const FieldSpec p18{"v", ValueKind::kDecimal, false, 18, 17};
  EXPECT_EQ(Single<int64_t>(p18, "0.30000000000000001"), 30000000000000001);
  RecordError error = ExpectError(small, "1.234", RecordErrorType::kValidation);
  EXPECT_EQ(error.message,
            "field 'v': bad decimal(9, 2) value '1.234' (3 fractional digits, scale is 2)");
  error = ExpectError(small, "\"12345678.9\"", RecordErrorType::kValidation);
  EXPECT_EQ(error.message,
            "field 'v': bad decimal(9, 2) value '12345678.9' (10 digits, precision is 9)");
  ExpectValidationError(small, "\"abc\"");
  ExpectValidationError(small, "true");
  ExpectError(small, "01.5", RecordErrorType::kDeserialization);

  const FieldSpec wide{"v", ValueKind::kDecimal, false, 38, 2};
  std::string bytes = SingleBytes(wide, "\"-1.00\"");
  std::string minus_100(15, '\xff');
  minus_100.push_back('\x9c');
  EXPECT_EQ(bytes, minus_100);
  bytes = SingleBytes(wide, "123456789012345678901234567890.12");
  Int128 expected = 0;
  for (char c : std::string("12345678901234567890123456789012"))
    expected = expected * 10 + (c - '0');
  uint8_t want[16];
  WriteInt128BigEndian(expected, want);
  EXPECT_EQ(bytes, std::string(reinterpret_cast<const char*>(want), 16));
}

TEST(BatchDecoderNulls, NullMissingAndRequired) {
  BatchDecoder decoder = MakeDecoder({{"a", ValueKind::kInt32},
                                      {"b", ValueKind::kString},
                                      {"c", ValueKind::kUuid},
                                      {"r", ValueKind::kInt64, true}});
  DecodedBatch batch = DecodeLines(decoder,
                                   "{\"a\":1,\"b\":\"x\",\"r\":10}\n"
                                   "{\"a\":null,\"b\":null,\"c\":null,\"r\":11}\n"
                                   "{\"r\":12}\n"
                                   "{\"a\":2}\n"
                                   "{\"a\":3,\"r\":null}\n");
  ExpectAligned(batch);
  ASSERT_EQ(batch.num_rows(), 3u);
  EXPECT_EQ(batch.positions, (std::vector<int64_t>{1, 2, 3}));
  const ColumnVector& a = batch.columns[0];
  EXPECT_FALSE(a.IsNull(0));
  EXPECT_EQ(a.Value<int32_t>(0), 1);
  EXPECT_TRUE(a.IsNull(1));
  EXPECT_TRUE(a.IsNull(2));
  EXPECT_EQ(batch.columns[1].GetBytes(0), "x");
  EXPECT_TRUE(batch.columns[1].IsNull(1));
  EXPECT_TRUE(batch.columns[2].IsNull(0));
  EXPECT_EQ(batch.columns[2].null_count(), 3u);
  EXPECT_EQ(batch.columns[3].Value<int64_t>(2), 12);
  ASSERT_EQ(batch.errors.size(), 2u);
  EXPECT_EQ(batch.errors[0].position, 4);
  EXPECT_EQ(batch.errors[0].type, RecordErrorType::kValidation);
  EXPECT_EQ(batch.errors[0].message, "field 'r': missing required field");
  EXPECT_EQ(batch.errors[0].raw, "{\"a\":2}");
  EXPECT_EQ(batch.errors[1].position, 5);
  EXPECT_EQ(batch.errors[1].message, "field 'r': null for a required field");
}

TEST(BatchDecoderKeys, OrderExtrasDuplicatesAndEscapes) {
  BatchDecoder decoder = MakeDecoder({{"a", ValueKind::kInt32}, {"b", ValueKind::kString}});
  DecodedBatch batch = DecodeLines(
      decoder,
      "{\"a\":1,\"b\":\"x\"}\n"
      "{\"b\":\"y\",\"a\":2}\n"                                           // reordered
      "{\"x\":[1,{\"a\":9}],\"a\":3,\"y\":{\"b\":\"no\"},\"b\":\"z\"}\n"  // nested extras
      "{\"a\":4,\"a\":5,\"b\":\"w\"}\n"                                   // last wins
      "{\"\\u0061\":6,\"b\\u0000\":\"q\",\"B\":\"q\"}\n"  // escaped key, near misses
      "{\"a\":7,\"b\":\"v\"}\n");
  ExpectAligned(batch);
  ASSERT_EQ(batch.num_rows(), 6u) << (batch.errors.empty() ? "" : batch.errors[0].message);
  const std::vector<int32_t> a = {1, 2, 3, 5, 6, 7};
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(batch.columns[0].Value<int32_t>(i), a[i]) << i;
  EXPECT_EQ(batch.columns[1].GetBytes(0), "x");
  EXPECT_EQ(batch.columns[1].GetBytes(1), "y");
  EXPECT_EQ(batch.columns[1].GetBytes(2), "z");
  EXPECT_EQ(batch.columns[1].GetBytes(3), "w");
  EXPECT_TRUE(batch.columns[1].IsNull(4));
  EXPECT_EQ(batch.columns[1].GetBytes(5), "v");

  // A bad earlier duplicate still fails the record: every occurrence is validated.
  batch = DecodeLines(decoder, "{\"a\":\"x\",\"a\":5}");
  EXPECT_EQ(batch.num_rows(), 0u);
  EXPECT_EQ(batch.errors.size(), 1u);
}

TEST(BatchDecoderKeys, NamesNeedingEscapes) {
  BatchDecoder decoder =
      MakeDecoder({{"say \"hi\"", ValueKind::kInt32}, {"\xc3\xa9t\xc3\xa9", ValueKind::kInt32}});
  DecodedBatch batch = DecodeLines(decoder,
                                   "{\"say \\\"hi\\\"\":1,\"\xc3\xa9t\xc3\xa9\":2}\n"
                                   "{\"say \\\"hi\\\"\":3,\"\\u00e9t\\u00e9\":4}\n");
  ASSERT_EQ(batch.num_rows(), 2u) << (batch.errors.empty() ? "" : batch.errors[0].message);
  EXPECT_EQ(batch.columns[0].Value<int32_t>(1), 3);
  EXPECT_EQ(batch.columns[1].Value<int32_t>(0), 2);
  EXPECT_EQ(batch.columns[1].Value<int32_t>(1), 4);
}

TEST(BatchDecoderErrors, DeserializationErrors) {
  BatchDecoder decoder = MakeDecoder({{"a", ValueKind::kInt32}});
  const std::vector<std::string> bad = {
      "not json",
      "{\"a\":1",             // truncated
      "{\"a\":",              // truncated
      "{\"a\":1,}",           // trailing comma
      "{\"a\" 1}",            // no colon
      "[{\"a\":1}]",          // top-level array
      "\"a\"",                // top-level string
      "42",                   // top-level number
      "{\"a\":1} {\"a\":2}",  // two values on one line
      "{\"a\":1}}",           // stray brace
      "{\"s\":\"\xff\"}",     // invalid UTF-8
      "{\"s\":\"\xc3\"}",     // truncated UTF-8 sequence
      "{\"s\":\"a\tb\"}",     // raw control character in a string
      "{\"a\":\"unterminated}",
  };
  for (const std::string& line : bad) {
    DecodedBatch batch = decoder.NewBatch();
    ASSERT_TRUE(decoder.DecodeOne(line, 7, &batch).ok());
    EXPECT_EQ(batch.num_rows(), 0u) << line;
    ASSERT_EQ(batch.errors.size(), 1u) << line;
    EXPECT_EQ(batch.errors[0].type, RecordErrorType::kDeserialization)
        << line << ": " << batch.errors[0].message;
    EXPECT_EQ(batch.errors[0].position, 7);
    EXPECT_EQ(batch.errors[0].raw, line);
  }
  DecodedBatch batch = decoder.NewBatch();
  ASSERT_TRUE(decoder.DecodeOne("[1,2]", 0, &batch).ok());
  EXPECT_EQ(batch.errors[0].message, "the top-level value is an array, not an object");
  ASSERT_TRUE(decoder.DecodeOne("", 1, &batch).ok());
  EXPECT_EQ(batch.errors[1].message, "empty document");
  ASSERT_TRUE(decoder.DecodeOne("{\"a\":\"\xff\"}", 2, &batch).ok());
  EXPECT_NE(batch.errors[2].message.find("UTF-8"), std::string::npos) << batch.errors[2].message;
}

TEST(BatchDecoderErrors, RollbackKeepsColumnsAligned) {
  // The failing field comes last, after every other column has a value for the record.
  BatchDecoder decoder = MakeDecoder({{"s", ValueKind::kString},
                                      {"i", ValueKind::kInt64},
                                      {"d", ValueKind::kDouble},
                                      {"u", ValueKind::kUuid},
                                      {"t", ValueKind::kTimestampTz}});
  const std::string good =
      "{\"s\":\"ok\",\"i\":1,\"d\":1.5,\"u\":\"1cf3a3ef-d107-4cf8-a63b-563931809115\","
      "\"t\":\"2025-09-11T09:01:11Z\"}\n";
  const std::string bad_last =
      "{\"s\":\"bad\",\"i\":2,\"d\":2.5,\"u\":\"1cf3a3ef-d107-4cf8-a63b-563931809115\","
      "\"t\":\"2025-02-30T09:01:11Z\"}\n";
  const std::string bad_json = "{\"s\":\"bad\",\"i\":3,\"d\":3.5,\"u\":\n";
  const std::string lines = good + bad_last + good + bad_json + good;  // errors view it
  DecodedBatch batch = DecodeLines(decoder, lines);
  ExpectAligned(batch);
  ASSERT_EQ(batch.num_rows(), 3u);
  EXPECT_EQ(batch.positions, (std::vector<int64_t>{1, 3, 5}));
  for (size_t row = 0; row < 3; ++row) {
    EXPECT_EQ(batch.columns[0].GetBytes(row), "ok");
    EXPECT_EQ(batch.columns[1].Value<int64_t>(row), 1);
  }
  EXPECT_EQ(batch.columns[0].bytes_size(), 6u);  // nothing of "bad" left behind
  ASSERT_EQ(batch.errors.size(), 2u);
  EXPECT_EQ(batch.errors[0].position, 2);
  EXPECT_EQ(batch.errors[0].type, RecordErrorType::kValidation);
  EXPECT_EQ(batch.errors[0].message,
            "field 't': unparseable timestamp '2025-02-30T09:01:11Z' (day 30 of 2025-02)");
  EXPECT_EQ(batch.errors[0].raw, std::string_view(bad_last).substr(0, bad_last.size() - 1));
  EXPECT_EQ(batch.errors[1].position, 4);
  EXPECT_EQ(batch.errors[1].type, RecordErrorType::kDeserialization);
}

TEST(BatchDecoderLines, BlankLinesAndNumbering) {
  BatchDecoder decoder = MakeDecoder({{"a", ValueKind::kInt32}});
  DecodedBatch batch = decoder.NewBatch();
  const std::string lines = "\n{\"a\":1}\r\n   \n\t\r\n{\"a\":2}\n\n{\"a\":x}\n{\"a\":3}";
  ASSERT_TRUE(decoder.DecodeLines(lines, 100, &batch).ok());
  ExpectAligned(batch);
  EXPECT_EQ(batch.positions, (std::vector<int64_t>{101, 104, 107}));
  ASSERT_EQ(batch.errors.size(), 1u);
  EXPECT_EQ(batch.errors[0].position, 106);
  EXPECT_EQ(batch.errors[0].raw, "{\"a\":x}");
  // A second call appends to the same batch.
  ASSERT_TRUE(decoder.DecodeLines("{\"a\":4}\n", 200, &batch).ok());
  EXPECT_EQ(batch.num_rows(), 4u);
  EXPECT_EQ(batch.columns[0].Value<int32_t>(3), 4);
  EXPECT_EQ(batch.positions.back(), 200);
  batch.Clear();
  EXPECT_EQ(batch.num_rows(), 0u);
  EXPECT_EQ(batch.columns[0].size(), 0u);
  EXPECT_TRUE(batch.errors.empty());
}

TEST(BatchDecoderLines, WrongBatchIsRejected) {
  BatchDecoder decoder = MakeDecoder({{"a", ValueKind::kInt32}});
  BatchDecoder other = MakeDecoder({{"a", ValueKind::kString}});
  DecodedBatch batch = other.NewBatch();
  EXPECT_EQ(decoder.DecodeLines("{\"a\":1}", 1, &batch).kind(), ErrorKind::kInvalidArgument);
  EXPECT_EQ(decoder.DecodeOne("{\"a\":1}", 1, nullptr).kind(), ErrorKind::kInvalidArgument);
}

TEST(BatchDecoderLines, LargeMixedBuffer) {
  BatchDecoder decoder = MakeDecoder({{"id", ValueKind::kInt64, true},
                                      {"name", ValueKind::kString},
                                      {"ts", ValueKind::kTimestampTz}});
  std::string lines;
  constexpr int kLines = 20000;
  std::vector<int64_t> good_lines;
  std::vector<int64_t> bad_lines;
  for (int i = 0; i < kLines; ++i) {
    const int64_t line_number = i + 1;
    const std::string id = std::to_string(i);
    switch (i % 7) {
      case 3:
        lines.append("{\"id\":").append(id).append(",\"ts\":\"2025-02-29T00:00:00Z\"}\n");
        bad_lines.push_back(line_number);
        break;
      case 5:
        lines.append("{\"id\":").append(id).append(",\"name\":\"trunc\n");
        bad_lines.push_back(line_number);
        break;
      case 6:
        lines.append("\n");
        break;
      default:
        lines.append("{\"id\":").append(id).append(",\"name\":\"n").append(id);
        lines.append("\",\"ts\":\"2025-09-11T09:01:11.").append(std::to_string(100000 + i));
        lines.append("Z\"}\n");
        good_lines.push_back(line_number);
    }
  }
  DecodedBatch batch = DecodeLines(decoder, lines);
  ExpectAligned(batch);
  EXPECT_EQ(batch.positions, good_lines);
  ASSERT_EQ(batch.errors.size(), bad_lines.size());
  for (size_t i = 0; i < bad_lines.size(); ++i) EXPECT_EQ(batch.errors[i].position, bad_lines[i]);
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    const int64_t id = batch.positions[row] - 1;
    ASSERT_EQ(batch.columns[0].Value<int64_t>(row), id);
    ASSERT_EQ(batch.columns[1].GetBytes(row), fmt::format("n{}", id));
  }
  EXPECT_FALSE(batch.columns[1].has_nulls());
}

bool Inside(std::string_view view, std::string_view input);

// A large buffer is parsed as one stream of documents; whatever its lines hold, the result must
// be the one of decoding each line on its own: the same rows, positions and errors (kind,
// message and raw text), in random mixes of good lines and every way a line can be wrong,
// including the ways that confuse a stream (two values on a line, a value over two lines, an
// unclosed string, invalid UTF-8).
// Every way a line can be wrong, the ways that confuse a stream among them.
const std::vector<std::string>& BadLines() {
  static const std::vector<std::string> bad = {
      "{\"id\":\"not a number\"}",  // validation
      "{\"name\":\"no id\"}",       // missing required
      "{}",
      "{\"id\":1} {\"id\":2}",        // two values on a line
      "{\"id\":1,\n\"name\":\"a\"}",  // one value over two lines
      "{\"id\":1,\"name\":\"unclosed",
      "[1,2]",
      "42",
      "\"text\"",
      "nul",
      "{\"id\":1}x",
      "{\"id\":1}}",
      "{\"id\":1},",
      "{\"id\":1,\"name\":\"\xff\xfe\"}",  // invalid UTF-8
      "{\"id\":1,",
      "}",
      "{\"id\":1,\"ts\":\"2025-02-30T00:00:00Z\"}",
      "{\"id\":1,\"name\":\"a\tb\"}",  // a raw control character
  };
  return bad;
}

std::string GoodLine(std::mt19937& random, int i) {
  const std::string id = std::to_string(i);
  switch (random() % 4) {
    case 0:
      return "{\"id\":" + id + ",\"name\":\"n" + id + "\",\"ts\":\"2025-09-11T09:01:11." +
             std::to_string(100000 + i % 900000) + "Z\",\"score\":1.5}\n";
    case 1:
      return "  {\"name\":\"q\\\"u\\u00e9" + id + "\", \"id\" : " + id + " }\r\n";
    case 2:
      return "{\"id\":" + id + ",\"extra\":{\"a\":[1,2,{\"b\":null}]},\"name\":null}\n";
    default:
      return random() % 2 ? "\n" : " \t \r\n";
  }
}

// Appends each row of `batch` as text: one string per row, for comparing batches.
std::vector<std::string> RowsAsText(const DecodedBatch& batch, size_t deferred_field) {
  std::vector<std::string> rows;
  ColumnVector deferred(ColumnKind::kBytes);
  const bool is_deferred = batch.is_deferred[deferred_field];
  if (is_deferred) {
    batch.MaterializeDeferred(deferred_field, Selection::All(batch.num_rows()), &deferred);
  }
  for (size_t row = 0; row < batch.num_rows(); ++row) {
    std::string text = std::to_string(batch.positions[row]);
    for (size_t field = 0; field < batch.columns.size(); ++field) {
      const ColumnVector& column =
          is_deferred && field == deferred_field ? deferred : batch.columns[field];
      text += " | ";
      if (column.IsNull(row)) {
        text += "null";
      } else if (column.kind() == ColumnKind::kBytes) {
        text += column.GetBytes(row);
      } else if (column.kind() == ColumnKind::kDouble) {
        text += std::to_string(column.Value<double>(row));
      } else {
        text += std::to_string(column.Value<int64_t>(row));
      }
    }
    rows.push_back(std::move(text));
  }
  return rows;
}

// Decodes `buffer` whole (as a stream, when large), and line by line, and expects the same.
// Returns the rows decoded.
size_t ExpectStreamEqualsLines(const std::string& buffer, bool defer, const std::string& what) {
  const std::vector<FieldSpec> fields = {{"id", ValueKind::kInt64, true},
                                         {"name", ValueKind::kString},
                                         {"ts", ValueKind::kTimestampTz},
                                         {"score", ValueKind::kDouble}};
  BatchDecoder whole = MakeDecoder(fields);
  if (defer) {
    EXPECT_TRUE(whole.Defer({1}).ok());
  }
  DecodedBatch got = DecodeLines(whole, buffer);

  BatchDecoder each = MakeDecoder(fields);
  DecodedBatch want = each.NewBatch();
  int64_t number = 1;
  std::deque<std::string> lines;  // the errors' raw text points into them
  for (size_t at = 0; at <= buffer.size();) {
    size_t newline = buffer.find('\n', at);
    if (newline == std::string::npos) newline = buffer.size();
    const std::string& line = lines.emplace_back(buffer.substr(at, newline - at));
    EXPECT_TRUE(each.DecodeLines(line, number++, &want).ok());
    at = newline + 1;
  }

  EXPECT_EQ(got.positions, want.positions) << what;
  EXPECT_EQ(RowsAsText(got, 1), RowsAsText(want, 1)) << what;
  EXPECT_EQ(got.errors.size(), want.errors.size()) << what;
  for (size_t i = 0; i < std::min(got.errors.size(), want.errors.size()); ++i) {
    const int64_t position = want.errors[i].position;
    EXPECT_EQ(got.errors[i].position, position) << what;
    EXPECT_EQ(got.errors[i].type, want.errors[i].type) << what << ", line " << position;
    EXPECT_EQ(got.errors[i].message, want.errors[i].message) << what << ", line " << position;
    EXPECT_EQ(got.errors[i].raw, std::string(want.errors[i].raw)) << what << ", line " << position;
    EXPECT_TRUE(Inside(got.errors[i].raw, buffer)) << what << ", line " << position;
  }
  return got.num_rows();
}

TEST(BatchDecoderLines, StreamEqualsLineByLine) {
  std::mt19937 random(20261203);
  // Each bad line amid good ones, with good lines after it for the stream to go wrong on.
  for (size_t kind = 0; kind < BadLines().size(); ++kind) {
    std::string buffer;
    for (int i = 0; i < 600; ++i) buffer += GoodLine(random, i);
    buffer += BadLines()[kind] + "\n";
    for (int i = 600; i < 1200; ++i) buffer += GoodLine(random, i);
    ExpectStreamEqualsLines(buffer, kind % 2 == 1, "bad line " + std::to_string(kind));
  }
  // Random mixes, from no bad line to many.
  size_t rows = 0;
  for (int round = 0; round < 40; ++round) {
    const double bad_share = std::array<double, 5>{0, 0.0005, 0.002, 0.02, 0.3}[round % 5];
    std::uniform_real_distribution<double> share(0, 1);
    const int count = 200 + static_cast<int>(random() % 3000);
    std::string buffer;
    for (int i = 0; i < count; ++i) {
      buffer += share(random) < bad_share ? BadLines()[random() % BadLines().size()] + "\n"
                                          : GoodLine(random, i);
    }
    if (round % 3 == 0) buffer.pop_back();  // the last line without its '\n'
    rows += ExpectStreamEqualsLines(buffer, round % 2 == 1, "round " + std::to_string(round));
  }
  EXPECT_GT(rows, 10000u);
}

// Many messages decoded at once (as one stream, when they add up to enough bytes) must give what
// decoding each on its own gives, whatever they hold. A message is not a line: a newline inside
// one is JSON whitespace, and an empty message is an error.
TEST(BatchDecoderMany, SameAsOneByOne) {
  const std::vector<FieldSpec> fields = {{"id", ValueKind::kInt64, true},
                                         {"name", ValueKind::kString},
                                         {"ts", ValueKind::kTimestampTz},
                                         {"score", ValueKind::kDouble}};
  std::mt19937 random(31);
  size_t rows = 0;
  for (int round = 0; round < 40 + static_cast<int>(BadLines().size()); ++round) {
    std::vector<std::string> texts;
    const bool targeted = round >= 40;  // one of each bad kind amid good messages
    const double bad_share = std::array<double, 5>{0, 0.0005, 0.002, 0.02, 0.3}[round % 5];
    std::uniform_real_distribution<double> share(0, 1);
    const int count = targeted ? 1200 : 2 + static_cast<int>(random() % 3000);
    for (int i = 0; i < count; ++i) {
      const bool bad = targeted ? i == 600 : share(random) < bad_share;
      if (bad) {
        texts.push_back(targeted ? BadLines()[round - 40]
                                 : BadLines()[random() % BadLines().size()]);
      } else {
        std::string text;
        do {
          text = GoodLine(random, i);
        } while (text.find('{') == std::string::npos);  // a blank message is an error
        if (random() % 2) text.pop_back();              // with or without a trailing newline
        texts.push_back(std::move(text));
      }
      if (!targeted && random() % 500 == 0) texts.push_back(random() % 2 ? "" : " \n ");
    }
    std::vector<std::string_view> messages(texts.begin(), texts.end());
    std::vector<int64_t> positions;
    for (size_t i = 0; i < messages.size(); ++i) positions.push_back(1000 + 3 * i);
    const bool defer = round % 2 == 1;

    BatchDecoder many = MakeDecoder(fields);
    BatchDecoder one = MakeDecoder(fields);
    if (defer) {
      ASSERT_TRUE(many.Defer({1}).ok());
      ASSERT_TRUE(one.Defer({1}).ok());
    }
    DecodedBatch got = many.NewBatch();
    ASSERT_TRUE(many.DecodeMany(messages, positions, &got).ok());
    DecodedBatch want = one.NewBatch();
    for (size_t i = 0; i < messages.size(); ++i) {
      ASSERT_TRUE(one.DecodeOne(messages[i], positions[i], &want).ok());
    }
    const std::string what = "round " + std::to_string(round);
    EXPECT_EQ(got.positions, want.positions) << what;
    EXPECT_EQ(RowsAsText(got, 1), RowsAsText(want, 1)) << what;
    ASSERT_EQ(got.errors.size(), want.errors.size()) << what;
    for (size_t i = 0; i < got.errors.size(); ++i) {
      EXPECT_EQ(got.errors[i].position, want.errors[i].position) << what;
      EXPECT_EQ(got.errors[i].type, want.errors[i].type) << what;
      EXPECT_EQ(got.errors[i].message, want.errors[i].message) << what;
      EXPECT_EQ(got.errors[i].raw.data(), want.errors[i].raw.data()) << what;  // the caller's
      EXPECT_EQ(got.errors[i].raw.size(), want.errors[i].raw.size()) << what;
    }
    if (defer) {
      for (size_t row = 0; row < got.num_rows(); ++row) {
        const std::string_view view = got.deferred[1][row];
        // Unescaped values (the ones with a quote) live in the batch; the others point into
        // the row's own message.
        if (view.data() == nullptr || view.find('"') != std::string_view::npos) continue;
        EXPECT_TRUE(Inside(view, messages[(got.positions[row] - 1000) / 3])) << view;
      }
    }
    rows += got.num_rows();
  }
  EXPECT_GT(rows, 10000u);

  BatchDecoder decoder = MakeDecoder(fields);
  DecodedBatch batch = decoder.NewBatch();
  EXPECT_EQ(decoder.DecodeMany({"{}"}, {}, &batch).kind(), ErrorKind::kInvalidArgument);
}

TEST(BatchDecoderOne, SeedMessage) {
  BatchDecoder decoder = MakeDecoder({{"account_id", ValueKind::kString},
                                      {"message_id", ValueKind::kString},
                                      {"message_body", ValueKind::kString},
                                      {"correlation_id", ValueKind::kString},
                                      {"message_status", ValueKind::kString},
                                      {"timestamp", ValueKind::kTimestampTz}});
  DecodedBatch batch = decoder.NewBatch();
  const std::string message =
      R"({"account_id":"1cf3a3ef-d107-4cf8-a63b-563931809115","message_id":"6130343861034927",)"
      R"("message_body":"Gun is a dangerous thing","correlation_id":"8019984399",)"
      R"("message_status":"u_initial","timestamp":"2025-09-11T09:01:11.318522Z"})";
  for (int64_t offset = 0; offset < 3; ++offset) {
    ASSERT_TRUE(decoder.DecodeOne(message, 1000 + offset, &batch).ok());
  }
  ASSERT_EQ(batch.num_rows(), 3u);
  EXPECT_EQ(batch.positions, (std::vector<int64_t>{1000, 1001, 1002}));
  EXPECT_EQ(batch.columns[0].GetBytes(2), "1cf3a3ef-d107-4cf8-a63b-563931809115");
  EXPECT_EQ(batch.columns[2].GetBytes(1), "Gun is a dangerous thing");
  EXPECT_EQ(batch.columns[4].GetBytes(0), "u_initial");
  EXPECT_EQ(batch.columns[5].Value<int64_t>(0),
            *ParseTimestamp("2025-09-11T09:01:11.318522Z", TimeUnit::kMicros, ZoneRule::kOptional));
  // Pretty-printed, with whitespace everywhere the grammar allows it.
  const std::string spaced =
      "  {\n  \"message_body\" :\t\"spaced\" ,\r\n  \"timestamp\" : \"2025-09-11T09:01:11Z\"  }\n ";
  ASSERT_TRUE(decoder.DecodeOne(spaced, 5, &batch).ok());
  ASSERT_EQ(batch.num_rows(), 4u) << (batch.errors.empty() ? "" : batch.errors[0].message);
  EXPECT_EQ(batch.columns[2].GetBytes(3), "spaced");
  EXPECT_TRUE(batch.columns[0].IsNull(3));
}

// Whether `view` lies inside `input` (deferred values point at the caller's bytes).
bool Inside(std::string_view view, std::string_view input) {
  return std::less_equal<const char*>()(input.data(), view.data()) &&
         std::less_equal<const char*>()(view.data() + view.size(), input.data() + input.size());
}

TEST(BatchDecoderDefer, SameValuesAsDecodingEverything) {
  const std::vector<FieldSpec> fields = {
      {"a", ValueKind::kString}, {"b", ValueKind::kString}, {"n", ValueKind::kInt64}};
  BatchDecoder eager = MakeDecoder(fields);
  BatchDecoder late = MakeDecoder(fields);
  ASSERT_TRUE(late.Defer({0}).ok());
  // Plain, escaped, null, missing, duplicated, a bad record (rolled back), and a last line short
  // enough to be parsed from the decoder's padded copy.
  const std::string lines =
      "{\"a\":\"plain\",\"b\":\"x\",\"n\":1}\n"
      "{\"a\":\"q\\\"u\\u00e9\",\"b\":\"y\",\"n\":2}\n"
      "{\"a\":null,\"b\":\"z\",\"n\":3}\n"
      "{\"b\":\"w\",\"n\":4}\n"
      "{\"a\":\"first\",\"a\":\"\",\"n\":5}\n"
      "{\"a\":\"rolled back\",\"n\":\"six\"}\n"
      "{\"a\":\"tail\"}";
  DecodedBatch all = DecodeLines(eager, lines);
  DecodedBatch some = DecodeLines(late, lines);
  ASSERT_EQ(some.num_rows(), 6u);
  ASSERT_EQ(all.positions, some.positions);
  ASSERT_EQ(some.errors.size(), 1u);
  EXPECT_EQ(some.errors[0].position, 6);
  EXPECT_TRUE(some.is_deferred[0]);
  EXPECT_FALSE(some.is_deferred[1]);
  EXPECT_TRUE(some.columns[0].empty());
  ASSERT_EQ(some.deferred[0].size(), 6u);
  EXPECT_EQ(some.columns[1].size(), 6u);
  EXPECT_TRUE(Inside(some.deferred[0][0], lines));
  EXPECT_FALSE(Inside(some.deferred[0][1], lines));  // unescaped: owned by the batch
  EXPECT_EQ(some.deferred[0][1], "q\"u\u00e9");
  EXPECT_EQ(some.deferred[0][2].data(), nullptr);
  EXPECT_EQ(some.deferred[0][3].data(), nullptr);
  EXPECT_NE(some.deferred[0][4].data(), nullptr);
  EXPECT_TRUE(Inside(some.deferred[0][5], lines));  // through the padded copy, then mapped back

  ColumnVector every(ColumnKind::kBytes);
  some.MaterializeDeferred(0, Selection::All(some.num_rows()), &every);
  ASSERT_EQ(every.size(), all.columns[0].size());
  for (size_t row = 0; row < every.size(); ++row) {
    EXPECT_EQ(every.IsNull(row), all.columns[0].IsNull(row)) << row;
    EXPECT_EQ(every.GetBytes(row), all.columns[0].GetBytes(row)) << row;
  }
  const uint32_t rows[] = {1, 2, 5};
  ColumnVector picked(ColumnKind::kBytes);
  some.MaterializeDeferred(0, Selection{rows, 3}, &picked);
  ASSERT_EQ(picked.size(), 3u);
  EXPECT_EQ(picked.GetBytes(0), "q\"u\u00e9");
  EXPECT_TRUE(picked.IsNull(1));
  EXPECT_EQ(picked.GetBytes(2), "tail");

  some.Clear();
  EXPECT_TRUE(some.deferred[0].empty());
  EXPECT_TRUE(some.unescaped.empty());
  ASSERT_TRUE(late.DecodeLines("{\"a\":\"again\"}\n", 1, &some).ok());
  EXPECT_EQ(some.deferred[0].size(), 1u);
}

TEST(BatchDecoderDefer, MessagesPointIntoTheCallersBytes) {
  BatchDecoder decoder = MakeDecoder({{"a", ValueKind::kString}, {"b", ValueKind::kString}});
  ASSERT_TRUE(decoder.Defer({1}).ok());
  DecodedBatch batch = decoder.NewBatch();
  const std::string first = R"({"a":"1","b":"kept"})";
  const std::string second = R"({"b":"also","a":"2"})";
  ASSERT_TRUE(decoder.DecodeOne(first, 10, &batch).ok());
  ASSERT_TRUE(decoder.DecodeOne(second, 11, &batch).ok());
  ASSERT_EQ(batch.deferred[1].size(), 2u);
  EXPECT_TRUE(Inside(batch.deferred[1][0], first));
  EXPECT_TRUE(Inside(batch.deferred[1][1], second));
  EXPECT_EQ(batch.deferred[1][0], "kept");
  EXPECT_EQ(batch.deferred[1][1], "also");
  EXPECT_EQ(batch.columns[0].GetBytes(1), "2");
}

TEST(BatchDecoderDefer, OnlyStringFieldsThatExist) {
  BatchDecoder decoder = MakeDecoder({{"a", ValueKind::kString}, {"n", ValueKind::kInt64}});
  EXPECT_EQ(decoder.Defer({1}).kind(), ErrorKind::kInvalidArgument);
  EXPECT_EQ(decoder.Defer({2}).kind(), ErrorKind::kInvalidArgument);
  EXPECT_EQ(decoder.Defer({-1}).kind(), ErrorKind::kInvalidArgument);
  // An empty batch takes the decoder's mode, whenever it was made.
  DecodedBatch before = decoder.NewBatch();
  ASSERT_TRUE(decoder.Defer({0}).ok());
  ASSERT_TRUE(decoder.DecodeLines("{\"a\":\"x\"}", 1, &before).ok());
  EXPECT_TRUE(before.is_deferred[0]);
  EXPECT_EQ(before.deferred[0].size(), 1u);
}

TEST(BatchDecoderDefer, TheBatchChoosesWhileEmpty) {
  BatchDecoder decoder = MakeDecoder({{"a", ValueKind::kString}, {"b", ValueKind::kString}});
  ASSERT_TRUE(decoder.Defer({0}).ok());
  DecodedBatch batch = decoder.NewBatch();
  batch.defer = false;
  ASSERT_TRUE(decoder.DecodeLines("{\"a\":\"x\",\"b\":\"y\"}", 1, &batch).ok());
  EXPECT_FALSE(batch.is_deferred[0]);
  EXPECT_EQ(batch.columns[0].GetBytes(0), "x");
  // Rows decoded already keep their mode.
  batch.defer = true;
  ASSERT_TRUE(decoder.DecodeLines("{\"a\":\"z\"}", 2, &batch).ok());
  EXPECT_FALSE(batch.is_deferred[0]);
  EXPECT_EQ(batch.columns[0].GetBytes(1), "z");
  batch.Clear();
  EXPECT_TRUE(batch.defer);
  ASSERT_TRUE(decoder.DecodeLines("{\"a\":\"w\"}", 3, &batch).ok());
  EXPECT_TRUE(batch.is_deferred[0]);
  EXPECT_TRUE(batch.columns[0].empty());
  EXPECT_EQ(batch.deferred[0][0], "w");
}

}  // namespace
}  // namespace floe::json
