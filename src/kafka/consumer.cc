#include "kafka/consumer.h"

#include <fmt/ranges.h>

#include <algorithm>
#include <cstring>

#include "kafka/config.h"
#include "kafka/metadata.h"

namespace floe::kafka {

namespace {

using Clock = ClientErrors::Clock;

/// How often, at most, a consumer with an open problem asks a broker whether it is over.
constexpr auto kProblemCheckInterval = std::chrono::seconds(1);
constexpr auto kMinMetadataTimeout = std::chrono::milliseconds(100);
// A dead member holds its partitions this long (librdkafka's default is 45 s); the broker's
// group.min.session.timeout.ms is 6 s by default. Heartbeats at a tenth of it.
constexpr int kDefaultSessionTimeoutMs = 10'000;
constexpr int kDefaultHeartbeatIntervalMs = 1'000;
// librdkafka's defaults for its fetch thresholds.
constexpr const char* kDefaultQueuedMinMessages = "100000";
constexpr const char* kDefaultQueuedMaxKbytes = "65536";
/// How long the request that wakes the fetchers may take (it is answered at once: no fetch
/// waits at the broker while the fetchers sleep).
constexpr auto kWakeTimeout = std::chrono::milliseconds(500);

std::chrono::milliseconds Remaining(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return std::max(left, std::chrono::milliseconds(0));
}

}  // namespace

std::vector<TopicPartition> ToTopicPartitions(const rd_kafka_topic_partition_list_t* list) {
  std::vector<TopicPartition> partitions;
  if (list == nullptr) return partitions;
  partitions.reserve(static_cast<size_t>(list->cnt));
  for (int i = 0; i < list->cnt; ++i) {
    partitions.push_back(TopicPartition{list->elems[i].topic, list->elems[i].partition});
  }
  return partitions;
}

PartitionList ToPartitionList(const OffsetMap& offsets) {
  PartitionList list(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
  for (const auto& [partition, offset] : offsets) {
    rd_kafka_topic_partition_list_add(list.get(), partition.topic.c_str(), partition.partition)
        ->offset = offset;
  }
  return list;
}

// ---------------------------------------------------------------------------------------------
// MessageBatch

MessageBatch::MessageBatch(MessageBatch&& other) noexcept { *this = std::move(other); }

MessageBatch& MessageBatch::operator=(MessageBatch&& other) noexcept {
  if (this != &other) {
    Clear();
    partitions_.swap(other.partitions_);
    partition_topics_.swap(other.partition_topics_);
    owned_.swap(other.owned_);
    std::swap(size_, other.size_);
  }
  return *this;
}

void MessageBatch::Clear() {
  for (rd_kafka_message_t* message : owned_) rd_kafka_message_destroy(message);
  owned_.clear();
  partitions_.clear();
  partition_topics_.clear();
  size_ = 0;
}

void MessageBatch::Add(rd_kafka_message_t* message) {
  owned_.push_back(message);  // first, so that it is released whatever happens next
  // Batches hold a few partitions: a linear search, newest first, beats a map.
  size_t index = partitions_.size();
  for (size_t i = partitions_.size(); i-- > 0;) {
    if (partition_topics_[i] == message->rkt &&
        partitions_[i].partition.partition == message->partition) {
      index = i;
      break;
    }
  }
  if (index == partitions_.size()) {
    partitions_.push_back(PartitionMessages{
        TopicPartition{rd_kafka_topic_name(message->rkt), message->partition}, {}});
    partition_topics_.push_back(message->rkt);
  }
  Message& out = partitions_[index].messages.emplace_back();
  out.partition = message->partition;
  out.offset = message->offset;
  out.timestamp_ms = rd_kafka_message_timestamp(message, nullptr);
  out.has_key = message->key != nullptr;
  if (out.has_key) out.key = {static_cast<const char*>(message->key), message->key_len};
  if (message->payload != nullptr) {
    out.payload = {static_cast<const char*>(message->payload), message->len};
  }
  rd_kafka_headers_t* headers = nullptr;
  if (rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const char* name = nullptr;
    const void* value = nullptr;
    size_t value_size = 0;
    for (size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &value_size) ==
                       RD_KAFKA_RESP_ERR_NO_ERROR;
         ++i) {
      out.headers.emplace_back(std::string_view(name),
                               value == nullptr
                                   ? std::string_view()
                                   : std::string_view(static_cast<const char*>(value), value_size));
    }
  }
  ++size_;
}

void MessageBatch::Drop(const std::vector<TopicPartition>& partitions) {
  auto dropped = [&](const TopicPartition& partition) {
    return std::find(partitions.begin(), partitions.end(), partition) != partitions.end();
  };
  for (size_t i = partitions_.size(); i-- > 0;) {
    if (!dropped(partitions_[i].partition)) continue;
    size_ -= partitions_[i].messages.size();
    partitions_.erase(partitions_.begin() + static_cast<ptrdiff_t>(i));
    partition_topics_.erase(partition_topics_.begin() + static_cast<ptrdiff_t>(i));
  }
  std::erase_if(owned_, [&](rd_kafka_message_t* message) {
    if (!dropped(TopicPartition{rd_kafka_topic_name(message->rkt), message->partition})) {
      return false;
    }
    rd_kafka_message_destroy(message);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Consumer

Consumer::Consumer(ConsumerOptions options, RebalanceListener* listener)
    : options_(std::move(options)), listener_(listener), errors_(options_.bootstrap_servers) {}

Consumer::~Consumer() {
  if (handle_ != nullptr && !closed_) {
    // Leave the group now rather than after the session timeout; the listener may be gone.
    tell_listener_ = false;
    rd_kafka_consumer_close(handle_.get());
  }
  if (handle_ != nullptr && !ever_assigned_) {
    // librdkafka before 2.3 (Debian's is 2.0.2) asserts in rd_kafka_destroy when a member of the
    // cooperative-sticky assignor is destroyed before its first assignment (librdkafka #4312),
    // killing the process: a job stopped while still joining its group. The handle has left the
    // group (closed above), so leaving it undestroyed costs its idle threads until exit.
    (void)handle_.release();
  }
}

Result<std::unique_ptr<Consumer>> Consumer::Make(ConsumerOptions options,
                                                 RebalanceListener* listener) {
  if (options.bootstrap_servers.empty()) {
    return InvalidArgument("kafka: the consumer needs bootstrap servers");
  }
  if (options.group_id.empty()) return InvalidArgument("kafka: the consumer needs a group id");
  if (options.topics.empty()) return InvalidArgument("kafka: the consumer needs topics");
  if (listener == nullptr) return InvalidArgument("kafka: the consumer needs a listener");
  if (options.error_timeout.count() <= 0) {
    return InvalidArgument("kafka: the error timeout must be positive");
  }

  // floe's defaults, then the user's properties, then what floe's correctness depends on.
  Properties properties = {
      {"client.id", options.client_id},
      {"partition.assignment.strategy", "cooperative-sticky"},
      {"auto.offset.reset", options.start == StartMode::kLatest ? "latest" : "earliest"},
      {"session.timeout.ms", std::to_string(kDefaultSessionTimeoutMs)},
      {"heartbeat.interval.ms", std::to_string(kDefaultHeartbeatIntervalMs)},
  };
  for (const auto& [name, value] : options.properties) properties[name] = value;
  properties["bootstrap.servers"] = options.bootstrap_servers;
  properties["group.id"] = options.group_id;
  if (!options.instance_id.empty()) properties["group.instance.id"] = options.instance_id;
  properties["enable.auto.commit"] = "false";
  properties["enable.partition.eof"] = "true";  // for CaughtUp
  properties["enable.auto.offset.store"] = "false";
  FLOE_ASSIGN_OR_RAISE(ConfHandle conf, MakeConf(properties));

  auto consumer = std::unique_ptr<Consumer>(new Consumer(std::move(options), listener));
  rd_kafka_conf_set_rebalance_cb(conf.get(), &Consumer::RebalanceCallback);
  rd_kafka_conf_set_error_cb(conf.get(), &Consumer::ErrorCallback);
  rd_kafka_conf_set_opaque(conf.get(), consumer.get());
  FLOE_ASSIGN_OR_RAISE(consumer->handle_, NewClient(RD_KAFKA_CONSUMER, std::move(conf)));
  // Errors, stats and rebalances all come through the consumer queue, served by Poll.
  rd_kafka_poll_set_consumer(consumer->handle_.get());
  consumer->queue_.reset(rd_kafka_queue_get_consumer(consumer->handle_.get()));
  // librdkafka has accepted both values: they are integers in range.
  consumer->queued_min_messages_ = std::stoll(
      PropertyOr(consumer->options_.properties, "queued.min.messages", kDefaultQueuedMinMessages));
  consumer->queued_max_bytes_ =
      std::stoll(PropertyOr(consumer->options_.properties, "queued.max.messages.kbytes",
                            kDefaultQueuedMaxKbytes)) *
      1024;

  PartitionList topics(
      rd_kafka_topic_partition_list_new(static_cast<int>(consumer->options_.topics.size())));
  for (const std::string& topic : consumer->options_.topics) {
    rd_kafka_topic_partition_list_add(topics.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
  }
  rd_kafka_resp_err_t error = rd_kafka_subscribe(consumer->handle_.get(), topics.get());
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    consumer->closed_ = true;  // never joined: nothing to leave
    return InvalidArgument("kafka: cannot subscribe to {}: {}",
                           fmt::join(consumer->options_.topics, ", "), rd_kafka_err2str(error));
  }
  return consumer;
}

void Consumer::RebalanceCallback(rd_kafka_t* /*handle*/, rd_kafka_resp_err_t error,
                                 rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  static_cast<Consumer*>(opaque)->OnRebalance(error, partitions);
}

void Consumer::ErrorCallback(rd_kafka_t* handle, int error, const char* reason, void* opaque) {
  static_cast<Consumer*>(opaque)->errors_.OnError(handle, static_cast<rd_kafka_resp_err_t>(error),
                                                  reason);
}

void Consumer::OnRebalance(rd_kafka_resp_err_t error, rd_kafka_topic_partition_list_t* partitions) {
  Status status;
  if (error == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    ever_assigned_ = true;
    status = Assign(partitions);
  } else if (error == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
    status = Revoke(partitions);
  } else {
    // A failed rebalance: give up everything; the group assigns again.
    status = Revoke(partitions);
    if (status.ok()) {
      status = IoError("kafka: rebalance of group '{}' failed: {}", options_.group_id,
                       rd_kafka_err2str(error));
    }
  }
  if (!status.ok() && listener_error_.ok()) listener_error_ = std::move(status);
}

Status Consumer::SetStartOffsets(rd_kafka_topic_partition_list_t* partitions,
                                 const OffsetMap& known) {
  PartitionList by_time(rd_kafka_topic_partition_list_new(partitions->cnt));
  for (int i = 0; i < partitions->cnt; ++i) {
    rd_kafka_topic_partition_t& partition = partitions->elems[i];
    auto it = known.find(TopicPartition{partition.topic, partition.partition});
    if (it != known.end()) {
      partition.offset = it->second;
      continue;
    }
    switch (options_.start) {
      case StartMode::kEarliest:
        partition.offset = RD_KAFKA_OFFSET_BEGINNING;
        break;
      case StartMode::kLatest:
        partition.offset = RD_KAFKA_OFFSET_END;
        break;
      case StartMode::kCommitted:
        // librdkafka reads the group's offset, and falls back to auto.offset.reset (earliest).
        partition.offset = RD_KAFKA_OFFSET_INVALID;
        break;
      case StartMode::kTimestamp:
        rd_kafka_topic_partition_list_add(by_time.get(), partition.topic, partition.partition)
            ->offset = options_.start_timestamp_ms;
        break;
    }
  }
  if (by_time->cnt == 0) return Status::Ok();
  rd_kafka_resp_err_t error =
      rd_kafka_offsets_for_times(handle_.get(), by_time.get(), TimeoutMs(options_.error_timeout));
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return IoError("kafka: cannot look up the offsets at timestamp {} ms: {}",
                   options_.start_timestamp_ms, rd_kafka_err2str(error));
  }
  for (int i = 0; i < by_time->cnt; ++i) {
    const rd_kafka_topic_partition_t& found = by_time->elems[i];
    if (found.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return IoError("kafka: cannot look up the offset of {}/{} at timestamp {} ms: {}",
                     found.topic, found.partition, options_.start_timestamp_ms,
                     rd_kafka_err2str(found.err));
    }
    // -1: no message at or after the timestamp yet; start with the next one produced.
    int64_t offset = found.offset < 0 ? RD_KAFKA_OFFSET_END : found.offset;
    rd_kafka_topic_partition_list_find(partitions, found.topic, found.partition)->offset = offset;
  }
  return Status::Ok();
}

Status Consumer::Assign(rd_kafka_topic_partition_list_t* partitions) {
  const bool cooperative =
      std::strcmp(rd_kafka_rebalance_protocol(handle_.get()), "COOPERATIVE") == 0;
  std::vector<TopicPartition> assigned = ToTopicPartitions(partitions);
  for (const TopicPartition& partition : assigned) {
    errors_.ClearTopic(partition.topic);
    at_end_[partition] = false;
    ever_held_ = true;
  }
  OffsetMap known;
  Status status;
  if (tell_listener_ && !assigned.empty()) status = listener_->OnAssigned(assigned, &known);
  // Assign even when the listener failed, so that librdkafka's view of the group stays right;
  // Poll reports the failure and hands out nothing.
  Status offsets = SetStartOffsets(partitions, known);
  if (status.ok()) status = offsets;
  if (cooperative) {
    ErrorHandle error(rd_kafka_incremental_assign(handle_.get(), partitions));
    if (error != nullptr && status.ok()) {
      status = IoError("kafka: cannot take the assigned partitions: {}",
                       rd_kafka_error_string(error.get()));
    }
  } else {
    rd_kafka_resp_err_t error = rd_kafka_assign(handle_.get(), partitions);
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR && status.ok()) {
      status = IoError("kafka: cannot take the assigned partitions: {}", rd_kafka_err2str(error));
    }
  }
  return status;
}

Status Consumer::Revoke(rd_kafka_topic_partition_list_t* partitions) {
  const bool cooperative =
      std::strcmp(rd_kafka_rebalance_protocol(handle_.get()), "COOPERATIVE") == 0;
  std::vector<TopicPartition> revoked = ToTopicPartitions(partitions);
  const bool lost = rd_kafka_assignment_lost(handle_.get()) != 0;
  if (filling_ != nullptr) filling_->Drop(revoked);
  for (const TopicPartition& partition : revoked) at_end_.erase(partition);
  Status status;
  if (tell_listener_ && !revoked.empty()) status = listener_->OnRevoked(revoked, lost);
  if (cooperative) {
    ErrorHandle error(rd_kafka_incremental_unassign(handle_.get(), partitions));
    if (error != nullptr && status.ok()) {
      status = IoError("kafka: cannot give up the revoked partitions: {}",
                       rd_kafka_error_string(error.get()));
    }
  } else {
    rd_kafka_resp_err_t error = rd_kafka_assign(handle_.get(), nullptr);
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR && status.ok()) {
      status = IoError("kafka: cannot give up the revoked partitions: {}", rd_kafka_err2str(error));
    }
  }
  return status;
}

void Consumer::OnMessageError(const rd_kafka_message_t* message) {
  switch (message->err) {
    case RD_KAFKA_RESP_ERR__PARTITION_EOF:
      if (message->rkt != nullptr) {
        auto found =
            at_end_.find(TopicPartition{rd_kafka_topic_name(message->rkt), message->partition});
        if (found != at_end_.end()) found->second = true;
      }
      return;
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
      if (message->rkt != nullptr) {
        errors_.OnTopicMissing(rd_kafka_topic_name(message->rkt));
        return;
      }
      break;
    default:
      break;
  }
  errors_.OnError(handle_.get(), message->err, rd_kafka_message_errstr(message));
}

void Consumer::CheckProblems(std::chrono::milliseconds budget) {
  if (!errors_.HasOpenProblems()) return;
  const Clock::time_point now = Clock::now();
  if (now - last_check_ < kProblemCheckInterval) return;
  last_check_ = now;
  const rd_kafka_metadata_t* raw = nullptr;
  rd_kafka_resp_err_t error =
      rd_kafka_metadata(handle_.get(), /*all_topics=*/1, nullptr, &raw,
                        TimeoutMs(std::clamp(budget, kMinMetadataTimeout,
                                             std::chrono::milliseconds(kProblemCheckInterval))));
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) return;
  MetadataHandle metadata(raw);
  errors_.ClearConnectivity();  // a broker answered
  for (const std::string& topic : errors_.MissingTopics()) {
    for (int i = 0; i < metadata->topic_cnt; ++i) {
      const rd_kafka_metadata_topic_t& found = metadata->topics[i];
      if (topic == found.topic && found.err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        errors_.ClearTopic(topic);
      }
    }
  }
}

