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

}  // namespace

std::map<std::string, std::string> AppendSummary(const Snapshot* parent,
                                                 const std::vector<DataFile>& files) {
  int64_t added_records = 0;
  int64_t added_size = 0;
  std::set<std::vector<Scalar>> partitions;
  for (const DataFile& file : files) {
    added_records += file.record_count;
    added_size += file.file_size_in_bytes;
    partitions.insert(file.partition);
  }
  auto total = [&](const std::string& key, int64_t added) {
    return std::to_string(SummaryValue(parent, key) + added);
  };
  std::map<std::string, std::string> summary;
  summary[kSummaryOperation] = "append";
  summary["added-data-files"] = std::to_string(files.size());
  summary["added-records"] = std::to_string(added_records);
  summary["added-files-size"] = std::to_string(added_size);
  summary["changed-partition-count"] = std::to_string(partitions.size());
  summary["total-records"] = total("total-records", added_records);
  summary["total-files-size"] = total("total-files-size", added_size);
  summary["total-data-files"] = total("total-data-files", static_cast<int64_t>(files.size()));
  summary["total-delete-files"] = total("total-delete-files", 0);
  summary["total-position-deletes"] = total("total-position-deletes", 0);
  summary["total-equality-deletes"] = total("total-equality-deletes", 0);
  summary["engine-name"] = kEngineName;
  summary["engine-version"] = kEngineVersion;
  return summary;
}

Result<AppendResult> AppendFiles(Catalog& catalog, const LoadedTable& base,
                                 const std::vector<DataFile>& files, const AppendOptions& options) {
  if (files.empty() && !options.allow_empty) {
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

  // The new files' manifest does not depend on the parent: write it once for all attempts.
  std::vector<ManifestEntry> entries;
  entries.reserve(files.size());
  for (const DataFile& file : files) {
    ManifestEntry entry;
    entry.status = ManifestEntryStatus::kAdded;
    entry.snapshot_id = snapshot_id;
    entry.data_file = file;
    entries.push_back(std::move(entry));
  }
  const std::string metadata_dir = internal::MetadataDirectory(first);
  const std::string manifest_location =
      fmt::format("{}/{}{}-m0.avro", metadata_dir, options.file_prefix, commit_uuid);
  ManifestWriteContext manifest_context;
  manifest_context.format_version = first.format_version;
  manifest_context.schema = schema;
  manifest_context.spec = spec;
  manifest_context.content = ManifestContent::kData;
  manifest_context.snapshot_id = snapshot_id;
  // An empty append (a checkpoint that only moves offsets) adds no manifest.
  std::optional<ManifestFile> new_manifest;
  if (!files.empty()) {
    FLOE_ASSIGN_OR_RAISE(new_manifest,
                         WriteManifest(io, manifest_location, manifest_context, entries));
    FaultPoint("after-manifest");
  }

  LoadedTable current = base;
  int64_t wait_ms = options.min_retry_wait_ms;
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
    snapshot.summary = AppendSummary(parent, files);
    for (const auto& [key, value] : options.summary) snapshot.summary[key] = value;
    if (options.summary_for_base) {
      Status status = options.summary_for_base(metadata, &snapshot.summary);
      if (!status.ok()) {
        if (new_manifest) (void)io.DeleteFile(manifest_location);
        return status;
      }
    }

    if (new_manifest) {
      ManifestFile added = *new_manifest;
      added.sequence_number = snapshot.sequence_number;
      added.min_sequence_number = snapshot.sequence_number;
      manifests.insert(manifests.begin(), added);
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
      return AppendResult{std::move(committed).value(), snapshot_id, attempt + 1};
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
        return AppendResult{std::move(reloaded).value(), snapshot_id, attempt + 1};
      }
      current = std::move(reloaded).value();
    } else if (status.IsCommitFailed()) {
      // Known not to have landed: its manifest list is garbage; so is the manifest if the
      // table cannot be reloaded for another attempt (dropped, unreachable).
      (void)io.DeleteFile(snapshot.manifest_list);
      Result<LoadedTable> reloaded = catalog.LoadTable(base.identifier);
      if (!reloaded.ok()) {
        (void)io.DeleteFile(manifest_location);
        return reloaded.status().WithContext(
            fmt::format("append to {}: reloading after a conflict", base.identifier.ToString()));
      }
      current = std::move(reloaded).value();
    } else {
      (void)io.DeleteFile(snapshot.manifest_list);
      (void)io.DeleteFile(manifest_location);
      return status;
    }
    const auto next_start = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
    if (attempt + 1 > options.max_retries || next_start > options.deadline) {
      if (status.IsCommitFailed()) (void)io.DeleteFile(manifest_location);
      return status.WithContext(
          fmt::format("append to {} after {} attempts", base.identifier.ToString(), attempt + 1));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
    wait_ms = std::min(wait_ms * 2, options.max_retry_wait_ms);
  }
}

}  // namespace floe::iceberg
