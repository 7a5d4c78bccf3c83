#include "catalog_server/access_store.h"

#include <algorithm>

#include "catalog_server/secret_hash.h"
#include "common/clock.h"
#include "iceberg/catalog/sql_catalog.h"

namespace floe::catalog_server {

using iceberg::sql::Row;
using iceberg::sql::Transaction;
using nlohmann::json;

namespace {

constexpr size_t kClientIdBytes = 8;
constexpr size_t kClientSecretBytes = 16;
/// How much of a credential's salt its tag shows (enough to tell two credentials apart).
constexpr size_t kTagChars = 16;
/// Namespace levels in one column, split by the unit separator (never part of a level Iceberg
/// clients send in a path: it is the path's own separator).
constexpr char kLevelSeparator = '\x1f';

constexpr std::string_view kCreateTablesSql[] = {
    "CREATE TABLE IF NOT EXISTS floe_principals ("
    "name VARCHAR(255) NOT NULL PRIMARY KEY, "
    "client_id VARCHAR(255) NOT NULL UNIQUE, "
    "secret_salt VARCHAR(64) NOT NULL, "
    "secret_hash VARCHAR(128) NOT NULL, "
    "created_ms VARCHAR(32))",
    "CREATE TABLE IF NOT EXISTS floe_principal_roles ("
    "name VARCHAR(255) NOT NULL PRIMARY KEY, "
    "properties TEXT NOT NULL, "
    "created_ms VARCHAR(32))",
    "CREATE TABLE IF NOT EXISTS floe_principal_role_members ("
    "principal VARCHAR(255) NOT NULL, "
    "principal_role VARCHAR(255) NOT NULL, "
    "PRIMARY KEY (principal, principal_role))",
    "CREATE TABLE IF NOT EXISTS floe_root_grants ("
    "principal_role VARCHAR(255) NOT NULL, "
    "privilege VARCHAR(64) NOT NULL, "
    "PRIMARY KEY (principal_role, privilege))",
    "CREATE TABLE IF NOT EXISTS floe_catalog_roles ("
    "catalog_name VARCHAR(255) NOT NULL, "
    "name VARCHAR(255) NOT NULL, "
    "properties TEXT NOT NULL, "
    "created_ms VARCHAR(32), "
    "PRIMARY KEY (catalog_name, name))",
    "CREATE TABLE IF NOT EXISTS floe_catalog_role_members ("
    "principal_role VARCHAR(255) NOT NULL, "
    "catalog_name VARCHAR(255) NOT NULL, "
    "catalog_role VARCHAR(255) NOT NULL, "
    "PRIMARY KEY (principal_role, catalog_name, catalog_role))",
    "CREATE TABLE IF NOT EXISTS floe_privilege_grants ("
    "catalog_name VARCHAR(255) NOT NULL, "
    "catalog_role VARCHAR(255) NOT NULL, "
    "securable_kind VARCHAR(16) NOT NULL, "
    "namespace_path TEXT NOT NULL, "
    "table_name VARCHAR(255) NOT NULL, "
    "privilege VARCHAR(64) NOT NULL, "
    "PRIMARY KEY (catalog_name, catalog_role, securable_kind, namespace_path, table_name, "
    "privilege))",
};

std::string JoinLevels(const std::vector<std::string>& levels) {
  std::string out;
  for (size_t i = 0; i < levels.size(); ++i) {
    if (i > 0) out += kLevelSeparator;
    out += levels[i];
  }
  return out;
}

std::vector<std::string> SplitLevels(std::string_view text) {
  std::vector<std::string> levels;
  if (text.empty()) return levels;
  size_t start = 0;
  while (true) {
    size_t end = text.find(kLevelSeparator, start);
    levels.emplace_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) return levels;
    start = end + 1;
  }
}

std::string Text(const Row& row, size_t column) {
  return column < row.size() && row[column] ? *row[column] : std::string();
}

int64_t Millis(const std::string& text) {
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return 0;
    value = value * 10 + (c - '0');
  }
  return value;
}

