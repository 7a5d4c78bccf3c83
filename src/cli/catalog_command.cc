#include "cli/catalog_command.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "catalog_server/catalog_server.h"
#include "catalog_server/server_config.h"
#include "cli/signal_watcher.h"
#include "iceberg/catalog/sql_connection.h"

namespace floe::cli {

namespace {

std::string DatabaseForLog(const std::string& url) {
  // A PostgreSQL URL may carry a password.
  return iceberg::sql::IsPostgresUrl(url) ? std::string("postgresql") : url;
}

}  // namespace

Status ApplyCatalogConfig(CatalogServeOptions& options, const CLI::App& serve) {
  if (options.config.empty()) return Status::Ok();
  FLOE_ASSIGN_OR_RAISE(catalog_server::ServerConfig config,
                       catalog_server::LoadServerConfig(options.config));
  auto given = [&serve](const char* flag) { return serve.count(flag) > 0; };
  if (config.realm) options.realm = *config.realm;
  if (config.allowed_locations) options.allowed_locations = *config.allowed_locations;
  if (config.database && !given("--database")) options.database = *config.database;
  if (config.host && !given("--host")) options.host = *config.host;
  if (config.port && !given("--port")) options.port = *config.port;
  if (config.token_ttl_seconds && !given("--token-ttl-seconds")) {
    options.token_ttl_seconds = *config.token_ttl_seconds;
  }
  return Status::Ok();
}

int RunCatalogServe(const CatalogServeOptions& options, Logger& logger) {
  auto fail = [&logger](const Status& status) {
    logger.Error(status);
    return kExitError;
  };
  catalog_server::CatalogServerOptions server_options;
  server_options.host = options.host;
  server_options.port = options.port;
  server_options.database_url = options.database;
  server_options.token_ttl_seconds = options.token_ttl_seconds;
  server_options.realm = options.realm;
  server_options.allowed_locations = options.allowed_locations;
  server_options.logger = &logger;
  if (!options.bootstrap_credentials.empty()) {
    Result<catalog_server::ClientCredentials> credentials =
        catalog_server::ParseBootstrapCredentials(options.bootstrap_credentials);
    if (!credentials.ok()) return fail(credentials.status());
    logger.AddSecret(credentials->client_secret);
    server_options.bootstrap = std::move(*credentials);
  } else if (const char* polaris = std::getenv("POLARIS_BOOTSTRAP_CREDENTIALS")) {
    Result<catalog_server::ClientCredentials> credentials =
        catalog_server::ParseBootstrapCredentials(polaris);
    if (!credentials.ok()) {
      return fail(credentials.status().WithContext("POLARIS_BOOTSTRAP_CREDENTIALS"));
    }
    logger.AddSecret(credentials->client_secret);
    server_options.bootstrap = std::move(*credentials);
  }

  // SIGINT and SIGTERM stop the server; they are blocked before the server's worker threads
  // exist (they inherit the mask) and taken by the watcher once the server is bound.
  SignalWatcher signals;

  Result<std::unique_ptr<catalog_server::CatalogServer>> server =
      catalog_server::CatalogServer::Make(server_options);
  if (!server.ok()) return fail(server.status());
  Result<int> port = (*server)->Bind();
  if (!port.ok()) return fail(port.status());
  logger.Info(fmt::format("catalog: listening on http://{}:{} (database {})", options.host, *port,
                          DatabaseForLog(options.database)));

  catalog_server::CatalogServer* raw = server->get();
  signals.Watch([raw] { raw->Stop(); });
  Status served = (*server)->Serve();
  signals.Stop();  // no signal reaches the server once it is gone
  if (!served.ok()) return fail(served);
  logger.Info("catalog: stopped");
  return 0;
}

void RegisterCatalogCommand(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<CatalogServeOptions>();
  CLI::App* catalog = app.add_subcommand("catalog", "Run floe's Iceberg REST catalog server");
  catalog->require_subcommand(1);
  CLI::App* serve = catalog->add_subcommand(
      "serve",
      "Serve the Iceberg REST API under /api/catalog and a Polaris-compatible management API "
      "under /api/management/v1, with OAuth2 client credentials");
  serve->add_option("--port", options->port, "Port to listen on (0: any free port)")
      ->capture_default_str();
  serve->add_option("--host", options->host, "Address to listen on")->capture_default_str();
  serve
      ->add_option("--database", options->database,
                   "Catalog database: sqlite:PATH or postgresql://user@host:port/db")
      ->capture_default_str();
  serve->add_option("--bootstrap-credentials", options->bootstrap_credentials,
                    "Credentials of the root principal, CLIENT_ID:SECRET (default: "
                    "$POLARIS_BOOTSTRAP_CREDENTIALS=realm,client_id,secret)");
  serve
      ->add_option("--token-ttl-seconds", options->token_ttl_seconds,
                   "Lifetime of the bearer tokens it issues")
      ->capture_default_str();
  serve->add_option("--config", options->config,
                    "Server configuration (YAML): realm, database, allowed-locations, host, port, "
                    "token-ttl-seconds; flags given explicitly win");
  serve->callback([&context, options, serve] {
    Status configured = ApplyCatalogConfig(*options, *serve);
    if (!configured.ok()) {
      // A bad configuration file is wrong input, as a bad job file is.
      PrintErrorMessage(std::cerr, configured.message());
      context.exit_code = kExitUsage;
      return;
    }
    context.exit_code = RunCatalogServe(*options, *context.logger);
  });
}

}  // namespace floe::cli
