#include "catalog_server/authorizer.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <utility>

namespace floe::catalog_server {

namespace {

using O = Operation;
using P = Privilege;

constexpr std::string_view kScopePrefix = "PRINCIPAL_ROLE:";
constexpr std::string_view kAllRoles = "ALL";

struct OperationRule {
  O operation;
  std::string_view name;
  std::vector<P> on_target;
  std::vector<P> on_secondary;
};

/// Polaris's PolarisAuthorizableOperation: the privileges each operation needs on its target
/// and on its secondary target (a rename's destination namespace, a revoke's grantee).
const std::vector<OperationRule>& Rules() {
  static const std::vector<OperationRule> rules = {
      {O::kListNamespaces, "LIST_NAMESPACES", {P::kNamespaceList}, {}},
      {O::kCreateNamespace, "CREATE_NAMESPACE", {P::kNamespaceCreate}, {}},
      {O::kLoadNamespaceMetadata, "LOAD_NAMESPACE_METADATA", {P::kNamespaceReadProperties}, {}},
      {O::kNamespaceExists, "NAMESPACE_EXISTS", {P::kNamespaceList}, {}},
      {O::kDropNamespace, "DROP_NAMESPACE", {P::kNamespaceDrop}, {}},
      {O::kUpdateNamespaceProperties,
       "UPDATE_NAMESPACE_PROPERTIES",
       {P::kNamespaceWriteProperties},
       {}},
      {O::kListTables, "LIST_TABLES", {P::kTableList}, {}},
      {O::kCreateTableDirect, "CREATE_TABLE_DIRECT", {P::kTableCreate}, {}},
      {O::kCreateTableDirectWithWriteDelegation,
       "CREATE_TABLE_DIRECT_WITH_WRITE_DELEGATION",
       {P::kTableCreate, P::kTableWriteData},
       {}},
      {O::kRegisterTable, "REGISTER_TABLE", {P::kTableCreate}, {}},
      {O::kLoadTable, "LOAD_TABLE", {P::kTableReadProperties}, {}},
      {O::kLoadTableWithReadDelegation, "LOAD_TABLE_WITH_READ_DELEGATION", {P::kTableReadData}, {}},
      {O::kTableExists, "TABLE_EXISTS", {P::kTableList}, {}},
      {O::kUpdateTable, "UPDATE_TABLE", {P::kTableWriteProperties}, {}},
      {O::kDropTableWithoutPurge, "DROP_TABLE_WITHOUT_PURGE", {P::kTableDrop}, {}},
      {O::kDropTableWithPurge, "DROP_TABLE_WITH_PURGE", {P::kTableDrop, P::kTableWriteData}, {}},
      {O::kRenameTable, "RENAME_TABLE", {P::kTableDrop}, {P::kTableList, P::kTableCreate}},
      {O::kCommitTransaction, "COMMIT_TRANSACTION", {P::kTableWriteProperties}, {}},
      {O::kListCatalogs, "LIST_CATALOGS", {P::kCatalogList}, {}},
      {O::kCreateCatalog, "CREATE_CATALOG", {P::kCatalogCreate}, {}},
      {O::kGetCatalog, "GET_CATALOG", {P::kCatalogReadProperties}, {}},
      {O::kDeleteCatalog, "DELETE_CATALOG", {P::kCatalogDrop}, {}},
      {O::kListPrincipals, "LIST_PRINCIPALS", {P::kPrincipalList}, {}},
      {O::kCreatePrincipal, "CREATE_PRINCIPAL", {P::kPrincipalCreate}, {}},
      {O::kGetPrincipal, "GET_PRINCIPAL", {P::kPrincipalReadProperties}, {}},
      {O::kDeletePrincipal, "DELETE_PRINCIPAL", {P::kPrincipalDrop}, {}},
      {O::kRotateCredentials, "ROTATE_CREDENTIALS", {P::kPrincipalRotateCredentials}, {}},
      {O::kListPrincipalRolesAssigned,
       "LIST_PRINCIPAL_ROLES_ASSIGNED",
       {P::kPrincipalListGrants},
       {}},
      {O::kAssignPrincipalRole,
       "ASSIGN_PRINCIPAL_ROLE",
       {P::kPrincipalRoleManageGrantsOnSecurable},
       {}},
      {O::kRevokePrincipalRole,
       "REVOKE_PRINCIPAL_ROLE",
       {P::kPrincipalRoleManageGrantsOnSecurable},
       {}},
      {O::kListPrincipalRoles, "LIST_PRINCIPAL_ROLES", {P::kPrincipalRoleList}, {}},
      {O::kCreatePrincipalRole, "CREATE_PRINCIPAL_ROLE", {P::kPrincipalRoleCreate}, {}},
      {O::kGetPrincipalRole, "GET_PRINCIPAL_ROLE", {P::kPrincipalRoleReadProperties}, {}},
      {O::kDeletePrincipalRole, "DELETE_PRINCIPAL_ROLE", {P::kPrincipalRoleDrop}, {}},
      {O::kListAssigneePrincipalsForPrincipalRole,
       "LIST_ASSIGNEE_PRINCIPALS_FOR_PRINCIPAL_ROLE",
       {P::kPrincipalRoleListGrants},
       {}},
      {O::kListCatalogRolesForPrincipalRole,
       "LIST_CATALOG_ROLES_FOR_PRINCIPAL_ROLE",
       {P::kPrincipalRoleListGrants},
       {}},
      {O::kAssignCatalogRoleToPrincipalRole,
       "ASSIGN_CATALOG_ROLE_TO_PRINCIPAL_ROLE",
       {P::kCatalogRoleManageGrantsOnSecurable},
       {}},
      {O::kRevokeCatalogRoleFromPrincipalRole,
       "REVOKE_CATALOG_ROLE_FROM_PRINCIPAL_ROLE",
       {P::kCatalogRoleManageGrantsOnSecurable},
       {P::kPrincipalRoleManageGrantsForGrantee}},
      {O::kListCatalogRoles, "LIST_CATALOG_ROLES", {P::kCatalogRoleList}, {}},
      {O::kCreateCatalogRole, "CREATE_CATALOG_ROLE", {P::kCatalogRoleCreate}, {}},
      {O::kGetCatalogRole, "GET_CATALOG_ROLE", {P::kCatalogRoleReadProperties}, {}},
      {O::kDeleteCatalogRole, "DELETE_CATALOG_ROLE", {P::kCatalogRoleDrop}, {}},
      {O::kListAssigneePrincipalRolesForCatalogRole,
       "LIST_ASSIGNEE_PRINCIPAL_ROLES_FOR_CATALOG_ROLE",
       {P::kCatalogRoleListGrants},
       {}},
      {O::kListGrantsForCatalogRole,
       "LIST_GRANTS_FOR_CATALOG_ROLE",
       {P::kCatalogRoleListGrants},
       {}},
      {O::kAddGrantToCatalogRole,
       "ADD_GRANT_TO_CATALOG_ROLE",
       {P::kCatalogManageGrantsOnSecurable},
       {}},
      {O::kRevokeGrantFromCatalogRole,
       "REVOKE_GRANT_FROM_CATALOG_ROLE",
       {P::kCatalogManageGrantsOnSecurable, P::kCatalogRoleManageGrantsForGrantee},
       {}},
  };
  return rules;
}

const OperationRule& RuleOf(Operation operation) {
  const auto& rules = Rules();
  auto it = std::find_if(rules.begin(), rules.end(),
                         [&](const OperationRule& rule) { return rule.operation == operation; });
  return *it;  // every Operation has a rule (authorizer_test checks)
}

/// True when a grant sits on `target` or a securable above it in the same catalog.
bool Covers(const Grant& grant, const Securable& target) {
  switch (grant.kind) {
    case SecurableKind::kRoot:
      return true;
    case SecurableKind::kCatalog:
      return target.kind != SecurableKind::kRoot;
    case SecurableKind::kNamespace:
      return (target.kind == SecurableKind::kNamespace || target.kind == SecurableKind::kTable) &&
             grant.ns.size() <= target.ns.size() &&
             std::equal(grant.ns.begin(), grant.ns.end(), target.ns.begin());
    case SecurableKind::kTable:
      return target.kind == SecurableKind::kTable && grant.ns == target.ns &&
             grant.table == target.table;
  }
  return false;
}

}  // namespace

std::string_view OperationName(Operation operation) { return RuleOf(operation).name; }

Securable Securable::Principal(std::string name) {
  Securable securable;
  securable.principal = std::move(name);
  return securable;
}

Securable Securable::Catalog(std::string catalog) {
  return Securable{SecurableKind::kCatalog, std::move(catalog), {}, {}, {}};
}

Securable Securable::Namespace(std::string catalog, std::vector<std::string> ns) {
  // The empty namespace is the catalog itself (listing the top level).
  if (ns.empty()) return Catalog(std::move(catalog));
  return Securable{SecurableKind::kNamespace, std::move(catalog), std::move(ns), {}, {}};
}

Securable Securable::Table(std::string catalog, std::vector<std::string> ns, std::string table) {
  return Securable{SecurableKind::kTable, std::move(catalog), std::move(ns), std::move(table), {}};
}

Result<std::optional<std::vector<std::string>>> ParseScope(std::string_view scope) {
  std::vector<std::string> roles;
  bool all = false;
  size_t start = 0;
  while (start <= scope.size()) {
    size_t end = scope.find(' ', start);
    std::string_view item = scope.substr(start, end == std::string_view::npos ? end : end - start);
    start = end == std::string_view::npos ? scope.size() + 1 : end + 1;
    if (item.empty()) continue;
    if (!item.starts_with(kScopePrefix) || item.size() == kScopePrefix.size()) {
      return InvalidArgument(
          "invalid scope '{}': expected PRINCIPAL_ROLE:ALL or "
          "PRINCIPAL_ROLE:<name>",
          item);
    }
    std::string_view role = item.substr(kScopePrefix.size());
    if (role == kAllRoles) {
      all = true;
    } else {
      roles.emplace_back(role);
    }
  }
  if (!all && roles.empty()) {
    return InvalidArgument("scope: expected PRINCIPAL_ROLE:ALL or PRINCIPAL_ROLE:<name>");
  }
  if (all) return std::optional<std::vector<std::string>>();
  return std::optional<std::vector<std::string>>(std::move(roles));
}

Result<Caller> Authorizer::Resolve(const TokenClaims& claims) const {
  Result<PrincipalInfo> principal = access_.GetPrincipal(claims.principal);
  if (!principal.ok() && principal.status().IsNotFound()) {
    return Unauthorized("the token's principal no longer exists");
  }
  FLOE_RETURN_IF_ERROR(principal.status());
  if (principal->credential_tag != claims.credential_tag) {
    return Unauthorized("the token was issued for credentials that have been rotated");
  }
  FLOE_ASSIGN_OR_RAISE(std::vector<std::string> assigned,
                       access_.PrincipalRolesOf(claims.principal));
  FLOE_ASSIGN_OR_RAISE(std::optional<std::vector<std::string>> requested, ParseScope(claims.scope));
  Caller caller{claims.principal, {}};
  for (std::string& role : assigned) {
    if (!requested || std::find(requested->begin(), requested->end(), role) != requested->end()) {
      caller.roles.push_back(std::move(role));
    }
  }
  return caller;
}

Result<bool> Authorizer::Holds(const Caller& caller, Privilege privilege,
                               const Securable& target) const {
  // A principal may rotate its own credentials (Polaris grants this on the principal itself);
  // the service admin may rotate anyone's.
  if (privilege == P::kPrincipalRotateCredentials && target.principal == caller.principal) {
    return true;
  }
  FLOE_ASSIGN_OR_RAISE(std::vector<Privilege> root, access_.RootGrants(caller.roles));
  for (Privilege granted : root) {
    if (Confers(granted, privilege) ||
        (privilege == P::kPrincipalRotateCredentials && granted == P::kServiceManageAccess)) {
      return true;
    }
  }
  if (target.kind == SecurableKind::kRoot) return false;
  FLOE_ASSIGN_OR_RAISE(std::vector<Grant> grants,
                       access_.GrantsInEffect(target.catalog, caller.roles));
  return std::any_of(grants.begin(), grants.end(), [&](const Grant& grant) {
    return Covers(grant, target) && Confers(grant.privilege, privilege);
  });
}

Result<bool> Authorizer::SeesCatalog(const Caller& caller, const std::string& catalog) const {
  FLOE_ASSIGN_OR_RAISE(std::vector<Privilege> root, access_.RootGrants(caller.roles));
  if (!root.empty()) return true;
  FLOE_ASSIGN_OR_RAISE(std::vector<Grant> grants, access_.GrantsInEffect(catalog, caller.roles));
  return !grants.empty();
}

Result<std::optional<std::string>> Authorizer::Check(const Caller& caller, Operation operation,
                                                     const Securable& target,
                                                     const Securable* secondary) const {
  const OperationRule& rule = RuleOf(operation);
  bool allowed = true;
  for (Privilege privilege : rule.on_target) {
    FLOE_ASSIGN_OR_RAISE(bool held, Holds(caller, privilege, target));
    allowed = allowed && held;
  }
  for (Privilege privilege : rule.on_secondary) {
    FLOE_ASSIGN_OR_RAISE(bool held, Holds(caller, privilege, secondary ? *secondary : target));
    allowed = allowed && held;
  }
  if (allowed) return std::optional<std::string>();
  return std::optional<std::string>(
      fmt::format("Principal '{}' with activated PrincipalRoles '[{}]' is not authorized for op {}",
                  caller.principal, fmt::join(caller.roles, ", "), rule.name));
}

}  // namespace floe::catalog_server
