#pragma once

// `floe catalog serve`: runs floe's Iceberg REST catalog server until SIGINT or SIGTERM.

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "common/result.h"

namespace floe::cli {

struct CatalogServeOptions {
  std::string host = "127.0.0.1";
  int port = 8181;
  std::string database = "sqlite:floe-catalog.db";
  std::string bootstrap_credentials;  // CLIENT_ID:SECRET; else $POLARIS_BOOTSTRAP_CREDENTIALS
  int64_t token_ttl_seconds = 3600;
  /// --config FILE (catalog_server/server_config.h): realm, database, allowed locations, ...
  std::string config;
  std::string realm = "default-realm";
  std::vector<std::string> allowed_locations;
};

/// Fills in what the file `options.config` sets and no flag on `serve` gave explicitly;
/// kInvalidArgument "FILE:LINE:COL: key: message" for a bad file.
Status ApplyCatalogConfig(CatalogServeOptions& options, const CLI::App& serve);

/// Serves until a signal; returns the exit code. Messages go to `err` (never a secret).
int RunCatalogServe(const CatalogServeOptions& options, Logger& logger);

/// Adds `floe catalog serve` with its options.
void RegisterCatalogCommand(CLI::App& app, CommandContext& context);

}  // namespace floe::cli
