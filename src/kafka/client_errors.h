#pragma once

// What a librdkafka client reports while it keeps retrying: a broker it cannot reach,
// authentication that fails, a topic that does not exist. librdkafka treats all of these as
// transient and retries forever; a job must instead fail, naming the cause, once one has lasted
// longer than its error timeout. ClientErrors keeps each open problem with the time it was first
// seen and turns the ones that outlived the timeout into a Status.

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common/result.h"

namespace floe::kafka {

/// Thread safety: internally locked; librdkafka may report from its own threads.
class ClientErrors {
 public:
  using Clock = std::chrono::steady_clock;

  /// `bootstrap_servers` names the brokers when librdkafka reports them all down at once.
  explicit ClientErrors(std::string bootstrap_servers)
      : bootstrap_servers_(std::move(bootstrap_servers)) {}

  /// From an error callback (or an error message): records the problem, or the fatal error.
  void OnError(rd_kafka_t* handle, rd_kafka_resp_err_t error, const std::string& reason);
  void OnTopicMissing(const std::string& topic);

  /// A broker answered: connection and authentication problems are over.
  void ClearConnectivity();
  void ClearTopic(const std::string& topic);

  /// True while some problem is open (the caller then checks whether it is over).
  bool HasOpenProblems() const;
  /// True while a topic is reported missing.
  bool HasMissingTopics() const;
  std::vector<std::string> MissingTopics() const;

  /// The fatal error, or the oldest open problem older than `timeout`, as an error; else ok.
  Status Check(std::chrono::milliseconds timeout) const;
  /// The latest connection problem, "" if none: context for a timeout elsewhere.
  std::string LastConnectivityProblem() const;

 private:
  enum class Kind { kBroker, kAuthentication, kTopic, kOther };
  struct Problem {
    Kind kind;
    std::string subject;  // the broker or the topic
    std::string reason;
    Clock::time_point since;
  };
  void Open(const std::string& key, Kind kind, std::string subject, std::string reason);
  static Status ToStatus(const Problem& problem, Clock::duration age);

  const std::string bootstrap_servers_;
  mutable std::mutex mutex_;
  std::map<std::string, Problem> problems_;  // by kind and subject
  Status fatal_;
};

/// "30 s", "1.5 s": a duration for messages.
std::string FormatSeconds(std::chrono::milliseconds duration);

}  // namespace floe::kafka
