#pragma once

// What the SQL and Hadoop catalogs share: name checks, table locations, and reading, writing,
// chaining and purging metadata files.

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "iceberg/catalog/catalog.h"
#include "iceberg/table_metadata.h"
#include "io/file_io.h"

namespace floe::iceberg::internal {

/// Table property: the directory for metadata files instead of <location>/metadata.
inline constexpr const char* kWriteMetadataPathProperty = "write.metadata.path";
/// Table property: how many previous metadata files metadata-log keeps.
inline constexpr const char* kPreviousVersionsMaxProperty = "write.metadata.previous-versions-max";
inline constexpr int kDefaultPreviousVersionsMax = 100;

/// How a catalog keeps names. kDirectories: each name is a directory (the Hadoop catalog), so
/// '/' is refused; kRows: names are database values (the SQL catalog) and a '/' in one is
/// escaped where the name becomes part of a default table location.
enum class NameStore { kDirectories, kRows };

/// Checks a namespace name before it is stored: at least one level, each non-empty and free of
/// '.' (the separator of the stored form), NUL, and for kDirectories '/' (so that no level can
/// climb out of the warehouse).
Status ValidateNamespaceName(const Namespace& ns, NameStore store);
/// The same for a table identifier: its namespace, and its name.
Status ValidateTableName(const TableIdentifier& id, NameStore store);

/// The whole of `text` as a decimal int (a leading '-' allowed), or nullopt.
std::optional<int> ParseInt(std::string_view text);

/// Strips trailing slashes and makes a relative local path absolute, so that what is stored
/// does not depend on the working directory of whoever created it.
Result<std::string> NormalizeLocation(std::string_view location);
/// `base` + "/" + `child`, with one slash between them.
std::string JoinLocation(std::string_view base, std::string_view child);
/// <warehouse>/<namespace levels joined by '/'>/<table>. For kRows, '%' and '/' in a name are
/// written %25 and %2F, so that each name stays one directory and two names never share one.
std::string DefaultTableLocation(std::string_view warehouse, const TableIdentifier& id,
                                 NameStore store);

/// The directory new metadata files go to: write.metadata.path, else <location>/metadata.
std::string MetadataDirectory(const TableMetadata& metadata);

/// `updated` with `base`'s metadata file appended to its metadata-log (stamped with base's
/// last-updated-ms, as Java does) unless it is the last entry already, trimmed to the newest
/// write.metadata.previous-versions-max entries (at least one).
Result<TableMetadata> ChainToBase(const LoadedTable& base, TableMetadata updated);

/// Reads and parses a metadata file; errors name the table and the file.
Result<TableMetadata> ReadTableMetadata(io::FileIO& io, const TableIdentifier& id,
                                        const std::string& metadata_location);
/// Writes a metadata file that must not exist yet.
Status WriteTableMetadata(io::FileIO& io, const std::string& metadata_location,
                          const TableMetadata& metadata);

/// Deletes every file below the table's location, the current metadata file and those in its
/// metadata-log. Refuses a location that contains `warehouse` (a table placed at the warehouse
/// root would take every other table with it). Keeps deleting past failures; returns the first.
Status PurgeTableFiles(io::FileIO& io, std::string_view warehouse, const TableMetadata& metadata,
                       const std::string& metadata_location);

}  // namespace floe::iceberg::internal
