#include "iceberg/transform.h"

#include <gtest/gtest.h>

#include <string>

namespace floe::iceberg {
namespace {

// 2017-11-16 and 2017-11-16T22:31:08, the dates of the spec's Appendix B.
constexpr int32_t kDays20171116 = 17486;
constexpr int64_t kMicros20171116T223108 = 1'510'871'468'000'000;
constexpr int64_t kMicrosPerHour = 3'600'000'000;

TypePtr T(TypeId id) { return Type::Primitive(id); }

Scalar Bytes(std::initializer_list<uint8_t> bytes) {
  std::string out;
  for (uint8_t b : bytes) out.push_back(static_cast<char>(b));
  return Scalar(out);
}

int32_t Hash(const Type& type, const Scalar& value) {
  Result<int32_t> hash = BucketHash(type, value);
  EXPECT_TRUE(hash.ok()) << hash.status().ToString();
  return hash.ok() ? *hash : 0;
}

Scalar Apply(const Transform& transform, const Type& type, const Scalar& value) {
  Result<Scalar> result = transform.Apply(type, value);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? *result : Scalar();
}

// Every vector of the spec's Appendix B (ICEBERG-NOTES §4).
TEST(TransformBucketHash, SpecVectors) {
  EXPECT_EQ(Hash(*T(TypeId::kInt), Scalar(int32_t{34})), 2017239379);
  EXPECT_EQ(Hash(*T(TypeId::kLong), Scalar(int64_t{34})), 2017239379);
  EXPECT_EQ(Hash(*Type::Decimal(4, 2), Scalar(int64_t{1420})), -500754589);
  EXPECT_EQ(Hash(*T(TypeId::kDate), Scalar(kDays20171116)), -653330422);
  EXPECT_EQ(Hash(*T(TypeId::kTime), Scalar(int64_t{81'068'000'000})), -662762989);
  EXPECT_EQ(Hash(*T(TypeId::kTimestamp), Scalar(kMicros20171116T223108)), -2047944441);
  EXPECT_EQ(Hash(*T(TypeId::kTimestampTz), Scalar(kMicros20171116T223108)), -2047944441);
  EXPECT_EQ(Hash(*T(TypeId::kTimestamp), Scalar(kMicros20171116T223108 + 1)), -1207196810);
  EXPECT_EQ(Hash(*T(TypeId::kTimestampTz), Scalar(kMicros20171116T223108 + 1)), -1207196810);
  EXPECT_EQ(Hash(*T(TypeId::kString), Scalar(std::string("iceberg"))), 1210000089);
  EXPECT_EQ(Hash(*T(TypeId::kUuid), Bytes({0xf7, 0x9c, 0x3e, 0x09, 0x67, 0x7c, 0x4b, 0xbd, 0xa4,
                                           0x79, 0x3f, 0x34, 0x9c, 0xb7, 0x85, 0xe7})),
            1488055340);
  EXPECT_EQ(Hash(*T(TypeId::kBinary), Bytes({0, 1, 2, 3})), -188683207);
  EXPECT_EQ(Hash(*Type::Fixed(4), Bytes({0, 1, 2, 3})), -188683207);
}

TEST(TransformBucketHash, NanosecondsHashAsFlooredMicros) {
  const int64_t nanos = (kMicros20171116T223108 + 1) * 1000;
  EXPECT_EQ(Hash(*T(TypeId::kTimestampNs), Scalar(nanos)), -1207196810);
  EXPECT_EQ(Hash(*T(TypeId::kTimestampTzNs), Scalar(nanos + 999)), -1207196810);
  // -1 ns is in the microsecond before the epoch, not in the epoch's.
  EXPECT_EQ(Hash(*T(TypeId::kTimestampNs), Scalar(int64_t{-1})),
            Hash(*T(TypeId::kLong), Scalar(int64_t{-1})));
}

TEST(TransformBucketHash, WideDecimalHashesMinimalBytes) {
  std::string unscaled_1420(14, '\0');
  unscaled_1420 += "\x05\x8c";
  EXPECT_EQ(Hash(*Type::Decimal(38, 2), Scalar(unscaled_1420)), -500754589);
}

TEST(TransformBucketHash, RejectsUnbucketableTypes) {
  EXPECT_FALSE(BucketHash(*T(TypeId::kDouble), Scalar(1.0)).ok());
  EXPECT_FALSE(BucketHash(*T(TypeId::kBoolean), Scalar(true)).ok());
  EXPECT_FALSE(BucketHash(*T(TypeId::kLong), Scalar(int32_t{1})).ok());  // wrong representation
}

TEST(TransformMurmur3, KnownValues) {
  EXPECT_EQ(Murmur3Hash32(""), 0);
  EXPECT_EQ(Murmur3Hash32("iceberg"), 1210000089);
  // Tails of one, two and three bytes.
  EXPECT_EQ(Murmur3Hash32(std::string_view("\x00\x01\x02\x03", 4)), -188683207);
  EXPECT_NE(Murmur3Hash32("a"), Murmur3Hash32("ab"));
  EXPECT_NE(Murmur3Hash32("abc"), Murmur3Hash32("abcd"));
}

TEST(TransformApply, Bucket) {
  const Transform bucket = Transform::Bucket(16);
  // (2017239379 & INT32_MAX) % 16 = 3
  EXPECT_EQ(Apply(bucket, *T(TypeId::kInt), Scalar(int32_t{34})), Scalar(int32_t{3}));
  // A negative hash is made non-negative before the modulo: (-188683207 & INT32_MAX) % 16.
  EXPECT_EQ(Apply(bucket, *T(TypeId::kBinary), Bytes({0, 1, 2, 3})),
            Scalar(int32_t{(-188683207 & 0x7FFFFFFF) % 16}));
  EXPECT_TRUE(IsNull(Apply(bucket, *T(TypeId::kInt), Scalar())));
  EXPECT_FALSE(bucket.Apply(*T(TypeId::kFloat), Scalar(1.0F)).ok());
}

TEST(TransformApply, TruncateIntegers) {
  const Transform truncate = Transform::Truncate(10);
  const Type& int_type = *T(TypeId::kInt);
  EXPECT_EQ(Apply(truncate, int_type, Scalar(int32_t{0})), Scalar(int32_t{0}));
  EXPECT_EQ(Apply(truncate, int_type, Scalar(int32_t{1})), Scalar(int32_t{0}));
  EXPECT_EQ(Apply(truncate, int_type, Scalar(int32_t{5})), Scalar(int32_t{0}));
  EXPECT_EQ(Apply(truncate, int_type, Scalar(int32_t{9})), Scalar(int32_t{0}));
  EXPECT_EQ(Apply(truncate, int_type, Scalar(int32_t{10})), Scalar(int32_t{10}));
  EXPECT_EQ(Apply(truncate, int_type, Scalar(int32_t{11})), Scalar(int32_t{10}));
  EXPECT_EQ(Apply(truncate, int_type, Scalar(int32_t{-1})), Scalar(int32_t{-10}));
  EXPECT_EQ(Apply(truncate, int_type, Scalar(int32_t{-5})), Scalar(int32_t{-10}));
  EXPECT_EQ(Apply(truncate, int_type, Scalar(int32_t{-10})), Scalar(int32_t{-10}));
  EXPECT_EQ(Apply(truncate, int_type, Scalar(int32_t{-11})), Scalar(int32_t{-20}));
  const Type& long_type = *T(TypeId::kLong);
  EXPECT_EQ(Apply(truncate, long_type, Scalar(int64_t{-1})), Scalar(int64_t{-10}));
  EXPECT_EQ(Apply(truncate, long_type, Scalar(int64_t{123456789012})),
            Scalar(int64_t{123456789010}));
}

TEST(TransformApply, TruncateDecimals) {
  const Transform truncate = Transform::Truncate(10);
  // Spec examples: 10.65 -> 10.60, -0.05 -> -0.10 (on the unscaled value).
  EXPECT_EQ(Apply(truncate, *Type::Decimal(9, 2), Scalar(int64_t{1065})), Scalar(int64_t{1060}));
  EXPECT_EQ(Apply(truncate, *Type::Decimal(9, 2), Scalar(int64_t{-5})), Scalar(int64_t{-10}));
  std::string minus_five(15, '\xff');
  minus_five += '\xfb';
  std::string minus_ten(15, '\xff');
  minus_ten += '\xf6';
  EXPECT_EQ(Apply(truncate, *Type::Decimal(38, 2), Scalar(minus_five)), Scalar(minus_ten));
}

TEST(TransformApply, TruncateStringsByCodePoints) {
  const Transform truncate = Transform::Truncate(3);
  EXPECT_EQ(Apply(truncate, *T(TypeId::kString), Scalar(std::string("iceberg"))),
            Scalar(std::string("ice")));
  EXPECT_EQ(Apply(truncate, *T(TypeId::kString), Scalar(std::string("ic"))),
            Scalar(std::string("ic")));
  // Three code points of two, three and four bytes; never cut inside one.
  EXPECT_EQ(Apply(truncate, *T(TypeId::kString), Scalar(std::string("é€😀xyz"))),
            Scalar(std::string("é€😀")));
  EXPECT_EQ(Apply(Transform::Truncate(2), *T(TypeId::kString), Scalar(std::string("ⓘⓒⓔ"))),
            Scalar(std::string("ⓘⓒ")));
  EXPECT_EQ(Apply(truncate, *T(TypeId::kBinary), Bytes({1, 2, 3, 4, 5})), Bytes({1, 2, 3}));
  EXPECT_FALSE(truncate.Apply(*T(TypeId::kDate), Scalar(int32_t{1})).ok());
}

TEST(TransformApply, TimeTransformsOfTheSpecDate) {
  const Type& ts = *T(TypeId::kTimestamp);
  const Scalar value(kMicros20171116T223108);
  EXPECT_EQ(Apply({TransformKind::kYear, 0}, ts, value), Scalar(int32_t{47}));
  EXPECT_EQ(Apply({TransformKind::kMonth, 0}, ts, value), Scalar(int32_t{47 * 12 + 10}));
  EXPECT_EQ(Apply({TransformKind::kDay, 0}, ts, value), Scalar(kDays20171116));
  EXPECT_EQ(Apply({TransformKind::kHour, 0}, ts, value), Scalar(int32_t{kDays20171116 * 24 + 22}));
  const Type& date = *T(TypeId::kDate);
  EXPECT_EQ(Apply({TransformKind::kYear, 0}, date, Scalar(kDays20171116)), Scalar(int32_t{47}));
  EXPECT_EQ(Apply({TransformKind::kMonth, 0}, date, Scalar(kDays20171116)), Scalar(int32_t{574}));
  EXPECT_EQ(Apply({TransformKind::kDay, 0}, date, Scalar(kDays20171116)), Scalar(kDays20171116));
  const Type& ns = *T(TypeId::kTimestampTzNs);
  EXPECT_EQ(Apply({TransformKind::kHour, 0}, ns, Scalar(kMicros20171116T223108 * 1000)),
            Scalar(int32_t{kDays20171116 * 24 + 22}));
}

// Values before 1970 round towards negative infinity: 1969-12-31T23:59:59.999999 is in day -1,
// hour -1, month -1, year -1 (truncation towards zero would give 0 for all of them).
TEST(TransformApply, TimeTransformsFloorNegativeValues) {
  const Transform year{TransformKind::kYear, 0};
  const Transform month{TransformKind::kMonth, 0};
  const Transform day{TransformKind::kDay, 0};
  const Transform hour{TransformKind::kHour, 0};
  for (TypeId id : {TypeId::kTimestamp, TypeId::kTimestampTz}) {
    const Type& ts = *T(id);
    const Scalar before_epoch(int64_t{-1});
    EXPECT_EQ(Apply(year, ts, before_epoch), Scalar(int32_t{-1}));
    EXPECT_EQ(Apply(month, ts, before_epoch), Scalar(int32_t{-1}));
    EXPECT_EQ(Apply(day, ts, before_epoch), Scalar(int32_t{-1}));
    EXPECT_EQ(Apply(hour, ts, before_epoch), Scalar(int32_t{-1}));
    EXPECT_EQ(Apply(hour, ts, Scalar(-kMicrosPerHour)), Scalar(int32_t{-1}));
    EXPECT_EQ(Apply(hour, ts, Scalar(-kMicrosPerHour - 1)), Scalar(int32_t{-2}));
    EXPECT_EQ(Apply(year, ts, Scalar(int64_t{0})), Scalar(int32_t{0}));
  }
  const Type& ns = *T(TypeId::kTimestampNs);
  EXPECT_EQ(Apply(day, ns, Scalar(int64_t{-1})), Scalar(int32_t{-1}));
  EXPECT_EQ(Apply(hour, ns, Scalar(int64_t{-1})), Scalar(int32_t{-1}));

  const Type& date = *T(TypeId::kDate);
  EXPECT_EQ(Apply(year, date, Scalar(int32_t{-1})), Scalar(int32_t{-1}));
  EXPECT_EQ(Apply(month, date, Scalar(int32_t{-1})), Scalar(int32_t{-1}));
  EXPECT_EQ(Apply(month, date, Scalar(int32_t{-31})), Scalar(int32_t{-1}));     // 1969-12-01
  EXPECT_EQ(Apply(month, date, Scalar(int32_t{-32})), Scalar(int32_t{-2}));     // 1969-11-30
  EXPECT_EQ(Apply(year, date, Scalar(int32_t{-365})), Scalar(int32_t{-1}));     // 1969-01-01
  EXPECT_EQ(Apply(year, date, Scalar(int32_t{-366})), Scalar(int32_t{-2}));     // 1968-12-31
  EXPECT_EQ(Apply(year, date, Scalar(int32_t{-25567})), Scalar(int32_t{-70}));  // 1900-01-01
  EXPECT_EQ(Apply(month, date, Scalar(int32_t{-25567})), Scalar(int32_t{-840}));
  // 1968-02-29, a leap day: month (1968-1970)*12 + 1 = -23.
  EXPECT_EQ(Apply(month, date, Scalar(int32_t{-672})), Scalar(int32_t{-23}));
}

TEST(TransformApply, NullsAndVoid) {
  const Transform void_transform{TransformKind::kVoid, 0};
  EXPECT_TRUE(IsNull(Apply(void_transform, *T(TypeId::kLong), Scalar(int64_t{5}))));
  EXPECT_TRUE(IsNull(Apply(Transform::Identity(), *T(TypeId::kLong), Scalar())));
  EXPECT_TRUE(IsNull(Apply({TransformKind::kDay, 0}, *T(TypeId::kTimestamp), Scalar())));
  EXPECT_EQ(Apply(Transform::Identity(), *T(TypeId::kString), Scalar(std::string("x"))),
            Scalar(std::string("x")));
}

TEST(TransformApply, RejectsWrongSourcesAndRepresentations) {
  EXPECT_FALSE(Transform({TransformKind::kDay, 0})
                   .Apply(*T(TypeId::kString), Scalar(std::string("x")))
                   .ok());
  EXPECT_FALSE(
      Transform({TransformKind::kHour, 0}).Apply(*T(TypeId::kDate), Scalar(int32_t{1})).ok());
  EXPECT_FALSE(
      Transform({TransformKind::kDay, 0}).Apply(*T(TypeId::kTimestamp), Scalar(int32_t{1})).ok());
}

TEST(TransformString, RoundTrips) {
  for (std::string_view text :
       {"identity", "bucket[16]", "truncate[4]", "year", "month", "day", "hour", "void"}) {
    Result<Transform> parsed = Transform::FromString(text);
    ASSERT_TRUE(parsed.ok()) << text;
    EXPECT_EQ(parsed->ToString(), text);
  }
  EXPECT_EQ(*Transform::FromString("bucket[16]"), Transform::Bucket(16));
  EXPECT_EQ(*Transform::FromString(" Day "), Transform({TransformKind::kDay, 0}));
}

TEST(TransformString, RejectsBadText) {
  for (std::string_view text :
       {"", "bucket", "bucket[]", "bucket[0]", "bucket[-1]", "bucket[x]", "truncate[4",
        "bucket[99999999999]", "days2", "hours[1]", "buc ket[4]"}) {
    EXPECT_FALSE(Transform::FromString(text).ok()) << text;
  }
}

TEST(TransformResultType, PerSpec) {
  const auto result = [](Transform t, const TypePtr& source) { return t.ResultType(*source); };
  EXPECT_EQ(*result(Transform::Bucket(4), T(TypeId::kString)).value(), *T(TypeId::kInt));
  EXPECT_EQ(*result(Transform::Bucket(4), T(TypeId::kUuid)).value(), *T(TypeId::kInt));
  EXPECT_EQ(*result(Transform::Truncate(4), Type::Decimal(9, 2)).value(), *Type::Decimal(9, 2));
  EXPECT_EQ(*result({TransformKind::kDay, 0}, T(TypeId::kTimestampTz)).value(), *T(TypeId::kDate));
  EXPECT_EQ(*result({TransformKind::kYear, 0}, T(TypeId::kDate)).value(), *T(TypeId::kInt));
  EXPECT_EQ(*result({TransformKind::kMonth, 0}, T(TypeId::kTimestampNs)).value(), *T(TypeId::kInt));
  EXPECT_EQ(*result({TransformKind::kHour, 0}, T(TypeId::kTimestamp)).value(), *T(TypeId::kInt));
  EXPECT_EQ(*result(Transform::Identity(), Type::Fixed(3)).value(), *Type::Fixed(3));
  EXPECT_EQ(*result({TransformKind::kVoid, 0}, T(TypeId::kDouble)).value(), *T(TypeId::kDouble));

  EXPECT_FALSE(result(Transform::Bucket(4), T(TypeId::kFloat)).ok());
  EXPECT_FALSE(result(Transform::Bucket(4), T(TypeId::kBoolean)).ok());
  EXPECT_FALSE(result(Transform::Bucket(0), T(TypeId::kInt)).ok());
  EXPECT_FALSE(result(Transform::Truncate(4), T(TypeId::kUuid)).ok());
  EXPECT_FALSE(result(Transform::Truncate(4), T(TypeId::kTimestamp)).ok());
  EXPECT_FALSE(result({TransformKind::kHour, 0}, T(TypeId::kDate)).ok());
  EXPECT_FALSE(result({TransformKind::kDay, 0}, T(TypeId::kTime)).ok());
  EXPECT_FALSE(result({TransformKind::kYear, 0}, T(TypeId::kString)).ok());
  EXPECT_FALSE(result(Transform::Identity(),
                      Type::List(NestedField{2, "element", true, T(TypeId::kInt), {}}))
                   .ok());
}

TEST(TransformHumanString, Forms) {
  const TypePtr int_type = T(TypeId::kInt);
  EXPECT_EQ(Transform({TransformKind::kYear, 0}).ToHumanString(*int_type, Scalar(int32_t{55})),
            "2025");
  EXPECT_EQ(Transform({TransformKind::kMonth, 0}).ToHumanString(*int_type, Scalar(int32_t{668})),
            "2025-09");
  EXPECT_EQ(Transform({TransformKind::kMonth, 0}).ToHumanString(*int_type, Scalar(int32_t{-1})),
            "1969-12");
  EXPECT_EQ(
      Transform({TransformKind::kDay, 0}).ToHumanString(*T(TypeId::kDate), Scalar(kDays20171116)),
      "2017-11-16");
  EXPECT_EQ(Transform({TransformKind::kHour, 0})
                .ToHumanString(*int_type, Scalar(int32_t{kDays20171116 * 24 + 13})),
            "2017-11-16-13");
  EXPECT_EQ(Transform({TransformKind::kHour, 0}).ToHumanString(*int_type, Scalar(int32_t{-1})),
            "1969-12-31-23");
  EXPECT_EQ(Transform::Bucket(16).ToHumanString(*int_type, Scalar(int32_t{7})), "7");
  EXPECT_EQ(Transform::Identity().ToHumanString(*int_type, Scalar()), "null");
  EXPECT_EQ(Transform::Identity().ToHumanString(*T(TypeId::kString), Scalar(std::string("a/b"))),
            "a/b");
  EXPECT_EQ(Transform::Identity().ToHumanString(*Type::Decimal(4, 2), Scalar(int64_t{1420})),
            "14.20");
  EXPECT_EQ(Transform::Identity().ToHumanString(*Type::Decimal(4, 2), Scalar(int64_t{-5})),
            "-0.05");
  EXPECT_EQ(Transform::Identity().ToHumanString(*T(TypeId::kBoolean), Scalar(true)), "true");
  EXPECT_EQ(Transform::Identity().ToHumanString(*T(TypeId::kTimestamp),
                                                Scalar(kMicros20171116T223108 + 1)),
            "2017-11-16T22:31:08.000001");
  EXPECT_EQ(
      Transform::Identity().ToHumanString(*T(TypeId::kTimestampTz), Scalar(kMicros20171116T223108)),
      "2017-11-16T22:31:08Z");
  EXPECT_EQ(Transform::Identity().ToHumanString(*T(TypeId::kTime), Scalar(int64_t{81'068'000'000})),
            "22:31:08");
  EXPECT_EQ(Transform::Identity().ToHumanString(
                *T(TypeId::kUuid), Bytes({0xf7, 0x9c, 0x3e, 0x09, 0x67, 0x7c, 0x4b, 0xbd, 0xa4,
                                          0x79, 0x3f, 0x34, 0x9c, 0xb7, 0x85, 0xe7})),
            "f79c3e09-677c-4bbd-a479-3f349cb785e7");
  EXPECT_EQ(Transform::Identity().ToHumanString(*T(TypeId::kBinary), Bytes({0, 1, 2, 3})),
            "AAECAw==");
}

TEST(TransformDefaultName, PerKind) {
  EXPECT_EQ(Transform::Identity().DefaultName("kind"), "kind");
  EXPECT_EQ(Transform::Bucket(16).DefaultName("id"), "id_bucket");
  EXPECT_EQ(Transform::Truncate(4).DefaultName("name"), "name_trunc");
  EXPECT_EQ(Transform({TransformKind::kYear, 0}).DefaultName("ts"), "ts_year");
  EXPECT_EQ(Transform({TransformKind::kMonth, 0}).DefaultName("ts"), "ts_month");
  EXPECT_EQ(Transform({TransformKind::kDay, 0}).DefaultName("ts"), "ts_day");
  EXPECT_EQ(Transform({TransformKind::kHour, 0}).DefaultName("ts"), "ts_hour");
  EXPECT_EQ(Transform({TransformKind::kVoid, 0}).DefaultName("x"), "x_null");
}

TEST(TransformScalarFromColumn, ReadsEachKind) {
  ColumnVector ints(ColumnKind::kInt32);
  ints.Append<int32_t>(7);
  ints.AppendNull();
  EXPECT_EQ(ScalarFromColumn(*T(TypeId::kDate), ints, 0), Scalar(int32_t{7}));
  EXPECT_TRUE(IsNull(ScalarFromColumn(*T(TypeId::kDate), ints, 1)));

  ColumnVector longs(ColumnKind::kInt64);
  longs.Append<int64_t>(-3);
  EXPECT_EQ(ScalarFromColumn(*T(TypeId::kTimestamp), longs, 0), Scalar(int64_t{-3}));
  EXPECT_EQ(ScalarFromColumn(*Type::Decimal(10, 2), longs, 0), Scalar(int64_t{-3}));
  // Narrow decimals may be stored as int32; the Scalar is int64 all the same.
  EXPECT_EQ(ScalarFromColumn(*Type::Decimal(9, 2), ints, 0), Scalar(int64_t{7}));

  ColumnVector bools(ColumnKind::kBool);
  bools.Append<uint8_t>(1);
  EXPECT_EQ(ScalarFromColumn(*T(TypeId::kBoolean), bools, 0), Scalar(true));

  ColumnVector doubles(ColumnKind::kDouble);
  doubles.Append<double>(2.5);
  EXPECT_EQ(ScalarFromColumn(*T(TypeId::kDouble), doubles, 0), Scalar(2.5));

  ColumnVector strings(ColumnKind::kBytes);
  strings.AppendBytes("héllo");
  strings.AppendNull();
  EXPECT_EQ(ScalarFromColumn(*T(TypeId::kString), strings, 0), Scalar(std::string("héllo")));
  EXPECT_TRUE(IsNull(ScalarFromColumn(*T(TypeId::kString), strings, 1)));

  // A wide decimal in minimal-width fixed bytes widens to 16 sign-extended bytes.
  ColumnVector wide(ColumnKind::kFixed, 9);
  wide.AppendBytes(std::string(8, '\xff') + "\xfb");
  std::string minus_five(15, '\xff');
  minus_five += '\xfb';
  EXPECT_EQ(ScalarFromColumn(*Type::Decimal(20, 0), wide, 0), Scalar(minus_five));
}

}  // namespace
}  // namespace floe::iceberg
