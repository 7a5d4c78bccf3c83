#include "iceberg/table_metadata.h"

#include <charconv>

#include "common/clock.h"
#include "common/uuid.h"

namespace floe::iceberg {

namespace {

// The table property that chooses the format version of a new table; it configures creation
// and is not stored (Java treats it as reserved the same way).
constexpr const char* kFormatVersionProperty = "format-version";
constexpr int32_t kDefaultFormatVersion = 2;
constexpr int32_t kMinWritableFormatVersion = 2;
constexpr int32_t kOldestFormatVersion = 1;
constexpr int32_t kMaxFormatVersion = 3;
// v3 row lineage: from this version on the table counts rows, starting at kInitialRowId.
constexpr int32_t kRowLineageFormatVersion = 3;
constexpr int64_t kInitialRowId = 0;

Result<int32_t> FormatVersionFromProperty(const std::string& text, NewTableVersions versions) {
  int32_t version = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), version);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return InvalidArgument("table property {}='{}' is not a number", kFormatVersionProperty, text);
  }
  if (versions == NewTableVersions::kAny && version >= kOldestFormatVersion &&
      version <= kMaxFormatVersion) {
    return version;
  }
  if (version < kMinWritableFormatVersion || version > kMaxFormatVersion) {
    return InvalidArgument("table property {}={} is not supported: floe creates v{} and v{} tables",
                           kFormatVersionProperty, version, kMinWritableFormatVersion,
                           kMaxFormatVersion);
  }
  return version;
}

}  // namespace

const Schema* TableMetadata::CurrentSchema() const { return SchemaById(current_schema_id); }

const Schema* TableMetadata::SchemaById(int32_t schema_id) const {
  for (const Schema& schema : schemas) {
    if (schema.schema_id() == schema_id) return &schema;
  }
  return nullptr;
}

const PartitionSpec* TableMetadata::DefaultSpec() const { return SpecById(default_spec_id); }

const PartitionSpec* TableMetadata::SpecById(int32_t spec_id) const {
  for (const PartitionSpec& spec : partition_specs) {
    if (spec.spec_id == spec_id) return &spec;
  }
  return nullptr;
}

const Snapshot* TableMetadata::CurrentSnapshot() const {
  if (!current_snapshot_id.has_value()) return nullptr;
  return SnapshotById(*current_snapshot_id);
}

const Snapshot* TableMetadata::SnapshotById(int64_t snapshot_id) const {
  for (const Snapshot& snapshot : snapshots) {
    if (snapshot.snapshot_id == snapshot_id) return &snapshot;
  }
  return nullptr;
}

std::string TableMetadata::Property(const std::string& key, const std::string& fallback) const {
  auto it = properties.find(key);
  return it == properties.end() ? fallback : it->second;
}

Result<TableMetadata> NewTableMetadata(const Schema& schema, const PartitionSpec& spec,
                                       std::string location,
                                       std::map<std::string, std::string> properties,
                                       NewTableVersions versions) {
  TableMetadata metadata;
  metadata.format_version = kDefaultFormatVersion;
  if (auto it = properties.find(kFormatVersionProperty); it != properties.end()) {
    FLOE_ASSIGN_OR_RAISE(metadata.format_version, FormatVersionFromProperty(it->second, versions));
    properties.erase(it);
  }

  // Java strips trailing slashes so that paths built as location + "/data" have one separator.
  while (location.size() > 1 && location.back() == '/') location.pop_back();
  if (location.empty()) return InvalidArgument("a new table needs a location");

  Schema table_schema = schema;
  table_schema.set_schema_id(0);
  FLOE_RETURN_IF_ERROR_CTX(table_schema.Validate(), "schema");

  PartitionSpec table_spec = spec;
  table_spec.spec_id = 0;
  int32_t next_field_id = kFirstPartitionFieldId;
  for (PartitionField& field : table_spec.fields) field.field_id = next_field_id++;
  FLOE_RETURN_IF_ERROR_CTX(table_spec.Validate(table_schema), "partition spec");

  metadata.table_uuid = NewUuid();
  metadata.location = std::move(location);
  metadata.last_sequence_number = 0;
  metadata.last_updated_ms = NowMillis();
  metadata.last_column_id = table_schema.HighestFieldId();
  metadata.current_schema_id = table_schema.schema_id();
  metadata.schemas.push_back(std::move(table_schema));
  metadata.default_spec_id = table_spec.spec_id;
  metadata.last_partition_id = table_spec.LastFieldId();
  metadata.partition_specs.push_back(std::move(table_spec));
  metadata.sort_orders.push_back(SortOrder::Unsorted());
  metadata.default_sort_order_id = SortOrder::Unsorted().order_id;
  metadata.properties = std::move(properties);
  if (metadata.format_version >= kRowLineageFormatVersion) metadata.next_row_id = kInitialRowId;
  return metadata;
}

int64_t NewSnapshotId() {
  constexpr int64_t kJavaScriptSafeIntegerMask = (int64_t{1} << 53) - 1;
  int64_t id = 0;
  while (id == 0) id = NewPositiveId() & kJavaScriptSafeIntegerMask;
  return id;
}

}  // namespace floe::iceberg
