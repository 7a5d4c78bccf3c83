#include "format/json/decimal.h"

#include <algorithm>

namespace floe::json {
namespace {

__extension__ typedef unsigned __int128 UInt128;

// Exponents beyond this cannot matter (no text is that long) but must not overflow the
// position arithmetic below.
constexpr int64_t kExponentClamp = int64_t{1} << 40;
constexpr int kBitsPerByte = 8;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Result<Int128> ParseDecimal(std::string_view text, int32_t precision, int32_t scale,
                            DecimalGrammar grammar) {
  const bool lenient = grammar == DecimalGrammar::kLenient;
  size_t at = 0;
  bool negative = false;
  if (at < text.size() && (text[at] == '-' || (lenient && text[at] == '+'))) {
    negative = text[at] == '-';
    ++at;
  }
  const size_t int_start = at;
  while (at < text.size() && IsDigit(text[at])) ++at;
  const size_t int_digits = at - int_start;
  size_t frac_start = at;
  size_t frac_digits = 0;
  bool has_point = false;
  if (at < text.size() && text[at] == '.') {
    has_point = true;
    frac_start = ++at;
    while (at < text.size() && IsDigit(text[at])) ++at;
    frac_digits = at - frac_start;
  }
  int64_t exponent = 0;
  bool exponent_ok = true;
  if (at < text.size() && (text[at] == 'e' || text[at] == 'E')) {
    ++at;
    bool exponent_negative = false;
    if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
      exponent_negative = text[at] == '-';
      ++at;
    }
    const size_t exponent_start = at;
    while (at < text.size() && IsDigit(text[at])) {
      exponent = std::min(exponent * 10 + (text[at] - '0'), kExponentClamp);
      ++at;
    }
    exponent_ok = at > exponent_start;
    if (exponent_negative) exponent = -exponent;
  }
  bool well_formed = at == text.size() && exponent_ok && int_digits + frac_digits > 0;
  if (!lenient) {
    // JSON: an integer part without leading zeros, and digits on both sides of a point.
    well_formed = well_formed && int_digits > 0 && (!has_point || frac_digits > 0) &&
                  !(int_digits > 1 && text[int_start] == '0');
  }
  if (!well_formed) return InvalidArgument("not a number");

  // Digit t of the concatenated integer and fraction digits stands for 10^(int_digits-1-t+exp).
  const size_t total_digits = int_digits + frac_digits;
  auto digit_at = [&](size_t t) {
    return t < int_digits ? text[int_start + t] - '0' : text[frac_start + t - int_digits] - '0';
  };
  size_t first_nonzero = total_digits;
  size_t last_nonzero = 0;
  for (size_t t = 0; t < total_digits; ++t) {
    if (digit_at(t) != 0) {
      if (first_nonzero == total_digits) first_nonzero = t;
      last_nonzero = t;
    }
  }
  if (first_nonzero == total_digits) return Int128{0};
  auto power_of = [&](size_t t) {
    return static_cast<int64_t>(int_digits) - 1 - static_cast<int64_t>(t) + exponent;
  };
  const int64_t lowest_power = power_of(last_nonzero);
  if (lowest_power < -static_cast<int64_t>(scale)) {
    return InvalidArgument("{} fractional digits, scale is {}", -lowest_power, scale);
  }
  const int64_t unscaled_digits = power_of(first_nonzero) + scale + 1;
  if (unscaled_digits > precision) {
    return InvalidArgument("{} digits, precision is {}", unscaled_digits, precision);
  }
  // At most `precision` <= 38 digits from here on, so the value fits in 127 bits.
  Int128 value = 0;
  for (size_t t = first_nonzero; t <= last_nonzero; ++t) value = value * 10 + digit_at(t);
  for (int64_t i = 0; i < lowest_power + scale; ++i) value *= 10;
  return negative ? -value : value;
}

void WriteInt128BigEndian(Int128 value, uint8_t* out) {
  UInt128 bits = static_cast<UInt128>(value);
  for (int i = kWideDecimalBytes - 1; i >= 0; --i) {
    out[i] = static_cast<uint8_t>(bits);
    bits >>= kBitsPerByte;
  }
}

}  // namespace floe::json
