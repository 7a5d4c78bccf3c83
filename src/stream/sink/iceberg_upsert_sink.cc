#include "stream/sink/iceberg_upsert_sink.h"

#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/fault.h"
#include "common/uuid.h"
#include "format/parquet/file_reader.h"
#include "iceberg/catalog/append_files.h"
#include "iceberg/catalog/table_files.h"
#include "iceberg/column_kind.h"
#include "iceberg/deletion_vector_file.h"
#include "iceberg/partitioned_writer.h"
#include "iceberg/position_delete_writer.h"
#include "stream/offsets_json.h"

namespace floe::stream {
namespace {

// A commit that fails validation (a concurrent commit removed files its deletes name) is redone
// from a rebuilt index at most this often before the checkpoint fails.
constexpr int kMaxValidationRounds = 3;

bool IsKeyType(iceberg::TypeId type) {
  switch (type) {
    case iceberg::TypeId::kInt:
    case iceberg::TypeId::kLong:
    case iceberg::TypeId::kString:
    case iceberg::TypeId::kDate:
    case iceberg::TypeId::kTimestamp:
    case iceberg::TypeId::kTimestampTz:
      return true;
    default:
      return false;
  }
}

// Whether `snapshot` only moved offsets: this job's commit of no files.
bool IsOffsetsOnly(const iceberg::Snapshot& snapshot, const std::string& job_id) {
  auto job = snapshot.summary.find(kSummaryJobId);
  auto added = snapshot.summary.find("added-data-files");
  auto deletes = snapshot.summary.find("added-delete-files");
  return job != snapshot.summary.end() && job->second == job_id &&
         added != snapshot.summary.end() && added->second == "0" &&
         deletes == snapshot.summary.end();
}

}  // namespace

IcebergUpsertSink::IcebergUpsertSink(std::shared_ptr<iceberg::Catalog> catalog,
                                     IcebergUpsertSinkOptions options, iceberg::LoadedTable table,
                                     std::vector<int> input_index, std::vector<int> key_inputs,
                                     std::vector<int32_t> key_field_ids)
    : catalog_(std::move(catalog)),
      options_(std::move(options)),
      table_(std::move(table)),
      state_store_(catalog_->file_io(), StateStore::FolderFor(table_.metadata.location)),
      input_index_(std::move(input_index)),
      key_inputs_(std::move(key_inputs)),
      key_field_ids_(std::move(key_field_ids)) {}

std::string IcebergUpsertSink::StateKey() const {
  return fmt::format("{}{}.{}", kSummaryStatePrefix, options_.table.job_id, StateName());
}

Result<std::unique_ptr<IcebergUpsertSink>> IcebergUpsertSink::Open(
    std::shared_ptr<iceberg::Catalog> catalog, const iceberg::Schema& input_schema,
    IcebergUpsertSinkOptions options) {
  const std::string where =
      fmt::format("sink '{}' ({})", options.table.name, options.table.table.ToString());
  if (options.primary_key.empty()) return InvalidArgument("{}: upsert needs a primary_key", where);
  // The table as created: the key columns required and named as identifier fields.
  std::vector<iceberg::NestedField> fields = input_schema.fields();
  std::vector<int32_t> identifier_ids;
  std::vector<int> key_inputs;
  for (const std::string& column : options.primary_key) {
    const iceberg::NestedField* field = input_schema.FindFieldByName(column);
    if (field == nullptr) {
      return InvalidArgument("{}: primary key column '{}' is not a column of the input", where,
                             column);
    }
    if (!field->type->is_primitive() || !IsKeyType(field->type->id())) {
      return InvalidArgument(
          "{}: primary key column '{}' is {}; keys are int, long, string, date or timestamp(tz)",
          where, column, field->type->ToString());
    }
    identifier_ids.push_back(field->id);
    key_inputs.push_back(input_schema.FieldIndexById(field->id));
    for (iceberg::NestedField& table_field : fields) {
      if (table_field.id == field->id) table_field.required = true;
    }
  }
  const iceberg::Schema create_schema(input_schema.schema_id(), std::move(fields), identifier_ids);
  FLOE_ASSIGN_OR_RAISE(iceberg::LoadedTable loaded,
                       LoadOrCreateTable(*catalog, create_schema, options.table));
  const iceberg::Schema* table_schema = loaded.metadata.CurrentSchema();
  if (table_schema == nullptr) return Corrupt("{}: no current schema", where);
  std::vector<int32_t> key_field_ids;
  for (const std::string& column : options.primary_key) {
    const iceberg::NestedField* field = table_schema->FindFieldByName(column);
    if (field == nullptr) {
      return InvalidArgument("{}: the table has no primary key column '{}'", where, column);
    }
    key_field_ids.push_back(field->id);
  }
  const std::vector<int32_t>& table_ids = table_schema->identifier_field_ids();
  if (!table_ids.empty() && std::set<int32_t>(table_ids.begin(), table_ids.end()) !=
                                std::set<int32_t>(key_field_ids.begin(), key_field_ids.end())) {
    return InvalidArgument("{}: the table's identifier fields are not the primary key [{}]", where,
                           fmt::join(options.primary_key, ", "));
  }
  if (options.equality_deletes) {
    // An equality delete applies in its own partition only: a key must never change partition.
    for (const iceberg::PartitionField& field : loaded.metadata.DefaultSpec()->fields) {
      if (std::find(key_field_ids.begin(), key_field_ids.end(), field.source_id) ==
          key_field_ids.end()) {
        return InvalidArgument(
            "{}: delete_mode equality needs every partition column in the primary key ('{}' is "
            "not)",
            where, field.name);
      }
    }
  }
  FLOE_ASSIGN_OR_RAISE(std::vector<int> input_index,
                       MapInputColumns(*table_schema, input_schema, where));
  auto sink = std::unique_ptr<IcebergUpsertSink>(
      new IcebergUpsertSink(std::move(catalog), std::move(options), std::move(loaded),
                            std::move(input_index), std::move(key_inputs), key_field_ids));
  for (const iceberg::NestedField& field : table_schema->fields()) {
    int32_t width = 0;
    FLOE_ASSIGN_OR_RAISE(ColumnKind kind, iceberg::ColumnKindFor(*field.type, &width));
    sink->staged_.emplace_back(kind, width);
  }
  return sink;
}

Status IcebergUpsertSink::Write(const RecordBatch& batch, Selection selection) {
  if (selection.count == 0) return Status::Ok();
  if (batch.change_ops.size() != batch.num_rows()) {
    return InvalidArgument("sink '{}': mode upsert needs a change stream (format: debezium-json)",
                           name());
  }
  std::vector<uint32_t> rows;
  std::string key;
  int64_t next_staged = static_cast<int64_t>(staged_.front().size());
  for (size_t i = 0; i < selection.count; ++i) {
    const size_t row = selection.Row(i);
    key.clear();
    for (int column : key_inputs_) {
      Status status = AppendKeyPart(batch.columns[column], row, &key);
      if (!status.ok()) {
        return status.WithContext(
            fmt::format("sink '{}': row at offset {}", name(), batch.offsets[row]));
      }
    }
    const int64_t staged = next_staged++;
    pending_[key] = batch.change_ops[row] == ChangeOp::kDelete ? DeleteOf(staged) : staged;
    rows.push_back(static_cast<uint32_t>(row));
  }
  for (size_t c = 0; c < staged_.size(); ++c) {
    if (input_index_[c] < 0) {
      for (size_t i = 0; i < rows.size(); ++i) staged_[c].AppendNull();
    } else {
      staged_[c].AppendRows(batch.columns[input_index_[c]], rows.data(), rows.size());
    }
  }
  return Status::Ok();
}

Result<std::optional<KeyIndex>> IcebergUpsertSink::LoadIndexState() {
  const iceberg::TableMetadata& metadata = table_.metadata;
  const std::string state_key = StateKey();
  const iceberg::Snapshot* named = NewestSnapshotWithKey(metadata, state_key);
  if (named == nullptr) return std::optional<KeyIndex>();
  // Only this job's offsets-only commits may follow the snapshot that names the index.
  for (const iceberg::Snapshot* snapshot = metadata.CurrentSnapshot(); snapshot != named;
       snapshot = metadata.SnapshotById(*snapshot->parent_snapshot_id)) {
    if (!IsOffsetsOnly(*snapshot, options_.table.job_id) || !snapshot->parent_snapshot_id) {
      return std::optional<KeyIndex>();
    }
  }
  const std::string& location = named->summary.at(state_key);
  FLOE_ASSIGN_OR_RAISE(std::string blob, state_store_.Read(location));
  FLOE_ASSIGN_OR_RAISE(KeyIndex index, KeyIndex::FromBlob(blob, location));
  // The blob records the snapshot it was computed on: the parent of the one naming it, unless
  // another commit slipped in between (then its rows are missing from the index).
  if (index.snapshot_id() != named->parent_snapshot_id.value_or(0)) {
    return std::optional<KeyIndex>();
  }
  index.set_snapshot_id(metadata.current_snapshot_id.value_or(0));
  if (UsesDeletionVectors()) {
    FLOE_ASSIGN_OR_RAISE(iceberg::TableFiles files,
                         iceberg::ListTableFiles(*catalog_->file_io(), metadata));
    FLOE_RETURN_IF_ERROR(KeepDeletionVectors(files.deletes));
  }
  return std::optional<KeyIndex>(std::move(index));
}

Status IcebergUpsertSink::KeepDeletionVectors(const std::vector<iceberg::LiveFile>& deletes) {
  vectors_.clear();
  for (const iceberg::LiveFile& live : deletes) {
    if (live.file.content == iceberg::DataFileContent::kPositionDeletes &&
        !live.file.content_offset) {
      // A DV must merge the position deletes of its data file; this sink does not do that yet.
      return NotSupported(
          "{}: position delete file {} in a format v3 table (rewrite the position deletes first)",
          table_.metadata_location, live.file.file_path);
    }
    if (!live.file.content_offset) continue;
    if (!live.file.referenced_data_file) {
      return Corrupt("{}: deletion vector in {} names no data file", table_.metadata_location,
                     live.file.file_path);
    }
    if (!vectors_.emplace(*live.file.referenced_data_file, live.file).second) {
      return Corrupt("{}: data file {} has two deletion vectors", table_.metadata_location,
                     *live.file.referenced_data_file);
    }
  }
  return Status::Ok();
}

Status IcebergUpsertSink::EnsureIndex() {
  const int64_t current = table_.metadata.current_snapshot_id.value_or(0);
  if (index_ && index_->snapshot_id() == current) return Status::Ok();
  index_.reset();
  shadowed_.clear();
  FLOE_ASSIGN_OR_RAISE(std::optional<KeyIndex> loaded, LoadIndexState());
  if (loaded) {
    index_ = std::move(loaded);
    return Status::Ok();
  }
  return RebuildIndex().WithContext(fmt::format("sink '{}': rebuilding the key index of {}", name(),
                                                options_.table.table.ToString()));
}

Status IcebergUpsertSink::RebuildIndex() {
  const std::string& where = table_.metadata_location;
  io::FileIO& io = *catalog_->file_io();
  const iceberg::TableMetadata& metadata = table_.metadata;
  FLOE_ASSIGN_OR_RAISE(iceberg::TableFiles files, iceberg::ListTableFiles(io, metadata));
  // Position deletes per data file; they apply to data files of a sequence number at or below
  // their own.
  if (UsesDeletionVectors()) FLOE_RETURN_IF_ERROR(KeepDeletionVectors(files.deletes));
  std::unordered_map<std::string, std::vector<std::pair<int64_t, int64_t>>> deleted;
  for (const iceberg::LiveFile& live : files.deletes) {
    if (live.file.content == iceberg::DataFileContent::kEqualityDeletes) {
      return NotSupported("{}: equality delete file {} (not read yet)", where, live.file.file_path);
    }
    if (live.file.content_offset) {
      FLOE_ASSIGN_OR_RAISE(iceberg::DeletionVector vector,
                           iceberg::ReadDeletionVector(io, live.file));
      for (int64_t position : vector.Positions()) {
        deleted[*live.file.referenced_data_file].emplace_back(position, live.data_sequence_number);
      }
      continue;
    }
    FLOE_ASSIGN_OR_RAISE(std::vector<iceberg::PositionDelete> positions,
                         iceberg::ReadPositionDeleteFile(io, live.file));
    for (const iceberg::PositionDelete& position : positions) {
      deleted[position.file_path].emplace_back(position.pos, live.data_sequence_number);
    }
  }

  std::vector<const iceberg::LiveFile*> data;
  for (const iceberg::LiveFile& live : files.data) {
    if (live.spec_id != metadata.default_spec_id) {
      return NotSupported("{}: data file {} was written under partition spec {}, not the default",
                          where, live.file.file_path, live.spec_id);
    }
    data.push_back(&live);
  }
  // Older rows first, so that a key's newest row wins and older duplicates are shadowed.
  std::stable_sort(data.begin(), data.end(), [](const auto* a, const auto* b) {
    return a->data_sequence_number < b->data_sequence_number;
  });
  KeyIndex index;
  std::vector<KeyIndex::Location> shadowed;
  std::string key;
  for (const iceberg::LiveFile* live : data) {
    std::set<int64_t> gone;
    if (auto found = deleted.find(live->file.file_path); found != deleted.end()) {
      for (const auto& [pos, sequence] : found->second) {
        if (live->data_sequence_number <= sequence) gone.insert(pos);
      }
    }
    FLOE_ASSIGN_OR_RAISE(std::unique_ptr<io::InputFile> input,
                         io.NewInputFile(live->file.file_path));
    FLOE_ASSIGN_OR_RAISE(std::unique_ptr<parquet::FileReader> reader,
                         parquet::FileReader::Open(std::move(input)));
    std::vector<int> key_columns;
    for (int32_t id : key_field_ids_) {
      const auto& columns = reader->schema().columns;
      auto found = std::find_if(columns.begin(), columns.end(),
                                [&](const auto& column) { return column.field_id == id; });
      if (found == columns.end()) {
        return Corrupt("{}: data file {} has no column of key field {}", where,
                       live->file.file_path, id);
      }
      key_columns.push_back(static_cast<int>(found - columns.begin()));
    }
    const uint32_t file = index.AddFile(live->file.file_path, live->file.partition);
    int64_t position = 0;
    for (int group = 0; group < reader->num_row_groups(); ++group) {
      FLOE_ASSIGN_OR_RAISE(std::vector<ColumnVector> values, reader->ReadRowGroup(group));
      const size_t rows = values.empty() ? 0 : values[key_columns.front()].size();
      for (size_t r = 0; r < rows; ++r, ++position) {
        if (gone.contains(position)) continue;
        key.clear();
        for (int column : key_columns) {
          FLOE_RETURN_IF_ERROR_CTX(
              AppendKeyPart(values[column], r, &key),
              fmt::format("{}: {} row {}", where, live->file.file_path, position));
        }
        std::optional<KeyIndex::Location> replaced = index.Put(key, {file, position});
        if (replaced) shadowed.push_back(*replaced);
      }
    }
  }
  index.set_snapshot_id(metadata.current_snapshot_id.value_or(0));
  index_ = std::move(index);
  shadowed_ = std::move(shadowed);
  ++index_rebuilds_;
  return Status::Ok();
}

Status IcebergUpsertSink::ResolveUnknown() {
  FLOE_ASSIGN_OR_RAISE(table_, catalog_->LoadTable(options_.table.table));
  if (table_.metadata.SnapshotById(unresolved_->snapshot_id) != nullptr) {
    // Landed: what it held is committed; changes made since stay pending.
    for (const auto& [key, change] : unresolved_->changes) {
      auto found = pending_.find(key);
      if (found != pending_.end() && found->second == change) pending_.erase(found);
    }
    progress_.set_committed_offsets(unresolved_->offsets);
    ++commits_;
  } else {
    Discard(unresolved_->written);
  }
  unresolved_.reset();
  return Status::Ok();
}

void IcebergUpsertSink::Discard(const Written& written) const {
  io::FileIO& io = *catalog_->file_io();
  for (const iceberg::DataFile& file : written.data_files) (void)io.DeleteFile(file.file_path);
  // Deletion vectors share one Puffin file: deleting it again is harmless.
  for (const iceberg::DataFile& file : written.delete_files) (void)io.DeleteFile(file.file_path);
  if (!written.state_location.empty()) (void)io.DeleteFile(written.state_location);
}

Status IcebergUpsertSink::WriteStaged(const std::vector<uint32_t>& rows, const std::string& prefix,
                                      std::vector<iceberg::DataFile>* files,
                                      std::vector<std::pair<size_t, int64_t>>* located) const {
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<iceberg::PartitionedWriter> writer,
                       iceberg::PartitionedWriter::Make(catalog_->file_io(), table_.metadata));
  writer->set_file_prefix(prefix);
  std::vector<const ColumnVector*> columns;
  for (const ColumnVector& column : staged_) columns.push_back(&column);
  std::vector<iceberg::RowLocation> locations(located != nullptr ? staged_.front().size() : 0);
  Status status = writer->Write(columns, Selection{rows.data(), rows.size()},
                                located != nullptr ? locations.data() : nullptr);
  Result<std::vector<iceberg::DataFile>> written =
      status.ok() ? writer->Finish() : Result<std::vector<iceberg::DataFile>>(status);
  if (!written.ok()) {
    (void)writer->Abort();
    return written.status();
  }
  *files = std::move(written).value();
  if (located == nullptr) return Status::Ok();
  std::unordered_map<std::string, size_t> by_path;
  for (size_t f = 0; f < files->size(); ++f) by_path[(*files)[f].file_path] = f;
  for (uint32_t row : rows) {
    const iceberg::RowLocation& location = locations[row];
    located->emplace_back(by_path.at(writer->FileLocation(location.file)), location.position);
  }
  return Status::Ok();
}

