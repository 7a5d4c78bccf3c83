#pragma once

// Small helpers over librdkafka's metadata and timeouts, shared by the clients of this module.

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <string>
#include <vector>

#include "common/offsets.h"
#include "common/result.h"

namespace floe::kafka {

/// A timeout as librdkafka's int milliseconds (negative becomes 0, huge becomes INT32_MAX).
int TimeoutMs(std::chrono::milliseconds timeout);

/// Every partition of `topics`, asking a broker. NotFound "kafka: topic 'x' does not exist".
Result<std::vector<TopicPartition>> PartitionsOf(rd_kafka_t* handle,
                                                 const std::vector<std::string>& topics,
                                                 std::chrono::milliseconds timeout);

}  // namespace floe::kafka
