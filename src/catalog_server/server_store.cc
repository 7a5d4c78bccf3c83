#include "catalog_server/server_store.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>

#include "common/clock.h"
#include "io/file_io.h"

namespace floe::catalog_server {

using nlohmann::json;

namespace {

constexpr std::string_view kSqlitePrefix = "sqlite:";
constexpr const char* kDefaultBaseLocation = "default-base-location";
constexpr const char* kSigningKeySetting = "token-signing-key";
constexpr size_t kSigningKeyBytes = 32;
constexpr size_t kSaltBytes = 16;
constexpr size_t kClientIdBytes = 8;
constexpr size_t kClientSecretBytes = 16;
/// PBKDF2 rounds for client secrets: a few milliseconds per token request, which is how often a
/// secret is checked (tokens carry the identity afterwards).
constexpr int kPbkdf2Iterations = 10'000;
constexpr size_t kHashBytes = 32;

constexpr std::string_view kCreateTablesSql[] = {
    "CREATE TABLE IF NOT EXISTS floe_principals ("
    "name VARCHAR(255) NOT NULL PRIMARY KEY, "
    "client_id VARCHAR(255) NOT NULL UNIQUE, "
    "secret_salt VARCHAR(64) NOT NULL, "
    "secret_hash VARCHAR(128) NOT NULL, "
    "created_ms VARCHAR(32))",
    "CREATE TABLE IF NOT EXISTS floe_catalogs ("
    "name VARCHAR(255) NOT NULL PRIMARY KEY, "
    "definition TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS floe_settings ("
    "setting_key VARCHAR(255) NOT NULL PRIMARY KEY, "
    "setting_value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS floe_grants ("
    "kind VARCHAR(64) NOT NULL, "
    "subject VARCHAR(255) NOT NULL, "
    "target VARCHAR(255) NOT NULL, "
    "detail TEXT, "
    "PRIMARY KEY (kind, subject, target))",
};

std::string Hex(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) out += fmt::format("{:02x}", c);
  return out;
}

Result<std::string> RandomBytes(size_t size) {
  std::string out(size, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(size)) != 1) {
    return Internal("the random number generator failed");
  }
  return out;
}

std::string HashSecret(std::string_view secret, std::string_view salt_hex) {
  std::array<unsigned char, kHashBytes> hash{};
  PKCS5_PBKDF2_HMAC(secret.data(), static_cast<int>(secret.size()),
                    reinterpret_cast<const unsigned char*>(salt_hex.data()),
                    static_cast<int>(salt_hex.size()), kPbkdf2Iterations, EVP_sha256(),
                    static_cast<int>(hash.size()), hash.data());
  return Hex(std::string_view(reinterpret_cast<const char*>(hash.data()), hash.size()));
}

/// "file:///a/b/" and "/a/b" name the same place; "s3://b/*" allows everything below s3://b.
std::string CanonicalLocation(std::string_view location) {
  if (location.starts_with("file://")) location.remove_prefix(std::string_view("file://").size());
  while (!location.empty() && (location.back() == '*' || location.back() == '/')) {
    location.remove_suffix(1);
  }
  return std::string(location);
}

bool IsUnder(std::string_view location, std::string_view root) {
  if (root.empty()) return false;
  return location == root || (location.size() > root.size() && location.starts_with(root) &&
                              location[root.size()] == '/');
}

/// FileIO properties for a catalog's storage: its own properties (s3.*, client.*) and what
/// storageConfigInfo says in Polaris's words.
std::map<std::string, std::string> StorageProperties(const CatalogEntry& entry) {
  std::map<std::string, std::string> properties = entry.properties;
  const json& storage = entry.storage_config;
  auto copy_string = [&](const char* from, const char* to) {
    if (storage.contains(from) && storage[from].is_string() && !properties.contains(to)) {
      properties[to] = storage[from].get<std::string>();
    }
  };
  copy_string("endpoint", "s3.endpoint");
  copy_string("region", "client.region");
  if (storage.contains("pathStyleAccess") && storage["pathStyleAccess"].is_boolean() &&
      !properties.contains("s3.path-style-access")) {
    properties["s3.path-style-access"] = storage["pathStyleAccess"].get<bool>() ? "true" : "false";
  }
  return properties;
}

}  // namespace

std::string CatalogEntry::default_base_location() const {
  auto it = properties.find(kDefaultBaseLocation);
  return it == properties.end() ? std::string() : it->second;
}

json CatalogEntry::ToJson() const {
  json storage = storage_config.is_object() ? storage_config : json::object();
  storage["allowedLocations"] = allowed_locations;
  return json{{"name", name},
              {"type", type},
              {"properties", properties},
              {"storageConfigInfo", storage},
              {"createTimestamp", create_timestamp_ms},
              {"lastUpdateTimestamp", create_timestamp_ms},
              {"entityVersion", 1}};
}