Status IcebergUpsertSink::WriteChanges(
    Written* written, std::vector<std::pair<std::string, KeyIndex::Location>>* new_locations) {
  // The rows to write: each pending upsert's staged row, in source order; the rows to delete:
  // each changed key's previous row and the rows a rebuild found shadowed.
  std::vector<std::pair<int64_t, const std::string*>> rows;
  std::vector<KeyIndex::Location> doomed = shadowed_;
  for (const auto& [key, staged] : pending_) {
    if (std::optional<KeyIndex::Location> location = index_->Find(key)) {
      doomed.push_back(*location);
    }
    if (!IsDelete(staged)) rows.emplace_back(staged, &key);
  }
  std::sort(rows.begin(), rows.end());
  for (KeyIndex::Location location : doomed) {
    written->referenced.insert(index_->FilePath(location.file));
  }
  if (!doomed.empty()) {
    FLOE_RETURN_IF_ERROR(UsesDeletionVectors() ? WriteDeletionVectors(doomed, written)
                                               : WritePositionDeletes(doomed, written));
  }

  if (!rows.empty()) {
    std::vector<uint32_t> selected;
    for (const auto& [staged, key] : rows) selected.push_back(static_cast<uint32_t>(staged));
    std::vector<std::pair<size_t, int64_t>> located;
    FLOE_RETURN_IF_ERROR(
        WriteStaged(selected, options_.table.data_file_prefix, &written->data_files, &located));
    for (size_t i = 0; i < rows.size(); ++i) {
      const iceberg::DataFile& file = written->data_files[located[i].first];
      const uint32_t number = index_->AddFile(file.file_path, file.partition);
      new_locations->emplace_back(*rows[i].second, KeyIndex::Location{number, located[i].second});
    }
  }
  return Status::Ok();
}

