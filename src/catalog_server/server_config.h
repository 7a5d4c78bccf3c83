#pragma once

// The file `floe catalog serve --config FILE` reads (YAML): what Polaris configures per
// deployment. Every key is optional; a command-line flag given explicitly wins over the file.
//
//   realm: default-realm          # requests naming another realm (Polaris-Realm header) are 400
//   database: sqlite:/var/lib/floe/catalog.db   # or postgresql://user@host:port/db
//   allowed-locations:            # where catalogs may keep tables (default: anywhere)
//     - s3://lakehouse
//     - file:///data/warehouse
//   host: 127.0.0.1
//   port: 8181
//   token-ttl-seconds: 3600
//
// Errors name the place: "FILE:LINE:COL: key.path: message" (1-based), kInvalidArgument.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace floe::catalog_server {

struct ServerConfig {
  std::optional<std::string> realm;
  std::optional<std::string> database;
  std::optional<std::vector<std::string>> allowed_locations;
  std::optional<std::string> host;
  std::optional<int> port;
  std::optional<int64_t> token_ttl_seconds;
};

Result<ServerConfig> LoadServerConfig(const std::string& path);
/// The same from text (`path` names it in messages).
Result<ServerConfig> ParseServerConfig(const std::string& text, const std::string& path);

}  // namespace floe::catalog_server
