#pragma once

// The JSON-lines file sink: the output topic's stand-in on the embedded default. Rows are
// written in the input's JSON shape. It is exactly-once like the other sinks: a commit appends
// the rows and fsyncs, then atomically replaces a small state file beside the output
// (PATH.floe-state) holding the committed length and offsets. On open, a tail beyond the
// committed length (rows of a crashed run that never committed) is cut off.

#include <memory>
#include <string>

#include "format/json/row_encoder.h"
#include "iceberg/schema.h"
#include "stream/sink.h"

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
  Status Commit(const CheckpointInfo& checkpoint) override;
  Result<OffsetMap> CommittedOffsets() override { return offsets_; }
  Status Close() override;

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
  std::string pending_;  // encoded rows not yet committed
};

}  // namespace floe::stream
