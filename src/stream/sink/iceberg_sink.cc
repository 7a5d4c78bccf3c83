#include "stream/sink/iceberg_sink.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>
#include <set>

#include "iceberg/catalog/append_files.h"
#include "stream/offsets_json.h"

namespace floe::stream {

namespace {

Status EnsureNamespace(iceberg::Catalog& catalog, const iceberg::Namespace& ns) {
  Status status = catalog.CreateNamespace(ns, {});
  if (status.ok() || status.IsAlreadyExists()) return Status::Ok();
  return status;
}

}  // namespace

Result<std::string> MergeOffsetsJson(const std::string* parent_json, const OffsetMap& update) {
  OffsetMap merged;
  if (parent_json != nullptr) {
    FLOE_ASSIGN_OR_RAISE(merged, OffsetsFromJson(*parent_json));
  }
  return OffsetsToJson(MergeOffsets(std::move(merged), update));
}

IcebergSink::IcebergSink(std::shared_ptr<iceberg::Catalog> catalog, IcebergSinkOptions options,
                         iceberg::LoadedTable table, std::vector<int> input_index)
    : catalog_(std::move(catalog)),
      options_(std::move(options)),
      table_(std::move(table)),
      state_store_(catalog_->file_io(), StateStore::FolderFor(table_.metadata.location)),
      input_index_(std::move(input_index)) {}

Result<iceberg::LoadedTable> LoadOrCreateTable(iceberg::Catalog& catalog,
                                               const iceberg::Schema& table_schema,
                                               const IcebergSinkOptions& options) {
  const std::string where = fmt::format("sink '{}' ({})", options.name, options.table.ToString());
  Result<iceberg::LoadedTable> loaded = catalog.LoadTable(options.table);
  if (!loaded.ok() && loaded.status().IsNotFound() && options.create_if_missing) {
    FLOE_RETURN_IF_ERROR_CTX(EnsureNamespace(catalog, options.table.ns), where);
    iceberg::PartitionSpec spec;
    if (!options.partition_by.empty()) {
      auto parsed = iceberg::ParsePartitionBy(options.partition_by, table_schema);
      if (!parsed.ok()) return parsed.status().WithContext(where);
      spec = std::move(parsed).value();
    }
    FLOE_RETURN_IF_ERROR_CTX(iceberg::ValidateWriteProperties(options.properties), where);
    loaded = catalog.CreateTable(options.table, table_schema, spec, "", options.properties);
    if (!loaded.ok() && loaded.status().IsAlreadyExists()) {
      loaded = catalog.LoadTable(options.table);  // another writer created it first
    }
  }
  if (!loaded.ok()) return loaded.status().WithContext(where);
  return loaded;
}

Result<std::vector<int>> MapInputColumns(const iceberg::Schema& table_schema,
                                         const iceberg::Schema& input_schema,
                                         const std::string& where) {
  std::vector<int> input_index;
  for (const iceberg::NestedField& field : table_schema.fields()) {
    const iceberg::NestedField* input = input_schema.FindFieldByName(field.name);
    if (input == nullptr) {
      if (field.required) {
        return InvalidArgument("{}: the job has no column '{}', which the table requires", where,
                               field.name);
      }
      input_index.push_back(-1);
      continue;
    }
    if (!(*input->type == *field.type)) {
      return InvalidArgument("{}: column '{}' is {} in the job but {} in the table", where,
                             field.name, input->type->ToString(), field.type->ToString());
    }
    input_index.push_back(input_schema.FieldIndexById(input->id));
  }
  return input_index;
}

const iceberg::Snapshot* NewestSnapshotWithKey(const iceberg::TableMetadata& metadata,
                                               const std::string& key) {
  const iceberg::Snapshot* snapshot = metadata.CurrentSnapshot();
  while (snapshot != nullptr) {
    if (snapshot->summary.contains(key)) return snapshot;
    if (!snapshot->parent_snapshot_id) return nullptr;
    snapshot = metadata.SnapshotById(*snapshot->parent_snapshot_id);
  }
  return nullptr;
}

Result<std::unique_ptr<IcebergSink>> IcebergSink::Open(std::shared_ptr<iceberg::Catalog> catalog,
                                                       const iceberg::Schema& input_schema,
                                                       IcebergSinkOptions options) {
  const std::string where = fmt::format("sink '{}' ({})", options.name, options.table.ToString());
  FLOE_ASSIGN_OR_RAISE(iceberg::LoadedTable loaded,
                       LoadOrCreateTable(*catalog, input_schema, options));
  const iceberg::Schema* table_schema = loaded.metadata.CurrentSchema();
  if (table_schema == nullptr) return Corrupt("{}: no current schema", where);
  FLOE_ASSIGN_OR_RAISE(std::vector<int> input_index,
                       MapInputColumns(*table_schema, input_schema, where));
  auto sink = std::unique_ptr<IcebergSink>(
      new IcebergSink(std::move(catalog), std::move(options), loaded, std::move(input_index)));
  for (size_t i = 0; i < sink->input_index_.size(); ++i) {
    if (sink->input_index_[i] >= 0) continue;
    int32_t width = 0;
    FLOE_ASSIGN_OR_RAISE(ColumnKind kind,
                         iceberg::ColumnKindFor(*table_schema->fields()[i].type, &width));
    sink->null_columns_.emplace_back(kind, width);
  }
  return sink;
}

Status IcebergSink::Write(const RecordBatch& batch, Selection selection) {
  if (selection.count == 0) return Status::Ok();
  if (options_.write_parallelism > 1) {
    if (parallel_writer_ == nullptr) {
      FLOE_ASSIGN_OR_RAISE(
          parallel_writer_,
          ParallelWriter::Make(catalog_->file_io(), table_.metadata, options_.write_parallelism,
                               options_.data_file_prefix));
    }
  } else if (writer_ == nullptr) {
    FLOE_ASSIGN_OR_RAISE(writer_,
                         iceberg::PartitionedWriter::Make(catalog_->file_io(), table_.metadata));
    writer_->set_file_prefix(options_.data_file_prefix);
  }
  std::vector<const ColumnVector*> columns;
  columns.reserve(input_index_.size());
  size_t next_null = 0;
  for (int index : input_index_) {
    if (index >= 0) {
      columns.push_back(&batch.columns[index]);
      continue;
    }
    ColumnVector& nulls = null_columns_[next_null++];
    while (nulls.size() < batch.num_rows()) nulls.AppendNull();
    columns.push_back(&nulls);
  }
  Status status = parallel_writer_ != nullptr ? parallel_writer_->Write(columns, selection)
                                              : writer_->Write(columns, selection);
  return status.WithContext(fmt::format("sink '{}'", options_.name));
}

Status IcebergSink::Resolve() {
  FLOE_ASSIGN_OR_RAISE(iceberg::LoadedTable reloaded, catalog_->LoadTable(options_.table));
  table_ = std::move(reloaded);
  // Any snapshot the table still has (a later writer may have replaced it as current).
  const bool landed = table_.metadata.SnapshotById(unresolved_->snapshot_id) != nullptr;
  if (landed) {
    pending_files_.erase(pending_files_.begin(),
                         pending_files_.begin() + static_cast<ptrdiff_t>(unresolved_->files));
    pending_rows_ -= unresolved_->rows;
    rows_committed_ += unresolved_->rows;
    ++commits_;
    progress_.set_committed_offsets(unresolved_->offsets);
  }
  unresolved_.reset();
  return Status::Ok();
}

Status IcebergSink::Commit(const CheckpointInfo& checkpoint) {
  const std::string where = fmt::format("sink '{}'", options_.name);
  if (parallel_writer_ != nullptr && parallel_writer_->rows_written() > 0) {
    std::unique_ptr<ParallelWriter> writer = std::move(parallel_writer_);
    pending_rows_ += writer->rows_written();
    FLOE_ASSIGN_OR_RAISE(std::vector<iceberg::DataFile> files, writer->Finish());
    pending_files_.insert(pending_files_.end(), files.begin(), files.end());
  } else if (writer_ != nullptr && writer_->rows_written() > 0) {
    std::unique_ptr<iceberg::PartitionedWriter> writer = std::move(writer_);
    pending_rows_ += writer->rows_written();
    FLOE_ASSIGN_OR_RAISE(std::vector<iceberg::DataFile> files, writer->Finish());
    pending_files_.insert(pending_files_.end(), files.begin(), files.end());
  }
  FLOE_ASSIGN_OR_RAISE(
      std::optional<OffsetMap> to_commit,
      progress_.Begin(
          checkpoint, where,
          unresolved_ ? fmt::format("checkpoint {}", unresolved_->checkpoint_id) : std::string(),
          [&] { return Resolve(); }, [&] { return !pending_files_.empty(); }));
  if (!to_commit) return Status::Ok();
  const OffsetMap& offsets = *to_commit;

  iceberg::AppendOptions options;
  options.allow_empty = true;
  options.deadline = checkpoint.deadline;
  options.snapshot_id = iceberg::NewSnapshotId();
  options.file_prefix = options_.data_file_prefix;
  options.summary[kSummaryJobId] = checkpoint.job_id;
  options.summary[kSummaryCheckpointId] = std::to_string(checkpoint.checkpoint_id);
  if (checkpoint.watermark_micros) {
    options.summary[kSummaryWatermark] = std::to_string(*checkpoint.watermark_micros);
  }
  for (const auto& [state_name, location] : checkpoint.state_locations) {
    options.summary[StateKeyPrefix(checkpoint.job_id) + state_name] = location;
  }
  const std::string offsets_key = OffsetsKey();
  options.summary_for_base = [&](const iceberg::TableMetadata& base,
                                 std::map<std::string, std::string>* summary) -> Status {
    // Every commit of this group merges over the newest map of its ancestry, so that map is
    // complete; snapshots of other writers in between do not carry it.
    const iceberg::Snapshot* ancestor = NewestSnapshotWithKey(base, offsets_key);
    const std::string* parent_offsets =
        ancestor == nullptr ? nullptr : &ancestor->summary.at(offsets_key);
    FLOE_ASSIGN_OR_RAISE((*summary)[offsets_key],
                         MergeOffsetsJson(parent_offsets, checkpoint.offsets));
    // The job's state pointers likewise: a process that holds some Kafka partitions names
    // only their state (none when it holds none), the others' stays as the newest commit
    // naming it left it.
    const std::string prefix = StateKeyPrefix(checkpoint.job_id);
    for (const auto& [name, location] : CommittedStateOf(base, checkpoint.job_id)) {
      summary->try_emplace(prefix + name, location);
    }
    return Status::Ok();
  };
  auto appended = iceberg::AppendFiles(*catalog_, table_, pending_files_, options);
  if (!appended.ok()) {
    // The files stay pending for the next checkpoint; if this one may have landed, that one
    // looks for it first.
    if (appended.status().IsCommitStateUnknown()) {
      unresolved_ = Unresolved{checkpoint.checkpoint_id, options.snapshot_id, pending_files_.size(),
                               pending_rows_, offsets};
    }
    return appended.status().WithContext(where);
  }
  table_ = std::move(appended->table);
  last_attempts_ = appended->attempts;
  last_conflicts_ = appended->conflicts;
  rows_committed_ += pending_rows_;
  ++commits_;
  progress_.Committed(offsets);
  pending_files_.clear();
  pending_rows_ = 0;
  return Status::Ok();
}

CommitDetails IcebergSink::LastCommit() const {
  CommitDetails details;
  details.commits = commits_;
  details.attempts = last_attempts_;
  details.conflicts = last_conflicts_;
  const iceberg::TableMetadata& metadata = table_.metadata;
  if (commits_ == 0 || !metadata.current_snapshot_id) return details;
  details.snapshot_id = *metadata.current_snapshot_id;
  const iceberg::Snapshot* snapshot = metadata.SnapshotById(*details.snapshot_id);
  if (snapshot == nullptr) return details;
  // The standard summary totals of an append (iceberg/catalog/append_files.h AppendSummary).
  const auto number = [&](const char* key) -> int64_t {
    auto found = snapshot->summary.find(key);
    int64_t value = 0;
    if (found != snapshot->summary.end()) {
      std::from_chars(found->second.data(), found->second.data() + found->second.size(), value);
    }
    return value;
  };
  details.files = number("added-data-files");
  details.bytes = number("added-files-size");
  return details;
}

Result<iceberg::OrphanCleanup> DeleteJobOrphans(iceberg::Catalog& catalog,
                                                const iceberg::TableIdentifier& table,
                                                const std::string& file_prefix,
                                                const StateStore& state_store,
                                                int64_t modified_before_ms) {
  if (file_prefix.empty()) return iceberg::OrphanCleanup{};
  // The table as it is now: files committed since this sink loaded it are referenced there.
  FLOE_ASSIGN_OR_RAISE(iceberg::LoadedTable current, catalog.LoadTable(table));
  FLOE_ASSIGN_OR_RAISE(iceberg::OrphanCleanup cleanup,
                       iceberg::DeleteOrphanFiles(*catalog.file_io(), current.metadata, file_prefix,
                                                  modified_before_ms));
  std::set<std::string> referenced_state;
  for (const iceberg::Snapshot& snapshot : current.metadata.snapshots) {
    for (const auto& [key, value] : snapshot.summary) {
      if (key.starts_with(kSummaryStatePrefix)) referenced_state.insert(value);
    }
  }
  FLOE_RETURN_IF_ERROR(
      state_store.DeleteOrphans(file_prefix, referenced_state, modified_before_ms, &cleanup));
  return cleanup;
}

Result<OffsetMap> CommittedOffsetsOf(const iceberg::TableMetadata& metadata,
                                     const std::string& key) {
  const iceberg::Snapshot* snapshot = NewestSnapshotWithKey(metadata, key);
  if (snapshot == nullptr) return OffsetMap();
  return OffsetsFromJson(snapshot->summary.at(key));
}

int64_t LastCheckpointIdOf(const iceberg::TableMetadata& metadata, const std::string& job_id) {
  int64_t last = 0;
  for (const iceberg::Snapshot& snapshot : metadata.snapshots) {
    auto job = snapshot.summary.find(kSummaryJobId);
    auto id = snapshot.summary.find(kSummaryCheckpointId);
    if (job == snapshot.summary.end() || id == snapshot.summary.end()) continue;
    if (job->second != job_id) continue;
    int64_t value = 0;
    const std::string& text = id->second;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error == std::errc() && end == text.data() + text.size()) last = std::max(last, value);
  }
  return last;
}

