#include "stream/sink/kafka_sink.h"

#include <cstring>

#include "common/fault.h"
#include "stream/json_fields.h"
#include "stream/offsets_json.h"
#include "stream/window/watermark_header.h"
#include "stream/window/window_state.h"

namespace floe::stream {

KafkaSink::KafkaSink(KafkaSinkOptions options, json::RowEncoder encoder,
                     std::unique_ptr<BoundExpression> key,
                     std::unique_ptr<kafka::Producer> producer,
                     std::unique_ptr<kafka::GroupOffsets> group, OffsetMap offsets,
                     int32_t partitions)
    : options_(std::move(options)),
      encoder_(std::move(encoder)),
      key_(std::move(key)),
      producer_(std::move(producer)),
      group_(std::move(group)),
      offsets_(std::move(offsets)),
      partitions_(partitions) {}

KafkaSink::~KafkaSink() = default;  // the producer drops what was not committed

std::string KafkaSink::Where() const {
  return fmt::format("sink '{}' (kafka topic '{}')", options_.name, options_.topic);
}

Result<std::unique_ptr<KafkaSink>> KafkaSink::Open(const iceberg::Schema& input_schema,
                                                   KafkaSinkOptions options) {
  const std::string where =
      fmt::format("sink '{}' (kafka topic '{}')", options.name, options.topic);
  if (options.topic.empty()) return InvalidArgument("sink '{}': no kafka topic", options.name);
  if (options.bootstrap_servers.empty()) {
    return InvalidArgument("{}: no bootstrap servers", where);
  }
  if (options.offsets_group.empty()) {
    return InvalidArgument("{}: no consumer group for the sink's offsets", where);
  }
  if (options.repartition) {
    const KafkaRepartition& repartition = *options.repartition;
    if (!options.transactional || !options.key_expression.empty() || !repartition.route ||
        repartition.event_time_column < 0 ||
        static_cast<size_t>(repartition.event_time_column) >= input_schema.fields().size()) {
      return InvalidArgument(
          "{}: a repartition topic is written transactionally, without a key expression, with "
          "a router and an event-time column of its rows",
          where);
    }
  }
  auto fields = JsonFieldsFor(input_schema);
  if (!fields.ok()) return fields.status().WithContext(where);
  FLOE_ASSIGN_OR_RAISE(json::RowEncoder encoder, json::RowEncoder::Make(std::move(*fields)));

  std::unique_ptr<BoundExpression> key;
  if (!options.key_expression.empty()) {
    // Bound as written first, so that errors point into the user's text.
    auto bound = BoundExpression::Bind(options.key_expression, input_schema);
    if (!bound.ok()) return bound.status().WithContext(fmt::format("{}: key", where));
    if ((*bound)->type().id() == iceberg::TypeId::kString) {
      key = std::move(*bound);
    } else {
      auto cast = BoundExpression::Bind(fmt::format("CAST(({}) AS string)", options.key_expression),
                                        input_schema);
      if (!cast.ok()) return cast.status().WithContext(fmt::format("{}: key", where));
      key = std::move(*cast);
    }
  }

  kafka::ProducerOptions producer_options;
  producer_options.bootstrap_servers = options.bootstrap_servers;
  producer_options.client_id = fmt::format("floe-{}", options.name);
  producer_options.properties = options.properties;
  producer_options.timeout = options.timeout;
  if (options.transactional) {
    producer_options.transactional_id =
        options.transactional_id.empty() ? options.offsets_group : options.transactional_id;
  }
  auto producer = kafka::Producer::Make(std::move(producer_options));
  if (!producer.ok()) return producer.status().WithContext(where);
  auto partitions = (*producer)->PartitionCount(options.topic);
  if (!partitions.ok()) return partitions.status().WithContext(where);

  auto group = kafka::GroupOffsets::Make(options.bootstrap_servers, options.properties,
                                         options.offsets_group);
  if (!group.ok()) return group.status().WithContext(where);
  auto offsets = (*group)->Committed(options.source_topics, options.timeout);
  if (!offsets.ok()) return offsets.status().WithContext(where);

  return std::unique_ptr<KafkaSink>(
      new KafkaSink(std::move(options), std::move(encoder), std::move(key), std::move(*producer),
                    std::move(*group), std::move(*offsets), *partitions));
}

Status KafkaSink::Write(const RecordBatch& batch, Selection selection) {
  if (closed_) return Internal("{}: Write after Close", Where());
  if (selection.count == 0) return Status::Ok();
  if (options_.transactional && !producer_->in_transaction()) {
    FLOE_RETURN_IF_ERROR_CTX(producer_->BeginTransaction(), Where());
  }
  if (key_ != nullptr) {
    FLOE_RETURN_IF_ERROR_CTX(key_->Evaluate(batch, selection, eval_context_, &keys_),
                             fmt::format("{}: key", Where()));
  }
  std::vector<const ColumnVector*> columns;
  columns.reserve(batch.columns.size());
  for (const ColumnVector& column : batch.columns) columns.push_back(&column);
  // One encoding pass for the batch; each row ends at its '\n' (JSON escapes those in values).
  encoded_.clear();
  FLOE_RETURN_IF_ERROR_CTX(encoder_.EncodeLines(columns, selection, &encoded_), Where());
  if (options_.repartition) return ProduceRepartitioned(batch, selection);
  const char* row_start = encoded_.data();
  const char* const end = encoded_.data() + encoded_.size();
  for (size_t i = 0; i < selection.count; ++i) {
    const char* row_end = static_cast<const char*>(std::memchr(row_start, '\n', end - row_start));
    if (row_end == nullptr) return Internal("{}: encoded rows out of step", Where());
    std::optional<std::string_view> key;
    if (key_ != nullptr) {
      const size_t row = selection.Row(i);
      if (!keys_.IsNull(row)) key = keys_.GetBytes(row);
    }
    FLOE_RETURN_IF_ERROR_CTX(
        producer_->Produce(options_.topic, key,
                           std::string_view(row_start, static_cast<size_t>(row_end - row_start))),
        Where());
    row_start = row_end + 1;
  }
  rows_written_ += static_cast<int64_t>(selection.count);
  written_since_commit_ = true;
  return Status::Ok();
}

Status KafkaSink::ProduceRepartitioned(const RecordBatch& batch, Selection selection) {
  partition_of_.resize(batch.num_rows());
  options_.repartition->route(batch, selection, static_cast<uint32_t>(partitions_),
                              partition_of_.data());
  const ColumnVector& times = batch.columns[options_.repartition->event_time_column];
  window::WatermarkHeader header;
  header.source = TopicPartition{batch.position.partition, batch.position.partition_id};
  int64_t& clock = event_clocks_.try_emplace(header.source, window::kNoTime).first->second;
  kafka::OutgoingMessage message;
  const char* row_start = encoded_.data();
  const char* const end = encoded_.data() + encoded_.size();
  std::string header_text;
  for (size_t i = 0; i < selection.count; ++i) {
    const size_t row = selection.Row(i);
    const char* row_end = static_cast<const char*>(std::memchr(row_start, '\n', end - row_start));
    if (row_end == nullptr) return Internal("{}: encoded rows out of step", Where());
    if (!times.IsNull(row)) clock = std::max(clock, times.Value<int64_t>(row));
    header.max_event_micros = clock;
    header.EncodeTo(&header_text);
    message.partition = static_cast<int32_t>(partition_of_[row]);
    message.value = std::string_view(row_start, static_cast<size_t>(row_end - row_start));
    message.headers = {{window::kWatermarkHeader, header_text}};
    FLOE_RETURN_IF_ERROR_CTX(producer_->Produce(options_.topic, message), Where());
    row_start = row_end + 1;
  }
  rows_written_ += static_cast<int64_t>(selection.count);
  written_since_commit_ = true;
  return Status::Ok();
}

Status KafkaSink::ProduceWatermarks() {
  kafka::OutgoingMessage message;
  message.value = "{}";
  std::string header_text;
  announcing_.clear();
  for (const auto& [source, clock] : event_clocks_) {
    auto announced = announced_clocks_.find(source);
    if (announced != announced_clocks_.end() && announced->second >= clock) continue;
    window::WatermarkHeader header{source, clock, /*watermark_only=*/true};
    header.EncodeTo(&header_text);
    message.headers = {{window::kWatermarkHeader, header_text}};
    for (int32_t partition = 0; partition < partitions_; ++partition) {
      message.partition = partition;
      FLOE_RETURN_IF_ERROR_CTX(producer_->Produce(options_.topic, message), Where());
    }
    announcing_[source] = clock;
  }
  return Status::Ok();
}

Status KafkaSink::Commit(const CheckpointInfo& checkpoint) {
  if (closed_) return Internal("{}: Commit after Close", Where());
  const OffsetMap merged = MergeOffsets(offsets_, checkpoint.offsets);
  const bool offsets_changed = merged != offsets_;
  // Only the partitions this checkpoint covers, which this worker holds: what it remembers of
  // partitions since moved to another process is stale, and storing it would move their
  // offsets back under the new owner (whose successor would then write those rows again).
  OffsetMap advanced;
  for (const auto& [partition, offset] : checkpoint.offsets) {
    auto known = offsets_.find(partition);
    if (known == offsets_.end() || known->second < offset) advanced[partition] = offset;
  }
  if (options_.transactional) {
    if (!producer_->in_transaction()) {
      if (!offsets_changed) return Status::Ok();
      FLOE_RETURN_IF_ERROR_CTX(producer_->BeginTransaction(), Where());
    }
    if (options_.repartition) FLOE_RETURN_IF_ERROR(ProduceWatermarks());
    if (offsets_changed) {
      FLOE_RETURN_IF_ERROR_CTX(
          producer_->SendOffsetsToTransaction(advanced, options_.offsets_group), Where());
    }
    FaultPoint("before-kafka-transaction-commit");
    FLOE_RETURN_IF_ERROR_CTX(producer_->CommitTransaction(), Where());
  } else {
    if (written_since_commit_)
      FLOE_RETURN_IF_ERROR_CTX(producer_->Flush(options_.timeout), Where());
    if (offsets_changed) {
      FLOE_RETURN_IF_ERROR_CTX(group_->Commit(advanced, options_.timeout), Where());
    }
  }
  offsets_ = std::move(merged);
  // Announced once committed: an aborted transaction's watermark messages are sent again.
  for (const auto& [source, clock] : announcing_) announced_clocks_[source] = clock;
  announcing_.clear();
  written_since_commit_ = false;
  return Status::Ok();
}

Status KafkaSink::Close() {
  if (closed_) return Status::Ok();
  closed_ = true;
  written_since_commit_ = false;
  // Uncommitted rows are discarded: an aborted transaction's messages are never visible to
  // read_committed consumers. (Without transactions, what was produced may still arrive.)
  if (!options_.transactional) return Status::Ok();
  Status aborted = producer_->AbortTransaction();
  if (!aborted.ok() && options_.warn) {
    // librdkafka can fail an abort with INVALID_TXN_STATE (confluentinc/librdkafka#4849). The
    // rows stay invisible all the same: the broker aborts the open transaction when this
    // transactional id starts again (InitProducerId fences it) or after its timeout.
    options_.warn(
        fmt::format("{}: {}; the broker aborts the open transaction when this sink "
                    "starts again, or after transaction.timeout.ms",
                    Where(), aborted.message()));
  }
  return Status::Ok();
}

Result<OffsetMap> KafkaSink::CommittedOffsets() {
  auto stored = group_->Committed(options_.source_topics, options_.timeout);
  if (!stored.ok()) return stored.status().WithContext(Where());
  // Offsets only move forward; keep the larger of what the group says and what this sink
  // committed itself (a transactional commit may not show in the group at once).
  for (const auto& [partition, offset] : *stored) {
    auto [entry, inserted] = offsets_.try_emplace(partition, offset);
    if (!inserted && offset > entry->second) entry->second = offset;
  }
  return offsets_;
}

}  // namespace floe::stream
