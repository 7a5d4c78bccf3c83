#include "iceberg/delete_filter.h"

#include "iceberg/data_file_reader.h"
#include "iceberg/deletion_vector_file.h"

namespace floe::iceberg {

namespace {

// The reserved field ids of position delete files (spec "Reserved Field IDs").
constexpr int32_t kDeleteFilePathFieldId = 2147483546;
constexpr int32_t kDeletePosFieldId = 2147483545;

Schema PositionDeleteSchema() {
  return Schema(
      0,
      {NestedField{kDeleteFilePathFieldId, "file_path", true, Type::Primitive(TypeId::kString), ""},
       NestedField{kDeletePosFieldId, "pos", true, Type::Primitive(TypeId::kLong), ""}});
}

}  // namespace

Result<const std::map<std::string, DeletionVector>*> DeleteFilter::LoadPositionDeletes(
    const DataFile& file) {
  auto cached = position_files_.find(file.file_path);
  if (cached != position_files_.end()) return &cached->second;
  FLOE_ASSIGN_OR_RAISE(auto reader,
                       DataFileReader::Open(*io_, file.file_path, PositionDeleteSchema()));
  std::map<std::string, DeletionVector> by_path;
  for (int group = 0; group < reader->num_row_groups(); ++group) {
    FLOE_ASSIGN_OR_RAISE(std::vector<ColumnVector> columns, reader->ReadRowGroup(group));
    for (size_t row = 0; row < columns[0].size(); ++row) {
      if (columns[0].IsNull(row) || columns[1].IsNull(row)) {
        return Corrupt("position delete file {}: null file_path or pos in row {}", file.file_path,
                       row);
      }
      const int64_t pos = columns[1].Value<int64_t>(row);
      Status added = by_path[std::string(columns[0].GetBytes(row))].Add(pos);
      if (!added.ok()) return added.WithContext("position delete file " + file.file_path);
    }
  }
  return &position_files_.emplace(file.file_path, std::move(by_path)).first->second;
}

Result<DeletionVector> DeleteFilter::DeletedPositions(const FileScanTask& task) {
  DeletionVector deleted;
  for (const auto& deletes : task.deletes) {
    const DataFile& file = deletes->file;
    if (file.content != DataFileContent::kPositionDeletes) continue;
    if (file.file_format == FileFormat::kPuffin) {
      FLOE_ASSIGN_OR_RAISE(DeletionVector vector, ReadDeletionVector(*io_, file));
      deleted.Merge(vector);
      continue;
    }
    FLOE_ASSIGN_OR_RAISE(const auto* by_path, LoadPositionDeletes(file));
    auto it = by_path->find(task.data.file.file_path);
    if (it != by_path->end()) deleted.Merge(it->second);
  }
  return deleted;
}

Result<const DeleteFilter::EqualityKeys*> DeleteFilter::LoadEqualityDeletes(const DataFile& file) {
  auto cached = equality_files_.find(file.file_path);
  if (cached != equality_files_.end()) return &cached->second;
  if (file.equality_ids.empty()) {
    return Corrupt("equality delete file {} lists no equality_ids", file.file_path);
  }
  std::vector<NestedField> fields;
  for (int32_t id : file.equality_ids) {
    const NestedField* field = table_schema_.FindFieldById(id);
    if (field == nullptr) {
      return Corrupt("equality delete file {}: equality field {} is not in the table schema",
                     file.file_path, id);
    }
    fields.push_back(*field);
    fields.back().required = false;  // a delete of null values holds nulls
  }
  const Schema delete_schema(0, fields);
  FLOE_ASSIGN_OR_RAISE(auto reader, DataFileReader::Open(*io_, file.file_path, delete_schema));
  EqualityKeys keys;
  keys.field_ids = file.equality_ids;
  for (int group = 0; group < reader->num_row_groups(); ++group) {
    FLOE_ASSIGN_OR_RAISE(std::vector<ColumnVector> columns, reader->ReadRowGroup(group));
    const size_t rows = columns.empty() ? 0 : columns[0].size();
    for (size_t row = 0; row < rows; ++row) {
      std::vector<Scalar> key;
      key.reserve(fields.size());
      for (size_t f = 0; f < fields.size(); ++f) {
        key.push_back(ScalarFromColumn(*fields[f].type, columns[f], row));
      }
      keys.keys.insert(std::move(key));
    }
  }
  return &equality_files_.emplace(file.file_path, std::move(keys)).first->second;
}

Status DeleteFilter::ApplyEqualityDeletes(const FileScanTask& task, const Schema& read_schema,
                                          const std::vector<ColumnVector>& columns,
                                          std::vector<uint8_t>* keep) {
  for (const auto& deletes : task.deletes) {
    if (deletes->file.content != DataFileContent::kEqualityDeletes) continue;
    FLOE_ASSIGN_OR_RAISE(const EqualityKeys* keys, LoadEqualityDeletes(deletes->file));
    std::vector<int> indexes;
    for (int32_t id : keys->field_ids) {
      const int index = read_schema.FieldIndexById(id);
      if (index < 0) {
        return Internal("equality field {} of {} was not read", id, deletes->file.file_path);
      }
      indexes.push_back(index);
    }
    std::vector<Scalar> key(indexes.size());
    for (size_t row = 0; row < keep->size(); ++row) {
      if ((*keep)[row] == 0) continue;
      for (size_t k = 0; k < indexes.size(); ++k) {
        const auto index = static_cast<size_t>(indexes[k]);
        key[k] = ScalarFromColumn(*read_schema.fields()[index].type, columns[index], row);
      }
      if (keys->keys.count(key) != 0) (*keep)[row] = 0;
    }
  }
  return Status::Ok();
}

}  // namespace floe::iceberg
