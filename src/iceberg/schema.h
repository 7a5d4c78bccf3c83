#pragma once

// A table schema: a numbered struct of fields, with its schema id and identifier fields.

#include <cstdint>
#include <string_view>
#include <vector>

#include "iceberg/type.h"

namespace floe::iceberg {

/// Thread safety: a value type; const methods may be called from any thread.
class Schema {
 public:
  Schema() = default;
  Schema(int32_t schema_id, std::vector<NestedField> fields,
         std::vector<int32_t> identifier_field_ids = {})
      : schema_id_(schema_id),
        fields_(std::move(fields)),
        identifier_field_ids_(std::move(identifier_field_ids)) {}

  int32_t schema_id() const { return schema_id_; }
  void set_schema_id(int32_t id) { schema_id_ = id; }
  const std::vector<NestedField>& fields() const { return fields_; }
  const std::vector<int32_t>& identifier_field_ids() const { return identifier_field_ids_; }

  /// Top-level and nested fields by id; nullptr if absent.
  const NestedField* FindFieldById(int32_t id) const;
  /// Top-level fields by exact name; nullptr if absent.
  const NestedField* FindFieldByName(std::string_view name) const;
  /// Position of a top-level field, or -1.
  int FieldIndexById(int32_t id) const;
  /// The largest field id anywhere in the schema (0 when empty).
  int32_t HighestFieldId() const;

  /// Checks what the spec requires: unique ids, non-empty unique names per struct, identifier
  /// fields that exist, are required, primitive and not float/double.
  Status Validate() const;

  bool operator==(const Schema& other) const;

 private:
  int32_t schema_id_ = 0;
  std::vector<NestedField> fields_;
  std::vector<int32_t> identifier_field_ids_;
};

}  // namespace floe::iceberg
