#include "format/parquet/schema.h"

#include <set>

namespace floe::parquet {

namespace {

// Largest decimal precision each physical type can hold (Parquet LogicalTypes.md).
constexpr int32_t kMaxInt32DecimalPrecision = 9;
constexpr int32_t kMaxInt64DecimalPrecision = 18;
constexpr int32_t kUuidWidthBytes = 16;

// Largest precision a FIXED_LEN_BYTE_ARRAY of `width` bytes holds: floor(log10(2^(8w-1) - 1)).
int32_t MaxFixedDecimalPrecision(int32_t width) {
  constexpr double kLog10Of2 = 0.30102999566398120;
  constexpr int kBitsPerByte = 8;
  return static_cast<int32_t>((kBitsPerByte * width - 1) * kLog10Of2);
}

Status ValidateLogical(const ColumnDescriptor& c) {
  const LogicalType& t = c.logical_type;
  using Kind = LogicalType::Kind;
  auto expect = [&](bool ok, std::string_view what) -> Status {
    if (ok) return Status::Ok();
    return InvalidArgument("column '{}': {} cannot annotate {}", c.name, what,
                           PhysicalTypeName(c.physical_type));
  };
  switch (t.kind) {
    case Kind::kNone:
      return Status::Ok();
    case Kind::kString:
      return expect(c.physical_type == PhysicalType::kByteArray, "STRING");
    case Kind::kDate:
      return expect(c.physical_type == PhysicalType::kInt32, "DATE");
    case Kind::kTime:
      return expect(
          c.physical_type == (t.unit == LogicalType::TimeUnit::kMillis ? PhysicalType::kInt32
                                                                       : PhysicalType::kInt64),
          "TIME");
    case Kind::kTimestamp:
      return expect(c.physical_type == PhysicalType::kInt64, "TIMESTAMP");
    case Kind::kUuid:
      return expect(
          c.physical_type == PhysicalType::kFixedLenByteArray && c.type_length == kUuidWidthBytes,
          "UUID");
    case Kind::kInt:
      if (t.bit_width != 8 && t.bit_width != 16 && t.bit_width != 32 && t.bit_width != 64) {
        return InvalidArgument("column '{}': INT bit width {} is not 8, 16, 32 or 64", c.name,
                               t.bit_width);
      }
      return expect(
          c.physical_type == (t.bit_width == 64 ? PhysicalType::kInt64 : PhysicalType::kInt32),
          "INT");
    case Kind::kDecimal: {
      if (t.precision <= 0 || t.scale < 0 || t.scale > t.precision) {
        return InvalidArgument("column '{}': bad decimal({}, {})", c.name, t.precision, t.scale);
      }
      int32_t max_precision = 0;
      switch (c.physical_type) {
        case PhysicalType::kInt32:
          max_precision = kMaxInt32DecimalPrecision;
          break;
        case PhysicalType::kInt64:
          max_precision = kMaxInt64DecimalPrecision;
          break;
        case PhysicalType::kFixedLenByteArray:
          max_precision = MaxFixedDecimalPrecision(c.type_length);
          break;
        case PhysicalType::kByteArray:
          max_precision = t.precision;
          break;
        default:
          return expect(false, "DECIMAL");
      }
      if (t.precision > max_precision) {
        return InvalidArgument("column '{}': decimal precision {} does not fit {} (max {})", c.name,
                               t.precision, PhysicalTypeName(c.physical_type), max_precision);
      }
      return Status::Ok();
    }
  }
  return Status::Ok();
}

}  // namespace

LogicalType LogicalType::None() { return LogicalType{}; }

LogicalType LogicalType::String() {
  LogicalType t;
  t.kind = Kind::kString;
  return t;
}

LogicalType LogicalType::Date() {
  LogicalType t;
  t.kind = Kind::kDate;
  return t;
}

LogicalType LogicalType::Time(TimeUnit unit, bool utc) {
  LogicalType t;
  t.kind = Kind::kTime;
  t.unit = unit;
  t.adjusted_to_utc = utc;
  return t;
}

LogicalType LogicalType::Timestamp(TimeUnit unit, bool utc) {
  LogicalType t;
  t.kind = Kind::kTimestamp;
  t.unit = unit;
  t.adjusted_to_utc = utc;
  return t;
}

LogicalType LogicalType::Decimal(int32_t precision, int32_t scale) {
  LogicalType t;
  t.kind = Kind::kDecimal;
  t.precision = precision;
  t.scale = scale;
  return t;
}

LogicalType LogicalType::Uuid() {
  LogicalType t;
  t.kind = Kind::kUuid;
  return t;
}

LogicalType LogicalType::Int(int8_t bit_width, bool is_signed) {
  LogicalType t;
  t.kind = Kind::kInt;
  t.bit_width = bit_width;
  t.is_signed = is_signed;
  return t;
}

std::string_view PhysicalTypeName(PhysicalType type) {
  switch (type) {
    case PhysicalType::kBoolean:
      return "BOOLEAN";
    case PhysicalType::kInt32:
      return "INT32";
    case PhysicalType::kInt64:
      return "INT64";
    case PhysicalType::kInt96:
      return "INT96";
    case PhysicalType::kFloat:
      return "FLOAT";
    case PhysicalType::kDouble:
      return "DOUBLE";
    case PhysicalType::kByteArray:
      return "BYTE_ARRAY";
    case PhysicalType::kFixedLenByteArray:
      return "FIXED_LEN_BYTE_ARRAY";
  }
  return "UNKNOWN";
}

Status ValidateSchema(const Schema& schema) {
  if (schema.root_name.empty()) return InvalidArgument("parquet schema: empty root name");
  if (schema.columns.empty()) return InvalidArgument("parquet schema: no columns");
  std::set<std::string_view> names;
  for (const ColumnDescriptor& c : schema.columns) {
    if (c.name.empty()) return InvalidArgument("parquet schema: a column has an empty name");
    if (!names.insert(c.name).second) {
      return InvalidArgument("parquet schema: column name '{}' appears twice", c.name);
    }
    if (c.repetition == Repetition::kRepeated) {
      return NotSupported("column '{}': repeated columns are not supported yet", c.name);
    }
    if (c.physical_type == PhysicalType::kInt96) {
      return NotSupported("column '{}': INT96 is not written", c.name);
    }
    if (c.physical_type == PhysicalType::kFixedLenByteArray && c.type_length <= 0) {
      return InvalidArgument(
          "column '{}': FIXED_LEN_BYTE_ARRAY needs a positive type_length, got {}", c.name,
          c.type_length);
    }
    FLOE_RETURN_IF_ERROR(ValidateLogical(c));
  }
  return Status::Ok();
}

}  // namespace floe::parquet