Result<SecurableKind> KindFromName(std::string_view name) {
  for (SecurableKind kind : {SecurableKind::kCatalog, SecurableKind::kNamespace,
                             SecurableKind::kTable, SecurableKind::kRoot}) {
    if (SecurableKindName(kind) == name) return kind;
  }
  return Corrupt("unknown securable kind '{}' in floe_privilege_grants", name);
}

/// A grant row: securable_kind, namespace_path, table_name, privilege from column `first` on.
Result<Grant> GrantFromRow(const Row& row, size_t first) {
  Grant grant;
  FLOE_ASSIGN_OR_RAISE(grant.kind, KindFromName(Text(row, first)));
  grant.ns = SplitLevels(Text(row, first + 1));
  grant.table = Text(row, first + 2);
  std::optional<Privilege> privilege = PrivilegeFromName(Text(row, first + 3));
  if (!privilege) return Corrupt("unknown privilege '{}' in floe_privilege_grants", Text(row, 3));
  grant.privilege = *privilege;
  return grant;
}

Result<std::vector<std::string>> Column(Result<std::vector<Row>> rows) {
  FLOE_RETURN_IF_ERROR(rows.status());
  std::vector<std::string> out;
  for (const Row& row : *rows) out.push_back(Text(row, 0));
  return out;
}

Result<RoleInfo> RoleFromRow(const Row& row) {
  RoleInfo role;
  role.name = Text(row, 0);
  role.properties = json::parse(Text(row, 1), nullptr, false);
  if (!role.properties.is_object()) return Corrupt("role {}: stored properties", role.name);
  role.create_timestamp_ms = Millis(Text(row, 2));
  return role;
}

std::string PropertiesText(const RoleInfo& role) {
  return role.properties.is_object() ? role.properties.dump() : std::string("{}");
}

/// Polaris answers a missing grantee or role as 404.
Status ExpectChanged(Result<int64_t> changed, std::string_view what) {
  FLOE_RETURN_IF_ERROR(changed.status());
  if (*changed == 0) return NotFound("{} does not exist", what);
  return Status::Ok();
}

}  // namespace

AccessStore::AccessStore(OpenToken, std::unique_ptr<iceberg::sql::Connection> db)
    : db_(std::move(db)) {}

Result<std::unique_ptr<AccessStore>> AccessStore::Open(const std::string& database_url) {
  FLOE_ASSIGN_OR_RAISE(
      std::unique_ptr<iceberg::sql::Connection> db,
      iceberg::sql::OpenDatabase(database_url, iceberg::kDefaultSqliteBusyTimeoutMs));
  for (std::string_view sql : kCreateTablesSql) FLOE_RETURN_IF_ERROR(db->Execute(sql).status());
  return std::make_unique<AccessStore>(OpenToken{}, std::move(db));
}

Status AccessStore::InsertPrincipal(const std::string& name, const ClientCredentials& credentials) {
  FLOE_ASSIGN_OR_RAISE(SecretHash hash, SecretHash::Of(credentials.client_secret));
  Result<int64_t> inserted = db_->Execute(
      "INSERT INTO floe_principals (name, client_id, secret_salt, secret_hash, created_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5)",
      {name, credentials.client_id, hash.salt, hash.hash, std::to_string(NowMillis())});
  if (!inserted.ok() && inserted.status().IsAlreadyExists()) {
    return AlreadyExists("principal {} exists already", name);
  }
  return inserted.status();
}

Status AccessStore::Bootstrap(const ClientCredentials& credentials) {
  if (credentials.client_id.empty() || credentials.client_secret.empty()) {
    return InvalidArgument("principal {}: empty client id or secret", kRootPrincipal);
  }
  {
    std::lock_guard lock(mutex_);
    FLOE_ASSIGN_OR_RAISE(Transaction transaction, Transaction::Begin(*db_));
    FLOE_ASSIGN_OR_RAISE(std::vector<Row> rows,
                         db_->Query("SELECT client_id, secret_salt, secret_hash FROM "
                                    "floe_principals WHERE name = ?1",
                                    {kRootPrincipal}));
    const bool unchanged =
        rows.size() == 1 && Text(rows[0], 0) == credentials.client_id &&
        SecretHash{Text(rows[0], 1), Text(rows[0], 2)}.Matches(credentials.client_secret);
    if (!unchanged) {
      // The bootstrap client id may have belonged to another principal before: it moves.
      FLOE_RETURN_IF_ERROR(db_->Execute("DELETE FROM floe_principals WHERE client_id = ?1 OR "
                                        "name = ?2",
                                        {credentials.client_id, kRootPrincipal})
                               .status());
      FLOE_RETURN_IF_ERROR(InsertPrincipal(kRootPrincipal, credentials));
    }
    FLOE_RETURN_IF_ERROR(transaction.Commit());
  }
  return EnsureAdminRoles({});
}

