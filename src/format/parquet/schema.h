#pragma once

// The Parquet schema of a file as floe writes it: a flat list of leaf columns under one root
// group. Nested types (struct/list/map) will come as a node tree next to `columns`; nothing here
// assumes a column's path has one element except the writer, which checks it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace floe::parquet {

/// Physical storage types; the values are the Thrift `Type` values.
enum class PhysicalType : uint8_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

/// Values are the Thrift `FieldRepetitionType` values.
enum class Repetition : uint8_t { kRequired = 0, kOptional = 1, kRepeated = 2 };

/// The logical annotation of a column (Thrift `LogicalType` union), reduced to the kinds floe
/// writes. The writer derives the legacy ConvertedType from it.
struct LogicalType {
  enum class Kind : uint8_t { kNone, kString, kDate, kTime, kTimestamp, kDecimal, kUuid, kInt };
  enum class TimeUnit : uint8_t { kMillis, kMicros, kNanos };

  Kind kind = Kind::kNone;
  TimeUnit unit = TimeUnit::kMicros;  // kTime, kTimestamp
  bool adjusted_to_utc = false;       // kTime, kTimestamp
  int32_t precision = 0;              // kDecimal
  int32_t scale = 0;                  // kDecimal
  int8_t bit_width = 0;               // kInt: 8, 16, 32 or 64
  bool is_signed = true;              // kInt

  static LogicalType None();
  static LogicalType String();
  static LogicalType Date();
  static LogicalType Time(TimeUnit unit, bool utc);
  static LogicalType Timestamp(TimeUnit unit, bool utc);
  static LogicalType Decimal(int32_t precision, int32_t scale);
  static LogicalType Uuid();
  static LogicalType Int(int8_t bit_width, bool is_signed);

  bool operator==(const LogicalType&) const = default;
};

/// One leaf column: name, storage and annotation. `type_length` is the width of a
/// FIXED_LEN_BYTE_ARRAY and ignored otherwise.
struct ColumnDescriptor {
  std::string name;
  PhysicalType physical_type = PhysicalType::kByteArray;
  Repetition repetition = Repetition::kOptional;
  int32_t type_length = 0;
  LogicalType logical_type;
  std::optional<int32_t> field_id;
};

/// A flat schema: leaf columns in file order under a root group named `root_name`.
struct Schema {
  std::vector<ColumnDescriptor> columns;
  std::string root_name = "schema";
};

/// Checks that a schema can be written: names present, FIXED widths positive, logical types on
/// physical types that can carry them. Errors name the column.
Status ValidateSchema(const Schema& schema);

std::string_view PhysicalTypeName(PhysicalType type);

}  // namespace floe::parquet
