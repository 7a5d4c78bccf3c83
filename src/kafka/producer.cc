#include "kafka/producer.h"

#include <algorithm>

#include "kafka/config.h"
#include "kafka/consumer.h"
#include "kafka/group_offsets.h"
#include "kafka/metadata.h"

namespace floe::kafka {

namespace {

using Clock = std::chrono::steady_clock;

/// Produce serves delivery reports every this many messages, so that they do not pile up.
constexpr size_t kPollEveryMessages = 1024;
/// While the local queue is full, Produce waits this long for deliveries between attempts.
constexpr int kQueueFullWaitMs = 10;
constexpr int64_t kDefaultTransactionTimeoutMs = 60000;

std::chrono::milliseconds Remaining(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return std::max(left, std::chrono::milliseconds(0));
}

/// " (CAUSE)" from a client's latest connection problem, or "".
std::string ProblemSuffix(const ClientErrors& errors) {
  std::string problem = errors.LastConnectivityProblem();
  return problem.empty() ? "" : fmt::format(" ({})", problem);
}

}  // namespace

Producer::Producer(ProducerOptions options)
    : options_(std::move(options)), errors_(options_.bootstrap_servers) {}

Producer::~Producer() {
  if (handle_ != nullptr) {
    // What was not flushed or committed is dropped, as the contract says: do not wait for it.
    rd_kafka_purge(handle_.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  }
  topics_.clear();  // before the handle they belong to
}

Result<std::unique_ptr<Producer>> Producer::Make(ProducerOptions options) {
  if (options.bootstrap_servers.empty()) {
    return InvalidArgument("kafka: the producer needs bootstrap servers");
  }
  if (options.timeout.count() <= 0) return InvalidArgument("kafka: the timeout must be positive");
  const bool transactional = !options.transactional_id.empty();

  // floe's defaults, then the user's properties, then what floe's correctness depends on.
  Properties properties = {
      {"client.id", options.client_id},
      // A typo in a topic name must fail, not create a topic.
      {"allow.auto.create.topics", "false"},
  };
  for (const auto& [name, value] : options.properties) properties[name] = value;
  if (!options.properties.contains("message.timeout.ms")) {
    int64_t timeout_ms = options.timeout.count();
    if (transactional) {
      // librdkafka requires message.timeout.ms <= transaction.timeout.ms.
      std::string txn_timeout = PropertyOr(options.properties, "transaction.timeout.ms",
                                           std::to_string(kDefaultTransactionTimeoutMs));
      timeout_ms = std::min<int64_t>(timeout_ms, std::atoll(txn_timeout.c_str()));
    }
    properties["message.timeout.ms"] = std::to_string(timeout_ms);
  }
  properties["bootstrap.servers"] = options.bootstrap_servers;
  properties["enable.idempotence"] = "true";
  if (transactional) properties["transactional.id"] = options.transactional_id;
  FLOE_ASSIGN_OR_RAISE(ConfHandle conf, MakeConf(properties));

  auto producer = std::unique_ptr<Producer>(new Producer(std::move(options)));
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &Producer::DeliveryCallback);
  rd_kafka_conf_set_error_cb(conf.get(), &Producer::ErrorCallback);
  rd_kafka_conf_set_opaque(conf.get(), producer.get());
  FLOE_ASSIGN_OR_RAISE(producer->handle_, NewClient(RD_KAFKA_PRODUCER, std::move(conf)));

  if (transactional) {
    ErrorHandle error(
        rd_kafka_init_transactions(producer->handle_.get(), TimeoutMs(producer->options_.timeout)));
    if (error != nullptr) {
      rd_kafka_poll(producer->handle_.get(), 0);  // serve the error callbacks: they say why
      return IoError("kafka: cannot initialise transactions for id '{}': {}{}",
                     producer->options_.transactional_id, rd_kafka_error_string(error.get()),
                     ProblemSuffix(producer->errors_));
    }
  }
  return producer;
}

void Producer::DeliveryCallback(rd_kafka_t* /*handle*/, const rd_kafka_message_t* message,
                                void* opaque) {
  auto* producer = static_cast<Producer*>(opaque);
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) return;
  // Purged messages belong to an aborted transaction or a producer going away: not failures.
  if (message->err == RD_KAFKA_RESP_ERR__PURGE_QUEUE ||
      message->err == RD_KAFKA_RESP_ERR__PURGE_INFLIGHT) {
    return;
  }
  if (!producer->delivery_error_.ok()) return;
  producer->delivery_error_ =
      IoError("kafka: delivery to {}/{} failed: {}{}", rd_kafka_topic_name(message->rkt),
              message->partition, rd_kafka_err2str(message->err), ProblemSuffix(producer->errors_));
}

