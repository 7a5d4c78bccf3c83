#pragma once

// A generic Avro datum, interpreted through a schema Node. Records hold their fields by schema
// position; enums hold the symbol index; bytes, strings and fixed hold their bytes in a
// std::string. A union's value is the chosen branch's value itself.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "format/avro/schema.h"

namespace floe::avro {

/// One Avro value of any type. Thread safety: a Value is a plain value; copies are independent.
/// Accessors require the matching kind (check with is_*() or kind()); a mismatch is a bug in the
/// caller and std::get reports it by throwing std::bad_variant_access.
class Value {
 public:
  enum class Kind : uint8_t {
    kNull,
    kBoolean,
    kInt,  // int and enum index
    kLong,
    kFloat,
    kDouble,
    kString,
    kBytes,  // bytes and fixed
    kRecord,
    kArray,
    kMap,
  };
  using MapEntries = std::vector<std::pair<std::string, Value>>;

  Value() = default;  // null

  static Value Null() { return Value(); }
  static Value Boolean(bool v) {
    return Value(Kind::kBoolean, Storage(std::in_place_index<kBoolIndex>, v));
  }
  static Value Int(int32_t v) {
    return Value(Kind::kInt, Storage(std::in_place_index<kIntIndex>, v));
  }
  static Value Long(int64_t v) {
    return Value(Kind::kLong, Storage(std::in_place_index<kLongIndex>, v));
  }
  static Value Float(float v) {
    return Value(Kind::kFloat, Storage(std::in_place_index<kFloatIndex>, v));
  }
  static Value Double(double v) {
    return Value(Kind::kDouble, Storage(std::in_place_index<kDoubleIndex>, v));
  }
  static Value String(std::string v) {
    return Value(Kind::kString, Storage(std::in_place_index<kStringIndex>, std::move(v)));
  }
  static Value Bytes(std::string v) {
    return Value(Kind::kBytes, Storage(std::in_place_index<kStringIndex>, std::move(v)));
  }
  /// A record's fields, in the order of the schema's fields.
  static Value Record(std::vector<Value> fields) {
    return Value(Kind::kRecord, Storage(std::in_place_index<kListIndex>, std::move(fields)));
  }
  static Value Array(std::vector<Value> items) {
    return Value(Kind::kArray, Storage(std::in_place_index<kListIndex>, std::move(items)));
  }
  /// Map entries in the order they are written; keys are expected to be distinct.
  static Value Map(MapEntries entries) {
    return Value(Kind::kMap, Storage(std::in_place_index<kMapIndex>, std::move(entries)));
  }

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_boolean() const { return kind_ == Kind::kBoolean; }
  bool is_int() const { return kind_ == Kind::kInt; }
  bool is_long() const { return kind_ == Kind::kLong; }
  bool is_float() const { return kind_ == Kind::kFloat; }
  bool is_double() const { return kind_ == Kind::kDouble; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_bytes() const { return kind_ == Kind::kBytes; }
  bool is_record() const { return kind_ == Kind::kRecord; }
  bool is_array() const { return kind_ == Kind::kArray; }
  bool is_map() const { return kind_ == Kind::kMap; }

  bool as_boolean() const { return std::get<kBoolIndex>(data_); }
  int32_t as_int() const { return std::get<kIntIndex>(data_); }
  int64_t as_long() const { return std::get<kLongIndex>(data_); }
  float as_float() const { return std::get<kFloatIndex>(data_); }
  double as_double() const { return std::get<kDoubleIndex>(data_); }
  /// The bytes of a string, bytes or fixed value.
  const std::string& as_string() const { return std::get<kStringIndex>(data_); }
  const std::string& as_bytes() const { return std::get<kStringIndex>(data_); }
  const std::vector<Value>& as_record() const { return std::get<kListIndex>(data_); }
  const std::vector<Value>& as_array() const { return std::get<kListIndex>(data_); }
  const MapEntries& as_map() const { return std::get<kMapIndex>(data_); }
  std::vector<Value>& mutable_record() { return std::get<kListIndex>(data_); }
  std::vector<Value>& mutable_array() { return std::get<kListIndex>(data_); }
  MapEntries& mutable_map() { return std::get<kMapIndex>(data_); }

  /// The name of the kind ("long", "record", ...), for error messages.
  std::string_view kind_name() const;
  /// A JSON-like rendering for test failures and logs; bytes are shown in hex.
  std::string DebugString() const;

  friend bool operator==(const Value& a, const Value& b);

 private:
  static constexpr size_t kBoolIndex = 1;
  static constexpr size_t kIntIndex = 2;
  static constexpr size_t kLongIndex = 3;
  static constexpr size_t kFloatIndex = 4;
  static constexpr size_t kDoubleIndex = 5;
  static constexpr size_t kStringIndex = 6;
  static constexpr size_t kListIndex = 7;
  static constexpr size_t kMapIndex = 8;
  using Storage = std::variant<std::monostate, bool, int32_t, int64_t, float, double, std::string,
                               std::vector<Value>, MapEntries>;

  Value(Kind kind, Storage data) : kind_(kind), data_(std::move(data)) {}

  Kind kind_ = Kind::kNull;
  Storage data_;
};

/// The field called `name` of `record`, read through `record_schema`; nullptr if the schema has
/// no such field or `record` is not a record with as many fields as the schema.
const Value* FindField(const Node& record_schema, const Value& record, std::string_view name);

}  // namespace floe::avro