Result<CatalogEntry> CatalogEntry::FromJson(const json& value) {
  if (!value.is_object()) return InvalidArgument("catalog: expected an object");
  CatalogEntry entry;
  if (!value.contains("name") || !value["name"].is_string()) {
    return InvalidArgument("catalog: missing required string 'name'");
  }
  entry.name = value["name"].get<std::string>();
  if (entry.name.empty() || entry.name.find('/') != std::string::npos) {
    return InvalidArgument("catalog: invalid name '{}'", entry.name);
  }
  if (value.contains("type")) {
    if (!value["type"].is_string()) return InvalidArgument("catalog.type: expected a string");
    entry.type = value["type"].get<std::string>();
    if (entry.type != "INTERNAL") {
      return NotSupported("catalog.type: only INTERNAL catalogs are supported, not '{}'",
                          entry.type);
    }
  }
  if (value.contains("properties") && !value["properties"].is_null()) {
    const json& properties = value["properties"];
    if (!properties.is_object()) return InvalidArgument("catalog.properties: expected an object");
    for (const auto& [key, item] : properties.items()) {
      if (!item.is_string()) {
        return InvalidArgument("catalog.properties.{}: expected a string", key);
      }
      entry.properties[key] = item.get<std::string>();
    }
  }
  if (entry.default_base_location().empty()) {
    return InvalidArgument("catalog.properties: missing required '{}'", kDefaultBaseLocation);
  }
  if (value.contains("storageConfigInfo") && !value["storageConfigInfo"].is_null()) {
    const json& storage = value["storageConfigInfo"];
    if (!storage.is_object()) {
      return InvalidArgument("catalog.storageConfigInfo: expected an object");
    }
    entry.storage_config = storage;
    if (storage.contains("allowedLocations")) {
      const json& allowed = storage["allowedLocations"];
      if (!allowed.is_array()) {
        return InvalidArgument("catalog.storageConfigInfo.allowedLocations: expected an array");
      }
      for (const json& location : allowed) {
        if (!location.is_string()) {
          return InvalidArgument(
              "catalog.storageConfigInfo.allowedLocations: expected strings only");
        }
        entry.allowed_locations.push_back(location.get<std::string>());
      }
    }
    entry.storage_config.erase("allowedLocations");
  }
  if (value.contains("createTimestamp") && value["createTimestamp"].is_number_integer()) {
    entry.create_timestamp_ms = value["createTimestamp"].get<int64_t>();
  }
  return entry;
}

bool CatalogEntry::IsAllowedLocation(std::string_view location) const {
  const std::string canonical = CanonicalLocation(location);
  if (IsUnder(canonical, CanonicalLocation(default_base_location()))) return true;
  for (const std::string& allowed : allowed_locations) {
    if (IsUnder(canonical, CanonicalLocation(allowed))) return true;
  }
  return false;
}

ServerStore::ServerStore(OpenToken, std::string database_url,
                         std::unique_ptr<iceberg::sql::Connection> db)
    : database_url_(std::move(database_url)), db_(std::move(db)) {}

Result<std::unique_ptr<ServerStore>> ServerStore::Open(const std::string& database_url) {
  FLOE_ASSIGN_OR_RAISE(
      std::unique_ptr<iceberg::sql::Connection> db,
      iceberg::sql::OpenDatabase(database_url, iceberg::kDefaultSqliteBusyTimeoutMs));
  if (db->dialect() == iceberg::sql::Dialect::kSqlite) {
    FLOE_RETURN_IF_ERROR(db->Execute("PRAGMA journal_mode=WAL").status());
    FLOE_RETURN_IF_ERROR(db->Execute("PRAGMA synchronous=FULL").status());
  }
  for (std::string_view sql : kCreateTablesSql) FLOE_RETURN_IF_ERROR(db->Execute(sql).status());
  return std::make_unique<ServerStore>(OpenToken{}, database_url, std::move(db));
}

