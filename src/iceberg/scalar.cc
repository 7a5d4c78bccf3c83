#include "iceberg/scalar.h"

#include "iceberg/column_kind.h"
#include "iceberg/conversions.h"

namespace floe::iceberg {

bool ScalarHolds(const Type& type, const Scalar& value) {
  if (IsNull(value)) return true;
  int32_t fixed_width = 0;
  const Result<ColumnKind> kind = ColumnKindFor(type, &fixed_width);
  if (!kind.ok()) return std::holds_alternative<std::string>(value);
  switch (*kind) {
    case ColumnKind::kBool:
      return std::holds_alternative<bool>(value);
    case ColumnKind::kInt32:
      return std::holds_alternative<int32_t>(value);
    case ColumnKind::kInt64:
      return std::holds_alternative<int64_t>(value);
    case ColumnKind::kFloat:
      return std::holds_alternative<float>(value);
    case ColumnKind::kDouble:
      return std::holds_alternative<double>(value);
    case ColumnKind::kBytes:
    case ColumnKind::kFixed:
      return std::holds_alternative<std::string>(value);
  }
  return false;
}

Scalar ScalarFromColumn(const Type& type, const ColumnVector& column, size_t row) {
  if (column.IsNull(row)) return Scalar();
  // The column holds the kind ColumnKindFor(type) named when it was built; only decimals have a
  // Scalar form apart from their column's: narrow ones may sit in an int32 or int64 column, wide
  // ones in big-endian bytes of the column's width, widened here to the 16 bytes of the Scalar.
  const bool decimal = type.id() == TypeId::kDecimal;
  switch (column.kind()) {
    case ColumnKind::kBool:
      return Scalar(column.Value<uint8_t>(row) != 0);
    case ColumnKind::kInt32:
      if (decimal) return Scalar(static_cast<int64_t>(column.Value<int32_t>(row)));
      return Scalar(column.Value<int32_t>(row));
    case ColumnKind::kInt64:
      return Scalar(column.Value<int64_t>(row));
    case ColumnKind::kFloat:
      return Scalar(column.Value<float>(row));
    case ColumnKind::kDouble:
      return Scalar(column.Value<double>(row));
    case ColumnKind::kBytes:
    case ColumnKind::kFixed:
      if (decimal) {
        Result<Scalar> wide = DecimalFromBytes(type, column.GetBytes(row));
        return wide.ok() ? std::move(wide).value() : Scalar();
      }
      return Scalar(std::string(column.GetBytes(row)));
  }
  return Scalar();
}

}  // namespace floe::iceberg
