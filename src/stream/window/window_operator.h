#pragma once

// The window step: assigns each row to its event-time windows (tumble, hop, cumulate, or
// merging sessions), keeps one partial-aggregate row per (window, group key), and emits a
// window's rows once, final, when the watermark passes window_end + allowed_lateness.
//
// Event time and watermark: the watermark of a partition is its largest event time minus
// max_out_of_orderness; the step's watermark is the smallest over the partitions that are not
// idle (no batch for idle_timeout; when every partition is idle, the largest), and never goes
// back (WindowState::frontier). A row is judged against the watermark before it: it is late when
// every window it belongs to has end + allowed_lateness <= that watermark, so which rows are late
// and what each window holds do not depend on how rows were cut into batches. A session merges
// with open sessions of its key that it overlaps or touches (rows at most `gap` apart).
//
// Exactly once: the state (WindowState) holds the open windows, the partitions' clocks, the
// fired frontier and the next offset per partition it covers. Snapshot after the emitted rows
// went to the sinks and commit both in one table snapshot; after Restore, rows below the covered
// offsets are skipped and windows below the frontier never fire again.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "iceberg/schema.h"
#include "stream/record_batch.h"
#include "stream/window/aggregate_layout.h"
#include "stream/window/group_key.h"
#include "stream/window/window_spec.h"
#include "stream/window/window_state.h"

namespace floe::stream::window {

class StateReader;

/// Event time as the source defines it.
struct EventTimeSpec {
  std::string column;
  int64_t max_out_of_orderness_micros = 0;
  int64_t idle_timeout_ms = 0;  // 0: a partition never counts as idle
  /// Stage 2 of a repartition (README.md "Across processes"), when set: the topic read is this
  /// repartition topic, whose partitions only track offsets; the clocks are those of the SOURCE
  /// partitions, from each row's floe.wm header (WatermarkHeader) in the input column
  /// `source_clock_column`, and the watermark is held back until all `source_partitions` of
  /// them were heard of (or, with idle_timeout, that long after the step was assigned).
  std::string repartition_topic;
  std::string source_clock_column;
  int source_partitions = 0;
};

/// Why Accumulate did not take a row.
enum class DropReason : uint8_t {
  kLate,         // every window of the row has fired: dead letter "late_record"
  kNoEventTime,  // its event time is null
};

struct DroppedRow {
  uint32_t row;
  DropReason reason;
};

/// Which rows of a batch one shard owns: `shard_of[row]` (indexed by row number, from
/// WindowOperator::Route) equals `self`. The other rows only move the shard's partition clocks,
/// so that every shard judges lateness against the same watermark a single state would.
struct ShardRows {
  const uint32_t* shard_of = nullptr;
  uint32_t self = 0;
};

/// Thread safety: immutable after Make; each worker passes its own WindowState.
class WindowOperator {
 public:
  /// Binds the spec to the input schema. InvalidArgument with the bare reason (the caller
  /// prefixes where the step is defined): an invalid spec, an unknown group_by or aggregate
  /// column, an aggregate of a type it does not take, an event time column that is missing or
  /// not a microsecond timestamp, an output name used twice.
  static Result<WindowOperator> Make(std::shared_ptr<const iceberg::Schema> input,
                                     const WindowSpec& spec, const EventTimeSpec& event_time,
                                     std::string lineage_name);

  const std::shared_ptr<const iceberg::Schema>& input_schema() const { return input_; }
  /// window_start, window_end (timestamptz), the group_by columns, the aggregates in order.
  const std::shared_ptr<const iceberg::Schema>& output_schema() const { return output_; }
  const WindowSpec& spec() const { return spec_; }

  /// Adds the selected rows of `batch` (schema input_schema()) to `state`. Rows below the
  /// state's covered offset of the batch's partition are skipped (they are in the state
  /// already); rows it does not take are appended to `dropped`. `now_ms`: processing time.
  /// With `shard`, only the rows it owns are added (or dropped); the others move the clocks.
  void Accumulate(const RecordBatch& batch, Selection rows, int64_t now_ms, WindowState* state,
                  std::vector<DroppedRow>* dropped, const ShardRows* shard = nullptr) const;
  /// Sets `shard_of[row]` (an array of the batch's rows) to the shard, of `shards`, that owns
  /// the group key of each row rows.Row(i), i in [begin, end). A key always goes to the same
  /// shard for a given count. Threads may route disjoint ranges at once.
  void Route(const RecordBatch& batch, Selection rows, size_t begin, size_t end, uint32_t shards,
             uint32_t* shard_of) const;
  /// The shard of `shards` that owns a key whose hash is `hash` (high bits: the group tables
  /// use the low ones).
  static uint32_t ShardOfHash(size_t hash, uint32_t shards);
  /// The partition is this worker's now (Kafka assigned it, a file is about to be read): until
  /// it has rows or is idle it holds the watermark back, so a partition read later than the
  /// others does not find its windows fired.
  void Assign(const TopicPartition& partition, int64_t now_ms, WindowState* state) const;
  /// The partition is gone (Kafka revoked it): it no longer holds the watermark back.
  void Forget(const TopicPartition& partition, WindowState* state) const;

