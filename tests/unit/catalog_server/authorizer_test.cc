// Polaris's access model without HTTP: privilege names, the super-privilege rules (checked
// against Polaris's own table, written out here independently), inheritance down the securable
// tree, scopes, credential tags, and every operation having a rule.

#include "catalog_server/authorizer.h"

#include <gtest/gtest.h>

#include "../iceberg/catalog/catalog_test_util.h"
#include "catalog_server/management_routes.h"

namespace floe::catalog_server {
namespace {

using iceberg::testing::ScratchDir;
using P = Privilege;

TEST(PrivilegeTest, NamesRoundTripAndUnknownNamesAreRefused) {
  for (std::string_view name :
       {"CATALOG_MANAGE_ACCESS", "CATALOG_MANAGE_CONTENT", "CATALOG_MANAGE_METADATA",
        "CATALOG_READ_PROPERTIES", "NAMESPACE_CREATE", "NAMESPACE_LIST", "NAMESPACE_DROP",
        "NAMESPACE_READ_PROPERTIES", "TABLE_CREATE", "TABLE_LIST", "TABLE_DROP",
        "TABLE_READ_PROPERTIES", "TABLE_WRITE_PROPERTIES", "TABLE_READ_DATA", "TABLE_WRITE_DATA"}) {
    std::optional<Privilege> privilege = PrivilegeFromName(name);
    ASSERT_TRUE(privilege.has_value()) << name;
    EXPECT_EQ(PrivilegeName(*privilege), name);
  }
  EXPECT_FALSE(PrivilegeFromName("TABLE_READ").has_value());
  EXPECT_FALSE(PrivilegeFromName("table_read_data").has_value());
}

TEST(PrivilegeTest, SuperPrivilegesAsPolaris) {
  // From Polaris's PolarisAuthorizerImpl SUPER_PRIVILEGES.
  EXPECT_TRUE(Confers(P::kTableWriteData, P::kTableReadData));
  EXPECT_FALSE(Confers(P::kTableReadData, P::kTableWriteData));
  EXPECT_TRUE(Confers(P::kTableReadData, P::kTableReadProperties));
  EXPECT_TRUE(Confers(P::kTableReadData, P::kTableList));
  EXPECT_FALSE(Confers(P::kTableReadData, P::kTableWriteProperties));
  EXPECT_TRUE(Confers(P::kTableWriteData, P::kTableWriteProperties));
  for (P wanted :
       {P::kNamespaceCreate, P::kNamespaceDrop, P::kNamespaceList, P::kTableCreate, P::kTableDrop,
        P::kTableList, P::kTableReadData, P::kTableWriteData, P::kCatalogManageMetadata}) {
    EXPECT_TRUE(Confers(P::kCatalogManageContent, wanted)) << PrivilegeName(wanted);
  }
  // CATALOG_MANAGE_METADATA covers metadata, not data.
  EXPECT_TRUE(Confers(P::kCatalogManageMetadata, P::kTableWriteProperties));
  EXPECT_FALSE(Confers(P::kCatalogManageMetadata, P::kTableReadData));
  EXPECT_FALSE(Confers(P::kCatalogManageMetadata, P::kTableWriteData));
  // Access management is its own branch.
  EXPECT_TRUE(Confers(P::kCatalogManageAccess, P::kCatalogManageGrantsOnSecurable));
  EXPECT_FALSE(Confers(P::kCatalogManageAccess, P::kTableReadData));
  EXPECT_FALSE(Confers(P::kCatalogManageContent, P::kCatalogManageGrantsOnSecurable));
  EXPECT_TRUE(Confers(P::kServiceManageAccess, P::kCatalogCreate));
  EXPECT_TRUE(Confers(P::kServiceManageAccess, P::kPrincipalCreate));
  EXPECT_FALSE(Confers(P::kServiceManageAccess, P::kNamespaceCreate));
}

TEST(PrivilegeTest, GrantLevels) {
  EXPECT_TRUE(GrantableOn(P::kCatalogManageContent, SecurableKind::kCatalog));
  EXPECT_FALSE(GrantableOn(P::kCatalogManageContent, SecurableKind::kNamespace));
  EXPECT_TRUE(GrantableOn(P::kTableReadData, SecurableKind::kNamespace));
  EXPECT_TRUE(GrantableOn(P::kTableReadData, SecurableKind::kTable));
  EXPECT_FALSE(GrantableOn(P::kTableCreate, SecurableKind::kTable));
  EXPECT_FALSE(GrantableOn(P::kServiceManageAccess, SecurableKind::kCatalog));
}

TEST(ScopeTest, PrincipalRoleScopes) {
  auto all = ParseScope("PRINCIPAL_ROLE:ALL");
  ASSERT_TRUE(all.ok());
  EXPECT_FALSE(all->has_value());
  auto two = ParseScope("PRINCIPAL_ROLE:a PRINCIPAL_ROLE:b");
  ASSERT_TRUE(two.ok());
  ASSERT_TRUE(two->has_value());
  EXPECT_EQ(**two, (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(ParseScope("catalog").ok());
  EXPECT_FALSE(ParseScope("PRINCIPAL_ROLE:").ok());
  EXPECT_FALSE(ParseScope("").ok());
}

TEST(GrantJsonTest, ReadsPolarisGrantsAndRefusesWrongOnes) {
  auto grant = GrantFromJson(nlohmann::json::parse(
      R"({"type": "table", "namespace": ["a", "b"], "tableName": "t", "privilege": "TABLE_WRITE_DATA"})"));
  ASSERT_TRUE(grant.ok()) << grant.status().ToString();
  EXPECT_EQ(grant->kind, SecurableKind::kTable);
  EXPECT_EQ(grant->ns, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(GrantToJson(*grant)["tableName"], "t");
  for (const char* bad :
       {R"({"type": "catalog"})", R"({"type": "catalog", "privilege": 7})",
        R"({"type": "namespace", "namespace": [], "privilege": "TABLE_LIST"})",
        R"({"type": "table", "namespace": ["a"], "privilege": "TABLE_DROP"})",
        R"({"type": "catalog", "privilege": "NOPE"})", R"({"privilege": "TABLE_LIST"})"}) {
    EXPECT_FALSE(GrantFromJson(nlohmann::json::parse(bad)).ok()) << bad;
  }
}

class AuthorizerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto access = AccessStore::Open(fmt::format("sqlite:{}", (dir_.path() / "a.db").native()));
    ASSERT_TRUE(access.ok()) << access.status().ToString();
    access_ = std::move(*access);
    ASSERT_TRUE(access_->Bootstrap({"admin", "password"}).ok());
    ASSERT_TRUE(access_->CreateCatalogAdmin("c").ok());
    ASSERT_TRUE(access_->CreatePrincipal("bob").ok());
    ASSERT_TRUE(access_->CreatePrincipalRole(RoleInfo{"r", nlohmann::json::object(), 0}).ok());
    ASSERT_TRUE(access_->AssignPrincipalRole("bob", "r").ok());
    ASSERT_TRUE(access_->CreateCatalogRole("c", RoleInfo{"cr", nlohmann::json::object(), 0}).ok());
    ASSERT_TRUE(access_->AssignCatalogRole("r", "c", "cr").ok());
  }

  bool Allowed(const Caller& caller, Operation operation, const Securable& target) {
    Authorizer authorizer(*access_);
    auto denial = authorizer.Check(caller, operation, target);
    EXPECT_TRUE(denial.ok()) << denial.status().ToString();
    return denial.ok() && !denial->has_value();
  }

  ScratchDir dir_;
  std::unique_ptr<AccessStore> access_;
};

TEST_F(AuthorizerTest, EveryOperationHasAName) {
  for (int op = 0; op <= static_cast<int>(Operation::kRevokeGrantFromCatalogRole); ++op) {
    EXPECT_FALSE(OperationName(static_cast<Operation>(op)).empty()) << op;
  }
}

TEST_F(AuthorizerTest, GrantsInheritDownwardsOnly) {
  const Caller bob{"bob", {"r"}};
  ASSERT_TRUE(
      access_->AddGrant("c", "cr", Grant{SecurableKind::kNamespace, {"a"}, {}, P::kTableReadData})
          .ok());
  EXPECT_TRUE(Allowed(bob, Operation::kLoadTable, Securable::Table("c", {"a"}, "t")));
  EXPECT_TRUE(Allowed(bob, Operation::kLoadTable, Securable::Table("c", {"a", "b"}, "t")));
  EXPECT_FALSE(Allowed(bob, Operation::kLoadTable, Securable::Table("c", {"a2"}, "t")));
  EXPECT_FALSE(Allowed(bob, Operation::kLoadTable, Securable::Table("other", {"a"}, "t")));
  EXPECT_FALSE(Allowed(bob, Operation::kListNamespaces, Securable::Catalog("c")));
  EXPECT_FALSE(Allowed(bob, Operation::kUpdateTable, Securable::Table("c", {"a"}, "t")));
  // A role the token's scope leaves out confers nothing.
  EXPECT_FALSE(
      Allowed(Caller{"bob", {}}, Operation::kLoadTable, Securable::Table("c", {"a"}, "t")));
}

TEST_F(AuthorizerTest, RootIsServiceAdminAndCatalogAdmin) {
  const Caller root{"root", {kServiceAdminRole}};
  EXPECT_TRUE(Allowed(root, Operation::kCreateCatalog, Securable::Root()));
  EXPECT_TRUE(Allowed(root, Operation::kCreatePrincipal, Securable::Root()));
  EXPECT_TRUE(Allowed(root, Operation::kAddGrantToCatalogRole, Securable::Namespace("c", {"a"})));
  EXPECT_TRUE(Allowed(root, Operation::kCreateNamespace, Securable::Catalog("c")));
  EXPECT_TRUE(Allowed(root, Operation::kUpdateTable, Securable::Table("c", {"a"}, "t")));
  // catalog_admin holds CATALOG_MANAGE_METADATA, not data (as in Polaris).
  EXPECT_FALSE(
      Allowed(root, Operation::kLoadTableWithReadDelegation, Securable::Table("c", {"a"}, "t")));
  EXPECT_FALSE(Allowed(root, Operation::kCreateNamespace, Securable::Catalog("no_admin_role")));
}

TEST_F(AuthorizerTest, RotationRevokesTokens) {
  Authorizer authorizer(*access_);
  auto bob = access_->GetPrincipal("bob");
  ASSERT_TRUE(bob.ok());
  TokenClaims claims{"bob", "PRINCIPAL_ROLE:ALL", 0, bob->credential_tag};
  auto caller = authorizer.Resolve(claims);
  ASSERT_TRUE(caller.ok()) << caller.status().ToString();
  EXPECT_EQ(caller->roles, (std::vector<std::string>{"r"}));
  auto rotated = access_->RotateCredentials("bob");
  ASSERT_TRUE(rotated.ok());
  EXPECT_EQ(authorizer.Resolve(claims).status().kind(), ErrorKind::kUnauthorized);
  EXPECT_TRUE(access_->Authenticate(rotated->client_id, rotated->client_secret).ok());
  ASSERT_TRUE(access_->DropPrincipal("bob").ok());
  EXPECT_EQ(access_->Authenticate(rotated->client_id, rotated->client_secret).status().kind(),
            ErrorKind::kUnauthorized);
}

}  // namespace
}  // namespace floe::catalog_server
