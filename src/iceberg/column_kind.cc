#include "iceberg/column_kind.h"

namespace floe::iceberg {

namespace {

constexpr int32_t kMaxInt64DecimalPrecision = 18;
constexpr int32_t kWideDecimalBytes = 16;
constexpr int32_t kUuidBytes = 16;

}  // namespace

Result<ColumnKind> ColumnKindFor(const Type& type, int32_t* fixed_width) {
  *fixed_width = 0;
  switch (type.id()) {
    case TypeId::kBoolean:
      return ColumnKind::kBool;
    case TypeId::kInt:
    case TypeId::kDate:
      return ColumnKind::kInt32;
    case TypeId::kLong:
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
    case TypeId::kTimestampNs:
    case TypeId::kTimestampTzNs:
      return ColumnKind::kInt64;
    case TypeId::kFloat:
      return ColumnKind::kFloat;
    case TypeId::kDouble:
      return ColumnKind::kDouble;
    case TypeId::kDecimal:
      if (type.precision() <= kMaxInt64DecimalPrecision) return ColumnKind::kInt64;
      *fixed_width = kWideDecimalBytes;
      return ColumnKind::kFixed;
    case TypeId::kString:
    case TypeId::kBinary:
      return ColumnKind::kBytes;
    case TypeId::kUuid:
      *fixed_width = kUuidBytes;
      return ColumnKind::kFixed;
    case TypeId::kFixed:
      *fixed_width = type.length();
      return ColumnKind::kFixed;
    default:
      return NotSupported("columns of type {}", type.ToString());
  }
}

}  // namespace floe::iceberg
