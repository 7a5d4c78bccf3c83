#include "iceberg/table_metadata_json.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "iceberg/json_util.h"
#include "iceberg/schema_json.h"

namespace floe::iceberg {

using json_util::ExpectArray;
using json_util::ExpectObject;
using json_util::JsonInt32;
using json_util::JsonInt64;
using json_util::JsonOptional;
using json_util::JsonRequired;
using json_util::JsonString;
using json_util::JsonStringList;
using json_util::JsonStringMap;
using json_util::ParseJsonText;
using json_util::RequiredInt32;
using json_util::RequiredInt64;
using json_util::RequiredString;
using nlohmann::json;

namespace {

// Member names (spec "Table Metadata" and Appendix C).
constexpr const char* kFormatVersion = "format-version";
constexpr const char* kTableUuid = "table-uuid";
constexpr const char* kLocation = "location";
constexpr const char* kLastSequenceNumber = "last-sequence-number";
constexpr const char* kLastUpdatedMs = "last-updated-ms";
constexpr const char* kLastColumnId = "last-column-id";
constexpr const char* kSchema = "schema";
constexpr const char* kSchemas = "schemas";
constexpr const char* kCurrentSchemaId = "current-schema-id";
constexpr const char* kPartitionSpec = "partition-spec";
constexpr const char* kPartitionSpecs = "partition-specs";
constexpr const char* kDefaultSpecId = "default-spec-id";
constexpr const char* kLastPartitionId = "last-partition-id";
constexpr const char* kSortOrders = "sort-orders";
constexpr const char* kDefaultSortOrderId = "default-sort-order-id";
constexpr const char* kProperties = "properties";
constexpr const char* kCurrentSnapshotId = "current-snapshot-id";
constexpr const char* kRefs = "refs";
constexpr const char* kSnapshots = "snapshots";
constexpr const char* kStatistics = "statistics";
constexpr const char* kPartitionStatistics = "partition-statistics";
constexpr const char* kSnapshotLog = "snapshot-log";
constexpr const char* kMetadataLog = "metadata-log";
constexpr const char* kNextRowId = "next-row-id";
constexpr const char* kMetadataFile = "metadata-file";

constexpr const char* kSnapshotId = "snapshot-id";
constexpr const char* kParentSnapshotId = "parent-snapshot-id";
constexpr const char* kSequenceNumber = "sequence-number";
constexpr const char* kTimestampMs = "timestamp-ms";
constexpr const char* kManifestList = "manifest-list";
constexpr const char* kManifests = "manifests";
constexpr const char* kSummary = "summary";
constexpr const char* kSchemaId = "schema-id";
constexpr const char* kFirstRowId = "first-row-id";
constexpr const char* kAddedRows = "added-rows";

constexpr const char* kRefType = "type";
constexpr const char* kBranch = "branch";
constexpr const char* kTag = "tag";
constexpr const char* kMinSnapshotsToKeep = "min-snapshots-to-keep";
constexpr const char* kMaxSnapshotAgeMs = "max-snapshot-age-ms";
constexpr const char* kMaxRefAgeMs = "max-ref-age-ms";
constexpr const char* kMainBranch = "main";

constexpr int32_t kFormatV1 = 1;
// v3 adds row lineage (next-row-id) and writes a missing current snapshot as null.
constexpr int32_t kFormatV3 = 3;
constexpr int32_t kMaxFormatVersion = kFormatV3;
// Java's in-memory and v1/v2 on-disk spelling of "no current snapshot".
constexpr int64_t kNoSnapshotId = -1;
constexpr int kJsonIndent = 2;

Result<std::optional<int64_t>> OptionalInt64(const json& object, std::string_view key,
                                             const JsonLocation& at) {
  const json* member = JsonOptional(object, key);
  if (member == nullptr) return std::optional<int64_t>();
  FLOE_ASSIGN_OR_RAISE(int64_t value, JsonInt64(*member, at.Key(key)));
  return std::optional<int64_t>(value);
}

Result<std::optional<int32_t>> OptionalInt32(const json& object, std::string_view key,
                                             const JsonLocation& at) {
  const json* member = JsonOptional(object, key);
  if (member == nullptr) return std::optional<int32_t>();
  FLOE_ASSIGN_OR_RAISE(int32_t value, JsonInt32(*member, at.Key(key)));
  return std::optional<int32_t>(value);
}

json StringMapToJson(const std::map<std::string, std::string>& map) {
  json out = json::object();
  for (const auto& [key, value] : map) out[key] = value;
  return out;
}

// Applies `parse(item, location)` to every element of an optional array member.
template <typename T, typename Parse>
Result<std::vector<T>> OptionalArray(const json& object, std::string_view key,
                                     const JsonLocation& at, const Parse& parse) {
  std::vector<T> out;
  const json* array = JsonOptional(object, key);
  if (array == nullptr) return out;
  const JsonLocation array_at = at.Key(key);
  FLOE_RETURN_IF_ERROR(ExpectArray(*array, array_at));
  out.reserve(array->size());
  for (size_t i = 0; i < array->size(); ++i) {
    FLOE_ASSIGN_OR_RAISE(T item, parse((*array)[i], array_at.Index(i)));
    out.push_back(std::move(item));
  }
  return out;
}

Result<Snapshot> SnapshotFromJsonAt(const json& value, const JsonLocation& at) {
  FLOE_RETURN_IF_ERROR(ExpectObject(value, at));
  Snapshot snapshot;
  FLOE_ASSIGN_OR_RAISE(snapshot.snapshot_id, RequiredInt64(value, kSnapshotId, at));
  FLOE_ASSIGN_OR_RAISE(snapshot.parent_snapshot_id, OptionalInt64(value, kParentSnapshotId, at));
  // v1 snapshots have no sequence number: they read as 0, as the spec says.
  FLOE_ASSIGN_OR_RAISE(std::optional<int64_t> sequence_number,
                       OptionalInt64(value, kSequenceNumber, at));
  snapshot.sequence_number = sequence_number.value_or(0);
  FLOE_ASSIGN_OR_RAISE(snapshot.timestamp_ms, RequiredInt64(value, kTimestampMs, at));
  if (JsonOptional(value, kManifestList) == nullptr && JsonOptional(value, kManifests) != nullptr) {
    return Status(ErrorKind::kNotSupported,
                  at.Key(kManifests)
                      .Error("v1 snapshots that embed their manifests instead of a manifest list "
                             "are not supported")
                      .message());
  }
  FLOE_ASSIGN_OR_RAISE(snapshot.manifest_list, RequiredString(value, kManifestList, at));
  if (const json* summary = JsonOptional(value, kSummary)) {
    FLOE_ASSIGN_OR_RAISE(snapshot.summary, JsonStringMap(*summary, at.Key(kSummary)));
  }
  FLOE_ASSIGN_OR_RAISE(snapshot.schema_id, OptionalInt32(value, kSchemaId, at));
  FLOE_ASSIGN_OR_RAISE(snapshot.first_row_id, OptionalInt64(value, kFirstRowId, at));
  FLOE_ASSIGN_OR_RAISE(snapshot.added_rows, OptionalInt64(value, kAddedRows, at));
  return snapshot;
}

Result<SnapshotRef> RefFromJson(const json& value, const JsonLocation& at) {
  FLOE_RETURN_IF_ERROR(ExpectObject(value, at));
  SnapshotRef ref;
  FLOE_ASSIGN_OR_RAISE(ref.snapshot_id, RequiredInt64(value, kSnapshotId, at));
  FLOE_ASSIGN_OR_RAISE(ref.type, RequiredString(value, kRefType, at));
  if (ref.type != kBranch && ref.type != kTag) {
    return at.Key(kRefType).Error(fmt::format("unknown ref type '{}'", ref.type));
  }
  FLOE_ASSIGN_OR_RAISE(ref.min_snapshots_to_keep, OptionalInt32(value, kMinSnapshotsToKeep, at));
  FLOE_ASSIGN_OR_RAISE(ref.max_snapshot_age_ms, OptionalInt64(value, kMaxSnapshotAgeMs, at));
  FLOE_ASSIGN_OR_RAISE(ref.max_ref_age_ms, OptionalInt64(value, kMaxRefAgeMs, at));
  return ref;
}

json RefToJson(const SnapshotRef& ref) {
  json out = json::object();
  out[kSnapshotId] = ref.snapshot_id;
  out[kRefType] = ref.type;
  if (ref.min_snapshots_to_keep) out[kMinSnapshotsToKeep] = *ref.min_snapshots_to_keep;
  if (ref.max_snapshot_age_ms) out[kMaxSnapshotAgeMs] = *ref.max_snapshot_age_ms;
  if (ref.max_ref_age_ms) out[kMaxRefAgeMs] = *ref.max_ref_age_ms;
  return out;
}

Result<SnapshotLogEntry> SnapshotLogEntryFromJson(const json& value, const JsonLocation& at) {
  SnapshotLogEntry entry;
  FLOE_ASSIGN_OR_RAISE(entry.timestamp_ms, RequiredInt64(value, kTimestampMs, at));
  FLOE_ASSIGN_OR_RAISE(entry.snapshot_id, RequiredInt64(value, kSnapshotId, at));
  return entry;
}

Result<MetadataLogEntry> MetadataLogEntryFromJson(const json& value, const JsonLocation& at) {
  MetadataLogEntry entry;
  FLOE_ASSIGN_OR_RAISE(entry.timestamp_ms, RequiredInt64(value, kTimestampMs, at));
  FLOE_ASSIGN_OR_RAISE(entry.metadata_file, RequiredString(value, kMetadataFile, at));
  return entry;
}

// A member that the format version requires, or nullptr when the version lets it be absent.
Result<const json*> MemberForVersion(const json& root, std::string_view key, bool required,
                                     const JsonLocation& at, int32_t format_version) {
  const json* member = JsonOptional(root, key);
  if (member == nullptr && required) {
    return at.Error(
        fmt::format("missing required field '{}' (format version {})", key, format_version));
  }
  return member;
}

// Schemas: "schemas" + "current-schema-id", or v1's lone "schema".
Status ReadSchemas(const json& root, const JsonLocation& at, TableMetadata& metadata) {
  const bool v1 = metadata.format_version == kFormatV1;
  FLOE_ASSIGN_OR_RAISE(const json* schemas,
                       MemberForVersion(root, kSchemas, !v1, at, metadata.format_version));
  if (schemas != nullptr) {
    FLOE_ASSIGN_OR_RAISE(metadata.schemas,
                         OptionalArray<Schema>(root, kSchemas, at, SchemaFromJsonAt));
    FLOE_ASSIGN_OR_RAISE(metadata.current_schema_id, RequiredInt32(root, kCurrentSchemaId, at));
  } else {
    FLOE_ASSIGN_OR_RAISE(const json* schema, JsonRequired(root, kSchema, at));
    FLOE_ASSIGN_OR_RAISE(Schema only, SchemaFromJsonAt(*schema, at.Key(kSchema)));
    metadata.current_schema_id = only.schema_id();
    metadata.schemas.push_back(std::move(only));
  }
  std::set<int32_t> ids;
  for (size_t i = 0; i < metadata.schemas.size(); ++i) {
    const Schema& schema = metadata.schemas[i];
    const JsonLocation schema_at = schemas != nullptr ? at.Key(kSchemas).Index(i) : at.Key(kSchema);
    if (!ids.insert(schema.schema_id()).second) {
      return schema_at.Error(fmt::format("duplicate schema id {}", schema.schema_id()));
    }
    Status valid = schema.Validate();
    if (!valid.ok()) return schema_at.Error(valid.message());
  }
  if (metadata.CurrentSchema() == nullptr) {
    return at.Key(kCurrentSchemaId)
        .Error(fmt::format("current schema id {} names no schema", metadata.current_schema_id));
  }
  return Status::Ok();
}

// Specs: "partition-specs" + "default-spec-id", or v1's lone "partition-spec" fields array.
Status ReadSpecs(const json& root, const JsonLocation& at, TableMetadata& metadata) {
  const bool v1 = metadata.format_version == kFormatV1;
  FLOE_ASSIGN_OR_RAISE(const json* specs,
                       MemberForVersion(root, kPartitionSpecs, !v1, at, metadata.format_version));
  if (specs != nullptr) {
    FLOE_ASSIGN_OR_RAISE(
        metadata.partition_specs,
        OptionalArray<PartitionSpec>(root, kPartitionSpecs, at, PartitionSpecFromJsonAt));
    FLOE_ASSIGN_OR_RAISE(metadata.default_spec_id, RequiredInt32(root, kDefaultSpecId, at));
  } else {
    FLOE_ASSIGN_OR_RAISE(const json* fields, JsonRequired(root, kPartitionSpec, at));
    FLOE_ASSIGN_OR_RAISE(PartitionSpec only,
                         PartitionFieldsFromJsonAt(*fields, 0, at.Key(kPartitionSpec)));
    metadata.default_spec_id = only.spec_id;
    metadata.partition_specs.push_back(std::move(only));
  }
  std::set<int32_t> ids;
  for (size_t i = 0; i < metadata.partition_specs.size(); ++i) {
    const PartitionSpec& spec = metadata.partition_specs[i];
    const JsonLocation spec_at =
        specs != nullptr ? at.Key(kPartitionSpecs).Index(i) : at.Key(kPartitionSpec);
    if (!ids.insert(spec.spec_id).second) {
      return spec_at.Error(fmt::format("duplicate partition spec id {}", spec.spec_id));
    }
    // Like Java, only the default spec must bind to the current schema: older specs may name
    // columns that have since been dropped.
    if (spec.spec_id == metadata.default_spec_id) {
      Status valid = spec.Validate(*metadata.CurrentSchema());
      if (!valid.ok()) return spec_at.Error(valid.message());
    }
  }
  if (metadata.DefaultSpec() == nullptr) {
    return at.Key(kDefaultSpecId)
        .Error(fmt::format("default spec id {} names no partition spec", metadata.default_spec_id));
  }
  const json* last_partition_id = JsonOptional(root, kLastPartitionId);
  if (last_partition_id != nullptr) {
    FLOE_ASSIGN_OR_RAISE(metadata.last_partition_id,
                         JsonInt32(*last_partition_id, at.Key(kLastPartitionId)));
  } else if (!v1) {
    return at.Error(fmt::format("missing required field '{}' (format version {})", kLastPartitionId,
                                metadata.format_version));
  } else {
    metadata.last_partition_id = kFirstPartitionFieldId - 1;
    for (const PartitionSpec& spec : metadata.partition_specs) {
      for (const PartitionField& field : spec.fields) {
        metadata.last_partition_id = std::max(metadata.last_partition_id, field.field_id);
      }
    }
  }
  return Status::Ok();
}

Status ReadSortOrders(const json& root, const JsonLocation& at, TableMetadata& metadata) {
  const bool v1 = metadata.format_version == kFormatV1;
  FLOE_ASSIGN_OR_RAISE(const json* orders,
                       MemberForVersion(root, kSortOrders, !v1, at, metadata.format_version));
  if (orders == nullptr) {
    metadata.sort_orders = {SortOrder::Unsorted()};
    metadata.default_sort_order_id = SortOrder::Unsorted().order_id;
    return Status::Ok();
  }
  FLOE_ASSIGN_OR_RAISE(metadata.sort_orders,
                       OptionalArray<SortOrder>(root, kSortOrders, at, SortOrderFromJsonAt));
  FLOE_ASSIGN_OR_RAISE(metadata.default_sort_order_id,
                       RequiredInt32(root, kDefaultSortOrderId, at));
  std::set<int32_t> ids;
  bool found_default = false;
  for (size_t i = 0; i < metadata.sort_orders.size(); ++i) {
    const int32_t order_id = metadata.sort_orders[i].order_id;
    if (!ids.insert(order_id).second) {
      return at.Key(kSortOrders)
          .Index(i)
          .Error(fmt::format("duplicate sort order id {}", order_id));
    }
    found_default = found_default || order_id == metadata.default_sort_order_id;
  }
  if (!found_default) {
    return at.Key(kDefaultSortOrderId)
        .Error(fmt::format("default sort order id {} names no sort order",
                           metadata.default_sort_order_id));
  }
  return Status::Ok();
}

Status ReadSnapshots(const json& root, const JsonLocation& at, TableMetadata& metadata) {
  FLOE_ASSIGN_OR_RAISE(metadata.snapshots,
                       OptionalArray<Snapshot>(root, kSnapshots, at, SnapshotFromJsonAt));
  std::set<int64_t> ids;
  for (size_t i = 0; i < metadata.snapshots.size(); ++i) {
    const Snapshot& snapshot = metadata.snapshots[i];
    const JsonLocation snapshot_at = at.Key(kSnapshots).Index(i);
    if (!ids.insert(snapshot.snapshot_id).second) {
      return snapshot_at.Error(fmt::format("duplicate snapshot id {}", snapshot.snapshot_id));
    }
    if (metadata.format_version > kFormatV1 &&
        snapshot.sequence_number > metadata.last_sequence_number) {
      return snapshot_at.Key(kSequenceNumber)
          .Error(fmt::format("sequence number {} is above the table's last sequence number {}",
                             snapshot.sequence_number, metadata.last_sequence_number));
    }
  }

  // -1 and null both mean "no current snapshot" (v1/v2 Java and v3 Java respectively).
  FLOE_ASSIGN_OR_RAISE(std::optional<int64_t> current, OptionalInt64(root, kCurrentSnapshotId, at));
  if (current.has_value() && *current != kNoSnapshotId) {
    metadata.current_snapshot_id = current;
    if (metadata.CurrentSnapshot() == nullptr) {
      return at.Key(kCurrentSnapshotId)
          .Error(fmt::format("current snapshot id {} names no snapshot", *current));
    }
  }

  if (const json* refs = JsonOptional(root, kRefs)) {
    const JsonLocation refs_at = at.Key(kRefs);
    FLOE_RETURN_IF_ERROR(ExpectObject(*refs, refs_at));
    for (const auto& [name, value] : refs->items()) {
      FLOE_ASSIGN_OR_RAISE(SnapshotRef ref, RefFromJson(value, refs_at.Key(name)));
      if (metadata.SnapshotById(ref.snapshot_id) == nullptr) {
        return refs_at.Key(name)
            .Key(kSnapshotId)
            .Error(fmt::format("ref '{}' names snapshot {}, which does not exist", name,
                               ref.snapshot_id));
      }
      metadata.refs.emplace(name, std::move(ref));
    }
  } else if (metadata.current_snapshot_id.has_value()) {
    // Files written before refs existed: the current snapshot is the main branch.
    metadata.refs.emplace(kMainBranch, SnapshotRef{*metadata.current_snapshot_id});
  }
  auto main = metadata.refs.find(kMainBranch);
  if (main != metadata.refs.end() && main->second.snapshot_id != metadata.current_snapshot_id) {
    return at.Key(kRefs)
        .Key(kMainBranch)
        .Error(fmt::format("main branch names snapshot {} but the current snapshot is {}",
                           main->second.snapshot_id,
                           metadata.current_snapshot_id.has_value()
                               ? std::to_string(*metadata.current_snapshot_id)
                               : std::string("none")));
  }

  FLOE_ASSIGN_OR_RAISE(
      metadata.snapshot_log,
      OptionalArray<SnapshotLogEntry>(root, kSnapshotLog, at, SnapshotLogEntryFromJson));
  FLOE_ASSIGN_OR_RAISE(
      metadata.metadata_log,
      OptionalArray<MetadataLogEntry>(root, kMetadataLog, at, MetadataLogEntryFromJson));
  return Status::Ok();
}

Result<TableMetadata> TableMetadataFromJsonAt(const json& root, const JsonLocation& at) {
  FLOE_RETURN_IF_ERROR(ExpectObject(root, at));
  TableMetadata metadata;
  FLOE_ASSIGN_OR_RAISE(metadata.format_version, RequiredInt32(root, kFormatVersion, at));
  if (metadata.format_version > kMaxFormatVersion) {
    return Status(ErrorKind::kNotSupported,
                  at.Key(kFormatVersion)
                      .Error(fmt::format("format version {} is newer than floe supports ({})",
                                         metadata.format_version, kMaxFormatVersion))
                      .message());
  }
  if (metadata.format_version < kFormatV1) {
    return at.Key(kFormatVersion)
        .Error(fmt::format("invalid format version {}", metadata.format_version));
  }
  const bool v1 = metadata.format_version == kFormatV1;

  FLOE_ASSIGN_OR_RAISE(const json* uuid,
                       MemberForVersion(root, kTableUuid, !v1, at, metadata.format_version));
  if (uuid != nullptr) {
    FLOE_ASSIGN_OR_RAISE(metadata.table_uuid, JsonString(*uuid, at.Key(kTableUuid)));
  }
  FLOE_ASSIGN_OR_RAISE(metadata.location, RequiredString(root, kLocation, at));
  // v1 has no sequence numbers; Java ignores the member there too.
  if (!v1) {
    FLOE_ASSIGN_OR_RAISE(metadata.last_sequence_number,
                         RequiredInt64(root, kLastSequenceNumber, at));
  }
  FLOE_ASSIGN_OR_RAISE(metadata.last_updated_ms, RequiredInt64(root, kLastUpdatedMs, at));
  FLOE_ASSIGN_OR_RAISE(metadata.last_column_id, RequiredInt32(root, kLastColumnId, at));

  FLOE_RETURN_IF_ERROR(ReadSchemas(root, at, metadata));
  FLOE_RETURN_IF_ERROR(ReadSpecs(root, at, metadata));
  FLOE_RETURN_IF_ERROR(ReadSortOrders(root, at, metadata));
  if (const json* properties = JsonOptional(root, kProperties)) {
    FLOE_ASSIGN_OR_RAISE(metadata.properties, JsonStringMap(*properties, at.Key(kProperties)));
  }
  FLOE_RETURN_IF_ERROR(ReadSnapshots(root, at, metadata));
  if (metadata.format_version >= kFormatV3) {
    FLOE_ASSIGN_OR_RAISE(int64_t next_row_id, RequiredInt64(root, kNextRowId, at));
    metadata.next_row_id = next_row_id;
  }
  return metadata;
}

}  // namespace

json SnapshotToJson(const Snapshot& snapshot) {
  json out = json::object();
  out[kSnapshotId] = snapshot.snapshot_id;
  if (snapshot.parent_snapshot_id) out[kParentSnapshotId] = *snapshot.parent_snapshot_id;
  out[kSequenceNumber] = snapshot.sequence_number;
  out[kTimestampMs] = snapshot.timestamp_ms;
  out[kManifestList] = snapshot.manifest_list;
  out[kSummary] = StringMapToJson(snapshot.summary);
  if (snapshot.schema_id) out[kSchemaId] = *snapshot.schema_id;
  if (snapshot.first_row_id) out[kFirstRowId] = *snapshot.first_row_id;
  if (snapshot.added_rows) out[kAddedRows] = *snapshot.added_rows;
  return out;
}

Result<Snapshot> SnapshotFromJson(const json& value, std::string_view path) {
  return SnapshotFromJsonAt(value, JsonLocation{path, ""});
}

json TableMetadataToJson(const TableMetadata& metadata) {
  const bool v1 = metadata.format_version == kFormatV1;
  json out = json::object();
  out[kFormatVersion] = metadata.format_version;
  // Only a v1 file read without one can lack a uuid; write none rather than an invalid "".
  if (!metadata.table_uuid.empty()) out[kTableUuid] = metadata.table_uuid;
  out[kLocation] = metadata.location;
  if (!v1) out[kLastSequenceNumber] = metadata.last_sequence_number;
  out[kLastUpdatedMs] = metadata.last_updated_ms;
  out[kLastColumnId] = metadata.last_column_id;

  json schemas = json::array();
  for (const Schema& schema : metadata.schemas) schemas.push_back(SchemaToJson(schema));
  out[kSchemas] = std::move(schemas);
  out[kCurrentSchemaId] = metadata.current_schema_id;

  json specs = json::array();
  for (const PartitionSpec& spec : metadata.partition_specs) {
    specs.push_back(PartitionSpecToJson(spec));
  }
  out[kPartitionSpecs] = std::move(specs);
  out[kDefaultSpecId] = metadata.default_spec_id;
  out[kLastPartitionId] = metadata.last_partition_id;

  // v1 readers know only the current schema and the default spec, under their old names.
  if (v1) {
    if (const Schema* schema = metadata.CurrentSchema()) out[kSchema] = SchemaToJson(*schema);
    if (const PartitionSpec* spec = metadata.DefaultSpec()) {
      out[kPartitionSpec] = PartitionFieldsToJson(*spec);
    }
  }

  json orders = json::array();
  for (const SortOrder& order : metadata.sort_orders) orders.push_back(SortOrderToJson(order));
  out[kSortOrders] = std::move(orders);
  out[kDefaultSortOrderId] = metadata.default_sort_order_id;

  out[kProperties] = StringMapToJson(metadata.properties);
  // As Java: no current snapshot is -1 up to v2 and null from v3 on.
  if (metadata.current_snapshot_id.has_value()) {
    out[kCurrentSnapshotId] = *metadata.current_snapshot_id;
  } else if (metadata.format_version >= kFormatV3) {
    out[kCurrentSnapshotId] = nullptr;
  } else {
    out[kCurrentSnapshotId] = kNoSnapshotId;
  }

  json refs = json::object();
  for (const auto& [name, ref] : metadata.refs) refs[name] = RefToJson(ref);
  out[kRefs] = std::move(refs);

  json snapshots = json::array();
  for (const Snapshot& snapshot : metadata.snapshots) snapshots.push_back(SnapshotToJson(snapshot));
  out[kSnapshots] = std::move(snapshots);
  // Java always writes both lists; floe keeps no statistics files, so they are empty.
  out[kStatistics] = json::array();
  out[kPartitionStatistics] = json::array();

  json snapshot_log = json::array();
  for (const SnapshotLogEntry& entry : metadata.snapshot_log) {
    snapshot_log.push_back({{kTimestampMs, entry.timestamp_ms}, {kSnapshotId, entry.snapshot_id}});
  }
  out[kSnapshotLog] = std::move(snapshot_log);
  json metadata_log = json::array();
  for (const MetadataLogEntry& entry : metadata.metadata_log) {
    metadata_log.push_back(
        {{kTimestampMs, entry.timestamp_ms}, {kMetadataFile, entry.metadata_file}});
  }
  out[kMetadataLog] = std::move(metadata_log);

  if (metadata.format_version >= kFormatV3) out[kNextRowId] = metadata.next_row_id.value_or(0);
  return out;
}

std::string TableMetadataToJsonText(const TableMetadata& metadata) {
  // Replace rather than throw on invalid UTF-8 in a string: writing must not fail here.
  return TableMetadataToJson(metadata).dump(kJsonIndent, ' ', /*ensure_ascii=*/false,
                                            json::error_handler_t::replace);
}

Result<TableMetadata> TableMetadataFromJsonText(std::string_view text, std::string_view path) {
  Result<TableMetadata> metadata = [&]() -> Result<TableMetadata> {
    FLOE_ASSIGN_OR_RAISE(json root, ParseJsonText(text, path));
    return TableMetadataFromJsonAt(root, JsonLocation{path, ""});
  }();
  // The JSON helpers report bad input as InvalidArgument; in a stored file it is corruption.
  if (!metadata.ok() && metadata.status().kind() == ErrorKind::kInvalidArgument) {
    return Status(ErrorKind::kCorrupt, metadata.status().message());
  }
  return metadata;
}

}  // namespace floe::iceberg
