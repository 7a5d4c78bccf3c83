#include "stream/expr/expression_cast.h"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>

#include "common/civil_time.h"
#include "format/json/decimal.h"
#include "format/json/temporal.h"
#include "format/json/uuid_text.h"
#include "stream/expr/like_matcher.h"

namespace floe::stream::internal {
namespace {

using iceberg::Type;
using iceberg::TypeId;

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;
constexpr int64_t kSecondsPerMinute = 60;
constexpr int64_t kSecondsPerHour = 3600;
constexpr int32_t kMaxInt64Precision = 18;

bool IsIntegral(TypeId id) { return id == TypeId::kInt || id == TypeId::kLong; }
bool IsFloating(TypeId id) { return id == TypeId::kFloat || id == TypeId::kDouble; }
bool IsNumeric(TypeId id) { return IsIntegral(id) || IsFloating(id) || id == TypeId::kDecimal; }
bool IsTimestamp(TypeId id) { return id == TypeId::kTimestamp || id == TypeId::kTimestampTz; }
bool IsText(TypeId id) { return id == TypeId::kString; }

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

std::string FormatDate(int64_t days) {
  const CivilDate date = CivilFromDays(days);
  return fmt::format("{:04}-{:02}-{:02}", date.year, date.month, date.day);
}

std::string FormatTimeOfDay(int64_t micros_of_day) {
  const int64_t seconds = micros_of_day / kMicrosPerSecond;
  return fmt::format("{:02}:{:02}:{:02}.{:06}", seconds / kSecondsPerHour,
                     seconds % kSecondsPerHour / kSecondsPerMinute, seconds % kSecondsPerMinute,
                     micros_of_day % kMicrosPerSecond);
}

// ISO-8601 as Iceberg prints timestamps: "2025-09-11T09:01:11.318522", with "+00:00" for
// timestamptz.
std::string FormatTimestamp(int64_t micros, bool with_zone) {
  const int64_t days = FloorDiv(micros, kMicrosPerDay);
  return fmt::format("{}T{}{}", FormatDate(days), FormatTimeOfDay(micros - days * kMicrosPerDay),
                     with_zone ? "+00:00" : "");
}

std::string FormatDecimal(int64_t unscaled, int32_t scale) {
  if (scale == 0) return fmt::format("{}", unscaled);
  // Work on the magnitude as unsigned so that the smallest long has one.
  const bool negative = unscaled < 0;
  const uint64_t magnitude =
      negative ? 0 - static_cast<uint64_t>(unscaled) : static_cast<uint64_t>(unscaled);
  const auto divisor = static_cast<uint64_t>(PowerOfTen(scale));
  return fmt::format("{}{}.{:0{}}", negative ? "-" : "", magnitude / divisor, magnitude % divisor,
                     scale);
}

bool FitsPrecision(int64_t unscaled, int32_t precision) {
  if (precision >= kMaxInt64Precision + 1) return true;
  const int64_t limit = PowerOfTen(precision);
  return unscaled < limit && unscaled > -limit;
}

std::string FormatUuid(std::string_view bytes) {
  std::string out;
  for (size_t i = 0; i < bytes.size(); ++i) {
    // Dashes after bytes 4, 6, 8 and 10: the 8-4-4-4-12 hex digit groups.
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out += fmt::format("{:02x}", static_cast<uint8_t>(bytes[i]));
  }
  return out;
}

bool ToString(const Type& from, const Datum& in, std::string* text) {
  switch (from.id()) {
    case TypeId::kBoolean:
      *text = in.b ? "true" : "false";
      return true;
    case TypeId::kInt:
    case TypeId::kLong:
      *text = fmt::format("{}", in.i);
      return true;
    case TypeId::kFloat:
      *text = fmt::format("{}", static_cast<float>(in.d));
      return true;
    case TypeId::kDouble:
      *text = fmt::format("{}", in.d);
      return true;
    case TypeId::kDecimal:
      *text = FormatDecimal(in.i, from.scale());
      return true;
    case TypeId::kDate:
      *text = FormatDate(in.i);
      return true;
    case TypeId::kTime:
      *text = FormatTimeOfDay(in.i);
      return true;
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      *text = FormatTimestamp(in.i, from.id() == TypeId::kTimestampTz);
      return true;
    case TypeId::kString:
    case TypeId::kBinary:
      *text = std::string(in.s);
      return true;
    case TypeId::kUuid:
      *text = FormatUuid(in.s);
      return true;
    default:
      return false;
  }
}

// Rescales a decimal's unscaled value, rounding half away from zero when digits are dropped.
bool Rescale(int64_t value, int32_t from_scale, int32_t to_scale, int64_t* out) {
  if (to_scale >= from_scale) {
    return !__builtin_mul_overflow(value, PowerOfTen(to_scale - from_scale), out);
  }
  const int64_t divisor = PowerOfTen(from_scale - to_scale);
  int64_t quotient = value / divisor;
  const int64_t remainder = value % divisor;
  if (remainder * 2 >= divisor) ++quotient;
  if (remainder * 2 <= -divisor) --quotient;
  *out = quotient;
  return true;
}

bool FromString(std::string_view raw, const Type& to, Datum* out, std::string* storage,
                std::string* error) {
  const std::string_view text = TrimSpaces(raw);
  auto fail = [&](std::string_view reason) {
    *error = fmt::format("cannot cast '{}' to {}{}{}", raw, to.ToString(),
                         reason.empty() ? "" : ": ", reason);
    return false;
  };
  switch (to.id()) {
    case TypeId::kBoolean: {
      std::string folded(text);
      for (char& c : folded) c = static_cast<char>(FoldAscii(static_cast<uint8_t>(c)));
      if (folded == "true") {
        out->b = true;
      } else if (folded == "false") {
        out->b = false;
      } else {
        return fail("");
      }
      return true;
    }
    case TypeId::kInt:
    case TypeId::kLong: {
      // from_chars takes no '+'; SQL does.
      std::string_view digits = text.starts_with('+') ? text.substr(1) : text;
      int64_t value = 0;
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
      if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty()) {
        return fail(ec == std::errc::result_out_of_range ? "out of range" : "");
      }
      if (to.id() == TypeId::kInt && (value < std::numeric_limits<int32_t>::min() ||
                                      value > std::numeric_limits<int32_t>::max())) {
        return fail("out of range");
      }
      out->i = value;
      return true;
    }
    case TypeId::kFloat:
    case TypeId::kDouble: {
      std::string_view digits = text.starts_with('+') ? text.substr(1) : text;
      double value = 0;
      auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
      if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty()) {
        return fail("");
      }
      out->d = to.id() == TypeId::kFloat ? static_cast<float>(value) : value;
      return true;
    }
    case TypeId::kDecimal: {
      auto value =
          json::ParseDecimal(text, to.precision(), to.scale(), json::DecimalGrammar::kLenient);
      if (!value.ok()) return fail(value.status().message());
      out->i = static_cast<int64_t>(*value);
      return true;
    }
    case TypeId::kDate: {
      auto days = json::ParseDate(text);
      if (!days.ok()) return fail(days.status().message());
      out->i = *days;
      return true;
    }
    case TypeId::kTime: {
      auto micros = json::ParseTimeMicros(text);
      if (!micros.ok()) return fail(micros.status().message());
      out->i = *micros;
      return true;
    }
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz: {
      auto micros = json::ParseTimestamp(
          text, json::TimeUnit::kMicros,
          to.id() == TypeId::kTimestamp ? json::ZoneRule::kForbidden : json::ZoneRule::kOptional);
      if (!micros.ok()) return fail(micros.status().message());
      out->i = *micros;
      return true;
    }
    case TypeId::kBinary:
      out->s = raw;
      return true;
    case TypeId::kUuid: {
      std::array<uint8_t, json::kUuidBytes> bytes{};
      Status status = json::ParseUuidText(text, &bytes);
      if (!status.ok()) return fail(status.message());
      storage->assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
      out->s = *storage;
      return true;
    }
    default:
      return fail("not supported");
  }
}

