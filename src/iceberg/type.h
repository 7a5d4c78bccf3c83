#pragma once

// Iceberg's data types (spec "Schemas and Data Types"): primitives with their parameters, and the
// nested struct/list/map. Types are immutable and shared by pointer.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace floe::iceberg {

enum class TypeId : uint8_t {
  kBoolean,
  kInt,
  kLong,
  kFloat,
  kDouble,
  kDecimal,        // precision(), scale()
  kDate,           // days since 1970-01-01
  kTime,           // microseconds since midnight
  kTimestamp,      // microseconds since the epoch, no zone
  kTimestampTz,    // microseconds since the epoch, UTC
  kTimestampNs,    // v3: nanoseconds, no zone
  kTimestampTzNs,  // v3: nanoseconds, UTC
  kString,
  kUuid,
  kFixed,  // length()
  kBinary,
  kStruct,
  kList,
  kMap,
};

class Type;
using TypePtr = std::shared_ptr<const Type>;

/// A named, numbered member of a struct (or the element / key / value of a list or map).
struct NestedField {
  int32_t id = 0;
  std::string name;
  bool required = false;
  TypePtr type;
  std::string doc;
  /// Column defaults (format v3): the value of rows written before the column existed, and the
  /// value writers use when they have none. Kept as their JSON single-value text (spec Appendix
  /// D), as read, so that a catalog hands them back unchanged; floe's own writers and readers
  /// do not apply them (its jobs never leave a column unset nor read tables that have them).
  std::optional<std::string> initial_default;
  std::optional<std::string> write_default;

  bool operator==(const NestedField& other) const;
};

/// Thread safety: immutable after construction; share freely.
/// The factories take their parameters on trust (asserted in debug builds): callers that hold
/// untrusted input go through FromPrimitiveName or the JSON parsers, which check it.
class Type {
  /// Lets std::make_shared reach the constructor while only Type's factories can name it.
  struct ConstructorKey {
    explicit ConstructorKey() = default;
  };

 public:
  /// Precondition: `id` is a primitive other than kDecimal and kFixed. Violations assert in
  /// debug builds and return nullptr in release builds.
  static TypePtr Primitive(TypeId id);
  /// Precondition: 1 <= precision <= 38 and 0 <= scale <= precision.
  static TypePtr Decimal(int32_t precision, int32_t scale);
  /// Precondition: length > 0.
  static TypePtr Fixed(int32_t length);
  static TypePtr Struct(std::vector<NestedField> fields);
  static TypePtr List(NestedField element);
  static TypePtr Map(NestedField key, NestedField value);

  /// Parses a primitive type name as it appears in schema JSON: "long", "decimal(9, 2)",
  /// "fixed[16]", "timestamptz", "timestamp_ns", ...
  static Result<TypePtr> FromPrimitiveName(std::string_view name);

  TypeId id() const { return id_; }
  bool is_primitive() const { return id_ < TypeId::kStruct; }
  bool is_nested() const { return !is_primitive(); }
  int32_t precision() const { return precision_; }
  int32_t scale() const { return scale_; }
  int32_t length() const { return length_; }
  /// Struct members; for a list, one element; for a map, key then value.
  const std::vector<NestedField>& fields() const { return fields_; }

  /// The name used in schema JSON for primitives ("decimal(9, 2)" as Java writes it,
  /// "fixed[16]"); "struct", "list", "map" for nested types.
  std::string ToString() const;
  bool operator==(const Type& other) const;

  /// For std::make_shared only: ConstructorKey is private, so use the factories.
  Type(ConstructorKey /*key*/, TypeId id, int32_t precision, int32_t scale, int32_t length,
       std::vector<NestedField> fields)
      : Type(id, precision, scale, length, std::move(fields)) {}

 private:
  Type(TypeId id, int32_t precision, int32_t scale, int32_t length, std::vector<NestedField> fields)
      : id_(id),
        precision_(precision),
        scale_(scale),
        length_(length),
        fields_(std::move(fields)) {}

  TypeId id_;
  int32_t precision_ = 0;
  int32_t scale_ = 0;
  int32_t length_ = 0;
  std::vector<NestedField> fields_;
};

}  // namespace floe::iceberg
