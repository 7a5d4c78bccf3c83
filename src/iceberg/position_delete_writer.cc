#include "iceberg/position_delete_writer.h"

#include <algorithm>

#include "common/column_vector.h"
#include "format/parquet/file_reader.h"
#include "iceberg/conversions.h"
#include "iceberg/data_file_writer.h"

namespace floe::iceberg {
namespace {

// Rows per Write call: bounds the column buffers of a large delete file.
constexpr size_t kRowsPerBatch = 64 * 1024;

std::string LongBound(int64_t value) {
  // Single-value serialization of a long cannot fail.
  return ToSingleValue(*Type::Primitive(TypeId::kLong), Scalar(value)).value();
}

}  // namespace

const Schema& PositionDeleteSchema() {
  static const Schema schema(
      0, {NestedField{kDeleteFilePathFieldId, "file_path", true, Type::Primitive(TypeId::kString),
                      "Path of a file in which a deleted row is stored"},
          NestedField{kDeletePosFieldId, "pos", true, Type::Primitive(TypeId::kLong),
                      "Ordinal position of a deleted row in the data file"}});
  return schema;
}

Result<DataFile> WritePositionDeleteFile(io::FileIO& io, const std::string& location,
                                         std::vector<PositionDelete> deletes,
                                         std::vector<Scalar> partition,
                                         parquet::WriterProperties properties) {
  if (deletes.empty()) return InvalidArgument("position delete file {}: no deletes", location);
  std::sort(deletes.begin(), deletes.end());
  deletes.erase(std::unique(deletes.begin(), deletes.end()), deletes.end());
  if (deletes.front().pos < 0) {
    return InvalidArgument("position delete file {}: negative position {} in {}", location,
                           deletes.front().pos, deletes.front().file_path);
  }
  FLOE_ASSIGN_OR_RAISE(
      std::unique_ptr<DataFileWriter> writer,
      DataFileWriter::Make(io, location, PositionDeleteSchema(), partition, std::move(properties)));
  ColumnVector paths(ColumnKind::kBytes);
  ColumnVector positions(ColumnKind::kInt64);
  int64_t min_pos = deletes.front().pos;
  int64_t max_pos = min_pos;
  for (size_t start = 0; start < deletes.size(); start += kRowsPerBatch) {
    const size_t end = std::min(deletes.size(), start + kRowsPerBatch);
    paths.Clear();
    positions.Clear();
    for (size_t i = start; i < end; ++i) {
      paths.AppendBytes(deletes[i].file_path);
      positions.Append<int64_t>(deletes[i].pos);
      min_pos = std::min(min_pos, deletes[i].pos);
      max_pos = std::max(max_pos, deletes[i].pos);
    }
    const ColumnVector* columns[] = {&paths, &positions};
    Status written = writer->Write(columns, Selection::All(end - start));
    if (!written.ok()) {
      (void)writer->Abort();
      return written;
    }
  }
  FLOE_ASSIGN_OR_RAISE(DataFile file, writer->Close());
  file.content = DataFileContent::kPositionDeletes;
  // Full bounds: the sorted order gives the path bounds without truncation.
  file.lower_bounds[kDeleteFilePathFieldId] = deletes.front().file_path;
  file.upper_bounds[kDeleteFilePathFieldId] = deletes.back().file_path;
  file.lower_bounds[kDeletePosFieldId] = LongBound(min_pos);
  file.upper_bounds[kDeletePosFieldId] = LongBound(max_pos);
  if (deletes.front().file_path == deletes.back().file_path) {
    file.referenced_data_file = deletes.front().file_path;
  }
  return file;
}

Result<std::vector<PositionDelete>> ReadPositionDeleteFile(io::FileIO& io, const DataFile& file) {
  if (file.content != DataFileContent::kPositionDeletes) {
    return InvalidArgument("{} is not a position delete file", file.file_path);
  }
  if (file.content_offset) {
    return NotSupported("{}: deletion vectors are not read here", file.file_path);
  }
  FLOE_ASSIGN_OR_RAISE(std::shared_ptr<io::InputFile> input, io.NewInputFile(file.file_path));
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<parquet::FileReader> reader,
                       parquet::FileReader::Open(std::move(input)));
  int path_column = -1;
  int pos_column = -1;
  const auto& columns = reader->schema().columns;
  for (size_t c = 0; c < columns.size(); ++c) {
    if (columns[c].field_id == kDeleteFilePathFieldId) path_column = static_cast<int>(c);
    if (columns[c].field_id == kDeletePosFieldId) pos_column = static_cast<int>(c);
  }
  if (path_column < 0 || pos_column < 0) {
    return Corrupt("position delete file {} lacks the file_path or pos column", file.file_path);
  }
  std::vector<PositionDelete> deletes;
  deletes.reserve(static_cast<size_t>(reader->num_rows()));
  for (int group = 0; group < reader->num_row_groups(); ++group) {
    FLOE_ASSIGN_OR_RAISE(std::vector<ColumnVector> values, reader->ReadRowGroup(group));
    const ColumnVector& paths = values[path_column];
    const ColumnVector& positions = values[pos_column];
    for (size_t r = 0; r < paths.size(); ++r) {
      if (paths.IsNull(r) || positions.IsNull(r)) {
        return Corrupt("position delete file {}: a null in row {}", file.file_path, r);
      }
      deletes.push_back({std::string(paths.GetBytes(r)), positions.Value<int64_t>(r)});
    }
  }
  return deletes;
}

}  // namespace floe::iceberg
