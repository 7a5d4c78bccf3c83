#pragma once

// The Kafka sink's producer: idempotent always, transactional when given a transactional id, so
// that output and the sink's source offsets commit together (DESIGN.md "Exactly once").

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/offsets.h"
#include "common/result.h"
#include "kafka/client_errors.h"
#include "kafka/handles.h"

namespace floe::kafka {

using floe::OffsetMap;
using floe::TopicPartition;

struct ProducerOptions {
  std::string bootstrap_servers;
  std::string client_id = "floe";
  /// Any librdkafka property, passed through (SASL, SSL, linger.ms, compression.type...).
  std::map<std::string, std::string> properties;
  /// Empty: an idempotent producer only. Else transactional under this id.
  std::string transactional_id;
  /// How long initialising, flushing and committing may take; also message.timeout.ms unless
  /// the properties set it.
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
};

/// One message with what Producer::Produce(topic, key, value) leaves to librdkafka: its
/// partition and headers (a repartition topic's rows: the partition is their group key's hash,
/// the headers carry the source's event-time progress). The views are copied when it is queued.
struct OutgoingMessage {
  int32_t partition = -1;  // -1: chosen by the key (or sticky without one)
  std::optional<std::string_view> key;
  std::string_view value;
  std::vector<std::pair<std::string_view, std::string_view>> headers;
};

/// Thread safety: one thread calls everything (delivery reports are served on it, inside
/// Produce and Flush). Close is destruction: it waits for nothing, so Flush or CommitTransaction
/// first.
class Producer {
 public:
  /// With a transactional id, initialises transactions: this fences older producers of that id,
  /// aborting their open transaction. Errors name an unreachable broker.
  static Result<std::unique_ptr<Producer>> Make(ProducerOptions options);
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  /// Queues one message (copied) for `topic`, to a partition chosen by the key (or sticky
  /// partitioning without a key). Polls while the local queue is full. A delivery failure seen
  /// so far is returned here or by the next Flush.
  Status Produce(const std::string& topic, std::optional<std::string_view> key,
                 std::string_view value);
  /// The same for a message with its partition and headers; an error names a partition that
  /// does not exist (at the latest in Flush).
  Status Produce(const std::string& topic, const OutgoingMessage& message);
  /// Waits for every delivery report; the first delivery error, if any.
  Status Flush(std::chrono::milliseconds timeout);

  Status BeginTransaction();
  /// Adds the offsets, committed under `group_id`, to the open transaction.
  Status SendOffsetsToTransaction(const OffsetMap& offsets, const std::string& group_id);
  /// Commits the open transaction. Errors: IoError when it was aborted (nothing of it is
  /// visible); CommitStateUnknown when the outcome could not be learnt in time.
  Status CommitTransaction();
  /// Aborts the open transaction (a no-op without one); its messages are never visible.
  Status AbortTransaction();
  bool in_transaction() const { return in_transaction_; }
  bool transactional() const { return !options_.transactional_id.empty(); }

  /// The number of partitions of `topic`; NotFound "kafka: topic 'x' does not exist".
  Result<int32_t> PartitionCount(const std::string& topic);

  const ProducerOptions& options() const { return options_; }

 private:
  explicit Producer(ProducerOptions options);
  static void DeliveryCallback(rd_kafka_t* handle, const rd_kafka_message_t* message, void* opaque);
  static void ErrorCallback(rd_kafka_t* handle, int error, const char* reason, void* opaque);
  rd_kafka_topic_t* Topic(const std::string& topic);
  /// A transactional call's error as a Status, aborting when the transaction must be.
  Status TransactionError(std::string_view what, rd_kafka_error_t* error);
  Status Check(const char* operation);
  /// Queues a message with `attempt` (one librdkafka produce call), polling while the local
  /// queue is full; the first delivery failure seen so far.
  Status Enqueue(const std::string& topic, const std::function<rd_kafka_resp_err_t()>& attempt);

  ProducerOptions options_;
  KafkaHandle handle_;
  ClientErrors errors_;
  std::map<std::string, TopicHandle, std::less<>> topics_;
  Status delivery_error_;  // the first delivery failure since the last abort
  bool in_transaction_ = false;
  size_t produced_since_poll_ = 0;
};

/// The committed offsets of consumer group `group_id` for the partitions of `topics`
/// (partitions with none committed are absent). For sinks that keep their offsets under a
/// group of their own. NotFound naming a topic that does not exist.
Result<OffsetMap> CommittedGroupOffsets(const std::string& bootstrap_servers,
                                        const std::map<std::string, std::string>& properties,
                                        const std::string& group_id,
                                        const std::vector<std::string>& topics,
                                        std::chrono::milliseconds timeout);

/// Stores `offsets` under consumer group `group_id` as a client outside the group (the group
/// must have no active members: a sink's own group never has). For at-least-once sinks.
Status CommitGroupOffsets(const std::string& bootstrap_servers,
                          const std::map<std::string, std::string>& properties,
                          const std::string& group_id, const OffsetMap& offsets,
                          std::chrono::milliseconds timeout);

}  // namespace floe::kafka
