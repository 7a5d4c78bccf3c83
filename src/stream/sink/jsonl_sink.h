#pragma once

// The JSON-lines file sink: the output topic's stand-in on the embedded default. Rows are
// written in the input's JSON shape. It is exactly-once like the other sinks: rows are appended
// as they come (so memory stays flat however long a checkpoint interval is), and a commit fsyncs
// them, then atomically replaces a small state file beside the output (PATH.floe-state) holding
// the committed length and offsets. The committed length is the truth, as a Kafka consumer's
// read_committed is: bytes past it are uncommitted. On open and on Close, such a tail (rows of a
// run that never committed them) is cut off.

#include <memory>
#include <string>

#include "format/json/row_encoder.h"
#include "iceberg/schema.h"
#include "stream/sink/sink.h"

namespace floe::stream {

struct JsonlSinkOptions {
  std::string name;  // the sink's name in the job
  std::string path;  // the output file; its folder is created if missing
};

/// Thread safety: one thread, as Sink says.
class JsonlSink final : public Sink {
 public:
  static Result<std::unique_ptr<JsonlSink>> Open(const iceberg::Schema& input_schema,
                                                 JsonlSinkOptions options);
  ~JsonlSink() override;

  const std::string& name() const override { return options_.name; }
  Status Write(const RecordBatch& batch, Selection selection) override;
  /// Its rows are JSON lines: preparing threads may encode them (EncodeLines is const).
  const json::RowEncoder* AheadEncoder() const override { return &encoder_; }
  Status WriteEncoded(std::string_view encoded) override;
  Status Commit(const CheckpointInfo& checkpoint) override;
  Result<OffsetMap> CommittedOffsets() override { return offsets_; }
  Status Close() override;

  /// Encoded rows are appended to the file in pieces of about this size.
  static constexpr size_t kFlushBytes = 1 << 20;

  /// The state file's path for an output path.
  static std::string StatePath(const std::string& path) { return path + ".floe-state"; }
  int64_t committed_bytes() const { return committed_bytes_; }

 private:
  JsonlSink(JsonlSinkOptions options, json::RowEncoder encoder, int fd, int64_t committed_bytes,
            OffsetMap offsets);
  Status WriteState() const;

  JsonlSinkOptions options_;
  json::RowEncoder encoder_;
  int fd_;
  int64_t committed_bytes_;
  OffsetMap offsets_;
  Status FlushPending();

  std::string pending_;  // encoded rows not yet appended to the file
  int64_t file_bytes_;   // the file's length: committed bytes plus the uncommitted tail
};

}  // namespace floe::stream
