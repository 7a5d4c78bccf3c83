#pragma once

// Reads a JSON-lines file (or stdin) in chunks and decodes it into column batches of a table
// schema. Used by `floe table append`, where one bad row fails the whole append.

#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "format/json/batch_decoder.h"
#include "iceberg/schema.h"
#include "stream/source/line_chunk_reader.h"

namespace floe::cli {

/// Thread safety: none. Owns the open input.
class RowReader {
 public:
  /// `path` "-" reads stdin.
  static Result<std::unique_ptr<RowReader>> Open(const std::string& path,
                                                 const iceberg::Schema& schema);
  /// The next batch (columns in schema order), or nullptr at the end of the input. The first
  /// bad record is an error "PATH:LINE: field 'x': ..." (kInvalidArgument).
  Result<const json::DecodedBatch*> Next();

 private:
  RowReader(std::unique_ptr<stream::LineChunkReader> lines, json::BatchDecoder decoder);

  std::unique_ptr<stream::LineChunkReader> lines_;
  json::BatchDecoder decoder_;
  json::DecodedBatch batch_;
};

}  // namespace floe::cli
