#pragma once

// The State seam: what an operator that remembers (open windows, the CDC key index) hands the
// checkpoint coordinator at a checkpoint and gets back on restore. The coordinator writes each
// snapshot next to the table (state_store.h) and the table sink's snapshot names it in its
// summary, in the same commit as the rows and the offsets (stream/README.md "State").

#include <string>
#include <string_view>

#include "common/result.h"

namespace floe::stream {

/// Thread safety: called on the worker thread that runs the operator, between batches, never
/// concurrently with its processing. Lifetime: registered with a CheckpointCoordinator, it
/// outlives the coordinator's run.
class StatefulOperator {
 public:
  virtual ~StatefulOperator() = default;

  /// Unique in the job and stable across runs, e.g. "window.orders_by_minute"; it names the
  /// state file and the summary key, so letters, digits, '.', '-' and '_' only.
  virtual const std::string& state_name() const = 0;
  /// The operator's whole state as bytes, as of the rows handed to the sinks so far. Called by
  /// the coordinator at a checkpoint, on the worker thread, between batches.
  virtual Result<std::string> SnapshotState() = 0;
  /// Called once, before the first record, with bytes SnapshotState returned at a committed
  /// checkpoint (possibly in another process, of an earlier run). Not called when no committed
  /// checkpoint holds state of this name: the operator starts empty.
  virtual Status RestoreState(std::string_view bytes) = 0;
};

}  // namespace floe::stream
