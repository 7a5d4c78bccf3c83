#pragma once

// The Kafka source: a consumer-group member whose messages are handed out a partition at a time,
// with their offsets, timestamps and keys. Unbounded. Rebalances reach the runtime through its
// PartitionListener: on assignment it answers where each partition resumes (its sinks' committed
// offsets), on revocation it commits what it holds for those partitions first.

#include <memory>
#include <string>

#include "kafka/consumer.h"
#include "stream/source/source.h"

namespace floe::stream {

struct KafkaSourceOptions {
  std::string name;  // the source's name in the job
  kafka::ConsumerOptions consumer;
  size_t max_batch_messages = 20000;  // per poll
};

/// Thread safety: one thread, as Source says.
class KafkaSource final : public Source, private kafka::RebalanceListener {
 public:
  static Result<std::unique_ptr<KafkaSource>> Open(KafkaSourceOptions options,
                                                   PartitionListener* listener);

  const std::string& name() const override { return options_.name; }
  bool bounded() const override { return false; }
  Result<bool> Next(std::chrono::milliseconds timeout, SourceChunk* chunk) override;
  bool Resumable(const TopicPartition&) const override { return true; }
  Status Committed(const OffsetMap& offsets) override { return consumer_->CommitOffsets(offsets); }
  bool Holds() const override { return !consumer_->Assignment().empty(); }
  bool CaughtUp() const override {
    return next_partition_ >= batch_.partitions().size() && consumer_->CaughtUp();
  }
  Status CheckHeldWithin(std::chrono::milliseconds bound) override {
    return consumer_->CheckGotPartitionsWithin(bound);
  }
  Status Close() override { return consumer_->Close(); }
  std::optional<int64_t> EndOffset(const TopicPartition& partition) const override {
    return consumer_->CachedEndOffset(partition);
  }

 private:
  KafkaSource(KafkaSourceOptions options, PartitionListener* listener)
      : options_(std::move(options)), listener_(listener) {}

  Status OnAssigned(const std::vector<TopicPartition>& partitions, OffsetMap* start_at) override {
    return listener_->OnAssigned(partitions, start_at);
  }
  Status OnRevoked(const std::vector<TopicPartition>& partitions, bool lost) override {
    return listener_->OnRevoked(partitions, lost);
  }

  KafkaSourceOptions options_;
  PartitionListener* listener_;
  std::unique_ptr<kafka::Consumer> consumer_;
  kafka::MessageBatch batch_;
  size_t next_partition_ = 0;  // of batch_, the next to hand out
};

/// Parses `start_offsets` of a Kafka source: earliest, latest, committed, or a time (an
/// ISO-8601 timestamp, or milliseconds since the epoch) to start at.
Status ParseStartOffsets(const std::string& text, kafka::ConsumerOptions* options);

}  // namespace floe::stream
