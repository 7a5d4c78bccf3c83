#pragma once

// One value of an Iceberg primitive type, held as the physical representation column_kind.h
// names: partition values, literals, bounds before serialization.

#include <cstddef>
#include <cstdint>
#include <string>
#include <variant>

#include "common/column_vector.h"
#include "iceberg/type.h"

namespace floe::iceberg {

/// A typed scalar: a partition value, a literal. The Iceberg type that goes with it is known
/// from context (a partition field's result type). Representation by type:
/// boolean bool; int, date int32_t; long, time, timestamps int64_t; float; double;
/// string, binary, fixed: std::string of the bytes; uuid: 16 bytes big-endian;
/// decimal: the unscaled value as int64_t when precision <= 18, else 16 bytes two's-complement
/// big-endian in a std::string. Thread safety: a value type.
using Scalar =
    std::variant<std::monostate /* null */, bool, int32_t, int64_t, float, double, std::string>;

inline bool IsNull(const Scalar& v) { return std::holds_alternative<std::monostate>(v); }

/// True when `value` is null or held in the alternative of `type`'s column kind (ColumnKindFor).
/// A type without a column kind (nested) has no Scalar form of its own: only a string passes, so
/// that the caller's own check names the type.
bool ScalarHolds(const Type& type, const Scalar& value);

/// Reads the value of one row of a column as a Scalar of the given Iceberg type (the column's
/// physical storage, of the kind ColumnKindFor(type) names, as written by the JSON decoder and
/// read by the Parquet writer). Narrow decimals may sit in an int32 or an int64 column.
Scalar ScalarFromColumn(const Type& type, const ColumnVector& column, size_t row);

}  // namespace floe::iceberg
