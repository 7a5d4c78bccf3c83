#pragma once

// JSON forms of snapshots and table metadata files (spec "Appendix C" and "Table Metadata").

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "iceberg/table_metadata.h"

namespace floe::iceberg {
nlohmann::json SnapshotToJson(const Snapshot& snapshot);
Result<Snapshot> SnapshotFromJson(const nlohmann::json& json, std::string_view path);

nlohmann::json TableMetadataToJson(const TableMetadata& metadata);
/// Serialized text, pretty enough to read (2-space indent).
std::string TableMetadataToJsonText(const TableMetadata& metadata);
/// Parses and validates a metadata file (v1 files upgraded in memory, v2 and v3 as they are):
/// missing required fields, ids that name nothing, wrong types → Corrupt naming `path` and the
/// JSON path. 64-bit ids are read losslessly.
Result<TableMetadata> TableMetadataFromJsonText(std::string_view text, std::string_view path);

}  // namespace floe::iceberg
