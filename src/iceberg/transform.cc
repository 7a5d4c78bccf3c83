#include "iceberg/transform.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include "common/civil_time.h"
#include "common/uuid.h"
#include "iceberg/conversions.h"

namespace floe::iceberg {

namespace {

// Java's and the spec's arithmetic on wide decimals is on 128-bit unscaled values.
__extension__ using Int128 = __int128;
__extension__ using UInt128 = unsigned __int128;

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
constexpr int64_t kMicrosPerHour = 60 * kMicrosPerMinute;
constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;
constexpr int64_t kNanosPerMicro = 1'000;
constexpr int64_t kMicrosPerMilli = 1'000;
constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr int64_t kEpochYear = 1970;
constexpr int64_t kMonthsPerYear = 12;
constexpr size_t kWideDecimalBytes = 16;
constexpr size_t kUuidBytes = 16;

bool IsTimestamp(TypeId id) {
  return id == TypeId::kTimestamp || id == TypeId::kTimestampTz || id == TypeId::kTimestampNs ||
         id == TypeId::kTimestampTzNs;
}
bool IsNanos(TypeId id) { return id == TypeId::kTimestampNs || id == TypeId::kTimestampTzNs; }

// Which source types each transform accepts (spec "Partition Transforms").
bool Accepts(TransformKind kind, const Type& source) {
  const TypeId id = source.id();
  switch (kind) {
    case TransformKind::kIdentity:
      return source.is_primitive();
    case TransformKind::kVoid:
      return true;
    case TransformKind::kBucket:
      return id == TypeId::kInt || id == TypeId::kLong || id == TypeId::kDecimal ||
             id == TypeId::kDate || id == TypeId::kTime || IsTimestamp(id) ||
             id == TypeId::kString || id == TypeId::kUuid || id == TypeId::kFixed ||
             id == TypeId::kBinary;
    case TransformKind::kTruncate:
      return id == TypeId::kInt || id == TypeId::kLong || id == TypeId::kDecimal ||
             id == TypeId::kString || id == TypeId::kBinary;
    case TransformKind::kYear:
    case TransformKind::kMonth:
    case TransformKind::kDay:
      return id == TypeId::kDate || IsTimestamp(id);
    case TransformKind::kHour:
      return IsTimestamp(id);
  }
  return false;
}

// A new pointer to a type equal to `type` (types are shared by pointer, and ResultType hands
// out a TypePtr while it only has a reference to the source).
TypePtr CopyType(const Type& type) {
  switch (type.id()) {
    case TypeId::kDecimal:
      return Type::Decimal(type.precision(), type.scale());
    case TypeId::kFixed:
      return Type::Fixed(type.length());
    case TypeId::kStruct:
      return Type::Struct(type.fields());
    case TypeId::kList:
      return Type::List(type.fields()[0]);
    case TypeId::kMap:
      return Type::Map(type.fields()[0], type.fields()[1]);
    default:
      return Type::Primitive(type.id());
  }
}

Status CheckHeld(const Type& type, const Scalar& value) {
  if (ScalarHolds(type, value)) return Status::Ok();
  return InvalidArgument("value of type {} held in the wrong representation (alternative {})",
                         type.ToString(), value.index());
}

// Microseconds of a time or timestamp value; nanoseconds round down, as the spec's bucket and
// time transforms require.
int64_t ToMicros(const Type& type, const Scalar& value) {
  const int64_t raw = std::get<int64_t>(value);
  return IsNanos(type.id()) ? FloorDiv(raw, kNanosPerMicro) : raw;
}

// Days since the epoch of a date or timestamp value.
int64_t ToDays(const Type& type, const Scalar& value) {
  if (type.id() == TypeId::kDate) return std::get<int32_t>(value);
  return FloorDiv(ToMicros(type, value), kMicrosPerDay);
}

Int128 Int128FromBigEndian(std::string_view bytes) {
  auto bits = static_cast<UInt128>(0);
  for (char byte : bytes) bits = (bits << 8) | static_cast<uint8_t>(byte);
  return static_cast<Int128>(bits);
}

std::string Int128ToBigEndian(Int128 value) {
  const auto bits = static_cast<UInt128>(value);
  std::string out(kWideDecimalBytes, '\0');
  for (size_t i = 0; i < kWideDecimalBytes; ++i) {
    out[i] = static_cast<char>(static_cast<uint8_t>(bits >> (8 * (kWideDecimalBytes - 1 - i))));
  }
  return out;
}

std::string Int128ToDecimalString(Int128 value) {
  const bool negative = value < 0;
  // Unsigned, so that the most negative value negates without overflow.
  auto magnitude = negative ? -static_cast<UInt128>(value) : static_cast<UInt128>(value);
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  if (negative) digits.insert(digits.begin(), '-');
  return digits;
}

// The plain decimal form of an unscaled value, as Java's BigDecimal.toPlainString: "14.20".
std::string ScaledDecimalString(Int128 unscaled, int32_t scale) {
  std::string digits = Int128ToDecimalString(unscaled);
  if (scale <= 0) return digits;
  const bool negative = digits.front() == '-';
  if (negative) digits.erase(digits.begin());
  const auto fraction_digits = static_cast<size_t>(scale);
  if (digits.size() <= fraction_digits) {
    digits.insert(digits.begin(), fraction_digits + 1 - digits.size(), '0');
  }
  digits.insert(digits.end() - static_cast<std::ptrdiff_t>(fraction_digits), '.');
  return negative ? "-" + digits : digits;
}

// The years as java.time prints them: at least four digits, a sign beyond 9999.
std::string YearString(int64_t year) {
  constexpr int64_t kLargestFourDigitYear = 9999;
  if (year > kLargestFourDigitYear) return fmt::format("+{}", year);
  if (year < 0) return fmt::format("-{:04}", -year);
  return fmt::format("{:04}", year);
}

std::string DateString(int64_t days) {
  const CivilDate date = CivilFromDays(days);
  return fmt::format("{}-{:02}-{:02}", YearString(date.year), date.month, date.day);
}

// java.time's LocalTime form: seconds only when not zero, then the fraction in groups of three.
std::string TimeOfDayString(int64_t nanos_of_day) {
  constexpr int64_t kNanosPerMinute = 60 * kNanosPerSecond;
  constexpr int64_t kNanosPerHour = 60 * kNanosPerMinute;
  constexpr int64_t kNanosPerMilli = 1'000'000;
  const int64_t hour = nanos_of_day / kNanosPerHour;
  const int64_t minute = nanos_of_day / kNanosPerMinute % 60;
  const int64_t second = nanos_of_day / kNanosPerSecond % 60;
  const int64_t fraction = nanos_of_day % kNanosPerSecond;
  std::string out = fmt::format("{:02}:{:02}", hour, minute);
  if (second == 0 && fraction == 0) return out;
  out += fmt::format(":{:02}", second);
  if (fraction == 0) return out;
  if (fraction % kNanosPerMilli == 0) return out + fmt::format(".{:03}", fraction / kNanosPerMilli);
  if (fraction % kNanosPerMicro == 0) return out + fmt::format(".{:06}", fraction / kNanosPerMicro);
  return out + fmt::format(".{:09}", fraction);
}

std::string TimestampString(int64_t value, bool nanos, bool with_zone) {
  const int64_t per_day = nanos ? kMicrosPerDay * kNanosPerMicro : kMicrosPerDay;
  const int64_t days = FloorDiv(value, per_day);
  const int64_t of_day = FloorMod(value, per_day);
  return DateString(days) + "T" + TimeOfDayString(nanos ? of_day : of_day * kNanosPerMicro) +
         (with_zone ? "Z" : "");
}

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  constexpr size_t kGroupBytes = 3;
  constexpr uint32_t kSixBits = 0x3F;
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += kGroupBytes) {
    const size_t available = std::min(kGroupBytes, bytes.size() - i);
    uint32_t group = 0;
    for (size_t j = 0; j < kGroupBytes; ++j) {
      group = (group << 8) | (j < available ? static_cast<uint8_t>(bytes[i + j]) : 0u);
    }
    for (size_t k = 0; k < 4; ++k) {
      out.push_back(k <= available ? kAlphabet[(group >> (18 - 6 * k)) & kSixBits] : '=');
    }
  }
  return out;
}

