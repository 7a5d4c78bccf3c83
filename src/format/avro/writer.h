#pragma once

// Writes Avro object container files: a header (magic, metadata, sync marker), then blocks of
// rows, each compressed with the file's codec and followed by the sync marker.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "format/avro/schema.h"
#include "format/avro/value.h"
#include "io/file_io.h"

namespace floe::avro {

enum class Codec : uint8_t { kNull, kDeflate };

/// The value of the "avro.codec" header key: "null" or "deflate".
std::string_view CodecName(Codec codec);

struct WriterOptions {
  Codec codec = Codec::kDeflate;
  /// 0-9, or -1 for zlib's default. Used with Codec::kDeflate only.
  int deflate_level = 6;
  /// User header key-values (e.g. Iceberg's "schema", "partition-spec"), written after
  /// "avro.schema" and "avro.codec". Keys starting with "avro." are reserved.
  std::vector<std::pair<std::string, std::string>> metadata;
  /// A block is written once its uncompressed rows reach this size.
  int64_t block_size_bytes = 64 * 1024;
};

/// Writes rows of one schema into a container file on `sink`. Make() writes the header; Append()
/// buffers rows and writes a block when it is full; Close() writes the last block. The sink is
/// not owned and must outlive the writer; the writer never closes it.
/// Thread safety: none; one thread per writer. After a sink error every call returns it.
class FileWriter {
 public:
  static Result<std::unique_ptr<FileWriter>> Make(io::OutputStream* sink, NodePtr schema,
                                                  WriterOptions options);

  /// Validates `datum` against the schema and adds it. A mismatch is InvalidArgument naming the
  /// field path ("data_file.record_count: expected long, got string") and adds nothing.
  Status Append(const Value& datum);
  /// Writes the buffered rows. Does not close the sink. Calling it again returns the first
  /// outcome; Append() after Close() is an error.
  Status Close();

  int64_t rows_written() const { return rows_written_; }
  const Node& schema() const { return *schema_; }

 private:
  // Lets Make() use std::make_unique while nobody else can construct a writer.
  struct PrivateToken {
    explicit PrivateToken() = default;
  };

 public:
  FileWriter(PrivateToken, io::OutputStream* sink, NodePtr schema, WriterOptions options,
             std::string sync_marker);

 private:
  Status WriteHeader();
  Status FlushBlock();

  io::OutputStream* sink_;
  NodePtr schema_;
  WriterOptions options_;
  std::string sync_marker_;
  std::string block_;  // encoded, uncompressed rows of the current block
  int64_t block_rows_ = 0;
  int64_t rows_written_ = 0;
  Status sink_status_;  // the first failure writing to the sink
  bool closed_ = false;
};

}  // namespace floe::avro
