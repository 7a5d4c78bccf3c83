#pragma once

// The Kafka source's consumer: a member of a consumer group (cooperative-sticky assignment) that
// hands out messages in batches grouped by partition. It never commits on its own: where each
// partition starts is decided by the caller's listener on assignment (from the sinks' committed
// offsets, the truth for exactly once), and the group's committed offsets are only a copy for lag
// monitoring and StartMode::kCommitted.

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/offsets.h"
#include "common/result.h"
#include "kafka/client_errors.h"
#include "kafka/handles.h"

namespace floe::kafka {

using floe::OffsetMap;
using floe::TopicPartition;

/// Where a partition starts when the caller has no offset for it.
enum class StartMode {
  kEarliest,   // the oldest message kept
  kLatest,     // only messages produced from now on
  kCommitted,  // the group's committed offset; earliest when the group has none
  kTimestamp,  // the first message at or after ConsumerOptions::start_timestamp_ms
};

struct ConsumerOptions {
  std::string bootstrap_servers;
  std::string group_id;
  /// Static group membership (group.instance.id): a member restarted under the same id gets its
  /// partitions back at once instead of after the dead member's session timeout. It must be
  /// stable across restarts and distinct between members alive at once (a second member of the
  /// same id fences the first). Empty: a dynamic member.
  std::string instance_id;
  std::string client_id = "floe";
  /// Topic names, or regular expressions starting with '^' (librdkafka's pattern subscription).
  std::vector<std::string> topics;
  StartMode start = StartMode::kEarliest;
  int64_t start_timestamp_ms = 0;  // for StartMode::kTimestamp
  /// Any librdkafka property, passed through (SASL, SSL, fetch sizes...). They win over floe's
  /// defaults (among them session.timeout.ms 10 s and heartbeat.interval.ms 1 s, instead of
  /// librdkafka's 45 s and 3 s, so that a dead member's partitions move on sooner), except
  /// group.id, group.instance.id, bootstrap.servers and the commit settings floe depends on.
  std::map<std::string, std::string> properties;
  /// A broker unreachable, a topic missing or authentication failing this long makes Poll
  /// return an error naming the cause.
  std::chrono::milliseconds error_timeout{std::chrono::seconds(60)};
};

/// The caller's part in rebalancing. Called on the thread that calls Consumer::Poll or Close,
/// inside those calls.
class RebalanceListener {
 public:
  virtual ~RebalanceListener() = default;
  /// Partitions newly assigned: fill `start_at` with the offsets the caller knows (from its
  /// sinks); the others start per ConsumerOptions::start. An error fails the Poll.
  virtual Status OnAssigned(const std::vector<TopicPartition>& partitions, OffsetMap* start_at) = 0;
  /// Partitions about to be given up (revoked, or `lost` when the group already moved on): the
  /// caller flushes and commits them before returning. Messages of these partitions not yet
  /// handed out are dropped; their new owner reads them again from the committed offsets.
  virtual Status OnRevoked(const std::vector<TopicPartition>& partitions, bool lost) = 0;
};

/// One message, viewing memory owned by the MessageBatch it came in.
struct Message {
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp_ms = -1;  // -1 if the message has none
  std::string_view key;
  std::string_view payload;
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  bool has_key = false;  // a null key and an empty key differ in Kafka
};

/// The messages of one partition in a batch, in offset order.
struct PartitionMessages {
  TopicPartition partition;
  std::vector<Message> messages;
};

/// Messages of one Poll, grouped by partition. Owns librdkafka's messages that the Message views
/// point into; Clear() (or destruction, or the next Poll into it) releases them. Thread safety:
/// a value with one owner; move-only.
class MessageBatch {
 public:
  MessageBatch() = default;
  ~MessageBatch() { Clear(); }
  MessageBatch(const MessageBatch&) = delete;
  MessageBatch& operator=(const MessageBatch&) = delete;
  MessageBatch(MessageBatch&& other) noexcept;
  MessageBatch& operator=(MessageBatch&& other) noexcept;

  const std::vector<PartitionMessages>& partitions() const { return partitions_; }
  /// Messages in all partitions.
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void Clear();

 private:
  friend class Consumer;
  /// Adds a message (taking it over) to its partition's list.
  void Add(rd_kafka_message_t* message);
  /// Drops the messages of `partitions` (revoked while the batch was being filled).
  void Drop(const std::vector<TopicPartition>& partitions);

  std::vector<PartitionMessages> partitions_;
  std::vector<const rd_kafka_topic_t*> partition_topics_;  // per partitions_ entry, for lookups
  std::vector<rd_kafka_message_t*> owned_;
  size_t size_ = 0;
};

/// A consumer-group member. Thread safety: one thread calls Poll, CommitOffsets and Close (the
/// listener runs on it); Assignment may be called from any thread. Lifetime: the listener must
/// outlive the consumer; Close() before destruction leaves the group cleanly and tells the
/// listener (destruction without Close also leaves the group, without telling it).
class Consumer {
 public:
  /// Subscribes to options.topics. Errors: bad options or properties. A broker that cannot be
  /// reached is not an error here: Poll reports it once it has lasted error_timeout.
  static Result<std::unique_ptr<Consumer>> Make(ConsumerOptions options,
                                                RebalanceListener* listener);
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  /// Up to `max_messages` messages, waiting at most `timeout` for the first; `out` is cleared
  /// first. Rebalance callbacks run inside this call. Partition EOF and transient errors are not
  /// errors; fatal ones, the listener's, and problems older than error_timeout are.
  Status Poll(std::chrono::milliseconds timeout, size_t max_messages, MessageBatch* out);

