#include "stream/json_fields.h"

namespace floe::stream {

Result<json::FieldSpec> JsonFieldFor(const iceberg::NestedField& field) {
  using iceberg::TypeId;
  json::FieldSpec spec;
  spec.name = field.name;
  spec.required = field.required;
  const iceberg::Type& type = *field.type;
  switch (type.id()) {
    case TypeId::kBoolean:
      spec.kind = json::ValueKind::kBoolean;
      break;
    case TypeId::kInt:
      spec.kind = json::ValueKind::kInt32;
      break;
    case TypeId::kLong:
      spec.kind = json::ValueKind::kInt64;
      break;
    case TypeId::kFloat:
      spec.kind = json::ValueKind::kFloat;
      break;
    case TypeId::kDouble:
      spec.kind = json::ValueKind::kDouble;
      break;
    case TypeId::kDecimal:
      spec.kind = json::ValueKind::kDecimal;
      spec.precision = type.precision();
      spec.scale = type.scale();
      break;
    case TypeId::kDate:
      spec.kind = json::ValueKind::kDate;
      break;
    case TypeId::kTime:
      spec.kind = json::ValueKind::kTime;
      break;
    case TypeId::kTimestamp:
      spec.kind = json::ValueKind::kTimestamp;
      break;
    case TypeId::kTimestampTz:
      spec.kind = json::ValueKind::kTimestampTz;
      break;
    case TypeId::kTimestampNs:
      spec.kind = json::ValueKind::kTimestampNs;
      break;
    case TypeId::kTimestampTzNs:
      spec.kind = json::ValueKind::kTimestampTzNs;
      break;
    case TypeId::kString:
      spec.kind = json::ValueKind::kString;
      break;
    case TypeId::kUuid:
      spec.kind = json::ValueKind::kUuid;
      break;
    case TypeId::kFixed:
      spec.kind = json::ValueKind::kFixed;
      spec.fixed_length = type.length();
      break;
    case TypeId::kBinary:
      spec.kind = json::ValueKind::kBinary;
      break;
    default:
      return NotSupported("field '{}': reading {} values from JSON is not supported yet",
                          field.name, type.ToString());
  }
  return spec;
}

Result<std::vector<json::FieldSpec>> JsonFieldsFor(const iceberg::Schema& schema) {
  std::vector<json::FieldSpec> fields;
  fields.reserve(schema.fields().size());
  for (const iceberg::NestedField& field : schema.fields()) {
    FLOE_ASSIGN_OR_RAISE(json::FieldSpec spec, JsonFieldFor(field));
    fields.push_back(std::move(spec));
  }
  return fields;
}

}  // namespace floe::stream