std::string IcebergUpsertSink::DeleteFileLocation(const std::vector<iceberg::Scalar>& partition,
                                                  const std::string& write_id, int number,
                                                  const char* extension) const {
  const iceberg::TableMetadata& metadata = table_.metadata;
  const std::string partition_path =
      iceberg::PartitionPath(*metadata.DefaultSpec(), *metadata.CurrentSchema(), partition);
  const std::string file_name =
      fmt::format("{}00000-0-{}-{:05d}-deletes.{}", options_.table.data_file_prefix, write_id,
                  number, extension);
  const std::string data_dir = iceberg::DataDirectory(metadata);
  return partition_path.empty() ? fmt::format("{}/{}", data_dir, file_name)
                                : fmt::format("{}/{}/{}", data_dir, partition_path, file_name);
}

Status IcebergUpsertSink::WritePositionDeletes(const std::vector<KeyIndex::Location>& doomed,
                                               Written* written) const {
  std::map<std::vector<iceberg::Scalar>, std::vector<iceberg::PositionDelete>> deletes;
  for (KeyIndex::Location location : doomed) {
    deletes[index_->FilePartition(location.file)].push_back(
        {index_->FilePath(location.file), location.position});
  }
  FLOE_ASSIGN_OR_RAISE(parquet::WriterProperties properties,
                       iceberg::ParquetPropertiesFromTable(table_.metadata.properties));
  const std::string write_id = NewUuid();
  int file_number = 0;
  for (auto& [partition, positions] : deletes) {
    FLOE_ASSIGN_OR_RAISE(
        iceberg::DataFile file,
        iceberg::WritePositionDeleteFile(
            *catalog_->file_io(), DeleteFileLocation(partition, write_id, ++file_number, "parquet"),
            std::move(positions), partition, properties));
    written->delete_files.push_back(std::move(file));
  }
  return Status::Ok();
}

