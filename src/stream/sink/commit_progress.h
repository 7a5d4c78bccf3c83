#pragma once

// What a table sink's commits have settled so far, and the preamble every commit of one runs
// first: a commit whose outcome was unknown is resolved, the checkpoint's offsets are merged over
// the committed ones, and a checkpoint without rows commits only now and then (the empty-checkpoint
// rule below). Shared by the append and the upsert Iceberg sinks.

#include <functional>
#include <optional>
#include <string>

#include "common/offsets.h"
#include "common/result.h"
#include "stream/offsets_json.h"
#include "stream/sink/sink.h"

namespace floe::stream {

/// A checkpoint that wrote no rows but moved offsets commits an empty snapshot only every
/// kMaxEmptyCheckpoints checkpoints and at the final one (like Flink's
/// max-continuous-empty-commits): the offsets then lag a little, which costs a re-read of rows
/// the sink skips anyway, but the table is not flooded with empty snapshots.
/// Thread safety: none; a value owned by one sink.
class CommitProgress {
 public:
  static constexpr int kMaxEmptyCheckpoints = 10;

  /// The preamble of a commit. `unresolved` names a previous commit whose outcome is unknown
  /// (empty: none); `resolve` then looks for it in the table and settles the sink's pending work
  /// (failing, the outcome stays unknown: CommitStateUnknown naming `where`). Then returns the
  /// offsets to commit (the checkpoint's merged over the committed ones), or nullopt when the
  /// checkpoint commits nothing: `has_rows` (asked after resolving) says no, and the offsets did
  /// not move or the empty-checkpoint rule defers them.
  Result<std::optional<OffsetMap>> Begin(const CheckpointInfo& checkpoint, const std::string& where,
                                         const std::string& unresolved,
                                         const std::function<Status()>& resolve,
                                         const std::function<bool()>& has_rows);
  /// After a commit landed with `offsets`.
  void Committed(OffsetMap offsets);

  const OffsetMap& committed_offsets() const { return committed_offsets_; }
  /// As read back from the table, or as a resolved commit left them.
  void set_committed_offsets(OffsetMap offsets) { committed_offsets_ = std::move(offsets); }

 private:
  OffsetMap committed_offsets_;
  int empty_checkpoints_ = 0;  // checkpoints since the last commit that moved offsets only
};

}  // namespace floe::stream
