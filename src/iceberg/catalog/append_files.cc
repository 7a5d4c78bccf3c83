#include "iceberg/catalog/append_files.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <optional>
#include <set>
#include <thread>

#include "common/clock.h"
#include "common/fault.h"
#include "common/uuid.h"
#include "iceberg/catalog/catalog_internal.h"
#include "iceberg/catalog/table_files.h"
#include "iceberg/manifest_avro.h"

namespace floe::iceberg {

namespace {

constexpr const char* kEngineName = "floe";
constexpr const char* kEngineVersion = "0.1.0";
constexpr int32_t kRowLineageFormatVersion = 3;

int64_t SummaryValue(const Snapshot* snapshot, const std::string& key) {
  if (snapshot == nullptr) return 0;
  auto it = snapshot->summary.find(key);
  if (it == snapshot->summary.end()) return 0;
  int64_t value = 0;
  std::from_chars(it->second.data(), it->second.data() + it->second.size(), value);
  return value;
}

/// Builds the metadata of `base` with `snapshot` as its new current snapshot on main.
TableMetadata WithSnapshot(const TableMetadata& base, const Snapshot& snapshot) {
  TableMetadata updated = base;
  updated.snapshots.push_back(snapshot);
  updated.current_snapshot_id = snapshot.snapshot_id;
  updated.last_sequence_number = snapshot.sequence_number;
  updated.last_updated_ms = snapshot.timestamp_ms;
  updated.refs["main"] = SnapshotRef{snapshot.snapshot_id, "branch", {}, {}, {}};
  updated.snapshot_log.push_back(SnapshotLogEntry{snapshot.timestamp_ms, snapshot.snapshot_id});
  if (snapshot.first_row_id) {
    updated.next_row_id = *snapshot.first_row_id + snapshot.added_rows.value_or(0);
  }
  return updated;
}

/// The manifests a commit adds: written once for all its attempts, as they do not depend on the
/// parent.
struct NewManifests {
  std::optional<ManifestFile> data;     // none for an empty append (offsets only)
  std::optional<ManifestFile> deletes;  // a row delta's delete files

