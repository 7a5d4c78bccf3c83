#include "format/json/temporal.h"

#include <array>
#include <cstring>
#include <string>

#include "common/civil_time.h"

namespace floe::json {
namespace {

constexpr int64_t kSecondsPerMinute = 60;
constexpr int64_t kSecondsPerHour = 3600;
constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr int64_t kNanosPerMicro = 1'000;
constexpr int kMaxFractionDigits = 9;
constexpr int kMaxHour = 23;
constexpr int kMaxMinute = 59;
constexpr int kMaxSecond = 59;  // no leap seconds: Iceberg's timestamps have none
constexpr int kMonthsPerYear = 12;
constexpr int kMaxOffsetHour = 23;

// "YYYY-MM-DD" and "HH:MM:SS" have fixed widths.
constexpr size_t kDateChars = 10;
constexpr size_t kTimeChars = 8;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads `count` digits at `p` into `out`; false if any is not a digit.
bool ReadDigits(const char* p, int count, int* out) {
  int value = 0;
  for (int i = 0; i < count; ++i) {
    if (!IsDigit(p[i])) return false;
    value = value * 10 + (p[i] - '0');
  }
  *out = value;
  return true;
}

// The internal parsers return false and set *reason on failure; the success path builds no
// Status, since it runs once per value of a hot column.

// Parses the date at the start of `text` into days since the epoch.
bool ParseDatePart(std::string_view text, int64_t* days, std::string* reason) {
  int year = 0;
  int month = 0;
  int day = 0;
  const char* p = text.data();
  if (text.size() < kDateChars || !ReadDigits(p, 4, &year) || p[4] != '-' ||
      !ReadDigits(p + 5, 2, &month) || p[7] != '-' || !ReadDigits(p + 8, 2, &day)) {
    *reason = "expected YYYY-MM-DD";
    return false;
  }
  if (month < 1 || month > kMonthsPerYear) {
    *reason = fmt::format("month {}", month);
    return false;
  }
  if (day < 1 || day > DaysInMonth(year, month)) {
    *reason = fmt::format("day {} of {:04d}-{:02d}", day, year, month);
    return false;
  }
  *days = DaysFromCivil(year, month, day);
  return true;
}

// Parses "HH:MM:SS[.f{1,9}]" at the start of `text`; sets the seconds of day, the fraction in
// nanoseconds and the number of characters read.
bool ParseTimePart(std::string_view text, int64_t* seconds, int64_t* fraction_nanos,
                   size_t* consumed, std::string* reason) {
  int hour = 0;
  int minute = 0;
  int second = 0;
  const char* p = text.data();
  if (text.size() < kTimeChars || !ReadDigits(p, 2, &hour) || p[2] != ':' ||
      !ReadDigits(p + 3, 2, &minute) || p[5] != ':' || !ReadDigits(p + 6, 2, &second)) {
    *reason = "expected HH:MM:SS";
    return false;
  }
  if (hour > kMaxHour || minute > kMaxMinute || second > kMaxSecond) {
    *reason = hour > kMaxHour       ? fmt::format("hour {}", hour)
              : minute > kMaxMinute ? fmt::format("minute {}", minute)
                                    : fmt::format("second {}", second);
    return false;
  }
  size_t at = kTimeChars;
  int64_t nanos = 0;
  if (at < text.size() && text[at] == '.') {
    ++at;
    size_t first = at;
    while (at < text.size() && IsDigit(text[at])) {
      if (at - first < kMaxFractionDigits) nanos = nanos * 10 + (text[at] - '0');
      ++at;
    }
    size_t digits = at - first;
    if (digits == 0) {
      *reason = "no digits after '.'";
      return false;
    }
    if (digits > kMaxFractionDigits) {
      *reason = fmt::format("{} fractional digits (at most {})", digits, kMaxFractionDigits);
      return false;
    }
    static constexpr std::array<int64_t, kMaxFractionDigits> kScale = {
        100'000'000, 10'000'000, 1'000'000, 100'000, 10'000, 1'000, 100, 10, 1};
    nanos *= kScale[digits - 1];  // ".5" is 500,000,000 nanos
  }
  *seconds = hour * kSecondsPerHour + minute * kSecondsPerMinute + second;
  *fraction_nanos = nanos;
  *consumed = at;
  return true;
}

// Parses a zone designator that makes up all of `text`; sets the offset east of UTC in seconds.
bool ParseZone(std::string_view text, int64_t* offset_seconds, std::string* reason) {
  if (text.size() == 1 && (text[0] == 'Z' || text[0] == 'z')) {
    *offset_seconds = 0;
    return true;
  }
  constexpr size_t kHoursOnly = 3;  // +HH
  constexpr size_t kCompact = 5;    // +HHMM
  constexpr size_t kExtended = 6;   // +HH:MM
  const char* p = text.data();
  int hours = 0;
  int minutes = 0;
  bool ok = !text.empty() && (p[0] == '+' || p[0] == '-');
  if (ok) {
    switch (text.size()) {
      case kHoursOnly:
        ok = ReadDigits(p + 1, 2, &hours);
        break;
      case kCompact:
        ok = ReadDigits(p + 1, 2, &hours) && ReadDigits(p + 3, 2, &minutes);
        break;
      case kExtended:
        ok = ReadDigits(p + 1, 2, &hours) && p[3] == ':' && ReadDigits(p + 4, 2, &minutes);
        break;
      default:
        ok = false;
    }
  }
  if (!ok) {
    *reason = fmt::format("bad zone '{}' (expected Z, +HH:MM, +HHMM or +HH)", text);
    return false;
  }
  if (hours > kMaxOffsetHour || minutes > kMaxMinute) {
    *reason = fmt::format("zone offset '{}' out of range", text);
    return false;
  }
  int64_t magnitude = hours * kSecondsPerHour + minutes * kSecondsPerMinute;
  *offset_seconds = p[0] == '-' ? -magnitude : magnitude;
  return true;
}

}  // namespace

Result<int32_t> ParseDate(std::string_view text) {
  std::string reason;
  int64_t days = 0;
  if (text.size() != kDateChars) return InvalidArgument("expected YYYY-MM-DD");
  if (!ParseDatePart(text, &days, &reason)) return InvalidArgument("{}", reason);
  return static_cast<int32_t>(days);
}

Result<int64_t> ParseTimeMicros(std::string_view text) {
  std::string reason;
  int64_t seconds = 0;
  int64_t nanos = 0;
  size_t consumed = 0;
  if (!ParseTimePart(text, &seconds, &nanos, &consumed, &reason)) {
    return InvalidArgument("{}", reason);
  }
  if (consumed != text.size()) return InvalidArgument("unexpected text after the time");
  return seconds * kMicrosPerSecond + nanos / kNanosPerMicro;
}

Result<int64_t> ParseTimestamp(std::string_view text, TimeUnit unit, ZoneRule zone,
                               DateCache* dates) {
  static_assert(sizeof(DateCache::text) == kDateChars);
  std::string reason;
  int64_t days = 0;
  if (dates != nullptr && dates->valid && text.size() >= kDateChars &&
      std::memcmp(text.data(), dates->text, kDateChars) == 0) {
    days = dates->days;  // the same ten characters were a valid date
  } else {
    if (!ParseDatePart(text, &days, &reason)) return InvalidArgument("{}", reason);
    if (dates != nullptr) {
      std::memcpy(dates->text, text.data(), kDateChars);
      dates->days = days;
      dates->valid = true;
    }
  }
  if (text.size() == kDateChars) return InvalidArgument("no time after the date");
  char separator = text[kDateChars];
  if (separator != 'T' && separator != 't' && separator != ' ') {
    return InvalidArgument("expected 'T' or ' ' after the date");
  }
  std::string_view time_and_zone = text.substr(kDateChars + 1);
  int64_t seconds_of_day = 0;
  int64_t nanos = 0;
  size_t consumed = 0;
  if (!ParseTimePart(time_and_zone, &seconds_of_day, &nanos, &consumed, &reason)) {
    return InvalidArgument("{}", reason);
  }
  int64_t offset_seconds = 0;
  if (consumed < time_and_zone.size()) {
    std::string_view designator = time_and_zone.substr(consumed);
    if (zone == ZoneRule::kForbidden) {
      return InvalidArgument("zone designator '{}' on a timestamp without zone", designator);
    }
    if (!ParseZone(designator, &offset_seconds, &reason)) return InvalidArgument("{}", reason);
  }
  // Years 0000-9999 keep seconds far inside int64; only nanos can overflow.
  int64_t seconds = days * kSecondsPerDay + seconds_of_day - offset_seconds;
  if (unit == TimeUnit::kMicros) return seconds * kMicrosPerSecond + nanos / kNanosPerMicro;
  int64_t total = 0;
  if (__builtin_mul_overflow(seconds, kNanosPerSecond, &total) ||
      __builtin_add_overflow(total, nanos, &total)) {
    return InvalidArgument("out of range for nanoseconds (1677-09-21 to 2262-04-11)");
  }
  return total;
}

}  // namespace floe::json
