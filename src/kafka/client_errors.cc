#include "kafka/client_errors.h"

#include <array>

namespace floe::kafka {

namespace {

constexpr size_t kFatalBufferSize = 512;

/// The broker a librdkafka transport message is about: "127.0.0.1:9/bootstrap: Connect to ..."
/// and "127.0.0.1:9/1: ..." both name 127.0.0.1:9; a logical broker ("GroupCoordinator:
/// 127.0.0.1:9/1: Disconnected", "GroupCoordinator: Connect to ipv4#127.0.0.1:9 failed: ...")
/// is named by the address it stands for.
std::string BrokerOf(const std::string& reason) {
  size_t colon_space = reason.find(": ");
  std::string name = reason.substr(0, colon_space);
  size_t slash = name.rfind('/');
  if (slash != std::string::npos && slash > 0 && name[slash - 1] != '/') name.resize(slash);
  if (name.find(':') == std::string::npos && colon_space != std::string::npos) {
    // "GroupCoordinator: 127.0.0.1:9/1: Disconnected": the address follows the logical name.
    const std::string rest = reason.substr(colon_space + 2);
    const std::string next = rest.substr(0, rest.find(": "));
    if (next.find(':') != std::string::npos && next.find(' ') == std::string::npos) {
      return BrokerOf(rest);
    }
    const size_t hash = reason.find("Connect to ");
    const size_t at = hash == std::string::npos ? hash : reason.find('#', hash);
    if (at != std::string::npos) return reason.substr(at + 1, reason.find(' ', at) - at - 1);
  }
  return name;
}

/// The cause in a librdkafka transport message: "Connect to ipv4#127.0.0.1:9 failed: Connection
/// refused (after 0ms in state CONNECT)" → "Connection refused".
std::string CauseOf(const std::string& reason) {
  size_t failed = reason.rfind("failed: ");
  std::string cause;
  if (failed != std::string::npos) {
    cause = reason.substr(failed + 8);
  } else {
    size_t colon_space = reason.find(": ");
    cause = colon_space == std::string::npos ? reason : reason.substr(colon_space + 2);
  }
  size_t after = cause.find(" (after ");
  if (after != std::string::npos) cause.resize(after);
  return cause;
}

}  // namespace

std::string FormatSeconds(std::chrono::milliseconds duration) {
  return fmt::format("{:g} s", static_cast<double>(duration.count()) / 1000.0);
}

void ClientErrors::Open(const std::string& key, Kind kind, std::string subject,
                        std::string reason) {
  auto [it, inserted] =
      problems_.try_emplace(key, Problem{kind, std::move(subject), reason, Clock::now()});
  if (!inserted) it->second.reason = std::move(reason);  // keep `since`: the problem goes on
}

void ClientErrors::OnError(rd_kafka_t* handle, rd_kafka_resp_err_t error,
                           const std::string& reason) {
  std::lock_guard lock(mutex_);
  switch (error) {
    case RD_KAFKA_RESP_ERR__FATAL: {
      std::array<char, kFatalBufferSize> text{};
      rd_kafka_resp_err_t cause = rd_kafka_fatal_error(handle, text.data(), text.size());
      if (fatal_.ok()) {
        fatal_ = IoError("kafka: fatal error: {} ({})", text.data(), rd_kafka_err2name(cause));
      }
      return;
    }
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__RESOLVE:
    case RD_KAFKA_RESP_ERR__SSL: {
      std::string broker = BrokerOf(reason);
      Open(fmt::format("broker {}", broker), Kind::kBroker, broker, CauseOf(reason));
      return;
    }
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN: {
      // Each broker's own failure says more; this one matters only if none was reported.
      bool any_broker = false;
      for (const auto& [key, problem] : problems_) any_broker |= problem.kind == Kind::kBroker;
      if (!any_broker) {
        Open(fmt::format("broker {}", bootstrap_servers_), Kind::kBroker, bootstrap_servers_,
             reason);
      }
      return;
    }
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_CLUSTER_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_TRANSACTIONAL_ID_AUTHORIZATION_FAILED:
      Open("authentication", Kind::kAuthentication, "", reason);
      return;
    default:
      Open(fmt::format("other {}", rd_kafka_err2name(error)), Kind::kOther,
           rd_kafka_err2name(error), reason);
      return;
  }
}

void ClientErrors::OnTopicMissing(const std::string& topic) {
  std::lock_guard lock(mutex_);
  Open(fmt::format("topic {}", topic), Kind::kTopic, topic, "");
}

void ClientErrors::ClearConnectivity() {
  std::lock_guard lock(mutex_);
  std::erase_if(problems_, [](const auto& entry) { return entry.second.kind != Kind::kTopic; });
}

void ClientErrors::ClearTopic(const std::string& topic) {
  std::lock_guard lock(mutex_);
  problems_.erase(fmt::format("topic {}", topic));
}

bool ClientErrors::HasOpenProblems() const {
  std::lock_guard lock(mutex_);
  return !problems_.empty();
}

bool ClientErrors::HasMissingTopics() const { return !MissingTopics().empty(); }

std::vector<std::string> ClientErrors::MissingTopics() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> topics;
  for (const auto& [key, problem] : problems_) {
    if (problem.kind == Kind::kTopic) topics.push_back(problem.subject);
  }
  return topics;
}

Status ClientErrors::ToStatus(const Problem& problem, Clock::duration age) {
  const std::string seconds =
      FormatSeconds(std::chrono::duration_cast<std::chrono::milliseconds>(age));
  switch (problem.kind) {
    case Kind::kBroker:
      return IoError("kafka: broker {} unreachable for {} ({})", problem.subject, seconds,
                     problem.reason);
    case Kind::kAuthentication:
      return Unauthorized("kafka: authentication failed for {}: {}", seconds, problem.reason);
    case Kind::kTopic:
      return NotFound("kafka: topic '{}' does not exist (waited {})", problem.subject, seconds);
    case Kind::kOther:
      break;
  }
  return IoError("kafka: {} for {} ({})", problem.reason, seconds, problem.subject);
}

Status ClientErrors::Check(std::chrono::milliseconds timeout) const {
  std::lock_guard lock(mutex_);
  if (!fatal_.ok()) return fatal_;
  const Clock::time_point now = Clock::now();
  const Problem* oldest = nullptr;
  for (const auto& [key, problem] : problems_) {
    if (now - problem.since < timeout) continue;
    if (oldest == nullptr || problem.since < oldest->since) oldest = &problem;
  }
  return oldest == nullptr ? Status::Ok() : ToStatus(*oldest, now - oldest->since);
}

std::string ClientErrors::LastConnectivityProblem() const {
  std::lock_guard lock(mutex_);
  const Problem* latest = nullptr;
  for (const auto& [key, problem] : problems_) {
    if (problem.kind == Kind::kTopic) continue;
    if (latest == nullptr || problem.since > latest->since) latest = &problem;
  }
  if (latest == nullptr) return "";
  return ToStatus(*latest, Clock::now() - latest->since).message();
}

}  // namespace floe::kafka
