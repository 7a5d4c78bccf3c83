#include "iceberg/scan_task_reader.h"

#include "iceberg/data_file_reader.h"
#include "iceberg/manifest_avro.h"

namespace floe::iceberg {

Result<bool> ScanTaskReader::Read(const FileScanTask& task, const RowGroupConsumer& consume) {
  const DataFile& file = task.data.file;
  if (file.file_format != FileFormat::kParquet) {
    return NotSupported("data file {} is {}; floe reads Parquet data files only", file.file_path,
                        FileFormatName(file.file_format));
  }
  FLOE_ASSIGN_OR_RAISE(DeletionVector deleted, deletes_.DeletedPositions(task));
  FLOE_ASSIGN_OR_RAISE(auto reader, DataFileReader::Open(*io_, file.file_path, read_schema_));
  for (int group = 0; group < reader->num_row_groups(); ++group) {
    FLOE_ASSIGN_OR_RAISE(std::vector<ColumnVector> columns, reader->ReadRowGroup(group));
    const size_t rows =
        columns.empty() ? static_cast<size_t>(reader->num_rows()) : columns.front().size();
    const int64_t first = reader->RowGroupFirstPosition(group);
    std::vector<uint8_t> keep(rows, 1);
    if (!deleted.empty()) {
      for (size_t row = 0; row < rows; ++row) {
        if (deleted.Contains(first + static_cast<int64_t>(row))) keep[row] = 0;
      }
    }
    FLOE_RETURN_IF_ERROR(deletes_.ApplyEqualityDeletes(task, read_schema_, columns, &keep));
    std::vector<uint32_t> live;
    live.reserve(rows);
    for (size_t row = 0; row < rows; ++row) {
      if (keep[row] != 0) live.push_back(static_cast<uint32_t>(row));
    }
    if (live.size() != rows) {
      for (ColumnVector& column : columns) {
        ColumnVector kept(column.kind(), column.fixed_width());
        kept.AppendRows(column, live.data(), live.size());
        column = std::move(kept);
      }
    }
    if (live.empty()) continue;
    FLOE_ASSIGN_OR_RAISE(bool more, consume(std::move(columns)));
    if (!more) return false;
  }
  return true;
}

}  // namespace floe::iceberg
