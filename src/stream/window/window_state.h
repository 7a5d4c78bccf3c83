#pragma once

// The state of one window step in one worker: its open windows with their groups' partial
// aggregates, the event clock of every source partition it has read, the frontier up to which
// windows have fired, and the next source offset per partition its state covers. This is what a
// checkpoint snapshots (WindowOperator::Snapshot) so that rows, offsets and state commit in one
// Iceberg snapshot.

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/offsets.h"
#include "stream/window/aggregate_layout.h"
#include "stream/window/group_table.h"

namespace floe::stream::window {

/// "No event time seen yet."
inline constexpr int64_t kNoTime = std::numeric_limits<int64_t>::min();

/// One source partition as the window sees it.
struct PartitionClock {
  int64_t max_event_micros = kNoTime;  // largest event time read
  int64_t next_offset = 0;             // rows below it are already in the state
  int64_t last_seen_ms = 0;            // processing time of its last batch (not saved)
};

/// A session of one key: [start, end) and its aggregate row in WindowState::session_rows.
struct SessionWindow {
  int64_t start = 0;
  int64_t end = 0;
  uint32_t row = 0;
};

/// Thread safety: none; owned by one worker, touched by its thread only (the snapshot is taken
/// on that thread between batches).
struct WindowState {
  /// Fixed windows (tumble, hop, cumulate) by (end, start): firing pops from the front.
  std::map<std::pair<int64_t, int64_t>, GroupTable> windows;
  /// Session windows: per group key, its open sessions (disjoint, unordered).
  std::unordered_map<std::string, std::vector<SessionWindow>> sessions;
  std::vector<uint8_t> session_rows;  // fixed-size aggregate rows of all sessions
  std::vector<uint32_t> free_session_rows;
  int64_t session_min_end = std::numeric_limits<int64_t>::max();  // at most the smallest end
  AggregateHeap heap;

  std::map<TopicPartition, PartitionClock> partitions;
  /// The watermark windows have fired up to: never goes back, also across a restore.
  int64_t frontier = kNoTime;
  /// The window the last row went to (a cache, not state): nullptr, or an entry of `windows`.
  std::pair<int64_t, int64_t> last_bounds{0, 0};
  GroupTable* last_table = nullptr;

  int64_t emitted_rows = 0;  // output rows so far: their lineage offsets
  int64_t late_rows = 0;

  /// Open (window, key) groups.
  size_t open_groups() const;
  /// Bytes held by the state's containers, roughly (capacities and node overheads).
  size_t MemoryBytes() const;
  void Clear();
};

}  // namespace floe::stream::window