void Producer::ErrorCallback(rd_kafka_t* handle, int error, const char* reason, void* opaque) {
  static_cast<Producer*>(opaque)->errors_.OnError(handle, static_cast<rd_kafka_resp_err_t>(error),
                                                  reason);
}

rd_kafka_topic_t* Producer::Topic(const std::string& topic) {
  auto it = topics_.find(topic);
  if (it == topics_.end()) {
    it = topics_
             .emplace(topic, TopicHandle(rd_kafka_topic_new(handle_.get(), topic.c_str(), nullptr)))
             .first;
  }
  return it->second.get();
}

Status Producer::Produce(const std::string& topic, std::optional<std::string_view> key,
                         std::string_view value) {
  rd_kafka_topic_t* handle_topic = Topic(topic);
  return Enqueue(topic, [&] {
    // RD_KAFKA_MSG_F_COPY: librdkafka copies, so the caller's buffers are free on return.
    const int result = rd_kafka_produce(
        handle_topic, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, const_cast<char*>(value.data()),
        value.size(), key ? key->data() : nullptr, key ? key->size() : 0, nullptr);
    return result == 0 ? RD_KAFKA_RESP_ERR_NO_ERROR : rd_kafka_last_error();
  });
}

Status Producer::Produce(const std::string& topic, const OutgoingMessage& message) {
  return Enqueue(topic, [&] {
    rd_kafka_headers_t* headers = nullptr;
    if (!message.headers.empty()) {
      headers = rd_kafka_headers_new(message.headers.size());
      for (const auto& [name, value] : message.headers) {
        rd_kafka_header_add(headers, name.data(), static_cast<ssize_t>(name.size()), value.data(),
                            static_cast<ssize_t>(value.size()));
      }
    }
    // librdkafka's macros cast their arguments unparenthesised: plain values only.
    const void* key = message.key ? message.key->data() : nullptr;
    const size_t key_size = message.key ? message.key->size() : 0;
    void* value = const_cast<char*>(message.value.data());
    const size_t value_size = message.value.size();
    rd_kafka_resp_err_t error = rd_kafka_producev(
        handle_.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(message.partition),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_VALUE(value, value_size),
        RD_KAFKA_V_KEY(key, key_size), RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_END);
    // The headers belong to the message once it is queued, and are still ours when it is not.
    if (error != RD_KAFKA_RESP_ERR_NO_ERROR && headers != nullptr) {
      rd_kafka_headers_destroy(headers);
    }
    return error;
  });
}

Status Producer::Enqueue(const std::string& topic,
                         const std::function<rd_kafka_resp_err_t()>& attempt) {
  if (!delivery_error_.ok()) return delivery_error_;
  Clock::time_point deadline{};
  while (true) {
    const rd_kafka_resp_err_t error = attempt();
    if (error == RD_KAFKA_RESP_ERR_NO_ERROR) break;
    if (error != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      return IoError("kafka: cannot produce to topic '{}': {}", topic, rd_kafka_err2str(error));
    }
    if (deadline == Clock::time_point{}) deadline = Clock::now() + options_.timeout;
    if (Clock::now() >= deadline) {
      return IoError("kafka: the producer's queue stayed full for {}{}",
                     FormatSeconds(options_.timeout), ProblemSuffix(errors_));
    }
    rd_kafka_poll(handle_.get(), kQueueFullWaitMs);  // deliveries make room
  }
  if (++produced_since_poll_ >= kPollEveryMessages) {
    produced_since_poll_ = 0;
    rd_kafka_poll(handle_.get(), 0);
  }
  return delivery_error_;
}

Status Producer::Flush(std::chrono::milliseconds timeout) {
  rd_kafka_resp_err_t error = rd_kafka_flush(handle_.get(), TimeoutMs(timeout));
  if (error == RD_KAFKA_RESP_ERR__TIMED_OUT) {
    return IoError("kafka: {} messages still undelivered after {}{}",
                   rd_kafka_outq_len(handle_.get()), FormatSeconds(timeout),
                   ProblemSuffix(errors_));
  }
  return delivery_error_;
}

Status Producer::TransactionError(std::string_view what, rd_kafka_error_t* raw) {
  ErrorHandle error(raw);
  const std::string message = rd_kafka_error_string(error.get());
  const rd_kafka_resp_err_t code = rd_kafka_error_code(error.get());
  if (code == RD_KAFKA_RESP_ERR__FENCED || code == RD_KAFKA_RESP_ERR_PRODUCER_FENCED ||
      code == RD_KAFKA_RESP_ERR_INVALID_PRODUCER_EPOCH) {
    in_transaction_ = false;
    return IoError("kafka: {}: fenced by a newer producer with transactional id '{}' ({})", what,
                   options_.transactional_id, message);
  }
  if (rd_kafka_error_is_fatal(error.get())) {
    in_transaction_ = false;
    return IoError("kafka: {}: {} (fatal: the producer must be recreated)", what, message);
  }
  if (rd_kafka_error_txn_requires_abort(error.get())) {
    Status aborted = AbortTransaction();
    return IoError("kafka: {}: {}; the transaction was aborted{}", what, message,
                   aborted.ok() ? "" : fmt::format(" ({})", aborted.message()));
  }
  return IoError("kafka: {}: {}{}", what, message, ProblemSuffix(errors_));
}

