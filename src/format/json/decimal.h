#pragma once

// Exact decimal text → unscaled integer, for JSON numbers and numeric strings. The text is read
// digit by digit, never through a double, so "0.1" is exactly 1 at scale 1.

#include <cstdint>
#include <string_view>

#include "common/result.h"

namespace floe::json {

// 128-bit integers are a GCC/Clang extension; __extension__ keeps -Wpedantic quiet about it.
__extension__ typedef __int128 Int128;

inline constexpr int32_t kMaxDecimalPrecision = 38;
/// Decimals up to this precision are stored as int64; wider ones as 16 bytes.
inline constexpr int32_t kMaxInt64DecimalPrecision = 18;
inline constexpr int32_t kWideDecimalBytes = 16;

/// Which texts ParseDecimal accepts.
enum class DecimalGrammar : uint8_t {
  kJsonNumber,  // RFC 8259: -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?
  kLenient,     // numeric strings: an optional '+' or '-', leading zeros, "5." and ".5" too
};

/// The unscaled value of `text` at `scale`, with at most `precision` digits (1 <= precision <=
/// 38, 0 <= scale <= precision). Digits beyond the scale are accepted only when they are zeros
/// ("1.50" at scale 1 is 15): a decimal column never rounds. An exponent moves the point
/// ("1.5e2" is 150). Errors are InvalidArgument with the bare reason: "not a number",
/// "3 fractional digits, scale is 2", "more than 5 digits (precision 5)".
Result<Int128> ParseDecimal(std::string_view text, int32_t precision, int32_t scale,
                            DecimalGrammar grammar);

/// The 16-byte big-endian two's-complement form of `value`, as Iceberg stores wide decimals.
void WriteInt128BigEndian(Int128 value, uint8_t* out);

}  // namespace floe::json