// Java's Float/Double.toString for the common cases: integral values keep a ".0".
template <typename T>
std::string FloatingString(T value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  std::string out = fmt::format("{}", value);
  if (out.find_first_of(".e") == std::string::npos) out += ".0";
  return out;
}

}  // namespace

Result<Transform> Transform::FromString(std::string_view text) {
  // Java matches transform names ignoring case; surrounding blanks come from hand-written JSON.
  const auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  std::string_view trimmed = text;
  while (!trimmed.empty() && is_space(trimmed.front())) trimmed.remove_prefix(1);
  while (!trimmed.empty() && is_space(trimmed.back())) trimmed.remove_suffix(1);
  std::string name;
  for (char c : trimmed)
    name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (name == "identity") return Identity();
  if (name == "year") return Transform{TransformKind::kYear, 0};
  if (name == "month") return Transform{TransformKind::kMonth, 0};
  if (name == "day") return Transform{TransformKind::kDay, 0};
  if (name == "hour") return Transform{TransformKind::kHour, 0};
  if (name == "void") return Transform{TransformKind::kVoid, 0};
  for (const auto& [prefix, kind] :
       {std::pair{std::string_view("bucket["), TransformKind::kBucket},
        std::pair{std::string_view("truncate["), TransformKind::kTruncate}}) {
    if (!name.starts_with(prefix) || !name.ends_with(']')) continue;
    const std::string_view digits =
        std::string_view(name).substr(prefix.size(), name.size() - prefix.size() - 1);
    int32_t param = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), param);
    if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() ||
        param <= 0) {
      return InvalidArgument("transform '{}': the parameter must be a positive integer", text);
    }
    return Transform{kind, param};
  }
  return InvalidArgument("unknown transform '{}'", text);
}

