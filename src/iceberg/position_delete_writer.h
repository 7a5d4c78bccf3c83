#pragma once

// Position delete files (format v2, spec "Position Delete Files"): Parquet files of
// (file_path, pos) rows with the reserved field ids, sorted by path then position, each marking
// one row of a data file as deleted. Written with full, untruncated bounds (truncated bounds make
// compaction treat the file as touching every data file, iceberg#6694) and, when every row
// names one data file, with referenced_data_file set, so readers and validations scope it.

#include <cstdint>
#include <string>
#include <vector>

#include "format/parquet/properties.h"
#include "iceberg/manifest.h"
#include "iceberg/schema.h"
#include "io/file_io.h"

namespace floe::iceberg {

/// The reserved field ids of a position delete file's columns.
inline constexpr int32_t kDeleteFilePathFieldId = 2147483546;
inline constexpr int32_t kDeletePosFieldId = 2147483545;

/// The schema of a position delete file: file_path (string), pos (long), both required.
const Schema& PositionDeleteSchema();

/// One deleted row: the data file's location and the row's 0-based position in it.
struct PositionDelete {
  std::string file_path;
  int64_t pos = 0;

  auto operator<=>(const PositionDelete&) const = default;
};

/// Writes `deletes` (any order; duplicates are dropped) as one position delete file at
/// `location` with the partition values of the data files they name (all in one partition of
/// the table's default spec), and describes it. InvalidArgument for no deletes or a negative
/// position.
Result<DataFile> WritePositionDeleteFile(io::FileIO& io, const std::string& location,
                                         std::vector<PositionDelete> deletes,
                                         std::vector<Scalar> partition,
                                         parquet::WriterProperties properties);

/// Reads a position delete file back (any writer's: the columns are found by field id).
Result<std::vector<PositionDelete>> ReadPositionDeleteFile(io::FileIO& io, const DataFile& file);

}  // namespace floe::iceberg
