#pragma once

// The Iceberg upsert sink (`mode: upsert`): a change stream kept as a current-state table, one row
// per primary key. Within and across checkpoints the last change of a key wins; each checkpoint is
// one snapshot (a row delta) that adds the keys' new rows and deletes their previous rows by
// position, found through a key → (data file, position) index (format v2 position delete files,
// or v3 deletion vectors: one per data file, each merging the
// vector it replaces, which the same commit removes). Every reader applies them (ICEBERG-NOTES
// §5); none has to join equality deletes.
//
// The index is this sink's checkpoint state: written as a blob under
// <table>/metadata/floe-state/ before the commit and named in the snapshot's summary
// (floe.state.<job>.<sink>), so that the index, the rows and the offsets commit together. It is
// rebuilt from the table (data files' key columns minus their position deletes) when no snapshot
// names it or when another writer committed since: a compaction that replaced files the index
// points into must never make it delete the wrong rows. A commit whose deletes name data files
// that a concurrent commit removed fails validation and is redone from a rebuilt index.

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "iceberg/catalog/append_files.h"
#include "iceberg/catalog/catalog.h"
#include "iceberg/catalog/table_files.h"
#include "stream/sink/commit_progress.h"
#include "stream/sink/iceberg_sink.h"
#include "stream/sink/key_index.h"
#include "stream/sink/sink.h"
#include "stream/sink/table_sink.h"
#include "stream/state_store.h"

namespace floe::stream {

struct IcebergUpsertSinkOptions {
  IcebergSinkOptions table;  // name, job id, table, creation, offsets group, file prefix
  std::vector<std::string> primary_key;  // the table's identifier columns, in order
  /// Delete a key's previous row with an equality delete (no index) instead of by position.
  /// Readers must then join every data file against later equality deletes; PyIceberg cannot.
  bool equality_deletes = false;
};

/// Thread safety: one thread, as Sink says. Lifetime: the catalog must outlive the sink.
/// Idempotency: rows of offsets already committed are dropped before they reach Write (the
/// runtime's per-sink committed offsets), so a replay changes nothing.
class IcebergUpsertSink final : public TableSink {
 public:
  /// Loads or creates the table (primary-key columns required, identifier-field-ids set). The
  /// key columns must be int, long, string, date or timestamp(tz) input columns; an existing
  /// table with other identifier fields is refused.
  static Result<std::unique_ptr<IcebergUpsertSink>> Open(std::shared_ptr<iceberg::Catalog> catalog,
                                                         const iceberg::Schema& input_schema,
                                                         IcebergUpsertSinkOptions options);

  const std::string& name() const override { return options_.table.name; }
  /// Batches must carry change_ops (a change stream); rows of one key keep their order.
  Status Write(const RecordBatch& batch, Selection selection) override;
  /// Commits the checkpoint's last change per key as one snapshot. A failed commit keeps its
  /// changes for the next one (merged, last wins per key); its files are deleted unless its
  /// outcome is unknown, in which case the next commit first looks for its snapshot.
  Status Commit(const CheckpointInfo& checkpoint) override;
  Result<OffsetMap> CommittedOffsets() override;
  bool RetriesFailedCommits() const override { return true; }
  Status Close() override;
  /// The operators' state locations the newest snapshot of the job names (its key index too).
  Result<std::map<std::string, std::string>> CommittedState() override;
  int64_t LastCheckpointId() const override;
  Result<iceberg::OrphanCleanup> DeleteOrphanFiles(int64_t modified_before_ms) const override;
  const StateStore& state_store() const override { return state_store_; }
  std::string metadata_location() const override { return table_.metadata_location; }

  const iceberg::LoadedTable& table() const { return table_; }
  int64_t index_rebuilds() const { return index_rebuilds_; }
  int64_t commits() const { return commits_; }
  /// The state name of this sink's key index ("<sink>.key-index") and its summary key,
  /// floe.state.<job>.<sink>.key-index.
  std::string StateName() const { return options_.table.name + ".key-index"; }
  std::string StateKey() const;

 private:
  IcebergUpsertSink(std::shared_ptr<iceberg::Catalog> catalog, IcebergUpsertSinkOptions options,
                    iceberg::LoadedTable table, std::vector<int> input_index,
                    std::vector<int> key_inputs, std::vector<int32_t> key_field_ids);

  /// What one commit attempt wrote, to be deleted if it does not land.
  struct Written {
    std::vector<iceberg::DataFile> data_files;
    std::vector<iceberg::DataFile> delete_files;
    std::string state_location;
    std::set<std::string> referenced;  // the data files the delete files name
    /// Deletion vectors the new ones merge (removed by the same commit).
    std::vector<iceberg::DataFile> removed_deletes;
  };
  /// A commit whose outcome is unknown: its snapshot id and the changes it held.
  struct Unresolved {
    int64_t snapshot_id = 0;
    std::unordered_map<std::string, int64_t> changes;
    OffsetMap offsets;
    Written written;
  };

