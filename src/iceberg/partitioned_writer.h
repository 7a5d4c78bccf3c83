#pragma once

// Fans rows of one table out to one open data file per partition, rolling files at the target
// size. What it returns is ready for a commit; what it wrote but did not hand back (after an
// error or Abort) is deleted.

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/column_vector.h"
#include "iceberg/data_file_writer.h"
#include "iceberg/table_metadata.h"
#include "io/file_io.h"

namespace floe::iceberg {

/// Iceberg's default write.target-file-size-bytes (512 MiB).
inline constexpr int64_t kDefaultTargetFileSizeBytes = 512LL * 1024 * 1024;

/// The directory data files go to: write.data.path, else <location>/data (no trailing '/').
std::string DataDirectory(const TableMetadata& metadata);

/// "name=value/name=value" for a partition tuple: human forms, percent-encoded (see the .cc).
std::string PartitionPath(const PartitionSpec& spec, const Schema& schema,
                          const std::vector<Scalar>& partition);

/// Checks the write properties a table carries (codec, level, sizes, target file size), so that a
/// table is never created with values its writers would refuse.
Status ValidateWriteProperties(const std::map<std::string, std::string>& properties);

/// Where a written row went: the writer's file number (PartitionedWriter::FileLocation) and the
/// row's position in that file (0-based, as position deletes count).
struct RowLocation {
  uint32_t file = 0;
  int64_t position = 0;
};

/// Thread safety: one thread per writer. Lifetime: the FileIO must outlive the writer.
class PartitionedWriter {
 public:
  /// Writes files of the table's current schema under its default spec, configured by the
  /// table's properties (write.target-file-size-bytes, write.parquet.*, write.data.path).
  static Result<std::unique_ptr<PartitionedWriter>> Make(std::shared_ptr<io::FileIO> io,
                                                         const TableMetadata& metadata);

  /// `columns`: one vector per field of the current schema, in schema order (kinds as
  /// ColumnKindFor names). Rows the selection names are written. With `locations` (one slot per
  /// row of `columns`), the slot of each written row receives where it went.
  Status Write(std::span<const ColumnVector* const> columns, Selection selection,
               RowLocation* locations = nullptr);
  /// The location of the writer's file number `file` (files in the order it opened them).
  const std::string& FileLocation(uint32_t file) const { return opened_files_.at(file); }

  /// Closes every open file and returns all files written since the last Finish.
  Result<std::vector<DataFile>> Finish();
  /// Discards open files and deletes the closed ones not yet returned.
  Status Abort();

  int64_t rows_written() const { return rows_written_; }

  /// Starts the names of the files opened from now on (e.g. "floe-<job>-"), so that a writer's
  /// files can be told apart from other writers' (orphan_files.h).
  void set_file_prefix(std::string prefix) { file_prefix_ = std::move(prefix); }

 private:
  struct OpenFile {
    std::vector<Scalar> partition;
    std::string path;  // the partition's directory below the data location ("" if none)
    std::unique_ptr<DataFileWriter> writer;
    uint32_t number = 0;  // the open file's number (opened_files_)
  };

  PartitionedWriter(std::shared_ptr<io::FileIO> io, Schema schema, PartitionSpec spec,
                    std::string data_location, int64_t target_file_size_bytes,
                    parquet::WriterProperties properties);

  Status WriteToPartition(const std::string& key, std::vector<Scalar> partition,
                          std::span<const ColumnVector* const> columns, Selection selection,
                          RowLocation* locations);
  Result<std::unique_ptr<DataFileWriter>> NewFile(const std::vector<Scalar>& partition,
                                                  const std::string& partition_path);
  Status CloseFile(OpenFile& file);

  std::shared_ptr<io::FileIO> io_;
  Schema schema_;
  PartitionSpec spec_;
  std::vector<TypePtr> source_types_;  // per partition field
  std::vector<int> source_columns_;    // per partition field: index of its source column
  std::string data_location_;
  int64_t target_file_size_bytes_;
  parquet::WriterProperties properties_;
  std::string write_id_;  // one uuid per writer, in every file name
  int32_t file_count_ = 0;
  std::string file_prefix_;
  int64_t rows_written_ = 0;
  std::unordered_map<std::string, OpenFile> open_files_;
  std::vector<DataFile> closed_files_;
  std::vector<std::string> opened_files_;  // every file's location, by file number
  // Reused per batch: rows of each partition key.
  std::unordered_map<std::string, std::vector<uint32_t>> rows_by_key_;
};

}  // namespace floe::iceberg
