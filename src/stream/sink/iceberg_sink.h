#pragma once

// The Iceberg sink: rows go into open data files of one table (one per partition, rolling at
// the target size); each checkpoint commits them as one snapshot whose summary carries the job
// id, the checkpoint id, the source offsets (merged over the parent snapshot's, so the newest
// snapshot holds the whole map), the watermark and the operators' state locations. Everything
// that reads snapshot summaries back (offsets, state, checkpoint ids) lives here.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "iceberg/catalog/catalog.h"
#include "iceberg/catalog/orphan_files.h"
#include "iceberg/partitioned_writer.h"
#include "stream/sink/commit_progress.h"
#include "stream/sink/parallel_writer.h"
#include "stream/sink/table_sink.h"

namespace floe::stream {

/// Snapshot summary keys the sink writes and reads back.
inline constexpr const char* kSummaryJobId = "floe.job-id";
inline constexpr const char* kSummaryCheckpointId = "floe.checkpoint-id";
inline constexpr const char* kSummaryOffsetsPrefix = "floe.offsets.";
inline constexpr const char* kSummaryWatermark = "floe.watermark";
/// floe.state.<job>.<state_name> = the location of that operator's state (state.h).
inline constexpr const char* kSummaryStatePrefix = "floe.state.";

struct IcebergSinkOptions {
  std::string name;    // the sink's name in the job
  std::string job_id;  // whose checkpoint ids and state this sink reads back
  iceberg::TableIdentifier table;
  bool create_if_missing = false;  // create the namespace and table from the input schema
  std::string partition_by;        // on create: the CLI's partition syntax, e.g. "day(ts)"
  std::map<std::string, std::string> properties;  // on create: table properties
  /// Offsets are kept under floe.offsets.<offsets_group>: one group per consumer group/source,
  /// so jobs that read different inputs into one table do not mix their positions.
  std::string offsets_group = "default";
  /// Threads encoding and compressing data files (1: on the caller's thread).
  int write_parallelism = 1;
  /// Starts the name of every data file and manifest this sink writes (the job's, "floe-<job>-"),
  /// so that the files of its crashed attempts can be found and deleted (orphan_files.h).
  std::string data_file_prefix;
};

/// Merges `update` over the offsets JSON of a summary value (offsets_json.h): partitions in
/// `update` take its offsets, the others keep theirs.
Result<std::string> MergeOffsetsJson(const std::string* parent_json, const OffsetMap& update);

/// Loads the sink's table or, when it is missing and create_if_missing is set, creates it with
/// `table_schema` (and options.partition_by, options.properties).
Result<iceberg::LoadedTable> LoadOrCreateTable(iceberg::Catalog& catalog,
                                               const iceberg::Schema& table_schema,
                                               const IcebergSinkOptions& options);

/// Per table column, the input column that fills it (by name, of the same type), or -1 for an
/// optional table column the input lacks (written as null); InvalidArgument otherwise.
Result<std::vector<int>> MapInputColumns(const iceberg::Schema& table_schema,
                                         const iceberg::Schema& input_schema,
                                         const std::string& where);

/// The newest snapshot in the ancestry of the current one (itself included) whose summary has
/// `key`, or nullptr.
const iceberg::Snapshot* NewestSnapshotWithKey(const iceberg::TableMetadata& metadata,
                                               const std::string& key);

/// The offsets under summary key `key` (floe.offsets.<group>) of the newest snapshot of the
/// ancestry that has it (none: empty).
Result<OffsetMap> CommittedOffsetsOf(const iceberg::TableMetadata& metadata,
                                     const std::string& key);
/// The largest checkpoint id job `job_id` committed to the table (0: none).
int64_t LastCheckpointIdOf(const iceberg::TableMetadata& metadata, const std::string& job_id);
/// The job's state locations named by the newest snapshot of the ancestry that names any
/// (floe.state.<job>.<name> → location), by name.
std::map<std::string, std::string> CommittedStateOf(const iceberg::TableMetadata& metadata,
                                                    const std::string& job_id);
/// Deletes a job's orphans in a table's folders: data files and manifests (orphan_files.h) and
/// state files no snapshot names, named with `file_prefix` and older than `modified_before_ms`.
Result<iceberg::OrphanCleanup> DeleteJobOrphans(iceberg::Catalog& catalog,
                                                const iceberg::TableIdentifier& table,
                                                const std::string& file_prefix,
                                                const StateStore& state_store,
                                                int64_t modified_before_ms);

/// A checkpoint that wrote no rows but moved offsets commits an empty snapshot only now and then
/// (CommitProgress). Thread safety: one thread, as Sink says. Lifetime: the catalog must outlive
/// the sink.
class IcebergSink final : public TableSink {
 public:
  /// Loads (or creates) the table and checks that the input schema can fill it: every table
  /// column must be an input column of the same type, by name, unless the table column is
  /// optional (it is then written as null).
  static Result<std::unique_ptr<IcebergSink>> Open(std::shared_ptr<iceberg::Catalog> catalog,
                                                   const iceberg::Schema& input_schema,
                                                   IcebergSinkOptions options);