Status Consumer::Poll(std::chrono::milliseconds timeout, size_t max_messages, MessageBatch* out) {
  out->Clear();
  if (closed_) return Internal("kafka: Poll after Close");
  const Clock::time_point deadline = Clock::now() + timeout;
  filling_ = out;
  const rd_kafka_topic_t* last_topic = nullptr;
  int32_t last_partition = -1;
  size_t bytes = 0;
  while (out->size() < max_messages && listener_error_.ok()) {
    // Wait for the first message only; after it, take what is already there.
    const int wait_ms = out->empty() ? TimeoutMs(Remaining(deadline)) : 0;
    rd_kafka_message_t* message = rd_kafka_consumer_poll(handle_.get(), wait_ms);
    if (message == nullptr) {
      if (out->empty() && Clock::now() < deadline) continue;  // a callback was served
      break;
    }
    if (message->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      OnMessageError(message);
      rd_kafka_message_destroy(message);
      last_topic = nullptr;  // an EOF may follow a message of the same partition
      continue;
    }
    if (message->rkt != last_topic || message->partition != last_partition) {
      // A partition's EOF from before this message no longer holds (looked up once per run of
      // messages of one partition, not per message).
      last_topic = message->rkt;
      last_partition = message->partition;
      auto found = at_end_.find(TopicPartition{rd_kafka_topic_name(last_topic), last_partition});
      if (found != at_end_.end()) found->second = false;
    }
    bytes += message->len;
    out->Add(message);
  }
  filling_ = nullptr;
  WakeFetchersWhenDrained(out->size(), bytes);
  if (!listener_error_.ok()) {
    out->Clear();
    return listener_error_;
  }
  if (!out->empty()) {
    errors_.ClearConnectivity();  // messages came: the brokers are reachable
  } else {
    CheckProblems(Remaining(deadline));
  }
  Status status = errors_.Check(options_.error_timeout);
  if (!status.ok()) out->Clear();
  return status;
}

