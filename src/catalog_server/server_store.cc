#include "catalog_server/server_store.h"

#include "catalog_server/secret_hash.h"
#include "common/clock.h"
#include "io/file_io.h"

namespace floe::catalog_server {

using nlohmann::json;

namespace {

constexpr std::string_view kSqlitePrefix = "sqlite:";
constexpr const char* kDefaultBaseLocation = "default-base-location";
constexpr const char* kSigningKeySetting = "token-signing-key";
constexpr size_t kSigningKeyBytes = 32;

constexpr std::string_view kCreateTablesSql[] = {
    "CREATE TABLE IF NOT EXISTS floe_catalogs ("
    "name VARCHAR(255) NOT NULL PRIMARY KEY, "
    "definition TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS floe_settings ("
    "setting_key VARCHAR(255) NOT NULL PRIMARY KEY, "
    "setting_value TEXT NOT NULL)"};

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

bool LocationIsUnder(std::string_view location, std::string_view root) {
  return IsUnder(CanonicalLocation(location), CanonicalLocation(root));
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
  FLOE_ASSIGN_OR_RAISE(std::string fresh, RandomHex(kSigningKeyBytes));
  std::lock_guard lock(mutex_);
  FLOE_RETURN_IF_ERROR(db_->Execute("INSERT INTO floe_settings (setting_key, setting_value) "
                                    "VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                                    {kSigningKeySetting, fresh})
                           .status());
  FLOE_ASSIGN_OR_RAISE(std::vector<iceberg::sql::Row> rows,
                       db_->Query("SELECT setting_value FROM floe_settings WHERE setting_key = ?1",
                                  {kSigningKeySetting}));
  if (rows.empty() || rows[0].empty() || !rows[0][0]) {
    return Internal("the token signing key is missing from {}", db_->description());
  }
  return *rows[0][0];
}

Status ServerStore::Ping() {
  std::lock_guard lock(mutex_);
  return db_->Query("SELECT 1").status();
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

}  // namespace floe::catalog_server
