#pragma once

// Sources: where records enter a job. A source hands out chunks of raw records of one source
// partition (a Kafka topic-partition, an input file) with their offsets; the runtime decodes
// them. Partitions come and go (a file is opened, a Kafka rebalance assigns or revokes); the
// source tells the runtime through its PartitionListener, which answers where each partition
// resumes (the smallest offset its sinks have committed) and commits before one is given up.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/offsets.h"
#include "common/result.h"

namespace floe::stream {

/// Raw records of one source partition, valid until the next call to Source::Next.
struct SourceChunk {
  TopicPartition partition;
  /// Newline-delimited records (file sources), the first numbered `first_line`...
  std::string_view lines;
  int64_t first_line = 0;
  /// ...or one payload per message (Kafka), with its offset, timestamp (ms, -1 if none) and key.
  std::vector<std::string_view> payloads;
  std::vector<int64_t> offsets;
  std::vector<int64_t> timestamps_ms;
  std::vector<std::optional<std::string_view>> keys;
  /// Per message its headers (name, value; a value with a null data() is a header without
  /// one), viewing memory the source owns until its next Next call.
  using Headers = std::vector<std::pair<std::string_view, std::string_view>>;
  std::vector<const Headers*> headers;
  /// The offset after the last record of this chunk: what a checkpoint records once the chunk
  /// has been handed to the sinks.
  int64_t next_offset = 0;
  /// Records before this chunk that were skipped as committed everywhere.
  int64_t skipped = 0;
  /// Bytes of input in the chunk.
  size_t bytes = 0;
  /// Set when the chunk owns the memory its records view (a file source's chunks of a regular
  /// file, when detached: FileSource::set_detached): they stay valid while this is held, after
  /// the next Next call too. Null: valid until the next Next call only.
  std::shared_ptr<const void> keep_alive;

  bool is_lines() const { return payloads.empty(); }
  bool empty() const { return lines.empty() && payloads.empty(); }
  void Clear() {
    lines = {};
    first_line = 0;
    payloads.clear();
    offsets.clear();
    timestamps_ms.clear();
    keys.clear();
    headers.clear();
    next_offset = 0;
    skipped = 0;
    bytes = 0;
    keep_alive.reset();
  }
};

/// The runtime's side of partition changes. Calls come from inside Source::Next, on the thread
/// that drives the source.
class PartitionListener {
 public:
  virtual ~PartitionListener() = default;
  /// New partitions: set `start_at` for those that resume somewhere (the rest start where the
  /// source's configuration says).
  virtual Status OnAssigned(const std::vector<TopicPartition>& partitions, OffsetMap* start_at) = 0;
  /// Partitions about to go (Kafka revoked or lost them): commit what is held for them.
  virtual Status OnRevoked(const std::vector<TopicPartition>& partitions, bool lost) = 0;
};

/// Thread safety: one thread drives a source. Lifetime: the listener outlives the source.
class Source {
 public:
  virtual ~Source() = default;

  virtual const std::string& name() const = 0;
  /// Bounded sources end (Next returns false) when their input is done.
  virtual bool bounded() const = 0;
  /// The next chunk, waiting at most `timeout` for one; true with an empty chunk when nothing
  /// arrived in time; false when a bounded source is done.
  virtual Result<bool> Next(std::chrono::milliseconds timeout, SourceChunk* chunk) = 0;
  /// Whether a partition's offsets can be recorded and resumed from (stdin cannot).
  virtual bool Resumable(const TopicPartition& partition) const = 0;
  /// Tells the source that everything below these offsets is committed everywhere (Kafka
  /// stores them in the consumer group, for lag monitoring). Best effort.
  virtual Status Committed(const OffsetMap& offsets) {
    (void)offsets;
    return Status::Ok();
  }
  /// Whether there is something to read from (a Kafka source: partitions assigned).
  virtual bool Holds() const { return true; }
  /// Whether everything readable now has been handed out (a Kafka source: it holds partitions
  /// and has read each to its end). What --stop-when-idle waits for.
  virtual bool CaughtUp() const { return true; }
  /// Ok unless the source has held nothing for `bound` since it opened; then why (a Kafka
  /// source names its group and the members that hold the partitions).
  virtual Status CheckHeldWithin(std::chrono::milliseconds bound) {
    (void)bound;
    return Status::Ok();
  }
  /// Gives the partitions up (the listener sees them revoked first).
  virtual Status Close() = 0;
  /// The partition's end as last seen (Kafka's high watermark), for the consumer lag; nullopt
  /// when the source does not know it.
  virtual std::optional<int64_t> EndOffset(const TopicPartition&) const { return std::nullopt; }
};

}  // namespace floe::stream
