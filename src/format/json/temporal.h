#pragma once

// Text → number parsers for dates, times and timestamps in the ISO-8601 forms that JSON
// producers write. Written for speed on the fixed-width common case ("2025-09-11T09:01:11.318522Z")
// and for exact validation: no strptime, no locale, no time zone database.

#include <cstdint>
#include <string_view>

#include "common/result.h"

namespace floe::json {

enum class TimeUnit : uint8_t { kMicros, kNanos };

/// What a timestamp may say about its zone.
enum class ZoneRule : uint8_t {
  kForbidden,  // timestamp without zone: a designator ("Z", "+02:00") is an error
  kOptional,   // timestamptz: 'Z' or an offset converts to UTC; none means UTC already
};

/// "YYYY-MM-DD", years 0000-9999 → days since 1970-01-01.
/// Errors are InvalidArgument whose message is the bare reason ("month 13", "day 30 of
/// 2025-02"), for the caller to put after its own context.
Result<int32_t> ParseDate(std::string_view text);

/// "HH:MM:SS" with an optional '.' and 1 to 9 fractional digits → microseconds since midnight.
/// Digits below the microsecond are truncated.
Result<int64_t> ParseTimeMicros(std::string_view text);

/// "YYYY-MM-DD" 'T'|'t'|' ' "HH:MM:SS" ['.' 1-9 digits] [zone], zone = 'Z'|'z'|±HH:MM|±HHMM|±HH.
/// Returns micros or nanos since the epoch (UTC when a zone is given). Digits below the unit are
/// dropped by flooring: the fraction always counts forward from its whole second, so
/// "1969-12-31T23:59:59.9999999" is -1 micro, not 0. Nanos cover 1677-09-21..2262-04-11 only;
/// beyond that the value is out of range (an error), never wrapped.
/// `dates`, when given: the caller's memory of the last date it saw (one per thread), so that a
/// column whose values share their day parses each day once. The result is the same with or
/// without it.
struct DateCache {
  char text[10] = {};  // "YYYY-MM-DD" of the date last parsed, when `valid`
  int64_t days = 0;
  bool valid = false;
};
Result<int64_t> ParseTimestamp(std::string_view text, TimeUnit unit, ZoneRule zone,
                               DateCache* dates = nullptr);

}  // namespace floe::json
