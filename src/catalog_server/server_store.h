#pragma once

// What `floe catalog serve` keeps besides the Iceberg tables and the access model
// (access_store.h): the catalogs (warehouses) created through the management API and the token
// signing key. All of it lives in the same database as the SQL catalog's tables (floe_* tables
// beside iceberg_tables), so one backup or one PostgreSQL holds everything.

#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/result.h"
#include "iceberg/catalog/sql_catalog.h"
#include "iceberg/catalog/sql_connection.h"

namespace floe::catalog_server {

/// A catalog of the management API: its Iceberg tables are those of the SQL catalog named
/// `name`, with default locations under `default_base_location`.
struct CatalogEntry {
  std::string name;
  std::string type = "INTERNAL";
  std::map<std::string, std::string> properties;  // holds default-base-location
  nlohmann::json storage_config = nlohmann::json::object();
  std::vector<std::string> allowed_locations;
  int64_t create_timestamp_ms = 0;

  std::string default_base_location() const;
  /// Polaris's JSON form: {"name", "type", "properties", "storageConfigInfo", ...}.
  nlohmann::json ToJson() const;
  /// Reads the "catalog" object of a create request (or a stored definition).
  static Result<CatalogEntry> FromJson(const nlohmann::json& value);
  /// True when `location` lies under the default base location or an allowed location.
  bool IsAllowedLocation(std::string_view location) const;
};

/// True when `location` is `root` or below it ("file:///a/b/" and "/a/b" name the same place;
/// "s3://b/*" covers everything below s3://b).
bool LocationIsUnder(std::string_view location, std::string_view root);

/// Thread safety: all methods may be called from several threads (one connection behind a
/// mutex; the SQL catalogs it hands out are thread-safe themselves).
class ServerStore {
  struct OpenToken {
    explicit OpenToken() = default;
  };

 public:
  /// Opens (creating the tables if missing) the database at `database_url` ("sqlite:PATH" or
  /// "postgresql://...").
  static Result<std::unique_ptr<ServerStore>> Open(const std::string& database_url);
  ServerStore(OpenToken, std::string database_url, std::unique_ptr<iceberg::sql::Connection> db);

  /// The token signing key, created on first use (a race between servers keeps the first).
  Result<std::string> SigningKey();

  /// Answers a trivial query: the database is reachable (the readiness check).
  Status Ping();

  Status CreateCatalog(const CatalogEntry& entry);
  Result<CatalogEntry> GetCatalog(const std::string& name);
  Result<std::vector<CatalogEntry>> ListCatalogs();
  Status DropCatalog(const std::string& name);

  /// The SQL catalog holding warehouse `name`'s tables, opened once and shared.
  Result<std::shared_ptr<iceberg::SqlCatalog>> TablesOf(const std::string& name);

 private:
  const std::string database_url_;
  std::mutex mutex_;
  std::unique_ptr<iceberg::sql::Connection> db_;                          // guarded by mutex_
  std::map<std::string, std::shared_ptr<iceberg::SqlCatalog>> catalogs_;  // guarded by mutex_
};

}  // namespace floe::catalog_server
