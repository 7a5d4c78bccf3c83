#pragma once

// Reads Parquet files of flat schemas back into ColumnVectors: what floe writes, and the common
// encodings other writers use for flat columns (PLAIN, dictionary, RLE levels, data page v1 and
// v2, uncompressed/snappy/gzip/zstd). For tests now; compaction and scans later.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/column_vector.h"
#include "common/result.h"
#include "format/parquet/schema.h"
#include "format/parquet/thrift_metadata.h"
#include "io/file_io.h"

namespace floe::parquet {

/// An open file: its footer parsed at Open, row groups decoded on demand. Holds the InputFile.
/// Thread safety: const accessors may be shared; ReadRowGroup from one thread at a time.
class FileReader {
 public:
  /// Reads and checks the footer. Bad magic, a truncated file or footer, bad Thrift or a schema
  /// that is not flat: Corrupt (or NotSupported for valid files floe cannot read yet).
  static Result<std::unique_ptr<FileReader>> Open(std::shared_ptr<io::InputFile> file);
  /// The same over a whole file held in memory.
  static Result<std::unique_ptr<FileReader>> OpenBuffer(std::string contents);

 private:
  struct Token {};

 public:
  FileReader(Token, std::shared_ptr<io::InputFile> file, int64_t file_size,
             thrift::FileMetaData metadata, Schema schema);

  const Schema& schema() const { return schema_; }
  int64_t num_rows() const { return metadata_.num_rows; }
  int num_row_groups() const { return static_cast<int>(metadata_.row_groups.size()); }
  int64_t row_group_num_rows(int index) const { return metadata_.row_groups.at(index).num_rows; }
  std::vector<std::pair<std::string, std::string>> key_value_metadata() const;
  std::optional<std::string> created_by() const { return metadata_.created_by; }
  /// The footer as parsed, for tests and tools that need more than the accessors give.
  const thrift::FileMetaData& metadata() const { return metadata_; }

  /// Decodes every column of row group `index`, one ColumnVector per schema column.
  Result<std::vector<ColumnVector>> ReadRowGroup(int index);

 private:
  Result<ColumnVector> ReadColumnChunk(int row_group, int column);

  std::shared_ptr<io::InputFile> file_;
  int64_t file_size_;
  thrift::FileMetaData metadata_;
  Schema schema_;
};

}  // namespace floe::parquet
