#include "iceberg/schema_json.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace floe::iceberg {

using json_util::ExpectArray;
using json_util::ExpectObject;
using json_util::JsonBool;
using json_util::JsonInt32;
using json_util::JsonInt64;
using json_util::JsonKindName;
using json_util::JsonOptional;
using json_util::JsonRequired;
using json_util::JsonString;
using json_util::ParseJsonText;
using json_util::RequiredBool;
using json_util::RequiredInt32;
using json_util::RequiredString;
using nlohmann::json;

namespace {

// JSON member names (spec Appendix C).
constexpr const char* kType = "type";
constexpr const char* kStruct = "struct";
constexpr const char* kList = "list";
constexpr const char* kMap = "map";
constexpr const char* kFields = "fields";
constexpr const char* kId = "id";
constexpr const char* kName = "name";
constexpr const char* kRequired = "required";
constexpr const char* kDoc = "doc";
constexpr const char* kInitialDefault = "initial-default";
constexpr const char* kWriteDefault = "write-default";
constexpr const char* kElementId = "element-id";
constexpr const char* kElement = "element";
constexpr const char* kElementRequired = "element-required";
constexpr const char* kKeyId = "key-id";
constexpr const char* kKey = "key";
constexpr const char* kValueId = "value-id";
constexpr const char* kValue = "value";
constexpr const char* kValueRequired = "value-required";
constexpr const char* kSchemaId = "schema-id";
constexpr const char* kIdentifierFieldIds = "identifier-field-ids";
constexpr const char* kSpecId = "spec-id";
constexpr const char* kTransform = "transform";
constexpr const char* kSourceId = "source-id";
constexpr const char* kSourceIds = "source-ids";
constexpr const char* kFieldId = "field-id";
constexpr const char* kOrderId = "order-id";
constexpr const char* kDirection = "direction";
constexpr const char* kNullOrder = "null-order";
constexpr const char* kAsc = "asc";
constexpr const char* kDesc = "desc";
constexpr const char* kNullsFirst = "nulls-first";
constexpr const char* kNullsLast = "nulls-last";

// Reads an optional int32 member, or `fallback` when absent or null.
Result<int32_t> OptionalInt32(const json& object, std::string_view key, int32_t fallback,
                              const JsonLocation& at) {
  const json* member = JsonOptional(object, key);
  if (member == nullptr) return fallback;
  return JsonInt32(*member, at.Key(key));
}

json NestedFieldToJson(const NestedField& field) {
  json out = json::object();
  out[kId] = field.id;
  out[kName] = field.name;
  out[kRequired] = field.required;
  out[kType] = field.type != nullptr ? TypeToJson(*field.type) : json();
  if (!field.doc.empty()) out[kDoc] = field.doc;
  // The defaults hold the text DefaultFromJson dumped, so they parse.
  if (field.initial_default)
    out[kInitialDefault] = json::parse(*field.initial_default, nullptr, false);
  if (field.write_default) out[kWriteDefault] = json::parse(*field.write_default, nullptr, false);
  return out;
}

/// A column default, kept as compact JSON text: absent or null is "no default"; a primitive
/// column's default must be a JSON scalar (structs, lists and maps have objects and arrays).
Result<std::optional<std::string>> DefaultFromJson(const json& field, const char* key,
                                                   const Type& type, const JsonLocation& at) {
  const json* value = JsonOptional(field, key);
  if (value == nullptr || value->is_null()) return std::optional<std::string>();
  if (type.is_primitive() && value->is_structured()) {
    return at.Key(key).Error(
        fmt::format("the default of a {} column must be a single value", type.ToString()));
  }
  return std::optional<std::string>(value->dump());
}

Result<NestedField> NestedFieldFromJson(const json& value, const JsonLocation& at) {
  FLOE_RETURN_IF_ERROR(ExpectObject(value, at));
  NestedField field;
  FLOE_ASSIGN_OR_RAISE(field.id, RequiredInt32(value, kId, at));
  FLOE_ASSIGN_OR_RAISE(field.name, RequiredString(value, kName, at));
  FLOE_ASSIGN_OR_RAISE(field.required, RequiredBool(value, kRequired, at));
  FLOE_ASSIGN_OR_RAISE(const json* type, JsonRequired(value, kType, at));
  FLOE_ASSIGN_OR_RAISE(field.type, TypeFromJsonAt(*type, at.Key(kType)));
  const json* doc = JsonOptional(value, kDoc);
  if (doc != nullptr) {
    FLOE_ASSIGN_OR_RAISE(field.doc, JsonString(*doc, at.Key(kDoc)));
  }
  FLOE_ASSIGN_OR_RAISE(field.initial_default,
                       DefaultFromJson(value, kInitialDefault, *field.type, at));
  FLOE_ASSIGN_OR_RAISE(field.write_default, DefaultFromJson(value, kWriteDefault, *field.type, at));
  return field;
}

Result<std::vector<NestedField>> StructFieldsFromJson(const json& object, const JsonLocation& at) {
  FLOE_ASSIGN_OR_RAISE(const json* fields, JsonRequired(object, kFields, at));
  const JsonLocation fields_at = at.Key(kFields);
  FLOE_RETURN_IF_ERROR(ExpectArray(*fields, fields_at));
  std::vector<NestedField> out;
  out.reserve(fields->size());
  for (size_t i = 0; i < fields->size(); ++i) {
    FLOE_ASSIGN_OR_RAISE(NestedField field, NestedFieldFromJson((*fields)[i], fields_at.Index(i)));
    out.push_back(std::move(field));
  }
  return out;
}

Result<TypePtr> ListFromJson(const json& object, const JsonLocation& at) {
  NestedField element;
  element.name = kElement;
  FLOE_ASSIGN_OR_RAISE(element.id, RequiredInt32(object, kElementId, at));
  FLOE_ASSIGN_OR_RAISE(element.required, RequiredBool(object, kElementRequired, at));
  FLOE_ASSIGN_OR_RAISE(const json* type, JsonRequired(object, kElement, at));
  FLOE_ASSIGN_OR_RAISE(element.type, TypeFromJsonAt(*type, at.Key(kElement)));
  return Type::List(std::move(element));
}

Result<TypePtr> MapFromJson(const json& object, const JsonLocation& at) {
  NestedField key;
  key.name = kKey;
  key.required = true;  // the spec allows no null map keys
  FLOE_ASSIGN_OR_RAISE(key.id, RequiredInt32(object, kKeyId, at));
  FLOE_ASSIGN_OR_RAISE(const json* key_type, JsonRequired(object, kKey, at));
  FLOE_ASSIGN_OR_RAISE(key.type, TypeFromJsonAt(*key_type, at.Key(kKey)));
  NestedField value;
  value.name = kValue;
  FLOE_ASSIGN_OR_RAISE(value.id, RequiredInt32(object, kValueId, at));
  FLOE_ASSIGN_OR_RAISE(value.required, RequiredBool(object, kValueRequired, at));
  FLOE_ASSIGN_OR_RAISE(const json* value_type, JsonRequired(object, kValue, at));
  FLOE_ASSIGN_OR_RAISE(value.type, TypeFromJsonAt(*value_type, at.Key(kValue)));
  return Type::Map(std::move(key), std::move(value));
}

json PartitionFieldToJson(const PartitionField& field) {
  json out = json::object();
  out[kName] = field.name;
  out[kTransform] = field.transform.ToString();
  out[kSourceId] = field.source_id;
  out[kFieldId] = field.field_id;
  return out;
}

Result<Transform> TransformFromJson(const json& object, const JsonLocation& at) {
  FLOE_ASSIGN_OR_RAISE(std::string text, RequiredString(object, kTransform, at));
  Result<Transform> transform = Transform::FromString(text);
  if (!transform.ok()) return at.Key(kTransform).Error(transform.status().message());
  return transform;
}

// v3 writers may use "source-ids" (multi-argument transforms); floe reads the one-column form.
Result<int32_t> SourceIdFromJson(const json& object, const JsonLocation& at) {
  const json* source_id = JsonOptional(object, kSourceId);
  if (source_id != nullptr) return JsonInt32(*source_id, at.Key(kSourceId));
  const json* source_ids = JsonOptional(object, kSourceIds);
  if (source_ids == nullptr) return at.Error(fmt::format("missing required field '{}'", kSourceId));
  const JsonLocation ids_at = at.Key(kSourceIds);
  FLOE_RETURN_IF_ERROR(ExpectArray(*source_ids, ids_at));
  if (source_ids->size() != 1) {
    return ids_at.Error("transforms of several source columns are not supported");
  }
  return JsonInt32((*source_ids)[0], ids_at.Index(0));
}

Result<NullOrder> NullOrderFromJson(const json& object, const JsonLocation& at) {
  FLOE_ASSIGN_OR_RAISE(std::string text, RequiredString(object, kNullOrder, at));
  if (text == kNullsFirst) return NullOrder::kNullsFirst;
  if (text == kNullsLast) return NullOrder::kNullsLast;
  return at.Key(kNullOrder).Error(fmt::format("unknown null order '{}'", text));
}

Result<SortDirection> DirectionFromJson(const json& object, const JsonLocation& at) {
  FLOE_ASSIGN_OR_RAISE(std::string text, RequiredString(object, kDirection, at));
  if (text == kAsc) return SortDirection::kAsc;
  if (text == kDesc) return SortDirection::kDesc;
  return at.Key(kDirection).Error(fmt::format("unknown sort direction '{}'", text));
}

}  // namespace

