#pragma once

// Writes the column chunks of one leaf column, row group after row group: definition levels,
// values (dictionary or PLAIN), pages cut at the page size, compression, statistics. Pages are
// held in memory until the row group ends, because the dictionary page, complete only then,
// must come first in the chunk.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/column_vector.h"
#include "common/result.h"
#include "format/parquet/buffer_chain.h"
#include "format/parquet/compression.h"
#include "format/parquet/properties.h"
#include "format/parquet/schema.h"
#include "format/parquet/statistics.h"
#include "format/parquet/thrift_metadata.h"
#include "io/file_io.h"

namespace floe::parquet {

/// Base of the typed column writers (made by Make). Owned by the FileWriter; thread safety:
/// none. The values it is given have been checked against the column by the caller.
class ColumnWriter {
 public:
  static Result<std::unique_ptr<ColumnWriter>> Make(const ColumnDescriptor& column,
                                                    const WriterProperties& properties);
  virtual ~ColumnWriter() = default;
  ColumnWriter(const ColumnWriter&) = delete;
  ColumnWriter& operator=(const ColumnWriter&) = delete;

  /// Appends rows selection.Row(begin) .. selection.Row(end - 1) of `values`.
  Status Append(const ColumnVector& values, const Selection& selection, size_t begin, size_t end);

  /// Bytes the chunk would add to the file if flushed now.
  int64_t EstimatedChunkBytes() const;

  /// Writes the chunk (dictionary page, then data pages) at the sink's position, fills its
  /// metadata and statistics, and starts a new chunk.
  Status FlushChunk(io::OutputStream* sink, thrift::ColumnChunk* chunk, EncodedStatistics* stats);

 protected:
  ColumnWriter(const ColumnDescriptor& column, const WriterProperties& properties,
               std::unique_ptr<Compressor> compressor);

  // The typed part: the non-null values of the rows, as dictionary indices or PLAIN bytes.
  virtual void AppendValues(const ColumnVector& values, const Selection& selection, size_t begin,
                            size_t end) = 0;
  virtual int64_t EstimatedPageValueBytes() const = 0;
  virtual bool dictionary_mode() const = 0;
  virtual int64_t DictionaryBytes() const = 0;
  virtual size_t DictionarySize() const = 0;
  /// PLAIN size of every non-null value appended to the chunk so far.
  virtual int64_t PlainBytesSeen() const = 0;
  /// The current page's encoded values (bit width + indices, or PLAIN), in `scratch` or in the
  /// writer's own buffer; valid until ClearPageValues().
  virtual std::string_view PageValues(std::string* scratch) = 0;
  /// The current page as one piece, `levels` then the values, when the writer keeps PLAIN
  /// values with room in front for them (the page is then compressed without being copied);
  /// a null view otherwise (dictionary indices, booleans, levels too long).
  virtual std::string_view PageInOnePiece(std::string_view /*levels*/) { return {}; }
  virtual void ClearPageValues() = 0;
  virtual void AppendDictionaryPage(std::string* out) = 0;
  virtual void FallBackToPlain() = 0;
  /// Min/max of the chunk so far (null count is the base's).
  virtual void TakeMinMax(EncodedStatistics* stats) = 0;
  /// Forgets the chunk's dictionary and min/max.
  virtual void ResetChunk() = 0;

  const ColumnDescriptor column_;
  const WriterProperties properties_;

 private:
  Status FlushPage();
  /// Appends header + `parts` (compressed together when a codec is set) to `out`.
  Status AppendPage(thrift::PageHeader header, std::string_view first, std::string_view second,
                    BufferChain* out, int64_t* compressed_bytes, int64_t* uncompressed_bytes);
  /// Whether the dictionary is worth keeping, judged once per chunk after a sample.
  bool DictionaryPaysOff();

  std::unique_ptr<Compressor> compressor_;  // null when uncompressed
  bool optional_;
  // Current page.
  std::vector<uint8_t> def_levels_;
  int64_t page_num_values_ = 0;
  // Current chunk.
  BufferChain chunk_pages_;
  int64_t chunk_present_values_ = 0;
  bool dictionary_judged_ = false;
  int64_t chunk_uncompressed_bytes_ = 0;
  int64_t chunk_num_values_ = 0;
  int64_t chunk_null_count_ = 0;
  bool used_dictionary_pages_ = false;
  bool used_plain_pages_ = false;
  // Scratch buffers reused across pages.
  std::string levels_;
  std::string values_scratch_;
  std::string page_body_;
  std::string header_;
};

}  // namespace floe::parquet
