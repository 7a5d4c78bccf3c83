// Civil dates and floor division: day counts checked against hand-computed offsets and against
// std::chrono's calendar (an implementation of its own), in both directions.

#include "common/civil_time.h"

#include <gtest/gtest.h>

#include <chrono>

namespace floe {
namespace {

TEST(DaysFromCivil, KnownDates) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(1970, 1, 2), 1);
  EXPECT_EQ(DaysFromCivil(1969, 12, 31), -1);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  EXPECT_EQ(DaysFromCivil(2025, 9, 11), 20342);
  EXPECT_EQ(DaysFromCivil(1600, 2, 29), -135081);
  EXPECT_EQ(DaysFromCivil(0, 1, 1), -719528);
  EXPECT_EQ(DaysFromCivil(9999, 12, 31), 2932896);
}

TEST(DaysFromCivil, ConsecutiveDaysOverFourCenturies) {
  // Walking day by day from 1800 to 2200 checks every month length and leap rule at once.
  auto is_leap = [](int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; };
  int64_t expected = DaysFromCivil(1800, 1, 1);
  for (int year = 1800; year < 2200; ++year) {
    for (int month = 1; month <= 12; ++month) {
      static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
      int days = kDays[month - 1] + (month == 2 && is_leap(year) ? 1 : 0);
      for (int day = 1; day <= days; ++day) {
        ASSERT_EQ(DaysFromCivil(year, month, day), expected) << year << "-" << month << "-" << day;
        ++expected;
      }
    }
  }
}

TEST(CivilFromDays, KnownDates) {
  EXPECT_EQ(CivilFromDays(0), (CivilDate{1970, 1, 1}));
  EXPECT_EQ(CivilFromDays(-1), (CivilDate{1969, 12, 31}));
  EXPECT_EQ(CivilFromDays(11017), (CivilDate{2000, 3, 1}));
  EXPECT_EQ(CivilFromDays(11016), (CivilDate{2000, 2, 29}));
  EXPECT_EQ(CivilFromDays(20342), (CivilDate{2025, 9, 11}));
  EXPECT_EQ(CivilFromDays(-135081), (CivilDate{1600, 2, 29}));
  EXPECT_EQ(CivilFromDays(-719528), (CivilDate{0, 1, 1}));
  EXPECT_EQ(CivilFromDays(-719529), (CivilDate{-1, 12, 31}));
  EXPECT_EQ(CivilFromDays(2932896), (CivilDate{9999, 12, 31}));
}

TEST(CivilFromDays, AgreesWithChronoOverItsWholeRange) {
  // std::chrono's years stop at +-32767; every 97th day across that range (a step prime to the
  // month and cycle lengths, so that every day of the month and of the cycle is reached).
  using std::chrono::days;
  using std::chrono::sys_days;
  using std::chrono::year_month_day;
  const int64_t first =
      sys_days(year_month_day(std::chrono::year(-32767), std::chrono::January, std::chrono::day(1)))
          .time_since_epoch()
          .count();
  const int64_t last = sys_days(year_month_day(std::chrono::year(32767), std::chrono::December,
                                               std::chrono::day(31)))
                           .time_since_epoch()
                           .count();
  for (int64_t d = first; d <= last; d += 97) {
    const year_month_day expected{sys_days(days(d))};
    const CivilDate date = CivilFromDays(d);
    ASSERT_EQ(date.year, static_cast<int>(expected.year())) << d;
    ASSERT_EQ(date.month, static_cast<unsigned>(expected.month())) << d;
    ASSERT_EQ(date.day, static_cast<unsigned>(expected.day())) << d;
    ASSERT_EQ(DaysFromCivil(date.year, date.month, date.day), d);
  }
}

TEST(CivilFromDays, RoundTripsFarFromTheEpoch) {
  // Nanosecond and microsecond timestamps reach about +-292 thousand and million years.
  for (int64_t d : {INT64_C(-106'751'991'167), INT64_C(-106'751'991), INT64_C(106'751'991),
                    INT64_C(106'751'991'167)}) {
    const CivilDate date = CivilFromDays(d);
    EXPECT_EQ(DaysFromCivil(date.year, date.month, date.day), d) << d;
    EXPECT_EQ(CivilFromDays(d + 1) == date, false) << d;
  }
}

TEST(DaysInMonth, LeapRules) {
  EXPECT_EQ(DaysInMonth(2024, 2), 29);
  EXPECT_EQ(DaysInMonth(2025, 2), 28);
  EXPECT_EQ(DaysInMonth(1900, 2), 28);  // a century not divisible by 400
  EXPECT_EQ(DaysInMonth(2000, 2), 29);
  EXPECT_EQ(DaysInMonth(-4, 2), 29);  // 5 BC, proleptic
  EXPECT_EQ(DaysInMonth(2025, 4), 30);
  EXPECT_EQ(DaysInMonth(2025, 12), 31);
  for (int32_t month = 1; month <= 12; ++month) {
    // The next month starts DaysInMonth days later.
    const int64_t next =
        month == 12 ? DaysFromCivil(2001, 1, 1) : DaysFromCivil(2000, month + 1, 1);
    EXPECT_EQ(next - DaysFromCivil(2000, month, 1), DaysInMonth(2000, month)) << month;
  }
}

TEST(FloorDiv, RoundsTowardNegativeInfinity) {
  EXPECT_EQ(FloorDiv(7, 2), 3);
  EXPECT_EQ(FloorDiv(-7, 2), -4);
  EXPECT_EQ(FloorDiv(7, -2), -4);
  EXPECT_EQ(FloorDiv(-7, -2), 3);
  EXPECT_EQ(FloorDiv(-8, 2), -4);
  EXPECT_EQ(FloorDiv(0, 5), 0);
  EXPECT_EQ(FloorDiv(-1, 86'400'000'000), -1);
  EXPECT_EQ(FloorMod(-1, 86'400'000'000), 86'399'999'999);
  EXPECT_EQ(FloorMod(-7, 3), 2);
  EXPECT_EQ(FloorMod(7, 3), 1);
  EXPECT_EQ(FloorMod(-9, 3), 0);
}

}  // namespace
}  // namespace floe
