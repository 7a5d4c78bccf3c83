#include "iceberg/rest/table_update.h"

#include <algorithm>
#include <array>
#include <set>

#include "common/clock.h"
#include "iceberg/schema_json.h"
#include "iceberg/table_metadata_json.h"

namespace floe::iceberg::rest {

using json_util::ExpectArray;
using json_util::ExpectObject;
using json_util::JsonInt64;
using json_util::JsonOptional;
using json_util::JsonRequired;
using json_util::JsonString;
using json_util::JsonStringList;
using json_util::JsonStringMap;
using json_util::RequiredInt32;
using json_util::RequiredInt64;
using json_util::RequiredString;
using nlohmann::json;
using Kind = TableUpdate::Kind;

namespace {

constexpr std::string_view kMainBranch = "main";
constexpr int32_t kLastAdded = -1;
constexpr int32_t kMaxFormatVersion = 3;
constexpr int32_t kRowLineageFormatVersion = 3;

struct ActionName {
  Kind kind;
  std::string_view action;
};

constexpr std::array<ActionName, 17> kActions = {{
    {Kind::kAssignUuid, "assign-uuid"},
    {Kind::kUpgradeFormatVersion, "upgrade-format-version"},
    {Kind::kAddSchema, "add-schema"},
    {Kind::kSetCurrentSchema, "set-current-schema"},
    {Kind::kAddSpec, "add-spec"},
    {Kind::kSetDefaultSpec, "set-default-spec"},
    {Kind::kAddSortOrder, "add-sort-order"},
    {Kind::kSetDefaultSortOrder, "set-default-sort-order"},
    {Kind::kAddSnapshot, "add-snapshot"},
    {Kind::kSetSnapshotRef, "set-snapshot-ref"},
    {Kind::kRemoveSnapshotRef, "remove-snapshot-ref"},
    {Kind::kRemoveSnapshots, "remove-snapshots"},
    {Kind::kSetLocation, "set-location"},
    {Kind::kSetProperties, "set-properties"},
    {Kind::kRemoveProperties, "remove-properties"},
    {Kind::kRemoveSchemas, "remove-schemas"},
    {Kind::kRemovePartitionSpecs, "remove-partition-specs"},
}};

/// The member that holds the ids of a remove-schemas or remove-partition-specs update.
std::string_view IdsMember(Kind kind) {
  return kind == Kind::kRemoveSchemas ? "schema-ids" : "spec-ids";
}

json RefMembers(const SnapshotRef& ref) {
  json out = json::object();
  out["snapshot-id"] = ref.snapshot_id;
  out["type"] = ref.type;
  if (ref.min_snapshots_to_keep) out["min-snapshots-to-keep"] = *ref.min_snapshots_to_keep;
  if (ref.max_snapshot_age_ms) out["max-snapshot-age-ms"] = *ref.max_snapshot_age_ms;
  if (ref.max_ref_age_ms) out["max-ref-age-ms"] = *ref.max_ref_age_ms;
  return out;
}

Result<SnapshotRef> RefFromMembers(const json& value, const JsonLocation& at) {
  SnapshotRef ref;
  FLOE_ASSIGN_OR_RAISE(ref.snapshot_id, RequiredInt64(value, "snapshot-id", at));
  FLOE_ASSIGN_OR_RAISE(ref.type, RequiredString(value, "type", at));
  if (ref.type != "branch" && ref.type != "tag") {
    return at.Key("type").Error(fmt::format("unknown ref type '{}'", ref.type));
  }
  if (const json* v = JsonOptional(value, "min-snapshots-to-keep")) {
    FLOE_ASSIGN_OR_RAISE(ref.min_snapshots_to_keep,
                         json_util::JsonInt32(*v, at.Key("min-snapshots-to-keep")));
  }
  if (const json* v = JsonOptional(value, "max-snapshot-age-ms")) {
    FLOE_ASSIGN_OR_RAISE(ref.max_snapshot_age_ms, JsonInt64(*v, at.Key("max-snapshot-age-ms")));
  }
  if (const json* v = JsonOptional(value, "max-ref-age-ms")) {
    FLOE_ASSIGN_OR_RAISE(ref.max_ref_age_ms, JsonInt64(*v, at.Key("max-ref-age-ms")));
  }
  return ref;
}

bool SameSchema(const Schema& a, const Schema& b) {
  return a.fields() == b.fields() && a.identifier_field_ids() == b.identifier_field_ids();
}

}  // namespace

std::string_view TableUpdate::ActionName() const {
  for (const auto& entry : kActions) {
    if (entry.kind == kind) return entry.action;
  }
  return "unknown";
}

json TableUpdateToJson(const TableUpdate& update) {
  json out = json::object();
  out["action"] = update.ActionName();
  switch (update.kind) {
    case Kind::kAssignUuid:
      out["uuid"] = update.uuid;
      break;
    case Kind::kUpgradeFormatVersion:
      out["format-version"] = update.format_version;
      break;
    case Kind::kAddSchema:
      out["schema"] = update.schema ? SchemaToJson(*update.schema) : json::object();
      if (update.last_column_id) out["last-column-id"] = *update.last_column_id;
      break;
    case Kind::kSetCurrentSchema:
      out["schema-id"] = update.id;
      break;
    case Kind::kAddSpec:
      out["spec"] = update.spec ? PartitionSpecToJson(*update.spec) : json::object();
      break;
    case Kind::kSetDefaultSpec:
      out["spec-id"] = update.id;
      break;
    case Kind::kAddSortOrder:
      out["sort-order"] = update.sort_order ? SortOrderToJson(*update.sort_order) : json::object();
      break;
    case Kind::kSetDefaultSortOrder:
      out["sort-order-id"] = update.id;
      break;
    case Kind::kAddSnapshot:
      out["snapshot"] = update.snapshot ? SnapshotToJson(*update.snapshot) : json::object();
      break;
    case Kind::kSetSnapshotRef:
      out["ref-name"] = update.ref_name;
      out.update(RefMembers(update.ref));
      break;
    case Kind::kRemoveSnapshotRef:
      out["ref-name"] = update.ref_name;
      break;
    case Kind::kRemoveSnapshots:
      out["snapshot-ids"] = update.snapshot_ids;
      break;
    case Kind::kSetLocation:
      out["location"] = update.location;
      break;
    case Kind::kSetProperties:
      out["updates"] = update.updates;
      break;
    case Kind::kRemoveProperties:
      out["removals"] = update.removals;
      break;
    case Kind::kRemoveSchemas:
    case Kind::kRemovePartitionSpecs:
      out[IdsMember(update.kind)] = update.ids;
      break;
  }
  return out;
}

Result<TableUpdate> TableUpdateFromJson(const json& value, const JsonLocation& at) {
  FLOE_RETURN_IF_ERROR(ExpectObject(value, at));
  FLOE_ASSIGN_OR_RAISE(std::string action, RequiredString(value, "action", at));
  const ActionName* entry = nullptr;
  for (const ActionName& candidate : kActions) {
    if (candidate.action == action) entry = &candidate;
  }
  if (entry == nullptr) return at.Key("action").Error(fmt::format("unknown update '{}'", action));
  TableUpdate update;
  update.kind = entry->kind;
  switch (update.kind) {
    case Kind::kAssignUuid: {
      FLOE_ASSIGN_OR_RAISE(update.uuid, RequiredString(value, "uuid", at));
      break;
    }
    case Kind::kUpgradeFormatVersion: {
      FLOE_ASSIGN_OR_RAISE(update.format_version, RequiredInt32(value, "format-version", at));
      break;
    }
    case Kind::kAddSchema: {
      FLOE_ASSIGN_OR_RAISE(const json* schema, JsonRequired(value, "schema", at));
      FLOE_ASSIGN_OR_RAISE(update.schema, SchemaFromJsonAt(*schema, at.Key("schema")));
      if (const json* last = JsonOptional(value, "last-column-id")) {
        FLOE_ASSIGN_OR_RAISE(update.last_column_id,
                             json_util::JsonInt32(*last, at.Key("last-column-id")));
      }
      break;
    }
    case Kind::kSetCurrentSchema: {
      FLOE_ASSIGN_OR_RAISE(update.id, RequiredInt32(value, "schema-id", at));
      break;
    }
    case Kind::kAddSpec: {
      FLOE_ASSIGN_OR_RAISE(const json* spec, JsonRequired(value, "spec", at));
      FLOE_ASSIGN_OR_RAISE(update.spec, PartitionSpecFromJsonAt(*spec, at.Key("spec")));
      break;
    }
    case Kind::kSetDefaultSpec: {
      FLOE_ASSIGN_OR_RAISE(update.id, RequiredInt32(value, "spec-id", at));
      break;
    }
    case Kind::kAddSortOrder: {
      FLOE_ASSIGN_OR_RAISE(const json* order, JsonRequired(value, "sort-order", at));
      FLOE_ASSIGN_OR_RAISE(update.sort_order, SortOrderFromJsonAt(*order, at.Key("sort-order")));
      break;
    }
    case Kind::kSetDefaultSortOrder: {
      FLOE_ASSIGN_OR_RAISE(update.id, RequiredInt32(value, "sort-order-id", at));
      break;
    }
    case Kind::kAddSnapshot: {
      FLOE_ASSIGN_OR_RAISE(const json* snapshot, JsonRequired(value, "snapshot", at));
      const JsonLocation where = at.Key("snapshot");
      Result<Snapshot> parsed = SnapshotFromJson(*snapshot, where.path);
      if (!parsed.ok()) return InvalidArgument("{}", parsed.status().message());
      update.snapshot = std::move(*parsed);
      break;
    }
    case Kind::kSetSnapshotRef: {
      FLOE_ASSIGN_OR_RAISE(update.ref_name, RequiredString(value, "ref-name", at));
      FLOE_ASSIGN_OR_RAISE(update.ref, RefFromMembers(value, at));
      break;
    }
    case Kind::kRemoveSnapshotRef: {
      FLOE_ASSIGN_OR_RAISE(update.ref_name, RequiredString(value, "ref-name", at));
      break;
    }
    case Kind::kRemoveSnapshots: {
      FLOE_ASSIGN_OR_RAISE(const json* ids, JsonRequired(value, "snapshot-ids", at));
      const JsonLocation where = at.Key("snapshot-ids");
      FLOE_RETURN_IF_ERROR(ExpectArray(*ids, where));
      for (size_t i = 0; i < ids->size(); ++i) {
        FLOE_ASSIGN_OR_RAISE(int64_t id, JsonInt64((*ids)[i], where.Index(i)));
        update.snapshot_ids.push_back(id);
      }
      break;
    }
    case Kind::kSetLocation: {
      FLOE_ASSIGN_OR_RAISE(update.location, RequiredString(value, "location", at));
      break;
    }
    case Kind::kSetProperties: {
      FLOE_ASSIGN_OR_RAISE(const json* updates, JsonRequired(value, "updates", at));
      FLOE_ASSIGN_OR_RAISE(update.updates, JsonStringMap(*updates, at.Key("updates")));
      break;
    }
    case Kind::kRemoveProperties: {
      FLOE_ASSIGN_OR_RAISE(const json* removals, JsonRequired(value, "removals", at));
      FLOE_ASSIGN_OR_RAISE(update.removals, JsonStringList(*removals, at.Key("removals")));
      break;
    }
    case Kind::kRemoveSchemas:
    case Kind::kRemovePartitionSpecs: {
      const std::string_view member = IdsMember(update.kind);
      FLOE_ASSIGN_OR_RAISE(const json* ids, JsonRequired(value, member, at));
      const JsonLocation where = at.Key(member);
      FLOE_RETURN_IF_ERROR(ExpectArray(*ids, where));
      for (size_t i = 0; i < ids->size(); ++i) {
        FLOE_ASSIGN_OR_RAISE(int32_t id, json_util::JsonInt32((*ids)[i], where.Index(i)));
        update.ids.push_back(id);
      }
      break;
    }
  }
  return update;
}

TableMetadataEditor::TableMetadataEditor(TableMetadata base) : metadata_(std::move(base)) {}

Status TableMetadataEditor::Apply(const TableUpdate& update) {
  const std::string_view action = update.ActionName();
  switch (update.kind) {
    case Kind::kAssignUuid:
      if (!metadata_.table_uuid.empty() && metadata_.table_uuid != update.uuid) {
        return InvalidArgument("{}: cannot change table uuid {} to {}", action,
                               metadata_.table_uuid, update.uuid);
      }
      if (metadata_.table_uuid.empty()) {
        metadata_.table_uuid = update.uuid;
        changed_ = true;
      }
      return Status::Ok();
    case Kind::kUpgradeFormatVersion:
      if (update.format_version < metadata_.format_version) {
        return InvalidArgument("{}: cannot downgrade format version {} to {}", action,
                               metadata_.format_version, update.format_version);
      }
      if (update.format_version > kMaxFormatVersion) {
        return InvalidArgument("{}: unsupported format version {}", action, update.format_version);
      }
      if (update.format_version != metadata_.format_version) {
        metadata_.format_version = update.format_version;
        if (update.format_version >= kRowLineageFormatVersion && !metadata_.next_row_id) {
          metadata_.next_row_id = 0;
        }
        changed_ = true;
      }
      return Status::Ok();
    case Kind::kAddSchema:
      return AddSchema(update);
    case Kind::kSetCurrentSchema: {
      int32_t id = update.id;
      if (id == kLastAdded) {
        if (!last_added_schema_id_) return InvalidArgument("{}: no schema was added", action);
        id = *last_added_schema_id_;
      }
      if (metadata_.SchemaById(id) == nullptr) {
        return InvalidArgument("{}: schema {} does not exist", action, id);
      }
      if (metadata_.current_schema_id != id) changed_ = true;
      metadata_.current_schema_id = id;
      return Status::Ok();
    }
    case Kind::kAddSpec:
      return AddSpec(update);
    case Kind::kSetDefaultSpec: {
      int32_t id = update.id;
      if (id == kLastAdded) {
        if (!last_added_spec_id_) return InvalidArgument("{}: no spec was added", action);
        id = *last_added_spec_id_;
      }
      if (metadata_.SpecById(id) == nullptr) {
        return InvalidArgument("{}: partition spec {} does not exist", action, id);
      }
      if (metadata_.default_spec_id != id) changed_ = true;
      metadata_.default_spec_id = id;
      return Status::Ok();
    }
    case Kind::kAddSortOrder:
      return AddSortOrder(update);
    case Kind::kSetDefaultSortOrder: {
      int32_t id = update.id;
      if (id == kLastAdded) {
        if (!last_added_order_id_) return InvalidArgument("{}: no sort order was added", action);
        id = *last_added_order_id_;
      }
      bool found = std::any_of(metadata_.sort_orders.begin(), metadata_.sort_orders.end(),
                               [&](const SortOrder& order) { return order.order_id == id; });
      if (!found) return InvalidArgument("{}: sort order {} does not exist", action, id);
      if (metadata_.default_sort_order_id != id) changed_ = true;
      metadata_.default_sort_order_id = id;
      return Status::Ok();
    }
    case Kind::kAddSnapshot:
      if (!update.snapshot) return InvalidArgument("{}: no snapshot", action);
      return AddSnapshot(*update.snapshot);
    case Kind::kSetSnapshotRef:
      return SetRef(update.ref_name, update.ref);
    case Kind::kRemoveSnapshotRef:
      RemoveRef(update.ref_name);
      return Status::Ok();
    case Kind::kRemoveSnapshots: {
      std::set<int64_t> doomed(update.snapshot_ids.begin(), update.snapshot_ids.end());
      size_t before = metadata_.snapshots.size();
      std::erase_if(metadata_.snapshots,
                    [&](const Snapshot& s) { return doomed.contains(s.snapshot_id); });
      if (metadata_.snapshots.size() != before) changed_ = true;
      std::vector<std::string> dangling;
      for (const auto& [name, ref] : metadata_.refs) {
        if (doomed.contains(ref.snapshot_id)) dangling.push_back(name);
      }
      for (const std::string& name : dangling) RemoveRef(name);
      return Status::Ok();
    }
    case Kind::kSetLocation: {
      std::string location = update.location;
      while (location.size() > 1 && location.back() == '/') location.pop_back();
      if (location.empty()) return InvalidArgument("{}: empty location", action);
      if (location != metadata_.location) changed_ = true;
      metadata_.location = std::move(location);
      return Status::Ok();
    }
    case Kind::kSetProperties:
      for (const auto& [key, value] : update.updates) {
        auto [it, inserted] = metadata_.properties.insert_or_assign(key, value);
        static_cast<void>(it);
        static_cast<void>(inserted);
      }
      if (!update.updates.empty()) changed_ = true;
      return Status::Ok();
    case Kind::kRemoveProperties:
      for (const std::string& key : update.removals) {
        if (metadata_.properties.erase(key) > 0) changed_ = true;
      }
      return Status::Ok();
    case Kind::kRemoveSchemas:
      return RemoveSchemas(update.ids);
    case Kind::kRemovePartitionSpecs:
      return RemoveSpecs(update.ids);
  }
  return InvalidArgument("unknown update");
}

Status TableMetadataEditor::AddSchema(const TableUpdate& update) {
  if (!update.schema) return InvalidArgument("add-schema: no schema");
  const Schema& schema = *update.schema;
  FLOE_RETURN_IF_ERROR_CTX(schema.Validate(), "add-schema");
  const int32_t highest = schema.HighestFieldId();
  if (update.last_column_id && *update.last_column_id < highest) {
    return InvalidArgument("add-schema: last-column-id {} is below the schema's field id {}",
                           *update.last_column_id, highest);
  }
  // Re-adding a schema the table has reuses its id, as Java does.
  for (const Schema& existing : metadata_.schemas) {
    if (SameSchema(existing, schema)) {
      last_added_schema_id_ = existing.schema_id();
      return Status::Ok();
    }
  }
  int32_t new_id = 0;
  for (const Schema& existing : metadata_.schemas) {
    new_id = std::max(new_id, existing.schema_id() + 1);
  }
  Schema added = schema;
  added.set_schema_id(new_id);
  metadata_.schemas.push_back(std::move(added));
  metadata_.last_column_id =
      std::max({metadata_.last_column_id, highest, update.last_column_id.value_or(0)});
  last_added_schema_id_ = new_id;
  changed_ = true;
  return Status::Ok();
}

Status TableMetadataEditor::AddSpec(const TableUpdate& update) {
  if (!update.spec) return InvalidArgument("add-spec: no spec");
  PartitionSpec spec = *update.spec;
  const Schema* schema = metadata_.CurrentSchema();
  if (schema == nullptr) return InvalidArgument("add-spec: the table has no current schema");
  FLOE_RETURN_IF_ERROR_CTX(spec.Validate(*schema), "add-spec");
  for (const PartitionSpec& existing : metadata_.partition_specs) {
    if (existing.fields == spec.fields) {
      last_added_spec_id_ = existing.spec_id;
      return Status::Ok();
    }
  }
  int32_t new_id = 0;
  for (const PartitionSpec& existing : metadata_.partition_specs) {
    new_id = std::max(new_id, existing.spec_id + 1);
  }
  spec.spec_id = new_id;
  metadata_.last_partition_id = std::max(metadata_.last_partition_id, spec.LastFieldId());
  metadata_.partition_specs.push_back(std::move(spec));
  last_added_spec_id_ = new_id;
  changed_ = true;
  return Status::Ok();
}

// As Java's TableMetadata.Builder: the current schema and the default spec stay; ids the table
// does not have are ignored (a retried commit may have removed them already).
Status TableMetadataEditor::RemoveSchemas(const std::vector<int32_t>& ids) {
  const std::set<int32_t> doomed(ids.begin(), ids.end());
  if (doomed.contains(metadata_.current_schema_id)) {
    return InvalidArgument("remove-schemas: cannot remove the current schema {}",
                           metadata_.current_schema_id);
  }
  const size_t removed = std::erase_if(
      metadata_.schemas, [&](const Schema& schema) { return doomed.contains(schema.schema_id()); });
  if (removed > 0) changed_ = true;
  return Status::Ok();
}

Status TableMetadataEditor::RemoveSpecs(const std::vector<int32_t>& ids) {
  const std::set<int32_t> doomed(ids.begin(), ids.end());
  if (doomed.contains(metadata_.default_spec_id)) {
    return InvalidArgument("remove-partition-specs: cannot remove the default partition spec {}",
                           metadata_.default_spec_id);
  }
  const size_t removed = std::erase_if(metadata_.partition_specs, [&](const PartitionSpec& spec) {
    return doomed.contains(spec.spec_id);
  });
  if (removed > 0) changed_ = true;
  return Status::Ok();
}

Status TableMetadataEditor::AddSortOrder(const TableUpdate& update) {
  if (!update.sort_order) return InvalidArgument("add-sort-order: no sort order");
  SortOrder order = *update.sort_order;
  for (const SortOrder& existing : metadata_.sort_orders) {
    if (existing.fields == order.fields) {
      last_added_order_id_ = existing.order_id;
      return Status::Ok();
    }
  }
  int32_t new_id = 1;  // 0 is the unsorted order's
  for (const SortOrder& existing : metadata_.sort_orders) {
    new_id = std::max(new_id, existing.order_id + 1);
  }
  order.order_id = order.fields.empty() ? 0 : new_id;
  metadata_.sort_orders.push_back(order);
  last_added_order_id_ = order.order_id;
  changed_ = true;
  return Status::Ok();
}

Status TableMetadataEditor::AddSnapshot(const Snapshot& snapshot) {
  if (snapshot.snapshot_id <= 0) {
    return InvalidArgument("add-snapshot: invalid snapshot id {}", snapshot.snapshot_id);
  }
  if (metadata_.SnapshotById(snapshot.snapshot_id) != nullptr) {
    return InvalidArgument("add-snapshot: snapshot {} exists already", snapshot.snapshot_id);
  }
  if (metadata_.format_version >= 2 && snapshot.sequence_number <= metadata_.last_sequence_number &&
      snapshot.parent_snapshot_id.has_value()) {
    // A sequence number at or below the table's would let the snapshot's files sort before
    // existing deletes: the writer committed on a stale base.
    return CommitFailed(
        "add-snapshot: sequence number {} is not above the table's last sequence number {}",
        snapshot.sequence_number, metadata_.last_sequence_number);
  }
  if (snapshot.schema_id && metadata_.SchemaById(*snapshot.schema_id) == nullptr) {
    return InvalidArgument("add-snapshot: schema {} does not exist", *snapshot.schema_id);
  }
  if (metadata_.format_version >= kRowLineageFormatVersion) {
    if (!snapshot.first_row_id || !snapshot.added_rows) {
      return InvalidArgument("add-snapshot: a v3 snapshot needs first-row-id and added-rows");
    }
    if (*snapshot.first_row_id < metadata_.next_row_id.value_or(0)) {
      return CommitFailed("add-snapshot: first-row-id {} is below the table's next-row-id {}",
                          *snapshot.first_row_id, metadata_.next_row_id.value_or(0));
    }
    metadata_.next_row_id = *snapshot.first_row_id + *snapshot.added_rows;
  }
  metadata_.snapshots.push_back(snapshot);
  metadata_.last_sequence_number =
      std::max(metadata_.last_sequence_number, snapshot.sequence_number);
  added_snapshot_ids_.push_back(snapshot.snapshot_id);
  changed_ = true;
  return Status::Ok();
}

Status TableMetadataEditor::SetRef(const std::string& name, const SnapshotRef& ref) {
  if (name.empty()) return InvalidArgument("set-snapshot-ref: empty ref name");
  const Snapshot* snapshot = metadata_.SnapshotById(ref.snapshot_id);
  if (snapshot == nullptr) {
    return InvalidArgument("set-snapshot-ref: snapshot {} does not exist", ref.snapshot_id);
  }
  if (name == kMainBranch && ref.type != "branch") {
    return InvalidArgument("set-snapshot-ref: main must be a branch");
  }
  auto it = metadata_.refs.find(name);
  if (it != metadata_.refs.end() && it->second == ref) return Status::Ok();
  metadata_.refs[name] = ref;
  if (name == kMainBranch) {
    metadata_.current_snapshot_id = ref.snapshot_id;
    bool added_now = std::find(added_snapshot_ids_.begin(), added_snapshot_ids_.end(),
                               ref.snapshot_id) != added_snapshot_ids_.end();
    int64_t logged_ms = added_now ? snapshot->timestamp_ms : NowMillis();
    metadata_.snapshot_log.push_back(SnapshotLogEntry{logged_ms, ref.snapshot_id});
  }
  changed_ = true;
  return Status::Ok();
}

void TableMetadataEditor::RemoveRef(const std::string& name) {
  if (metadata_.refs.erase(name) == 0) return;
  if (name == kMainBranch) metadata_.current_snapshot_id.reset();
  changed_ = true;
}

TableMetadata TableMetadataEditor::Finish() && {
  if (changed_) {
    int64_t latest = metadata_.last_updated_ms;
    for (const SnapshotLogEntry& entry : metadata_.snapshot_log) {
      latest = std::max(latest, entry.timestamp_ms);
    }
    metadata_.last_updated_ms = std::max(NowMillis(), latest);
  }
  return std::move(metadata_);
}

namespace {

/// Added schemas and a new current schema, asserting the base's current schema and last column id.
void DiffSchemas(const TableMetadata& base, const TableMetadata& updated, TableChanges* changes) {
  auto add = [changes](TableUpdate update) { changes->updates.push_back(std::move(update)); };
  bool schemas_changed = false;
  for (const Schema& schema : updated.schemas) {
    if (base.SchemaById(schema.schema_id()) == nullptr) {
      TableUpdate update;
      update.kind = Kind::kAddSchema;
      update.schema = schema;
      update.last_column_id = updated.last_column_id;
      add(std::move(update));
      schemas_changed = true;
    }
  }
  if (updated.current_schema_id != base.current_schema_id) {
    TableUpdate update;
    update.kind = Kind::kSetCurrentSchema;
    update.id = updated.current_schema_id;
    add(std::move(update));
    schemas_changed = true;
  }
  if (schemas_changed) {
    changes->requirements.push_back(TableRequirement::AssertId(
        TableRequirement::Kind::kAssertCurrentSchemaId, base.current_schema_id));
    changes->requirements.push_back(TableRequirement::AssertId(
        TableRequirement::Kind::kAssertLastAssignedFieldId, base.last_column_id));
  }
}

/// Added partition specs and a new default spec, asserting the base's default spec and last
/// partition id.
void DiffSpecs(const TableMetadata& base, const TableMetadata& updated, TableChanges* changes) {
  auto add = [changes](TableUpdate update) { changes->updates.push_back(std::move(update)); };
  bool specs_changed = false;
  for (const PartitionSpec& spec : updated.partition_specs) {
    if (base.SpecById(spec.spec_id) == nullptr) {
      TableUpdate update;
      update.kind = Kind::kAddSpec;
      update.spec = spec;
      add(std::move(update));
      specs_changed = true;
    }
  }
  if (updated.default_spec_id != base.default_spec_id) {
    TableUpdate update;
    update.kind = Kind::kSetDefaultSpec;
    update.id = updated.default_spec_id;
    add(std::move(update));
    specs_changed = true;
  }
  if (specs_changed) {
    changes->requirements.push_back(TableRequirement::AssertId(
        TableRequirement::Kind::kAssertDefaultSpecId, base.default_spec_id));
    changes->requirements.push_back(TableRequirement::AssertId(
        TableRequirement::Kind::kAssertLastAssignedPartitionId, base.last_partition_id));
  }
}

/// Added sort orders and a new default order, asserting the base's default order.
void DiffSortOrders(const TableMetadata& base, const TableMetadata& updated,
                    TableChanges* changes) {
  auto add = [changes](TableUpdate update) { changes->updates.push_back(std::move(update)); };
  bool orders_changed = false;
  for (const SortOrder& order : updated.sort_orders) {
    bool known = std::any_of(base.sort_orders.begin(), base.sort_orders.end(),
                             [&](const SortOrder& o) { return o.order_id == order.order_id; });
    if (!known) {
      TableUpdate update;
      update.kind = Kind::kAddSortOrder;
      update.sort_order = order;
      add(std::move(update));
      orders_changed = true;
    }
  }
  if (updated.default_sort_order_id != base.default_sort_order_id) {
    TableUpdate update;
    update.kind = Kind::kSetDefaultSortOrder;
    update.id = updated.default_sort_order_id;
    add(std::move(update));
    orders_changed = true;
  }
  if (orders_changed) {
    changes->requirements.push_back(TableRequirement::AssertId(
        TableRequirement::Kind::kAssertDefaultSortOrderId, base.default_sort_order_id));
  }
}

/// Added and removed snapshots and changed refs, asserting the base's main branch.
void DiffSnapshots(const TableMetadata& base, const TableMetadata& updated, TableChanges* changes) {
  auto add = [changes](TableUpdate update) { changes->updates.push_back(std::move(update)); };
  bool snapshots_changed = false;
  for (const Snapshot& snapshot : updated.snapshots) {
    if (base.SnapshotById(snapshot.snapshot_id) == nullptr) {
      TableUpdate update;
      update.kind = Kind::kAddSnapshot;
      update.snapshot = snapshot;
      add(std::move(update));
      snapshots_changed = true;
    }
  }
  std::vector<int64_t> removed;
  for (const Snapshot& snapshot : base.snapshots) {
    if (updated.SnapshotById(snapshot.snapshot_id) == nullptr)
      removed.push_back(snapshot.snapshot_id);
  }
  if (!removed.empty()) {
    TableUpdate update;
    update.kind = Kind::kRemoveSnapshots;
    update.snapshot_ids = std::move(removed);
    add(std::move(update));
    snapshots_changed = true;
  }
  for (const auto& [name, ref] : base.refs) {
    if (!updated.refs.contains(name)) {
      TableUpdate update;
      update.kind = Kind::kRemoveSnapshotRef;
      update.ref_name = name;
      add(std::move(update));
      snapshots_changed = true;
    }
  }
  for (const auto& [name, ref] : updated.refs) {
    auto it = base.refs.find(name);
    if (it == base.refs.end() || !(it->second == ref)) {
      TableUpdate update;
      update.kind = Kind::kSetSnapshotRef;
      update.ref_name = name;
      update.ref = ref;
      add(std::move(update));
      snapshots_changed = true;
    }
  }
  if (snapshots_changed) {
    std::optional<int64_t> main;
    if (auto it = base.refs.find(std::string(kMainBranch)); it != base.refs.end()) {
      main = it->second.snapshot_id;
    }
    changes->requirements.push_back(
        TableRequirement::AssertRefSnapshotId(std::string(kMainBranch), main));
  }
}

/// Set and removed properties.
void DiffProperties(const TableMetadata& base, const TableMetadata& updated,
                    TableChanges* changes) {
  auto add = [changes](TableUpdate update) { changes->updates.push_back(std::move(update)); };
  TableUpdate set;
  set.kind = Kind::kSetProperties;
  TableUpdate remove;
  remove.kind = Kind::kRemoveProperties;
  for (const auto& [key, value] : updated.properties) {
    auto it = base.properties.find(key);
    if (it == base.properties.end() || it->second != value) set.updates[key] = value;
  }
  for (const auto& [key, value] : base.properties) {
    if (!updated.properties.contains(key)) remove.removals.push_back(key);
  }
  if (!set.updates.empty()) add(std::move(set));
  if (!remove.removals.empty()) add(std::move(remove));
}

}  // namespace

Result<TableChanges> DiffTableMetadata(const TableMetadata& base, const TableMetadata& updated) {
  TableChanges changes;
  if (base.table_uuid != updated.table_uuid) {
    return InvalidArgument("commit changes the table uuid {} to {}", base.table_uuid,
                           updated.table_uuid);
  }
  changes.requirements.push_back(TableRequirement::AssertTableUuid(base.table_uuid));
  auto add = [&](TableUpdate update) { changes.updates.push_back(std::move(update)); };

  if (updated.format_version != base.format_version) {
    TableUpdate update;
    update.kind = Kind::kUpgradeFormatVersion;
    update.format_version = updated.format_version;
    add(std::move(update));
  }
  DiffSchemas(base, updated, &changes);
  DiffSpecs(base, updated, &changes);
  DiffSortOrders(base, updated, &changes);
  DiffSnapshots(base, updated, &changes);
  if (updated.location != base.location) {
    TableUpdate update;
    update.kind = Kind::kSetLocation;
    update.location = updated.location;
    add(std::move(update));
  }
  DiffProperties(base, updated, &changes);
  return changes;
}

}  // namespace floe::iceberg::rest
