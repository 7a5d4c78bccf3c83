#include "iceberg/catalog/table_files.h"

#include "iceberg/manifest_avro.h"

namespace floe::iceberg {

Result<std::vector<ManifestEntry>> ReadManifestEntries(io::FileIO& io,
                                                       const TableMetadata& metadata,
                                                       const ManifestFile& manifest) {
  const Schema* schema = metadata.CurrentSchema();
  const PartitionSpec* spec = metadata.SpecById(manifest.partition_spec_id);
  if (schema == nullptr || spec == nullptr) {
    return Corrupt("manifest {} names partition spec {}, which table {} does not have",
                   manifest.manifest_path, manifest.partition_spec_id, metadata.location);
  }
  return ReadManifest(io, manifest, *schema, *spec);
}

Result<TableFiles> ListTableFiles(io::FileIO& io, const TableMetadata& metadata,
                                  std::optional<int64_t> snapshot_id) {
  const Snapshot* snapshot =
      snapshot_id ? metadata.SnapshotById(*snapshot_id) : metadata.CurrentSnapshot();
  TableFiles files;
  if (snapshot == nullptr) {
    if (snapshot_id)
      return NotFound("table {} has no snapshot {}", metadata.location, *snapshot_id);
    return files;
  }
  FLOE_ASSIGN_OR_RAISE(std::vector<ManifestFile> manifests,
                       ReadManifestList(io, snapshot->manifest_list));
  for (const ManifestFile& manifest : manifests) {
    FLOE_ASSIGN_OR_RAISE(std::vector<ManifestEntry> entries,
                         ReadManifestEntries(io, metadata, manifest));
    for (ManifestEntry& entry : entries) {
      if (entry.status == ManifestEntryStatus::kDeleted) continue;
      LiveFile live{std::move(entry.data_file),
                    entry.sequence_number.value_or(manifest.sequence_number),
                    manifest.partition_spec_id};
      if (live.file.content == DataFileContent::kData) {
        files.data.push_back(std::move(live));
      } else {
        files.deletes.push_back(std::move(live));
      }
    }
  }
  return files;
}

Result<std::set<std::string>> RemovedDataFilesSince(io::FileIO& io, const TableMetadata& metadata,
                                                    int64_t since_snapshot_id) {
  std::set<std::string> removed;
  const Snapshot* snapshot = metadata.CurrentSnapshot();
  while (snapshot != nullptr && snapshot->snapshot_id != since_snapshot_id) {
    auto operation = snapshot->summary.find(kSummaryOperation);
    // An append removes nothing; every other operation may have.
    if (operation == snapshot->summary.end() || operation->second != "append") {
      FLOE_ASSIGN_OR_RAISE(std::vector<ManifestFile> manifests,
                           ReadManifestList(io, snapshot->manifest_list));
      for (const ManifestFile& manifest : manifests) {
        if (manifest.added_snapshot_id != snapshot->snapshot_id ||
            manifest.content != ManifestContent::kData || manifest.deleted_files_count == 0) {
          continue;
        }
        FLOE_ASSIGN_OR_RAISE(std::vector<ManifestEntry> entries,
                             ReadManifestEntries(io, metadata, manifest));
        for (const ManifestEntry& entry : entries) {
          if (entry.status == ManifestEntryStatus::kDeleted) {
            removed.insert(entry.data_file.file_path);
          }
        }
      }
    }
    snapshot = snapshot->parent_snapshot_id ? metadata.SnapshotById(*snapshot->parent_snapshot_id)
                                            : nullptr;
  }
  if (snapshot == nullptr) {
    return NotFound("snapshot {} is not an ancestor of the current snapshot of {}",
                    since_snapshot_id, metadata.location);
  }
  return removed;
}

}  // namespace floe::iceberg