// --- Types ---------------------------------------------------------------------------------

json TypeToJson(const Type& type) {
  switch (type.id()) {
    case TypeId::kStruct: {
      json fields = json::array();
      for (const NestedField& field : type.fields()) fields.push_back(NestedFieldToJson(field));
      json out = json::object();
      out[kType] = kStruct;
      out[kFields] = std::move(fields);
      return out;
    }
    case TypeId::kList: {
      const NestedField& element = type.fields().at(0);
      json out = json::object();
      out[kType] = kList;
      out[kElementId] = element.id;
      out[kElement] = element.type != nullptr ? TypeToJson(*element.type) : json();
      out[kElementRequired] = element.required;
      return out;
    }
    case TypeId::kMap: {
      const NestedField& key = type.fields().at(0);
      const NestedField& value = type.fields().at(1);
      json out = json::object();
      out[kType] = kMap;
      out[kKeyId] = key.id;
      out[kKey] = key.type != nullptr ? TypeToJson(*key.type) : json();
      out[kValueId] = value.id;
      out[kValue] = value.type != nullptr ? TypeToJson(*value.type) : json();
      out[kValueRequired] = value.required;
      return out;
    }
    default:
      return type.ToString();
  }
}

Result<TypePtr> TypeFromJsonAt(const json& value, const JsonLocation& at) {
  if (value.is_string()) {
    Result<TypePtr> type = Type::FromPrimitiveName(value.get_ref<const std::string&>());
    if (!type.ok()) return at.Error(type.status().message());
    return type;
  }
  if (!value.is_object()) {
    return at.Error(
        fmt::format("expected a type name or a type object, found {}", JsonKindName(value)));
  }
  FLOE_ASSIGN_OR_RAISE(std::string kind, RequiredString(value, kType, at));
  if (kind == kStruct) {
    FLOE_ASSIGN_OR_RAISE(std::vector<NestedField> fields, StructFieldsFromJson(value, at));
    return Type::Struct(std::move(fields));
  }
  if (kind == kList) return ListFromJson(value, at);
  if (kind == kMap) return MapFromJson(value, at);
  return at.Key(kType).Error(fmt::format("unknown nested type '{}'", kind));
}

