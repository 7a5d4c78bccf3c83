#include "stream/window/window_step.h"

#include <algorithm>

#include "common/clock.h"

namespace floe::stream::window {

WindowStep::WindowStep(std::shared_ptr<const WindowOperator> op, std::string state_name,
                       size_t shards)
    : op_(std::move(op)),
      state_name_(std::move(state_name)),
      shards_(std::max<size_t>(shards, 1)),
      threads_(std::max<size_t>(shards, 1)),
      dropped_(std::max<size_t>(shards, 1)) {}

Status WindowStep::RestoreState(std::string_view bytes) {
  return op_->Restore(bytes, NowMillis(), shards_)
      .WithContext(fmt::format("restoring state '{}'", state_name_));
}

void WindowStep::Accumulate(const RecordBatch& batch, Selection rows, int64_t now_ms,
                            std::vector<DroppedRow>* dropped) {
  if (shards_.size() == 1) {
    op_->Accumulate(batch, rows, now_ms, &shards_.front(), dropped);
    return;
  }
  const uint32_t count = static_cast<uint32_t>(shards_.size());
  shard_of_.resize(batch.num_rows());
  threads_.Run([&](size_t shard) {
    op_->Route(batch, rows, rows.count * shard / count, rows.count * (shard + 1) / count, count,
               shard_of_.data());
  });
  threads_.Run([&](size_t shard) {
    dropped_[shard].clear();
    const ShardRows owned{shard_of_.data(), static_cast<uint32_t>(shard)};
    op_->Accumulate(batch, rows, now_ms, &shards_[shard], &dropped_[shard], &owned);
  });
  const size_t before = dropped->size();
  for (const std::vector<DroppedRow>& rows_of_shard : dropped_) {
    dropped->insert(dropped->end(), rows_of_shard.begin(), rows_of_shard.end());
  }
  std::sort(dropped->begin() + static_cast<std::ptrdiff_t>(before), dropped->end(),
            [](const DroppedRow& a, const DroppedRow& b) { return a.row < b.row; });
}

size_t WindowStep::FireShards(const std::function<size_t(WindowState*)>& fire) {
  int64_t emitted_rows = shards_.front().emitted_rows;
  size_t emitted = 0;
  for (WindowState& shard : shards_) {
    shard.emitted_rows = emitted_rows;
    emitted += fire(&shard);
    emitted_rows = shard.emitted_rows;
  }
  // FireAll moves a shard's frontier past its own last window: all take the furthest, as one
  // state would.
  int64_t frontier = kNoTime;
  for (const WindowState& shard : shards_) frontier = std::max(frontier, shard.frontier);
  for (WindowState& shard : shards_) {
    shard.emitted_rows = emitted_rows;
    shard.frontier = frontier;
  }
  return emitted;
}

size_t WindowStep::Fire(int64_t now_ms, RecordBatch* out) {
  return FireShards([&](WindowState* shard) { return op_->Fire(now_ms, shard, out); });
}

size_t WindowStep::FireAll(RecordBatch* out) {
  return FireShards([&](WindowState* shard) { return op_->FireAll(shard, out); });
}

void WindowStep::Assign(const TopicPartition& partition, int64_t now_ms, bool replayed) {
  for (WindowState& shard : shards_) {
    op_->Assign(partition, now_ms, &shard);
    if (replayed) shard.partitions[partition].next_offset = 0;
  }
}

}  // namespace floe::stream::window
