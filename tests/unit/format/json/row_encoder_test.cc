#include "format/json/row_encoder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "format/json/batch_decoder.h"

namespace floe::json {
namespace {

std::string Timestamp(int64_t value, bool nanos, bool utc) {
  std::string out;
  AppendTimestamp(value, nanos, utc, &out);
  return out;
}

TEST(RowEncoderTest, TimestampsUseTheShortestFractionGroup) {
  EXPECT_EQ(Timestamp(1757581271318522, false, true), "2025-09-11T09:01:11.318522Z");
  EXPECT_EQ(Timestamp(1757581271318000, false, true), "2025-09-11T09:01:11.318Z");
  EXPECT_EQ(Timestamp(1757581271000000, false, false), "2025-09-11T09:01:11");
  EXPECT_EQ(Timestamp(0, false, true), "1970-01-01T00:00:00Z");
  EXPECT_EQ(Timestamp(-1, false, true), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(Timestamp(-1, true, true), "1969-12-31T23:59:59.999999999Z");
  EXPECT_EQ(Timestamp(951825600000000, false, false), "2000-02-29T12:00:00");
  EXPECT_EQ(Timestamp(-2208988800000000, false, true), "1900-01-01T00:00:00Z");
}

TEST(RowEncoderTest, DatesAndTimes) {
  std::string out;
  AppendDate(0, &out);
  out.push_back(' ');
  AppendDate(-1, &out);
  out.push_back(' ');
  AppendDate(11016, &out);  // 2000-02-29
  out.push_back(' ');
  AppendTimeMicros(86399999999, &out);
  EXPECT_EQ(out, "1970-01-01 1969-12-31 2000-02-29 23:59:59.999999");
}

TEST(RowEncoderTest, StringsAreEscaped) {
  std::string out;
  AppendJsonString("a\"b\\c\nd\te\x01 é ✓", &out);
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\nd\\te\\u0001 é ✓\"");
}

TEST(RowEncoderTest, EveryKindRoundTripsThroughTheDecoder) {
  std::vector<FieldSpec> fields = {
      {"b", ValueKind::kBoolean},
      {"i", ValueKind::kInt32},
      {"l", ValueKind::kInt64},
      {"f", ValueKind::kFloat},
      {"d", ValueKind::kDouble},
      {"s", ValueKind::kString},
      {"bin", ValueKind::kBinary},
      {"fx", ValueKind::kFixed, false, 0, 0, 3},
      {"u", ValueKind::kUuid},
      {"dt", ValueKind::kDate},
      {"tm", ValueKind::kTime},
      {"ts", ValueKind::kTimestamp},
      {"tz", ValueKind::kTimestampTz},
      {"tzn", ValueKind::kTimestampTzNs},
      {"dec", ValueKind::kDecimal, false, 9, 2},
      {"wide", ValueKind::kDecimal, false, 38, 10},
  };
  auto decoder = BatchDecoder::Make(fields);
  ASSERT_TRUE(decoder.ok());
  const std::string input =
      "{\"b\":true,\"i\":-2147483648,\"l\":9223372036854775807,\"f\":1.5,\"d\":0.1,"
      "\"s\":\"q\\\"uote ✓\",\"bin\":\"aGVsbG8=\",\"fx\":\"AAEC\","
      "\"u\":\"f79c3e09-677c-4bbd-a479-3f349cb785e7\",\"dt\":\"1969-12-31\","
      "\"tm\":\"09:01:11.5\",\"ts\":\"2025-09-11T09:01:11.318522\","
      "\"tz\":\"2025-09-11T11:01:11+02:00\",\"tzn\":\"2025-09-11T09:01:11.123456789Z\","
      "\"dec\":\"-0.05\",\"wide\":\"-1234567890123456789012345678.0123456789\"}\n"
      "{\"b\":null,\"d\":\"NaN\"}\n";
  DecodedBatch first = decoder->NewBatch();
  ASSERT_TRUE(decoder->DecodeLines(input, 1, &first).ok());
  ASSERT_TRUE(first.errors.empty()) << first.errors[0].message;
  ASSERT_EQ(first.num_rows(), 2u);

  auto encoder = RowEncoder::Make(fields);
  ASSERT_TRUE(encoder.ok());
  std::vector<const ColumnVector*> columns;
  for (const ColumnVector& column : first.columns) columns.push_back(&column);
  std::string encoded;
  ASSERT_TRUE(encoder->EncodeLines(columns, Selection::All(2), &encoded).ok());
  EXPECT_EQ(encoded.substr(0, encoded.find('\n')),
            "{\"b\":true,\"i\":-2147483648,\"l\":9223372036854775807,\"f\":1.5,\"d\":0.1,"
            "\"s\":\"q\\\"uote ✓\",\"bin\":\"aGVsbG8=\",\"fx\":\"AAEC\","
            "\"u\":\"f79c3e09-677c-4bbd-a479-3f349cb785e7\",\"dt\":\"1969-12-31\","
            "\"tm\":\"09:01:11.500\",\"ts\":\"2025-09-11T09:01:11.318522\","
            "\"tz\":\"2025-09-11T09:01:11Z\",\"tzn\":\"2025-09-11T09:01:11.123456789Z\","
            "\"dec\":\"-0.05\",\"wide\":\"-1234567890123456789012345678.0123456789\"}");

  // Decoding the encoded text gives the same values again.
  DecodedBatch second = decoder->NewBatch();
  ASSERT_TRUE(decoder->DecodeLines(encoded, 1, &second).ok());
  ASSERT_TRUE(second.errors.empty()) << second.errors[0].message;
  ASSERT_EQ(second.num_rows(), 2u);
  for (size_t c = 0; c < fields.size(); ++c) {
    for (size_t row = 0; row < 2; ++row) {
      const ColumnVector& a = first.columns[c];
      const ColumnVector& b = second.columns[c];
      ASSERT_EQ(a.IsNull(row), b.IsNull(row)) << fields[c].name << " row " << row;
      if (a.IsNull(row)) continue;
      if (a.kind() == ColumnKind::kBytes || a.kind() == ColumnKind::kFixed) {
        EXPECT_EQ(a.GetBytes(row), b.GetBytes(row)) << fields[c].name;
      } else if (a.kind() == ColumnKind::kDouble && std::isnan(a.Value<double>(row))) {
        EXPECT_TRUE(std::isnan(b.Value<double>(row)));
      } else {
        size_t width = a.ElementWidth();
        EXPECT_EQ(std::memcmp(a.values<uint8_t>() + row * width, b.values<uint8_t>() + row * width,
                              width),
                  0)
            << fields[c].name;
      }
    }
  }
}

TEST(RowEncoderTest, WrongColumnsAreRefused) {
  auto encoder = RowEncoder::Make({{"x", ValueKind::kInt64}});
  ASSERT_TRUE(encoder.ok());
  ColumnVector wrong(ColumnKind::kBytes);
  wrong.AppendBytes("1");
  std::vector<const ColumnVector*> columns = {&wrong};
  std::string out;
  Status status = encoder->EncodeLines(columns, Selection::All(1), &out);
  EXPECT_EQ(status.kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(status.message().find("'x'"), std::string::npos);
  EXPECT_FALSE(RowEncoder::Make({}).ok());
  EXPECT_FALSE(RowEncoder::Make({{"d", ValueKind::kDecimal, false, 40, 2}}).ok());
}

}  // namespace
}  // namespace floe::json
