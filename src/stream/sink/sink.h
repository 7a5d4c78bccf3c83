#pragma once

// Sinks: where rows leave a job. Each sink commits its own progress atomically with its output
// (DESIGN.md "Exactly once"): what it wrote and the source positions it covers become visible
// together, at a checkpoint.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/offsets.h"
#include "common/result.h"
#include "format/json/row_encoder.h"
#include "stream/record_batch.h"

namespace floe::stream {

using floe::OffsetMap;
using floe::TopicPartition;

/// What a checkpoint commits.
struct CheckpointInfo {
  std::string job_id;
  int64_t checkpoint_id = 0;
  /// Next offsets per source partition, as of the rows written before this checkpoint.
  OffsetMap offsets;
  /// The event-time watermark at the checkpoint (micros since the epoch), if the job has one.
  std::optional<int64_t> watermark_micros;
  /// The last checkpoint of a run (end of bounded input, or a stop), or the one before
  /// partitions move to another member of the group: sinks record moved offsets even when they
  /// wrote nothing, so that the next reader (the next run, the partitions' new owner) does not
  /// read that input again.
  bool final = false;
  /// When the checkpoint times out: sinks stop retrying past it and fail the commit.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  /// The operators' state written for this checkpoint (state.h): state name → location. A
  /// table sink names them in its commit; other sinks ignore them.
  std::map<std::string, std::string> state_locations;
};

/// What a sink's commits made so far, for observers (the job's metrics and dashboard).
struct CommitDetails {
  int64_t commits = 0;                 // successful commits that wrote something
  std::optional<int64_t> snapshot_id;  // the last one's snapshot (tables)
  int64_t files = 0;                   // the last one's data files
  int64_t bytes = 0;                   // and their size
  int attempts = 1;                    // the last one's attempts (more: lost races, retried)
  int conflicts = 0;                   // of those, the ones the catalog refused as conflicts
};

/// Thread safety: a sink is driven by one thread (the job's runtime); Write and Commit are never
/// called concurrently. Lifetime: Close() before destruction; destruction without Close()
/// discards what was not committed.
class Sink {
 public:
  virtual ~Sink() = default;

  virtual const std::string& name() const = 0;
  /// Writes (or buffers) the selected rows of a batch. Not visible before Commit().
  virtual Status Write(const RecordBatch& batch, Selection selection) = 0;
  /// A sink whose output is its rows encoded one after the other (JSON lines) may have them
  /// encoded ahead, on the threads that prepare chunks (ChunkPreparer): its encoder, used there
  /// from several threads at once through its const methods, or nullptr (the default: rows go
  /// through Write). The encoder lives as long as the sink.
  virtual const json::RowEncoder* AheadEncoder() const { return nullptr; }
  /// Writes rows AheadEncoder() encoded (EncodeLines of all of a batch's columns), as Write
  /// would have written those rows. Only sinks with an AheadEncoder take it.
  virtual Status WriteEncoded(std::string_view /*encoded*/) {
    return Internal("sink '{}' takes no rows encoded ahead", name());
  }
  /// Makes everything written since the last commit durable and visible, together with the
  /// checkpoint's offsets. Nothing written and nothing to record: a no-op.
  virtual Status Commit(const CheckpointInfo& checkpoint) = 0;
  /// The offsets of the last commit this sink made, read back from its own output (recovery
  /// seeks the source to the smallest of all sinks' offsets).
  virtual Result<OffsetMap> CommittedOffsets() = 0;
  /// The state locations of the last commit this sink made (CheckpointInfo::state_locations),
  /// read back from its own output like the offsets; empty when it keeps none.
  virtual Result<std::map<std::string, std::string>> CommittedState() {
    return std::map<std::string, std::string>{};
  }
  /// Whether a failed Commit leaves the sink as it was, so that the next Commit commits the
  /// failed one's rows too (a failed checkpoint is then tolerable). Otherwise a failed commit
  /// ends the job, and recovery starts from the committed offsets.
  virtual bool RetriesFailedCommits() const { return false; }
  /// Empty (commits 0) for sinks that do not count their commits.
  virtual CommitDetails LastCommit() const { return {}; }
  /// Rows written since the last commit are discarded; committed ones stay.
  virtual Status Close() = 0;
};

}  // namespace floe::stream