bool FromNumber(const Type& from, const Type& to, const Datum& in, Datum* out, std::string* error) {
  auto overflow = [&] {
    *error = fmt::format("{} out of range for {}", in.i, to.ToString());
    return false;
  };
  const TypeId f = from.id();
  switch (to.id()) {
    case TypeId::kInt:
    case TypeId::kLong: {
      int64_t value = 0;
      if (IsIntegral(f)) {
        value = in.i;
      } else if (f == TypeId::kDecimal) {
        value = in.i / PowerOfTen(from.scale());  // truncates toward zero, as SQL does
      } else {
        // 2^63 is exactly representable; anything at or beyond it does not fit.
        constexpr double kTwoTo63 = 9223372036854775808.0;
        if (!std::isfinite(in.d) || in.d >= kTwoTo63 || in.d < -kTwoTo63) {
          *error = fmt::format("{} out of range for {}", in.d, to.ToString());
          return false;
        }
        value = static_cast<int64_t>(in.d);
      }
      if (to.id() == TypeId::kInt && (value < std::numeric_limits<int32_t>::min() ||
                                      value > std::numeric_limits<int32_t>::max())) {
        return overflow();
      }
      out->i = value;
      return true;
    }
    case TypeId::kFloat:
    case TypeId::kDouble: {
      double value = IsFloating(f)   ? in.d
                     : IsIntegral(f) ? static_cast<double>(in.i)
                                     : static_cast<double>(in.i) /
                                           static_cast<double>(PowerOfTen(from.scale()));
      out->d = to.id() == TypeId::kFloat ? static_cast<float>(value) : value;
      return true;
    }
    case TypeId::kDecimal: {
      int64_t value = 0;
      if (IsFloating(f)) {
        const double scaled = std::round(in.d * static_cast<double>(PowerOfTen(to.scale())));
        const auto limit = static_cast<double>(PowerOfTen(to.precision()));
        if (!std::isfinite(scaled) || scaled >= limit || scaled <= -limit) {
          *error = fmt::format("{} out of range for {}", in.d, to.ToString());
          return false;
        }
        value = static_cast<int64_t>(scaled);
      } else {
        const int32_t from_scale = f == TypeId::kDecimal ? from.scale() : 0;
        if (!Rescale(in.i, from_scale, to.scale(), &value)) return overflow();
      }
      if (!FitsPrecision(value, to.precision())) {
        *error = fmt::format("value out of range for {}", to.ToString());
        return false;
      }
      out->i = value;
      return true;
    }
    default:
      *error = fmt::format("cannot cast {} to {}", from.ToString(), to.ToString());
      return false;
  }
}

}  // namespace

