#include "iceberg/conversions.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace floe::iceberg {
namespace {

TypePtr T(TypeId id) { return Type::Primitive(id); }

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    const auto b = static_cast<uint8_t>(c);
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xF]);
  }
  return out;
}

std::string SingleHex(const TypePtr& type, const Scalar& value) {
  Result<std::string> bytes = ToSingleValue(*type, value);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return bytes.ok() ? Hex(*bytes) : "";
}

void ExpectRoundTrip(const TypePtr& type, const Scalar& value) {
  Result<std::string> bytes = ToSingleValue(*type, value);
  ASSERT_TRUE(bytes.ok()) << type->ToString() << ": " << bytes.status().ToString();
  Result<Scalar> back = FromSingleValue(*type, *bytes);
  ASSERT_TRUE(back.ok()) << type->ToString() << ": " << back.status().ToString();
  EXPECT_EQ(*back, value) << type->ToString();
}

TEST(ConversionSingleValue, LittleEndianNumbers) {
  EXPECT_EQ(SingleHex(T(TypeId::kBoolean), Scalar(true)), "01");
  EXPECT_EQ(SingleHex(T(TypeId::kBoolean), Scalar(false)), "00");
  EXPECT_EQ(SingleHex(T(TypeId::kInt), Scalar(int32_t{34})), "22000000");
  EXPECT_EQ(SingleHex(T(TypeId::kInt), Scalar(int32_t{-2})), "feffffff");
  EXPECT_EQ(SingleHex(T(TypeId::kDate), Scalar(int32_t{17486})), "4e440000");
  EXPECT_EQ(SingleHex(T(TypeId::kLong), Scalar(int64_t{0x0102030405060708})), "0807060504030201");
  EXPECT_EQ(SingleHex(T(TypeId::kTimestampTz), Scalar(int64_t{-1})), "ffffffffffffffff");
  EXPECT_EQ(SingleHex(T(TypeId::kTime), Scalar(int64_t{1})), "0100000000000000");
  EXPECT_EQ(SingleHex(T(TypeId::kFloat), Scalar(1.0F)), "0000803f");
  EXPECT_EQ(SingleHex(T(TypeId::kDouble), Scalar(1.0)), "000000000000f03f");
  EXPECT_EQ(SingleHex(T(TypeId::kDouble), Scalar(-0.0)), "0000000000000080");
}

TEST(ConversionSingleValue, BytesKinds) {
  EXPECT_EQ(SingleHex(T(TypeId::kString), Scalar(std::string("iceberg"))), "69636562657267");
  EXPECT_EQ(SingleHex(T(TypeId::kString), Scalar(std::string("é"))), "c3a9");
  const std::string uuid("\xf7\x9c\x3e\x09\x67\x7c\x4b\xbd\xa4\x79\x3f\x34\x9c\xb7\x85\xe7", 16);
  EXPECT_EQ(SingleHex(T(TypeId::kUuid), Scalar(uuid)), "f79c3e09677c4bbda4793f349cb785e7");
  EXPECT_EQ(SingleHex(Type::Fixed(3), Scalar(std::string("\x00\x01\x02", 3))), "000102");
  EXPECT_EQ(SingleHex(T(TypeId::kBinary), Scalar(std::string())), "");
  EXPECT_FALSE(ToSingleValue(*T(TypeId::kUuid), Scalar(std::string("short"))).ok());
  EXPECT_FALSE(ToSingleValue(*Type::Fixed(4), Scalar(std::string("abc"))).ok());
}

TEST(ConversionSingleValue, DecimalsAreMinimalBigEndian) {
  const TypePtr narrow = Type::Decimal(9, 2);
  EXPECT_EQ(SingleHex(narrow, Scalar(int64_t{1420})), "058c");  // 14.20, the spec's example
  EXPECT_EQ(SingleHex(narrow, Scalar(int64_t{0})), "00");
  EXPECT_EQ(SingleHex(narrow, Scalar(int64_t{127})), "7f");
  EXPECT_EQ(SingleHex(narrow, Scalar(int64_t{128})), "0080");
  EXPECT_EQ(SingleHex(narrow, Scalar(int64_t{-1})), "ff");
  EXPECT_EQ(SingleHex(narrow, Scalar(int64_t{-128})), "80");
  EXPECT_EQ(SingleHex(narrow, Scalar(int64_t{-129})), "ff7f");
  EXPECT_EQ(SingleHex(Type::Decimal(18, 0), Scalar(std::numeric_limits<int64_t>::min())),
            "8000000000000000");
  std::string wide_minus_129(14, '\xff');
  wide_minus_129 += "\xff\x7f";
  EXPECT_EQ(SingleHex(Type::Decimal(38, 0), Scalar(wide_minus_129)), "ff7f");
  std::string wide_big(16, '\0');
  wide_big[3] = '\x12';
  EXPECT_EQ(SingleHex(Type::Decimal(38, 0), Scalar(wide_big)), "12000000000000000000000000");
}

