#pragma once

// Table updates of the REST commit protocol ("add-snapshot", "set-snapshot-ref", ...): the
// changes a client sends instead of a whole metadata file. The server applies them to the
// table's current metadata (TableMetadataEditor); the client derives them from the metadata it
// would have written (DiffTableMetadata).

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "iceberg/json_util.h"
#include "iceberg/rest/table_requirement.h"
#include "iceberg/table_metadata.h"

namespace floe::iceberg::rest {

/// Thread safety: a value type. Which members mean something depends on `kind`.
struct TableUpdate {
  enum class Kind {
    kAssignUuid,            // uuid
    kUpgradeFormatVersion,  // format_version
    kAddSchema,             // schema, last_column_id (optional)
    kSetCurrentSchema,      // id (-1: the schema added last)
    kAddSpec,               // spec
    kSetDefaultSpec,        // id (-1: the spec added last)
    kAddSortOrder,          // sort_order
    kSetDefaultSortOrder,   // id (-1: the order added last)
    kAddSnapshot,           // snapshot
    kSetSnapshotRef,        // ref_name, ref
    kRemoveSnapshotRef,     // ref_name
    kRemoveSnapshots,       // snapshot_ids
    kSetLocation,           // location
    kSetProperties,         // updates
    kRemoveProperties,      // removals
    kRemoveSchemas,         // ids (schema ids)
    kRemovePartitionSpecs,  // ids (spec ids)
  };
  Kind kind = Kind::kSetProperties;
  std::string uuid;
  int32_t format_version = 0;
  std::optional<Schema> schema;
  std::optional<int32_t> last_column_id;
  int32_t id = 0;
  std::optional<PartitionSpec> spec;
  std::optional<SortOrder> sort_order;
  std::optional<Snapshot> snapshot;
  std::string ref_name;
  SnapshotRef ref;
  std::vector<int64_t> snapshot_ids;
  std::vector<int32_t> ids;
  std::string location;
  std::map<std::string, std::string> updates;
  std::vector<std::string> removals;

  /// Its "action" name on the wire ("add-snapshot").
  std::string_view ActionName() const;
};

nlohmann::json TableUpdateToJson(const TableUpdate& update);
/// Unknown "action" values and malformed members are InvalidArgument naming the JSON path.
Result<TableUpdate> TableUpdateFromJson(const nlohmann::json& json, const JsonLocation& at);

/// Applies updates to a copy of a table's metadata, checking each as Java's
/// TableMetadata.Builder does (a snapshot id used twice, a sequence number that goes backwards, a
/// ref to a missing snapshot: InvalidArgument). Thread safety: none; one per commit.
class TableMetadataEditor {
 public:
  explicit TableMetadataEditor(TableMetadata base);

  Status Apply(const TableUpdate& update);
  /// True when some update changed the metadata.
  bool changed() const { return changed_; }
  /// The edited metadata, with last-updated-ms moved to now (never backwards) if it changed.
  TableMetadata Finish() &&;

 private:
  Status AddSchema(const TableUpdate& update);
  Status AddSpec(const TableUpdate& update);
  Status AddSortOrder(const TableUpdate& update);
  Status AddSnapshot(const Snapshot& snapshot);
  Status RemoveSchemas(const std::vector<int32_t>& ids);
  Status RemoveSpecs(const std::vector<int32_t>& ids);
  Status SetRef(const std::string& name, const SnapshotRef& ref);
  void RemoveRef(const std::string& name);

  TableMetadata metadata_;
  bool changed_ = false;
  std::optional<int32_t> last_added_schema_id_;
  std::optional<int32_t> last_added_spec_id_;
  std::optional<int32_t> last_added_order_id_;
  /// Snapshots added by this commit: a ref set to one of them is logged at its timestamp.
  std::vector<int64_t> added_snapshot_ids_;
};

/// A commit as requirements and updates: what a REST client sends for CommitTable(base, updated).
struct TableChanges {
  std::vector<TableRequirement> requirements;
  std::vector<TableUpdate> updates;
};

/// The changes that turn `base` into `updated`, with the requirements Java's UpdateRequirements
/// would send: the table uuid always; the main ref's snapshot when snapshots or refs change;
/// schema, spec and sort-order ids when those change. Logs (snapshot-log, metadata-log) and
/// last-updated-ms are the server's to write and are not compared.
Result<TableChanges> DiffTableMetadata(const TableMetadata& base, const TableMetadata& updated);

}  // namespace floe::iceberg::rest
