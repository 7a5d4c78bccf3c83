#include "catalog_server/catalog_server.h"

#include <httplib.h>

#include <algorithm>
#include <functional>
#include <iostream>
#include <set>
#include <thread>

#include "common/clock.h"
#include "iceberg/rest/rest_error.h"
#include "iceberg/rest/rest_messages.h"
#include "iceberg/table_metadata_json.h"

namespace floe::catalog_server {

using iceberg::LoadedTable;
using iceberg::Namespace;
using iceberg::SqlCatalog;
using iceberg::TableIdentifier;
using iceberg::TableMetadata;
using nlohmann::json;
namespace rest = iceberg::rest;

namespace {

constexpr int kOk = 200;
constexpr int kCreated = 201;
constexpr int kNoContent = 204;
constexpr int kBadRequest = 400;
constexpr int kUnauthorized = 401;
constexpr int kNotFound = 404;
constexpr int kTooLarge = 413;
constexpr int kServerError = 500;

constexpr const char* kRootPrincipal = "root";
constexpr const char* kDefaultScope = "PRINCIPAL_ROLE:ALL";
constexpr const char* kClientCredentialsGrant = "client_credentials";
constexpr const char* kTokenExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange";
constexpr const char* kAccessTokenType = "urn:ietf:params:oauth:token-type:access_token";
constexpr const char* kJsonType = "application/json";
/// A commit whose compare-and-swap lost to a commit that its requirements allow (e.g. two
/// property changes) is re-applied on the new metadata this many times.
constexpr int kMaxCasAttempts = 5;

/// What a route handler answers: a status and a JSON body (none for 204).
struct Reply {
  int status = kOk;
  json body;
};

Reply NoContent() { return Reply{kNoContent, nullptr}; }

void SendJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  if (status == kNoContent || body.is_null()) {
    res.body.clear();
    return;
  }
  res.set_content(rest::DumpJson(body), kJsonType);
}

void SendError(httplib::Response& res, const rest::RestError& error) {
  res.status = error.code;
  res.set_content(rest::RestErrorToJsonText(error), kJsonType);
}

void SendStatus(httplib::Response& res, const Status& status) {
  SendError(res, rest::RestErrorFromStatus(status));
}

/// An OAuth2 error (RFC 6749 §5.2), which token endpoints answer instead of Iceberg's form.
void SendOAuthError(httplib::Response& res, int status, std::string_view error,
                    std::string_view description) {
  res.status = status;
  res.set_content(rest::DumpJson(json{{"error", error}, {"error_description", description}}),
                  kJsonType);
}

bool IsPublicPath(const std::string& path) {
  return path == "/api/catalog/v1/oauth/tokens" || path == "/q/health" ||
         path.starts_with("/q/health/") || path == "/healthz";
}

Result<std::string> Match(const httplib::Request& req, size_t index) {
  if (index >= req.matches.size()) return Internal("route has no group {}", index);
  return req.matches[index].str();
}

Result<Namespace> NamespaceParam(const httplib::Request& req, size_t index) {
  FLOE_ASSIGN_OR_RAISE(std::string segment, Match(req, index));
  return rest::NamespaceFromPathSegment(segment);
}

Result<TableIdentifier> TableParam(const httplib::Request& req, size_t ns_index,
                                   size_t table_index) {
  FLOE_ASSIGN_OR_RAISE(Namespace ns, NamespaceParam(req, ns_index));
  FLOE_ASSIGN_OR_RAISE(std::string name, Match(req, table_index));
  if (name.empty()) return InvalidArgument("empty table name in path");
  return TableIdentifier{std::move(ns), std::move(name)};
}

json NamespaceReply(const Namespace& ns, const std::map<std::string, std::string>& properties) {
  return json{{"namespace", rest::NamespaceToJson(ns)}, {"properties", properties}};
}

/// A management-API body: a JSON object with member `key` holding an object.
Result<json> ManagementBody(const std::string& text, std::string_view key) {
  FLOE_ASSIGN_OR_RAISE(json root, rest::ParseBody(text, "request"));
  if (!root.is_object()) return InvalidArgument("request: expected a JSON object");
  auto it = root.find(key);
  if (it == root.end() || !it->is_object()) {
    return InvalidArgument("request: missing required object '{}'", key);
  }
  return *it;
}

Result<std::string> NameOf(const json& object, std::string_view what) {
  auto it = object.find("name");
  if (it == object.end() || !it->is_string() || it->get<std::string>().empty()) {
    return InvalidArgument("{}: missing required string 'name'", what);
  }
  return it->get<std::string>();
}

bool WantsVendedCredentials(const httplib::Request& req) {
  return req.get_header_value("X-Iceberg-Access-Delegation").find("vended-credentials") !=
         std::string::npos;
}

/// The storage properties a catalog may hand to clients of its tables: floe has no token
/// service, so "vended" credentials are the catalog's own s3.* and client.* properties.
std::map<std::string, std::string> VendableConfig(const CatalogEntry& entry) {
  std::map<std::string, std::string> config;
  for (const auto& [key, value] : entry.properties) {
    if (key.starts_with("s3.") || key.starts_with("client.")) config[key] = value;
  }
  return config;
}

rest::LoadTableResult ToResult(LoadedTable table) {
  rest::LoadTableResult result;
  result.metadata_location = std::move(table.metadata_location);
  result.metadata = std::move(table.metadata);
  return result;
}

/// Applies a commit's requirements and updates to the table's current metadata and swaps it in;
/// retried while another commit that the requirements allow wins the swap.
Result<LoadedTable> CommitOne(SqlCatalog& catalog, const CatalogEntry& entry,
                              const TableIdentifier& id, const rest::CommitTableRequest& request) {
  for (int attempt = 1;; ++attempt) {
    Result<LoadedTable> current = catalog.LoadTable(id);
    if (!current.ok() && !current.status().IsNotFound()) return current.status();
    const TableMetadata* metadata = current.ok() ? &current->metadata : nullptr;
    for (const rest::TableRequirement& requirement : request.requirements) {
      FLOE_RETURN_IF_ERROR(requirement.Validate(metadata));
    }
    if (!current.ok()) return current.status();
    rest::TableMetadataEditor editor(current->metadata);
    for (size_t i = 0; i < request.updates.size(); ++i) {
      FLOE_RETURN_IF_ERROR_CTX(editor.Apply(request.updates[i]), fmt::format("updates[{}]", i));
    }
    if (!editor.changed()) return std::move(*current);
    TableMetadata updated = std::move(editor).Finish();
    if (updated.location != current->metadata.location &&
        !entry.IsAllowedLocation(updated.location)) {
      return InvalidArgument("location {} is outside the allowed locations of catalog {}",
                             updated.location, entry.name);
    }
    Result<LoadedTable> committed = catalog.CommitTable(*current, updated);
    if (committed.ok() || !committed.status().IsCommitFailed() || attempt >= kMaxCasAttempts) {
      return committed;
    }
  }
}

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
                             std::unique_ptr<TokenIssuer> issuer)
    : options_(std::move(options)),
      store_(std::move(store)),
      issuer_(std::move(issuer)),
      server_(std::make_unique<httplib::Server>()) {}

