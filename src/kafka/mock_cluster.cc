#include "kafka/mock_cluster.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>  // after rdkafka.h, which it needs

#include <algorithm>

#include "kafka/config.h"

namespace floe::kafka {

namespace {

constexpr int kMaxBrokers = 16;
constexpr int kMaxReplication = 3;

/// The host client has no brokers to talk to; its complaints about that are noise.
void QuietLog(const rd_kafka_t* /*handle*/, int /*level*/, const char* /*facility*/,
              const char* /*message*/) {}

}  // namespace

MockCluster::MockCluster(KafkaHandle host, rd_kafka_mock_cluster_s* cluster, int brokers)
    : host_(std::move(host)),
      cluster_(cluster),
      brokers_(brokers),
      bootstrap_servers_(rd_kafka_mock_cluster_bootstraps(cluster)) {}

MockCluster::~MockCluster() {
  rd_kafka_mock_cluster_destroy(cluster_);  // before its host client
}

Result<std::unique_ptr<MockCluster>> MockCluster::Start(
    int brokers, const std::vector<std::pair<std::string, int>>& topics) {
  if (brokers < 1 || brokers > kMaxBrokers) {
    return InvalidArgument("kafka mock: {} brokers; expected 1 to {}", brokers, kMaxBrokers);
  }
  for (const auto& [name, partitions] : topics) {
    if (name.empty()) return InvalidArgument("kafka mock: a topic needs a name");
    if (partitions < 1) {
      return InvalidArgument("kafka mock: topic '{}' needs at least one partition, not {}", name,
                             partitions);
    }
  }
  FLOE_ASSIGN_OR_RAISE(ConfHandle conf, MakeConf({}));
  rd_kafka_conf_set_log_cb(conf.get(), &QuietLog);
  FLOE_ASSIGN_OR_RAISE(KafkaHandle host, NewClient(RD_KAFKA_PRODUCER, std::move(conf)));
  rd_kafka_mock_cluster_t* cluster = rd_kafka_mock_cluster_new(host.get(), brokers);
  if (cluster == nullptr) return IoError("kafka mock: cannot start {} brokers", brokers);
  auto mock = std::unique_ptr<MockCluster>(new MockCluster(std::move(host), cluster, brokers));
  for (const auto& [name, partitions] : topics) {
    FLOE_RETURN_IF_ERROR(mock->CreateTopic(name, partitions));
  }
  return mock;
}

Status MockCluster::CreateTopic(const std::string& name, int partitions) {
  if (partitions < 1) {
    return InvalidArgument("kafka mock: topic '{}' needs at least one partition, not {}", name,
                           partitions);
  }
  rd_kafka_resp_err_t error = rd_kafka_mock_topic_create(cluster_, name.c_str(), partitions,
                                                         std::min(brokers_, kMaxReplication));
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return IoError("kafka mock: cannot create topic '{}': {}", name, rd_kafka_err2str(error));
  }
  return Status::Ok();
}

void MockCluster::HideTopic(const std::string& topic) {
  rd_kafka_mock_topic_set_error(cluster_, topic.c_str(), RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART);
}

Status MockCluster::SetBrokerUp(int32_t broker_id, bool up) {
  if (broker_id < 1 || broker_id > brokers_) {
    return NotFound("kafka mock: no broker {}; the brokers are 1 to {}", broker_id, brokers_);
  }
  rd_kafka_resp_err_t error = up ? rd_kafka_mock_broker_set_up(cluster_, broker_id)
                                 : rd_kafka_mock_broker_set_down(cluster_, broker_id);
  if (error != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return IoError("kafka mock: cannot take broker {} {}: {}", broker_id, up ? "up" : "down",
                   rd_kafka_err2str(error));
  }
  return Status::Ok();
}

}  // namespace floe::kafka
