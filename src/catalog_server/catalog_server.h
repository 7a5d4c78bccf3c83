#pragma once

// `floe catalog serve`: an Iceberg REST catalog server (the REST API under /api/catalog,
// Polaris's management API under /api/management/v1, health at /q/health and /healthz,
// Prometheus metrics at /metrics),
// storing its tables in the SQL catalog on SQLite or PostgreSQL, authenticating clients with
// OAuth2 client credentials and signed bearer tokens, and authorizing every request with
// Polaris's access model (access_store.h, authorizer.h).

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "catalog_server/access_store.h"
#include "catalog_server/authorizer.h"
#include "catalog_server/route_context.h"
#include "catalog_server/server_metrics.h"
#include "catalog_server/server_store.h"
#include "catalog_server/token_issuer.h"
#include "common/logger.h"
#include "common/result.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace floe::catalog_server {

struct CatalogServerOptions {
  std::string host = "127.0.0.1";
  /// 0: any free port (Bind() says which).
  int port = 8181;
  /// "sqlite:PATH" or "postgresql://...".
  std::string database_url = "sqlite:floe-catalog.db";
  /// Made (or reset) as principal "root" at start-up.
  std::optional<ClientCredentials> bootstrap;
  int64_t token_ttl_seconds = 3600;
  /// Larger request bodies are refused with 413 before they are read.
  size_t max_body_bytes = size_t{8} << 20;
  /// Requests served at once; the catalog's database serializes their commits.
  int threads = 8;
  /// Polaris's realm: a request naming another one (header Polaris-Realm) is refused.
  std::string realm = "default-realm";
  /// Where catalogs may keep their tables; empty: anywhere.
  std::vector<std::string> allowed_locations;
  /// Where failed requests are logged (method, path, status); not owned, must outlive the
  /// server. nullptr: standard error as text.
  Logger* logger = nullptr;
};

/// Reads Polaris's POLARIS_BOOTSTRAP_CREDENTIALS form "realm,client_id,secret" (the realm is
/// ignored) or floe's "client_id:secret".
Result<ClientCredentials> ParseBootstrapCredentials(std::string_view text);

/// Thread safety: Stop() may be called from any thread (a signal-watching one) while Serve()
/// runs; the handlers run on the server's own worker threads.
class CatalogServer {
  struct MakeToken {
    explicit MakeToken() = default;
  };

 public:
  /// Opens the database, creates the bootstrap principal (root, in role service_admin), and
  /// prepares the routes.
  static Result<std::unique_ptr<CatalogServer>> Make(CatalogServerOptions options);
  CatalogServer(MakeToken, CatalogServerOptions options, std::unique_ptr<ServerStore> store,
                std::unique_ptr<AccessStore> access, std::unique_ptr<TokenIssuer> issuer,
                std::unique_ptr<ServerMetrics> metrics);
  ~CatalogServer();
  CatalogServer(const CatalogServer&) = delete;
  CatalogServer& operator=(const CatalogServer&) = delete;

  /// Binds the listening socket; returns the port.
  Result<int> Bind();
  /// Serves until Stop(). Call after Bind(), once.
  Status Serve();
  /// Makes Serve() return, also when it has not started listening yet.
  void Stop();

 private:
  /// Server-wide handlers (authentication gate, errors, log) and every route group. Route
  /// groups are `InstallXRoutes(http, context_)` functions: a new group is one more call here.
  void InstallRoutes();
  void InstallHealthRoutes();
  /// GET /metrics, and the request log that feeds it and the warning log.
  void InstallMetricsRoutes();

  const CatalogServerOptions options_;
  std::unique_ptr<ServerStore> store_;
  std::unique_ptr<AccessStore> access_;
  std::unique_ptr<TokenIssuer> issuer_;
  std::unique_ptr<ServerMetrics> metrics_;
  Authorizer authorizer_;
  RouteContext context_;
  std::unique_ptr<httplib::Server> server_;
  // Stop() and Serve() may race (a signal at start-up): httplib's stop() does nothing before
  // listening starts, so both sides check these.
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> serve_entered_{false};
  std::atomic<bool> serve_finished_{false};
};

}  // namespace floe::catalog_server
