#include "kafka/config.h"

#include <array>

namespace floe::kafka {

namespace {

constexpr size_t kErrorBufferSize = 512;

/// Replaces each occurrence of `secret` in `text` by "***": librdkafka quotes bad values back.
std::string Redact(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3)) {
    text.replace(at, secret.size(), "***");
  }
  return text;
}

}  // namespace

bool IsSecretProperty(std::string_view name) {
  // Every librdkafka property holding a secret has one of these words in its name
  // (sasl.password, ssl.key.password, ssl.keystore.password, ssl.key.pem,
  // sasl.oauthbearer.client.secret, sasl.oauthbearer.config, ...).
  constexpr std::array<std::string_view, 6> kSecretWords = {
      "password", "secret", "key.pem", "oauthbearer.config", "token", "ssl_key"};
  for (std::string_view word : kSecretWords) {
    if (name.find(word) != std::string_view::npos) return true;
  }
  return false;
}

Status SetProperty(rd_kafka_conf_t* conf, const std::string& name, const std::string& value) {
  std::array<char, kErrorBufferSize> error{};
  if (rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error.data(), error.size()) !=
      RD_KAFKA_CONF_OK) {
    std::string reason = error.data();
    if (IsSecretProperty(name)) reason = Redact(std::move(reason), value);
    return InvalidArgument("kafka: property '{}': {}", name, reason);
  }
  return Status::Ok();
}

Result<ConfHandle> MakeConf(const Properties& properties) {
  ConfHandle conf(rd_kafka_conf_new());
  for (const auto& [name, value] : properties) {
    FLOE_RETURN_IF_ERROR(SetProperty(conf.get(), name, value));
  }
  return conf;
}

std::string PropertyOr(const Properties& properties, const std::string& name,
                       std::string fallback) {
  auto it = properties.find(name);
  return it == properties.end() ? std::move(fallback) : it->second;
}

Result<KafkaHandle> NewClient(rd_kafka_type_t type, ConfHandle conf) {
  std::array<char, kErrorBufferSize> error{};
  rd_kafka_t* handle = rd_kafka_new(type, conf.get(), error.data(), error.size());
  if (handle == nullptr) {
    // On failure the conf is still ours (and released by `conf`).
    return InvalidArgument("kafka: cannot create the {}: {}",
                           type == RD_KAFKA_PRODUCER ? "producer" : "consumer", error.data());
  }
  static_cast<void>(conf.release());  // rd_kafka_new took it over
  return KafkaHandle(handle);
}

}  // namespace floe::kafka