  /// Emits every window the watermark has passed into `out` (appending rows to a batch from
  /// NewOutput) and advances the frontier; returns how many rows it emitted.
  size_t Fire(int64_t now_ms, WindowState* state, RecordBatch* out) const;
  /// Emits every open window (the end of a bounded input, or `floe run --drain`).
  size_t FireAll(WindowState* state, RecordBatch* out) const;
  /// An empty batch of output_schema(), its lineage named after the step.
  RecordBatch NewOutput() const;

  /// The state as bytes, and back (replacing `state`). Restore fails with Corrupt on bytes it
  /// cannot read and InvalidArgument when they were written for another window definition.
  std::string Snapshot(const WindowState& state) const {
    return Snapshot(std::span<const WindowState>(&state, 1));
  }
  Status Restore(std::string_view bytes, int64_t now_ms, WindowState* state) const {
    return Restore(bytes, now_ms, std::span<WindowState>(state, 1));
  }
  /// The same for the shards of one step (their clocks, frontier and emitted_rows equal): the
  /// bytes are those of one state holding all their groups, so a state written with N shards
  /// restores into any number of them, each key into the shard that owns it.
  std::string Snapshot(std::span<const WindowState> shards) const;
  Status Restore(std::string_view bytes, int64_t now_ms, std::span<WindowState> shards) const;

  /// The watermark at `now_ms`, never below the frontier; kNoTime before any event.
  int64_t Watermark(const WindowState& state, int64_t now_ms) const;

 private:
  WindowOperator(AggregateLayout layout, GroupKey key)
      : layout_(std::move(layout)), key_(std::move(key)) {}

  /// Adds one row to the fixed windows holding `event_micros`; false when all had fired.
  bool AddToWindows(const RecordBatch& batch, size_t row, int64_t event_micros, int64_t watermark,
                    const std::string& key, size_t hash, WindowState* state) const;
  bool AddToSession(const RecordBatch& batch, size_t row, int64_t event_micros, int64_t watermark,
                    const std::string& key, WindowState* state) const;
  void EmitGroup(int64_t start, int64_t end, std::string_view key, const uint8_t* row,
                 const WindowState& state, RecordBatch* out) const;
  size_t FireUpTo(int64_t watermark, WindowState* state, RecordBatch* out) const;
  /// Restore's parts: the header and clocks into every shard, then the groups, each to its
  /// key's shard.
  Status RestoreClocks(StateReader* in, int64_t now_ms, std::span<WindowState> shards) const;
  Status RestoreGroups(StateReader* in, std::span<WindowState> shards) const;
  /// The smallest watermark over the active partitions other than `exclude` (nullptr: all of
  /// them, or the largest when all are idle), without the frontier; kMaxTime when none counts.
  int64_t PartitionsMark(const WindowState& state, int64_t now_ms,
                         const TopicPartition* exclude) const;
  /// Whether a window ending at `end` is still open at `watermark`.
  bool IsOpen(int64_t end, int64_t watermark) const;
  /// PartitionsMark of a repartition's stage 2: over the source partitions' clocks.
  int64_t SourcePartitionsMark(const WindowState& state, int64_t now_ms) const;
  /// Accumulate of a repartition's stage 2: each row moves its source partition's clock
  /// first; watermark-only rows do nothing else.
  void AccumulateRepartitioned(const RecordBatch& batch, Selection rows, int64_t now_ms,
                               WindowState* state, std::vector<DroppedRow>* dropped,
                               const ShardRows* shard) const;
  /// Adds one row that has an event time to its windows, or to `dropped` when late.
  void AddRow(const RecordBatch& batch, size_t row, int64_t event, int64_t watermark,
              WindowState* state, std::string* key, std::vector<DroppedRow>* dropped) const;

  std::shared_ptr<const iceberg::Schema> input_;
  std::shared_ptr<const iceberg::Schema> output_;
  WindowSpec spec_;
  EventTimeSpec event_time_;
  int event_column_ = -1;
  int source_clock_column_ = -1;  // repartition stage 2: the floe.wm header's column
  AggregateLayout layout_;
  GroupKey key_;
  std::string lineage_name_;
  std::string fingerprint_;  // the definition the state belongs to
};

}  // namespace floe::stream::window