Result<TypePtr> TypeFromJson(const json& value, std::string_view path) {
  return TypeFromJsonAt(value, JsonLocation{path, ""});
}

// --- Schemas -------------------------------------------------------------------------------

json SchemaToJson(const Schema& schema) {
  json out = TypeToJson(*Type::Struct(schema.fields()));
  out[kSchemaId] = schema.schema_id();
  // Java writes the member only when there are identifier fields; readers default it to [].
  if (!schema.identifier_field_ids().empty()) {
    out[kIdentifierFieldIds] = schema.identifier_field_ids();
  }
  return out;
}

Result<Schema> SchemaFromJsonAt(const json& value, const JsonLocation& at) {
  FLOE_RETURN_IF_ERROR(ExpectObject(value, at));
  const json* type = JsonOptional(value, kType);
  if (type != nullptr) {
    FLOE_ASSIGN_OR_RAISE(std::string kind, JsonString(*type, at.Key(kType)));
    if (kind != kStruct) {
      return at.Key(kType).Error(fmt::format("a schema is a struct, not '{}'", kind));
    }
  }
  FLOE_ASSIGN_OR_RAISE(int32_t schema_id, OptionalInt32(value, kSchemaId, 0, at));
  FLOE_ASSIGN_OR_RAISE(std::vector<NestedField> fields, StructFieldsFromJson(value, at));
  std::vector<int32_t> identifier_ids;
  const json* identifiers = JsonOptional(value, kIdentifierFieldIds);
  if (identifiers != nullptr) {
    const JsonLocation ids_at = at.Key(kIdentifierFieldIds);
    FLOE_RETURN_IF_ERROR(ExpectArray(*identifiers, ids_at));
    for (size_t i = 0; i < identifiers->size(); ++i) {
      FLOE_ASSIGN_OR_RAISE(int32_t id, JsonInt32((*identifiers)[i], ids_at.Index(i)));
      identifier_ids.push_back(id);
    }
  }
  return Schema(schema_id, std::move(fields), std::move(identifier_ids));
}

Result<Schema> SchemaFromJson(const json& value, std::string_view path) {
  return SchemaFromJsonAt(value, JsonLocation{path, ""});
}

Result<Schema> SchemaFromJsonText(std::string_view text, std::string_view path) {
  FLOE_ASSIGN_OR_RAISE(json document, ParseJsonText(text, path));
  FLOE_ASSIGN_OR_RAISE(Schema schema, SchemaFromJson(document, path));
  Status valid = schema.Validate();
  if (!valid.ok()) return JsonLocation{path, ""}.Error(valid.message());
  return schema;
}

