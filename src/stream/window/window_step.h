#pragma once

// One worker's window step: the shared, const WindowOperator with this worker's state, as the
// StatefulOperator the checkpoint coordinator snapshots and restores (stream/state.h).
//
// Sharded (job.parallelism N): the state is N WindowStates, each owning the group keys whose
// hash falls to it (WindowOperator::ShardOfHash), so the open windows of a key live in exactly
// one shard. A batch is routed (its rows' keys hashed, in N slices at once), then each shard
// accumulates the rows it owns on its own thread; every shard reads every row's event time, so
// all have the same partition clocks and watermark as one unsharded state would, and decide the
// same rows late. Firing goes shard by shard into one output batch numbered by one counter. The
// checkpoint is one state file covering all shards, in the unsharded format: it restores into
// any number of shards.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "stream/state.h"
#include "stream/window/shard_threads.h"
#include "stream/window/window_operator.h"

namespace floe::stream::window {

/// Thread safety: none; used by the worker thread that owns it (the coordinator calls it on
/// that thread, between batches); it runs its shards on its own threads within a call.
/// Lifetime: registered with the worker's coordinator, it lives as long as the worker.
class WindowStep final : public StatefulOperator {
 public:
  /// `shards` >= 1.
  WindowStep(std::shared_ptr<const WindowOperator> op, std::string state_name, size_t shards = 1);

  const std::string& state_name() const override { return state_name_; }
  Result<std::string> SnapshotState() override { return op_->Snapshot(shards_); }
  Status RestoreState(std::string_view bytes) override;

  const WindowOperator& op() const { return *op_; }
  size_t shard_count() const { return shards_.size(); }
  const WindowState& shard(size_t index) const { return shards_[index]; }

  /// WindowOperator::Accumulate over the shards; `dropped` in row order.
  void Accumulate(const RecordBatch& batch, Selection rows, int64_t now_ms,
                  std::vector<DroppedRow>* dropped);
  /// WindowOperator::Fire / FireAll over the shards into `out` (from op().NewOutput()).
  size_t Fire(int64_t now_ms, RecordBatch* out);
  size_t FireAll(RecordBatch* out);
  /// WindowOperator::Assign in every shard; `replayed`: the partition is read from its start
  /// on every run (stdin, a pipe), so none of its rows are in the restored state.
  void Assign(const TopicPartition& partition, int64_t now_ms, bool replayed);

 private:
  /// Fires each shard with `fire`, numbering the output rows with one counter across shards.
  size_t FireShards(const std::function<size_t(WindowState*)>& fire);

  std::shared_ptr<const WindowOperator> op_;
  std::string state_name_;
  std::vector<WindowState> shards_;
  ShardThreads threads_;
  std::vector<uint32_t> shard_of_;                // per row of the batch being accumulated
  std::vector<std::vector<DroppedRow>> dropped_;  // per shard
};

}  // namespace floe::stream::window
