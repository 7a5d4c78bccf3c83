#include "iceberg/catalog/catalog_internal.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "iceberg/table_metadata_json.h"
#include "io/local_file_io.h"

namespace floe::iceberg::internal {

namespace {

/// Characters a namespace level or table name may not hold: the stored form's level separator,
/// NUL (which ends C paths), and where names are directories the path separator.
constexpr std::string_view kForbiddenRowNameChars(".\0", 2);
constexpr std::string_view kForbiddenDirectoryNameChars("./\0", 3);

Status ValidateName(std::string_view what, std::string_view name, std::string_view full,
                    NameStore store) {
  if (name.empty()) return InvalidArgument("invalid {} in '{}': empty name", what, full);
  if (store == NameStore::kRows) {
    if (name.find_first_of(kForbiddenRowNameChars) != std::string_view::npos) {
      return InvalidArgument("invalid {} '{}' in '{}': names may not contain '.' or NUL", what,
                             name, full);
    }
  } else if (name.find_first_of(kForbiddenDirectoryNameChars) != std::string_view::npos) {
    return InvalidArgument("invalid {} '{}' in '{}': names may not contain '.', '/' or NUL", what,
                           name, full);
  }
  return Status::Ok();
}

/// `name` as one directory name of a kRows catalog's default location.
std::string EscapedDirectoryName(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c == '%') {
      out += "%25";
    } else if (c == '/') {
      out += "%2F";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

/// Where a local location lives on disk, for comparing two spellings of it; other schemes stay
/// as they are.
std::string Comparable(std::string_view location) {
  Result<std::string> path = io::LocalFileIO::ToPath(location);
  return path.ok() ? *path : std::string(location);
}

}  // namespace

Status ValidateNamespaceName(const Namespace& ns, NameStore store) {
  if (ns.levels.empty()) return InvalidArgument("a namespace needs at least one level");
  for (const std::string& level : ns.levels) {
    FLOE_RETURN_IF_ERROR(ValidateName("namespace level", level, ns.ToString(), store));
  }
  return Status::Ok();
}

Status ValidateTableName(const TableIdentifier& id, NameStore store) {
  FLOE_RETURN_IF_ERROR(ValidateNamespaceName(id.ns, store));
  return ValidateName("table name", id.name, id.ToString(), store);
}

std::optional<int> ParseInt(std::string_view text) {
  int value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

Result<std::string> NormalizeLocation(std::string_view location) {
  while (location.size() > 1 && location.ends_with('/')) location.remove_suffix(1);
  if (location.empty()) return InvalidArgument("empty location");
  bool has_scheme = location.find("://") != std::string_view::npos || location.starts_with("file:");
  if (has_scheme || location.starts_with('/')) return std::string(location);
  return io::LocalFileIO::ToPath(location);
}

std::string JoinLocation(std::string_view base, std::string_view child) {
  if (base.ends_with('/')) return fmt::format("{}{}", base, child);
  return fmt::format("{}/{}", base, child);
}

std::string DefaultTableLocation(std::string_view warehouse, const TableIdentifier& id,
                                 NameStore store) {
  auto directory = [store](const std::string& name) {
    return store == NameStore::kRows ? EscapedDirectoryName(name) : name;
  };
  std::string location(warehouse);
  for (const std::string& level : id.ns.levels) location = JoinLocation(location, directory(level));
  return JoinLocation(location, directory(id.name));
}

std::string MetadataDirectory(const TableMetadata& metadata) {
  std::string configured = metadata.Property(kWriteMetadataPathProperty, "");
  while (configured.size() > 1 && configured.ends_with('/')) configured.pop_back();
  return configured.empty() ? JoinLocation(metadata.location, "metadata") : configured;
}

Result<TableMetadata> ChainToBase(const LoadedTable& base, TableMetadata updated) {
  int keep = kDefaultPreviousVersionsMax;
  std::string configured = updated.Property(kPreviousVersionsMaxProperty, "");
  if (!configured.empty()) {
    std::optional<int> parsed = ParseInt(configured);
    if (!parsed) {
      return InvalidArgument("table {}: property {} is '{}', not an integer",
                             base.identifier.ToString(), kPreviousVersionsMaxProperty, configured);
    }
    keep = *parsed;
  }
  // Java keeps at least the file just replaced, whatever the property says.
  const size_t max_entries = static_cast<size_t>(std::max(keep, 1));

  std::vector<MetadataLogEntry>& log = updated.metadata_log;
  if (log.empty() || log.back().metadata_file != base.metadata_location) {
    log.push_back(MetadataLogEntry{base.metadata.last_updated_ms, base.metadata_location});
  }
  if (log.size() > max_entries) {
    log.erase(log.begin(), log.end() - static_cast<std::ptrdiff_t>(max_entries));
  }
  return updated;
}

Result<TableMetadata> ReadTableMetadata(io::FileIO& io, const TableIdentifier& id,
                                        const std::string& metadata_location) {
  const std::string context = fmt::format("loading table {}", id.ToString());
  Result<std::string> text = io.ReadFile(metadata_location);
  if (!text.ok()) return text.status().WithContext(context);
  Result<TableMetadata> metadata = TableMetadataFromJsonText(*text, metadata_location);
  if (!metadata.ok()) return metadata.status().WithContext(context);
  return metadata;
}

Status WriteTableMetadata(io::FileIO& io, const std::string& metadata_location,
                          const TableMetadata& metadata) {
  return io.WriteFile(metadata_location, TableMetadataToJsonText(metadata),
                      io::WriteMode::kCreateNew);
}

Status PurgeTableFiles(io::FileIO& io, std::string_view warehouse, const TableMetadata& metadata,
                       const std::string& metadata_location) {
  const std::string table_root = Comparable(metadata.location);
  const std::string warehouse_root = Comparable(warehouse);
  const std::string table_prefix = table_root.ends_with('/') ? table_root : table_root + "/";
  if (warehouse_root == table_root || warehouse_root.starts_with(table_prefix)) {
    return InvalidArgument(
        "refusing to purge {}: the table's location holds the whole warehouse {}",
        metadata.location, warehouse);
  }

  std::set<std::string> doomed = {metadata_location};
  for (const MetadataLogEntry& entry : metadata.metadata_log) doomed.insert(entry.metadata_file);
  Status first_error;
  Result<std::vector<io::FileInfo>> files = io.ListFiles(metadata.location);
  if (files.ok()) {
    for (const io::FileInfo& file : *files) doomed.insert(file.location);
  } else {
    first_error = files.status();
  }
  for (const std::string& location : doomed) {
    Status deleted = io.DeleteFile(location);
    if (!deleted.ok() && first_error.ok()) first_error = deleted;
  }
  return first_error.WithContext(fmt::format("purging the files of {}", metadata.location));
}

}  // namespace floe::iceberg::internal