void Consumer::WakeFetchersWhenDrained(size_t messages, size_t bytes) {
  if (messages > 0) average_message_bytes_ = static_cast<int64_t>(bytes / messages);
  const auto queued = static_cast<int64_t>(rd_kafka_queue_length(queue_.get()));
  // The most the queue held since the last Poll: what is there, and what this one took.
  const int64_t most = queued + static_cast<int64_t>(messages);
  if (most >= queued_min_messages_ || most * average_message_bytes_ >= queued_max_bytes_) {
    fetch_paused_ = true;
  }
  if (!fetch_paused_ || queued * 2 > queued_min_messages_ ||
      queued * average_message_bytes_ * 2 > queued_max_bytes_) {
    return;
  }
  fetch_paused_ = false;
  rd_kafka_topic_partition_list_t* raw = nullptr;
  if (rd_kafka_assignment(handle_.get(), &raw) != RD_KAFKA_RESP_ERR_NO_ERROR) return;
  PartitionList held(raw);
  if (held->cnt == 0) return;
  for (int i = 0; i < held->cnt; ++i) held->elems[i].offset = RD_KAFKA_OFFSET_END;
  // Best effort: the answer does not matter, the request does (each leader's broker thread
  // wakes to send it, and decides again whether to fetch). Failing, the fetchers wake later.
  (void)rd_kafka_offsets_for_times(handle_.get(), held.get(), TimeoutMs(kWakeTimeout));
  ++fetcher_wakes_;
}

