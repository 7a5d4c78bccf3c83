#pragma once

// The metadata columns of a source's schema (metadata_column.h), filled from the envelope of
// the records of a chunk: their partition, offsets, and for Kafka messages their timestamps,
// keys and headers. The JSON columns come from the decoder; these from here.

#include <string>
#include <vector>

#include "common/column_vector.h"
#include "common/result.h"
#include "iceberg/schema.h"
#include "stream/source/metadata_column.h"
#include "stream/source/source.h"

namespace floe::stream {

/// Thread safety: one thread (it keeps scratch space). Immutable configuration after Make.
class EnvelopeColumns {
 public:
  /// `metadata` and `header_names` are per column of `schema` (header_names may be empty when
  /// no column is kHeader). InvalidArgument when they do not match the schema, a kHeader column
  /// names no header, or a metadata column's type cannot be stored.
  static Result<EnvelopeColumns> Make(const iceberg::Schema& schema,
                                      std::vector<MetadataColumn> metadata,
                                      std::vector<std::string> header_names);

  MetadataColumn metadata(size_t column) const { return metadata_[column]; }
  const std::vector<MetadataColumn>& metadata() const { return metadata_; }

  /// Starts a batch of `chunk`'s records that decoded, whose offsets are `offsets` (increasing).
  void Begin(const SourceChunk& chunk, const std::vector<int64_t>& offsets);
  /// The values of metadata column `column` for the rows given to Begin.
  ColumnVector Column(size_t column, const SourceChunk& chunk,
                      const std::vector<int64_t>& offsets) const;

 private:
  EnvelopeColumns() = default;

  std::vector<MetadataColumn> metadata_;
  std::vector<std::string> header_names_;
  std::vector<ColumnKind> kinds_;   // per column: the storage of a metadata one
  std::vector<size_t> message_of_;  // per row of the batch: its message in the chunk
};

}  // namespace floe::stream
