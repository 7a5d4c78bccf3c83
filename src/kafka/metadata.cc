#include "kafka/metadata.h"

#include <algorithm>
#include <climits>

#include "kafka/handles.h"

namespace floe::kafka {

int TimeoutMs(std::chrono::milliseconds timeout) {
  return static_cast<int>(std::clamp<int64_t>(timeout.count(), 0, INT_MAX));
}

Result<std::vector<TopicPartition>> PartitionsOf(rd_kafka_t* handle,
                                                 const std::vector<std::string>& topics,
                                                 std::chrono::milliseconds timeout) {
  std::vector<TopicPartition> partitions;
  for (const std::string& name : topics) {
    TopicHandle topic(rd_kafka_topic_new(handle, name.c_str(), nullptr));
    const rd_kafka_metadata_t* raw = nullptr;
    rd_kafka_resp_err_t error =
        rd_kafka_metadata(handle, /*all_topics=*/0, topic.get(), &raw, TimeoutMs(timeout));
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return IoError("kafka: cannot read the metadata of topic '{}': {}", name,
                     rd_kafka_err2str(error));
    }
    MetadataHandle metadata(raw);
    if (metadata->topic_cnt < 1 ||
        metadata->topics[0].err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
      return NotFound("kafka: topic '{}' does not exist", name);
    }
    if (metadata->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return IoError("kafka: topic '{}': {}", name, rd_kafka_err2str(metadata->topics[0].err));
    }
    for (int i = 0; i < metadata->topics[0].partition_cnt; ++i) {
      partitions.push_back(TopicPartition{name, metadata->topics[0].partitions[i].id});
    }
  }
  return partitions;
}

}  // namespace floe::kafka
