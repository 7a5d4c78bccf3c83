#pragma once

// Writes one Parquet file from columnar batches: row groups of column chunks, then the footer.
// See README.md for what the files contain.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/column_vector.h"
#include "common/result.h"
#include "format/parquet/properties.h"
#include "format/parquet/schema.h"
#include "format/parquet/statistics.h"
#include "format/parquet/thrift_metadata.h"
#include "io/file_io.h"

namespace floe::parquet {

class ColumnWriter;

/// What a closed file holds per column, summed over its row groups (what a table format's
/// manifest needs: sizes, counts, bounds).
struct ColumnChunkSummary {
  std::string name;
  std::optional<int32_t> field_id;
  int64_t total_compressed_size_bytes = 0;  // all pages incl. headers, summed over row groups
  int64_t value_count = 0;                  // rows incl. nulls
  int64_t null_count = 0;
  bool has_min_max = false;
  // PLAIN encoding of the bounds as in Parquet Statistics.min_value/max_value: ints/floats
  // little-endian, byte arrays and fixed raw bytes; merged over row groups in the type's sort
  // order; full (not truncated) values.
  std::string min_value;
  std::string max_value;
};

struct FileSummary {
  int64_t num_rows = 0;
  int64_t file_size_bytes = 0;
  std::vector<int64_t> row_group_offsets;  // file offset of each row group's first page
  std::vector<ColumnChunkSummary> columns;
};

/// Writes one file front to back into the sink it owns. Call WriteBatch any number of times,
/// then Close (or Abort). An invalid batch is refused whole and leaves the file usable; a failed
/// write to the sink fails the writer for good (every later call returns that error) and the
/// caller should Abort. The destructor does no I/O: an unclosed file is left to its sink, which
/// discards it. Thread safety: none; one thread at a time.
class FileWriter {
 public:
  static Result<std::unique_ptr<FileWriter>> Make(std::unique_ptr<io::OutputStream> sink,
                                                  Schema schema, WriterProperties properties);

 private:
  struct Token {};

 public:
  FileWriter(Token, std::unique_ptr<io::OutputStream> sink, Schema schema,
             WriterProperties properties);
  ~FileWriter();
  FileWriter(const FileWriter&) = delete;
  FileWriter& operator=(const FileWriter&) = delete;

  /// Writes the rows `selection` names of `columns` (one per schema column, in order, all of the
  /// same size()). ColumnKind must match the physical type (kBool: BOOLEAN, kInt32, kInt64,
  /// kFloat, kDouble, kBytes: BYTE_ARRAY, kFixed: FIXED_LEN_BYTE_ARRAY of equal width). A null
  /// in a REQUIRED column, a kind or width mismatch, a wrong column count or an out-of-range
  /// selection: InvalidArgument naming the column, and nothing of the batch is written.
  Status WriteBatch(std::span<const ColumnVector* const> columns, Selection selection);

  int64_t num_rows() const { return num_rows_; }
  /// Bytes written plus an estimate of what is buffered: to roll files at a target size.
  int64_t EstimatedFileSize() const;

  /// Flushes the last row group, writes the footer and closes the sink. A second call returns
  /// the first outcome.
  Status Close();
  /// Aborts the sink: nothing is left at the location.
  Status Abort();

  /// Valid after Close() succeeded.
  const FileSummary& summary() const { return summary_; }
  const Schema& schema() const { return schema_; }

 private:
  enum class State { kOpen, kClosed, kAborted, kFailed };

  Status CheckBatch(std::span<const ColumnVector* const> columns, const Selection& selection) const;
  Status FlushRowGroup();
  Status WriteFooter();
  Status Fail(Status status);
  int64_t EstimatedRowGroupBytes() const;

  std::unique_ptr<io::OutputStream> sink_;
  Schema schema_;
  WriterProperties properties_;
  std::vector<std::unique_ptr<ColumnWriter>> writers_;
  std::vector<thrift::RowGroup> row_groups_;
  std::vector<EncodedStatistics> column_stats_;
  std::vector<int64_t> column_compressed_bytes_;
  int64_t num_rows_ = 0;
  int64_t row_group_rows_ = 0;
  State state_ = State::kOpen;
  Status final_status_;  // outcome of Close, or the failure
  FileSummary summary_;
};

}  // namespace floe::parquet