CatalogServer::~CatalogServer() = default;

Result<std::unique_ptr<CatalogServer>> CatalogServer::Make(CatalogServerOptions options) {
  if (options.token_ttl_seconds <= 0) return InvalidArgument("token lifetime must be positive");
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<ServerStore> store, ServerStore::Open(options.database_url));
  if (options.bootstrap) {
    FLOE_RETURN_IF_ERROR(store->UpsertPrincipal(kRootPrincipal, *options.bootstrap));
  } else {
    FLOE_ASSIGN_OR_RAISE(int64_t principals, store->CountPrincipals());
    if (principals == 0) {
      return InvalidArgument(
          "no principal can log in: pass --bootstrap-credentials CLIENT_ID:SECRET or set "
          "POLARIS_BOOTSTRAP_CREDENTIALS=realm,client_id,secret");
    }
  }
  FLOE_ASSIGN_OR_RAISE(std::string key, store->SigningKey());
  auto issuer = std::make_unique<TokenIssuer>(std::move(key));
  auto server = std::make_unique<CatalogServer>(MakeToken{}, std::move(options), std::move(store),
                                                std::move(issuer));
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

  // Every route but the token endpoint and health needs a valid bearer token.
  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (IsPublicPath(req.path)) return httplib::Server::HandlerResponse::Unhandled;
    const std::string authorization = req.get_header_value("Authorization");
    constexpr std::string_view kBearer = "Bearer ";
    if (!std::string_view(authorization).starts_with(kBearer)) {
      SendError(res, rest::RestError{kUnauthorized, "NotAuthorizedException",
                                     "missing bearer token: get one from "
                                     "/api/catalog/v1/oauth/tokens"});
      return httplib::Server::HandlerResponse::Handled;
    }
    Result<TokenClaims> claims =
        issuer_->Verify(std::string_view(authorization).substr(kBearer.size()), NowMillis() / 1000);
    if (!claims.ok()) {
      SendError(
          res, rest::RestError{kUnauthorized, "NotAuthorizedException", claims.status().message()});
      return httplib::Server::HandlerResponse::Handled;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Errors that httplib raises itself (no route, body too large, bad request line) get the
  // Iceberg error JSON too.
  http.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        std::string type = res.status == kNotFound      ? "NoSuchRouteException"
                           : res.status == kTooLarge    ? "RequestTooLargeException"
                           : res.status >= kServerError ? "ServiceFailureException"
                                                        : "BadRequestException";
        std::string message = res.status == kNotFound
                                  ? fmt::format("no route for {} {}", req.method, req.path)
                              : res.status == kTooLarge ? std::string("request body too large")
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
        SendError(res, rest::RestError{kServerError, "ServiceFailureException", message});
      });
  http.set_logger([logger = options_.logger](const httplib::Request& req,
                                             const httplib::Response& res) {
    // Method, path and status only: headers and bodies may carry tokens and secrets.
    if (res.status < kBadRequest) return;
    const std::string line = fmt::format("catalog: {} {} -> {}", req.method, req.path, res.status);
    if (logger != nullptr) {
      logger->Warn(line);
    } else {
      std::cerr << "floe: warning: " << line << "\n";
    }
  });

  using Handler = std::function<Result<Reply>(const httplib::Request&)>;
  auto wrap = [](Handler handler) {
    return [handler = std::move(handler)](const httplib::Request& req, httplib::Response& res) {
      Result<Reply> reply = handler(req);
      if (!reply.ok()) {
        SendStatus(res, reply.status());
        return;
      }
      SendJson(res, reply->status, reply->body);
    };
  };
  auto tables_of = [this](const httplib::Request& req) -> Result<std::shared_ptr<SqlCatalog>> {
    FLOE_ASSIGN_OR_RAISE(std::string warehouse, Match(req, 1));
    return store_->TablesOf(warehouse);
  };

  // Health.
  auto health = [](const httplib::Request&, httplib::Response& res) {
    SendJson(res, kOk, json{{"status", "UP"}, {"checks", json::array()}});
  };
  http.Get("/q/health", health);
  http.Get(R"(/q/health/(live|ready))", health);
  http.Get("/healthz", health);

  // OAuth2 token endpoint (client credentials; token exchange to refresh).
  http.Post(
      "/api/catalog/v1/oauth/tokens", [this](const httplib::Request& req, httplib::Response& res) {
        Result<std::map<std::string, std::string>> form = rest::ParseFormBody(req.body);
        if (!form.ok()) {
          SendOAuthError(res, kBadRequest, "invalid_request", form.status().message());
          return;
        }
        auto field = [&](const char* key) {
          auto it = form->find(key);
          return it == form->end() ? std::string() : it->second;
        };
        const std::string grant_type = field("grant_type");
        std::string scope = field("scope");
        if (scope.empty()) scope = kDefaultScope;
        std::string principal;
        if (grant_type == kClientCredentialsGrant) {
          std::string client_id = field("client_id");
          std::string client_secret = field("client_secret");
          if (client_id.empty() || client_secret.empty()) {
            SendOAuthError(res, kBadRequest, "invalid_request",
                           "client_id and client_secret are required");
            return;
          }
          Result<std::string> authenticated = store_->Authenticate(client_id, client_secret);
          if (!authenticated.ok()) {
            if (authenticated.status().kind() == ErrorKind::kUnauthorized) {
              SendOAuthError(res, kUnauthorized, "invalid_client", "invalid client credentials");
            } else {
              SendStatus(res, authenticated.status());
            }
            return;
          }
          principal = std::move(*authenticated);
        } else if (grant_type == kTokenExchangeGrant) {
          Result<TokenClaims> claims = issuer_->Verify(field("subject_token"), NowMillis() / 1000);
          if (!claims.ok()) {
            SendOAuthError(res, kUnauthorized, "invalid_grant", claims.status().message());
            return;
          }
          principal = claims->principal;
        } else {
          SendOAuthError(res, kBadRequest, "unsupported_grant_type",
                         "grant_type must be client_credentials");
          return;
        }
        const int64_t ttl = options_.token_ttl_seconds;
        std::string token = issuer_->Issue(TokenClaims{principal, scope, NowMillis() / 1000 + ttl});
        SendJson(res, kOk,
                 json{{"access_token", token},
                      {"token_type", "bearer"},
                      {"expires_in", ttl},
                      {"issued_token_type", kAccessTokenType},
                      {"scope", scope}});
      });

  // GET /v1/config?warehouse=NAME: the prefix is the warehouse's name, as Polaris does.
  http.Get("/api/catalog/v1/config", wrap([this](const httplib::Request& req) -> Result<Reply> {
             rest::CatalogConfig config;
             config.endpoints = {
                 "GET /v1/{prefix}/namespaces",
                 "POST /v1/{prefix}/namespaces",
                 "GET /v1/{prefix}/namespaces/{namespace}",
                 "HEAD /v1/{prefix}/namespaces/{namespace}",
                 "DELETE /v1/{prefix}/namespaces/{namespace}",
                 "POST /v1/{prefix}/namespaces/{namespace}/properties",
                 "GET /v1/{prefix}/namespaces/{namespace}/tables",
                 "POST /v1/{prefix}/namespaces/{namespace}/tables",
                 "GET /v1/{prefix}/namespaces/{namespace}/tables/{table}",
                 "HEAD /v1/{prefix}/namespaces/{namespace}/tables/{table}",
                 "POST /v1/{prefix}/namespaces/{namespace}/tables/{table}",
                 "DELETE /v1/{prefix}/namespaces/{namespace}/tables/{table}",
                 "POST /v1/{prefix}/tables/rename",
                 "POST /v1/{prefix}/transactions/commit",
             };
             const std::string warehouse = req.get_param_value("warehouse");
             if (!warehouse.empty()) {
               Result<CatalogEntry> entry = store_->GetCatalog(warehouse);
               if (!entry.ok() && entry.status().IsNotFound()) {
                 return NotFound("warehouse {} does not exist", warehouse);
               }
               FLOE_RETURN_IF_ERROR(entry.status());
               config.defaults["default-base-location"] = entry->default_base_location();
               config.overrides["prefix"] = warehouse;
             }
             return Reply{kOk, rest::ToJson(config)};
           }));

  const std::string prefix = R"(/api/catalog/v1/([^/]+))";
  const std::string ns_path = prefix + R"(/namespaces/([^/]+))";
  const std::string table_path = ns_path + R"(/tables/([^/]+))";

  // Namespaces.
  http.Get(prefix + "/namespaces", wrap([tables_of](const httplib::Request& req) -> Result<Reply> {
             FLOE_ASSIGN_OR_RAISE(std::shared_ptr<SqlCatalog> catalog, tables_of(req));
             Namespace parent;
             if (req.has_param("parent")) {
               FLOE_ASSIGN_OR_RAISE(parent,
                                    rest::NamespaceFromPathSegment(req.get_param_value("parent")));
               FLOE_RETURN_IF_ERROR(catalog->LoadNamespaceProperties(parent).status());
             }
             FLOE_ASSIGN_OR_RAISE(std::vector<Namespace> all, catalog->ListNamespaces());
             // Only the direct children of the parent (the top level without one), as the
             // protocol lists them; the SQL catalog knows namespaces at every depth.
             std::set<Namespace> children;
             for (const Namespace& ns : all) {
               if (ns.levels.size() <= parent.levels.size()) continue;
               if (!std::equal(parent.levels.begin(), parent.levels.end(), ns.levels.begin())) {
                 continue;
               }
               Namespace child;
               child.levels.assign(
                   ns.levels.begin(),
                   ns.levels.begin() + static_cast<ptrdiff_t>(parent.levels.size() + 1));
               children.insert(std::move(child));
             }
             json namespaces = json::array();
             for (const Namespace& ns : children) namespaces.push_back(rest::NamespaceToJson(ns));
             return Reply{kOk, json{{"namespaces", std::move(namespaces)}}};
           }));
  http.Post(prefix + "/namespaces", wrap([tables_of](const httplib::Request& req) -> Result<Reply> {
              FLOE_ASSIGN_OR_RAISE(std::shared_ptr<SqlCatalog> catalog, tables_of(req));
              FLOE_ASSIGN_OR_RAISE(rest::CreateNamespaceRequest request,
                                   rest::ParseCreateNamespaceRequest(req.body));
              FLOE_RETURN_IF_ERROR(catalog->CreateNamespace(request.ns, request.properties));
              return Reply{kOk, NamespaceReply(request.ns, request.properties)};
            }));
  http.Get(ns_path, wrap([tables_of](const httplib::Request& req) -> Result<Reply> {
             FLOE_ASSIGN_OR_RAISE(std::shared_ptr<SqlCatalog> catalog, tables_of(req));
             FLOE_ASSIGN_OR_RAISE(Namespace ns, NamespaceParam(req, 2));
             FLOE_ASSIGN_OR_RAISE(auto properties, catalog->LoadNamespaceProperties(ns));
             if (req.method == "HEAD") return NoContent();
             return Reply{kOk, NamespaceReply(ns, properties)};
           }));
  http.Delete(ns_path, wrap([tables_of](const httplib::Request& req) -> Result<Reply> {
                FLOE_ASSIGN_OR_RAISE(std::shared_ptr<SqlCatalog> catalog, tables_of(req));
                FLOE_ASSIGN_OR_RAISE(Namespace ns, NamespaceParam(req, 2));
                Status dropped = catalog->DropNamespace(ns);
                if (dropped.kind() == ErrorKind::kInvalidArgument) {
                  // The SQL catalog's "not empty": a conflict in the protocol's terms.
                  return Status(ErrorKind::kAlreadyExists, dropped.message());
                }
                FLOE_RETURN_IF_ERROR(dropped);
                return NoContent();
              }));
  http.Post(
      ns_path + "/properties", wrap([tables_of](const httplib::Request& req) -> Result<Reply> {
        FLOE_ASSIGN_OR_RAISE(std::shared_ptr<SqlCatalog> catalog, tables_of(req));
        FLOE_ASSIGN_OR_RAISE(Namespace ns, NamespaceParam(req, 2));
        FLOE_ASSIGN_OR_RAISE(rest::UpdateNamespacePropertiesRequest request,
                             rest::ParseUpdateNamespacePropertiesRequest(req.body));
        FLOE_ASSIGN_OR_RAISE(auto before, catalog->LoadNamespaceProperties(ns));
        FLOE_RETURN_IF_ERROR(
            catalog->UpdateNamespaceProperties(ns, request.updates, request.removals));
        json updated = json::array();
        json removed = json::array();
        json missing = json::array();
        for (const auto& [key, value] : request.updates) updated.push_back(key);
        for (const std::string& key : request.removals) {
          (before.contains(key) ? removed : missing).push_back(key);
        }
        return Reply{kOk, json{{"updated", updated}, {"removed", removed}, {"missing", missing}}};
      }));

  // Tables.
  http.Get(ns_path + "/tables", wrap([tables_of](const httplib::Request& req) -> Result<Reply> {
             FLOE_ASSIGN_OR_RAISE(std::shared_ptr<SqlCatalog> catalog, tables_of(req));
             FLOE_ASSIGN_OR_RAISE(Namespace ns, NamespaceParam(req, 2));
             FLOE_ASSIGN_OR_RAISE(std::vector<TableIdentifier> tables, catalog->ListTables(ns));
             json identifiers = json::array();
             for (const TableIdentifier& id : tables) {
               identifiers.push_back(rest::TableIdentifierToJson(id));
             }
             return Reply{kOk, json{{"identifiers", std::move(identifiers)}}};
           }));
  http.Post(
      ns_path + "/tables", wrap([this, tables_of](const httplib::Request& req) -> Result<Reply> {
        FLOE_ASSIGN_OR_RAISE(std::string warehouse, Match(req, 1));
        FLOE_ASSIGN_OR_RAISE(std::shared_ptr<SqlCatalog> catalog, tables_of(req));
        FLOE_ASSIGN_OR_RAISE(CatalogEntry entry, store_->GetCatalog(warehouse));
        FLOE_ASSIGN_OR_RAISE(Namespace ns, NamespaceParam(req, 2));
        FLOE_ASSIGN_OR_RAISE(rest::CreateTableRequest request,
                             rest::ParseCreateTableRequest(req.body));
        if (request.stage_create) {
          return NotSupported("stage-create is not supported: create the table, then commit");
        }
        if (request.write_order && !request.write_order->fields.empty()) {
          return NotSupported("sorted tables (a write-order with fields) are not supported");
        }
        if (!request.location.empty() && !entry.IsAllowedLocation(request.location)) {
          return Status(ErrorKind::kInvalidArgument,
                        fmt::format("location {} is outside the allowed locations of catalog {}",
                                    request.location, entry.name));
        }
        TableIdentifier id{ns, request.name};
        FLOE_ASSIGN_OR_RAISE(LoadedTable table,
                             catalog->CreateTable(id, request.schema,
                                                  request.spec.value_or(iceberg::PartitionSpec{}),
                                                  request.location, request.properties));
        rest::LoadTableResult result = ToResult(std::move(table));
        if (WantsVendedCredentials(req)) {
          result.storage_credentials.push_back({result.metadata.location, VendableConfig(entry)});
        }
        return Reply{kOk, rest::ToJson(result)};
      }));
  http.Get(
      table_path, wrap([this, tables_of](const httplib::Request& req) -> Result<Reply> {
        FLOE_ASSIGN_OR_RAISE(std::shared_ptr<SqlCatalog> catalog, tables_of(req));
        FLOE_ASSIGN_OR_RAISE(TableIdentifier id, TableParam(req, 2, 3));
        FLOE_ASSIGN_OR_RAISE(LoadedTable table, catalog->LoadTable(id));
        if (req.method == "HEAD") return NoContent();
        rest::LoadTableResult result = ToResult(std::move(table));
        if (WantsVendedCredentials(req)) {
          FLOE_ASSIGN_OR_RAISE(std::string warehouse, Match(req, 1));
          FLOE_ASSIGN_OR_RAISE(CatalogEntry entry, store_->GetCatalog(warehouse));
          result.storage_credentials.push_back({result.metadata.location, VendableConfig(entry)});
        }
        return Reply{kOk, rest::ToJson(result)};
      }));
  http.Post(table_path, wrap([this, tables_of](const httplib::Request& req) -> Result<Reply> {
              FLOE_ASSIGN_OR_RAISE(std::string warehouse, Match(req, 1));
              FLOE_ASSIGN_OR_RAISE(std::shared_ptr<SqlCatalog> catalog, tables_of(req));
              FLOE_ASSIGN_OR_RAISE(CatalogEntry entry, store_->GetCatalog(warehouse));
              FLOE_ASSIGN_OR_RAISE(TableIdentifier id, TableParam(req, 2, 3));
              FLOE_ASSIGN_OR_RAISE(rest::CommitTableRequest request,
                                   rest::ParseCommitTableRequest(req.body));
              if (request.identifier && !(*request.identifier == id)) {
                return InvalidArgument("commit body names table {}, the path {}",
                                       request.identifier->ToString(), id.ToString());
              }
              FLOE_ASSIGN_OR_RAISE(LoadedTable committed, CommitOne(*catalog, entry, id, request));
              rest::LoadTableResult result = ToResult(std::move(committed));
              json body = rest::ToJson(result);
              body.erase("config");
              return Reply{kOk, std::move(body)};
            }));
  http.Delete(table_path, wrap([tables_of](const httplib::Request& req) -> Result<Reply> {
                FLOE_ASSIGN_OR_RAISE(std::shared_ptr<SqlCatalog> catalog, tables_of(req));
                FLOE_ASSIGN_OR_RAISE(TableIdentifier id, TableParam(req, 2, 3));
                const bool purge = req.get_param_value("purgeRequested") == "true";
                FLOE_RETURN_IF_ERROR(catalog->DropTable(id, purge));
                return NoContent();
              }));
  // Scan and commit reports from Java clients: accepted and not kept.
  http.Post(table_path + "/metrics",
            wrap([](const httplib::Request&) -> Result<Reply> { return NoContent(); }));
  http.Post(prefix + "/tables/rename",
            wrap([tables_of](const httplib::Request& req) -> Result<Reply> {
              FLOE_ASSIGN_OR_RAISE(std::shared_ptr<SqlCatalog> catalog, tables_of(req));
              FLOE_ASSIGN_OR_RAISE(rest::RenameTableRequest request,
                                   rest::ParseRenameTableRequest(req.body));
              FLOE_RETURN_IF_ERROR(catalog->RenameTable(request.source, request.destination));
              return NoContent();
            }));
  http.Post(prefix + "/transactions/commit",
            wrap([this, tables_of](const httplib::Request& req) -> Result<Reply> {
              FLOE_ASSIGN_OR_RAISE(std::string warehouse, Match(req, 1));
              FLOE_ASSIGN_OR_RAISE(std::shared_ptr<SqlCatalog> catalog, tables_of(req));
              FLOE_ASSIGN_OR_RAISE(CatalogEntry entry, store_->GetCatalog(warehouse));
              FLOE_ASSIGN_OR_RAISE(rest::CommitTransactionRequest request,
                                   rest::ParseCommitTransactionRequest(req.body));
              for (int attempt = 1;; ++attempt) {
                std::vector<std::pair<LoadedTable, TableMetadata>> commits;
                for (size_t i = 0; i < request.table_changes.size(); ++i) {
                  const rest::CommitTableRequest& change = request.table_changes[i];
                  const TableIdentifier& id = *change.identifier;
                  for (const auto& [other, unused] : commits) {
                    if (other.identifier == id) {
                      return InvalidArgument("table-changes[{}]: table {} appears twice", i,
                                             id.ToString());
                    }
                  }
                  FLOE_ASSIGN_OR_RAISE(LoadedTable current, catalog->LoadTable(id));
                  for (const rest::TableRequirement& requirement : change.requirements) {
                    FLOE_RETURN_IF_ERROR_CTX(requirement.Validate(&current.metadata),
                                             fmt::format("table {}", id.ToString()));
                  }
                  rest::TableMetadataEditor editor(current.metadata);
                  for (size_t u = 0; u < change.updates.size(); ++u) {
                    FLOE_RETURN_IF_ERROR_CTX(editor.Apply(change.updates[u]),
                                             fmt::format("table-changes[{}].updates[{}]", i, u));
                  }
                  if (!editor.changed()) continue;
                  TableMetadata updated = std::move(editor).Finish();
                  if (updated.location != current.metadata.location &&
                      !entry.IsAllowedLocation(updated.location)) {
                    return InvalidArgument("location {} is outside the allowed locations of {}",
                                           updated.location, entry.name);
                  }
                  commits.emplace_back(std::move(current), std::move(updated));
                }
                Result<std::vector<LoadedTable>> committed = catalog->CommitTables(commits);
                if (committed.ok()) return NoContent();
                if (!committed.status().IsCommitFailed() || attempt >= kMaxCasAttempts) {
                  return committed.status();
                }
              }
            }));

  // Management API (Polaris-compatible subset).
  const std::string management = "/api/management/v1";
  http.Post(management + "/catalogs", wrap([this](const httplib::Request& req) -> Result<Reply> {
              FLOE_ASSIGN_OR_RAISE(json body, ManagementBody(req.body, "catalog"));
              FLOE_ASSIGN_OR_RAISE(CatalogEntry entry, CatalogEntry::FromJson(body));
              entry.create_timestamp_ms = NowMillis();
              FLOE_RETURN_IF_ERROR(store_->CreateCatalog(entry));
              return Reply{kCreated, entry.ToJson()};
            }));
  http.Get(management + "/catalogs", wrap([this](const httplib::Request&) -> Result<Reply> {
             FLOE_ASSIGN_OR_RAISE(std::vector<CatalogEntry> entries, store_->ListCatalogs());
             json catalogs = json::array();
             for (const CatalogEntry& entry : entries) catalogs.push_back(entry.ToJson());
             return Reply{kOk, json{{"catalogs", std::move(catalogs)}}};
           }));
  http.Get(management + "/catalogs/([^/]+)",
           wrap([this](const httplib::Request& req) -> Result<Reply> {
             FLOE_ASSIGN_OR_RAISE(std::string name, Match(req, 1));
             FLOE_ASSIGN_OR_RAISE(CatalogEntry entry, store_->GetCatalog(name));
             return Reply{kOk, entry.ToJson()};
           }));
  http.Delete(management + "/catalogs/([^/]+)",
              wrap([this](const httplib::Request& req) -> Result<Reply> {
                FLOE_ASSIGN_OR_RAISE(std::string name, Match(req, 1));
                Status dropped = store_->DropCatalog(name);
                if (dropped.kind() == ErrorKind::kInvalidArgument) {
                  return Status(ErrorKind::kAlreadyExists, dropped.message());
                }
                FLOE_RETURN_IF_ERROR(dropped);
                return NoContent();
              }));
  http.Post(management + "/principals", wrap([this](const httplib::Request& req) -> Result<Reply> {
              FLOE_ASSIGN_OR_RAISE(json body, ManagementBody(req.body, "principal"));
              FLOE_ASSIGN_OR_RAISE(std::string name, NameOf(body, "principal"));
              FLOE_ASSIGN_OR_RAISE(ClientCredentials credentials, store_->CreatePrincipal(name));
              json principal = {{"name", name},
                                {"clientId", credentials.client_id},
                                {"properties", json::object()},
                                {"entityVersion", 1}};
              return Reply{kCreated, json{{"principal", principal},
                                          {"credentials",
                                           {{"clientId", credentials.client_id},
                                            {"clientSecret", credentials.client_secret}}}}};
            }));
  http.Get(management + "/principals", wrap([this](const httplib::Request&) -> Result<Reply> {
             FLOE_ASSIGN_OR_RAISE(std::vector<std::string> names, store_->ListPrincipals());
             json principals = json::array();
             for (const std::string& name : names) principals.push_back(json{{"name", name}});
             return Reply{kOk, json{{"principals", std::move(principals)}}};
           }));
  // Roles and grants: accepted and recorded, not enforced (every principal may do everything).
  auto record = [this](std::string kind, std::string body_key, size_t subject_group,
                       size_t target_group) {
    return [this, kind = std::move(kind), body_key = std::move(body_key), subject_group,
            target_group](const httplib::Request& req) -> Result<Reply> {
      FLOE_ASSIGN_OR_RAISE(json body, ManagementBody(req.body, body_key));
      std::string subject;
      std::string target;
      if (subject_group > 0) {
        FLOE_ASSIGN_OR_RAISE(subject, Match(req, subject_group));
      }
      if (target_group > 0) {
        FLOE_ASSIGN_OR_RAISE(target, Match(req, target_group));
      }
      std::string detail = rest::DumpJson(body);
      if (body.contains("name") && body["name"].is_string()) {
        // Role bodies name the role; a grant's detail is its privilege.
        (subject.empty() ? subject : target) += body["name"].get<std::string>();
      }
      FLOE_RETURN_IF_ERROR(store_->RecordGrant(kind, subject, target, detail));
      return Reply{kCreated, json::object()};
    };
  };
  http.Post(management + "/principal-roles", wrap(record("principal-role", "principalRole", 0, 0)));
  http.Post(management + "/catalogs/([^/]+)/catalog-roles",
            wrap(record("catalog-role", "catalogRole", 1, 0)));
  http.Put(management + "/principals/([^/]+)/principal-roles",
           wrap(record("principal-role-assignment", "principalRole", 1, 0)));
  http.Put(management + "/principal-roles/([^/]+)/catalog-roles/([^/]+)",
           wrap(record("catalog-role-assignment", "catalogRole", 1, 2)));
  http.Put(management + "/catalogs/([^/]+)/catalog-roles/([^/]+)/grants",
           wrap(record("grant", "grant", 1, 2)));
}

}  // namespace floe::catalog_server
