#pragma once

// Apache Polaris's management API under /api/management/v1, as `floe catalog serve` serves it:
// catalogs; principals (created with credentials returned once, rotated, dropped); principal
// roles and their assignment to principals; catalog roles per catalog and their assignment to
// principal roles; grants of privileges on a catalog, namespace or table to catalog roles (PUT
// adds, POST revokes, GET lists). Request and response bodies follow Polaris's OpenAPI spec
// (spec/polaris-management-service.yml); every route authorizes as Polaris does.

#include "catalog_server/route_context.h"

namespace floe::catalog_server {

void InstallManagementRoutes(httplib::Server& http, const RouteContext& context);

/// Polaris's grant JSON ({"type": "catalog"|"namespace"|"table", "namespace": [...],
/// "tableName": ..., "privilege": ...}) read into a grant: unknown types and privileges, and
/// privileges that do not apply to the type, are kInvalidArgument naming the field.
Result<Grant> GrantFromJson(const nlohmann::json& value);
nlohmann::json GrantToJson(const Grant& grant);

}  // namespace floe::catalog_server
