#pragma once

// Reads a JSON-lines file (or stdin) in chunks and decodes it into column batches of a table
// schema. Used by `floe table append`, where one bad row fails the whole append.

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "format/json/batch_decoder.h"
#include "iceberg/schema.h"

namespace floe::cli {

/// Thread safety: none. Owns the open file.
class RowReader {
 public:
  /// `path` "-" reads stdin.
  static Result<std::unique_ptr<RowReader>> Open(const std::string& path,
                                                 const iceberg::Schema& schema);
  ~RowReader();
  RowReader(const RowReader&) = delete;
  RowReader& operator=(const RowReader&) = delete;

  /// The next batch (columns in schema order), or nullptr at the end of the input. The first
  /// bad record is an error "PATH:LINE: field 'x': ..." (kInvalidArgument).
  Result<const json::DecodedBatch*> Next();

 private:
  RowReader(std::string path, std::FILE* file, json::BatchDecoder decoder);

  std::string path_;
  std::FILE* file_;
  json::BatchDecoder decoder_;
  json::DecodedBatch batch_;
  std::string buffer_;  // read but not yet decoded: an incomplete last line
  int64_t next_line_ = 1;
  bool eof_ = false;
};

}  // namespace floe::cli
