#pragma once

// Chunks prepared (ChunkPreparer: decode, dead letters, transforms) on several threads while
// the worker's thread hands them to the sinks in the order it read them, so that the offsets a
// checkpoint records still cover exactly the rows the sinks hold (a prefix of each file). Chunk
// i goes to lane i mod N; each lane has two slots, so it prepares one chunk while the worker
// delivers its previous one. Only chunks that own their memory (SourceChunk::keep_alive) may be
// submitted.

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "stream/chunk_preparer.h"

namespace floe::stream {

/// Thread safety: Free, Submit, pending, Oldest and Release are called by one thread (the
/// worker's); the lanes are internal. Lifetime: the destructor stops the lanes (chunks still
/// queued are dropped unprepared, never delivered).
class ChunkLanes {
 public:
  /// One lane per preparer (at least one); `source` names the chunks' source (lineage).
  ChunkLanes(std::vector<ChunkPreparer> preparers, std::string source);
  ~ChunkLanes();
  ChunkLanes(const ChunkLanes&) = delete;
  ChunkLanes& operator=(const ChunkLanes&) = delete;

  size_t lanes() const { return preparers_.size(); }
  /// The chunk the next Submit hands out (empty, for the source to fill), or nullptr while
  /// every slot is taken: deliver and Release the oldest first.
  SourceChunk* Free();
  /// Hands the chunk Free returned to its lane.
  void Submit();
  /// Chunks submitted and not yet released.
  size_t pending() const { return static_cast<size_t>(submitted_ - released_); }

  /// The oldest chunk not released, once prepared (waits for its lane): the chunk, its prepared
  /// rows and the decoder's status. Valid until Release. Requires pending() > 0.
  struct Done {
    const SourceChunk& chunk;
    PreparedChunk& prepared;
    const Status& status;
  };
  Done Oldest();
  /// Frees the oldest chunk's slot (its input memory is let go).
  void Release();

 private:
  enum class State : uint8_t { kFree, kQueued, kDone };
  struct Slot {
    SourceChunk chunk;
    PreparedChunk prepared;
    Status status;
    State state = State::kFree;
  };
  void Loop(size_t lane);

  std::vector<ChunkPreparer> preparers_;
  std::string source_;
  std::vector<std::unique_ptr<Slot>> slots_;  // 2 per lane: lane L owns slots L and L + lanes
  std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;
  uint64_t submitted_ = 0;  // chunk numbers, the worker's own
  uint64_t released_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace floe::stream