TEST(ConversionSingleValue, RoundTrips) {
  ExpectRoundTrip(T(TypeId::kBoolean), Scalar(true));
  ExpectRoundTrip(T(TypeId::kInt), Scalar(std::numeric_limits<int32_t>::min()));
  ExpectRoundTrip(T(TypeId::kDate), Scalar(int32_t{-25567}));
  ExpectRoundTrip(T(TypeId::kLong), Scalar(std::numeric_limits<int64_t>::max()));
  ExpectRoundTrip(T(TypeId::kTimestampNs), Scalar(int64_t{-7}));
  ExpectRoundTrip(T(TypeId::kFloat), Scalar(-1.5F));
  ExpectRoundTrip(T(TypeId::kDouble), Scalar(3.25));
  ExpectRoundTrip(T(TypeId::kString), Scalar(std::string("ⓘⓒⓔ😀")));
  ExpectRoundTrip(T(TypeId::kBinary), Scalar(std::string("\x00\xff", 2)));
  for (int64_t v : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{255}, int64_t{-256},
                    int64_t{999'999'999}, int64_t{-999'999'999'999'999'999}}) {
    ExpectRoundTrip(Type::Decimal(18, 3), Scalar(v));
  }
  std::string wide(16, '\0');
  wide[0] = '\x80';
  ExpectRoundTrip(Type::Decimal(38, 10), Scalar(wide));
  wide.assign(16, '\xff');
  ExpectRoundTrip(Type::Decimal(38, 10), Scalar(wide));
}

TEST(ConversionSingleValue, ReadsPromotedBounds) {
  // Bounds written before int -> long or float -> double promotion keep their 4 bytes.
  EXPECT_EQ(*FromSingleValue(*T(TypeId::kLong), std::string("\xfe\xff\xff\xff", 4)),
            Scalar(int64_t{-2}));
  EXPECT_EQ(*FromSingleValue(*T(TypeId::kDouble), std::string("\x00\x00\xc0\x3f", 4)), Scalar(1.5));
}

TEST(ConversionSingleValue, RejectsWrongInput) {
  EXPECT_FALSE(ToSingleValue(*T(TypeId::kLong), Scalar(int32_t{1})).ok());
  EXPECT_FALSE(ToSingleValue(*T(TypeId::kInt), Scalar()).ok());
  EXPECT_FALSE(ToSingleValue(*Type::Decimal(9, 2), Scalar(std::string("\x01"))).ok());
  EXPECT_FALSE(FromSingleValue(*T(TypeId::kInt), "abc").ok());
  EXPECT_FALSE(FromSingleValue(*T(TypeId::kTimestamp), "abcd").ok());
  EXPECT_FALSE(FromSingleValue(*T(TypeId::kUuid), "abcd").ok());
  EXPECT_FALSE(FromSingleValue(*Type::Decimal(9, 2), "").ok());
  // Nine significant bytes do not fit an int64 unscaled value.
  EXPECT_FALSE(
      FromSingleValue(*Type::Decimal(18, 0), std::string("\x01\x00\x00\x00\x00\x00\x00\x00\x00", 9))
          .ok());
  EXPECT_FALSE(FromSingleValue(*Type::Struct({}), "").ok());
}

TEST(ConversionTruncate, LowerBoundsCutAtCodePoints) {
  EXPECT_EQ(TruncateLowerBound("iceberg", 3), "ice");
  EXPECT_EQ(TruncateLowerBound("ice", 16), "ice");
  EXPECT_EQ(TruncateLowerBound("", 16), "");
  EXPECT_EQ(TruncateLowerBound("ⓘⓒⓔⓑⓔⓡⓖ", 2), "ⓘⓒ");  // 3-byte code points
  EXPECT_EQ(TruncateLowerBound("😀😁😂", 2), "😀😁");      // 4-byte code points
  EXPECT_EQ(TruncateLowerBound("aé€😀b", 4), "aé€😀");  // 1, 2, 3 and 4 bytes
  EXPECT_EQ(TruncateLowerBound("abc", 0), "");
}

TEST(ConversionTruncate, UpperBoundsIncrementTheLastCodePoint) {
  EXPECT_EQ(TruncateUpperBound("iceberg", 3), "icf");
  EXPECT_EQ(TruncateUpperBound("ice", 3), "ice");  // not cut: the value itself
  EXPECT_EQ(TruncateUpperBound("ice", 16), "ice");
  EXPECT_EQ(TruncateUpperBound("ⓘⓒⓔⓑⓔⓡⓖ", 2), "ⓘⓓ");
  EXPECT_EQ(TruncateUpperBound("😀😁😂", 2), "😀😂");
  // U+007F grows into two bytes, U+07FF into three, U+FFFF into four.
  EXPECT_EQ(TruncateUpperBound("a\x7fz", 2), "a\xc2\x80");
  EXPECT_EQ(TruncateUpperBound("a\xdf\xbfz", 2), "a\xe0\xa0\x80");
  EXPECT_EQ(TruncateUpperBound("a\xef\xbf\xbfz", 2), "a\xf0\x90\x80\x80");
  // U+D7FF + 1 would be a surrogate: jump to U+E000.
  EXPECT_EQ(TruncateUpperBound("a\xed\x9f\xbfz", 2), "a\xee\x80\x80");
  // U+10FFFF cannot grow: drop it and increment the code point before it.
  EXPECT_EQ(TruncateUpperBound("a\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf"
                               "b",
                               3),
            "b");
  EXPECT_EQ(TruncateUpperBound("\xf4\x8f\xbf\xbf\xf4\x8f\xbf\xbf"
                               "b",
                               2),
            std::nullopt);
}

TEST(ConversionTruncate, BinaryBounds) {
  EXPECT_EQ(TruncateBinaryLowerBound(std::string("\x01\x02\x03", 3), 2), std::string("\x01\x02"));
  EXPECT_EQ(TruncateBinaryUpperBound(std::string("\x01\x02\x03", 3), 2), std::string("\x01\x03"));
  EXPECT_EQ(TruncateBinaryUpperBound(std::string("\x01\xff\x03", 3), 2), std::string("\x02"));
  EXPECT_EQ(TruncateBinaryUpperBound(std::string("\x01\x02", 2), 2), std::string("\x01\x02"));
  EXPECT_EQ(TruncateBinaryUpperBound(std::string("\xff\xff\x00", 3), 2), std::nullopt);
}

}  // namespace
}  // namespace floe::iceberg