Status Producer::BeginTransaction() {
  if (!transactional()) return Internal("kafka: BeginTransaction on a non-transactional producer");
  if (in_transaction_) return Status::Ok();
  if (rd_kafka_error_t* error = rd_kafka_begin_transaction(handle_.get())) {
    return TransactionError("cannot begin a transaction", error);
  }
  in_transaction_ = true;
  return Status::Ok();
}

Status Producer::SendOffsetsToTransaction(const OffsetMap& offsets, const std::string& group_id) {
  if (!in_transaction_) return Internal("kafka: SendOffsetsToTransaction outside a transaction");
  if (offsets.empty()) return Status::Ok();
  PartitionList list = ToPartitionList(offsets);
  GroupMetadataHandle group(rd_kafka_consumer_group_metadata_new(group_id.c_str()));
  if (rd_kafka_error_t* error = rd_kafka_send_offsets_to_transaction(
          handle_.get(), list.get(), group.get(), TimeoutMs(options_.timeout))) {
    return TransactionError(
        fmt::format("cannot add offsets of group '{}' to the transaction", group_id), error);
  }
  return Status::Ok();
}

Status Producer::CommitTransaction() {
  if (!in_transaction_) return Internal("kafka: CommitTransaction outside a transaction");
  const Clock::time_point deadline = Clock::now() + options_.timeout;
  while (true) {
    rd_kafka_error_t* raw =
        rd_kafka_commit_transaction(handle_.get(), TimeoutMs(Remaining(deadline)));
    if (raw == nullptr) break;
    if (rd_kafka_error_is_retriable(raw) && !rd_kafka_error_txn_requires_abort(raw) &&
        !rd_kafka_error_is_fatal(raw)) {
      ErrorHandle error(raw);
      if (Clock::now() < deadline) continue;  // librdkafka resumes the same commit
      return CommitStateUnknown("kafka: the transaction's commit did not finish within {}: {}{}",
                                FormatSeconds(options_.timeout), rd_kafka_error_string(error.get()),
                                ProblemSuffix(errors_));
    }
    return TransactionError("cannot commit the transaction", raw);
  }
  in_transaction_ = false;
  return Status::Ok();
}

Status Producer::AbortTransaction() {
  if (!in_transaction_) return Status::Ok();
  const Clock::time_point deadline = Clock::now() + options_.timeout;
  while (true) {
    rd_kafka_error_t* raw =
        rd_kafka_abort_transaction(handle_.get(), TimeoutMs(Remaining(deadline)));
    if (raw == nullptr) break;
    ErrorHandle error(raw);
    if (rd_kafka_error_is_retriable(raw) && Clock::now() < deadline) continue;
    if (rd_kafka_error_is_fatal(raw)) in_transaction_ = false;
    return IoError("kafka: cannot abort the transaction: {}{}", rd_kafka_error_string(raw),
                   ProblemSuffix(errors_));
  }
  in_transaction_ = false;
  delivery_error_ = Status::Ok();  // failures of aborted messages do not matter any more
  return Status::Ok();
}

Result<int32_t> Producer::PartitionCount(const std::string& topic) {
  auto partitions = PartitionsOf(handle_.get(), {topic}, options_.timeout);
  if (!partitions.ok()) {
    rd_kafka_poll(handle_.get(), 0);  // serve the error callbacks: they say why
    if (partitions.status().IsNotFound()) return partitions.status();
    return IoError("{}{}", partitions.status().message(), ProblemSuffix(errors_));
  }
  return static_cast<int32_t>(partitions->size());
}

Result<OffsetMap> CommittedGroupOffsets(const std::string& bootstrap_servers,
                                        const std::map<std::string, std::string>& properties,
                                        const std::string& group_id,
                                        const std::vector<std::string>& topics,
                                        std::chrono::milliseconds timeout) {
  FLOE_ASSIGN_OR_RAISE(auto group, GroupOffsets::Make(bootstrap_servers, properties, group_id));
  return group->Committed(topics, timeout);
}

Status CommitGroupOffsets(const std::string& bootstrap_servers,
                          const std::map<std::string, std::string>& properties,
                          const std::string& group_id, const OffsetMap& offsets,
                          std::chrono::milliseconds timeout) {
  FLOE_ASSIGN_OR_RAISE(auto group, GroupOffsets::Make(bootstrap_servers, properties, group_id));
  return group->Commit(offsets, timeout);
}

}  // namespace floe::kafka
