#include "format/json/field_spec.h"

#include "format/json/decimal.h"
#include "format/json/uuid_text.h"

namespace floe::json {

std::string_view ValueKindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kBoolean:
      return "boolean";
    case ValueKind::kInt32:
      return "int32";
    case ValueKind::kInt64:
      return "int64";
    case ValueKind::kFloat:
      return "float";
    case ValueKind::kDouble:
      return "double";
    case ValueKind::kString:
      return "string";
    case ValueKind::kBinary:
      return "binary";
    case ValueKind::kFixed:
      return "fixed";
    case ValueKind::kUuid:
      return "uuid";
    case ValueKind::kDate:
      return "date";
    case ValueKind::kTime:
      return "time";
    case ValueKind::kTimestamp:
      return "timestamp";
    case ValueKind::kTimestampTz:
      return "timestamptz";
    case ValueKind::kTimestampNs:
      return "timestamp_ns";
    case ValueKind::kTimestampTzNs:
      return "timestamptz_ns";
    case ValueKind::kDecimal:
      return "decimal";
  }
  return "unknown";
}

Status ValidateFieldSpec(const FieldSpec& spec) {
  if (spec.name.empty()) return InvalidArgument("a json field spec needs a name");
  if (ValueKindName(spec.kind) == "unknown") {
    return InvalidArgument("field '{}': unknown value kind {}", spec.name,
                           static_cast<int>(spec.kind));
  }
  if (spec.kind == ValueKind::kDecimal) {
    if (spec.precision < 1 || spec.precision > kMaxDecimalPrecision) {
      return InvalidArgument("field '{}': decimal precision {} is not in [1, {}]", spec.name,
                             spec.precision, kMaxDecimalPrecision);
    }
    if (spec.scale < 0 || spec.scale > spec.precision) {
      return InvalidArgument("field '{}': decimal scale {} is not in [0, precision {}]", spec.name,
                             spec.scale, spec.precision);
    }
  }
  if (spec.kind == ValueKind::kFixed && spec.fixed_length <= 0) {
    return InvalidArgument("field '{}': fixed length {} must be positive", spec.name,
                           spec.fixed_length);
  }
  return Status::Ok();
}

ColumnKind ColumnKindOf(const FieldSpec& spec) {
  switch (spec.kind) {
    case ValueKind::kBoolean:
      return ColumnKind::kBool;
    case ValueKind::kInt32:
    case ValueKind::kDate:
      return ColumnKind::kInt32;
    case ValueKind::kInt64:
    case ValueKind::kTime:
    case ValueKind::kTimestamp:
    case ValueKind::kTimestampTz:
    case ValueKind::kTimestampNs:
    case ValueKind::kTimestampTzNs:
      return ColumnKind::kInt64;
    case ValueKind::kFloat:
      return ColumnKind::kFloat;
    case ValueKind::kDouble:
      return ColumnKind::kDouble;
    case ValueKind::kString:
    case ValueKind::kBinary:
      return ColumnKind::kBytes;
    case ValueKind::kFixed:
    case ValueKind::kUuid:
      return ColumnKind::kFixed;
    case ValueKind::kDecimal:
      return spec.precision <= kMaxInt64DecimalPrecision ? ColumnKind::kInt64 : ColumnKind::kFixed;
  }
  return ColumnKind::kBytes;
}

int32_t FixedWidthOf(const FieldSpec& spec) {
  if (ColumnKindOf(spec) != ColumnKind::kFixed) return 0;
  switch (spec.kind) {
    case ValueKind::kFixed:
      return spec.fixed_length;
    case ValueKind::kUuid:
      return static_cast<int32_t>(kUuidBytes);
    default:
      return kWideDecimalBytes;
  }
}

ColumnVector MakeColumn(const FieldSpec& spec) {
  return ColumnVector(ColumnKindOf(spec), FixedWidthOf(spec));
}

}  // namespace floe::json
