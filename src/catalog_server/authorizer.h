#pragma once

// Decides whether a caller may perform an operation, as Apache Polaris's PolarisAuthorizerImpl
// does: each operation needs privileges on its target (and some on a secondary target); a
// privilege is held when a grant reaching one of the caller's activated principal roles sits
// on the target or any securable above it (root → catalog → namespaces → table) and confers
// it (privilege.h). Nothing is allowed by default.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog_server/access_store.h"
#include "catalog_server/privilege.h"
#include "catalog_server/token_issuer.h"
#include "common/result.h"

namespace floe::catalog_server {

/// Polaris's operation names, each with the privileges it needs (authorizer.cc).
enum class Operation {
  kListNamespaces,
  kCreateNamespace,
  kLoadNamespaceMetadata,
  kNamespaceExists,
  kDropNamespace,
  kUpdateNamespaceProperties,
  kListTables,
  kCreateTableDirect,
  kCreateTableDirectWithWriteDelegation,
  kRegisterTable,
  kLoadTable,
  kLoadTableWithReadDelegation,
  kTableExists,
  kUpdateTable,
  kDropTableWithoutPurge,
  kDropTableWithPurge,
  kRenameTable,
  kCommitTransaction,
  kListCatalogs,
  kCreateCatalog,
  kGetCatalog,
  kDeleteCatalog,
  kListPrincipals,
  kCreatePrincipal,
  kGetPrincipal,
  kDeletePrincipal,
  kRotateCredentials,
  kListPrincipalRolesAssigned,
  kAssignPrincipalRole,
  kRevokePrincipalRole,
  kListPrincipalRoles,
  kCreatePrincipalRole,
  kGetPrincipalRole,
  kDeletePrincipalRole,
  kListAssigneePrincipalsForPrincipalRole,
  kListCatalogRolesForPrincipalRole,
  kAssignCatalogRoleToPrincipalRole,
  kRevokeCatalogRoleFromPrincipalRole,
  kListCatalogRoles,
  kCreateCatalogRole,
  kGetCatalogRole,
  kDeleteCatalogRole,
  kListAssigneePrincipalRolesForCatalogRole,
  kListGrantsForCatalogRole,
  kAddGrantToCatalogRole,
  kRevokeGrantFromCatalogRole,
};

std::string_view OperationName(Operation operation);

/// What an operation acts on: the root (principals, roles, the list of catalogs), a catalog, a
/// namespace or a table of a catalog.
struct Securable {
  SecurableKind kind = SecurableKind::kRoot;
  std::string catalog;
  std::vector<std::string> ns;
  std::string table;
  /// The principal an operation on a principal acts on (kind kRoot).
  std::string principal;

  static Securable Root() { return Securable{}; }
  static Securable Principal(std::string name);
  static Securable Catalog(std::string catalog);
  static Securable Namespace(std::string catalog, std::vector<std::string> ns);
  static Securable Table(std::string catalog, std::vector<std::string> ns, std::string table);
};

/// The caller of one request: an existing principal whose token is still valid, and the
/// principal roles the token's scope activates.
struct Caller {
  std::string principal;
  std::vector<std::string> roles;
};

/// A token's scope: "PRINCIPAL_ROLE:ALL" or "PRINCIPAL_ROLE:<name>", space-separated. Returns
/// the named roles, or nullopt for ALL; kInvalidArgument for anything else.
Result<std::optional<std::vector<std::string>>> ParseScope(std::string_view scope);

/// Thread safety: stateless besides the store it reads, which is thread-safe; every decision
/// reads the store, so a grant or revocation applies from the next request on.
class Authorizer {
 public:
  /// `access` must outlive the authorizer.
  explicit Authorizer(AccessStore& access) : access_(access) {}

  /// The caller behind verified token claims; kUnauthorized when the principal is gone or its
  /// credentials were rotated since the token was issued.
  Result<Caller> Resolve(const TokenClaims& claims) const;

  /// nullopt when `caller` may perform `operation` on `target` (and `secondary`, for the
  /// operations that have one); otherwise Polaris's message saying why not.
  Result<std::optional<std::string>> Check(const Caller& caller, Operation operation,
                                           const Securable& target,
                                           const Securable* secondary = nullptr) const;

  /// True when the caller has some grant in `catalog` (or SERVICE_MANAGE_ACCESS): only such a
  /// caller learns whether the catalog exists.
  Result<bool> SeesCatalog(const Caller& caller, const std::string& catalog) const;

 private:
  Result<bool> Holds(const Caller& caller, Privilege privilege, const Securable& target) const;

  AccessStore& access_;
};

}  // namespace floe::catalog_server