std::string Transform::ToString() const {
  switch (kind) {
    case TransformKind::kIdentity:
      return "identity";
    case TransformKind::kBucket:
      return fmt::format("bucket[{}]", param);
    case TransformKind::kTruncate:
      return fmt::format("truncate[{}]", param);
    case TransformKind::kYear:
      return "year";
    case TransformKind::kMonth:
      return "month";
    case TransformKind::kDay:
      return "day";
    case TransformKind::kHour:
      return "hour";
    case TransformKind::kVoid:
      return "void";
  }
  return "unknown";
}

Result<TypePtr> Transform::ResultType(const Type& source) const {
  if ((kind == TransformKind::kBucket || kind == TransformKind::kTruncate) && param <= 0) {
    return InvalidArgument("transform {}: the parameter must be a positive integer", ToString());
  }
  if (!Accepts(kind, source)) {
    return InvalidArgument("transform {} does not apply to type {}", ToString(), source.ToString());
  }
  switch (kind) {
    case TransformKind::kIdentity:
    case TransformKind::kTruncate:
    case TransformKind::kVoid:
      return CopyType(source);
    case TransformKind::kDay:
      return Type::Primitive(TypeId::kDate);
    case TransformKind::kBucket:
    case TransformKind::kYear:
    case TransformKind::kMonth:
    case TransformKind::kHour:
      return Type::Primitive(TypeId::kInt);
  }
  return Internal("unhandled transform kind {}", static_cast<int>(kind));
}