Status Consumer::CommitOffsets(const OffsetMap& offsets) {
  if (offsets.empty()) return Status::Ok();
  if (closed_) return Internal("kafka: CommitOffsets after Close");
  PartitionList list = ToPartitionList(offsets);
  rd_kafka_resp_err_t error = rd_kafka_commit(handle_.get(), list.get(), /*async=*/1);
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR && error != RD_KAFKA_RESP_ERR__NO_OFFSET) {
    return IoError("kafka: cannot commit the offsets of group '{}': {}", options_.group_id,
                   rd_kafka_err2str(error));
  }
  return Status::Ok();
}

std::vector<TopicPartition> Consumer::Assignment() const {
  rd_kafka_topic_partition_list_t* raw = nullptr;
  if (rd_kafka_assignment(handle_.get(), &raw) != RD_KAFKA_RESP_ERR_NO_ERROR) return {};
  PartitionList list(raw);
  return ToTopicPartitions(list.get());
}

bool Consumer::CaughtUp() const {
  return !at_end_.empty() && std::all_of(at_end_.begin(), at_end_.end(),
                                         [](const auto& entry) { return entry.second; });
}

Status Consumer::CheckGotPartitionsWithin(std::chrono::milliseconds bound) {
  if (ever_held_ || !at_end_.empty() || Clock::now() - made_ < bound) return Status::Ok();
  return IoError(
      "kafka: group '{}' gave this process no partition of {} in {} s: {}. Another process of "
      "the group still holds them, or one that died without leaving does until its session "
      "times out (session.timeout.ms {}); restart a dead process with its old --instance (static "
      "membership) to take its partitions back at once",
      options_.group_id, fmt::join(options_.topics, ", "),
      std::chrono::duration_cast<std::chrono::seconds>(bound).count(), DescribeGroup(),
      PropertyOr(options_.properties, "session.timeout.ms",
                 std::to_string(kDefaultSessionTimeoutMs)));
}