  /// Stores `offsets` (next offsets to read) in the group, asynchronously.
  Status CommitOffsets(const OffsetMap& offsets);

  /// The partitions currently assigned to this member.
  std::vector<TopicPartition> Assignment() const;

  /// Whether this member holds partitions and has read each of them to its end (librdkafka's
  /// partition EOF, which counts transaction markers) since its last message: all there is to
  /// read now has been handed out.
  bool CaughtUp() const;

  /// Ok while this member holds partitions, once held some, or `bound` has not passed since
  /// Make; else IoError naming the group, its other members (client, host, member
  /// and instance ids, from the group coordinator) and why they may hold every partition.
  Status CheckGotPartitionsWithin(std::chrono::milliseconds bound);

  /// The partition's end (high watermark) as of the last fetch response, without asking the
  /// broker; nullopt before the first. Any thread.
  std::optional<int64_t> CachedEndOffset(const TopicPartition& partition) const;

  /// How often Poll woke librdkafka's fetchers after a full consumer queue (see
  /// WakeFetchersWhenDrained).
  int64_t fetcher_wakes() const { return fetcher_wakes_; }

  /// Leaves the group; the listener sees the revoke first. Idempotent.
  Status Close();

  const ConsumerOptions& options() const { return options_; }

 private:
  Consumer(ConsumerOptions options, RebalanceListener* listener);

  static void RebalanceCallback(rd_kafka_t* handle, rd_kafka_resp_err_t error,
                                rd_kafka_topic_partition_list_t* partitions, void* opaque);
  static void ErrorCallback(rd_kafka_t* handle, int error, const char* reason, void* opaque);
  void OnRebalance(rd_kafka_resp_err_t error, rd_kafka_topic_partition_list_t* partitions);
  Status Assign(rd_kafka_topic_partition_list_t* partitions);
  Status Revoke(rd_kafka_topic_partition_list_t* partitions);
  /// Sets each partition's start offset from the listener's map or the start mode.
  Status SetStartOffsets(rd_kafka_topic_partition_list_t* partitions, const OffsetMap& known);
  void OnMessageError(const rd_kafka_message_t* message);
  /// librdkafka stops fetching while the consumer queue holds queued.min.messages or
  /// queued.max.messages.kbytes (counted over every partition, their queues being forwarded to
  /// the one consumer queue), and looks again only when its broker threads wake: up to a second
  /// later, with the queue long drained (librdkafka 2.0.2 has no fetch.queue.backoff.ms). After a
  /// Poll that took `messages` (of `bytes`): once the queue may have been that full and is down
  /// to half, a ListOffsets request to the held partitions' leaders wakes their threads.
  void WakeFetchersWhenDrained(size_t messages, size_t bytes);
  /// The group's state and its other members, as the coordinator lists them.
  std::string DescribeGroup();
  /// While a problem is open, asks a broker for metadata (at most once a second) to learn
  /// whether it is over.
  void CheckProblems(std::chrono::milliseconds budget);

  ConsumerOptions options_;
  RebalanceListener* listener_;
  KafkaHandle handle_;
  QueueHandle queue_;  // the consumer queue, where every held partition's messages arrive
  int64_t queued_min_messages_ = 0;  // librdkafka's fetch thresholds, as configured
  int64_t queued_max_bytes_ = 0;
  int64_t average_message_bytes_ = 0;  // of the last Poll that took messages
  bool fetch_paused_ = false;          // the queue may have reached a threshold since the last wake
  int64_t fetcher_wakes_ = 0;
  ClientErrors errors_;
  Status listener_error_;            // the first error of a rebalance callback, for Poll
  MessageBatch* filling_ = nullptr;  // the batch Poll is filling, for revokes during it
  bool closed_ = false;
  bool ever_assigned_ = false;  // the group gave this member an assignment (even an empty one)
  bool ever_held_ = false;      // ... with at least one partition in it
  std::map<TopicPartition, bool>
      at_end_;  // held partitions: read to the end since the last message
  ClientErrors::Clock::time_point made_ = ClientErrors::Clock::now();
  bool tell_listener_ = true;  // false while the destructor leaves the group
  ClientErrors::Clock::time_point last_check_{};
};

/// librdkafka's topic-partition list as TopicPartitions.
std::vector<TopicPartition> ToTopicPartitions(const rd_kafka_topic_partition_list_t* list);
/// A new librdkafka list holding `offsets`.
PartitionList ToPartitionList(const OffsetMap& offsets);

}  // namespace floe::kafka
