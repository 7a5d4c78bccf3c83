#include "catalog_server/server_config.h"

#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <limits>
#include <sstream>

namespace floe::catalog_server {

namespace {

constexpr std::array<std::string_view, 6> kKeys = {"realm", "database", "allowed-locations",
                                                   "host",  "port",     "token-ttl-seconds"};

/// "FILE:LINE:COL: key: message" at `node`.
Status ErrorAt(const std::string& path, const YAML::Node& node, std::string_view key,
               std::string_view message) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return InvalidArgument("{}: {}: {}", path, key, message);
  return InvalidArgument("{}:{}:{}: {}: {}", path, mark.line + 1, mark.column + 1, key, message);
}

Result<std::string> Text(const std::string& path, const YAML::Node& node, std::string_view key) {
  if (!node.IsScalar() || node.Scalar().empty()) {
    return ErrorAt(path, node, key, "expected a non-empty string");
  }
  return node.Scalar();
}

Result<int64_t> Integer(const std::string& path, const YAML::Node& node, std::string_view key,
                        int64_t min, int64_t max) {
  int64_t value = 0;
  if (!node.IsScalar() || !YAML::convert<int64_t>::decode(node, value) || value < min ||
      value > max) {
    return ErrorAt(path, node, key, fmt::format("expected an integer from {} to {}", min, max));
  }
  return value;
}

Status ReadKey(const std::string& path, const std::string& key, const YAML::Node& value,
               ServerConfig& config) {
  if (key == "realm") {
    FLOE_ASSIGN_OR_RAISE(config.realm, Text(path, value, key));
  } else if (key == "database") {
    FLOE_ASSIGN_OR_RAISE(config.database, Text(path, value, key));
  } else if (key == "host") {
    FLOE_ASSIGN_OR_RAISE(config.host, Text(path, value, key));
  } else if (key == "port") {
    FLOE_ASSIGN_OR_RAISE(int64_t port, Integer(path, value, key, 0, 65535));
    config.port = static_cast<int>(port);
  } else if (key == "token-ttl-seconds") {
    FLOE_ASSIGN_OR_RAISE(config.token_ttl_seconds,
                         Integer(path, value, key, 1, std::numeric_limits<int32_t>::max()));
  } else if (key == "allowed-locations") {
    if (!value.IsSequence()) return ErrorAt(path, value, key, "expected a list of locations");
    std::vector<std::string> locations;
    for (size_t i = 0; i < value.size(); ++i) {
      FLOE_ASSIGN_OR_RAISE(std::string location,
                           Text(path, value[i], fmt::format("{}[{}]", key, i)));
      locations.push_back(std::move(location));
    }
    config.allowed_locations = std::move(locations);
  }
  return Status::Ok();
}

}  // namespace

Result<ServerConfig> ParseServerConfig(const std::string& text, const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return InvalidArgument("{}:{}:{}: {}", path, e.mark.line + 1, e.mark.column + 1, e.msg);
  }
  ServerConfig config;
  if (!root.IsDefined() || root.IsNull()) return config;
  if (!root.IsMap()) return ErrorAt(path, root, "(top level)", "expected a map of settings");
  for (const auto& entry : root) {
    const std::string key = entry.first.Scalar();
    if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end()) {
      return ErrorAt(path, entry.first, key,
                     fmt::format("unknown setting (expected one of {})", fmt::join(kKeys, ", ")));
    }
    FLOE_RETURN_IF_ERROR(ReadKey(path, key, entry.second, config));
  }
  return config;
}

Result<ServerConfig> LoadServerConfig(const std::string& path) {
  std::ifstream in(path);
  if (!in) return InvalidArgument("{}: cannot read the server configuration", path);
  std::stringstream text;
  text << in.rdbuf();
  return ParseServerConfig(text.str(), path);
}

}  // namespace floe::catalog_server
