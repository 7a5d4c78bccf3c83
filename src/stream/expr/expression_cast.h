#pragma once

// Conversions between the types of the expression language, one value at a time: what CAST
// does per row, and what binding does to literals ('2025-09-11' compared with a date column).

#include <cstdint>
#include <string>
#include <string_view>

#include "common/numeric.h"
#include "iceberg/type.h"

namespace floe::stream::internal {

/// One non-null value in evaluation form (see Phys): `s` for bytes, `i` for integer-like types
/// (decimal unscaled), `d` for float/double, `b` for boolean.
struct Datum {
  bool b = false;
  int64_t i = 0;
  double d = 0;
  std::string_view s;
};

/// Whether CAST(from AS to) is defined (it may still fail for some values).
bool CastSupported(const iceberg::Type& from, const iceberg::Type& to);

/// Converts `in` of type `from` to `to`. A string result is written to `*text` and `out->s`
/// points at it. On a value that cannot convert ('abc' to long, overflow) returns false with the
/// reason in `*error`.
bool CastDatum(const iceberg::Type& from, const iceberg::Type& to, const Datum& in, Datum* out,
               std::string* text, std::string* error);

using ::floe::PowerOfTen;

}  // namespace floe::stream::internal
