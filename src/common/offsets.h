#pragma once

// Source positions as every part of a job names them: a Kafka topic-partition (a file source is
// the topic named by its path, partition 0) and the next offset to read in it. Sinks commit
// these with their output; recovery seeks each partition to the smallest of them.

#include <compare>
#include <cstdint>
#include <map>
#include <string>

namespace floe {

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;

  /// "topic/3", for messages.
  std::string ToString() const { return topic + "/" + std::to_string(partition); }
  auto operator<=>(const TopicPartition&) const = default;
  bool operator==(const TopicPartition&) const = default;
};

/// Per source partition, the next offset to read (the first one not yet covered).
using OffsetMap = std::map<TopicPartition, int64_t>;

}  // namespace floe
