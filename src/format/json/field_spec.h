#pragma once

// The format-level description of one target column: which top-level JSON key feeds it and what
// its values must be. The caller (the Iceberg side, a pipeline) maps its own schema onto these;
// this module knows nothing of Iceberg.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/column_vector.h"
#include "common/result.h"

namespace floe::json {

/// What a field's JSON values mean, and so which column they fill (see ColumnKindOf).
enum class ValueKind : uint8_t {
  kBoolean,        // true/false → kBool (uint8_t 0/1)
  kInt32,          // integer → kInt32; out of range is an error
  kInt64,          // integer → kInt64
  kFloat,          // any number → kFloat
  kDouble,         // any number → kDouble
  kString,         // string → kBytes (UTF-8)
  kBinary,         // base64 string → kBytes
  kFixed,          // base64 string of exactly fixed_length bytes → kFixed(fixed_length)
  kUuid,           // "8-4-4-4-12" → kFixed(16), big-endian
  kDate,           // "YYYY-MM-DD" → kInt32 days since 1970-01-01
  kTime,           // "HH:MM:SS[.f]" → kInt64 micros since midnight
  kTimestamp,      // local date-time, no zone allowed → kInt64 micros
  kTimestampTz,    // date-time, zone optional (absent = UTC) → kInt64 UTC micros
  kTimestampNs,    // as kTimestamp, nanos
  kTimestampTzNs,  // as kTimestampTz, nanos
  kDecimal,        // number or numeric string, exact → kInt64 unscaled (precision <= 18)
                   // or kFixed(16) big-endian two's complement (precision > 18)
};

std::string_view ValueKindName(ValueKind kind);

struct FieldSpec {
  std::string name;  // the top-level JSON key, matched byte for byte after unescaping
  ValueKind kind = ValueKind::kString;
  bool required = false;     // a missing key or a null is then a validation error
  int32_t precision = 0;     // kDecimal: 1-38
  int32_t scale = 0;         // kDecimal: 0-precision
  int32_t fixed_length = 0;  // kFixed: bytes per value, > 0
};

/// InvalidArgument naming the field when `spec` cannot be decoded into (bad precision, scale or
/// fixed length).
Status ValidateFieldSpec(const FieldSpec& spec);

/// The physical column a (valid) spec fills, and its width for kFixed (0 otherwise).
ColumnKind ColumnKindOf(const FieldSpec& spec);
int32_t FixedWidthOf(const FieldSpec& spec);
/// An empty column of the right kind for a (valid) spec.
ColumnVector MakeColumn(const FieldSpec& spec);

}  // namespace floe::json
