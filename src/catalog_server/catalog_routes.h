#pragma once

// The Iceberg REST API of `floe catalog serve` under /api/catalog/v1: GET /config, namespaces,
// tables, rename, multi-table transactions and metrics reports. Every route authorizes its
// operation (Polaris's names and privileges, authorizer.h) before it looks anything up, so a
// caller who may not see a namespace or table gets 403 whether or not it exists.

#include "catalog_server/route_context.h"

namespace floe::catalog_server {

void InstallCatalogRoutes(httplib::Server& http, const RouteContext& context);

}  // namespace floe::catalog_server
