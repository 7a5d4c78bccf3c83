#pragma once

// Helpers for the Kafka tests: a listener that records rebalances, and consuming until a count.

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "kafka/consumer.h"

namespace floe::kafka::testing {

/// A message copied out of its batch.
struct Received {
  TopicPartition partition;
  int64_t offset = 0;
  int64_t timestamp_ms = -1;
  bool has_key = false;
  std::string key;
  std::string payload;
  std::vector<std::pair<std::string, std::string>> headers;
};

/// Records every rebalance as "assigned t/0,t/1" / "revoked t/0" and starts partitions at
/// `start_at` where it names them.
class RecordingListener : public RebalanceListener {
 public:
  Status OnAssigned(const std::vector<TopicPartition>& partitions, OffsetMap* start_at) override {
    events.push_back(fmt::format("assigned {}", Join(partitions)));
    for (const TopicPartition& partition : partitions) {
      auto it = this->start_at.find(partition);
      if (it != this->start_at.end()) (*start_at)[partition] = it->second;
    }
    return Status::Ok();
  }
  Status OnRevoked(const std::vector<TopicPartition>& partitions, bool lost) override {
    events.push_back(fmt::format("{} {}", lost ? "lost" : "revoked", Join(partitions)));
    return Status::Ok();
  }
  static std::string Join(const std::vector<TopicPartition>& partitions) {
    std::string text;
    for (const TopicPartition& partition : partitions) {
      if (!text.empty()) text += ",";
      text += partition.ToString();
    }
    return text;
  }

  std::vector<std::string> events;
  OffsetMap start_at;
};

/// Polls until `count` messages came or `timeout` passed; fails the test on a Poll error.
inline std::vector<Received> ConsumeAtLeast(Consumer& consumer, size_t count,
                                            std::chrono::milliseconds timeout) {
  std::vector<Received> received;
  MessageBatch batch;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (received.size() < count && std::chrono::steady_clock::now() < deadline) {
    Status status = consumer.Poll(std::chrono::milliseconds(100), 1000, &batch);
    EXPECT_TRUE(status.ok()) << status.ToString();
    if (!status.ok()) break;
    for (const PartitionMessages& partition : batch.partitions()) {
      for (const Message& message : partition.messages) {
        Received copy{partition.partition,
                      message.offset,
                      message.timestamp_ms,
                      message.has_key,
                      std::string(message.key),
                      std::string(message.payload),
                      {}};
        for (const auto& [name, value] : message.headers) {
          copy.headers.emplace_back(std::string(name), std::string(value));
        }
        received.push_back(std::move(copy));
      }
    }
  }
  return received;
}

}  // namespace floe::kafka::testing