Status IcebergUpsertSink::WriteDeletionVectors(const std::vector<KeyIndex::Location>& doomed,
                                               Written* written) const {
  io::FileIO& io = *catalog_->file_io();
  // One vector per data file: its new positions merged into the vector it has, which this
  // commit removes (a data file has at most one live DV).
  std::map<uint32_t, iceberg::DeletionVector> vectors;
  for (KeyIndex::Location location : doomed) {
    FLOE_RETURN_IF_ERROR(vectors[location.file].Add(location.position));
  }
  std::vector<iceberg::DeletionVectorTarget> targets;
  for (auto& [file, vector] : vectors) {
    const std::string& path = index_->FilePath(file);
    if (auto previous = vectors_.find(path); previous != vectors_.end()) {
      FLOE_ASSIGN_OR_RAISE(iceberg::DeletionVector old,
                           iceberg::ReadDeletionVector(io, previous->second));
      vector.Merge(old);
      written->removed_deletes.push_back(previous->second);
    }
    targets.push_back({path, index_->FilePartition(file), &vector});
  }
  // All of a commit's vectors in one Puffin file (each entry keeps its data file's partition).
  FLOE_ASSIGN_OR_RAISE(written->delete_files,
                       iceberg::WriteDeletionVectorFile(
                           io, DeleteFileLocation({}, NewUuid(), 1, "puffin"), targets));
  return Status::Ok();
}

