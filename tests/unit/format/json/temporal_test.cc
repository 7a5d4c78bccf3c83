// Dates, times and timestamps: values checked against hand-computed epoch offsets, and each way
// the text can be wrong.

#include "format/json/temporal.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace floe::json {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

// The reason of a failed parse, or "" when it succeeded.
template <typename T>
std::string Reason(const Result<T>& result) {
  return result.ok() ? "" : result.status().message();
}

TEST(ParseDate, GoodDates) {
  EXPECT_EQ(*ParseDate("1970-01-01"), 0);
  EXPECT_EQ(*ParseDate("2025-09-11"), 20342);
  EXPECT_EQ(*ParseDate("1969-12-31"), -1);
  EXPECT_EQ(*ParseDate("2024-02-29"), 19782);
  EXPECT_EQ(*ParseDate("2000-02-29"), 11016);
  EXPECT_EQ(*ParseDate("0000-01-01"), -719528);
  EXPECT_EQ(*ParseDate("9999-12-31"), 2932896);
}

TEST(ParseDate, BadDates) {
  EXPECT_EQ(Reason(ParseDate("2025-13-01")), "month 13");
  EXPECT_EQ(Reason(ParseDate("2025-00-01")), "month 0");
  EXPECT_EQ(Reason(ParseDate("2025-02-30")), "day 30 of 2025-02");
  EXPECT_EQ(Reason(ParseDate("2025-02-29")), "day 29 of 2025-02");  // not a leap year
  EXPECT_EQ(Reason(ParseDate("1900-02-29")), "day 29 of 1900-02");  // century, not leap
  EXPECT_EQ(Reason(ParseDate("2025-04-31")), "day 31 of 2025-04");
  EXPECT_EQ(Reason(ParseDate("2025-01-00")), "day 0 of 2025-01");
  EXPECT_FALSE(ParseDate("2025-1-01").ok());
  EXPECT_FALSE(ParseDate("2025/01/01").ok());
  EXPECT_FALSE(ParseDate("25-01-01").ok());
  EXPECT_FALSE(ParseDate("2025-01-01T00:00:00").ok());
  EXPECT_FALSE(ParseDate("").ok());
  EXPECT_FALSE(ParseDate("+2025-01-01").ok());
  EXPECT_FALSE(ParseDate("2025-0a-01").ok());
}

TEST(ParseTimeMicros, GoodAndBad) {
  EXPECT_EQ(*ParseTimeMicros("00:00:00"), 0);
  EXPECT_EQ(*ParseTimeMicros("09:01:11.318522"),
            ((9 * 60 + 1) * 60 + 11) * kMicrosPerSecond + 318522);
  EXPECT_EQ(*ParseTimeMicros("23:59:59.999999"), kMicrosPerDay - 1);
  EXPECT_EQ(*ParseTimeMicros("12:00:00.5"), 12 * 3600 * kMicrosPerSecond + 500000);
  EXPECT_EQ(*ParseTimeMicros("12:00:00.123456789"), 12 * 3600 * kMicrosPerSecond + 123456);
  EXPECT_EQ(Reason(ParseTimeMicros("24:00:00")), "hour 24");
  EXPECT_EQ(Reason(ParseTimeMicros("12:60:00")), "minute 60");
  EXPECT_EQ(Reason(ParseTimeMicros("12:00:60")), "second 60");
  EXPECT_EQ(Reason(ParseTimeMicros("12:00:00.1234567890")), "10 fractional digits (at most 9)");
  EXPECT_FALSE(ParseTimeMicros("12:00").ok());
  EXPECT_FALSE(ParseTimeMicros("12:00:00.").ok());
  EXPECT_FALSE(ParseTimeMicros("12:00:00Z").ok());
  EXPECT_FALSE(ParseTimeMicros("1:00:00").ok());
}

TEST(ParseTimestamp, SeedValue) {
  // 2025-09-11T09:01:11.318522Z = 20342 days + 09:01:11.318522.
  int64_t expected = 20342 * kMicrosPerDay + ((9 * 60 + 1) * 60 + 11) * kMicrosPerSecond + 318522;
  EXPECT_EQ(*ParseTimestamp("2025-09-11T09:01:11.318522Z", TimeUnit::kMicros, ZoneRule::kOptional),
            expected);
  EXPECT_EQ(*ParseTimestamp("2025-09-11T09:01:11.318522", TimeUnit::kMicros, ZoneRule::kOptional),
            expected);
  EXPECT_EQ(*ParseTimestamp("2025-09-11 09:01:11.318522", TimeUnit::kMicros, ZoneRule::kForbidden),
            expected);
  EXPECT_EQ(*ParseTimestamp("2025-09-11t09:01:11.318522z", TimeUnit::kMicros, ZoneRule::kOptional),
            expected);
  EXPECT_EQ(*ParseTimestamp("2025-09-11T09:01:11.318522Z", TimeUnit::kNanos, ZoneRule::kOptional),
            expected * 1000);
}

