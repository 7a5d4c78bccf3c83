#pragma once

// librdkafka configuration from a plain map of properties (the names of librdkafka's
// CONFIGURATION.md, e.g. "security.protocol", "sasl.username"), so that users paste what they
// already use with other Kafka clients. A bad property is reported by name with librdkafka's own
// reason; secret values are never echoed.

#include <librdkafka/rdkafka.h>

#include <map>
#include <string>
#include <string_view>

#include "common/result.h"
#include "kafka/handles.h"

namespace floe::kafka {

using Properties = std::map<std::string, std::string>;

/// True for properties whose values are secrets (passwords, keys, tokens): their values never
/// appear in messages or logs.
bool IsSecretProperty(std::string_view name);

/// Sets one property. InvalidArgument "kafka: property 'NAME': REASON" for an unknown name or a
/// bad value.
Status SetProperty(rd_kafka_conf_t* conf, const std::string& name, const std::string& value);

/// A new configuration holding every property of `properties`.
Result<ConfHandle> MakeConf(const Properties& properties);

/// The value of a property, from `properties` if the caller set it there, else `fallback`.
std::string PropertyOr(const Properties& properties, const std::string& name, std::string fallback);

/// Creates a client from `conf`, which it takes over (librdkafka owns it from then on).
Result<KafkaHandle> NewClient(rd_kafka_type_t type, ConfHandle conf);

}  // namespace floe::kafka
