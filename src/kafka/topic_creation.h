#pragma once

// Creating a topic floe needs for itself (a window's repartition topic,
// stream/window/README.md "Across processes") when it does not exist yet, with librdkafka's
// admin API: floe's clients never create topics by accident (allow.auto.create.topics=false).

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "common/result.h"

namespace floe::kafka {

/// Creates `topic` with `partitions` partitions (the brokers' default replication) unless it
/// exists; either way returns how many partitions it has (an existing topic keeps its own
/// count: the caller decides whether that will do). Idempotent; concurrent callers (the
/// processes of one job starting together) all succeed. Errors name the topic and the
/// broker's reason (no permission to create topics, an unreachable broker).
Result<int32_t> EnsureTopic(const std::string& bootstrap_servers,
                            const std::map<std::string, std::string>& properties,
                            const std::string& topic, int32_t partitions,
                            std::chrono::milliseconds timeout);

}  // namespace floe::kafka