TEST(ParseTimestamp, Offsets) {
  const int64_t utc =
      *ParseTimestamp("2025-09-11T09:01:11Z", TimeUnit::kMicros, ZoneRule::kOptional);
  const int64_t two_hours = 2 * 3600 * kMicrosPerSecond;
  const int64_t ninety_minutes = 90 * 60 * kMicrosPerSecond;
  auto parse = [](const char* text) {
    return ParseTimestamp(text, TimeUnit::kMicros, ZoneRule::kOptional);
  };
  EXPECT_EQ(*parse("2025-09-11T11:01:11+02:00"), utc);
  EXPECT_EQ(*parse("2025-09-11T11:01:11+0200"), utc);
  EXPECT_EQ(*parse("2025-09-11T11:01:11+02"), utc);
  EXPECT_EQ(*parse("2025-09-11T07:01:11-02:00"), utc);
  EXPECT_EQ(*parse("2025-09-11T10:31:11+01:30"), utc);
  EXPECT_EQ(*parse("2025-09-11T09:01:11-00:00"), utc);
  EXPECT_EQ(*parse("2025-09-11T09:01:11+02:00") + two_hours, utc);
  EXPECT_EQ(*parse("2025-09-11T09:01:11-01:30"), utc + ninety_minutes);
  // Crossing midnight and the year.
  EXPECT_EQ(*parse("2026-01-01T01:00:00+02:00"), *parse("2025-12-31T23:00:00Z"));
}

TEST(ParseTimestamp, BadOffsets) {
  auto reason = [](const char* text) {
    return Reason(ParseTimestamp(text, TimeUnit::kMicros, ZoneRule::kOptional));
  };
  EXPECT_NE(reason("2025-09-11T09:01:11+2:00"), "");
  EXPECT_NE(reason("2025-09-11T09:01:11+02:0"), "");
  EXPECT_NE(reason("2025-09-11T09:01:11+02:"), "");
  EXPECT_NE(reason("2025-09-11T09:01:11+"), "");
  EXPECT_NE(reason("2025-09-11T09:01:11 +02:00"), "");
  EXPECT_NE(reason("2025-09-11T09:01:11UTC"), "");
  EXPECT_NE(reason("2025-09-11T09:01:11ZZ"), "");
  EXPECT_NE(reason("2025-09-11T09:01:11+02:00:00"), "");
  EXPECT_EQ(reason("2025-09-11T09:01:11+24:00"), "zone offset '+24:00' out of range");
  EXPECT_EQ(reason("2025-09-11T09:01:11+05:60"), "zone offset '+05:60' out of range");
}

TEST(ParseTimestamp, ZoneForbiddenWithoutZone) {
  Result<int64_t> zoned =
      ParseTimestamp("2025-09-11T09:01:11Z", TimeUnit::kMicros, ZoneRule::kForbidden);
  ASSERT_FALSE(zoned.ok());
  EXPECT_EQ(zoned.status().message(), "zone designator 'Z' on a timestamp without zone");
  EXPECT_FALSE(
      ParseTimestamp("2025-09-11T09:01:11+02:00", TimeUnit::kMicros, ZoneRule::kForbidden).ok());
}

TEST(ParseTimestamp, BadDateTimes) {
  auto reason = [](const char* text) {
    return Reason(ParseTimestamp(text, TimeUnit::kMicros, ZoneRule::kOptional));
  };
  EXPECT_EQ(reason("2025-13-01T00:00:00Z"), "month 13");
  EXPECT_EQ(reason("2025-02-30T00:00:00Z"), "day 30 of 2025-02");
  EXPECT_EQ(reason("2023-02-29T00:00:00Z"), "day 29 of 2023-02");
  EXPECT_EQ(reason("2025-01-01T24:00:00Z"), "hour 24");
  EXPECT_EQ(reason("2025-01-01T00:00:00.1234567890Z"), "10 fractional digits (at most 9)");
  EXPECT_EQ(reason("2025-01-01"), "no time after the date");
  EXPECT_EQ(reason("2025-01-01X00:00:00"), "expected 'T' or ' ' after the date");
  EXPECT_EQ(reason("2025-01-01T00:00"), "expected HH:MM:SS");
  EXPECT_EQ(reason("2025-01-01T00:00:00."), "no digits after '.'");
  EXPECT_NE(reason("1757581271"), "");
  EXPECT_NE(reason(""), "");
  EXPECT_EQ(*ParseTimestamp("2024-02-29T00:00:00Z", TimeUnit::kMicros, ZoneRule::kOptional),
            19782 * kMicrosPerDay);
}

