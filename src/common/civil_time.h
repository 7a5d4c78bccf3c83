#pragma once

// Days since 1970-01-01 ↔ proleptic Gregorian dates, and the floor division that every split of
// a time value into days, hours or seconds needs (C++'s '/' truncates toward zero, which is wrong
// for the instants before 1970). One copy for the whole project: the JSON parser and encoder,
// Iceberg's partition transforms, the expression casts and the test-data generator all call
// these. Valid over the whole int64 day range that timestamps reach (std::chrono's year stops at
// ±32767); inline because they run for every date and timestamp value of a hot column.
//
// The arithmetic is Howard Hinnant's public-domain "days_from_civil"/"civil_from_days": years
// are counted from March so that the leap day is the last day of the (shifted) year, and the
// calendar repeats every 400 years (an era of 146097 days).

#include <cstdint>

namespace floe {

/// a / b rounded toward negative infinity; b != 0.
constexpr int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t quotient = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? quotient - 1 : quotient;
}

/// a - FloorDiv(a, b) * b: the remainder with the sign of b.
constexpr int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

/// A proleptic Gregorian date. Thread safety: a value type.
struct CivilDate {
  int64_t year = 1970;  // any year, negative before year 0
  int32_t month = 1;    // 1-12
  int32_t day = 1;      // 1-31

  bool operator==(const CivilDate&) const = default;
};

/// The Gregorian calendar repeats every 400 years, a whole number of days.
inline constexpr int64_t kYearsPerGregorianCycle = 400;
inline constexpr int64_t kDaysPerGregorianCycle = 146'097;

/// Whether a (proleptic Gregorian) year has a February 29.
constexpr bool IsLeapYear(int64_t year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/// The number of days of a month (1-12) of a year.
constexpr int32_t DaysInMonth(int64_t year, int32_t month) {
  constexpr int32_t kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  constexpr int32_t kFebruary = 2;
  return month == kFebruary && IsLeapYear(year) ? kDays[month - 1] + 1 : kDays[month - 1];
}

/// Days since 1970-01-01 of a proleptic Gregorian date (negative before 1970). The date is not
/// checked: month 1-12 and a day of that month are the caller's to validate.
constexpr int64_t DaysFromCivil(int64_t year, int32_t month, int32_t day) {
  constexpr int64_t kDaysPerYear = 365;
  constexpr int64_t kDaysPer5MonthsFromMarch = 153;  // Mar-Jul and Aug-Dec both hold 153 days
  constexpr int64_t kDaysFromYear0March1To1970 = 719'468;
  const int64_t shifted_year = month <= 2 ? year - 1 : year;
  const int64_t era = FloorDiv(shifted_year, kYearsPerGregorianCycle);
  const int64_t year_of_era = shifted_year - era * kYearsPerGregorianCycle;  // [0, 399]
  const int64_t month_from_march = month > 2 ? month - 3 : month + 9;        // [0, 11]
  // (153 * m + 2) / 5 is the day of the year at which month m (from March) starts: the month
  // lengths 31,30,31,30,31 repeat with period five.
  const int64_t day_of_year = (kDaysPer5MonthsFromMarch * month_from_march + 2) / 5 + day - 1;
  const int64_t day_of_era =
      year_of_era * kDaysPerYear + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * kDaysPerGregorianCycle + day_of_era - kDaysFromYear0March1To1970;
}

/// The date of a day count since 1970-01-01: the inverse of DaysFromCivil.
constexpr CivilDate CivilFromDays(int64_t days_since_epoch) {
  constexpr int64_t kDaysPerYear = 365;
  constexpr int64_t kDaysPer4Years = 1'460;     // without its leap day
  constexpr int64_t kDaysPer100Years = 36'524;  // without the leap day of its fourth year
  constexpr int64_t kDaysPer5MonthsFromMarch = 153;
  constexpr int64_t kDaysFromYear0March1To1970 = 719'468;
  const int64_t shifted = days_since_epoch + kDaysFromYear0March1To1970;
  const int64_t era = FloorDiv(shifted, kDaysPerGregorianCycle);
  const int64_t day_of_era = shifted - era * kDaysPerGregorianCycle;  // [0, 146096]
  // Removing the leap days of the era before dividing by 365 gives the year of the era.
  const int64_t year_of_era =
      (day_of_era - day_of_era / kDaysPer4Years + day_of_era / kDaysPer100Years -
       day_of_era / (kDaysPerGregorianCycle - 1)) /
      kDaysPerYear;
  const int64_t day_of_year =
      day_of_era - (kDaysPerYear * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t month_from_march = (5 * day_of_year + 2) / kDaysPer5MonthsFromMarch;
  CivilDate date;
  date.day =
      static_cast<int32_t>(day_of_year - (kDaysPer5MonthsFromMarch * month_from_march + 2) / 5 + 1);
  date.month =
      static_cast<int32_t>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
  date.year = year_of_era + era * kYearsPerGregorianCycle + (date.month <= 2 ? 1 : 0);
  return date;
}

}  // namespace floe