// --- Partition specs -----------------------------------------------------------------------

json PartitionFieldsToJson(const PartitionSpec& spec) {
  json fields = json::array();
  for (const PartitionField& field : spec.fields) fields.push_back(PartitionFieldToJson(field));
  return fields;
}

json PartitionSpecToJson(const PartitionSpec& spec) {
  json out = json::object();
  out[kSpecId] = spec.spec_id;
  out[kFields] = PartitionFieldsToJson(spec);
  return out;
}

Result<PartitionSpec> PartitionFieldsFromJsonAt(const json& value, int32_t spec_id,
                                                const JsonLocation& at) {
  FLOE_RETURN_IF_ERROR(ExpectArray(value, at));
  PartitionSpec spec;
  spec.spec_id = spec_id;
  // v1 writers may leave out field ids; Java then numbers them on from the last one assigned.
  int32_t last_field_id = kFirstPartitionFieldId - 1;
  for (size_t i = 0; i < value.size(); ++i) {
    const JsonLocation field_at = at.Index(i);
    const json& item = value[i];
    FLOE_RETURN_IF_ERROR(ExpectObject(item, field_at));
    PartitionField field;
    FLOE_ASSIGN_OR_RAISE(field.name, RequiredString(item, kName, field_at));
    FLOE_ASSIGN_OR_RAISE(field.transform, TransformFromJson(item, field_at));
    FLOE_ASSIGN_OR_RAISE(field.source_id, SourceIdFromJson(item, field_at));
    FLOE_ASSIGN_OR_RAISE(field.field_id,
                         OptionalInt32(item, kFieldId, last_field_id + 1, field_at));
    last_field_id = std::max(last_field_id, field.field_id);
    spec.fields.push_back(std::move(field));
  }
  return spec;
}

Result<PartitionSpec> PartitionSpecFromJsonAt(const json& value, const JsonLocation& at) {
  FLOE_ASSIGN_OR_RAISE(int32_t spec_id, RequiredInt32(value, kSpecId, at));
  FLOE_ASSIGN_OR_RAISE(const json* fields, JsonRequired(value, kFields, at));
  return PartitionFieldsFromJsonAt(*fields, spec_id, at.Key(kFields));
}

Result<PartitionSpec> PartitionSpecFromJson(const json& value, std::string_view path) {
  return PartitionSpecFromJsonAt(value, JsonLocation{path, ""});
}

// --- Sort orders ---------------------------------------------------------------------------

json SortOrderToJson(const SortOrder& order) {
  json fields = json::array();
  for (const SortField& field : order.fields) {
    json item = json::object();
    item[kTransform] = field.transform.ToString();
    item[kSourceId] = field.source_id;
    item[kDirection] = field.direction == SortDirection::kAsc ? kAsc : kDesc;
    item[kNullOrder] = field.null_order == NullOrder::kNullsFirst ? kNullsFirst : kNullsLast;
    fields.push_back(std::move(item));
  }
  json out = json::object();
  out[kOrderId] = order.order_id;
  out[kFields] = std::move(fields);
  return out;
}

Result<SortOrder> SortOrderFromJsonAt(const json& value, const JsonLocation& at) {
  SortOrder order;
  FLOE_ASSIGN_OR_RAISE(order.order_id, RequiredInt32(value, kOrderId, at));
  FLOE_ASSIGN_OR_RAISE(const json* fields, JsonRequired(value, kFields, at));
  const JsonLocation fields_at = at.Key(kFields);
  FLOE_RETURN_IF_ERROR(ExpectArray(*fields, fields_at));
  for (size_t i = 0; i < fields->size(); ++i) {
    const JsonLocation field_at = fields_at.Index(i);
    const json& item = (*fields)[i];
    FLOE_RETURN_IF_ERROR(ExpectObject(item, field_at));
    SortField field;
    FLOE_ASSIGN_OR_RAISE(field.transform, TransformFromJson(item, field_at));
    FLOE_ASSIGN_OR_RAISE(field.source_id, SourceIdFromJson(item, field_at));
    FLOE_ASSIGN_OR_RAISE(field.direction, DirectionFromJson(item, field_at));
    FLOE_ASSIGN_OR_RAISE(field.null_order, NullOrderFromJson(item, field_at));
    order.fields.push_back(std::move(field));
  }
  // Order id 0 is reserved for the unsorted order, and only for it (spec "Sort Orders").
  if ((order.order_id == 0) != order.fields.empty()) {
    return at.Key(kOrderId).Error(
        fmt::format("order id 0 is reserved for the unsorted order (order {} has {} fields)",
                    order.order_id, order.fields.size()));
  }
  return order;
}

Result<SortOrder> SortOrderFromJson(const json& value, std::string_view path) {
  return SortOrderFromJsonAt(value, JsonLocation{path, ""});
}

}  // namespace floe::iceberg