  static constexpr int kMaxEmptyCheckpoints = CommitProgress::kMaxEmptyCheckpoints;

  const std::string& name() const override { return options_.name; }
  Status Write(const RecordBatch& batch, Selection selection) override;
  /// Files of a failed commit stay pending and go with the next commit; when the outcome is
  /// unknown, the next commit first looks in the table for the failed one's snapshot (the
  /// checkpoint id would not do: the workers of a job number their checkpoints each alone).
  Status Commit(const CheckpointInfo& checkpoint) override;
  Result<OffsetMap> CommittedOffsets() override;
  /// The floe.state.<job>.* entries of the newest snapshot in the current one's ancestry that
  /// has any.
  Result<std::map<std::string, std::string>> CommittedState() override;
  bool RetriesFailedCommits() const override { return true; }
  /// Deletes the files of what was not committed, except those of a commit whose outcome is
  /// still unknown.
  Status Close() override;

  int64_t LastCheckpointId() const override;
  /// Data files, manifests and state files named with data_file_prefix that the table does not
  /// reference (state: that no snapshot's summary names).
  Result<iceberg::OrphanCleanup> DeleteOrphanFiles(int64_t modified_before_ms) const override;
  const StateStore& state_store() const override { return state_store_; }
  std::string metadata_location() const override { return table_.metadata_location; }

  const iceberg::LoadedTable& table() const { return table_; }
  int64_t rows_committed() const { return rows_committed_; }
  int64_t commits() const { return commits_; }
  CommitDetails LastCommit() const override;

 private:
  IcebergSink(std::shared_ptr<iceberg::Catalog> catalog, IcebergSinkOptions options,
              iceberg::LoadedTable table, std::vector<int> input_index);

  std::string OffsetsKey() const { return kSummaryOffsetsPrefix + options_.offsets_group; }
  /// "floe.state.<job>.": the summary keys of the job's state locations.
  static std::string StateKeyPrefix(const std::string& job_id) {
    return kSummaryStatePrefix + job_id + ".";
  }
  /// Looks for the unresolved commit in the table: found, its files are no longer pending.
  Status Resolve();

  std::shared_ptr<iceberg::Catalog> catalog_;
  IcebergSinkOptions options_;
  iceberg::LoadedTable table_;
  StateStore state_store_;
  std::vector<int> input_index_;  // per table column: its input column, or -1 (null)
  std::unique_ptr<iceberg::PartitionedWriter> writer_;  // write_parallelism 1
  std::unique_ptr<ParallelWriter> parallel_writer_;     // write_parallelism > 1
  std::vector<ColumnVector> null_columns_;              // for table columns the input lacks
  int64_t rows_committed_ = 0;
  int64_t commits_ = 0;
  int last_attempts_ = 1;    // of the last commit
  int last_conflicts_ = 0;   // of the last commit
  CommitProgress progress_;  // offsets as of the last commit (or as read back)
  /// Data files of failed commits, committed with the next checkpoint's (and their rows).
  std::vector<iceberg::DataFile> pending_files_;
  int64_t pending_rows_ = 0;
  /// A commit whose outcome is unknown (its answer was lost and the table could not be read to
  /// find out): before the next commit the table's history is searched for its snapshot id;
  /// found, the first `files` pending files are committed already.
  struct Unresolved {
    int64_t checkpoint_id = 0;
    int64_t snapshot_id = 0;
    size_t files = 0;
    int64_t rows = 0;
    OffsetMap offsets;
  };
  std::optional<Unresolved> unresolved_;
};

}  // namespace floe::stream
