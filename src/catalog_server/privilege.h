#pragma once

// Apache Polaris's privileges, with its names and its "super-privilege" rules: which granted
// privilege confers which wanted one on the same securable (CATALOG_MANAGE_CONTENT confers every
// namespace and table privilege, TABLE_WRITE_DATA confers TABLE_READ_DATA, ...). Grants are
// inherited downwards (root → catalog → namespaces → table), which `Authorizer` applies.

#include <optional>
#include <string_view>

namespace floe::catalog_server {

enum class Privilege {
  kServiceManageAccess,
  kCatalogManageAccess,
  kCatalogManageContent,
  kCatalogManageMetadata,
  kCatalogReadProperties,
  kCatalogWriteProperties,
  kCatalogCreate,
  kCatalogDrop,
  kCatalogList,
  kCatalogFullMetadata,
  kCatalogRoleCreate,
  kCatalogRoleDrop,
  kCatalogRoleList,
  kCatalogRoleReadProperties,
  kCatalogRoleListGrants,
  kCatalogRoleManageGrantsOnSecurable,
  kCatalogRoleManageGrantsForGrantee,
  kCatalogManageGrantsOnSecurable,
  kNamespaceCreate,
  kNamespaceDrop,
  kNamespaceList,
  kNamespaceReadProperties,
  kNamespaceWriteProperties,
  kNamespaceFullMetadata,
  kNamespaceManageGrantsOnSecurable,
  kTableCreate,
  kTableDrop,
  kTableList,
  kTableReadProperties,
  kTableWriteProperties,
  kTableReadData,
  kTableWriteData,
  kTableFullMetadata,
  kTableManageGrantsOnSecurable,
  kPrincipalCreate,
  kPrincipalDrop,
  kPrincipalList,
  kPrincipalReadProperties,
  kPrincipalListGrants,
  kPrincipalRotateCredentials,
  kPrincipalResetCredentials,
  kPrincipalRoleCreate,
  kPrincipalRoleDrop,
  kPrincipalRoleList,
  kPrincipalRoleReadProperties,
  kPrincipalRoleListGrants,
  kPrincipalRoleManageGrantsOnSecurable,
  kPrincipalRoleManageGrantsForGrantee,
};

/// What a grant is attached to; a privilege may only be granted on the kinds it applies to.
enum class SecurableKind { kRoot, kCatalog, kNamespace, kTable };

/// Polaris's name ("TABLE_READ_DATA").
std::string_view PrivilegeName(Privilege privilege);
/// The privilege named `name`; nullopt for a name Polaris does not have or floe does not serve.
std::optional<Privilege> PrivilegeFromName(std::string_view name);

/// True when a grant of `granted` on a securable confers `wanted` on the same securable (and,
/// through inheritance, on everything below it).
bool Confers(Privilege granted, Privilege wanted);

/// True when `privilege` may be granted on a securable of this kind through the grants API
/// (catalog privileges on a catalog; namespace privileges on a catalog or namespace; table
/// privileges on a catalog, namespace or table), as Polaris's grant types allow.
bool GrantableOn(Privilege privilege, SecurableKind kind);

std::string_view SecurableKindName(SecurableKind kind);

}  // namespace floe::catalog_server