Result<Scalar> Transform::Apply(const Type& source, const Scalar& value) const {
  // The checks of ResultType without building the type: Apply runs once per row.
  if ((kind == TransformKind::kBucket || kind == TransformKind::kTruncate) && param <= 0) {
    return InvalidArgument("transform {}: the parameter must be a positive integer", ToString());
  }
  if (!Accepts(kind, source)) {
    return InvalidArgument("transform {} does not apply to type {}", ToString(), source.ToString());
  }
  if (kind == TransformKind::kVoid || IsNull(value)) return Scalar();
  FLOE_RETURN_IF_ERROR(CheckHeld(source, value));
  switch (kind) {
    case TransformKind::kIdentity:
    case TransformKind::kVoid:
      return value;
    case TransformKind::kBucket: {
      FLOE_ASSIGN_OR_RAISE(int32_t hash, BucketHash(source, value));
      return Scalar((hash & std::numeric_limits<int32_t>::max()) % param);
    }
    case TransformKind::kTruncate: {
      const int64_t width = param;
      switch (source.id()) {
        case TypeId::kInt: {
          const int64_t v = std::get<int32_t>(value);
          // Java computes this in int arithmetic: the lowest values wrap, and so do we.
          return Scalar(static_cast<int32_t>(v - FloorMod(v, width)));
        }
        case TypeId::kLong:
        case TypeId::kDecimal:
          if (const auto* v = std::get_if<int64_t>(&value)) {
            // Unsigned, so that the lowest longs wrap as they do in Java instead of overflowing.
            return Scalar(static_cast<int64_t>(static_cast<uint64_t>(*v) -
                                               static_cast<uint64_t>(FloorMod(*v, width))));
          }
          if (const std::string& bytes = std::get<std::string>(value);
              bytes.size() == kWideDecimalBytes) {
            const Int128 unscaled = Int128FromBigEndian(bytes);
            const Int128 remainder = ((unscaled % width) + width) % width;
            return Scalar(Int128ToBigEndian(unscaled - remainder));
          }
          return InvalidArgument("a {} value must be 16 bytes", source.ToString());
        case TypeId::kString:
          return Scalar(TruncateLowerBound(std::get<std::string>(value), param));
        case TypeId::kBinary:
          return Scalar(TruncateBinaryLowerBound(std::get<std::string>(value), param));
        default:
          break;
      }
      break;
    }
    case TransformKind::kYear:
      return Scalar(static_cast<int32_t>(CivilFromDays(ToDays(source, value)).year - kEpochYear));
    case TransformKind::kMonth: {
      const CivilDate date = CivilFromDays(ToDays(source, value));
      return Scalar(
          static_cast<int32_t>((date.year - kEpochYear) * kMonthsPerYear + (date.month - 1)));
    }
    case TransformKind::kDay:
      return Scalar(static_cast<int32_t>(ToDays(source, value)));
    case TransformKind::kHour:
      // Java narrows with an int cast too: hours beyond the int range (far past year 250000) wrap.
      return Scalar(static_cast<int32_t>(FloorDiv(ToMicros(source, value), kMicrosPerHour)));
  }
  return Internal("transform {} not applied to {}", ToString(), source.ToString());
}

std::string Transform::ToHumanString(const Type& result_type, const Scalar& value) const {
  if (IsNull(value)) return "null";
  if (!CheckHeld(result_type, value).ok()) return "invalid";
  switch (kind) {
    case TransformKind::kYear:
      return YearString(kEpochYear + std::get<int32_t>(value));
    case TransformKind::kMonth: {
      const int64_t months = std::get<int32_t>(value);
      return fmt::format("{}-{:02}", YearString(kEpochYear + FloorDiv(months, kMonthsPerYear)),
                         FloorMod(months, kMonthsPerYear) + 1);
    }
    case TransformKind::kHour: {
      const int64_t hours = std::get<int32_t>(value);
      constexpr int64_t kHoursPerDay = kMicrosPerDay / kMicrosPerHour;
      return fmt::format("{}-{:02}", DateString(FloorDiv(hours, kHoursPerDay)),
                         FloorMod(hours, kHoursPerDay));
    }
    default:
      break;
  }
  switch (result_type.id()) {
    case TypeId::kBoolean:
      return std::get<bool>(value) ? "true" : "false";
    case TypeId::kInt:
      return fmt::format("{}", std::get<int32_t>(value));
    case TypeId::kLong:
      return fmt::format("{}", std::get<int64_t>(value));
    case TypeId::kFloat:
      return FloatingString(std::get<float>(value));
    case TypeId::kDouble:
      return FloatingString(std::get<double>(value));
    case TypeId::kDate:
      return DateString(std::get<int32_t>(value));
    case TypeId::kTime:
      return TimeOfDayString(std::get<int64_t>(value) * kNanosPerMicro);
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
    case TypeId::kTimestampNs:
    case TypeId::kTimestampTzNs:
      return TimestampString(
          std::get<int64_t>(value), IsNanos(result_type.id()),
          result_type.id() == TypeId::kTimestampTz || result_type.id() == TypeId::kTimestampTzNs);
    case TypeId::kString:
      return std::get<std::string>(value);
    case TypeId::kUuid: {
      const std::string& bytes = std::get<std::string>(value);
      if (bytes.size() != kUuidBytes) return "invalid";
      std::array<uint8_t, kUuidBytes> uuid{};
      for (size_t i = 0; i < kUuidBytes; ++i) uuid[i] = static_cast<uint8_t>(bytes[i]);
      return UuidToString(uuid);
    }
    case TypeId::kFixed:
    case TypeId::kBinary:
      return Base64(std::get<std::string>(value));
    case TypeId::kDecimal:
      if (const auto* unscaled = std::get_if<int64_t>(&value)) {
        return ScaledDecimalString(*unscaled, result_type.scale());
      }
      return ScaledDecimalString(Int128FromBigEndian(std::get<std::string>(value)),
                                 result_type.scale());
    default:
      return "invalid";
  }
}

