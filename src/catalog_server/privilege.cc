#include "catalog_server/privilege.h"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <utility>

namespace floe::catalog_server {

namespace {

using P = Privilege;

constexpr std::array<std::pair<Privilege, std::string_view>, 48> kNames = {{
    {P::kServiceManageAccess, "SERVICE_MANAGE_ACCESS"},
    {P::kCatalogManageAccess, "CATALOG_MANAGE_ACCESS"},
    {P::kCatalogManageContent, "CATALOG_MANAGE_CONTENT"},
    {P::kCatalogManageMetadata, "CATALOG_MANAGE_METADATA"},
    {P::kCatalogReadProperties, "CATALOG_READ_PROPERTIES"},
    {P::kCatalogWriteProperties, "CATALOG_WRITE_PROPERTIES"},
    {P::kCatalogCreate, "CATALOG_CREATE"},
    {P::kCatalogDrop, "CATALOG_DROP"},
    {P::kCatalogList, "CATALOG_LIST"},
    {P::kCatalogFullMetadata, "CATALOG_FULL_METADATA"},
    {P::kCatalogRoleCreate, "CATALOG_ROLE_CREATE"},
    {P::kCatalogRoleDrop, "CATALOG_ROLE_DROP"},
    {P::kCatalogRoleList, "CATALOG_ROLE_LIST"},
    {P::kCatalogRoleReadProperties, "CATALOG_ROLE_READ_PROPERTIES"},
    {P::kCatalogRoleListGrants, "CATALOG_ROLE_LIST_GRANTS"},
    {P::kCatalogRoleManageGrantsOnSecurable, "CATALOG_ROLE_MANAGE_GRANTS_ON_SECURABLE"},
    {P::kCatalogRoleManageGrantsForGrantee, "CATALOG_ROLE_MANAGE_GRANTS_FOR_GRANTEE"},
    {P::kCatalogManageGrantsOnSecurable, "CATALOG_MANAGE_GRANTS_ON_SECURABLE"},
    {P::kNamespaceCreate, "NAMESPACE_CREATE"},
    {P::kNamespaceDrop, "NAMESPACE_DROP"},
    {P::kNamespaceList, "NAMESPACE_LIST"},
    {P::kNamespaceReadProperties, "NAMESPACE_READ_PROPERTIES"},
    {P::kNamespaceWriteProperties, "NAMESPACE_WRITE_PROPERTIES"},
    {P::kNamespaceFullMetadata, "NAMESPACE_FULL_METADATA"},
    {P::kNamespaceManageGrantsOnSecurable, "NAMESPACE_MANAGE_GRANTS_ON_SECURABLE"},
    {P::kTableCreate, "TABLE_CREATE"},
    {P::kTableDrop, "TABLE_DROP"},
    {P::kTableList, "TABLE_LIST"},
    {P::kTableReadProperties, "TABLE_READ_PROPERTIES"},
    {P::kTableWriteProperties, "TABLE_WRITE_PROPERTIES"},
    {P::kTableReadData, "TABLE_READ_DATA"},
    {P::kTableWriteData, "TABLE_WRITE_DATA"},
    {P::kTableFullMetadata, "TABLE_FULL_METADATA"},
    {P::kTableManageGrantsOnSecurable, "TABLE_MANAGE_GRANTS_ON_SECURABLE"},
    {P::kPrincipalCreate, "PRINCIPAL_CREATE"},
    {P::kPrincipalDrop, "PRINCIPAL_DROP"},
    {P::kPrincipalList, "PRINCIPAL_LIST"},
    {P::kPrincipalReadProperties, "PRINCIPAL_READ_PROPERTIES"},
    {P::kPrincipalListGrants, "PRINCIPAL_LIST_GRANTS"},
    {P::kPrincipalRotateCredentials, "PRINCIPAL_ROTATE_CREDENTIALS"},
    {P::kPrincipalResetCredentials, "PRINCIPAL_RESET_CREDENTIALS"},
    {P::kPrincipalRoleCreate, "PRINCIPAL_ROLE_CREATE"},
    {P::kPrincipalRoleDrop, "PRINCIPAL_ROLE_DROP"},
    {P::kPrincipalRoleList, "PRINCIPAL_ROLE_LIST"},
    {P::kPrincipalRoleReadProperties, "PRINCIPAL_ROLE_READ_PROPERTIES"},
    {P::kPrincipalRoleListGrants, "PRINCIPAL_ROLE_LIST_GRANTS"},
    {P::kPrincipalRoleManageGrantsOnSecurable, "PRINCIPAL_ROLE_MANAGE_GRANTS_ON_SECURABLE"},
    {P::kPrincipalRoleManageGrantsForGrantee, "PRINCIPAL_ROLE_MANAGE_GRANTS_FOR_GRANTEE"},
}};

bool In(Privilege privilege, std::initializer_list<Privilege> set) {
  return std::find(set.begin(), set.end(), privilege) != set.end();
}

// The privileges that confer `wanted` besides itself: Polaris's SUPER_PRIVILEGES table
// (PolarisAuthorizerImpl), restricted to the privileges floe serves (no views, no policies).
bool ConfersOther(Privilege granted, Privilege wanted) {
  constexpr P kContent = P::kCatalogManageContent;
  constexpr P kMetadata = P::kCatalogManageMetadata;
  constexpr P kService = P::kServiceManageAccess;
  constexpr P kAccess = P::kCatalogManageAccess;
  switch (wanted) {
    case P::kNamespaceCreate:
    case P::kNamespaceDrop:
    case P::kNamespaceWriteProperties:
      return In(granted, {kContent, kMetadata, P::kNamespaceFullMetadata});
    case P::kTableCreate:
    case P::kTableDrop:
      return In(granted, {kContent, kMetadata, P::kTableFullMetadata});
    case P::kNamespaceList:
      return In(granted, {kContent, kMetadata, P::kNamespaceCreate, P::kNamespaceFullMetadata,
                          P::kNamespaceReadProperties, P::kNamespaceWriteProperties});
    case P::kTableList:
      return In(granted,
                {kContent, kMetadata, P::kTableCreate, P::kTableFullMetadata, P::kTableReadData,
                 P::kTableReadProperties, P::kTableWriteData, P::kTableWriteProperties});
    case P::kNamespaceReadProperties:
      return In(granted,
                {kContent, kMetadata, P::kNamespaceFullMetadata, P::kNamespaceWriteProperties});
    case P::kTableReadProperties:
      return In(granted, {kContent, kMetadata, P::kTableFullMetadata, P::kTableReadData,
                          P::kTableWriteData, P::kTableWriteProperties});
    case P::kTableWriteProperties:
      return In(granted, {kContent, kMetadata, P::kTableFullMetadata, P::kTableWriteData});
    case P::kTableReadData:
      return In(granted, {kContent, P::kTableWriteData});
    case P::kTableWriteData:
      return granted == kContent;
    case P::kNamespaceFullMetadata:
    case P::kTableFullMetadata:
      return In(granted, {kContent, kMetadata});
    case P::kCatalogManageMetadata:
      return granted == kContent;
    case P::kCatalogCreate:
    case P::kCatalogDrop:
      return In(granted, {P::kCatalogFullMetadata, kService});
    case P::kCatalogList:
      return In(granted, {P::kCatalogCreate, P::kCatalogFullMetadata, kContent, kMetadata,
                          P::kCatalogReadProperties, P::kCatalogWriteProperties, kService});
    case P::kCatalogReadProperties:
      return In(granted, {P::kCatalogFullMetadata, kContent, kMetadata, P::kCatalogWriteProperties,
                          kService});
    case P::kCatalogWriteProperties:
      return In(granted, {P::kCatalogFullMetadata, kContent, kMetadata, kService});
    case P::kCatalogFullMetadata:
      return granted == kService;
    case P::kCatalogRoleListGrants:
      return In(granted, {P::kCatalogRoleManageGrantsOnSecurable,
                          P::kCatalogRoleManageGrantsForGrantee, kAccess});
    case P::kCatalogManageGrantsOnSecurable:
    case P::kNamespaceManageGrantsOnSecurable:
    case P::kTableManageGrantsOnSecurable:
    case P::kCatalogRoleManageGrantsOnSecurable:
    case P::kCatalogRoleManageGrantsForGrantee:
    case P::kCatalogRoleCreate:
    case P::kCatalogRoleDrop:
      return granted == kAccess;
    case P::kCatalogRoleList:
      return In(granted, {P::kCatalogRoleCreate, P::kCatalogRoleReadProperties, kAccess});
    case P::kCatalogRoleReadProperties:
      return granted == kAccess;
    case P::kPrincipalCreate:
    case P::kPrincipalDrop:
    case P::kPrincipalReadProperties:
    case P::kPrincipalResetCredentials:
    case P::kPrincipalRoleCreate:
    case P::kPrincipalRoleDrop:
    case P::kPrincipalRoleReadProperties:
    case P::kPrincipalRoleManageGrantsOnSecurable:
    case P::kPrincipalRoleManageGrantsForGrantee:
      return granted == kService;
    case P::kPrincipalList:
      return In(granted, {P::kPrincipalCreate, P::kPrincipalReadProperties, kService});
    case P::kPrincipalListGrants:
      return granted == kService;
    case P::kPrincipalRoleList:
      return In(granted, {P::kPrincipalRoleCreate, P::kPrincipalRoleReadProperties, kService});
    case P::kPrincipalRoleListGrants:
      return In(granted, {P::kPrincipalRoleManageGrantsOnSecurable,
                          P::kPrincipalRoleManageGrantsForGrantee, kService});
    case P::kServiceManageAccess:
    case P::kCatalogManageAccess:
    case P::kCatalogManageContent:
    case P::kPrincipalRotateCredentials:
      return false;
  }
  return false;
}

bool IsCatalogPrivilege(Privilege privilege) {
  return In(privilege,
            {P::kCatalogManageAccess, P::kCatalogManageContent, P::kCatalogManageMetadata,
             P::kCatalogReadProperties, P::kCatalogWriteProperties});
}

bool IsNamespacePrivilege(Privilege privilege) {
  return In(privilege, {P::kNamespaceCreate, P::kNamespaceDrop, P::kNamespaceList,
                        P::kNamespaceReadProperties, P::kNamespaceWriteProperties,
                        P::kNamespaceFullMetadata, P::kTableCreate, P::kTableList});
}

bool IsTablePrivilege(Privilege privilege) {
  return In(privilege, {P::kTableDrop, P::kTableReadProperties, P::kTableWriteProperties,
                        P::kTableReadData, P::kTableWriteData, P::kTableFullMetadata});
}

}  // namespace

std::string_view PrivilegeName(Privilege privilege) {
  for (const auto& [value, name] : kNames) {
    if (value == privilege) return name;
  }
  return "UNKNOWN";
}

std::optional<Privilege> PrivilegeFromName(std::string_view name) {
  for (const auto& [value, known] : kNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

bool Confers(Privilege granted, Privilege wanted) {
  return granted == wanted || ConfersOther(granted, wanted);
}

bool GrantableOn(Privilege privilege, SecurableKind kind) {
  switch (kind) {
    case SecurableKind::kRoot:
      return privilege == P::kServiceManageAccess;
    case SecurableKind::kCatalog:
      return IsCatalogPrivilege(privilege) || IsNamespacePrivilege(privilege) ||
             IsTablePrivilege(privilege);
    case SecurableKind::kNamespace:
      return IsNamespacePrivilege(privilege) || IsTablePrivilege(privilege);
    case SecurableKind::kTable:
      return IsTablePrivilege(privilege);
  }
  return false;
}

std::string_view SecurableKindName(SecurableKind kind) {
  switch (kind) {
    case SecurableKind::kRoot:
      return "root";
    case SecurableKind::kCatalog:
      return "catalog";
    case SecurableKind::kNamespace:
      return "namespace";
    case SecurableKind::kTable:
      return "table";
  }
  return "unknown";
}

}  // namespace floe::catalog_server
