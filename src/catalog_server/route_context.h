#pragma once

// What the route groups of `floe catalog serve` (oauth_routes, catalog_routes,
// management_routes, and any group added later) share: the stores, the token issuer and the
// authorizer, one way to turn a handler's Result into an HTTP response, and the request
// helpers (path groups, JSON bodies). A route group is a function
// `void InstallXRoutes(httplib::Server&, const RouteContext&)` called by CatalogServer.

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog_server/access_store.h"
#include "catalog_server/authorizer.h"
#include "catalog_server/server_store.h"
#include "catalog_server/token_issuer.h"
#include "common/result.h"
#include "iceberg/catalog/catalog.h"
#include "iceberg/rest/rest_error.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

namespace floe::catalog_server {

inline constexpr int kHttpOk = 200;
inline constexpr int kHttpCreated = 201;
inline constexpr int kHttpNoContent = 204;
inline constexpr int kHttpBadRequest = 400;
inline constexpr int kHttpUnauthorized = 401;
inline constexpr int kHttpForbidden = 403;
inline constexpr int kHttpNotFound = 404;
inline constexpr int kHttpTooLarge = 413;
inline constexpr int kHttpServerError = 500;
inline constexpr int kHttpUnavailable = 503;

/// What a route handler answers: a status and a JSON body (none for 204).
struct Reply {
  int status = kHttpOk;
  nlohmann::json body;
};

Reply NoContent();
/// An error reply with the Iceberg/Polaris error body ({"error": {message, type, code}}).
Reply ErrorReply(const iceberg::rest::RestError& error);

void SendJson(httplib::Response& res, int status, const nlohmann::json& body);
void SendError(httplib::Response& res, const iceberg::rest::RestError& error);

/// Everything a route needs, owned by CatalogServer, which outlives its routes.
/// Thread safety: the members are thread-safe; routes run on httplib's worker threads.
struct RouteContext {
  ServerStore& store;
  AccessStore& access;
  const TokenIssuer& issuer;
  const Authorizer& authorizer;
  int64_t token_ttl_seconds = 0;
  /// Where catalogs may keep tables (the server's configuration); empty: anywhere.
  const std::vector<std::string>& allowed_locations;

  /// nullopt when `caller` may perform `operation` on `target` (and `secondary`); otherwise the
  /// reply to send: 403 ForbiddenException with Polaris's message, 404 when the catalog does
  /// not exist and the caller may list catalogs, or 500 when the grants cannot be read.
  std::optional<Reply> Deny(const Caller& caller, Operation operation, const Securable& target,
                            const Securable* secondary = nullptr) const;
};

/// A handler of an authenticated route: the request and its caller.
using Handler = std::function<Result<Reply>(const httplib::Request&, const Caller&)>;
/// The httplib handler for `handler`: authenticates the bearer token (401 otherwise), resolves
/// the caller's roles, runs the handler and sends its reply or its error (worded as Iceberg's
/// catalogs word missing and existing namespaces and tables, which clients match on).
std::function<void(const httplib::Request&, httplib::Response&)> Authenticated(
    const RouteContext& context, Handler handler);

/// A route implemented as a const member of a route group's class.
template <class Routes>
using RouteMethod = Result<Reply> (Routes::*)(const httplib::Request&, const Caller&) const;

/// The httplib handler for `method` of `routes` (shared with the handler, so it lives as long).
template <class Routes>
std::function<void(const httplib::Request&, httplib::Response&)> Route(
    const RouteContext& context, std::shared_ptr<const Routes> routes, RouteMethod<Routes> method) {
  return Authenticated(context, [routes = std::move(routes), method](const httplib::Request& req,
                                                                     const Caller& caller) {
    return ((*routes).*method)(req, caller);
  });
}

/// The path to route `raw_target` (the request line's path and query, as sent) on: every
/// %XX escape decoded but %2F and %25, so that a '/' inside a name (Iceberg's `new%2Fdb`) stays
/// inside its path segment. httplib routes on a path where %2F is already a '/'; the server's
/// pre-routing handler routes on this one instead, and PathParam decodes the two escapes.
std::string RoutingPath(std::string_view raw_target);

/// The path's capture group `index`, with the escapes RoutingPath kept decoded.
Result<std::string> PathParam(const httplib::Request& req, size_t index);
Result<iceberg::Namespace> NamespaceParam(const httplib::Request& req, size_t index);
Result<iceberg::TableIdentifier> TableParam(const httplib::Request& req, size_t ns_index,
                                            size_t table_index);
/// A management-API body: a JSON object with member `key` holding an object.
Result<nlohmann::json> ManagementBody(std::string_view text, std::string_view key);
/// The non-empty string member "name" of `object`.
Result<std::string> NameOf(const nlohmann::json& object, std::string_view what);

}  // namespace floe::catalog_server
