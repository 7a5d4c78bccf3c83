#pragma once

// The OAuth2 token endpoint of `floe catalog serve` (POST /api/catalog/v1/oauth/tokens):
// client credentials (RFC 6749 §4.4) and token exchange of a still valid token (RFC 8693, how
// Java clients refresh). The scope must be PRINCIPAL_ROLE:ALL or PRINCIPAL_ROLE:<name>, as
// Polaris wants; errors are OAuth2's {"error", "error_description"}.

#include "catalog_server/route_context.h"

namespace floe::catalog_server {

inline constexpr const char* kTokenPath = "/api/catalog/v1/oauth/tokens";

void InstallOAuthRoutes(httplib::Server& http, const RouteContext& context);

}  // namespace floe::catalog_server
