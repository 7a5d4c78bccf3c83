#include "catalog_server/catalog_server.h"

#include <httplib.h>

#include <iostream>
#include <thread>

#include "catalog_server/catalog_routes.h"
#include "catalog_server/management_routes.h"
#include "catalog_server/oauth_routes.h"
#include "common/clock.h"
#include "common/metrics_text.h"
#include "iceberg/rest/rest_error.h"

namespace floe::catalog_server {

using nlohmann::json;
namespace rest = iceberg::rest;

namespace {

/// The paths that need no bearer token: the token endpoint, health and metrics (scrapers have
/// no token; the metrics name route classes and counts, nothing of the catalog's contents).
bool IsPublicPath(const std::string& path) {
  return path == kTokenPath || path == "/q/health" || path.starts_with("/q/health/") ||
         path == "/healthz" || path == "/metrics";
}

/// When the request this worker thread is answering was routed (MonotonicNanos), for its
/// latency: httplib answers a connection's requests one after another on one thread, calling
/// the pre-routing handler first and the logger last.
thread_local std::optional<int64_t> request_started_ns;

}  // namespace

Result<ClientCredentials> ParseBootstrapCredentials(std::string_view text) {
  // Polaris: "realm,client_id,secret"; floe: "client_id:secret".
  size_t first_comma = text.find(',');
  if (first_comma != std::string_view::npos) {
    size_t second_comma = text.find(',', first_comma + 1);
    if (second_comma == std::string_view::npos) {
      return InvalidArgument("bootstrap credentials: expected realm,client_id,secret");
    }
    ClientCredentials credentials{
        std::string(text.substr(first_comma + 1, second_comma - first_comma - 1)),
        std::string(text.substr(second_comma + 1))};
    if (credentials.client_id.empty() || credentials.client_secret.empty()) {
      return InvalidArgument("bootstrap credentials: empty client id or secret");
    }
    return credentials;
  }
  size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) {
    return InvalidArgument("bootstrap credentials: expected CLIENT_ID:SECRET");
  }
  return ClientCredentials{std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
}

CatalogServer::CatalogServer(MakeToken, CatalogServerOptions options,
                             std::unique_ptr<ServerStore> store,
                             std::unique_ptr<AccessStore> access,
                             std::unique_ptr<TokenIssuer> issuer,
                             std::unique_ptr<ServerMetrics> metrics)
    : options_(std::move(options)),
      store_(std::move(store)),
      access_(std::move(access)),
      issuer_(std::move(issuer)),
      metrics_(std::move(metrics)),
      authorizer_(*access_),
      context_{*store_,
               *access_,
               *issuer_,
               authorizer_,
               options_.token_ttl_seconds,
               options_.allowed_locations},
      server_(std::make_unique<httplib::Server>()) {}

CatalogServer::~CatalogServer() = default;

Result<std::unique_ptr<CatalogServer>> CatalogServer::Make(CatalogServerOptions options) {
  if (options.token_ttl_seconds <= 0) return InvalidArgument("token lifetime must be positive");
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<ServerStore> store, ServerStore::Open(options.database_url));
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<AccessStore> access,
                       AccessStore::Open(options.database_url));
  if (options.bootstrap) {
    FLOE_RETURN_IF_ERROR(access->Bootstrap(*options.bootstrap));
  } else {
    FLOE_ASSIGN_OR_RAISE(int64_t principals, access->CountPrincipals());
    if (principals == 0) {
      return InvalidArgument(
          "no principal can log in: pass --bootstrap-credentials CLIENT_ID:SECRET or set "
          "POLARIS_BOOTSTRAP_CREDENTIALS=realm,client_id,secret");
    }
  }
  // Catalogs made before the access model get their catalog_admin role.
  FLOE_ASSIGN_OR_RAISE(std::vector<CatalogEntry> catalogs, store->ListCatalogs());
  std::vector<std::string> names;
  for (const CatalogEntry& entry : catalogs) names.push_back(entry.name);
  FLOE_RETURN_IF_ERROR(access->EnsureAdminRoles(names));
  FLOE_ASSIGN_OR_RAISE(std::string key, store->SigningKey());
  auto issuer = std::make_unique<TokenIssuer>(std::move(key));
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<ServerMetrics> metrics, ServerMetrics::Make());
  auto server =
      std::make_unique<CatalogServer>(MakeToken{}, std::move(options), std::move(store),
                                      std::move(access), std::move(issuer), std::move(metrics));
  server->InstallRoutes();
  return server;
}

Result<int> CatalogServer::Bind() {
  if (options_.port == 0) {
    int port = server_->bind_to_any_port(options_.host);
    if (port <= 0) return IoError("cannot bind {}: no free port", options_.host);
    return port;
  }
  if (!server_->bind_to_port(options_.host, options_.port)) {
    return IoError("cannot bind {}:{} (in use, or not an address of this machine)", options_.host,
                   options_.port);
  }
  return options_.port;
}

Status CatalogServer::Serve() {
  serve_entered_.store(true);
  bool ok = true;
  if (!stop_requested_.load()) ok = server_->listen_after_bind();
  serve_finished_.store(true);
  if (!ok) return IoError("the catalog server stopped with an error");
  return Status::Ok();
}

