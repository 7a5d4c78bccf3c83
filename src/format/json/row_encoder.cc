#include "format/json/row_encoder.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

#include "common/civil_time.h"
#include "format/json/decimal.h"

namespace floe::json {

namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr int64_t kSecondsPerDay = 86'400;
constexpr int kUuidBytes = 16;

// 128-bit arithmetic is a GCC/Clang extension; __extension__ keeps -Wpedantic quiet.
__extension__ typedef unsigned __int128 UInt128;

// Zero-padded decimal digits. Hand-written because it runs several times per timestamp of every
// row of a JSON sink, where fmt's format-string machinery showed as a tenth of the profile.
void AppendDigits(int64_t value, int width, std::string* out) {
  if (value < 0) {  // years before 0000 only
    fmt::format_to(std::back_inserter(*out), "{:0{}}", value, width);
    return;
  }
  char digits[24];
  int count = 0;
  do {
    digits[count++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (count < width) digits[count++] = '0';
  const size_t at = out->size();
  out->resize(at + static_cast<size_t>(count));
  char* dest = out->data() + at;
  for (int i = 0; i < count; ++i) dest[i] = digits[count - 1 - i];
}

template <typename T>
void AppendInteger(T value, std::string* out) {
  char buffer[24];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  (void)error;  // 24 characters hold any 64-bit integer
  out->append(buffer, end);
}

/// ".fff", ".ffffff" or ".fffffffff": the shortest group of three that keeps every digit.
void AppendFraction(int64_t fraction, int digits, std::string* out) {
  if (fraction == 0) return;
  while (digits > 3 && fraction % 1000 == 0) {
    fraction /= 1000;
    digits -= 3;
  }
  out->push_back('.');
  AppendDigits(fraction, digits, out);
}

void AppendClock(int64_t seconds_of_day, int64_t fraction, int digits, std::string* out) {
  AppendDigits(seconds_of_day / 3600, 2, out);
  out->push_back(':');
  AppendDigits(seconds_of_day / 60 % 60, 2, out);
  out->push_back(':');
  AppendDigits(seconds_of_day % 60, 2, out);
  AppendFraction(fraction, digits, out);
}

void AppendBase64(std::string_view bytes, std::string* out) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  out->push_back('"');
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<uint8_t>(bytes[k]); };
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t group = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out->push_back(kAlphabet[(group >> 18) & 63]);
    out->push_back(kAlphabet[(group >> 12) & 63]);
    out->push_back(kAlphabet[(group >> 6) & 63]);
    out->push_back(kAlphabet[group & 63]);
  }
  if (size_t rest = bytes.size() - i; rest > 0) {
    uint32_t group = byte(i) << 16;
    if (rest == 2) group |= byte(i + 1) << 8;
    out->push_back(kAlphabet[(group >> 18) & 63]);
    out->push_back(kAlphabet[(group >> 12) & 63]);
    out->push_back(rest == 2 ? kAlphabet[(group >> 6) & 63] : '=');
    out->push_back('=');
  }
  out->push_back('"');
}

void AppendUuid(std::string_view bytes, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (int i = 0; i < kUuidBytes; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out->push_back('-');
    auto b = static_cast<uint8_t>(bytes[i]);
    out->push_back(kHex[b >> 4]);
    out->push_back(kHex[b & 15]);
  }
  out->push_back('"');
}

/// An exact decimal string of an unscaled value: "-12.50" for -1250 at scale 2.
void AppendDecimal(Int128 unscaled, int32_t scale, std::string* out) {
  bool negative = unscaled < 0;
  // Digits of the magnitude, least significant first (unsigned: -2^127 has no positive twin).
  UInt128 magnitude = negative ? -static_cast<UInt128>(unscaled) : static_cast<UInt128>(unscaled);
  std::array<char, 48> digits{};
  int count = 0;
  do {
    digits[count++] = static_cast<char>('0' + static_cast<int>(magnitude % 10));
    magnitude /= 10;
  } while (magnitude != 0);
  while (count <= scale) digits[count++] = '0';  // at least one digit before the point
  out->push_back('"');
  if (negative) out->push_back('-');
  for (int i = count - 1; i >= 0; --i) {
    out->push_back(digits[i]);
    if (i == scale && scale > 0) out->push_back('.');
  }
  out->push_back('"');
}

Int128 WideDecimal(std::string_view big_endian) {
  // Two's complement of 16 bytes: start from the sign, shift every byte in.
  Int128 value = (static_cast<uint8_t>(big_endian[0]) & 0x80) ? -1 : 0;
  for (char c : big_endian) value = (value << 8) | static_cast<uint8_t>(c);
  return value;
}

void AppendFloating(double value, std::string* out) {
  if (std::isnan(value)) {
    out->append("\"NaN\"");
  } else if (std::isinf(value)) {
    out->append(value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  } else {
    fmt::format_to(std::back_inserter(*out), "{}", value);  // shortest round-trip form
  }
}

}  // namespace

void AppendJsonString(std::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  constexpr unsigned char kFirstPrintable = 0x20;
  out->push_back('"');
  size_t run_start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= kFirstPrintable && c != '"' && c != '\\') continue;
    out->append(text.data() + run_start, i - run_start);
    run_start = i + 1;
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
    }
  }
  out->append(text.data() + run_start, text.size() - run_start);
  out->push_back('"');
}