// A date cache changes nothing but speed: every text, good or bad, in runs of one day and
// across days, parses as it does without one, values and reasons alike.
TEST(ParseTimestamp, DateCacheGivesTheSameResults) {
  const std::vector<std::string> texts = {
      "2025-09-11T09:00:00Z",        "2025-09-11T09:00:01.5Z",
      "2025-09-11T23:59:59.999999Z", "2025-09-11",
      "2025-09-11X00:00:00",         "2025-09-11T25:00:00Z",
      "2025-09-12T00:00:00+02:00",   "2025-09-12T00:00:00-0130",
      "2025-02-30T00:00:00Z",        "2025-02-30T00:00:00Z",
      "2025-09-12T00:00:00Z",        "2025-09-1",
      "2025-09-12 12:00:00",         "2024-02-29T00:00:00Z",
      "2023-02-29T00:00:00Z",        "1969-12-31T23:59:59.9999999Z",
      "1969-12-31T00:00:00Z",        "",
      "2025-09-11T09:00:00Z",        "2025-09-11T09:00:00Z"};
  for (ZoneRule zone : {ZoneRule::kOptional, ZoneRule::kForbidden}) {
    for (TimeUnit unit : {TimeUnit::kMicros, TimeUnit::kNanos}) {
      DateCache dates;
      for (const std::string& text : texts) {
        const Result<int64_t> plain = ParseTimestamp(text, unit, zone);
        const Result<int64_t> cached = ParseTimestamp(text, unit, zone, &dates);
        ASSERT_EQ(plain.ok(), cached.ok()) << text;
        if (plain.ok()) {
          EXPECT_EQ(*plain, *cached) << text;
        } else {
          EXPECT_EQ(Reason(plain), Reason(cached)) << text;
        }
      }
    }
  }
}

TEST(ParseTimestamp, FractionDigitsAndFloorBefore1970) {
  auto micros = [](const char* text) {
    return *ParseTimestamp(text, TimeUnit::kMicros, ZoneRule::kOptional);
  };
  auto nanos = [](const char* text) {
    return *ParseTimestamp(text, TimeUnit::kNanos, ZoneRule::kOptional);
  };
  EXPECT_EQ(micros("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(micros("1970-01-01T00:00:01.5Z"), 1'500'000);
  EXPECT_EQ(micros("1970-01-01T00:00:00.000001Z"), 1);
  EXPECT_EQ(micros("1970-01-01T00:00:00.0000019Z"), 1);  // truncated
  EXPECT_EQ(nanos("1970-01-01T00:00:00.123456789Z"), 123456789);
  EXPECT_EQ(nanos("1970-01-01T00:00:00.1Z"), 100'000'000);
  // Before the epoch the fraction still counts forward, so dropped digits floor the value.
  EXPECT_EQ(micros("1969-12-31T23:59:59.9999999Z"), -1);
  EXPECT_EQ(micros("1969-12-31T23:59:59Z"), -1'000'000);
  EXPECT_EQ(nanos("1969-12-31T23:59:59.999999999Z"), -1);
  EXPECT_EQ(micros("0000-01-01T00:00:00Z"), -719528 * kMicrosPerDay);
  EXPECT_EQ(micros("9999-12-31T23:59:59.999999Z"), 2932897 * kMicrosPerDay - 1);
}

TEST(ParseTimestamp, NanosRange) {
  EXPECT_TRUE(
      ParseTimestamp("2262-04-11T23:47:16.854775807Z", TimeUnit::kNanos, ZoneRule::kOptional).ok());
  EXPECT_FALSE(
      ParseTimestamp("2262-04-11T23:47:16.854775808Z", TimeUnit::kNanos, ZoneRule::kOptional).ok());
  EXPECT_FALSE(ParseTimestamp("1600-01-01T00:00:00Z", TimeUnit::kNanos, ZoneRule::kOptional).ok());
  EXPECT_TRUE(ParseTimestamp("1600-01-01T00:00:00Z", TimeUnit::kMicros, ZoneRule::kOptional).ok());
}

}  // namespace
}  // namespace floe::json
