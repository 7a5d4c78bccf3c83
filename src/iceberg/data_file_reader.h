#pragma once

// Reads Parquet data and delete files as columns of an Iceberg schema: columns are matched by
// field id (by name when a writer left the ids out), a field the file lacks reads as nulls
// (columns added after the file was written), and int/float columns widen to long/double
// (type promotion).

#include <memory>
#include <string>
#include <vector>

#include "common/column_vector.h"
#include "common/result.h"
#include "format/parquet/file_reader.h"
#include "iceberg/schema.h"
#include "io/file_io.h"

namespace floe::iceberg {

/// One open file. Thread safety: none; one thread reads it, row group after row group.
class DataFileReader {
 public:
  /// Opens `location` to read the top-level primitive fields of `schema`. Damaged files are
  /// Corrupt, naming the file; a column whose storage cannot hold its field's type is
  /// NotSupported, naming both.
  static Result<std::unique_ptr<DataFileReader>> Open(io::FileIO& io, const std::string& location,
                                                      const Schema& schema);

  int num_row_groups() const { return file_->num_row_groups(); }
  int64_t num_rows() const { return file_->num_rows(); }
  /// The position in the file of row group `index`'s first row.
  int64_t RowGroupFirstPosition(int index) const { return first_positions_.at(index); }

  /// Row group `index`: one column per field of the schema, in its order, in the kinds
  /// ColumnKindFor names.
  Result<std::vector<ColumnVector>> ReadRowGroup(int index);

 private:
  struct PrivateToken {
    explicit PrivateToken() = default;
  };

 public:
  DataFileReader(PrivateToken, std::string location, Schema schema,
                 std::unique_ptr<parquet::FileReader> file, std::vector<int> source_columns);

 private:
  std::string location_;
  Schema schema_;
  std::unique_ptr<parquet::FileReader> file_;
  std::vector<int> source_columns_;  // per schema field: its Parquet column, or -1
  std::vector<int64_t> first_positions_;
};

}  // namespace floe::iceberg
