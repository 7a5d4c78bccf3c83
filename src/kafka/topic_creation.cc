#include "kafka/topic_creation.h"

#include <librdkafka/rdkafka.h>

#include <array>
#include <thread>

#include "kafka/client_errors.h"
#include "kafka/config.h"
#include "kafka/handles.h"
#include "kafka/metadata.h"

namespace floe::kafka {

Result<int32_t> EnsureTopic(const std::string& bootstrap_servers,
                            const std::map<std::string, std::string>& properties,
                            const std::string& topic, int32_t partitions,
                            std::chrono::milliseconds timeout) {
  const std::string where = fmt::format("kafka: creating topic '{}'", topic);
  if (bootstrap_servers.empty()) return InvalidArgument("{}: no bootstrap servers", where);
  if (partitions < 1) return InvalidArgument("{}: {} partitions", where, partitions);
  Properties client = properties;
  client["bootstrap.servers"] = bootstrap_servers;
  FLOE_ASSIGN_OR_RAISE(ConfHandle conf, MakeConf(client));
  FLOE_ASSIGN_OR_RAISE(KafkaHandle handle, NewClient(RD_KAFKA_PRODUCER, std::move(conf)));

  std::array<char, 512> error{};
  NewTopicHandle request(
      rd_kafka_NewTopic_new(topic.c_str(), partitions, -1, error.data(), error.size()));
  if (request == nullptr) return InvalidArgument("{}: {}", where, error.data());
  AdminOptionsHandle options(
      rd_kafka_AdminOptions_new(handle.get(), RD_KAFKA_ADMIN_OP_CREATETOPICS));
  if (rd_kafka_AdminOptions_set_operation_timeout(options.get(), TimeoutMs(timeout), error.data(),
                                                  error.size()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return InvalidArgument("{}: {}", where, error.data());
  }
  QueueHandle queue(rd_kafka_queue_new(handle.get()));
  rd_kafka_NewTopic_t* topics[] = {request.get()};
  rd_kafka_CreateTopics(handle.get(), topics, 1, options.get(), queue.get());
  EventHandle event(rd_kafka_queue_poll(queue.get(), TimeoutMs(timeout)));
  if (event == nullptr) {
    return IoError("{}: no answer within {}", where, FormatSeconds(timeout));
  }
  if (rd_kafka_event_error(event.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return IoError("{}: {}", where, rd_kafka_event_error_string(event.get()));
  }
  const rd_kafka_CreateTopics_result_t* result = rd_kafka_event_CreateTopics_result(event.get());
  size_t count = 0;
  const rd_kafka_topic_result_t** results =
      result == nullptr ? nullptr : rd_kafka_CreateTopics_result_topics(result, &count);
  for (size_t i = 0; i < count; ++i) {
    const rd_kafka_resp_err_t code = rd_kafka_topic_result_error(results[i]);
    if (code != RD_KAFKA_RESP_ERR_NO_ERROR && code != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      const char* reason = rd_kafka_topic_result_error_string(results[i]);
      return IoError("{}: {}", where, reason != nullptr ? reason : rd_kafka_err2str(code));
    }
  }
  // The topic as the brokers have it now (one made just before keeps its own count); a topic
  // just created may take a moment to show in the metadata.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto found = PartitionsOf(handle.get(), {topic}, timeout);
    if (found.ok()) return static_cast<int32_t>(found->size());
    if (!found.status().IsNotFound() || std::chrono::steady_clock::now() >= deadline) {
      return found.status().WithContext(where);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace floe::kafka
