#include "catalog_server/management_routes.h"

#include <fmt/ranges.h>
#include <httplib.h>

#include <algorithm>

#include "common/clock.h"
#include "iceberg/catalog/sql_catalog.h"

namespace floe::catalog_server {

using iceberg::Namespace;
using iceberg::TableIdentifier;
using nlohmann::json;
namespace rest = iceberg::rest;

namespace {

const std::string kRoot = "/api/management/v1";
const std::string kCatalog = kRoot + "/catalogs/([^/]+)";
const std::string kCatalogRole = kCatalog + "/catalog-roles/([^/]+)";
const std::string kPrincipal = kRoot + "/principals/([^/]+)";
const std::string kPrincipalRole = kRoot + "/principal-roles/([^/]+)";

json PrincipalToJson(const PrincipalInfo& principal) {
  return json{{"name", principal.name},
              {"clientId", principal.client_id},
              {"properties", json::object()},
              {"createTimestamp", principal.create_timestamp_ms},
              {"lastUpdateTimestamp", principal.create_timestamp_ms},
              {"entityVersion", 1}};
}

json RoleToJson(const RoleInfo& role) {
  return json{{"name", role.name},
              {"properties", role.properties},
              {"createTimestamp", role.create_timestamp_ms},
              {"lastUpdateTimestamp", role.create_timestamp_ms},
              {"entityVersion", 1}};
}

json WithCredentials(const PrincipalInfo& principal, const ClientCredentials& credentials) {
  return json{{"principal", PrincipalToJson(principal)},
              {"credentials",
               {{"clientId", credentials.client_id}, {"clientSecret", credentials.client_secret}}}};
}

/// {"name": ..., "properties": {string: string}} of a role create request.
Result<RoleInfo> RoleFromJson(const json& value, std::string_view what) {
  RoleInfo role;
  FLOE_ASSIGN_OR_RAISE(role.name, NameOf(value, what));
  if (auto it = value.find("properties"); it != value.end() && !it->is_null()) {
    if (!it->is_object()) return InvalidArgument("{}.properties: expected an object", what);
    for (const auto& [key, item] : it->items()) {
      if (!item.is_string())
        return InvalidArgument("{}.properties.{}: expected a string", what, key);
    }
    role.properties = *it;
  }
  return role;
}

Result<std::vector<std::string>> NamespaceFromJson(const json& grant) {
  auto it = grant.find("namespace");
  if (it == grant.end() || !it->is_array() || it->empty()) {
    return InvalidArgument("grant.namespace: expected a non-empty array of strings");
  }
  std::vector<std::string> levels;
  for (const json& level : *it) {
    if (!level.is_string() || level.get<std::string>().empty()) {
      return InvalidArgument("grant.namespace: expected a non-empty array of strings");
    }
    levels.push_back(level.get<std::string>());
  }
  return levels;
}

Securable SecurableOf(const std::string& catalog, const Grant& grant) {
  switch (grant.kind) {
    case SecurableKind::kNamespace:
      return Securable::Namespace(catalog, grant.ns);
    case SecurableKind::kTable:
      return Securable::Table(catalog, grant.ns, grant.table);
    case SecurableKind::kRoot:
    case SecurableKind::kCatalog:
      break;
  }
  return Securable::Catalog(catalog);
}

/// A catalog's locations must lie within the server's allowed locations (when it has some).
Status CheckServerLocations(const std::vector<std::string>& allowed, const CatalogEntry& entry) {
  if (allowed.empty()) return Status::Ok();
  auto inside = [&](const std::string& location) {
    return std::any_of(allowed.begin(), allowed.end(),
                       [&](const std::string& root) { return LocationIsUnder(location, root); });
  };
  if (!inside(entry.default_base_location())) {
    return InvalidArgument(
        "catalog.properties.default-base-location: {} is outside the server's allowed "
        "locations ({})",
        entry.default_base_location(), fmt::join(allowed, ", "));
  }
  for (size_t i = 0; i < entry.allowed_locations.size(); ++i) {
    if (!inside(entry.allowed_locations[i])) {
      return InvalidArgument(
          "catalog.storageConfigInfo.allowedLocations[{}]: {} is outside the server's allowed "
          "locations ({})",
          i, entry.allowed_locations[i], fmt::join(allowed, ", "));
    }
  }
  return Status::Ok();
}

class ManagementRoutes {
 public:
  explicit ManagementRoutes(const RouteContext& context) : context_(context) {}

