#include "stream/source/kafka_source.h"

#include <charconv>

#include "format/json/temporal.h"

namespace floe::stream {

Result<std::unique_ptr<KafkaSource>> KafkaSource::Open(KafkaSourceOptions options,
                                                       PartitionListener* listener) {
  auto source = std::unique_ptr<KafkaSource>(new KafkaSource(std::move(options), listener));
  FLOE_ASSIGN_OR_RAISE(source->consumer_,
                       kafka::Consumer::Make(source->options_.consumer, source.get()));
  return source;
}

Result<bool> KafkaSource::Next(std::chrono::milliseconds timeout, SourceChunk* chunk) {
  chunk->Clear();
  if (next_partition_ >= batch_.partitions().size()) {
    next_partition_ = 0;
    FLOE_RETURN_IF_ERROR(consumer_->Poll(timeout, options_.max_batch_messages, &batch_));
    if (batch_.empty()) return true;
  }
  const kafka::PartitionMessages& messages = batch_.partitions()[next_partition_++];
  chunk->partition = messages.partition;
  const size_t count = messages.messages.size();
  chunk->payloads.reserve(count);
  chunk->offsets.reserve(count);
  chunk->timestamps_ms.reserve(count);
  chunk->keys.reserve(count);
  chunk->headers.reserve(count);
  for (const kafka::Message& message : messages.messages) {
    chunk->payloads.push_back(message.payload);
    chunk->offsets.push_back(message.offset);
    chunk->timestamps_ms.push_back(message.timestamp_ms);
    chunk->keys.push_back(message.has_key ? std::optional(message.key) : std::nullopt);
    chunk->headers.push_back(&message.headers);
    chunk->bytes += message.payload.size();
  }
  chunk->next_offset = count == 0 ? 0 : messages.messages.back().offset + 1;
  return true;
}

Status ParseStartOffsets(const std::string& text, kafka::ConsumerOptions* options) {
  if (text == "earliest") {
    options->start = kafka::StartMode::kEarliest;
  } else if (text == "latest") {
    options->start = kafka::StartMode::kLatest;
  } else if (text == "committed") {
    options->start = kafka::StartMode::kCommitted;
  } else {
    int64_t millis = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), millis);
    if (error != std::errc() || end != text.data() + text.size()) {
      auto micros = json::ParseTimestamp(text, json::TimeUnit::kMicros, json::ZoneRule::kOptional);
      if (!micros.ok()) {
        return InvalidArgument(
            "start_offsets '{}': expected earliest, latest, committed, an ISO-8601 time or "
            "milliseconds since the epoch ({})",
            text, micros.status().message());
      }
      millis = *micros / 1000;
    }
    options->start = kafka::StartMode::kTimestamp;
    options->start_timestamp_ms = millis;
  }
  return Status::Ok();
}

}  // namespace floe::stream