std::map<std::string, std::string> CommittedStateOf(const iceberg::TableMetadata& metadata,
                                                    const std::string& job_id) {
  const std::string prefix = std::string(kSummaryStatePrefix) + job_id + ".";
  std::map<std::string, std::string> state;
  // The newest snapshot of the ancestry that names any: each commit names all of the job's.
  const iceberg::Snapshot* snapshot = metadata.CurrentSnapshot();
  while (snapshot != nullptr && state.empty()) {
    for (auto it = snapshot->summary.lower_bound(prefix);
         it != snapshot->summary.end() && it->first.starts_with(prefix); ++it) {
      state[it->first.substr(prefix.size())] = it->second;
    }
    if (!snapshot->parent_snapshot_id) break;
    snapshot = metadata.SnapshotById(*snapshot->parent_snapshot_id);
  }
  return state;
}

Result<iceberg::OrphanCleanup> IcebergSink::DeleteOrphanFiles(int64_t modified_before_ms) const {
  return DeleteJobOrphans(*catalog_, options_.table, options_.data_file_prefix, state_store_,
                          modified_before_ms);
}

int64_t IcebergSink::LastCheckpointId() const {
  return LastCheckpointIdOf(table_.metadata, options_.job_id);
}

Result<std::map<std::string, std::string>> IcebergSink::CommittedState() {
  FLOE_ASSIGN_OR_RAISE(table_, catalog_->LoadTable(options_.table));
  return CommittedStateOf(table_.metadata, options_.job_id);
}

Result<OffsetMap> IcebergSink::CommittedOffsets() {
  FLOE_ASSIGN_OR_RAISE(table_, catalog_->LoadTable(options_.table));
  FLOE_ASSIGN_OR_RAISE(OffsetMap offsets, CommittedOffsetsOf(table_.metadata, OffsetsKey()));
  progress_.set_committed_offsets(offsets);
  return offsets;
}

Status IcebergSink::Close() {
  Status status = Status::Ok();
  // Files of a commit that may have landed must stay; the others are nobody's.
  if (!unresolved_) {
    for (const iceberg::DataFile& file : pending_files_) {
      (void)catalog_->file_io()->DeleteFile(file.file_path);
    }
  }
  pending_files_.clear();
  pending_rows_ = 0;
  if (parallel_writer_ != nullptr) {
    std::unique_ptr<ParallelWriter> writer = std::move(parallel_writer_);
    status = writer->Abort();
  }
  if (writer_ != nullptr) {
    std::unique_ptr<iceberg::PartitionedWriter> writer = std::move(writer_);
    Status aborted = writer->Abort();
    if (status.ok()) status = aborted;
  }
  return status;
}

}  // namespace floe::stream