void IcebergUpsertSink::SetSummary(const CheckpointInfo& checkpoint,
                                   iceberg::AppendOptions* options) const {
  options->summary[kSummaryJobId] = checkpoint.job_id;
  options->summary[kSummaryCheckpointId] = std::to_string(checkpoint.checkpoint_id);
  // The other operators' state of this checkpoint, if this table holds it.
  for (const auto& [state_name, location] : checkpoint.state_locations) {
    options->summary[fmt::format("{}{}.{}", kSummaryStatePrefix, checkpoint.job_id, state_name)] =
        location;
  }
  // Offsets merge over the newest map of the ancestry at every attempt (as IcebergSink's).
  options->summary_for_base = [key = OffsetsKey(), update = checkpoint.offsets](
                                  const iceberg::TableMetadata& base,
                                  std::map<std::string, std::string>* summary) -> Status {
    const iceberg::Snapshot* ancestor = NewestSnapshotWithKey(base, key);
    const std::string* parent = ancestor == nullptr ? nullptr : &ancestor->summary.at(key);
    FLOE_ASSIGN_OR_RAISE((*summary)[key], MergeOffsetsJson(parent, update));
    return Status::Ok();
  };
}

Status IcebergUpsertSink::CommitOnce(const CheckpointInfo& checkpoint, const OffsetMap& offsets,
                                     bool* invalid) {
  if (options_.equality_deletes) {
    Written written;
    Status status = WriteEqualityChanges(&written);
    if (!status.ok()) {
      Discard(written);
      return status;
    }
    return Land(checkpoint, offsets, std::move(written), {}).status();
  }
  FLOE_RETURN_IF_ERROR(EnsureIndex());
  const int64_t base_snapshot = index_->snapshot_id();
  Written written;
  std::vector<std::pair<std::string, KeyIndex::Location>> new_locations;
  Status status = WriteChanges(&written, &new_locations);
  if (!status.ok()) {
    Discard(written);
    index_.reset();  // WriteChanges registered files in it
    return status;
  }
  // The index after this commit, as of the snapshot it is computed on.
  for (const auto& [key, staged] : pending_) {
    if (IsDelete(staged)) index_->Erase(key);
  }
  for (auto& [key, location] : new_locations) index_->Put(std::move(key), location);
  Result<std::string> location = state_store_.Write(options_.table.job_id, StateName(),
                                                    checkpoint.checkpoint_id, index_->ToBlob());
  if (!location.ok()) {
    Discard(written);
    index_.reset();
    return location.status();
  }
  written.state_location = std::move(location).value();
  FaultPoint("after-index-write");

  // The deletes name these data files: a concurrent commit must not have removed them.
  // (A copy: `written` moves into Land before the validation runs.)
  const std::set<std::string> referenced = written.referenced;
  bool slipped = false;
  iceberg::AppendOptions options;
  options.summary[StateKey()] = written.state_location;
  options.removed_delete_files = written.removed_deletes;
  const std::vector<iceberg::DataFile> removed_vectors = written.removed_deletes;
  const std::vector<iceberg::DataFile> added_vectors =
      UsesDeletionVectors() ? written.delete_files : std::vector<iceberg::DataFile>{};
  options.validate = [&](const iceberg::TableMetadata& base) -> Status {
    if (base.current_snapshot_id.value_or(0) == base_snapshot) return Status::Ok();
    slipped = true;
    Result<std::set<std::string>> removed =
        iceberg::RemovedDataFilesSince(*catalog_->file_io(), base, base_snapshot);
    if (!removed.ok()) {
      *invalid = true;
      return CommitFailed("validation: {}", removed.status().message());
    }
    for (const std::string& path : referenced) {
      if (removed->contains(path)) {
        *invalid = true;
        return CommitFailed("validation: data file {} was removed by a concurrent commit", path);
      }
    }
    return Status::Ok();
  };
  index_->set_snapshot_id(base_snapshot);
  Result<int64_t> committed = Land(checkpoint, offsets, std::move(written), std::move(options));
  if (!committed.ok()) {
    // Failed validation in the commit itself: a concurrent commit replaced or added a deletion
    // vector of a data file this one deletes from.
    if (committed.status().IsCommitFailed()) *invalid = true;
    index_.reset();
    return committed.status();
  }
  for (const iceberg::DataFile& vector : removed_vectors) {
    vectors_.erase(*vector.referenced_data_file);
  }
  for (const iceberg::DataFile& vector : added_vectors) {
    vectors_.insert_or_assign(*vector.referenced_data_file, vector);
  }
  // Another commit slipped in before ours: its rows are not in the index (nor in the state
  // just committed, whose base is not our snapshot's parent): rebuild next time.
  if (slipped) {
    index_.reset();
  } else {
    index_->set_snapshot_id(*committed);
  }
  shadowed_.clear();
  return Status::Ok();
}

