#pragma once

// The real Apache Kafka broker of the Kafka unit tests (tests/peers/kafka.sh).
//
// Which broker: FLOE_KAFKA_BOOTSTRAP if set; else the one ctest's `kafka` fixture started (its
// folder FLOE_BINARY_DIR/peers/kafka holds `bootstrap` and `kafka.pid`); else one started for
// this process in a temporary folder and stopped when the process exits. Tests share the broker,
// so each one names its topics and groups uniquely (UniqueName) and creates its topics
// (CreateTopics, through librdkafka's Admin API).

#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/uuid.h"
#include "fmt/format.h"
#include "kafka/handles.h"

namespace floe::kafka::testing {

class TestBroker {
 public:
  /// The bootstrap servers of the broker; starts one on first use if none runs. Empty (and a
  /// test failure recorded) when none could be had.
  static const std::string& Bootstrap() {
    static TestBroker broker;
    if (broker.bootstrap_.empty()) ADD_FAILURE() << "no Kafka broker: " << broker.error_;
    return broker.bootstrap_;
  }

  /// "PREFIX-<uuid>": a topic or group name no other test uses.
  static std::string UniqueName(const std::string& prefix) {
    return fmt::format("{}-{}", prefix, NewUuid());
  }

  /// Creates the topics (name, partitions) and waits until the broker serves them; a failure
  /// is recorded as a test failure and returned as false.
  static bool CreateTopics(const std::vector<std::pair<std::string, int>>& topics) {
    char error[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", Bootstrap().c_str(), error, sizeof(error));
    KafkaHandle admin(rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error)));
    if (admin == nullptr) {
      ADD_FAILURE() << error;
      return false;
    }
    std::vector<rd_kafka_NewTopic_t*> requests;
    for (const auto& [name, partitions] : topics) {
      requests.push_back(rd_kafka_NewTopic_new(name.c_str(), partitions, 1, error, sizeof(error)));
    }
    std::unique_ptr<rd_kafka_queue_t, QueueDeleter> queue(rd_kafka_queue_new(admin.get()));
    rd_kafka_CreateTopics(admin.get(), requests.data(), requests.size(), nullptr, queue.get());
    std::unique_ptr<rd_kafka_event_t, EventDeleter> event(rd_kafka_queue_poll(queue.get(), 30000));
    bool ok = event != nullptr && rd_kafka_event_error(event.get()) == RD_KAFKA_RESP_ERR_NO_ERROR;
    if (!ok)
      ADD_FAILURE() << "CreateTopics: "
                    << (event ? rd_kafka_event_error_string(event.get()) : "timed out");
    if (ok) {
      size_t count = 0;
      const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(
          rd_kafka_event_CreateTopics_result(event.get()), &count);
      for (size_t i = 0; i < count; ++i) {
        if (rd_kafka_topic_result_error(results[i]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
          ADD_FAILURE() << "topic " << rd_kafka_topic_result_name(results[i]) << ": "
                        << rd_kafka_topic_result_error_string(results[i]);
          ok = false;
        }
      }
    }
    rd_kafka_NewTopic_destroy_array(requests.data(), requests.size());
    return ok && AwaitMetadata(admin.get(), topics);
  }

 private:
  /// Waits (up to 15 s) until every topic shows in the broker's metadata with all its partitions
  /// led: CreateTopics answers before the new topic's metadata has propagated, and a client that
  /// asks at once would be told the topic does not exist.
  static bool AwaitMetadata(rd_kafka_t* handle,
                            const std::vector<std::pair<std::string, int>>& topics) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    for (const auto& [name, partitions] : topics) {
      while (!Ready(handle, name, partitions)) {
        if (std::chrono::steady_clock::now() > deadline) {
          ADD_FAILURE() << "topic " << name << " not in the broker's metadata after 15 s";
          return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    }
    return true;
  }

  /// Whether the metadata shows `name` with `partitions` partitions, each with a leader.
  static bool Ready(rd_kafka_t* handle, const std::string& name, int partitions) {
    TopicHandle topic(rd_kafka_topic_new(handle, name.c_str(), nullptr));
    const rd_kafka_metadata_t* raw = nullptr;
    if (rd_kafka_metadata(handle, 0, topic.get(), &raw, 5000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return false;
    }
    MetadataHandle metadata(raw);
    if (metadata->topic_cnt < 1 || metadata->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR ||
        metadata->topics[0].partition_cnt != partitions) {
      return false;
    }
    for (int i = 0; i < partitions; ++i) {
      if (metadata->topics[0].partitions[i].leader < 0) return false;
    }
    return true;
  }

  TestBroker() {
    if (const char* given = std::getenv("FLOE_KAFKA_BOOTSTRAP"); given != nullptr && *given) {
      bootstrap_ = given;
      return;
    }
    const std::filesystem::path shared = std::filesystem::path(FLOE_BINARY_DIR) / "peers/kafka";
    if (Alive(shared)) {
      std::ifstream in(shared / "bootstrap");
      std::getline(in, bootstrap_);
      return;
    }
    char pattern[] = "/tmp/floe-kafka.XXXXXX";
    if (mkdtemp(pattern) == nullptr) {
      error_ = "mkdtemp failed";
      return;
    }
    own_dir_ = pattern;
    const std::string command =
        fmt::format("bash {}/tests/peers/kafka.sh start {} 2>&1", FLOE_SOURCE_DIR, own_dir_);
    FILE* pipe = popen(command.c_str(), "r");
    std::string output;
    char buffer[4096];
    while (pipe != nullptr && fgets(buffer, sizeof(buffer), pipe) != nullptr) output += buffer;
    if (pipe == nullptr || pclose(pipe) != 0) {
      error_ = "kafka.sh start failed: " + output;
      return;
    }
    const size_t at = output.rfind("bootstrap=");
    if (at == std::string::npos) {
      error_ = "kafka.sh printed no bootstrap: " + output;
      return;
    }
    bootstrap_ = output.substr(at + 10, output.find('\n', at) - at - 10);
  }

  ~TestBroker() {
    if (own_dir_.empty()) return;
    const std::string command = fmt::format("bash {}/tests/peers/kafka.sh stop {} >/dev/null 2>&1",
                                            FLOE_SOURCE_DIR, own_dir_);
    if (std::system(command.c_str()) == 0) std::filesystem::remove_all(own_dir_);
  }

  /// Whether `dir` holds a running broker started by kafka.sh.
  static bool Alive(const std::filesystem::path& dir) {
    std::ifstream in(dir / "kafka.pid");
    long pid = 0;
    return in >> pid && pid > 0 && kill(static_cast<pid_t>(pid), 0) == 0 &&
           std::filesystem::exists(dir / "bootstrap");
  }

  std::string bootstrap_;
  std::string own_dir_;
  std::string error_;
};

}  // namespace floe::kafka::testing