  std::string OffsetsKey() const { return kSummaryOffsetsPrefix + options_.table.offsets_group; }
  /// Makes index_ describe the current snapshot of table_: kept, loaded from the state blob the
  /// current snapshot names, or rebuilt.
  Status EnsureIndex();
  Status RebuildIndex();
  /// The index the newest state snapshot names, if it still describes the current snapshot.
  Result<std::optional<KeyIndex>> LoadIndexState();
  Status ResolveUnknown();
  /// One commit of the pending changes on table_ with index_; sets *invalid when the commit
  /// failed validation against a concurrent commit (then redo with a rebuilt index).
  Status CommitOnce(const CheckpointInfo& checkpoint, const OffsetMap& offsets, bool* invalid);
  /// Writes the pending changes: new rows (their locations for the index) and position deletes
  /// of the keys' previous rows.
  Status WriteChanges(Written* written,
                      std::vector<std::pair<std::string, KeyIndex::Location>>* new_locations);
  /// The previous rows of changed keys, deleted: position delete files (v2), one per partition.
  Status WritePositionDeletes(const std::vector<KeyIndex::Location>& doomed,
                              Written* written) const;
  /// The same as deletion vectors (v3): one per data file, merging the one it has, all in one
  /// Puffin file.
  Status WriteDeletionVectors(const std::vector<KeyIndex::Location>& doomed,
                              Written* written) const;
  std::string DeleteFileLocation(const std::vector<iceberg::Scalar>& partition,
                                 const std::string& write_id, int number,
                                 const char* extension) const;
  bool UsesDeletionVectors() const { return table_.metadata.format_version >= 3; }
  /// Sets vectors_ from the table's live delete files; NotSupported for a position delete file
  /// (a v3 table upgraded from v2), whose positions a new DV would have to merge.
  Status KeepDeletionVectors(const std::vector<iceberg::LiveFile>& deletes);
  /// delete_mode equality: new rows, and one equality delete row per changed key.
  Status WriteEqualityChanges(Written* written);
  /// Writes staged rows (ascending) as data files; with `located`, per row the index of its
  /// file in `files` and its position there.
  Status WriteStaged(const std::vector<uint32_t>& rows, const std::string& prefix,
                     std::vector<iceberg::DataFile>* files,
                     std::vector<std::pair<size_t, int64_t>>* located) const;
  void Discard(const Written& written) const;
  /// Commits what one attempt wrote as one snapshot (job id, checkpoint id, offsets in its
  /// summary) and returns its id. Not landed: its files are deleted; unknown: kept in
  /// unresolved_ for the next commit to look for.
  Result<int64_t> Land(const CheckpointInfo& checkpoint, const OffsetMap& offsets, Written written,
                       iceberg::AppendOptions options);
  /// Job id, checkpoint id and offsets (merged over the ancestry's at every attempt).
  void SetSummary(const CheckpointInfo& checkpoint, iceberg::AppendOptions* options) const;

  std::shared_ptr<iceberg::Catalog> catalog_;
  IcebergUpsertSinkOptions options_;
  iceberg::LoadedTable table_;
  StateStore state_store_;
  std::vector<int> input_index_;        // per table column: its input column, or -1 (null)
  std::vector<int> key_inputs_;         // per key column: its input column
  std::vector<int32_t> key_field_ids_;  // per key column: its table field id
  std::vector<ColumnVector> staged_;    // per table column: rows of upserts not yet committed
  /// Per key with an uncommitted change: its staged row (the after image), or DeleteOf(its
  /// staged row) (the before image) for a delete.
  std::unordered_map<std::string, int64_t> pending_;
  std::optional<KeyIndex> index_;
  /// v3: per data file path, its live deletion vector, as of index_'s snapshot.
  std::unordered_map<std::string, iceberg::DataFile> vectors_;
  /// Rows a rebuild found shadowed by a later row of the same key: deleted by the next commit.
  std::vector<KeyIndex::Location> shadowed_;
  std::optional<Unresolved> unresolved_;
  CommitProgress progress_;  // offsets as of the last commit (or as read back)
  int64_t index_rebuilds_ = 0;
  int64_t commits_ = 0;

  static int64_t DeleteOf(int64_t staged) { return -staged - 1; }
  static bool IsDelete(int64_t change) { return change < 0; }
  static int64_t StagedRow(int64_t change) { return change < 0 ? -change - 1 : change; }
};

}  // namespace floe::stream
