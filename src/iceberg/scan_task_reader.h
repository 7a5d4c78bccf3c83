#pragma once

// Reads the rows of a planned scan's data files with their deletes applied.

#include <functional>
#include <memory>
#include <vector>

#include "common/column_vector.h"
#include "common/result.h"
#include "iceberg/delete_filter.h"
#include "iceberg/schema.h"
#include "iceberg/table_scan.h"
#include "io/file_io.h"

namespace floe::iceberg {

/// Receives the live rows of one row group: one column per field of the read schema. Returns
/// false to stop reading (a limit reached).
using RowGroupConsumer = std::function<Result<bool>(std::vector<ColumnVector> columns)>;

/// Reads tasks of one TableScan. Delete files are read once and reused across data files.
/// Thread safety: none; one thread.
class ScanTaskReader {
 public:
  /// `read_schema`: the fields of the scan's schema to read; it must hold every field of
  /// TableScan::EqualityFieldIds().
  ScanTaskReader(std::shared_ptr<io::FileIO> io, const TableScan& scan, Schema read_schema)
      : io_(io), read_schema_(std::move(read_schema)), deletes_(std::move(io), scan.schema()) {}

  const Schema& read_schema() const { return read_schema_; }

  /// Reads `task`'s data file row group by row group, dropping deleted rows. Returns false when
  /// `consume` asked to stop.
  Result<bool> Read(const FileScanTask& task, const RowGroupConsumer& consume);

 private:
  std::shared_ptr<io::FileIO> io_;
  Schema read_schema_;
  DeleteFilter deletes_;
};

}  // namespace floe::iceberg