std::string Transform::DefaultName(std::string_view source_name) const {
  switch (kind) {
    case TransformKind::kIdentity:
      return std::string(source_name);
    case TransformKind::kBucket:
      return fmt::format("{}_bucket", source_name);
    case TransformKind::kTruncate:
      return fmt::format("{}_trunc", source_name);
    case TransformKind::kYear:
      return fmt::format("{}_year", source_name);
    case TransformKind::kMonth:
      return fmt::format("{}_month", source_name);
    case TransformKind::kDay:
      return fmt::format("{}_day", source_name);
    case TransformKind::kHour:
      return fmt::format("{}_hour", source_name);
    case TransformKind::kVoid:
      return fmt::format("{}_null", source_name);
  }
  return std::string(source_name);
}

int32_t Murmur3Hash32(std::string_view bytes) {
  constexpr uint32_t kC1 = 0xcc9e2d51;
  constexpr uint32_t kC2 = 0x1b873593;
  constexpr uint32_t kRotate1 = 15;
  constexpr uint32_t kRotate2 = 13;
  constexpr uint32_t kMultiplier = 5;
  constexpr uint32_t kAddend = 0xe6546b64;
  constexpr uint32_t kFinal1 = 0x85ebca6b;
  constexpr uint32_t kFinal2 = 0xc2b2ae35;
  constexpr size_t kBlockBytes = 4;

  const auto mix_k = [&](uint32_t k) {
    k *= kC1;
    k = std::rotl(k, kRotate1);
    return k * kC2;
  };
  const auto byte_at = [&](size_t i) {
    return static_cast<uint32_t>(static_cast<uint8_t>(bytes[i]));
  };

  uint32_t h = 0;  // seed 0, as the spec fixes it
  const size_t blocks = bytes.size() / kBlockBytes;
  for (size_t b = 0; b < blocks; ++b) {
    const size_t at = b * kBlockBytes;
    const uint32_t k =
        byte_at(at) | (byte_at(at + 1) << 8) | (byte_at(at + 2) << 16) | (byte_at(at + 3) << 24);
    h ^= mix_k(k);
    h = std::rotl(h, kRotate2);
    h = h * kMultiplier + kAddend;
  }
  const size_t tail = blocks * kBlockBytes;
  uint32_t k = 0;
  switch (bytes.size() - tail) {
    case 3:
      k ^= byte_at(tail + 2) << 16;
      [[fallthrough]];
    case 2:
      k ^= byte_at(tail + 1) << 8;
      [[fallthrough]];
    case 1:
      k ^= byte_at(tail);
      h ^= mix_k(k);
      break;
    default:
      break;
  }
  h ^= static_cast<uint32_t>(bytes.size());
  h ^= h >> 16;
  h *= kFinal1;
  h ^= h >> 13;
  h *= kFinal2;
  h ^= h >> 16;
  return static_cast<int32_t>(h);
}

Result<int32_t> BucketHash(const Type& type, const Scalar& value) {
  if (IsNull(value)) return InvalidArgument("a null {} has no bucket hash", type.ToString());
  FLOE_RETURN_IF_ERROR(CheckHeld(type, value));
  const auto hash_long = [](int64_t v) {
    std::array<char, sizeof(int64_t)> bytes{};
    const auto bits = static_cast<uint64_t>(v);
    for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(bits >> (8 * i));
    return Murmur3Hash32(std::string_view(bytes.data(), bytes.size()));
  };
  switch (type.id()) {
    case TypeId::kInt:
    case TypeId::kDate:
      // Ints hash as longs, so that promoting int to long keeps every row in its bucket.
      return hash_long(std::get<int32_t>(value));
    case TypeId::kLong:
      return hash_long(std::get<int64_t>(value));
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
    case TypeId::kTimestampNs:
    case TypeId::kTimestampTzNs:
      return hash_long(ToMicros(type, value));
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kFixed:
    case TypeId::kUuid:
      return Murmur3Hash32(std::get<std::string>(value));
    case TypeId::kDecimal: {
      FLOE_ASSIGN_OR_RAISE(std::string bytes, DecimalToMinimalBytes(type, value));
      return Murmur3Hash32(bytes);
    }
    default:
      break;
  }
  return InvalidArgument("type {} cannot be bucketed", type.ToString());
}

}  // namespace floe::iceberg
