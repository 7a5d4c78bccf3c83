#include "stream/chunk_lanes.h"

namespace floe::stream {

ChunkLanes::ChunkLanes(std::vector<ChunkPreparer> preparers, std::string source)
    : preparers_(std::move(preparers)), source_(std::move(source)) {
  for (size_t i = 0; i < 2 * preparers_.size(); ++i) slots_.push_back(std::make_unique<Slot>());
  for (size_t lane = 0; lane < preparers_.size(); ++lane) {
    threads_.emplace_back(&ChunkLanes::Loop, this, lane);
  }
}

ChunkLanes::~ChunkLanes() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

void ChunkLanes::Loop(size_t lane) {
  const size_t lanes = preparers_.size();
  // Chunk i is lane (i mod N)'s, in slot i mod 2N: a lane's chunks alternate between two slots.
  for (uint64_t number = lane;; number += lanes) {
    Slot& slot = *slots_[number % slots_.size()];
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return stopping_ || slot.state == State::kQueued; });
      if (stopping_) return;
    }
    slot.status = preparers_[lane].Prepare(slot.chunk, source_, &slot.prepared);
    {
      std::lock_guard lock(mutex_);
      slot.state = State::kDone;
    }
    changed_.notify_all();
  }
}

SourceChunk* ChunkLanes::Free() {
  if (pending() == slots_.size()) return nullptr;
  // Slots are released in order, so the one after the last submitted is free.
  return &slots_[submitted_ % slots_.size()]->chunk;
}

void ChunkLanes::Submit() {
  {
    std::lock_guard lock(mutex_);
    slots_[submitted_ % slots_.size()]->state = State::kQueued;
    ++submitted_;
  }
  changed_.notify_all();
}

ChunkLanes::Done ChunkLanes::Oldest() {
  Slot& slot = *slots_[released_ % slots_.size()];
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return slot.state == State::kDone; });
  return Done{slot.chunk, slot.prepared, slot.status};
}

void ChunkLanes::Release() {
  Slot& slot = *slots_[released_ % slots_.size()];
  slot.chunk.Clear();
  std::lock_guard lock(mutex_);
  slot.state = State::kFree;
  ++released_;
}

}  // namespace floe::stream