std::string Consumer::DescribeGroup() {
  const rd_kafka_group_list* raw = nullptr;
  rd_kafka_resp_err_t error = rd_kafka_list_groups(handle_.get(), options_.group_id.c_str(), &raw,
                                                   TimeoutMs(std::chrono::seconds(5)));
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR || raw == nullptr || raw->group_cnt != 1) {
    if (raw != nullptr) rd_kafka_group_list_destroy(raw);
    return fmt::format("its members could not be listed ({})", rd_kafka_err2str(error));
  }
  std::unique_ptr<const rd_kafka_group_list, void (*)(const rd_kafka_group_list*)> list(
      raw, rd_kafka_group_list_destroy);
  const rd_kafka_group_info& group = list->groups[0];
  std::string self;
  if (char* id = rd_kafka_memberid(handle_.get()); id != nullptr) {
    self = id;
    rd_kafka_mem_free(handle_.get(), id);
  }
  std::vector<std::string> others;
  for (int i = 0; i < group.member_cnt; ++i) {
    const rd_kafka_group_member_info& member = group.members[i];
    if (self == member.member_id) continue;
    others.push_back(fmt::format("member '{}' (client '{}' from {})", member.member_id,
                                 member.client_id, member.client_host));
  }
  if (others.empty()) return fmt::format("the group is {} with no other member", group.state);
  return fmt::format("the group is {} with {} other member{}: {}", group.state, others.size(),
                     others.size() == 1 ? "" : "s", fmt::join(others, ", "));
}

std::optional<int64_t> Consumer::CachedEndOffset(const TopicPartition& partition) const {
  int64_t low = 0;
  int64_t high = 0;
  rd_kafka_resp_err_t error = rd_kafka_get_watermark_offsets(handle_.get(), partition.topic.c_str(),
                                                             partition.partition, &low, &high);
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR || high < 0) return std::nullopt;
  return high;
}

Status Consumer::Close() {
  if (closed_) return Status::Ok();
  closed_ = true;
  rd_kafka_resp_err_t error = rd_kafka_consumer_close(handle_.get());  // serves the revoke
  if (!listener_error_.ok()) return listener_error_;
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return IoError("kafka: leaving group '{}': {}", options_.group_id, rd_kafka_err2str(error));
  }
  return Status::Ok();
}

}  // namespace floe::kafka
