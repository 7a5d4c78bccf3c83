#include "iceberg/rest/table_requirement.h"

#include <array>
#include <utility>

namespace floe::iceberg::rest {

using json_util::ExpectObject;
using json_util::JsonInt64;
using json_util::JsonOptional;
using json_util::RequiredInt32;
using json_util::RequiredString;
using nlohmann::json;
using Kind = TableRequirement::Kind;

namespace {

struct KindName {
  Kind kind;
  std::string_view type;
  std::string_view id_member;  // the member holding `id`, for the id assertions
  std::string_view changed;    // Iceberg's words for a failed id assertion
};

constexpr std::array<KindName, 8> kKinds = {{
    {Kind::kAssertCreate, "assert-create", "", ""},
    {Kind::kAssertTableUuid, "assert-table-uuid", "", ""},
    {Kind::kAssertRefSnapshotId, "assert-ref-snapshot-id", "", ""},
    {Kind::kAssertLastAssignedFieldId, "assert-last-assigned-field-id", "last-assigned-field-id",
     "last assigned field id changed"},
    {Kind::kAssertCurrentSchemaId, "assert-current-schema-id", "current-schema-id",
     "current schema changed"},
    {Kind::kAssertLastAssignedPartitionId, "assert-last-assigned-partition-id",
     "last-assigned-partition-id", "last assigned partition id changed"},
    {Kind::kAssertDefaultSpecId, "assert-default-spec-id", "default-spec-id",
     "default partition spec changed"},
    {Kind::kAssertDefaultSortOrderId, "assert-default-sort-order-id", "default-sort-order-id",
     "default sort order changed"},
}};

const KindName& Entry(Kind kind) {
  for (const KindName& entry : kKinds) {
    if (entry.kind == kind) return entry;
  }
  return kKinds[0];
}

/// The value an id assertion compares with.
int32_t CurrentId(Kind kind, const TableMetadata& metadata) {
  switch (kind) {
    case Kind::kAssertLastAssignedFieldId:
      return metadata.last_column_id;
    case Kind::kAssertCurrentSchemaId:
      return metadata.current_schema_id;
    case Kind::kAssertLastAssignedPartitionId:
      return metadata.last_partition_id;
    case Kind::kAssertDefaultSpecId:
      return metadata.default_spec_id;
    case Kind::kAssertDefaultSortOrderId:
      return metadata.default_sort_order_id;
    default:
      return 0;
  }
}

std::string SnapshotText(std::optional<int64_t> id) {
  return id ? std::to_string(*id) : std::string("none");
}

}  // namespace

TableRequirement TableRequirement::AssertTableUuid(std::string uuid) {
  TableRequirement requirement;
  requirement.kind = Kind::kAssertTableUuid;
  requirement.uuid = std::move(uuid);
  return requirement;
}

TableRequirement TableRequirement::AssertRefSnapshotId(std::string ref,
                                                       std::optional<int64_t> snapshot_id) {
  TableRequirement requirement;
  requirement.kind = Kind::kAssertRefSnapshotId;
  requirement.ref = std::move(ref);
  requirement.snapshot_id = snapshot_id;
  return requirement;
}

TableRequirement TableRequirement::AssertId(Kind kind, int32_t id) {
  TableRequirement requirement;
  requirement.kind = kind;
  requirement.id = id;
  return requirement;
}

std::string_view TableRequirement::TypeName() const { return Entry(kind).type; }

// Failures are worded as Iceberg's UpdateRequirement words them ("Requirement failed: ..."):
// clients and Iceberg's REST compatibility kit match on these words.
Status TableRequirement::Validate(const TableMetadata* current) const {
  if (kind == Kind::kAssertCreate) {
    if (current != nullptr) return CommitFailed("Requirement failed: table already exists");
    return Status::Ok();
  }
  if (current == nullptr) {
    return CommitFailed("Requirement failed: {}: the table does not exist", TypeName());
  }
  switch (kind) {
    case Kind::kAssertTableUuid:
      if (current->table_uuid != uuid) {
        return CommitFailed("Requirement failed: UUID does not match: expected {} != {}", uuid,
                            current->table_uuid);
      }
      return Status::Ok();
    case Kind::kAssertRefSnapshotId: {
      std::optional<int64_t> actual;
      if (auto it = current->refs.find(ref); it != current->refs.end()) {
        actual = it->second.snapshot_id;
      } else if (ref == "main") {
        // Metadata written before refs existed (v1) has only current-snapshot-id.
        actual = current->current_snapshot_id;
      }
      if (actual != snapshot_id) {
        return CommitFailed(
            "Requirement failed: branch or tag {} has changed: expected id {} != {}", ref,
            SnapshotText(snapshot_id), SnapshotText(actual));
      }
      return Status::Ok();
    }
    default: {
      int32_t actual = CurrentId(kind, *current);
      if (actual != id) {
        return CommitFailed("Requirement failed: {}: expected id {} != {}", Entry(kind).changed, id,
                            actual);
      }
      return Status::Ok();
    }
  }
}

json TableRequirementToJson(const TableRequirement& requirement) {
  const KindName& entry = Entry(requirement.kind);
  json out = json::object();
  out["type"] = entry.type;
  switch (requirement.kind) {
    case Kind::kAssertCreate:
      break;
    case Kind::kAssertTableUuid:
      out["uuid"] = requirement.uuid;
      break;
    case Kind::kAssertRefSnapshotId:
      out["ref"] = requirement.ref;
      out["snapshot-id"] = requirement.snapshot_id ? json(*requirement.snapshot_id) : json(nullptr);
      break;
    default:
      out[std::string(entry.id_member)] = requirement.id;
      break;
  }
  return out;
}

Result<TableRequirement> TableRequirementFromJson(const json& value, const JsonLocation& at) {
  FLOE_RETURN_IF_ERROR(ExpectObject(value, at));
  FLOE_ASSIGN_OR_RAISE(std::string type, RequiredString(value, "type", at));
  const KindName* entry = nullptr;
  for (const KindName& candidate : kKinds) {
    if (candidate.type == type) entry = &candidate;
  }
  if (entry == nullptr) return at.Key("type").Error(fmt::format("unknown requirement '{}'", type));
  TableRequirement requirement;
  requirement.kind = entry->kind;
  switch (entry->kind) {
    case Kind::kAssertCreate:
      break;
    case Kind::kAssertTableUuid: {
      FLOE_ASSIGN_OR_RAISE(requirement.uuid, RequiredString(value, "uuid", at));
      break;
    }
    case Kind::kAssertRefSnapshotId: {
      FLOE_ASSIGN_OR_RAISE(requirement.ref, RequiredString(value, "ref", at));
      if (const json* id = JsonOptional(value, "snapshot-id")) {
        FLOE_ASSIGN_OR_RAISE(int64_t snapshot_id, JsonInt64(*id, at.Key("snapshot-id")));
        // -1 is how some writers say "no snapshot".
        if (snapshot_id != -1) requirement.snapshot_id = snapshot_id;
      }
      break;
    }
    default: {
      FLOE_ASSIGN_OR_RAISE(requirement.id, RequiredInt32(value, entry->id_member, at));
      break;
    }
  }
  return requirement;
}

}  // namespace floe::iceberg::rest