Result<int64_t> IcebergUpsertSink::Land(const CheckpointInfo& checkpoint, const OffsetMap& offsets,
                                        Written written, iceberg::AppendOptions options) {
  options.allow_empty = true;
  options.deadline = checkpoint.deadline;
  options.snapshot_id = iceberg::NewSnapshotId();
  options.file_prefix = options_.table.data_file_prefix;
  options.delete_files = written.delete_files;
  SetSummary(checkpoint, &options);
  auto committed = iceberg::AppendFiles(*catalog_, table_, written.data_files, options);
  if (!committed.ok()) {
    if (committed.status().IsCommitStateUnknown()) {
      unresolved_ = Unresolved{options.snapshot_id, pending_, offsets, std::move(written)};
    } else {
      Discard(written);
    }
    return committed.status();
  }
  table_ = std::move(committed->table);
  return committed->snapshot_id;
}

Status IcebergUpsertSink::WriteEqualityChanges(Written* written) {
  std::vector<uint32_t> rows;
  std::vector<uint32_t> deleted;  // every changed key's newest image: its key is deleted first
  for (const auto& [key, change] : pending_) {
    if (!IsDelete(change)) rows.push_back(static_cast<uint32_t>(change));
    deleted.push_back(static_cast<uint32_t>(StagedRow(change)));
  }
  std::sort(rows.begin(), rows.end());
  std::sort(deleted.begin(), deleted.end());
  if (!rows.empty()) {
    FLOE_RETURN_IF_ERROR(
        WriteStaged(rows, options_.table.data_file_prefix, &written->data_files, nullptr));
  }
  // Whole rows, compared on the key columns only (equality_ids): written through the table's
  // partitioning, each lands in the partition of the row it deletes (the partition columns are
  // key columns, checked at Open).
  FLOE_RETURN_IF_ERROR(WriteStaged(deleted, options_.table.data_file_prefix + "eqdel-",
                                   &written->delete_files, nullptr));
  for (iceberg::DataFile& file : written->delete_files) {
    file.content = iceberg::DataFileContent::kEqualityDeletes;
    file.equality_ids = key_field_ids_;
  }
  return Status::Ok();
}

