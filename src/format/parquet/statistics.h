#pragma once

// Column-chunk statistics as Parquet stores them: null count and min/max as PLAIN-encoded bytes,
// ordered by the column's type-defined sort order (parquet-format LogicalTypes.md "Sort Order").

#include <cstdint>
#include <string>
#include <string_view>

#include "format/parquet/schema.h"

namespace floe::parquet {

/// How min/max values of a column compare.
enum class SortOrder : uint8_t {
  kSigned,         // INT32/INT64 (also DATE, TIME, TIMESTAMP, DECIMAL on ints), BOOLEAN
  kFloat,          // FLOAT/DOUBLE: IEEE order, NaN never a bound
  kUnsigned,       // BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY: unsigned lexicographic
  kSignedDecimal,  // DECIMAL on FIXED/BYTE_ARRAY: two's-complement big-endian
  kUnknown,        // INT96 and unsigned INT annotations floe does not order
};

SortOrder SortOrderOf(const ColumnDescriptor& column);

/// Statistics of one column chunk, or of several merged. Min/max are full (never truncated)
/// PLAIN values. A value type; thread safety: none.
struct EncodedStatistics {
  int64_t null_count = 0;
  bool has_min_max = false;
  std::string min;
  std::string max;

  /// Folds `other` (of the same column) into this one.
  void Merge(const ColumnDescriptor& column, const EncodedStatistics& other);
};

/// <0, 0 or >0 as `a` sorts before, with or after `b`, both PLAIN values of `column`.
int CompareEncodedValues(const ColumnDescriptor& column, std::string_view a, std::string_view b);

/// Two's-complement big-endian comparison of byte strings of any lengths (sign-extended).
int CompareSignedBigEndian(std::string_view a, std::string_view b);

}  // namespace floe::parquet
