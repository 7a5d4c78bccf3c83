#pragma once

// Writes rows of an Iceberg schema into one Parquet data file and describes the result as a
// DataFile with Iceberg's column metrics. This is the glue between the Iceberg model and the
// format-level Parquet writer: type mapping, field ids, the iceberg.schema footer key, and the
// conversion of Parquet statistics into single-value bounds.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/column_vector.h"
#include "format/parquet/file_writer.h"
#include "format/parquet/properties.h"
#include "format/parquet/schema.h"
#include "iceberg/column_kind.h"
#include "iceberg/manifest.h"
#include "iceberg/schema.h"
#include "io/file_io.h"

namespace floe::iceberg {

/// The Parquet column of an Iceberg field (top-level primitive fields; nested types are not
/// written yet and give NotSupported).
Result<parquet::ColumnDescriptor> ParquetColumnFor(const NestedField& field);
/// The Parquet schema of a whole table schema, with field ids.
Result<parquet::Schema> ParquetSchemaFor(const Schema& schema);

/// A table property that must be a positive integer, or `fallback` when absent; an error naming
/// the property otherwise.
Result<int64_t> PositiveIntProperty(const std::map<std::string, std::string>& properties,
                                    const std::string& key, int64_t fallback);

/// floe's row-group target when a table does not set write.parquet.row-group-size-bytes: 8 MiB
/// of encoded, compressed pages (Iceberg Java's default is 128 MiB). A writer holds its open row
/// group in memory until the group is full, so this bounds what every open data file buffers
/// between checkpoints: a job's peak memory stays flat however much it writes before a commit.
/// Readers read any row-group size; 8 MiB is 100-400k rows of typical events, the order of
/// DuckDB's 122,880-row groups.
inline constexpr int64_t kDefaultRowGroupSizeBytes = 8LL << 20;

/// Parquet writer settings from table properties: write.parquet.compression-codec (default
/// zstd), write.parquet.compression-level, write.parquet.page-size-bytes,
/// write.parquet.row-group-size-bytes (default kDefaultRowGroupSizeBytes),
/// write.parquet.dict-size-bytes. A bad value is an error naming the property.
Result<parquet::WriterProperties> ParquetPropertiesFromTable(
    const std::map<std::string, std::string>& properties);

/// One Parquet file being written. Owns its output stream; nothing is visible at the location
/// until Close() succeeds. Thread safety: one thread per writer.
class DataFileWriter {
 public:
  static Result<std::unique_ptr<DataFileWriter>> Make(io::FileIO& io, std::string location,
                                                      const Schema& schema,
                                                      std::vector<Scalar> partition,
                                                      parquet::WriterProperties properties);

  /// `columns` holds one vector per top-level schema field, in schema order, in the kinds
  /// ColumnKindFor names; the selection picks the rows.
  Status Write(std::span<const ColumnVector* const> columns, Selection selection);
  int64_t num_rows() const { return writer_->num_rows(); }
  int64_t EstimatedFileSize() const { return writer_->EstimatedFileSize(); }
  const std::string& location() const { return location_; }

  /// Finishes the file and returns its DataFile (path, partition, counts, sizes, metrics, split
  /// offsets). Call once.
  Result<DataFile> Close();
  /// Discards the file.
  Status Abort();

 private:
  DataFileWriter(std::string location, const Schema& schema, std::vector<Scalar> partition,
                 std::unique_ptr<parquet::FileWriter> writer);

  std::string location_;
  Schema schema_;
  std::vector<Scalar> partition_;
  std::unique_ptr<parquet::FileWriter> writer_;
  // Columns whose storage differs between decoders and Parquet (decimal(P<=9) held as int64,
  // wide decimals held as 16 bytes): converted per batch into these buffers.
  std::vector<int> converted_columns_;
  std::vector<ColumnVector> conversion_buffers_;
};

}  // namespace floe::iceberg