Status AccessStore::EnsureAdminRoles(const std::vector<std::string>& catalogs) {
  std::lock_guard lock(mutex_);
  FLOE_ASSIGN_OR_RAISE(Transaction transaction, Transaction::Begin(*db_));
  FLOE_RETURN_IF_ERROR(db_->Execute("INSERT INTO floe_principal_roles (name, properties, "
                                    "created_ms) VALUES (?1, '{}', ?2) ON CONFLICT DO NOTHING",
                                    {kServiceAdminRole, std::to_string(NowMillis())})
                           .status());
  FLOE_RETURN_IF_ERROR(
      db_->Execute("INSERT INTO floe_root_grants (principal_role, privilege) "
                   "VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                   {kServiceAdminRole, PrivilegeName(Privilege::kServiceManageAccess)})
          .status());
  FLOE_ASSIGN_OR_RAISE(
      std::vector<Row> root,
      db_->Query("SELECT name FROM floe_principals WHERE name = ?1", {kRootPrincipal}));
  if (!root.empty()) {
    FLOE_RETURN_IF_ERROR(db_->Execute("INSERT INTO floe_principal_role_members (principal, "
                                      "principal_role) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                                      {kRootPrincipal, kServiceAdminRole})
                             .status());
  }
  for (const std::string& catalog : catalogs) {
    FLOE_ASSIGN_OR_RAISE(std::vector<Row> existing,
                         db_->Query("SELECT name FROM floe_catalog_roles WHERE catalog_name = ?1 "
                                    "AND name = ?2",
                                    {catalog, kCatalogAdminRole}));
    if (existing.empty()) FLOE_RETURN_IF_ERROR(CreateCatalogAdminLocked(catalog));
  }
  return transaction.Commit();
}

Result<ClientCredentials> AccessStore::CreatePrincipal(const std::string& name) {
  if (name.empty()) return InvalidArgument("principal: empty name");
  FLOE_ASSIGN_OR_RAISE(std::string client_id, RandomHex(kClientIdBytes));
  FLOE_ASSIGN_OR_RAISE(std::string secret, RandomHex(kClientSecretBytes));
  ClientCredentials credentials{std::move(client_id), std::move(secret)};
  std::lock_guard lock(mutex_);
  FLOE_RETURN_IF_ERROR(InsertPrincipal(name, credentials));
  return credentials;
}

Result<ClientCredentials> AccessStore::RotateCredentials(const std::string& name) {
  FLOE_ASSIGN_OR_RAISE(std::string secret, RandomHex(kClientSecretBytes));
  FLOE_ASSIGN_OR_RAISE(SecretHash hash, SecretHash::Of(secret));
  std::lock_guard lock(mutex_);
  FLOE_ASSIGN_OR_RAISE(std::vector<Row> rows,
                       db_->Query("SELECT client_id FROM floe_principals WHERE name = ?1", {name}));
  if (rows.empty()) return NotFound("principal {} does not exist", name);
  FLOE_RETURN_IF_ERROR(db_->Execute("UPDATE floe_principals SET secret_salt = ?1, secret_hash = "
                                    "?2 WHERE name = ?3",
                                    {hash.salt, hash.hash, name})
                           .status());
  return ClientCredentials{Text(rows[0], 0), std::move(secret)};
}

Status AccessStore::DropPrincipal(const std::string& name) {
  if (name == kRootPrincipal) return InvalidArgument("principal root cannot be dropped");
  std::lock_guard lock(mutex_);
  FLOE_ASSIGN_OR_RAISE(Transaction transaction, Transaction::Begin(*db_));
  FLOE_RETURN_IF_ERROR(
      ExpectChanged(db_->Execute("DELETE FROM floe_principals WHERE name = ?1", {name}),
                    fmt::format("principal {}", name)));
  FLOE_RETURN_IF_ERROR(
      db_->Execute("DELETE FROM floe_principal_role_members WHERE principal = ?1", {name})
          .status());
  return transaction.Commit();
}

Result<PrincipalInfo> AccessStore::GetPrincipal(const std::string& name) {
  std::lock_guard lock(mutex_);
  FLOE_ASSIGN_OR_RAISE(std::vector<Row> rows,
                       db_->Query("SELECT name, client_id, created_ms, secret_salt FROM "
                                  "floe_principals WHERE name = ?1",
                                  {name}));
  if (rows.empty()) return NotFound("principal {} does not exist", name);
  return PrincipalInfo{Text(rows[0], 0), Text(rows[0], 1), Millis(Text(rows[0], 2)),
                       Text(rows[0], 3).substr(0, kTagChars)};
}

Result<std::vector<PrincipalInfo>> AccessStore::ListPrincipals() {
  std::lock_guard lock(mutex_);
  FLOE_ASSIGN_OR_RAISE(std::vector<Row> rows,
                       db_->Query("SELECT name, client_id, created_ms, secret_salt FROM "
                                  "floe_principals ORDER BY name"));
  std::vector<PrincipalInfo> principals;
  for (const Row& row : rows) {
    principals.push_back(PrincipalInfo{Text(row, 0), Text(row, 1), Millis(Text(row, 2)),
                                       Text(row, 3).substr(0, kTagChars)});
  }
  return principals;
}

Result<int64_t> AccessStore::CountPrincipals() {
  FLOE_ASSIGN_OR_RAISE(std::vector<PrincipalInfo> principals, ListPrincipals());
  return static_cast<int64_t>(principals.size());
}

Result<PrincipalInfo> AccessStore::Authenticate(const std::string& client_id,
                                                const std::string& secret) {
  std::vector<Row> rows;
  {
    std::lock_guard lock(mutex_);
    FLOE_ASSIGN_OR_RAISE(rows, db_->Query("SELECT name, client_id, created_ms, secret_salt, "
                                          "secret_hash FROM floe_principals WHERE client_id = ?1",
                                          {client_id}));
  }
  if (rows.size() != 1 || !SecretHash{Text(rows[0], 3), Text(rows[0], 4)}.Matches(secret)) {
    return Unauthorized("invalid client credentials");
  }
  return PrincipalInfo{Text(rows[0], 0), Text(rows[0], 1), Millis(Text(rows[0], 2)),
                       Text(rows[0], 3).substr(0, kTagChars)};
}

Status AccessStore::CreatePrincipalRole(const RoleInfo& role) {
  if (role.name.empty()) return InvalidArgument("principalRole: empty name");
  std::lock_guard lock(mutex_);
  Result<int64_t> inserted = db_->Execute(
      "INSERT INTO floe_principal_roles (name, properties, created_ms) VALUES (?1, ?2, ?3)",
      {role.name, PropertiesText(role), std::to_string(NowMillis())});
  if (!inserted.ok() && inserted.status().IsAlreadyExists()) {
    return AlreadyExists("principal role {} exists already", role.name);
  }
  return inserted.status();
}

Status AccessStore::DropPrincipalRole(const std::string& name) {
  if (name == kServiceAdminRole)
    return InvalidArgument("principal role {} cannot be dropped", name);
  std::lock_guard lock(mutex_);
  FLOE_ASSIGN_OR_RAISE(Transaction transaction, Transaction::Begin(*db_));
  FLOE_RETURN_IF_ERROR(
      ExpectChanged(db_->Execute("DELETE FROM floe_principal_roles WHERE name = ?1", {name}),
                    fmt::format("principal role {}", name)));
  for (std::string_view sql : {"DELETE FROM floe_principal_role_members WHERE principal_role = ?1",
                               "DELETE FROM floe_catalog_role_members WHERE principal_role = ?1",
                               "DELETE FROM floe_root_grants WHERE principal_role = ?1"}) {
    FLOE_RETURN_IF_ERROR(db_->Execute(sql, {name}).status());
  }
  return transaction.Commit();
}

Result<RoleInfo> AccessStore::GetPrincipalRole(const std::string& name) {
  std::lock_guard lock(mutex_);
  FLOE_ASSIGN_OR_RAISE(std::vector<Row> rows,
                       db_->Query("SELECT name, properties, created_ms FROM floe_principal_roles "
                                  "WHERE name = ?1",
                                  {name}));
  if (rows.empty()) return NotFound("principal role {} does not exist", name);
  return RoleFromRow(rows[0]);
}

Result<std::vector<RoleInfo>> AccessStore::ListPrincipalRoles() {
  std::lock_guard lock(mutex_);
  FLOE_ASSIGN_OR_RAISE(std::vector<Row> rows,
                       db_->Query("SELECT name, properties, created_ms FROM floe_principal_roles "
                                  "ORDER BY name"));
  std::vector<RoleInfo> roles;
  for (const Row& row : rows) {
    FLOE_ASSIGN_OR_RAISE(RoleInfo role, RoleFromRow(row));
    roles.push_back(std::move(role));
  }
  return roles;
}

Status AccessStore::AssignPrincipalRole(const std::string& principal, const std::string& role) {
  std::lock_guard lock(mutex_);
  FLOE_ASSIGN_OR_RAISE(
      std::vector<Row> found,
      db_->Query("SELECT (SELECT count(*) FROM floe_principals WHERE name = ?1), (SELECT count(*) "
                 "FROM floe_principal_roles WHERE name = ?2)",
                 {principal, role}));
  if (found.empty() || Text(found[0], 0) == "0") {
    return NotFound("principal {} does not exist", principal);
  }
  if (Text(found[0], 1) == "0") return NotFound("principal role {} does not exist", role);
  return db_
      ->Execute(
          "INSERT INTO floe_principal_role_members (principal, principal_role) VALUES "
          "(?1, ?2) ON CONFLICT DO NOTHING",
          {principal, role})
      .status();
}

Status AccessStore::RevokePrincipalRole(const std::string& principal, const std::string& role) {
  std::lock_guard lock(mutex_);
  return ExpectChanged(db_->Execute("DELETE FROM floe_principal_role_members WHERE principal = "
                                    "?1 AND principal_role = ?2",
                                    {principal, role}),
                       fmt::format("principal role {} of principal {}", role, principal));
}

Result<std::vector<std::string>> AccessStore::PrincipalRolesOf(const std::string& principal) {
  std::lock_guard lock(mutex_);
  return Column(
      db_->Query("SELECT principal_role FROM floe_principal_role_members WHERE "
                 "principal = ?1 ORDER BY principal_role",
                 {principal}));
}

Result<std::vector<std::string>> AccessStore::PrincipalsWith(const std::string& role) {
  std::lock_guard lock(mutex_);
  return Column(
      db_->Query("SELECT principal FROM floe_principal_role_members WHERE "
                 "principal_role = ?1 ORDER BY principal",
                 {role}));
}

Result<std::vector<Privilege>> AccessStore::RootGrants(
    const std::vector<std::string>& principal_roles) {
  std::vector<Row> rows;
  {
    std::lock_guard lock(mutex_);
    FLOE_ASSIGN_OR_RAISE(rows,
                         db_->Query("SELECT principal_role, privilege FROM floe_root_grants"));
  }
  std::vector<Privilege> privileges;
  for (const Row& row : rows) {
    if (std::find(principal_roles.begin(), principal_roles.end(), Text(row, 0)) ==
        principal_roles.end()) {
      continue;
    }
    if (std::optional<Privilege> privilege = PrivilegeFromName(Text(row, 1))) {
      privileges.push_back(*privilege);
    }
  }
  return privileges;
}

Status AccessStore::CreateCatalogRole(const std::string& catalog, const RoleInfo& role) {
  if (role.name.empty()) return InvalidArgument("catalogRole: empty name");
  std::lock_guard lock(mutex_);
  Result<int64_t> inserted = db_->Execute(
      "INSERT INTO floe_catalog_roles (catalog_name, name, properties, created_ms) VALUES (?1, "
      "?2, ?3, ?4)",
      {catalog, role.name, PropertiesText(role), std::to_string(NowMillis())});
  if (!inserted.ok() && inserted.status().IsAlreadyExists()) {
    return AlreadyExists("catalog role {} of catalog {} exists already", role.name, catalog);
  }
  return inserted.status();
}

Status AccessStore::CreateCatalogAdminLocked(const std::string& catalog) {
  FLOE_RETURN_IF_ERROR(db_->Execute("INSERT INTO floe_catalog_roles (catalog_name, name, "
                                    "properties, created_ms) VALUES (?1, ?2, '{}', ?3) ON "
                                    "CONFLICT DO NOTHING",
                                    {catalog, kCatalogAdminRole, std::to_string(NowMillis())})
                           .status());
  for (Privilege privilege : {Privilege::kCatalogManageAccess, Privilege::kCatalogManageMetadata}) {
    FLOE_RETURN_IF_ERROR(
        db_->Execute("INSERT INTO floe_privilege_grants (catalog_name, catalog_role, "
                     "securable_kind, namespace_path, table_name, privilege) VALUES (?1, ?2, "
                     "?3, '', '', ?4) ON CONFLICT DO NOTHING",
                     {catalog, kCatalogAdminRole, SecurableKindName(SecurableKind::kCatalog),
                      PrivilegeName(privilege)})
            .status());
  }
  return db_
      ->Execute(
          "INSERT INTO floe_catalog_role_members (principal_role, catalog_name, "
          "catalog_role) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
          {kServiceAdminRole, catalog, kCatalogAdminRole})
      .status();
}

Status AccessStore::CreateCatalogAdmin(const std::string& catalog) {
  std::lock_guard lock(mutex_);
  FLOE_ASSIGN_OR_RAISE(Transaction transaction, Transaction::Begin(*db_));
  FLOE_RETURN_IF_ERROR(CreateCatalogAdminLocked(catalog));
  return transaction.Commit();
}

Status AccessStore::DropCatalogRole(const std::string& catalog, const std::string& role) {
  if (role == kCatalogAdminRole) return InvalidArgument("catalog role {} cannot be dropped", role);
  std::lock_guard lock(mutex_);
  FLOE_ASSIGN_OR_RAISE(Transaction transaction, Transaction::Begin(*db_));
  FLOE_RETURN_IF_ERROR(ExpectChanged(
      db_->Execute("DELETE FROM floe_catalog_roles WHERE catalog_name = ?1 AND name = ?2",
                   {catalog, role}),
      fmt::format("catalog role {} of catalog {}", role, catalog)));
  for (std::string_view sql :
       {"DELETE FROM floe_catalog_role_members WHERE catalog_name = ?1 AND catalog_role = ?2",
        "DELETE FROM floe_privilege_grants WHERE catalog_name = ?1 AND catalog_role = ?2"}) {
    FLOE_RETURN_IF_ERROR(db_->Execute(sql, {catalog, role}).status());
  }
  return transaction.Commit();
}

Result<RoleInfo> AccessStore::GetCatalogRole(const std::string& catalog, const std::string& role) {
  std::lock_guard lock(mutex_);
  FLOE_ASSIGN_OR_RAISE(std::vector<Row> rows,
                       db_->Query("SELECT name, properties, created_ms FROM floe_catalog_roles "
                                  "WHERE catalog_name = ?1 AND name = ?2",
                                  {catalog, role}));
  if (rows.empty()) return NotFound("catalog role {} of catalog {} does not exist", role, catalog);
  return RoleFromRow(rows[0]);
}

Result<std::vector<RoleInfo>> AccessStore::ListCatalogRoles(const std::string& catalog) {
  std::lock_guard lock(mutex_);
  FLOE_ASSIGN_OR_RAISE(std::vector<Row> rows,
                       db_->Query("SELECT name, properties, created_ms FROM floe_catalog_roles "
                                  "WHERE catalog_name = ?1 ORDER BY name",
                                  {catalog}));
  std::vector<RoleInfo> roles;
  for (const Row& row : rows) {
    FLOE_ASSIGN_OR_RAISE(RoleInfo role, RoleFromRow(row));
    roles.push_back(std::move(role));
  }
  return roles;
}

Status AccessStore::AssignCatalogRole(const std::string& principal_role, const std::string& catalog,
                                      const std::string& catalog_role) {
  std::lock_guard lock(mutex_);
  FLOE_ASSIGN_OR_RAISE(
      std::vector<Row> found,
      db_->Query("SELECT (SELECT count(*) FROM floe_principal_roles WHERE name = ?1), (SELECT "
                 "count(*) FROM floe_catalog_roles WHERE catalog_name = ?2 AND name = ?3)",
                 {principal_role, catalog, catalog_role}));
  if (found.empty() || Text(found[0], 0) == "0") {
    return NotFound("principal role {} does not exist", principal_role);
  }
  if (Text(found[0], 1) == "0") {
    return NotFound("catalog role {} of catalog {} does not exist", catalog_role, catalog);
  }
  return db_
      ->Execute(
          "INSERT INTO floe_catalog_role_members (principal_role, catalog_name, "
          "catalog_role) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
          {principal_role, catalog, catalog_role})
      .status();
}

Status AccessStore::RevokeCatalogRole(const std::string& principal_role, const std::string& catalog,
                                      const std::string& catalog_role) {
  std::lock_guard lock(mutex_);
  return ExpectChanged(
      db_->Execute("DELETE FROM floe_catalog_role_members WHERE principal_role = ?1 AND "
                   "catalog_name = ?2 AND catalog_role = ?3",
                   {principal_role, catalog, catalog_role}),
      fmt::format("catalog role {} of catalog {} granted to principal role {}", catalog_role,
                  catalog, principal_role));
}

Result<std::vector<std::string>> AccessStore::CatalogRolesOf(const std::string& principal_role,
                                                             const std::string& catalog) {
  std::lock_guard lock(mutex_);
  return Column(
      db_->Query("SELECT catalog_role FROM floe_catalog_role_members WHERE "
                 "principal_role = ?1 AND catalog_name = ?2 ORDER BY catalog_role",
                 {principal_role, catalog}));
}

Result<std::vector<std::string>> AccessStore::PrincipalRolesWith(const std::string& catalog,
                                                                 const std::string& catalog_role) {
  std::lock_guard lock(mutex_);
  return Column(
      db_->Query("SELECT principal_role FROM floe_catalog_role_members WHERE "
                 "catalog_name = ?1 AND catalog_role = ?2 ORDER BY principal_role",
                 {catalog, catalog_role}));
}

Status AccessStore::AddGrant(const std::string& catalog, const std::string& catalog_role,
                             const Grant& grant) {
  std::lock_guard lock(mutex_);
  FLOE_ASSIGN_OR_RAISE(std::vector<Row> found,
                       db_->Query("SELECT name FROM floe_catalog_roles WHERE catalog_name = ?1 "
                                  "AND name = ?2",
                                  {catalog, catalog_role}));
  if (found.empty()) {
    return NotFound("catalog role {} of catalog {} does not exist", catalog_role, catalog);
  }
  return db_
      ->Execute(
          "INSERT INTO floe_privilege_grants (catalog_name, catalog_role, securable_kind, "
          "namespace_path, table_name, privilege) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON "
          "CONFLICT DO NOTHING",
          {catalog, catalog_role, SecurableKindName(grant.kind), JoinLevels(grant.ns), grant.table,
           PrivilegeName(grant.privilege)})
      .status();
}

Status AccessStore::RevokeGrant(const std::string& catalog, const std::string& catalog_role,
                                const Grant& grant) {
  std::lock_guard lock(mutex_);
  return ExpectChanged(
      db_->Execute("DELETE FROM floe_privilege_grants WHERE catalog_name = ?1 AND catalog_role = "
                   "?2 AND securable_kind = ?3 AND namespace_path = ?4 AND table_name = ?5 AND "
                   "privilege = ?6",
                   {catalog, catalog_role, SecurableKindName(grant.kind), JoinLevels(grant.ns),
                    grant.table, PrivilegeName(grant.privilege)}),
      fmt::format("grant of {} to catalog role {}", PrivilegeName(grant.privilege), catalog_role));
}

Result<std::vector<Grant>> AccessStore::GrantsOf(const std::string& catalog,
                                                 const std::string& catalog_role) {
  std::vector<Row> rows;
  {
    std::lock_guard lock(mutex_);
    FLOE_ASSIGN_OR_RAISE(
        rows, db_->Query("SELECT securable_kind, namespace_path, table_name, privilege FROM "
                         "floe_privilege_grants WHERE catalog_name = ?1 AND catalog_role = ?2 "
                         "ORDER BY securable_kind, namespace_path, table_name, privilege",
                         {catalog, catalog_role}));
  }
  std::vector<Grant> grants;
  for (const Row& row : rows) {
    FLOE_ASSIGN_OR_RAISE(Grant grant, GrantFromRow(row, 0));
    grants.push_back(std::move(grant));
  }
  return grants;
}

Result<std::vector<Grant>> AccessStore::GrantsInEffect(
    const std::string& catalog, const std::vector<std::string>& principal_roles) {
  std::vector<Row> rows;
  {
    std::lock_guard lock(mutex_);
    FLOE_ASSIGN_OR_RAISE(
        rows, db_->Query("SELECT m.principal_role, g.securable_kind, g.namespace_path, "
                         "g.table_name, g.privilege FROM floe_privilege_grants g JOIN "
                         "floe_catalog_role_members m ON m.catalog_name = g.catalog_name AND "
                         "m.catalog_role = g.catalog_role WHERE g.catalog_name = ?1",
                         {catalog}));
  }
  std::vector<Grant> grants;
  for (const Row& row : rows) {
    if (std::find(principal_roles.begin(), principal_roles.end(), Text(row, 0)) ==
        principal_roles.end()) {
      continue;
    }
    FLOE_ASSIGN_OR_RAISE(Grant grant, GrantFromRow(row, 1));
    grants.push_back(std::move(grant));
  }
  return grants;
}

Status AccessStore::ForgetCatalog(const std::string& catalog) {
  std::lock_guard lock(mutex_);
  FLOE_ASSIGN_OR_RAISE(Transaction transaction, Transaction::Begin(*db_));
  for (std::string_view sql : {"DELETE FROM floe_catalog_roles WHERE catalog_name = ?1",
                               "DELETE FROM floe_catalog_role_members WHERE catalog_name = ?1",
                               "DELETE FROM floe_privilege_grants WHERE catalog_name = ?1"}) {
    FLOE_RETURN_IF_ERROR(db_->Execute(sql, {catalog}).status());
  }
  return transaction.Commit();
}

Status AccessStore::ForgetSecurable(const std::string& catalog, const Grant& securable) {
  std::lock_guard lock(mutex_);
  return db_
      ->Execute(
          "DELETE FROM floe_privilege_grants WHERE catalog_name = ?1 AND securable_kind = "
          "?2 AND namespace_path = ?3 AND table_name = ?4",
          {catalog, SecurableKindName(securable.kind), JoinLevels(securable.ns), securable.table})
      .status();
}

Status AccessStore::RenameTable(const std::string& catalog, const Grant& from, const Grant& to) {
  std::lock_guard lock(mutex_);
  return db_
      ->Execute(
          "UPDATE floe_privilege_grants SET namespace_path = ?1, table_name = ?2 WHERE "
          "catalog_name = ?3 AND securable_kind = ?4 AND namespace_path = ?5 AND "
          "table_name = ?6",
          {JoinLevels(to.ns), to.table, catalog, SecurableKindName(SecurableKind::kTable),
           JoinLevels(from.ns), from.table})
      .status();
}

}  // namespace floe::catalog_server
