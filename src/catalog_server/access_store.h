#pragma once

// Who may do what in `floe catalog serve`, kept as Apache Polaris keeps it: principals (with
// salted hashes of their client secrets), principal roles granted to principals, catalog roles
// (per catalog) granted to principal roles, and privileges granted to catalog roles on a
// catalog, a namespace or a table; SERVICE_MANAGE_ACCESS is granted on the root to a principal
// role (service_admin). Everything lives in the catalog server's database (floe_* tables).

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "catalog_server/privilege.h"
#include "common/result.h"
#include "iceberg/catalog/sql_connection.h"

namespace floe::catalog_server {

inline constexpr const char* kRootPrincipal = "root";
inline constexpr const char* kServiceAdminRole = "service_admin";
inline constexpr const char* kCatalogAdminRole = "catalog_admin";

struct ClientCredentials {
  std::string client_id;
  std::string client_secret;
};

/// A principal without its secret.
struct PrincipalInfo {
  std::string name;
  std::string client_id;
  int64_t create_timestamp_ms = 0;
  /// Changes whenever the credentials do: tokens carry it, so rotation revokes them.
  std::string credential_tag;
};

/// A principal role or a catalog role.
struct RoleInfo {
  std::string name;
  nlohmann::json properties = nlohmann::json::object();
  int64_t create_timestamp_ms = 0;
};

/// A privilege on a securable of one catalog: the catalog itself, a namespace or a table.
struct Grant {
  SecurableKind kind = SecurableKind::kCatalog;
  std::vector<std::string> ns;  // kNamespace, kTable
  std::string table;            // kTable
  Privilege privilege = Privilege::kCatalogManageContent;

  bool operator==(const Grant&) const = default;
};

/// Thread safety: all methods may be called from several threads (one connection behind a
/// mutex). Multi-row changes (a principal and its role assignments) are one transaction.
class AccessStore {
  struct OpenToken {
    explicit OpenToken() = default;
  };

 public:
  static Result<std::unique_ptr<AccessStore>> Open(const std::string& database_url);
  AccessStore(OpenToken, std::unique_ptr<iceberg::sql::Connection> db);

  /// Creates (or resets) principal root with these credentials, the service_admin principal
  /// role holding SERVICE_MANAGE_ACCESS, and root's membership in it. Credentials equal to the
  /// stored ones keep their tag, so a restart does not revoke root's tokens.
  Status Bootstrap(const ClientCredentials& root_credentials);
  /// The service_admin role, its root grant and root's membership (for a database made before
  /// the access model); `catalogs` get their catalog_admin role if they lack one.
  Status EnsureAdminRoles(const std::vector<std::string>& catalogs);

  Result<ClientCredentials> CreatePrincipal(const std::string& name);
  /// New credentials for `name` (the old secret and every token issued with it stop working).
  Result<ClientCredentials> RotateCredentials(const std::string& name);
  /// Also removes its role assignments.
  Status DropPrincipal(const std::string& name);
  Result<PrincipalInfo> GetPrincipal(const std::string& name);
  Result<std::vector<PrincipalInfo>> ListPrincipals();
  Result<int64_t> CountPrincipals();
  /// The principal whose credentials these are; kUnauthorized otherwise.
  Result<PrincipalInfo> Authenticate(const std::string& client_id, const std::string& secret);

  Status CreatePrincipalRole(const RoleInfo& role);
  Status DropPrincipalRole(const std::string& name);
  Result<RoleInfo> GetPrincipalRole(const std::string& name);
  Result<std::vector<RoleInfo>> ListPrincipalRoles();
  Status AssignPrincipalRole(const std::string& principal, const std::string& role);
  Status RevokePrincipalRole(const std::string& principal, const std::string& role);
  Result<std::vector<std::string>> PrincipalRolesOf(const std::string& principal);
  Result<std::vector<std::string>> PrincipalsWith(const std::string& role);
  /// The privileges granted on the root to these principal roles.
  Result<std::vector<Privilege>> RootGrants(const std::vector<std::string>& principal_roles);

  /// Creates catalog role `role` of `catalog` (the catalog must exist: the caller checks).
  Status CreateCatalogRole(const std::string& catalog, const RoleInfo& role);
  /// Creates catalog_admin with CATALOG_MANAGE_ACCESS and CATALOG_MANAGE_METADATA on the
  /// catalog, granted to service_admin, as Polaris does for a new catalog.
  Status CreateCatalogAdmin(const std::string& catalog);
  Status DropCatalogRole(const std::string& catalog, const std::string& role);
  Result<RoleInfo> GetCatalogRole(const std::string& catalog, const std::string& role);
  Result<std::vector<RoleInfo>> ListCatalogRoles(const std::string& catalog);
  Status AssignCatalogRole(const std::string& principal_role, const std::string& catalog,
                           const std::string& catalog_role);
  Status RevokeCatalogRole(const std::string& principal_role, const std::string& catalog,
                           const std::string& catalog_role);
  Result<std::vector<std::string>> CatalogRolesOf(const std::string& principal_role,
                                                  const std::string& catalog);
  Result<std::vector<std::string>> PrincipalRolesWith(const std::string& catalog,
                                                      const std::string& catalog_role);

  Status AddGrant(const std::string& catalog, const std::string& catalog_role, const Grant& grant);
  /// kNotFound when the role does not hold this grant.
  Status RevokeGrant(const std::string& catalog, const std::string& catalog_role,
                     const Grant& grant);
  Result<std::vector<Grant>> GrantsOf(const std::string& catalog, const std::string& catalog_role);
  /// The grants on `catalog`'s securables that reach these principal roles through their
  /// catalog roles.
  Result<std::vector<Grant>> GrantsInEffect(const std::string& catalog,
                                            const std::vector<std::string>& principal_roles);

  /// A dropped catalog's roles and grants; a dropped namespace's or table's grants.
  Status ForgetCatalog(const std::string& catalog);
  Status ForgetSecurable(const std::string& catalog, const Grant& securable);
  /// A renamed table keeps its grants.
  Status RenameTable(const std::string& catalog, const Grant& from, const Grant& to);

 private:
  Status InsertPrincipal(const std::string& name, const ClientCredentials& credentials);
  Status CreateCatalogAdminLocked(const std::string& catalog);

  std::mutex mutex_;
  std::unique_ptr<iceberg::sql::Connection> db_;  // guarded by mutex_
};

}  // namespace floe::catalog_server