void AppendDate(int32_t days, std::string* out) {
  const CivilDate date = CivilFromDays(days);
  AppendDigits(date.year, 4, out);
  out->push_back('-');
  AppendDigits(date.month, 2, out);
  out->push_back('-');
  AppendDigits(date.day, 2, out);
}

void AppendTimeMicros(int64_t micros, std::string* out) {
  AppendClock(micros / kMicrosPerSecond, micros % kMicrosPerSecond, 6, out);
}

void AppendTimestamp(int64_t value, bool nanos, bool utc, std::string* out) {
  const int64_t per_second = nanos ? kNanosPerSecond : kMicrosPerSecond;
  const int64_t seconds = FloorDiv(value, per_second);
  const int64_t fraction = value - seconds * per_second;
  const int64_t days = FloorDiv(seconds, kSecondsPerDay);
  AppendDate(static_cast<int32_t>(days), out);
  out->push_back('T');
  AppendClock(seconds - days * kSecondsPerDay, fraction, nanos ? 9 : 6, out);
  if (utc) out->push_back('Z');
}

RowEncoder::RowEncoder(std::vector<FieldSpec> fields) : fields_(std::move(fields)) {
  for (size_t i = 0; i < fields_.size(); ++i) {
    std::string key = i == 0 ? "{" : ",";
    AppendJsonString(fields_[i].name, &key);
    key.push_back(':');
    keys_.push_back(std::move(key));
  }
}

Result<RowEncoder> RowEncoder::Make(std::vector<FieldSpec> fields) {
  if (fields.empty()) return InvalidArgument("a JSON row encoder needs at least one field");
  for (const FieldSpec& field : fields) FLOE_RETURN_IF_ERROR(ValidateFieldSpec(field));
  return RowEncoder(std::move(fields));
}

Status RowEncoder::EncodeLines(std::span<const ColumnVector* const> columns, Selection selection,
                               std::string* out) const {
  if (columns.size() != fields_.size()) {
    return InvalidArgument("{} columns given to a JSON encoder of {} fields", columns.size(),
                           fields_.size());
  }
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (columns[i]->kind() != ColumnKindOf(fields_[i]) ||
        columns[i]->fixed_width() != FixedWidthOf(fields_[i])) {
      return InvalidArgument("field '{}': column of the wrong kind for {}", fields_[i].name,
                             ValueKindName(fields_[i].kind));
    }
  }
  for (size_t i = 0; i < selection.count; ++i) {
    EncodeRow(columns, selection.Row(i), out);
    out->push_back('\n');
  }
  return Status::Ok();
}

void RowEncoder::EncodeRow(std::span<const ColumnVector* const> columns, size_t row,
                           std::string* out) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    out->append(keys_[i]);
    const ColumnVector& column = *columns[i];
    const FieldSpec& field = fields_[i];
    if (column.IsNull(row)) {
      out->append("null");
      continue;
    }
    switch (field.kind) {
      case ValueKind::kBoolean:
        out->append(column.Value<uint8_t>(row) ? "true" : "false");
        break;
      case ValueKind::kInt32:
        AppendInteger(column.Value<int32_t>(row), out);
        break;
      case ValueKind::kInt64:
        AppendInteger(column.Value<int64_t>(row), out);
        break;
      case ValueKind::kFloat:
        AppendFloating(column.Value<float>(row), out);
        break;
      case ValueKind::kDouble:
        AppendFloating(column.Value<double>(row), out);
        break;
      case ValueKind::kString:
        AppendJsonString(column.GetBytes(row), out);
        break;
      case ValueKind::kBinary:
      case ValueKind::kFixed:
        AppendBase64(column.GetBytes(row), out);
        break;
      case ValueKind::kUuid:
        AppendUuid(column.GetBytes(row), out);
        break;
      case ValueKind::kDate:
        out->push_back('"');
        AppendDate(column.Value<int32_t>(row), out);
        out->push_back('"');
        break;
      case ValueKind::kTime:
        out->push_back('"');
        AppendTimeMicros(column.Value<int64_t>(row), out);
        out->push_back('"');
        break;
      case ValueKind::kTimestamp:
      case ValueKind::kTimestampTz:
      case ValueKind::kTimestampNs:
      case ValueKind::kTimestampTzNs: {
        const bool nanos =
            field.kind == ValueKind::kTimestampNs || field.kind == ValueKind::kTimestampTzNs;
        const bool utc =
            field.kind == ValueKind::kTimestampTz || field.kind == ValueKind::kTimestampTzNs;
        out->push_back('"');
        AppendTimestamp(column.Value<int64_t>(row), nanos, utc, out);
        out->push_back('"');
        break;
      }
      case ValueKind::kDecimal:
        if (field.precision <= kMaxInt64DecimalPrecision) {
          AppendDecimal(column.Value<int64_t>(row), field.scale, out);
        } else {
          AppendDecimal(WideDecimal(column.GetBytes(row)), field.scale, out);
        }
        break;
    }
  }
  out->push_back('}');
}

}  // namespace floe::json
