#pragma once

// Applies a data file's row-level deletes while it is read: position delete files (v2),
// deletion vectors (v3, Puffin) and equality delete files. Which delete files apply to which
// data file is decided by the scan plan (table_scan.h); this reads them and marks rows.

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/column_vector.h"
#include "common/result.h"
#include "iceberg/deletion_vector.h"
#include "iceberg/schema.h"
#include "iceberg/table_scan.h"
#include "io/file_io.h"

namespace floe::iceberg {

/// Reads delete files once and keeps them for every data file they apply to. Not thread safe:
/// one scan thread uses it.
class DeleteFilter {
 public:
  /// `table_schema` types the equality delete columns.
  DeleteFilter(std::shared_ptr<io::FileIO> io, Schema table_schema)
      : io_(std::move(io)), table_schema_(std::move(table_schema)) {}

  /// The deleted positions of the task's data file, from its position deletes and DVs.
  Result<DeletionVector> DeletedPositions(const FileScanTask& task);

  /// Clears keep[r] for every row r of `columns` (the fields of `read_schema`, which must hold
  /// every equality field of the task's deletes) that an equality delete of the task removes.
  Status ApplyEqualityDeletes(const FileScanTask& task, const Schema& read_schema,
                              const std::vector<ColumnVector>& columns, std::vector<uint8_t>* keep);

 private:
  /// The keys of one equality delete file: per row, the values of its equality fields in
  /// `field_ids` order (null matches null).
  struct EqualityKeys {
    std::vector<int32_t> field_ids;
    std::set<std::vector<Scalar>> keys;
  };

  Result<const EqualityKeys*> LoadEqualityDeletes(const DataFile& file);
  /// Positions per data file path of one position delete file.
  Result<const std::map<std::string, DeletionVector>*> LoadPositionDeletes(const DataFile& file);

  std::shared_ptr<io::FileIO> io_;
  Schema table_schema_;
  std::map<std::string, std::map<std::string, DeletionVector>> position_files_;
  std::map<std::string, EqualityKeys> equality_files_;
};

}  // namespace floe::iceberg
