#include "iceberg/schema.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>

namespace floe::iceberg {

namespace {

// Calls `visit(field)` for every field of `fields` and of the types nested in them, depth
// first; stops and returns the first non-null result.
template <typename Visit>
const NestedField* FindInFields(const std::vector<NestedField>& fields, const Visit& visit) {
  for (const NestedField& field : fields) {
    if (visit(field)) return &field;
    if (field.type != nullptr && field.type->is_nested()) {
      if (const NestedField* found = FindInFields(field.type->fields(), visit)) return found;
    }
  }
  return nullptr;
}

template <typename Visit>
void ForEachField(const std::vector<NestedField>& fields, const Visit& visit) {
  FindInFields(fields, [&](const NestedField& field) {
    visit(field);
    return false;
  });
}

// Checks names within one struct and recurses; ids are checked schema-wide by the caller.
Status ValidateFields(const std::vector<NestedField>& fields, bool is_struct,
                      std::map<int32_t, const NestedField*>& seen_ids) {
  std::set<std::string_view> names;
  for (const NestedField& field : fields) {
    auto [it, inserted] = seen_ids.emplace(field.id, &field);
    if (!inserted) {
      return InvalidArgument("duplicate field id {} (fields '{}' and '{}')", field.id,
                             it->second->name, field.name);
    }
    if (field.type == nullptr)
      return InvalidArgument("field {} ('{}') has no type", field.id, field.name);
    if (is_struct) {
      if (field.name.empty()) return InvalidArgument("field {} has an empty name", field.id);
      if (!names.insert(field.name).second) {
        return InvalidArgument("duplicate field name '{}' in a struct", field.name);
      }
    }
    if (field.type->is_nested()) {
      FLOE_RETURN_IF_ERROR(
          ValidateFields(field.type->fields(), field.type->id() == TypeId::kStruct, seen_ids));
    }
  }
  return Status::Ok();
}

// The chain of fields from the top of the schema down to the field with `id`, or empty.
bool PathToField(const std::vector<NestedField>& fields, int32_t id,
                 std::vector<const NestedField*>& path) {
  for (const NestedField& field : fields) {
    path.push_back(&field);
    if (field.id == id) return true;
    if (field.type != nullptr && field.type->is_nested() &&
        PathToField(field.type->fields(), id, path)) {
      return true;
    }
    path.pop_back();
  }
  return false;
}

}  // namespace

const NestedField* Schema::FindFieldById(int32_t id) const {
  return FindInFields(fields_, [id](const NestedField& field) { return field.id == id; });
}

const NestedField* Schema::FindFieldByName(std::string_view name) const {
  for (const NestedField& field : fields_) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

int Schema::FieldIndexById(int32_t id) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

int32_t Schema::HighestFieldId() const {
  int32_t highest = 0;
  ForEachField(fields_, [&](const NestedField& field) { highest = std::max(highest, field.id); });
  return highest;
}

Status Schema::Validate() const {
  std::map<int32_t, const NestedField*> seen_ids;
  FLOE_RETURN_IF_ERROR(ValidateFields(fields_, /*is_struct=*/true, seen_ids));

  std::set<int32_t> seen_identifiers;
  for (int32_t id : identifier_field_ids_) {
    if (!seen_identifiers.insert(id).second) {
      return InvalidArgument("identifier field {} is listed twice", id);
    }
    std::vector<const NestedField*> path;
    if (!PathToField(fields_, id, path)) {
      return InvalidArgument("identifier field {} does not exist in the schema", id);
    }
    const NestedField& field = *path.back();
    if (!field.required) {
      return InvalidArgument("identifier field {} ('{}') must be required", id, field.name);
    }
    if (!field.type->is_primitive()) {
      return InvalidArgument("identifier field {} ('{}') must be a primitive, not a {}", id,
                             field.name, field.type->ToString());
    }
    if (field.type->id() == TypeId::kFloat || field.type->id() == TypeId::kDouble) {
      return InvalidArgument("identifier field {} ('{}') must not be a {}", id, field.name,
                             field.type->ToString());
    }
    // Equality deletes compare identifier values row by row: a value inside a list or map, or
    // under an optional struct, has no single value per row.
    for (size_t i = 0; i + 1 < path.size(); ++i) {
      const NestedField& parent = *path[i];
      if (parent.type->id() != TypeId::kStruct) {
        return InvalidArgument("identifier field {} ('{}') must not be nested in {} '{}'", id,
                               field.name, parent.type->ToString(), parent.name);
      }
      if (!parent.required) {
        return InvalidArgument(
            "identifier field {} ('{}') must not be nested in optional struct '{}'", id, field.name,
            parent.name);
      }
    }
  }
  return Status::Ok();
}

bool Schema::operator==(const Schema& other) const {
  return schema_id_ == other.schema_id_ && fields_ == other.fields_ &&
         identifier_field_ids_ == other.identifier_field_ids_;
}

}  // namespace floe::iceberg
