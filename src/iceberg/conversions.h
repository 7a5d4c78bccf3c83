#pragma once

// Single-value serialization (spec Appendix D): how bounds and partition summaries store one
// value as bytes. Also the bound rules the spec allows: truncated string bounds, with the upper
// bound incremented so that pruning never drops rows.

#include <optional>
#include <string>
#include <string_view>

#include "iceberg/scalar.h"
#include "iceberg/type.h"

namespace floe::iceberg {

/// Bytes of a non-null scalar of `type`: int/date 4-byte LE, long/time/timestamps 8-byte LE,
/// float/double LE IEEE, boolean one byte, string UTF-8, uuid 16 bytes, fixed/binary raw,
/// decimal minimal two's-complement big-endian unscaled.
Result<std::string> ToSingleValue(const Type& type, const Scalar& value);
Result<Scalar> FromSingleValue(const Type& type, std::string_view bytes);

/// The default metrics mode truncate(16): a string lower bound cut to 16 code points.
inline constexpr int kDefaultTruncateLength = 16;
/// The first `length` code points of a UTF-8 string.
std::string TruncateLowerBound(std::string_view utf8, int length);
/// A string upper bound of at most `length` code points that is >= every string with the prefix:
/// the truncated prefix with its last code point incremented (carrying leftward); nullopt when
/// none exists (every kept code point is the maximum) — then no upper bound is written.
std::optional<std::string> TruncateUpperBound(std::string_view utf8, int length);
/// The same for binary: bytes instead of code points.
std::string TruncateBinaryLowerBound(std::string_view bytes, int length);
std::optional<std::string> TruncateBinaryUpperBound(std::string_view bytes, int length);

/// The minimal two's-complement big-endian bytes of a decimal's unscaled value (what Java's
/// BigInteger.toByteArray gives): the form of decimal bounds and of the bucket hash's input.
/// `value` is a decimal Scalar of `type` (see scalar.h).
Result<std::string> DecimalToMinimalBytes(const Type& type, const Scalar& value);
/// The decimal Scalar of `type` from big-endian two's-complement bytes (1 to 16 of them); an
/// error when the value does not fit the type's representation.
Result<Scalar> DecimalFromBytes(const Type& type, std::string_view bytes);

}  // namespace floe::iceberg
