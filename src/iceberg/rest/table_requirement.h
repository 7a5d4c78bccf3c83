#pragma once

// Table requirements of the REST commit protocol: what must still hold of a table's current
// metadata for a commit's updates to apply ("assert-ref-snapshot-id" for main: nobody committed
// in between). Servers check them; a failed one is a lost race (kCommitFailed, HTTP 409).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "common/result.h"
#include "iceberg/json_util.h"
#include "iceberg/table_metadata.h"

namespace floe::iceberg::rest {

/// Thread safety: a value type. Which members mean something depends on `kind`.
struct TableRequirement {
  enum class Kind {
    kAssertCreate,                   // the table must not exist
    kAssertTableUuid,                // uuid
    kAssertRefSnapshotId,            // ref, snapshot_id (nullopt: the ref must not exist)
    kAssertLastAssignedFieldId,      // id
    kAssertCurrentSchemaId,          // id
    kAssertLastAssignedPartitionId,  // id
    kAssertDefaultSpecId,            // id
    kAssertDefaultSortOrderId,       // id
  };
  Kind kind = Kind::kAssertTableUuid;
  std::string uuid;
  std::string ref;
  std::optional<int64_t> snapshot_id;
  int32_t id = 0;

  static TableRequirement AssertTableUuid(std::string uuid);
  static TableRequirement AssertRefSnapshotId(std::string ref, std::optional<int64_t> snapshot_id);
  static TableRequirement AssertId(Kind kind, int32_t id);

  /// Its "type" name on the wire ("assert-table-uuid").
  std::string_view TypeName() const;

  /// Checks the requirement against the table's current metadata (nullptr: the table does not
  /// exist). kCommitFailed says what moved.
  Status Validate(const TableMetadata* current) const;

  bool operator==(const TableRequirement&) const = default;
};

nlohmann::json TableRequirementToJson(const TableRequirement& requirement);
/// Unknown "type" values and malformed members are InvalidArgument naming the JSON path.
Result<TableRequirement> TableRequirementFromJson(const nlohmann::json& json,
                                                  const JsonLocation& at);

}  // namespace floe::iceberg::rest
