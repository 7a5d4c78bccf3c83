#include "iceberg/catalog/orphan_files.h"

#include <fmt/format.h>

#include <set>
#include <string_view>

#include "iceberg/catalog/catalog_internal.h"
#include "iceberg/manifest_avro.h"
#include "iceberg/partitioned_writer.h"

namespace floe::iceberg {

Result<std::vector<std::string>> ReferencedFiles(io::FileIO& io, const TableMetadata& table) {
  const Schema* schema = table.CurrentSchema();
  if (schema == nullptr) return Corrupt("table {} has no current schema", table.location);
  // Fast appends carry their parents' manifests: read each manifest once.
  std::set<std::string> manifests_read;
  std::set<std::string> referenced;
  for (const Snapshot& snapshot : table.snapshots) {
    referenced.insert(snapshot.manifest_list);
    FLOE_ASSIGN_OR_RAISE(std::vector<ManifestFile> manifests,
                         ReadManifestList(io, snapshot.manifest_list));
    for (const ManifestFile& manifest : manifests) {
      if (!manifests_read.insert(manifest.manifest_path).second) continue;
      referenced.insert(manifest.manifest_path);
      const PartitionSpec* spec = table.SpecById(manifest.partition_spec_id);
      if (spec == nullptr) {
        return Corrupt("manifest {} names partition spec {}, which table {} does not have",
                       manifest.manifest_path, manifest.partition_spec_id, table.location);
      }
      FLOE_ASSIGN_OR_RAISE(std::vector<ManifestEntry> entries,
                           ReadManifest(io, manifest, *schema, *spec));
      for (const ManifestEntry& entry : entries) referenced.insert(entry.data_file.file_path);
    }
  }
  return std::vector<std::string>(referenced.begin(), referenced.end());
}

Result<OrphanCleanup> DeleteOrphanFiles(io::FileIO& io, const TableMetadata& table,
                                        const std::string& file_prefix,
                                        int64_t modified_before_ms) {
  if (file_prefix.empty()) {
    return InvalidArgument("deleting orphan files of {}: no file-name prefix", table.location);
  }
  FLOE_ASSIGN_OR_RAISE(std::vector<io::FileInfo> listed, io.ListFiles(DataDirectory(table) + "/"));
  FLOE_ASSIGN_OR_RAISE(std::vector<io::FileInfo> metadata_files,
                       io.ListFiles(internal::MetadataDirectory(table) + "/"));
  for (io::FileInfo& file : metadata_files) {
    if (file.location.ends_with(".avro")) listed.push_back(std::move(file));
  }

  OrphanCleanup cleanup;
  std::vector<const io::FileInfo*> candidates;
  for (const io::FileInfo& file : listed) {
    std::string_view name = file.location;
    name.remove_prefix(name.rfind('/') + 1);
    if (name.starts_with(file_prefix)) candidates.push_back(&file);
  }
  if (candidates.empty()) return cleanup;

  FLOE_ASSIGN_OR_RAISE(std::vector<std::string> referenced_list, ReferencedFiles(io, table));
  const std::set<std::string_view> referenced(referenced_list.begin(), referenced_list.end());
  for (const io::FileInfo* file : candidates) {
    if (referenced.contains(file->location)) {
      ++cleanup.referenced;
    } else if (file->modified_ms == 0 || file->modified_ms >= modified_before_ms) {
      ++cleanup.too_young;  // a live writer may still commit it (or its age is unknown)
    } else {
      FLOE_RETURN_IF_ERROR_CTX(io.DeleteFile(file->location), "deleting an orphan file");
      ++cleanup.deleted;
    }
  }
  return cleanup;
}

}  // namespace floe::iceberg
