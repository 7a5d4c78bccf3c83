// Exact decimal parsing: scale, precision, exponents and both grammars.

#include "format/json/decimal.h"

#include <gtest/gtest.h>

#include <string>

namespace floe::json {
namespace {

Int128 Parse(std::string_view text, int32_t precision, int32_t scale,
             DecimalGrammar grammar = DecimalGrammar::kJsonNumber) {
  Result<Int128> result = ParseDecimal(text, precision, scale, grammar);
  EXPECT_TRUE(result.ok()) << text << ": " << result.status().ToString();
  return result.ok() ? *result : Int128{-999};
}

std::string Reason(std::string_view text, int32_t precision, int32_t scale,
                   DecimalGrammar grammar = DecimalGrammar::kJsonNumber) {
  Result<Int128> result = ParseDecimal(text, precision, scale, grammar);
  return result.ok() ? "" : result.status().message();
}

TEST(ParseDecimal, ScalesExactly) {
  EXPECT_TRUE(Parse("0.1", 5, 1) == 1);
  EXPECT_TRUE(Parse("123.45", 5, 2) == 12345);
  EXPECT_TRUE(Parse("-123.45", 5, 2) == -12345);
  EXPECT_TRUE(Parse("123.4", 5, 2) == 12340);
  EXPECT_TRUE(Parse("123", 5, 2) == 12300);
  EXPECT_TRUE(Parse("0", 5, 2) == 0);
  EXPECT_TRUE(Parse("-0", 5, 2) == 0);
  EXPECT_TRUE(Parse("0.00", 1, 0) == 0);
  EXPECT_TRUE(Parse("1.50", 5, 1) == 15);  // a trailing zero beyond the scale changes nothing
  EXPECT_TRUE(Parse("1.5e2", 5, 0) == 150);
  EXPECT_TRUE(Parse("15E-1", 5, 1) == 15);
  EXPECT_TRUE(Parse("1e+3", 5, 1) == 10000);
  EXPECT_TRUE(Parse("0.000e999999999999", 5, 1) == 0);
}

TEST(ParseDecimal, TooManyFractionalDigits) {
  EXPECT_EQ(Reason("1.234", 10, 2), "3 fractional digits, scale is 2");
  EXPECT_EQ(Reason("1.5", 10, 0), "1 fractional digits, scale is 0");
  EXPECT_EQ(Reason("15e-3", 10, 2), "3 fractional digits, scale is 2");
  EXPECT_EQ(Reason("0.0000000000000000000000000000000000000000001", 38, 10),
            "43 fractional digits, scale is 10");
}

TEST(ParseDecimal, OutOfPrecision) {
  EXPECT_EQ(Reason("1234.5", 5, 2), "6 digits, precision is 5");
  EXPECT_EQ(Reason("100000", 5, 0), "6 digits, precision is 5");
  EXPECT_EQ(Reason("1e5", 5, 0), "6 digits, precision is 5");
  EXPECT_EQ(Reason("1e999999999999999999", 38, 0).empty(), false);
  EXPECT_TRUE(Parse("99999", 5, 0) == 99999);
  EXPECT_TRUE(Parse("999.99", 5, 2) == 99999);
  EXPECT_TRUE(
      Parse("00000000000000000000000000000000000000000001", 1, 0, DecimalGrammar::kLenient) == 1);
}

TEST(ParseDecimal, ThirtyEightDigits) {
  Int128 max = Parse("99999999999999999999999999999999999999", 38, 0);
  Int128 expected = 0;
  for (int i = 0; i < 38; ++i) expected = expected * 10 + 9;
  EXPECT_TRUE(max == expected);
  EXPECT_TRUE(Parse("-9999999999999999999999999999.9999999999", 38, 10) == -expected);
  EXPECT_FALSE(
      ParseDecimal("999999999999999999999999999999999999999", 38, 0, DecimalGrammar::kJsonNumber)
          .ok());
}

TEST(ParseDecimal, Grammars) {
  EXPECT_EQ(Reason("01", 5, 0), "not a number");
  EXPECT_EQ(Reason("+1", 5, 0), "not a number");
  EXPECT_EQ(Reason("1.", 5, 0), "not a number");
  EXPECT_EQ(Reason(".5", 5, 1), "not a number");
  EXPECT_EQ(Reason("1e", 5, 0), "not a number");
  EXPECT_EQ(Reason("", 5, 0), "not a number");
  EXPECT_EQ(Reason("-", 5, 0), "not a number");
  EXPECT_EQ(Reason("1,5", 5, 1), "not a number");
  EXPECT_EQ(Reason(" 1", 5, 0), "not a number");
  EXPECT_EQ(Reason("NaN", 5, 0, DecimalGrammar::kLenient), "not a number");
  EXPECT_TRUE(Parse("01", 5, 0, DecimalGrammar::kLenient) == 1);
  EXPECT_TRUE(Parse("+1", 5, 0, DecimalGrammar::kLenient) == 1);
  EXPECT_TRUE(Parse("1.", 5, 0, DecimalGrammar::kLenient) == 1);
  EXPECT_TRUE(Parse(".5", 5, 1, DecimalGrammar::kLenient) == 5);
  EXPECT_EQ(Reason(".", 5, 0, DecimalGrammar::kLenient), "not a number");
}

TEST(WriteInt128BigEndian, TwosComplement) {
  uint8_t out[kWideDecimalBytes];
  WriteInt128BigEndian(1, out);
  for (int i = 0; i < 15; ++i) EXPECT_EQ(out[i], 0);
  EXPECT_EQ(out[15], 1);
  WriteInt128BigEndian(-1, out);
  for (uint8_t b : out) EXPECT_EQ(b, 0xff);
  WriteInt128BigEndian(-256, out);
  EXPECT_EQ(out[14], 0xff);
  EXPECT_EQ(out[15], 0x00);
  WriteInt128BigEndian(0x0102, out);
  EXPECT_EQ(out[14], 0x01);
  EXPECT_EQ(out[15], 0x02);
}

}  // namespace
}  // namespace floe::json
