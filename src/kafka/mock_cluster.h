#pragma once

// An in-process Kafka cluster for tests and `floe dev kafka`: librdkafka's mock cluster
// (rdkafka_mock.h), whose brokers listen on 127.0.0.1 and speak the Kafka protocol to any client
// (kcat, other processes). It supports producing (idempotent and transactional), consumer
// groups with offset commits, and taking brokers down and up; see README.md for what it lacks.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "kafka/handles.h"

struct rd_kafka_mock_cluster_s;

namespace floe::kafka {

/// Thread safety: the methods may be called from any thread (librdkafka serialises them onto the
/// cluster's own thread). Lifetime: clients connected to it see its brokers vanish on
/// destruction.
class MockCluster {
 public:
  /// Starts `brokers` brokers (ids 1..brokers) with the topics (name, partitions) created, with
  /// replication factor min(3, brokers).
  static Result<std::unique_ptr<MockCluster>> Start(
      int brokers, const std::vector<std::pair<std::string, int>>& topics);
  ~MockCluster();
  MockCluster(const MockCluster&) = delete;
  MockCluster& operator=(const MockCluster&) = delete;

  /// "127.0.0.1:PORT,127.0.0.1:PORT,..."
  const std::string& bootstrap_servers() const { return bootstrap_servers_; }
  int brokers() const { return brokers_; }

  /// Creates another topic.
  Status CreateTopic(const std::string& name, int partitions);
  /// Makes metadata report `topic` as unknown (UNKNOWN_TOPIC_OR_PART), as a real cluster
  /// without auto-creation would: the mock otherwise creates any topic a client asks about.
  void HideTopic(const std::string& topic);
  /// Takes a broker down (it drops its connections and refuses new ones) or brings it back.
  /// Leadership does not move. NotFound for an id outside 1..brokers().
  Status SetBrokerUp(int32_t broker_id, bool up);

 private:
  MockCluster(KafkaHandle host, rd_kafka_mock_cluster_s* cluster, int brokers);

  KafkaHandle host_;  // the client the cluster lives in (librdkafka needs one)
  rd_kafka_mock_cluster_s* cluster_;
  int brokers_;
  std::string bootstrap_servers_;
};

}  // namespace floe::kafka