Result<std::string> ServerStore::SigningKey() {
  FLOE_ASSIGN_OR_RAISE(std::string fresh, RandomBytes(kSigningKeyBytes));
  std::lock_guard lock(mutex_);
  FLOE_RETURN_IF_ERROR(db_->Execute("INSERT INTO floe_settings (setting_key, setting_value) "
                                    "VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                                    {kSigningKeySetting, Hex(fresh)})
                           .status());
  FLOE_ASSIGN_OR_RAISE(std::vector<iceberg::sql::Row> rows,
                       db_->Query("SELECT setting_value FROM floe_settings WHERE setting_key = ?1",
                                  {kSigningKeySetting}));
  if (rows.empty() || rows[0].empty() || !rows[0][0]) {
    return Internal("the token signing key is missing from {}", db_->description());
  }
  return *rows[0][0];
}

Status ServerStore::UpsertPrincipal(const std::string& name, const ClientCredentials& credentials) {
  if (credentials.client_id.empty() || credentials.client_secret.empty()) {
    return InvalidArgument("principal {}: empty client id or secret", name);
  }
  FLOE_ASSIGN_OR_RAISE(std::string salt, RandomBytes(kSaltBytes));
  const std::string salt_hex = Hex(salt);
  const std::string hash = HashSecret(credentials.client_secret, salt_hex);
  std::lock_guard lock(mutex_);
  FLOE_ASSIGN_OR_RAISE(iceberg::sql::Transaction transaction,
                       iceberg::sql::Transaction::Begin(*db_));
  // The bootstrap client id may have belonged to another principal before: it moves.
  FLOE_RETURN_IF_ERROR(
      db_->Execute("DELETE FROM floe_principals WHERE client_id = ?1 AND name <> ?2",
                   {credentials.client_id, name})
          .status());
  FLOE_RETURN_IF_ERROR(
      db_->Execute("INSERT INTO floe_principals (name, client_id, secret_salt, secret_hash, "
                   "created_ms) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (name) DO UPDATE SET "
                   "client_id = excluded.client_id, secret_salt = excluded.secret_salt, "
                   "secret_hash = excluded.secret_hash",
                   {name, credentials.client_id, salt_hex, hash, std::to_string(NowMillis())})
          .status());
  return transaction.Commit();
}

Result<ClientCredentials> ServerStore::CreatePrincipal(const std::string& name) {
  if (name.empty()) return InvalidArgument("principal: empty name");
  FLOE_ASSIGN_OR_RAISE(std::string id_bytes, RandomBytes(kClientIdBytes));
  FLOE_ASSIGN_OR_RAISE(std::string secret_bytes, RandomBytes(kClientSecretBytes));
  ClientCredentials credentials{Hex(id_bytes), Hex(secret_bytes)};
  FLOE_ASSIGN_OR_RAISE(std::string salt, RandomBytes(kSaltBytes));
  const std::string salt_hex = Hex(salt);
  const std::string hash = HashSecret(credentials.client_secret, salt_hex);
  std::lock_guard lock(mutex_);
  Result<int64_t> inserted = db_->Execute(
      "INSERT INTO floe_principals (name, client_id, secret_salt, secret_hash, "
      "created_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
      {name, credentials.client_id, salt_hex, hash, std::to_string(NowMillis())});
  if (!inserted.ok() && inserted.status().IsAlreadyExists()) {
    return AlreadyExists("principal {} exists already", name);
  }
  FLOE_RETURN_IF_ERROR(inserted.status());
  return credentials;
}

Result<std::string> ServerStore::Authenticate(const std::string& client_id,
                                              const std::string& secret) {
  std::vector<iceberg::sql::Row> rows;
  {
    std::lock_guard lock(mutex_);
    FLOE_ASSIGN_OR_RAISE(rows, db_->Query("SELECT name, secret_salt, secret_hash FROM "
                                          "floe_principals WHERE client_id = ?1",
                                          {client_id}));
  }
  if (rows.size() != 1 || rows[0].size() != 3 || !rows[0][0] || !rows[0][1] || !rows[0][2]) {
    return Unauthorized("invalid client credentials");
  }
  const std::string hash = HashSecret(secret, *rows[0][1]);
  const std::string& expected = *rows[0][2];
  if (hash.size() != expected.size() ||
      CRYPTO_memcmp(hash.data(), expected.data(), hash.size()) != 0) {
    return Unauthorized("invalid client credentials");
  }
  return *rows[0][0];
}

Result<std::vector<std::string>> ServerStore::ListPrincipals() {
  std::lock_guard lock(mutex_);
  FLOE_ASSIGN_OR_RAISE(std::vector<iceberg::sql::Row> rows,
                       db_->Query("SELECT name FROM floe_principals ORDER BY name"));
  std::vector<std::string> names;
  for (const auto& row : rows) names.push_back(row.at(0).value_or(""));
  return names;
}

Result<int64_t> ServerStore::CountPrincipals() {
  FLOE_ASSIGN_OR_RAISE(std::vector<std::string> names, ListPrincipals());
  return static_cast<int64_t>(names.size());
}

Status ServerStore::CreateCatalog(const CatalogEntry& entry) {
  CatalogEntry stored = entry;
  if (stored.create_timestamp_ms == 0) stored.create_timestamp_ms = NowMillis();
  const std::string definition =
      stored.ToJson().dump(-1, ' ', false, json::error_handler_t::replace);
  std::lock_guard lock(mutex_);
  Result<int64_t> inserted = db_->Execute(
      "INSERT INTO floe_catalogs (name, definition) VALUES (?1, ?2)", {stored.name, definition});
  if (!inserted.ok() && inserted.status().IsAlreadyExists()) {
    return AlreadyExists("catalog {} exists already", stored.name);
  }
  return inserted.status();
}

Result<CatalogEntry> ServerStore::GetCatalog(const std::string& name) {
  std::vector<iceberg::sql::Row> rows;
  {
    std::lock_guard lock(mutex_);
    FLOE_ASSIGN_OR_RAISE(
        rows, db_->Query("SELECT definition FROM floe_catalogs WHERE name = ?1", {name}));
  }
  if (rows.empty() || !rows[0].at(0)) return NotFound("catalog {} does not exist", name);
  json definition = json::parse(*rows[0][0], nullptr, false);
  Result<CatalogEntry> entry = CatalogEntry::FromJson(definition);
  if (!entry.ok()) {
    return Corrupt("catalog {} in {}: {}", name, db_->description(), entry.status().message());
  }
  return entry;
}

Result<std::vector<CatalogEntry>> ServerStore::ListCatalogs() {
  std::vector<iceberg::sql::Row> rows;
  {
    std::lock_guard lock(mutex_);
    FLOE_ASSIGN_OR_RAISE(rows, db_->Query("SELECT name FROM floe_catalogs ORDER BY name"));
  }
  std::vector<CatalogEntry> entries;
  for (const auto& row : rows) {
    FLOE_ASSIGN_OR_RAISE(CatalogEntry entry, GetCatalog(row.at(0).value_or("")));
    entries.push_back(std::move(entry));
  }
  return entries;
}

Status ServerStore::DropCatalog(const std::string& name) {
  std::lock_guard lock(mutex_);
  FLOE_ASSIGN_OR_RAISE(
      std::vector<iceberg::sql::Row> tables,
      db_->Query("SELECT count(*) FROM iceberg_tables WHERE catalog_name = ?1", {name}));
  if (!tables.empty() && tables[0].at(0).value_or("0") != "0") {
    return InvalidArgument("catalog {} is not empty", name);
  }
  FLOE_ASSIGN_OR_RAISE(int64_t dropped,
                       db_->Execute("DELETE FROM floe_catalogs WHERE name = ?1", {name}));
  if (dropped == 0) return NotFound("catalog {} does not exist", name);
  FLOE_RETURN_IF_ERROR(
      db_->Execute("DELETE FROM iceberg_namespace_properties WHERE catalog_name = ?1", {name})
          .status());
  catalogs_.erase(name);
  return Status::Ok();
}

Result<std::shared_ptr<iceberg::SqlCatalog>> ServerStore::TablesOf(const std::string& name) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = catalogs_.find(name); it != catalogs_.end()) return it->second;
  }
  Result<CatalogEntry> entry = GetCatalog(name);
  if (!entry.ok() && entry.status().IsNotFound()) {
    return NotFound("warehouse {} does not exist", name);
  }
  FLOE_RETURN_IF_ERROR(entry.status());
  iceberg::SqlCatalogOptions options;
  options.name = name;
  options.database_path = database_url_;
  if (std::string_view(options.database_path).starts_with(kSqlitePrefix)) {
    options.database_path.erase(0, kSqlitePrefix.size());
  }
  options.warehouse = entry->default_base_location();
  FLOE_ASSIGN_OR_RAISE(options.file_io,
                       io::MakeFileIO(options.warehouse, StorageProperties(*entry)));
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<iceberg::SqlCatalog> opened,
                       iceberg::SqlCatalog::Open(std::move(options)));
  std::shared_ptr<iceberg::SqlCatalog> catalog = std::move(opened);
  std::lock_guard lock(mutex_);
  auto [it, inserted] = catalogs_.emplace(name, catalog);
  return it->second;
}

Status ServerStore::RecordGrant(const std::string& kind, const std::string& subject,
                                const std::string& target, const std::string& detail) {
  std::lock_guard lock(mutex_);
  return db_
      ->Execute(
          "INSERT INTO floe_grants (kind, subject, target, detail) VALUES (?1, ?2, ?3, ?4) "
          "ON CONFLICT (kind, subject, target) DO UPDATE SET detail = excluded.detail",
          {kind, subject, target, detail})
      .status();
}

}  // namespace floe::catalog_server