bool CastSupported(const Type& from, const Type& to) {
  const TypeId f = from.id();
  const TypeId t = to.id();
  if (from == to) return true;
  if (t == TypeId::kString) {
    return f != TypeId::kFixed && from.is_primitive() && f != TypeId::kTimestampNs &&
           f != TypeId::kTimestampTzNs;
  }
  if (IsText(f)) {
    return t == TypeId::kBoolean || IsNumeric(t) || t == TypeId::kDate || t == TypeId::kTime ||
           IsTimestamp(t) || t == TypeId::kBinary || t == TypeId::kUuid;
  }
  if (IsNumeric(f) && IsNumeric(t)) return true;
  if (f == TypeId::kDate && IsTimestamp(t)) return true;
  if (IsTimestamp(f) && (t == TypeId::kDate || IsTimestamp(t))) return true;
  return false;
}

bool CastDatum(const Type& from, const Type& to, const Datum& in, Datum* out, std::string* text,
               std::string* error) {
  const TypeId f = from.id();
  const TypeId t = to.id();
  if (from == to) {
    *out = in;
    return true;
  }
  if (t == TypeId::kString) {
    if (!ToString(from, in, text)) {
      *error = fmt::format("cannot cast {} to string", from.ToString());
      return false;
    }
    out->s = *text;
    return true;
  }
  if (IsText(f)) return FromString(in.s, to, out, text, error);
  if (IsNumeric(f) && IsNumeric(t)) return FromNumber(from, to, in, out, error);
  if (f == TypeId::kDate && IsTimestamp(t)) {
    out->i = in.i * kMicrosPerDay;
    return true;
  }
  if (IsTimestamp(f) && t == TypeId::kDate) {
    out->i = FloorDiv(in.i, kMicrosPerDay);
    return true;
  }
  if (IsTimestamp(f) && IsTimestamp(t)) {
    out->i = in.i;  // both count microseconds from the epoch; timestamp is read as UTC
    return true;
  }
  *error = fmt::format("cannot cast {} to {}", from.ToString(), to.ToString());
  return false;
}

}  // namespace floe::stream::internal
