#include "kafka/group_offsets.h"

#include <thread>

#include "kafka/config.h"
#include "kafka/consumer.h"
#include "kafka/metadata.h"

namespace floe::kafka {

namespace {

// Answers that mean "ask again shortly": the group's coordinator moved, is still loading the
// offsets topic (a broker just started), or a transaction's offsets are not settled yet.
bool Transient(rd_kafka_resp_err_t error) {
  switch (error) {
    case RD_KAFKA_RESP_ERR_NOT_COORDINATOR:
    case RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS:
    case RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE:
    case RD_KAFKA_RESP_ERR_UNSTABLE_OFFSET_COMMIT:
      return true;
    default:
      return false;
  }
}

constexpr auto kRetryPause = std::chrono::milliseconds(200);

}  // namespace

Result<std::unique_ptr<GroupOffsets>> GroupOffsets::Make(
    const std::string& bootstrap_servers, const std::map<std::string, std::string>& user,
    const std::string& group_id) {
  if (bootstrap_servers.empty()) return InvalidArgument("kafka: no bootstrap servers");
  if (group_id.empty()) return InvalidArgument("kafka: no consumer group");
  Properties properties = user;
  properties["bootstrap.servers"] = bootstrap_servers;
  properties["group.id"] = group_id;
  properties["enable.auto.commit"] = "false";
  properties["enable.auto.offset.store"] = "false";
  FLOE_ASSIGN_OR_RAISE(ConfHandle conf, MakeConf(properties));
  FLOE_ASSIGN_OR_RAISE(KafkaHandle handle, NewClient(RD_KAFKA_CONSUMER, std::move(conf)));
  return std::unique_ptr<GroupOffsets>(new GroupOffsets(std::move(handle), group_id));
}

GroupOffsets::~GroupOffsets() {
  // Never subscribed, so there is no group to leave: closing only stops the client's queues.
  rd_kafka_consumer_close(handle_.get());
}

Result<OffsetMap> GroupOffsets::Committed(const std::vector<std::string>& topics,
                                          std::chrono::milliseconds timeout) {
  OffsetMap offsets;
  if (topics.empty()) return offsets;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  FLOE_ASSIGN_OR_RAISE(std::vector<TopicPartition> partitions,
                       PartitionsOf(handle_.get(), topics, timeout));
  OffsetMap wanted;
  for (const TopicPartition& partition : partitions) wanted[partition] = RD_KAFKA_OFFSET_INVALID;
  PartitionList list;
  rd_kafka_resp_err_t error;
  for (;;) {
    list = ToPartitionList(wanted);
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    error = rd_kafka_committed(handle_.get(), list.get(), TimeoutMs(left));
    for (int i = 0; error == RD_KAFKA_RESP_ERR_NO_ERROR && i < list->cnt; ++i) {
      if (Transient(list->elems[i].err)) error = list->elems[i].err;
    }
    if (!Transient(error) || std::chrono::steady_clock::now() + kRetryPause >= deadline) break;
    std::this_thread::sleep_for(kRetryPause);
  }
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return IoError("kafka: cannot read the committed offsets of group '{}': {}", group_id_,
                   rd_kafka_err2str(error));
  }
  for (int i = 0; i < list->cnt; ++i) {
    const rd_kafka_topic_partition_t& partition = list->elems[i];
    if (partition.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return IoError("kafka: cannot read the committed offset of group '{}' for {}/{}: {}",
                     group_id_, partition.topic, partition.partition,
                     rd_kafka_err2str(partition.err));
    }
    if (partition.offset >= 0) {
      offsets[TopicPartition{partition.topic, partition.partition}] = partition.offset;
    }
  }
  return offsets;
}

Status GroupOffsets::Commit(const OffsetMap& offsets, std::chrono::milliseconds timeout) {
  if (offsets.empty()) return Status::Ok();
  QueueHandle queue(rd_kafka_queue_new(handle_.get()));
  PartitionList list = ToPartitionList(offsets);
  // The result comes on a queue of our own, so that the wait is bounded (a plain synchronous
  // commit is not).
  rd_kafka_resp_err_t error =
      rd_kafka_commit_queue(handle_.get(), list.get(), queue.get(), nullptr, nullptr);
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return IoError("kafka: cannot commit the offsets of group '{}': {}", group_id_,
                   rd_kafka_err2str(error));
  }
  EventHandle event(rd_kafka_queue_poll(queue.get(), TimeoutMs(timeout)));
  if (event == nullptr) {
    return CommitStateUnknown("kafka: the offset commit of group '{}' did not finish within {}",
                              group_id_, FormatSeconds(timeout));
  }
  if (rd_kafka_event_error(event.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return IoError("kafka: cannot commit the offsets of group '{}': {}", group_id_,
                   rd_kafka_event_error_string(event.get()));
  }
  if (const rd_kafka_topic_partition_list_t* results =
          rd_kafka_event_topic_partition_list(event.get())) {
    for (int i = 0; i < results->cnt; ++i) {
      if (results->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return IoError("kafka: cannot commit the offset of group '{}' for {}/{}: {}", group_id_,
                       results->elems[i].topic, results->elems[i].partition,
                       rd_kafka_err2str(results->elems[i].err));
      }
    }
  }
  return Status::Ok();
}

}  // namespace floe::kafka
