#include "stream/offsets_json.h"

#include <charconv>
#include <nlohmann/json.hpp>

namespace floe::stream {

namespace {

Status ParseTopic(const std::string& topic, const nlohmann::json& partitions, OffsetMap* out) {
  if (!partitions.is_object()) {
    return Corrupt("offsets of topic '{}' are not an object of partition → offset: {}", topic,
                   partitions.dump());
  }
  for (const auto& [key, offset] : partitions.items()) {
    int32_t partition = 0;
    auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), partition);
    if (error != std::errc() || end != key.data() + key.size() || partition < 0) {
      return Corrupt("topic '{}': partition '{}' is not a partition number", topic, key);
    }
    if (!offset.is_number_integer()) {
      return Corrupt("topic '{}' partition {}: offset is not an integer: {}", topic, partition,
                     offset.dump());
    }
    (*out)[TopicPartition{topic, partition}] = offset.get<int64_t>();
  }
  return Status::Ok();
}

}  // namespace

nlohmann::json OffsetsToJsonValue(const OffsetMap& offsets) {
  nlohmann::json json = nlohmann::json::object();
  for (const auto& [partition, offset] : offsets) {
    json[partition.topic][std::to_string(partition.partition)] = offset;
  }
  return json;
}

std::string OffsetsToJson(const OffsetMap& offsets) { return OffsetsToJsonValue(offsets).dump(); }

Result<OffsetMap> OffsetsFromJson(const std::string& text) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) return Corrupt("offsets are not a JSON object: {}", text);
  return OffsetsFromJsonValue(json);
}

Result<OffsetMap> OffsetsFromJsonValue(const nlohmann::json& json) {
  if (!json.is_object()) return Corrupt("offsets are not a JSON object: {}", json.dump());
  OffsetMap offsets;
  for (const auto& [topic, partitions] : json.items()) {
    FLOE_RETURN_IF_ERROR(ParseTopic(topic, partitions, &offsets));
  }
  return offsets;
}

OffsetMap MergeOffsets(OffsetMap base, const OffsetMap& update) {
  for (const auto& [partition, offset] : update) base[partition] = offset;
  return base;
}

}  // namespace floe::stream
