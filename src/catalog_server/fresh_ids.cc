#include "catalog_server/fresh_ids.h"

#include <map>

namespace floe::catalog_server {

using iceberg::NestedField;
using iceberg::Type;
using iceberg::TypeId;
using iceberg::TypePtr;

namespace {

class Renumbering {
 public:
  /// New ids for `fields` (one level), then for what each holds.
  std::vector<NestedField> Fields(const std::vector<NestedField>& fields) {
    std::vector<NestedField> out = fields;
    for (NestedField& field : out) field.id = Next(field.id);
    for (NestedField& field : out) field.type = Inside(field.type);
    return out;
  }

  Result<int32_t> Lookup(int32_t old_id, std::string_view what) const {
    auto it = ids_.find(old_id);
    if (it == ids_.end())
      return InvalidArgument("{}: source id {} is not in the schema", what, old_id);
    return it->second;
  }

 private:
  int32_t Next(int32_t old_id) {
    const int32_t id = next_++;
    ids_.emplace(old_id, id);
    return id;
  }

  TypePtr Inside(const TypePtr& type) {
    if (!type || type->is_primitive()) return type;
    switch (type->id()) {
      case TypeId::kStruct:
        return Type::Struct(Fields(type->fields()));
      case TypeId::kList:
      case TypeId::kMap:
        // A list's element, a map's key and value: numbered together, then entered.
        return Rebuild(type);
      default:
        return type;
    }
  }

  TypePtr Rebuild(const TypePtr& type) {
    std::vector<NestedField> members = Fields(type->fields());
    if (type->id() == TypeId::kList) return Type::List(members.at(0));
    return Type::Map(members.at(0), members.at(1));
  }

  int32_t next_ = 1;
  std::map<int32_t, int32_t> ids_;
};

}  // namespace

Result<FreshTable> AssignFreshIds(const iceberg::Schema& schema, const iceberg::PartitionSpec& spec,
                                  const std::optional<iceberg::SortOrder>& sort_order) {
  Renumbering renumbering;
  std::vector<NestedField> fields = renumbering.Fields(schema.fields());
  std::vector<int32_t> identifiers;
  for (int32_t id : schema.identifier_field_ids()) {
    FLOE_ASSIGN_OR_RAISE(int32_t fresh, renumbering.Lookup(id, "identifier-field-ids"));
    identifiers.push_back(fresh);
  }
  FreshTable table{iceberg::Schema(schema.schema_id(), std::move(fields), std::move(identifiers)),
                   spec, sort_order};
  for (iceberg::PartitionField& field : table.spec.fields) {
    FLOE_ASSIGN_OR_RAISE(field.source_id, renumbering.Lookup(field.source_id, "partition-spec"));
  }
  if (table.sort_order) {
    for (iceberg::SortField& field : table.sort_order->fields) {
      FLOE_ASSIGN_OR_RAISE(field.source_id, renumbering.Lookup(field.source_id, "write-order"));
    }
  }
  return table;
}

}  // namespace floe::catalog_server
