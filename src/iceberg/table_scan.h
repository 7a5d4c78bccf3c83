#pragma once

// Planning a scan of an Iceberg table: choose the snapshot (current, by id, or as of a time),
// walk manifest list → manifests → live files, prune data files with the filter's terms, and
// pair each data file with the delete files that apply to it by the spec's rules.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "iceberg/manifest.h"
#include "iceberg/scan_predicate.h"
#include "iceberg/schema.h"
#include "iceberg/table_metadata.h"
#include "io/file_io.h"

namespace floe::iceberg {

struct ScanOptions {
  std::optional<int64_t> snapshot_id;  // at most one of snapshot_id and as_of_ms
  std::optional<int64_t> as_of_ms;     // the snapshot current at this time (ms since the epoch)
  ScanPredicate predicate;             // for pruning only; rows are filtered by the caller
};

/// A live file of the scanned snapshot with its data sequence number (inherited from the
/// manifest for ADDED entries) and the spec it was written with.
struct ScanFile {
  DataFile file;
  int64_t sequence_number = 0;
  int32_t spec_id = 0;
};

/// One data file to read and the delete files that apply to it: position deletes and deletion
/// vectors with a sequence number >= the data file's, equality deletes with a strictly greater
/// one in the same partition (or written unpartitioned).
struct FileScanTask {
  ScanFile data;
  std::vector<std::shared_ptr<const ScanFile>> deletes;
};

struct ScanStats {
  int64_t manifests = 0;
  int64_t data_files = 0;    // live data files of the snapshot
  int64_t pruned_files = 0;  // of those, skipped by the filter
  int64_t delete_files = 0;  // live delete files of the snapshot
};

/// A planned scan. Thread safety: a value; const use from any thread.
class TableScan {
 public:
  /// Plans over `metadata`'s tables files read through `io`. An unknown snapshot id, or a time
  /// before the first snapshot, is NotFound saying which snapshots exist; both options at once
  /// is InvalidArgument. Damaged manifests are Corrupt naming the file.
  static Result<TableScan> Plan(io::FileIO& io, const TableMetadata& metadata,
                                const ScanOptions& options);

  /// The snapshot read; nullptr for a table without one (no rows).
  const Snapshot* snapshot() const { return snapshot_ ? &*snapshot_ : nullptr; }
  /// The schema rows are read with: the snapshot's (time travel reads the columns it had).
  const Schema& schema() const { return schema_; }
  const std::vector<FileScanTask>& tasks() const { return tasks_; }
  const ScanStats& stats() const { return stats_; }
  /// Every field id some equality delete of the tasks compares: a reader must read them.
  std::vector<int32_t> EqualityFieldIds() const;

 private:
  std::optional<Snapshot> snapshot_;
  Schema schema_;
  std::vector<FileScanTask> tasks_;
  ScanStats stats_;
};

/// The snapshot a scan with `options` reads: by id, as of a time, or the current one (nullopt
/// for a table without snapshots). Errors as TableScan::Plan.
Result<std::optional<Snapshot>> ChooseSnapshot(const TableMetadata& metadata,
                                               const ScanOptions& options);

/// The schema a scan of `snapshot` (nullptr: none) reads with: the snapshot's own, else the
/// current one.
Result<Schema> SchemaForSnapshot(const TableMetadata& metadata, const Snapshot* snapshot);

/// Every live (added or existing) data and delete file of `snapshot`, with its data sequence
/// number; `stats` counts the manifests read.
Result<std::vector<ScanFile>> LiveFiles(io::FileIO& io, const TableMetadata& metadata,
                                        const Snapshot& snapshot, ScanStats* stats);

/// The snapshot current at `timestamp_ms`: the last snapshot-log entry at or before it (the
/// snapshots' commit times when the log is empty). NotFound when the table had none then.
Result<const Snapshot*> SnapshotAsOf(const TableMetadata& metadata, int64_t timestamp_ms);

}  // namespace floe::iceberg