Status IcebergUpsertSink::Commit(const CheckpointInfo& checkpoint) {
  const std::string where = fmt::format("sink '{}'", name());
  FLOE_ASSIGN_OR_RAISE(
      std::optional<OffsetMap> to_commit,
      progress_.Begin(
          checkpoint, where,
          unresolved_ ? fmt::format("snapshot {}", unresolved_->snapshot_id) : std::string(),
          [&] { return ResolveUnknown(); }, [&] { return !pending_.empty(); }));
  if (!to_commit) return Status::Ok();
  const OffsetMap& offsets = *to_commit;
  if (pending_.empty()) {
    // Offsets only: an empty snapshot; the index stays as it is (LoadIndexState skips these).
    iceberg::AppendOptions options;
    options.allow_empty = true;
    options.deadline = checkpoint.deadline;
    options.file_prefix = options_.table.data_file_prefix;
    SetSummary(checkpoint, &options);
    const int64_t before = table_.metadata.current_snapshot_id.value_or(0);
    auto committed = iceberg::AppendFiles(*catalog_, table_, {}, options);
    if (!committed.ok()) return committed.status().WithContext(where);
    table_ = std::move(committed->table);
    if (index_ && index_->snapshot_id() == before) {
      index_->set_snapshot_id(committed->snapshot_id);
    }
    progress_.Committed(offsets);
    return Status::Ok();
  }
  for (int round = 0;; ++round) {
    bool invalid = false;
    Status status = CommitOnce(checkpoint, offsets, &invalid);
    if (status.ok()) break;
    if (!invalid || round + 1 >= kMaxValidationRounds) return status.WithContext(where);
    // A concurrent commit replaced files the deletes name: reload and redo from a fresh index.
    FLOE_ASSIGN_OR_RAISE(table_, catalog_->LoadTable(options_.table.table));
  }
  pending_.clear();
  for (ColumnVector& column : staged_) column.Clear();
  progress_.Committed(offsets);
  ++commits_;
  return Status::Ok();
}

