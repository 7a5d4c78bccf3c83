#pragma once

// Partition transforms (spec "Partition Transforms" and Appendix B): identity, bucket[N],
// truncate[W], year, month, day, hour, void. Applied value by value or over a whole column.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "iceberg/scalar.h"
#include "iceberg/type.h"

namespace floe::iceberg {

enum class TransformKind : uint8_t {
  kIdentity,
  kBucket,    // param = N
  kTruncate,  // param = W
  kYear,
  kMonth,
  kDay,
  kHour,
  kVoid,
};

/// Thread safety: a value type.
struct Transform {
  TransformKind kind = TransformKind::kIdentity;
  int32_t param = 0;

  static Transform Identity() { return {TransformKind::kIdentity, 0}; }
  static Transform Bucket(int32_t n) { return {TransformKind::kBucket, n}; }
  static Transform Truncate(int32_t w) { return {TransformKind::kTruncate, w}; }

  /// "identity", "bucket[16]", "truncate[4]", "year", "month", "day", "hour", "void".
  static Result<Transform> FromString(std::string_view text);
  std::string ToString() const;

  /// The type of the transform's result for a source type; an error when the transform does
  /// not apply to it (e.g. day on a string).
  Result<TypePtr> ResultType(const Type& source) const;

  /// Applies the transform to one value of `source` type (null in, null out; void always null).
  Result<Scalar> Apply(const Type& source, const Scalar& value) const;

  /// The value's human form in partition paths: "2025-09-11" for day, "2025-09" for month,
  /// "2025" for year, "2025-09-11-13" for hour, decimal numbers for ints, the string itself,
  /// "null" for null (before URL escaping).
  std::string ToHumanString(const Type& result_type, const Scalar& value) const;

  /// Default partition field name for a source column: "<col>" for identity, "<col>_bucket",
  /// "<col>_trunc", "<col>_year", "<col>_month", "<col>_day", "<col>_hour", "<col>_null".
  std::string DefaultName(std::string_view source_name) const;

  bool operator==(const Transform&) const = default;
};

/// Murmur3 x86 32-bit hash with seed 0 (Appendix B), as a signed int like Java's.
int32_t Murmur3Hash32(std::string_view bytes);
/// Iceberg's bucket hash of a value of the given type (ints and longs hash as 8-byte longs).
Result<int32_t> BucketHash(const Type& type, const Scalar& value);

}  // namespace floe::iceberg