  void Discard(io::FileIO& io) const {
    if (data) (void)io.DeleteFile(data->manifest_path);
    if (deletes) (void)io.DeleteFile(deletes->manifest_path);
  }
};

/// Writes the manifest of `files` at `location_prefix`-m0.avro and that of the options' delete
/// files at -m1.avro (refusing data files among them, and position delete files in a v3 table).
Result<NewManifests> WriteNewManifests(io::FileIO& io, const LoadedTable& base,
                                       const std::vector<DataFile>& files,
                                       const AppendOptions& options, int64_t snapshot_id,
                                       const std::string& location_prefix) {
  const TableMetadata& first = base.metadata;
  ManifestWriteContext context;
  context.format_version = first.format_version;
  context.schema = first.CurrentSchema();
  context.spec = first.DefaultSpec();
  context.content = ManifestContent::kData;
  context.snapshot_id = snapshot_id;
  NewManifests added;
  if (!files.empty()) {
    std::vector<ManifestEntry> entries;
    entries.reserve(files.size());
    for (const DataFile& file : files) {
      entries.push_back({ManifestEntryStatus::kAdded, snapshot_id, {}, {}, file});
    }
    FLOE_ASSIGN_OR_RAISE(added.data,
                         WriteManifest(io, location_prefix + "-m0.avro", context, entries));
    FaultPoint("after-manifest");
  }
  if (options.delete_files.empty()) return added;
  std::vector<ManifestEntry> delete_entries;
  for (const DataFile& file : options.delete_files) {
    const bool plain_position_deletes =
        file.content == DataFileContent::kPositionDeletes && !file.content_offset;
    if (file.content == DataFileContent::kData ||
        (plain_position_deletes && first.format_version >= kRowLineageFormatVersion)) {
      added.Discard(io);
      return InvalidArgument(
          "row delta on {}: {} is {}", base.identifier.ToString(), file.file_path,
          file.content == DataFileContent::kData
              ? "a data file, not a delete file"
              : "a position delete file, which a v3 table must not get (deletion vectors)");
    }
    delete_entries.push_back({ManifestEntryStatus::kAdded, snapshot_id, {}, {}, file});
  }
  context.content = ManifestContent::kDeletes;
  Result<ManifestFile> written =
      WriteManifest(io, location_prefix + "-m1.avro", context, delete_entries);
  if (!written.ok()) {
    added.Discard(io);
    return written.status();
  }
  added.deletes = std::move(written).value();
  return added;
}

bool SameDeleteFile(const DataFile& a, const DataFile& b) {
  return a.file_path == b.file_path && a.content_offset == b.content_offset;
}

/// What a row delta that removes delete files does to its parent's delete manifests: each one
/// holding a removed file is rewritten (removed entries DELETED by this snapshot, the other
/// live ones EXISTING) under `location_prefix`-N.avro, in its place in `manifests`. Checks that
/// every removed file was live and that the new deletion vectors are the only ones of their data
/// files (CommitFailed otherwise). Adds the rewritten manifests' paths to `written`.
Status RemoveDeleteFiles(io::FileIO& io, const TableMetadata& metadata,
                         const AppendOptions& options, int64_t snapshot_id, int64_t sequence_number,
                         const std::string& location_prefix, std::vector<ManifestFile>* manifests,
                         std::vector<std::string>* written) {
  std::set<std::string> new_vectors;
  for (const DataFile& file : options.delete_files) {
    if (file.content_offset && file.referenced_data_file) {
      new_vectors.insert(*file.referenced_data_file);
    }
  }
  if (new_vectors.empty() && options.removed_delete_files.empty()) return Status::Ok();
  std::vector<bool> found(options.removed_delete_files.size(), false);
  for (ManifestFile& manifest : *manifests) {
    if (manifest.content != ManifestContent::kDeletes) continue;
    FLOE_ASSIGN_OR_RAISE(std::vector<ManifestEntry> entries,
                         ReadManifestEntries(io, metadata, manifest));
    std::vector<ManifestEntry> rewritten;
    bool removes = false;
    for (ManifestEntry& entry : entries) {
      if (entry.status == ManifestEntryStatus::kDeleted) continue;
      auto removed =
          std::find_if(options.removed_delete_files.begin(), options.removed_delete_files.end(),
                       [&](const DataFile& file) { return SameDeleteFile(file, entry.data_file); });
      entry.status = ManifestEntryStatus::kExisting;
      if (removed != options.removed_delete_files.end()) {
        found[removed - options.removed_delete_files.begin()] = true;
        entry.status = ManifestEntryStatus::kDeleted;
        entry.snapshot_id = snapshot_id;
        removes = true;
      } else if (entry.data_file.content_offset && entry.data_file.referenced_data_file &&
                 new_vectors.contains(*entry.data_file.referenced_data_file)) {
        return CommitFailed(
            "row delta on {}: data file {} has a deletion vector that this commit does not "
            "replace (a concurrent commit added it)",
            metadata.location, *entry.data_file.referenced_data_file);
      }
      rewritten.push_back(std::move(entry));
    }
    if (!removes) continue;
    const PartitionSpec* spec = metadata.SpecById(manifest.partition_spec_id);
    ManifestWriteContext context;
    context.format_version = metadata.format_version;
    context.schema = metadata.CurrentSchema();
    context.spec = spec;
    context.content = ManifestContent::kDeletes;
    context.snapshot_id = snapshot_id;
    context.sequence_number = sequence_number;
    const std::string location = fmt::format("{}-{}.avro", location_prefix, written->size());
    FLOE_ASSIGN_OR_RAISE(manifest, WriteManifest(io, location, context, rewritten));
    written->push_back(location);
  }
  for (size_t i = 0; i < found.size(); ++i) {
    if (!found[i]) {
      return CommitFailed(
          "row delta on {}: delete file {} (at {}) is no longer live (a concurrent commit removed "
          "it)",
          metadata.location, options.removed_delete_files[i].file_path,
          options.removed_delete_files[i].content_offset.value_or(0));
    }
  }
  return Status::Ok();
}

}  // namespace

std::map<std::string, std::string> AppendSummary(const Snapshot* parent,
                                                 const std::vector<DataFile>& files,
                                                 const std::vector<DataFile>& delete_files,
                                                 const std::vector<DataFile>& removed_deletes) {
  int64_t added_records = 0;
  int64_t added_size = 0;
  std::set<std::vector<Scalar>> partitions;
  for (const DataFile& file : files) {
    added_records += file.record_count;
    added_size += file.file_size_in_bytes;
    partitions.insert(file.partition);
  }
  int64_t position_delete_files = 0;
  int64_t equality_delete_files = 0;
  int64_t position_deletes = 0;
  int64_t equality_deletes = 0;
  int64_t deletion_vectors = 0;
  for (const DataFile& file : delete_files) {
    added_size += file.file_size_in_bytes;
    partitions.insert(file.partition);
    if (file.content == DataFileContent::kEqualityDeletes) {
      ++equality_delete_files;
      equality_deletes += file.record_count;
    } else {
      ++(file.content_offset ? deletion_vectors : position_delete_files);
      position_deletes += file.record_count;
    }
  }
  int64_t removed_position_deletes = 0;
  int64_t removed_equality_deletes = 0;
  int64_t removed_size = 0;
  for (const DataFile& file : removed_deletes) {
    // Several DVs share a Puffin file: its size counts once per blob, as Java's summaries do.
    removed_size += file.content_size_in_bytes.value_or(file.file_size_in_bytes);
    (file.content == DataFileContent::kEqualityDeletes ? removed_equality_deletes
                                                       : removed_position_deletes) +=
        file.record_count;
  }
  auto total = [&](const std::string& key, int64_t added) {
    return std::to_string(SummaryValue(parent, key) + added);
  };
  std::map<std::string, std::string> summary;
  summary[kSummaryOperation] = delete_files.empty() ? "append"
                               : files.empty()      ? "delete"
                                                    : "overwrite";
  summary["added-data-files"] = std::to_string(files.size());
  summary["added-records"] = std::to_string(added_records);
  summary["added-files-size"] = std::to_string(added_size);
  summary["changed-partition-count"] = std::to_string(partitions.size());
  summary["total-records"] = total("total-records", added_records);
  summary["total-data-files"] = total("total-data-files", static_cast<int64_t>(files.size()));
  const auto put_positive = [&](const char* key, int64_t value) {
    if (value > 0) summary[key] = std::to_string(value);
  };
  const auto added_delete_files = static_cast<int64_t>(delete_files.size());
  if (added_delete_files > 0) {
    summary["added-delete-files"] = std::to_string(added_delete_files);
    put_positive("added-position-delete-files", position_delete_files);
    put_positive("added-equality-delete-files", equality_delete_files);
    put_positive("added-dvs", deletion_vectors);
    summary["added-position-deletes"] = std::to_string(position_deletes);
    summary["added-equality-deletes"] = std::to_string(equality_deletes);
  }
  const auto removed_delete_files = static_cast<int64_t>(removed_deletes.size());
  if (removed_delete_files > 0) {
    summary["removed-delete-files"] = std::to_string(removed_delete_files);
    put_positive("removed-position-deletes", removed_position_deletes);
    put_positive("removed-equality-deletes", removed_equality_deletes);
    summary["removed-files-size"] = std::to_string(removed_size);
  }
  summary["total-files-size"] = total("total-files-size", added_size - removed_size);
  summary["total-delete-files"] =
      total("total-delete-files", added_delete_files - removed_delete_files);
  summary["total-position-deletes"] =
      total("total-position-deletes", position_deletes - removed_position_deletes);
  summary["total-equality-deletes"] =
      total("total-equality-deletes", equality_deletes - removed_equality_deletes);
  summary["engine-name"] = kEngineName;
  summary["engine-version"] = kEngineVersion;
  return summary;
}

Result<AppendResult> AppendFiles(Catalog& catalog, const LoadedTable& base,
                                 const std::vector<DataFile>& files, const AppendOptions& options) {
  if (files.empty() && options.delete_files.empty() && !options.allow_empty) {
    return InvalidArgument("append to {}: no data files", base.identifier.ToString());
  }
  io::FileIO& io = *catalog.file_io();
  const int64_t snapshot_id = options.snapshot_id != 0 ? options.snapshot_id : NewSnapshotId();
  const std::string commit_uuid = NewUuid();

  const TableMetadata& first = base.metadata;
  const Schema* schema = first.CurrentSchema();
  const PartitionSpec* spec = first.DefaultSpec();
  if (schema == nullptr || spec == nullptr) {
    return Corrupt("{}: no current schema or default spec", base.metadata_location);
  }

  const std::string metadata_dir = internal::MetadataDirectory(first);
  FLOE_ASSIGN_OR_RAISE(
      NewManifests added,
      WriteNewManifests(io, base, files, options, snapshot_id,
                        fmt::format("{}/{}{}", metadata_dir, options.file_prefix, commit_uuid)));
  // Deletes what this commit wrote for all attempts, once it is known not to land.
  const auto discard_manifests = [&] { added.Discard(io); };
  const std::optional<ManifestFile>& new_manifest = added.data;
  const std::optional<ManifestFile>& delete_manifest = added.deletes;

  LoadedTable current = base;
  int64_t wait_ms = options.min_retry_wait_ms;
  int conflicts = 0;  // attempts refused because the table had moved
  for (int attempt = 0;; ++attempt) {
    const TableMetadata& metadata = current.metadata;
    const Snapshot* parent = metadata.CurrentSnapshot();
    std::vector<ManifestFile> manifests;
    if (parent != nullptr) {
      FLOE_ASSIGN_OR_RAISE(manifests, ReadManifestList(io, parent->manifest_list));
    }
    Snapshot snapshot;
    snapshot.snapshot_id = snapshot_id;
    if (parent != nullptr) snapshot.parent_snapshot_id = parent->snapshot_id;
    snapshot.sequence_number = metadata.last_sequence_number + 1;
    snapshot.timestamp_ms = std::max(NowMillis(), metadata.last_updated_ms);
    snapshot.schema_id = metadata.current_schema_id;
    snapshot.summary =
        AppendSummary(parent, files, options.delete_files, options.removed_delete_files);
    for (const auto& [key, value] : options.summary) snapshot.summary[key] = value;
    if (options.validate) {
      Status status = options.validate(metadata);
      if (!status.ok()) {
        discard_manifests();
        return status;
      }
    }
    if (options.summary_for_base) {
      Status status = options.summary_for_base(metadata, &snapshot.summary);
      if (!status.ok()) {
        discard_manifests();
        return status;
      }
    }

    // The rewritten delete manifests of this attempt (deleted again if it does not land).
    std::vector<std::string> rewritten;
    Status removed = RemoveDeleteFiles(
        io, metadata, options, snapshot_id, snapshot.sequence_number,
        fmt::format("{}/{}{}-a{}-r", metadata_dir, options.file_prefix, commit_uuid, attempt + 1),
        &manifests, &rewritten);
    if (!removed.ok()) {
      for (const std::string& location : rewritten) (void)io.DeleteFile(location);
      discard_manifests();
      return removed;
    }
    if (new_manifest) {
      ManifestFile added = *new_manifest;
      added.sequence_number = snapshot.sequence_number;
      added.min_sequence_number = snapshot.sequence_number;
      manifests.insert(manifests.begin(), added);
    }
    if (delete_manifest) {
      ManifestFile added = *delete_manifest;
      added.sequence_number = snapshot.sequence_number;
      added.min_sequence_number = snapshot.sequence_number;
      manifests.insert(manifests.begin() + (new_manifest ? 1 : 0), added);
    }

    snapshot.manifest_list =
        fmt::format("{}/{}snap-{}-{}-{}.avro", metadata_dir, options.file_prefix, snapshot_id,
                    attempt + 1, commit_uuid);
    ManifestListWriteContext list_context;
    list_context.format_version = metadata.format_version;
    list_context.snapshot_id = snapshot_id;
    list_context.parent_snapshot_id = snapshot.parent_snapshot_id;
    list_context.sequence_number = snapshot.sequence_number;
    if (metadata.format_version >= kRowLineageFormatVersion) {
      // v3 row lineage: the manifest list numbers the rows of every data manifest that has no
      // first_row_id yet, from the table's next-row-id on; the snapshot records the range.
      snapshot.first_row_id = metadata.next_row_id.value_or(0);
      int64_t assigned = 0;
      for (const ManifestFile& manifest : manifests) {
        if (!manifest.first_row_id && manifest.content == ManifestContent::kData) {
          assigned += manifest.added_rows_count + manifest.existing_rows_count;
        }
      }
      snapshot.added_rows = assigned;
      list_context.first_row_id = snapshot.first_row_id;
    }
    FLOE_RETURN_IF_ERROR(WriteManifestList(io, snapshot.manifest_list, list_context, manifests));

    FaultPoint("before-commit");
    Result<LoadedTable> committed = catalog.CommitTable(current, WithSnapshot(metadata, snapshot));
    if (committed.ok()) {
      FaultPoint("after-commit-before-response");
      return AppendResult{std::move(committed).value(), snapshot_id, attempt + 1, conflicts};
    }
    const Status& status = committed.status();
    if (status.IsCommitStateUnknown()) {
      // Did it land? Reload and look for our snapshot; never delete what may be referenced.
      Result<LoadedTable> reloaded = catalog.LoadTable(base.identifier);
      if (!reloaded.ok()) {
        return CommitStateUnknown("{}; reloading {} to find out failed too: {}", status.message(),
                                  base.identifier.ToString(), reloaded.status().message());
      }
      if (reloaded->metadata.SnapshotById(snapshot_id) != nullptr) {
        return AppendResult{std::move(reloaded).value(), snapshot_id, attempt + 1, conflicts};
      }
      current = std::move(reloaded).value();
    } else if (status.IsCommitFailed()) {
      ++conflicts;
      // Known not to have landed: its manifest list is garbage; so is the manifest if the
      // table cannot be reloaded for another attempt (dropped, unreachable).
      (void)io.DeleteFile(snapshot.manifest_list);
      for (const std::string& location : rewritten) (void)io.DeleteFile(location);
      Result<LoadedTable> reloaded = catalog.LoadTable(base.identifier);
      if (!reloaded.ok()) {
        discard_manifests();
        return reloaded.status().WithContext(
            fmt::format("append to {}: reloading after a conflict", base.identifier.ToString()));
      }
      current = std::move(reloaded).value();
    } else {
      (void)io.DeleteFile(snapshot.manifest_list);
      for (const std::string& location : rewritten) (void)io.DeleteFile(location);
      discard_manifests();
      return status;
    }
    const auto next_start = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
    if (attempt + 1 > options.max_retries || next_start > options.deadline) {
      if (status.IsCommitFailed()) discard_manifests();
      return status.WithContext(
          fmt::format("append to {} after {} attempts", base.identifier.ToString(), attempt + 1));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
    wait_ms = std::min(wait_ms * 2, options.max_retry_wait_ms);
  }
}

}  // namespace floe::iceberg