Result<OffsetMap> IcebergUpsertSink::CommittedOffsets() {
  FLOE_ASSIGN_OR_RAISE(table_, catalog_->LoadTable(options_.table.table));
  FLOE_ASSIGN_OR_RAISE(OffsetMap offsets, CommittedOffsetsOf(table_.metadata, OffsetsKey()));
  progress_.set_committed_offsets(offsets);
  return offsets;
}

Result<std::map<std::string, std::string>> IcebergUpsertSink::CommittedState() {
  FLOE_ASSIGN_OR_RAISE(table_, catalog_->LoadTable(options_.table.table));
  return CommittedStateOf(table_.metadata, options_.table.job_id);
}

int64_t IcebergUpsertSink::LastCheckpointId() const {
  return LastCheckpointIdOf(table_.metadata, options_.table.job_id);
}

Result<iceberg::OrphanCleanup> IcebergUpsertSink::DeleteOrphanFiles(
    int64_t modified_before_ms) const {
  return DeleteJobOrphans(*catalog_, options_.table.table, options_.table.data_file_prefix,
                          state_store_, modified_before_ms);
}

Status IcebergUpsertSink::Close() {
  pending_.clear();
  for (ColumnVector& column : staged_) column.Clear();
  return Status::Ok();
}

}  // namespace floe::stream