void CatalogServer::Stop() {
  stop_requested_.store(true);
  if (!serve_entered_.load()) return;  // Serve() will see the request and not listen
  // Serve() has begun: wait until it listens (or has returned), then stop it.
  while (!server_->is_running() && !serve_finished_.load()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  server_->stop();
}

void CatalogServer::InstallRoutes() {
  httplib::Server& http = *server_;
  const int threads = options_.threads;
  // httplib owns the queue it gets from this factory (its API takes a raw pointer).
  http.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  http.set_payload_max_length(options_.max_body_bytes);

  // Every route but the token endpoint, health and metrics needs a valid bearer token: checked here
  // too, so that an unknown path answers 401 rather than telling what exists.
  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    // Route on a path that keeps %2F inside its segment (RoutingPath). httplib hands this
    // handler its own non-const Request as const and routes on req.path right after, so
    // changing the path here is the one way to route names that hold a '/'.
    const_cast<httplib::Request&>(req).path = RoutingPath(req.target);
    request_started_ns = MonotonicNanos();
    // Polaris serves several realms; this server serves one and says so.
    const std::string realm = req.get_header_value("Polaris-Realm");
    if (!realm.empty() && realm != options_.realm) {
      SendError(res, rest::RestError{kHttpBadRequest, "BadRequestException",
                                     fmt::format("Unknown realm: {}", realm)});
      return httplib::Server::HandlerResponse::Handled;
    }
    if (IsPublicPath(req.path)) return httplib::Server::HandlerResponse::Unhandled;
    const std::string authorization = req.get_header_value("Authorization");
    constexpr std::string_view kBearer = "Bearer ";
    if (!std::string_view(authorization).starts_with(kBearer)) {
      SendError(res, rest::RestError{kHttpUnauthorized, "NotAuthorizedException",
                                     "missing bearer token: get one from "
                                     "/api/catalog/v1/oauth/tokens"});
      return httplib::Server::HandlerResponse::Handled;
    }
    Result<TokenClaims> claims =
        issuer_->Verify(std::string_view(authorization).substr(kBearer.size()), NowMillis() / 1000);
    if (!claims.ok()) {
      SendError(res, rest::RestError{kHttpUnauthorized, "NotAuthorizedException",
                                     claims.status().message()});
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Errors that httplib raises itself (no route, body too large, bad request line) get the
  // Iceberg error JSON too.
  http.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        std::string type = res.status == kHttpNotFound      ? "NoSuchRouteException"
                           : res.status == kHttpTooLarge    ? "RequestTooLargeException"
                           : res.status >= kHttpServerError ? "ServiceFailureException"
                                                            : "BadRequestException";
        std::string message =
            res.status == kHttpNotFound   ? fmt::format("no route for {} {}", req.method, req.path)
            : res.status == kHttpTooLarge ? std::string("request body too large")
                                          : fmt::format("HTTP error {}", res.status);
        SendError(res, rest::RestError{res.status, type, message});
        return httplib::Server::HandlerResponse::Handled;
      }));
  http.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr error) {
        std::string message = "internal error";
        try {
          if (error) std::rethrow_exception(error);
        } catch (const std::exception& e) {
          message = e.what();
        } catch (...) {
          message = "unknown exception";
        }
        SendError(res, rest::RestError{kHttpServerError, "ServiceFailureException", message});
      });
  InstallHealthRoutes();
  InstallMetricsRoutes();
  InstallOAuthRoutes(http, context_);
  InstallCatalogRoutes(http, context_);
  InstallManagementRoutes(http, context_);
}

void CatalogServer::InstallMetricsRoutes() {
  server_->set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    constexpr double kNanosPerSecond = 1e9;
    const double seconds =
        request_started_ns
            ? static_cast<double>(MonotonicNanos() - *request_started_ns) / kNanosPerSecond
            : 0;
    request_started_ns.reset();
    metrics_->Record(req.method, req.path, res.status, seconds);
    // Method, path and status only: headers and bodies may carry tokens and secrets.
    if (res.status < kHttpBadRequest) return;
    const std::string line = fmt::format("catalog: {} {} -> {}", req.method, req.path, res.status);
    if (options_.logger != nullptr) {
      options_.logger->Warn(line);
    } else {
      std::cerr << "floe: warning: " << line << "\n";
    }
  });
  auto scrape = [this](const httplib::Request&, httplib::Response& res) {
    res.status = kHttpOk;
    res.set_content(metrics_->Scrape(), std::string(kPrometheusTextContentType));
  };
  server_->Get("/metrics", scrape);
}

void CatalogServer::InstallHealthRoutes() {
  // Polaris (Quarkus SmallRye Health): {"status": "UP"|"DOWN", "checks": [...]}, 503 when down.
  // Liveness is the process answering; readiness and the overall status include the database.
  auto live = [](const httplib::Request&, httplib::Response& res) {
    SendJson(res, kHttpOk, json{{"status", "UP"}, {"checks", json::array()}});
  };
  auto ready = [this](const httplib::Request&, httplib::Response& res) {
    Status database = store_->Ping();
    json check = {{"name", "database"}, {"status", database.ok() ? "UP" : "DOWN"}};
    if (!database.ok()) check["data"] = json{{"error", database.message()}};
    SendJson(res, database.ok() ? kHttpOk : kHttpUnavailable,
             json{{"status", database.ok() ? "UP" : "DOWN"}, {"checks", json::array({check})}});
  };
  server_->Get("/q/health", ready);
  server_->Get("/q/health/ready", ready);
  server_->Get(R"(/q/health/(live|started))", live);
  server_->Get("/healthz", ready);
}

}  // namespace floe::catalog_server
