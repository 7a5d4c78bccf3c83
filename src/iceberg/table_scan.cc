#include "iceberg/table_scan.h"

#include <algorithm>
#include <set>

#include "iceberg/manifest_avro.h"

namespace floe::iceberg {

namespace {

std::string SnapshotIds(const TableMetadata& metadata) {
  std::string ids;
  for (const Snapshot& snapshot : metadata.snapshots) {
    if (!ids.empty()) ids += ", ";
    ids += std::to_string(snapshot.snapshot_id);
  }
  return ids.empty() ? "none" : ids;
}

bool SamePartition(const TableMetadata& metadata, const ScanFile& data, const ScanFile& deletes) {
  const PartitionSpec* spec = metadata.SpecById(deletes.spec_id);
  if (spec != nullptr && spec->fields.empty()) return true;  // written unpartitioned: global
  return deletes.spec_id == data.spec_id && deletes.file.partition == data.file.partition;
}

bool Applies(const TableMetadata& metadata, const ScanFile& data, const ScanFile& deletes) {
  const DataFile& file = deletes.file;
  if (file.content == DataFileContent::kEqualityDeletes) {
    return deletes.sequence_number > data.sequence_number && SamePartition(metadata, data, deletes);
  }
  if (deletes.sequence_number < data.sequence_number) return false;
  if (file.referenced_data_file) return *file.referenced_data_file == data.file.file_path;
  return SamePartition(metadata, data, deletes);
}

}  // namespace

Result<std::vector<ScanFile>> LiveFiles(io::FileIO& io, const TableMetadata& metadata,
                                        const Snapshot& snapshot, ScanStats* stats) {
  FLOE_ASSIGN_OR_RAISE(std::vector<ManifestFile> manifests,
                       ReadManifestList(io, snapshot.manifest_list));
  std::vector<ScanFile> files;
  const Schema* schema = metadata.CurrentSchema();
  if (schema == nullptr) return Corrupt("table metadata has no current schema");
  for (const ManifestFile& manifest : manifests) {
    ++stats->manifests;
    const PartitionSpec* spec = metadata.SpecById(manifest.partition_spec_id);
    if (spec == nullptr) {
      return Corrupt("manifest {} names partition spec {}, which the table does not have",
                     manifest.manifest_path, manifest.partition_spec_id);
    }
    FLOE_ASSIGN_OR_RAISE(std::vector<ManifestEntry> entries,
                         ReadManifest(io, manifest, *schema, *spec));
    for (ManifestEntry& entry : entries) {
      if (entry.status == ManifestEntryStatus::kDeleted) continue;
      ScanFile file;
      file.sequence_number = entry.sequence_number.value_or(manifest.sequence_number);
      file.spec_id = manifest.partition_spec_id;
      file.file = std::move(entry.data_file);
      files.push_back(std::move(file));
    }
  }
  return files;
}

Result<const Snapshot*> SnapshotAsOf(const TableMetadata& metadata, int64_t timestamp_ms) {
  const Snapshot* found = nullptr;
  int64_t found_ms = 0;
  if (!metadata.snapshot_log.empty()) {
    for (const SnapshotLogEntry& entry : metadata.snapshot_log) {
      const Snapshot* snapshot = metadata.SnapshotById(entry.snapshot_id);
      if (entry.timestamp_ms <= timestamp_ms && snapshot != nullptr &&
          (found == nullptr || entry.timestamp_ms >= found_ms)) {
        found = snapshot;
        found_ms = entry.timestamp_ms;
      }
    }
  } else {
    for (const Snapshot& snapshot : metadata.snapshots) {
      if (snapshot.timestamp_ms <= timestamp_ms &&
          (found == nullptr || snapshot.timestamp_ms >= found_ms)) {
        found = &snapshot;
        found_ms = snapshot.timestamp_ms;
      }
    }
  }
  if (found == nullptr) {
    return NotFound("the table had no snapshot at {} ms since the epoch (its snapshots: {})",
                    timestamp_ms, SnapshotIds(metadata));
  }
  return found;
}

Result<std::optional<Snapshot>> ChooseSnapshot(const TableMetadata& metadata,
                                               const ScanOptions& options) {
  if (options.snapshot_id && options.as_of_ms) {
    return InvalidArgument("give a snapshot id or a time to read as of, not both");
  }
  if (options.snapshot_id) {
    const Snapshot* snapshot = metadata.SnapshotById(*options.snapshot_id);
    if (snapshot == nullptr) {
      return NotFound("snapshot {} does not exist (the table's snapshots: {})",
                      *options.snapshot_id, SnapshotIds(metadata));
    }
    return std::optional<Snapshot>(*snapshot);
  }
  if (options.as_of_ms) {
    FLOE_ASSIGN_OR_RAISE(const Snapshot* snapshot, SnapshotAsOf(metadata, *options.as_of_ms));
    return std::optional<Snapshot>(*snapshot);
  }
  const Snapshot* current = metadata.CurrentSnapshot();
  return current ? std::optional<Snapshot>(*current) : std::nullopt;
}

Result<Schema> SchemaForSnapshot(const TableMetadata& metadata, const Snapshot* snapshot) {
  if (snapshot != nullptr && snapshot->schema_id) {
    if (const Schema* of_snapshot = metadata.SchemaById(*snapshot->schema_id)) {
      return *of_snapshot;
    }
  }
  const Schema* current = metadata.CurrentSchema();
  if (current == nullptr) return Corrupt("table metadata has no current schema");
  return *current;
}

Result<TableScan> TableScan::Plan(io::FileIO& io, const TableMetadata& metadata,
                                  const ScanOptions& options) {
  TableScan scan;
  FLOE_ASSIGN_OR_RAISE(scan.snapshot_, ChooseSnapshot(metadata, options));
  FLOE_ASSIGN_OR_RAISE(scan.schema_, SchemaForSnapshot(metadata, scan.snapshot()));
  if (!scan.snapshot_) return scan;

  FLOE_ASSIGN_OR_RAISE(std::vector<ScanFile> files,
                       LiveFiles(io, metadata, *scan.snapshot_, &scan.stats_));
  std::vector<std::shared_ptr<const ScanFile>> deletes;
  for (ScanFile& file : files) {
    if (file.file.content == DataFileContent::kData) continue;
    ++scan.stats_.delete_files;
    deletes.push_back(std::make_shared<const ScanFile>(std::move(file)));
  }
  for (ScanFile& file : files) {
    if (file.file.content != DataFileContent::kData) continue;
    ++scan.stats_.data_files;
    const PartitionSpec* spec = metadata.SpecById(file.spec_id);
    if (spec != nullptr && !options.predicate.FileMayMatch(scan.schema_, *spec, file.file)) {
      ++scan.stats_.pruned_files;
      continue;
    }
    FileScanTask task;
    for (const auto& candidate : deletes) {
      if (Applies(metadata, file, *candidate)) task.deletes.push_back(candidate);
    }
    task.data = std::move(file);
    scan.tasks_.push_back(std::move(task));
  }
  return scan;
}

std::vector<int32_t> TableScan::EqualityFieldIds() const {
  std::set<int32_t> ids;
  for (const FileScanTask& task : tasks_) {
    for (const auto& deletes : task.deletes) {
      if (deletes->file.content != DataFileContent::kEqualityDeletes) continue;
      ids.insert(deletes->file.equality_ids.begin(), deletes->file.equality_ids.end());
    }
  }
  return {ids.begin(), ids.end()};
}

}  // namespace floe::iceberg