  Result<Reply> CreateCatalog(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> ListCatalogs(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> GetCatalog(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> DeleteCatalog(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> CreatePrincipal(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> ListPrincipals(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> GetPrincipal(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> DeletePrincipal(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> RotateCredentials(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> ListRolesOfPrincipal(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> AssignPrincipalRole(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> RevokePrincipalRole(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> CreatePrincipalRole(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> ListPrincipalRoles(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> GetPrincipalRole(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> DeletePrincipalRole(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> ListPrincipalsWithRole(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> ListCatalogRolesOf(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> AssignCatalogRole(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> RevokeCatalogRole(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> CreateCatalogRole(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> ListCatalogRoles(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> GetCatalogRole(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> DeleteCatalogRole(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> ListAssigneesOfCatalogRole(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> ListGrants(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> AddGrant(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> RevokeGrant(const httplib::Request& req, const Caller& caller) const;

 private:
  /// Fails with kNotFound unless the securable of `grant` exists in `catalog`.
  Status CheckExists(const std::string& catalog, const Grant& grant) const;

  const RouteContext& context_;
};

Result<Reply> ManagementRoutes::CreateCatalog(const httplib::Request& req,
                                              const Caller& caller) const {
  if (auto denied = context_.Deny(caller, Operation::kCreateCatalog, Securable::Root())) {
    return *denied;
  }
  FLOE_ASSIGN_OR_RAISE(json body, ManagementBody(req.body, "catalog"));
  FLOE_ASSIGN_OR_RAISE(CatalogEntry entry, CatalogEntry::FromJson(body));
  FLOE_RETURN_IF_ERROR(CheckServerLocations(context_.allowed_locations, entry));
  entry.create_timestamp_ms = NowMillis();
  FLOE_RETURN_IF_ERROR(context_.store.CreateCatalog(entry));
  FLOE_RETURN_IF_ERROR(context_.access.CreateCatalogAdmin(entry.name));
  return Reply{kHttpCreated, entry.ToJson()};
}

Result<Reply> ManagementRoutes::ListCatalogs(const httplib::Request&, const Caller& caller) const {
  if (auto denied = context_.Deny(caller, Operation::kListCatalogs, Securable::Root())) {
    return *denied;
  }
  FLOE_ASSIGN_OR_RAISE(std::vector<CatalogEntry> entries, context_.store.ListCatalogs());
  json catalogs = json::array();
  for (const CatalogEntry& entry : entries) catalogs.push_back(entry.ToJson());
  return Reply{kHttpOk, json{{"catalogs", std::move(catalogs)}}};
}

Result<Reply> ManagementRoutes::GetCatalog(const httplib::Request& req,
                                           const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string name, PathParam(req, 1));
  if (auto denied = context_.Deny(caller, Operation::kGetCatalog, Securable::Catalog(name))) {
    return *denied;
  }
  FLOE_ASSIGN_OR_RAISE(CatalogEntry entry, context_.store.GetCatalog(name));
  return Reply{kHttpOk, entry.ToJson()};
}

Result<Reply> ManagementRoutes::DeleteCatalog(const httplib::Request& req,
                                              const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string name, PathParam(req, 1));
  if (auto denied = context_.Deny(caller, Operation::kDeleteCatalog, Securable::Catalog(name))) {
    return *denied;
  }
  Status dropped = context_.store.DropCatalog(name);
  if (dropped.kind() == ErrorKind::kInvalidArgument) {
    return Status(ErrorKind::kAlreadyExists, dropped.message());
  }
  FLOE_RETURN_IF_ERROR(dropped);
  FLOE_RETURN_IF_ERROR(context_.access.ForgetCatalog(name));
  return NoContent();
}

Result<Reply> ManagementRoutes::CreatePrincipal(const httplib::Request& req,
                                                const Caller& caller) const {
  if (auto denied = context_.Deny(caller, Operation::kCreatePrincipal, Securable::Root())) {
    return *denied;
  }
  FLOE_ASSIGN_OR_RAISE(json body, ManagementBody(req.body, "principal"));
  FLOE_ASSIGN_OR_RAISE(std::string name, NameOf(body, "principal"));
  FLOE_ASSIGN_OR_RAISE(ClientCredentials credentials, context_.access.CreatePrincipal(name));
  FLOE_ASSIGN_OR_RAISE(PrincipalInfo principal, context_.access.GetPrincipal(name));
  return Reply{kHttpCreated, WithCredentials(principal, credentials)};
}

Result<Reply> ManagementRoutes::ListPrincipals(const httplib::Request&,
                                               const Caller& caller) const {
  if (auto denied = context_.Deny(caller, Operation::kListPrincipals, Securable::Root())) {
    return *denied;
  }
  FLOE_ASSIGN_OR_RAISE(std::vector<PrincipalInfo> principals, context_.access.ListPrincipals());
  json list = json::array();
  for (const PrincipalInfo& principal : principals) list.push_back(PrincipalToJson(principal));
  return Reply{kHttpOk, json{{"principals", std::move(list)}}};
}

Result<Reply> ManagementRoutes::GetPrincipal(const httplib::Request& req,
                                             const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string name, PathParam(req, 1));
  if (auto denied = context_.Deny(caller, Operation::kGetPrincipal, Securable::Principal(name))) {
    return *denied;
  }
  FLOE_ASSIGN_OR_RAISE(PrincipalInfo principal, context_.access.GetPrincipal(name));
  return Reply{kHttpOk, PrincipalToJson(principal)};
}

Result<Reply> ManagementRoutes::DeletePrincipal(const httplib::Request& req,
                                                const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string name, PathParam(req, 1));
  if (auto denied =
          context_.Deny(caller, Operation::kDeletePrincipal, Securable::Principal(name))) {
    return *denied;
  }
  FLOE_RETURN_IF_ERROR(context_.access.DropPrincipal(name));
  return NoContent();
}

Result<Reply> ManagementRoutes::RotateCredentials(const httplib::Request& req,
                                                  const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string name, PathParam(req, 1));
  if (auto denied =
          context_.Deny(caller, Operation::kRotateCredentials, Securable::Principal(name))) {
    return *denied;
  }
  FLOE_ASSIGN_OR_RAISE(ClientCredentials credentials, context_.access.RotateCredentials(name));
  FLOE_ASSIGN_OR_RAISE(PrincipalInfo principal, context_.access.GetPrincipal(name));
  return Reply{kHttpOk, WithCredentials(principal, credentials)};
}

Result<Reply> ManagementRoutes::ListRolesOfPrincipal(const httplib::Request& req,
                                                     const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string name, PathParam(req, 1));
  if (auto denied = context_.Deny(caller, Operation::kListPrincipalRolesAssigned,
                                  Securable::Principal(name))) {
    return *denied;
  }
  FLOE_RETURN_IF_ERROR(context_.access.GetPrincipal(name).status());
  FLOE_ASSIGN_OR_RAISE(std::vector<std::string> names, context_.access.PrincipalRolesOf(name));
  json roles = json::array();
  for (const std::string& role : names) {
    FLOE_ASSIGN_OR_RAISE(RoleInfo info, context_.access.GetPrincipalRole(role));
    roles.push_back(RoleToJson(info));
  }
  return Reply{kHttpOk, json{{"roles", std::move(roles)}}};
}

Result<Reply> ManagementRoutes::AssignPrincipalRole(const httplib::Request& req,
                                                    const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string principal, PathParam(req, 1));
  if (auto denied = context_.Deny(caller, Operation::kAssignPrincipalRole, Securable::Root())) {
    return *denied;
  }
  FLOE_ASSIGN_OR_RAISE(json body, ManagementBody(req.body, "principalRole"));
  FLOE_ASSIGN_OR_RAISE(std::string role, NameOf(body, "principalRole"));
  FLOE_RETURN_IF_ERROR(context_.access.AssignPrincipalRole(principal, role));
  return Reply{kHttpCreated, nullptr};
}

Result<Reply> ManagementRoutes::RevokePrincipalRole(const httplib::Request& req,
                                                    const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string principal, PathParam(req, 1));
  FLOE_ASSIGN_OR_RAISE(std::string role, PathParam(req, 2));
  if (auto denied = context_.Deny(caller, Operation::kRevokePrincipalRole, Securable::Root())) {
    return *denied;
  }
  FLOE_RETURN_IF_ERROR(context_.access.RevokePrincipalRole(principal, role));
  return NoContent();
}

Result<Reply> ManagementRoutes::CreatePrincipalRole(const httplib::Request& req,
                                                    const Caller& caller) const {
  if (auto denied = context_.Deny(caller, Operation::kCreatePrincipalRole, Securable::Root())) {
    return *denied;
  }
  FLOE_ASSIGN_OR_RAISE(json body, ManagementBody(req.body, "principalRole"));
  FLOE_ASSIGN_OR_RAISE(RoleInfo role, RoleFromJson(body, "principalRole"));
  FLOE_RETURN_IF_ERROR(context_.access.CreatePrincipalRole(role));
  FLOE_ASSIGN_OR_RAISE(RoleInfo created, context_.access.GetPrincipalRole(role.name));
  return Reply{kHttpCreated, RoleToJson(created)};
}

Result<Reply> ManagementRoutes::ListPrincipalRoles(const httplib::Request&,
                                                   const Caller& caller) const {
  if (auto denied = context_.Deny(caller, Operation::kListPrincipalRoles, Securable::Root())) {
    return *denied;
  }
  FLOE_ASSIGN_OR_RAISE(std::vector<RoleInfo> list, context_.access.ListPrincipalRoles());
  json roles = json::array();
  for (const RoleInfo& role : list) roles.push_back(RoleToJson(role));
  return Reply{kHttpOk, json{{"roles", std::move(roles)}}};
}

Result<Reply> ManagementRoutes::GetPrincipalRole(const httplib::Request& req,
                                                 const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string name, PathParam(req, 1));
  if (auto denied = context_.Deny(caller, Operation::kGetPrincipalRole, Securable::Root())) {
    return *denied;
  }
  FLOE_ASSIGN_OR_RAISE(RoleInfo role, context_.access.GetPrincipalRole(name));
  return Reply{kHttpOk, RoleToJson(role)};
}

Result<Reply> ManagementRoutes::DeletePrincipalRole(const httplib::Request& req,
                                                    const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string name, PathParam(req, 1));
  if (auto denied = context_.Deny(caller, Operation::kDeletePrincipalRole, Securable::Root())) {
    return *denied;
  }
  FLOE_RETURN_IF_ERROR(context_.access.DropPrincipalRole(name));
  return NoContent();
}

Result<Reply> ManagementRoutes::ListPrincipalsWithRole(const httplib::Request& req,
                                                       const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string name, PathParam(req, 1));
  if (auto denied = context_.Deny(caller, Operation::kListAssigneePrincipalsForPrincipalRole,
                                  Securable::Root())) {
    return *denied;
  }
  FLOE_RETURN_IF_ERROR(context_.access.GetPrincipalRole(name).status());
  FLOE_ASSIGN_OR_RAISE(std::vector<std::string> names, context_.access.PrincipalsWith(name));
  json principals = json::array();
  for (const std::string& principal : names) {
    FLOE_ASSIGN_OR_RAISE(PrincipalInfo info, context_.access.GetPrincipal(principal));
    principals.push_back(PrincipalToJson(info));
  }
  return Reply{kHttpOk, json{{"principals", std::move(principals)}}};
}

Result<Reply> ManagementRoutes::ListCatalogRolesOf(const httplib::Request& req,
                                                   const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string principal_role, PathParam(req, 1));
  FLOE_ASSIGN_OR_RAISE(std::string catalog, PathParam(req, 2));
  if (auto denied =
          context_.Deny(caller, Operation::kListCatalogRolesForPrincipalRole, Securable::Root())) {
    return *denied;
  }
  FLOE_RETURN_IF_ERROR(context_.access.GetPrincipalRole(principal_role).status());
  FLOE_RETURN_IF_ERROR(context_.store.GetCatalog(catalog).status());
  FLOE_ASSIGN_OR_RAISE(std::vector<std::string> names,
                       context_.access.CatalogRolesOf(principal_role, catalog));
  json roles = json::array();
  for (const std::string& name : names) {
    FLOE_ASSIGN_OR_RAISE(RoleInfo role, context_.access.GetCatalogRole(catalog, name));
    roles.push_back(RoleToJson(role));
  }
  return Reply{kHttpOk, json{{"roles", std::move(roles)}}};
}

Result<Reply> ManagementRoutes::AssignCatalogRole(const httplib::Request& req,
                                                  const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string principal_role, PathParam(req, 1));
  FLOE_ASSIGN_OR_RAISE(std::string catalog, PathParam(req, 2));
  if (auto denied = context_.Deny(caller, Operation::kAssignCatalogRoleToPrincipalRole,
                                  Securable::Catalog(catalog))) {
    return *denied;
  }
  FLOE_ASSIGN_OR_RAISE(json body, ManagementBody(req.body, "catalogRole"));
  FLOE_ASSIGN_OR_RAISE(std::string role, NameOf(body, "catalogRole"));
  FLOE_RETURN_IF_ERROR(context_.access.AssignCatalogRole(principal_role, catalog, role));
  return Reply{kHttpCreated, nullptr};
}

Result<Reply> ManagementRoutes::RevokeCatalogRole(const httplib::Request& req,
                                                  const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string principal_role, PathParam(req, 1));
  FLOE_ASSIGN_OR_RAISE(std::string catalog, PathParam(req, 2));
  FLOE_ASSIGN_OR_RAISE(std::string role, PathParam(req, 3));
  const Securable grantee = Securable::Root();
  if (auto denied = context_.Deny(caller, Operation::kRevokeCatalogRoleFromPrincipalRole,
                                  Securable::Catalog(catalog), &grantee)) {
    return *denied;
  }
  FLOE_RETURN_IF_ERROR(context_.access.RevokeCatalogRole(principal_role, catalog, role));
  return NoContent();
}

Result<Reply> ManagementRoutes::CreateCatalogRole(const httplib::Request& req,
                                                  const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string catalog, PathParam(req, 1));
  if (auto denied =
          context_.Deny(caller, Operation::kCreateCatalogRole, Securable::Catalog(catalog))) {
    return *denied;
  }
  FLOE_ASSIGN_OR_RAISE(json body, ManagementBody(req.body, "catalogRole"));
  FLOE_ASSIGN_OR_RAISE(RoleInfo role, RoleFromJson(body, "catalogRole"));
  FLOE_RETURN_IF_ERROR(context_.store.GetCatalog(catalog).status());
  FLOE_RETURN_IF_ERROR(context_.access.CreateCatalogRole(catalog, role));
  FLOE_ASSIGN_OR_RAISE(RoleInfo created, context_.access.GetCatalogRole(catalog, role.name));
  return Reply{kHttpCreated, RoleToJson(created)};
}

Result<Reply> ManagementRoutes::ListCatalogRoles(const httplib::Request& req,
                                                 const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string catalog, PathParam(req, 1));
  if (auto denied =
          context_.Deny(caller, Operation::kListCatalogRoles, Securable::Catalog(catalog))) {
    return *denied;
  }
  FLOE_RETURN_IF_ERROR(context_.store.GetCatalog(catalog).status());
  FLOE_ASSIGN_OR_RAISE(std::vector<RoleInfo> list, context_.access.ListCatalogRoles(catalog));
  json roles = json::array();
  for (const RoleInfo& role : list) roles.push_back(RoleToJson(role));
  return Reply{kHttpOk, json{{"roles", std::move(roles)}}};
}

Result<Reply> ManagementRoutes::GetCatalogRole(const httplib::Request& req,
                                               const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string catalog, PathParam(req, 1));
  FLOE_ASSIGN_OR_RAISE(std::string name, PathParam(req, 2));
  if (auto denied =
          context_.Deny(caller, Operation::kGetCatalogRole, Securable::Catalog(catalog))) {
    return *denied;
  }
  FLOE_ASSIGN_OR_RAISE(RoleInfo role, context_.access.GetCatalogRole(catalog, name));
  return Reply{kHttpOk, RoleToJson(role)};
}

Result<Reply> ManagementRoutes::DeleteCatalogRole(const httplib::Request& req,
                                                  const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string catalog, PathParam(req, 1));
  FLOE_ASSIGN_OR_RAISE(std::string name, PathParam(req, 2));
  if (auto denied =
          context_.Deny(caller, Operation::kDeleteCatalogRole, Securable::Catalog(catalog))) {
    return *denied;
  }
  FLOE_RETURN_IF_ERROR(context_.access.DropCatalogRole(catalog, name));
  return NoContent();
}

Result<Reply> ManagementRoutes::ListAssigneesOfCatalogRole(const httplib::Request& req,
                                                           const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string catalog, PathParam(req, 1));
  FLOE_ASSIGN_OR_RAISE(std::string name, PathParam(req, 2));
  if (auto denied = context_.Deny(caller, Operation::kListAssigneePrincipalRolesForCatalogRole,
                                  Securable::Catalog(catalog))) {
    return *denied;
  }
  FLOE_RETURN_IF_ERROR(context_.access.GetCatalogRole(catalog, name).status());
  FLOE_ASSIGN_OR_RAISE(std::vector<std::string> names,
                       context_.access.PrincipalRolesWith(catalog, name));
  json roles = json::array();
  for (const std::string& role : names) {
    FLOE_ASSIGN_OR_RAISE(RoleInfo info, context_.access.GetPrincipalRole(role));
    roles.push_back(RoleToJson(info));
  }
  return Reply{kHttpOk, json{{"roles", std::move(roles)}}};
}

Result<Reply> ManagementRoutes::ListGrants(const httplib::Request& req,
                                           const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string catalog, PathParam(req, 1));
  FLOE_ASSIGN_OR_RAISE(std::string role, PathParam(req, 2));
  if (auto denied = context_.Deny(caller, Operation::kListGrantsForCatalogRole,
                                  Securable::Catalog(catalog))) {
    return *denied;
  }
  FLOE_RETURN_IF_ERROR(context_.access.GetCatalogRole(catalog, role).status());
  FLOE_ASSIGN_OR_RAISE(std::vector<Grant> list, context_.access.GrantsOf(catalog, role));
  json grants = json::array();
  for (const Grant& grant : list) grants.push_back(GrantToJson(grant));
  return Reply{kHttpOk, json{{"grants", std::move(grants)}}};
}

Status ManagementRoutes::CheckExists(const std::string& catalog, const Grant& grant) const {
  FLOE_RETURN_IF_ERROR(context_.store.GetCatalog(catalog).status());
  if (grant.kind != SecurableKind::kNamespace && grant.kind != SecurableKind::kTable) {
    return Status::Ok();
  }
  FLOE_ASSIGN_OR_RAISE(std::shared_ptr<iceberg::SqlCatalog> tables,
                       context_.store.TablesOf(catalog));
  Namespace ns;
  ns.levels = grant.ns;
  if (grant.kind == SecurableKind::kNamespace) {
    return tables->LoadNamespaceProperties(ns).status();
  }
  return tables->LoadTable(TableIdentifier{ns, grant.table}).status();
}

Result<Reply> ManagementRoutes::AddGrant(const httplib::Request& req, const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string catalog, PathParam(req, 1));
  FLOE_ASSIGN_OR_RAISE(std::string role, PathParam(req, 2));
  FLOE_ASSIGN_OR_RAISE(json body, ManagementBody(req.body, "grant"));
  FLOE_ASSIGN_OR_RAISE(Grant grant, GrantFromJson(body));
  if (auto denied =
          context_.Deny(caller, Operation::kAddGrantToCatalogRole, SecurableOf(catalog, grant))) {
    return *denied;
  }
  FLOE_RETURN_IF_ERROR(CheckExists(catalog, grant));
  FLOE_RETURN_IF_ERROR(context_.access.AddGrant(catalog, role, grant));
  return Reply{kHttpCreated, nullptr};
}

Result<Reply> ManagementRoutes::RevokeGrant(const httplib::Request& req,
                                            const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string catalog, PathParam(req, 1));
  FLOE_ASSIGN_OR_RAISE(std::string role, PathParam(req, 2));
  FLOE_ASSIGN_OR_RAISE(json body, ManagementBody(req.body, "grant"));
  FLOE_ASSIGN_OR_RAISE(Grant grant, GrantFromJson(body));
  if (auto denied = context_.Deny(caller, Operation::kRevokeGrantFromCatalogRole,
                                  SecurableOf(catalog, grant))) {
    return *denied;
  }
  FLOE_RETURN_IF_ERROR(context_.access.GetCatalogRole(catalog, role).status());
  FLOE_RETURN_IF_ERROR(context_.access.RevokeGrant(catalog, role, grant));
  return Reply{kHttpCreated, nullptr};
}

}  // namespace

Result<Grant> GrantFromJson(const json& value) {
  Grant grant;
  auto type = value.find("type");
  if (type == value.end() || !type->is_string()) {
    return InvalidArgument("grant.type: expected one of catalog, namespace, table");
  }
  const std::string kind = type->get<std::string>();
  if (kind == "catalog") {
    grant.kind = SecurableKind::kCatalog;
  } else if (kind == "namespace") {
    grant.kind = SecurableKind::kNamespace;
    FLOE_ASSIGN_OR_RAISE(grant.ns, NamespaceFromJson(value));
  } else if (kind == "table") {
    grant.kind = SecurableKind::kTable;
    FLOE_ASSIGN_OR_RAISE(grant.ns, NamespaceFromJson(value));
    auto table = value.find("tableName");
    if (table == value.end() || !table->is_string() || table->get<std::string>().empty()) {
      return InvalidArgument("grant.tableName: expected a non-empty string");
    }
    grant.table = table->get<std::string>();
  } else if (kind == "view" || kind == "policy") {
    return NotSupported("grant.type: {} grants are not supported (floe serves no {}s)", kind, kind);
  } else {
    return InvalidArgument("grant.type: unknown type '{}' (expected catalog, namespace or table)",
                           kind);
  }
  auto privilege = value.find("privilege");
  if (privilege == value.end() || !privilege->is_string()) {
    return InvalidArgument("grant.privilege: expected a string");
  }
  std::optional<Privilege> parsed = PrivilegeFromName(privilege->get<std::string>());
  if (!parsed) {
    return InvalidArgument("grant.privilege: unknown privilege '{}'",
                           privilege->get<std::string>());
  }
  if (!GrantableOn(*parsed, grant.kind)) {
    return InvalidArgument("grant.privilege: {} cannot be granted on a {}", PrivilegeName(*parsed),
                           kind);
  }
  grant.privilege = *parsed;
  return grant;
}

json GrantToJson(const Grant& grant) {
  json value = {{"type", SecurableKindName(grant.kind)},
                {"privilege", PrivilegeName(grant.privilege)}};
  if (grant.kind == SecurableKind::kNamespace || grant.kind == SecurableKind::kTable) {
    value["namespace"] = grant.ns;
  }
  if (grant.kind == SecurableKind::kTable) value["tableName"] = grant.table;
  return value;
}

void InstallManagementRoutes(httplib::Server& http, const RouteContext& context) {
  auto routes = std::make_shared<const ManagementRoutes>(context);
  auto bind = [&context, routes](RouteMethod<ManagementRoutes> method) {
    return Route(context, routes, method);
  };
  using R = ManagementRoutes;
  http.Post(kRoot + "/catalogs", bind(&R::CreateCatalog));
  http.Get(kRoot + "/catalogs", bind(&R::ListCatalogs));
  http.Get(kCatalog, bind(&R::GetCatalog));
  http.Delete(kCatalog, bind(&R::DeleteCatalog));
  http.Post(kRoot + "/principals", bind(&R::CreatePrincipal));
  http.Get(kRoot + "/principals", bind(&R::ListPrincipals));
  http.Get(kPrincipal, bind(&R::GetPrincipal));
  http.Delete(kPrincipal, bind(&R::DeletePrincipal));
  http.Post(kPrincipal + "/rotate", bind(&R::RotateCredentials));
  http.Get(kPrincipal + "/principal-roles", bind(&R::ListRolesOfPrincipal));
  http.Put(kPrincipal + "/principal-roles", bind(&R::AssignPrincipalRole));
  http.Delete(kPrincipal + "/principal-roles/([^/]+)", bind(&R::RevokePrincipalRole));
  http.Post(kRoot + "/principal-roles", bind(&R::CreatePrincipalRole));
  http.Get(kRoot + "/principal-roles", bind(&R::ListPrincipalRoles));
  http.Get(kPrincipalRole, bind(&R::GetPrincipalRole));
  http.Delete(kPrincipalRole, bind(&R::DeletePrincipalRole));
  http.Get(kPrincipalRole + "/principals", bind(&R::ListPrincipalsWithRole));
  http.Get(kPrincipalRole + "/catalog-roles/([^/]+)", bind(&R::ListCatalogRolesOf));
  http.Put(kPrincipalRole + "/catalog-roles/([^/]+)", bind(&R::AssignCatalogRole));
  http.Delete(kPrincipalRole + "/catalog-roles/([^/]+)/([^/]+)", bind(&R::RevokeCatalogRole));
  http.Post(kCatalog + "/catalog-roles", bind(&R::CreateCatalogRole));
  http.Get(kCatalog + "/catalog-roles", bind(&R::ListCatalogRoles));
  http.Get(kCatalogRole, bind(&R::GetCatalogRole));
  http.Delete(kCatalogRole, bind(&R::DeleteCatalogRole));
  http.Get(kCatalogRole + "/principal-roles", bind(&R::ListAssigneesOfCatalogRole));
  http.Get(kCatalogRole + "/grants", bind(&R::ListGrants));
  http.Put(kCatalogRole + "/grants", bind(&R::AddGrant));
  http.Post(kCatalogRole + "/grants", bind(&R::RevokeGrant));
}

}  // namespace floe::catalog_server
