#include "iceberg/catalog/sql_catalog.h"

#include <chrono>
#include <thread>

#include "common/uuid.h"
#include "iceberg/catalog/catalog_internal.h"
#include "iceberg/catalog/sql_connection.h"

namespace floe::iceberg {

namespace {

// The Iceberg JDBC catalog's tables (Java JdbcUtil, schema V1; PyIceberg's SqlCatalog writes the
// same without iceberg_type).
constexpr std::string_view kCreateTablesSql =
    "CREATE TABLE IF NOT EXISTS iceberg_tables ("
    "catalog_name VARCHAR(255) NOT NULL, "
    "table_namespace VARCHAR(255) NOT NULL, "
    "table_name VARCHAR(255) NOT NULL, "
    "metadata_location VARCHAR(1000), "
    "previous_metadata_location VARCHAR(1000), "
    "iceberg_type VARCHAR(5), "
    "PRIMARY KEY (catalog_name, table_namespace, table_name))";
constexpr std::string_view kCreateNamespacePropertiesSql =
    "CREATE TABLE IF NOT EXISTS iceberg_namespace_properties ("
    "catalog_name VARCHAR(255) NOT NULL, "
    "namespace VARCHAR(255) NOT NULL, "
    "property_key VARCHAR(255), "
    "property_value VARCHAR(1000), "
    "PRIMARY KEY (catalog_name, namespace, property_key))";

// Concurrent readers beside one writer, across processes; FULL makes a commit durable when its
// UPDATE returns, which exactly-once delivery counts on.
constexpr std::string_view kJournalModeSql = "PRAGMA journal_mode=WAL";
constexpr std::string_view kSynchronousSql = "PRAGMA synchronous=FULL";
constexpr std::string_view kHasTypeColumnSql =
    "SELECT 1 FROM pragma_table_info('iceberg_tables') WHERE name = 'iceberg_type'";
constexpr std::string_view kHasTypeColumnPostgresSql =
    "SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND "
    "table_name = 'iceberg_tables' AND column_name = 'iceberg_type'";

/// Java's V1 schema marks views in iceberg_type; tables are 'TABLE', or NULL when written by a
/// V0 client or PyIceberg.
constexpr std::string_view kTablesOnly = " AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)";

// A namespace "exists" when it has a property row or holds a table, itself or in a namespace
// below it (Java's and PyIceberg's rule). substr() rather than LIKE, so that '_' and '%' in
// names need no escaping.
constexpr std::string_view kNamespaceExistsSql =
    "SELECT 1 FROM iceberg_namespace_properties WHERE catalog_name = ?1 AND "
    "(namespace = ?2 OR substr(namespace, 1, length(?2) + 1) = ?2 || '.') "
    "UNION ALL SELECT 1 FROM iceberg_tables WHERE catalog_name = ?1 AND "
    "(table_namespace = ?2 OR substr(table_namespace, 1, length(?2) + 1) = ?2 || '.') LIMIT 1";
constexpr std::string_view kCountTablesUnderSql =
    "SELECT count(*) FROM iceberg_tables WHERE catalog_name = ?1 AND "
    "(table_namespace = ?2 OR substr(table_namespace, 1, length(?2) + 1) = ?2 || '.')";
constexpr std::string_view kListNamespacesSql =
    "SELECT namespace FROM iceberg_namespace_properties WHERE catalog_name = ?1 "
    "UNION SELECT table_namespace FROM iceberg_tables WHERE catalog_name = ?1 ORDER BY 1";
constexpr std::string_view kNamespacePropertiesSql =
    "SELECT property_key, property_value FROM iceberg_namespace_properties "
    "WHERE catalog_name = ?1 AND namespace = ?2";
constexpr std::string_view kInsertPropertySql =
    "INSERT INTO iceberg_namespace_properties "
    "(catalog_name, namespace, property_key, property_value) VALUES (?1, ?2, ?3, ?4)";
constexpr std::string_view kUpsertPropertySql =
    "INSERT INTO iceberg_namespace_properties "
    "(catalog_name, namespace, property_key, property_value) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (catalog_name, namespace, property_key) "
    "DO UPDATE SET property_value = excluded.property_value";
constexpr std::string_view kInsertExistsMarkerSql =
    "INSERT INTO iceberg_namespace_properties "
    "(catalog_name, namespace, property_key, property_value) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT DO NOTHING";
constexpr std::string_view kDeletePropertySql =
    "DELETE FROM iceberg_namespace_properties "
    "WHERE catalog_name = ?1 AND namespace = ?2 AND property_key = ?3";
constexpr std::string_view kDeleteNamespaceSql =
    "DELETE FROM iceberg_namespace_properties WHERE catalog_name = ?1 AND namespace = ?2";

/// The property every namespace row set carries (Java writes it on every create; PyIceberg on
/// a create without properties), so that a namespace outlives the removal of its properties.
constexpr std::string_view kExistsProperty = "exists";
constexpr std::string_view kExistsValue = "true";

constexpr std::string_view kMetadataFileSuffix = ".metadata.json";

/// The version Java parses from a metadata file name ("00012-<uuid>.metadata.json" → 12), or -1
/// when the name has another form, so that the next file is 00000 as Java would make it.
int ParseMetadataVersion(std::string_view location) {
  size_t slash = location.rfind('/');
  std::string_view name = slash == std::string_view::npos ? location : location.substr(slash + 1);
  size_t dash = name.find('-');
  if (dash == std::string_view::npos) return -1;
  std::optional<int> version = internal::ParseInt(name.substr(0, dash));
  return version && *version >= 0 ? *version : -1;
}

std::string NewMetadataLocation(const TableMetadata& metadata, int version) {
  return internal::JoinLocation(
      internal::MetadataDirectory(metadata),
      fmt::format("{:05d}-{}{}", version, NewUuid(), kMetadataFileSuffix));
}

}  // namespace

SqlCatalog::SqlCatalog(OpenToken, SqlCatalogOptions options,
                       std::unique_ptr<sql::Connection> connection, Sql sql)
    : options_(std::move(options)), connection_(std::move(connection)), sql_(std::move(sql)) {}

SqlCatalog::~SqlCatalog() = default;

Result<std::unique_ptr<SqlCatalog>> SqlCatalog::Open(SqlCatalogOptions options) {
  if (options.name.empty()) return InvalidArgument("an SQL catalog needs a name");
  if (options.database_path.empty()) return InvalidArgument("an SQL catalog needs a database");
  FLOE_ASSIGN_OR_RAISE(options.warehouse, internal::NormalizeLocation(options.warehouse));
  if (!options.file_io) {
    FLOE_ASSIGN_OR_RAISE(options.file_io, io::MakeFileIO(options.warehouse, {}));
  }

  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<sql::Connection> connection,
                       sql::OpenDatabase(options.database_path, options.busy_timeout_ms));
  const bool postgres = connection->dialect() == sql::Dialect::kPostgres;
  if (!postgres) {
    // Switching to WAL takes an exclusive lock, and SQLite answers a competing opener's attempt
    // with SQLITE_BUSY at once instead of waiting (two processes opening a new warehouse
    // together). The switch is done once per database file, so trying again briefly suffices.
    Status journal = Status::Ok();
    for (int attempt = 0; attempt < 100; ++attempt) {
      journal = connection->Execute(kJournalModeSql).status();
      if (journal.ok() || journal.message().find("database is locked") == std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    FLOE_RETURN_IF_ERROR(journal);
    FLOE_RETURN_IF_ERROR(connection->Execute(kSynchronousSql).status());
  }
  FLOE_RETURN_IF_ERROR(connection->Execute(kCreateTablesSql).status());
  FLOE_RETURN_IF_ERROR(connection->Execute(kCreateNamespacePropertiesSql).status());

  FLOE_ASSIGN_OR_RAISE(std::vector<sql::Row> type_column_rows,
                       connection->Query(postgres ? kHasTypeColumnPostgresSql : kHasTypeColumnSql));
  const bool has_type_column = !type_column_rows.empty();
  const std::string_view tables_only = has_type_column ? kTablesOnly : std::string_view();
  const std::string_view type_column = has_type_column ? ", iceberg_type" : "";
  const std::string_view type_value = has_type_column ? ", 'TABLE'" : "";

  Sql sql{
      .get_table = fmt::format("SELECT metadata_location FROM iceberg_tables WHERE catalog_name "
                               "= ?1 AND table_namespace = ?2 AND table_name = ?3{}",
                               tables_only),
      .list_tables = fmt::format("SELECT table_name FROM iceberg_tables WHERE catalog_name = ?1 "
                                 "AND table_namespace = ?2{} ORDER BY table_name",
                                 tables_only),
      .insert_table = fmt::format(
          "INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, "
          "metadata_location, previous_metadata_location{}) VALUES (?1, ?2, ?3, ?4, NULL{})",
          type_column, type_value),
      // The compare-and-swap of a commit (ICEBERG-NOTES §7).
      .commit_table = fmt::format(
          "UPDATE iceberg_tables SET metadata_location = ?1, previous_metadata_location = ?2 "
          "WHERE catalog_name = ?3 AND table_namespace = ?4 AND table_name = ?5 AND "
          "metadata_location = ?6{}",
          tables_only),
      .drop_table = fmt::format("DELETE FROM iceberg_tables WHERE catalog_name = ?1 AND "
                                "table_namespace = ?2 AND table_name = ?3{}",
                                tables_only),
      .rename_table = fmt::format(
          "UPDATE iceberg_tables SET table_namespace = ?1, table_name = ?2 WHERE catalog_name = "
          "?3 AND table_namespace = ?4 AND table_name = ?5{}",
          tables_only),
  };
  return std::make_unique<SqlCatalog>(OpenToken{}, std::move(options), std::move(connection),
                                      std::move(sql));
}

Result<bool> SqlCatalog::NamespaceExistsLocked(const std::string& ns) const {
  FLOE_ASSIGN_OR_RAISE(std::vector<sql::Row> rows,
                       connection_->Query(kNamespaceExistsSql, {options_.name, ns}));
  return !rows.empty();
}

Status SqlCatalog::CreateNamespace(const Namespace& ns,
                                   const std::map<std::string, std::string>& properties) {
  FLOE_RETURN_IF_ERROR(internal::ValidateNamespaceName(ns, internal::NameStore::kRows));
  const std::string name = ns.ToString();
  if (properties.contains(std::string(kExistsProperty))) {
    return InvalidArgument("namespace {}: property '{}' is reserved", name, kExistsProperty);
  }
  std::lock_guard lock(mutex_);
  FLOE_ASSIGN_OR_RAISE(sql::Transaction transaction, sql::Transaction::Begin(*connection_));
  FLOE_ASSIGN_OR_RAISE(bool exists, NamespaceExistsLocked(name));
  if (exists) return AlreadyExists("namespace {} exists already", name);
  FLOE_RETURN_IF_ERROR(
      connection_->Execute(kInsertPropertySql, {options_.name, name, kExistsProperty, kExistsValue})
          .status());
  for (const auto& [key, value] : properties) {
    FLOE_RETURN_IF_ERROR(
        connection_->Execute(kInsertPropertySql, {options_.name, name, key, value}).status());
  }
  return transaction.Commit();
}

Result<std::vector<Namespace>> SqlCatalog::ListNamespaces() {
  std::lock_guard lock(mutex_);
  FLOE_ASSIGN_OR_RAISE(std::vector<sql::Row> rows,
                       connection_->Query(kListNamespacesSql, {options_.name}));
  std::vector<Namespace> namespaces;
  for (const sql::Row& row : rows) {
    // Rows that floe cannot name (Java's empty namespace "", or "a..b") belong to other tools;
    // listing the rest is more use than failing on them.
    Result<Namespace> ns = Namespace::Parse(row.at(0).value_or(""));
    if (ns.ok()) namespaces.push_back(std::move(*ns));
  }
  return namespaces;
}

Result<std::map<std::string, std::string>> SqlCatalog::LoadNamespaceProperties(
    const Namespace& ns) {
  const std::string name = ns.ToString();
  std::lock_guard lock(mutex_);
  FLOE_ASSIGN_OR_RAISE(bool exists, NamespaceExistsLocked(name));
  if (!exists) return NotFound("namespace {} does not exist", name);
  FLOE_ASSIGN_OR_RAISE(std::vector<sql::Row> rows,
                       connection_->Query(kNamespacePropertiesSql, {options_.name, name}));
  std::map<std::string, std::string> properties;
  for (const sql::Row& row : rows) {
    std::string key = row.at(0).value_or("");
    if (key == kExistsProperty) continue;
    properties.emplace(std::move(key), row.at(1).value_or(""));
  }
  return properties;
}

Status SqlCatalog::UpdateNamespaceProperties(const Namespace& ns,
                                             const std::map<std::string, std::string>& updates,
                                             const std::vector<std::string>& removals) {
  const std::string name = ns.ToString();
  for (const std::string& key : removals) {
    if (key == kExistsProperty) {
      return InvalidArgument("namespace {}: property '{}' is reserved", name, kExistsProperty);
    }
    if (updates.contains(key)) {
      return InvalidArgument("namespace {}: property '{}' is both set and removed", name, key);
    }
  }
  if (updates.contains(std::string(kExistsProperty))) {
    return InvalidArgument("namespace {}: property '{}' is reserved", name, kExistsProperty);
  }
  std::lock_guard lock(mutex_);
  FLOE_ASSIGN_OR_RAISE(sql::Transaction transaction, sql::Transaction::Begin(*connection_));
  FLOE_ASSIGN_OR_RAISE(bool exists, NamespaceExistsLocked(name));
  if (!exists) return NotFound("namespace {} does not exist", name);
  for (const std::string& key : removals) {
    FLOE_RETURN_IF_ERROR(
        connection_->Execute(kDeletePropertySql, {options_.name, name, key}).status());
  }
  for (const auto& [key, value] : updates) {
    FLOE_RETURN_IF_ERROR(
        connection_->Execute(kUpsertPropertySql, {options_.name, name, key, value}).status());
  }
  // A namespace made by PyIceberg with properties, or known only from its tables, has no marker;
  // without one, removing its last property would make it disappear.
  FLOE_RETURN_IF_ERROR(
      connection_
          ->Execute(kInsertExistsMarkerSql, {options_.name, name, kExistsProperty, kExistsValue})
          .status());
  return transaction.Commit();
}

Status SqlCatalog::DropNamespace(const Namespace& ns) {
  const std::string name = ns.ToString();
  std::lock_guard lock(mutex_);
  FLOE_ASSIGN_OR_RAISE(sql::Transaction transaction, sql::Transaction::Begin(*connection_));
  FLOE_ASSIGN_OR_RAISE(bool exists, NamespaceExistsLocked(name));
  if (!exists) return NotFound("namespace {} does not exist", name);
  FLOE_ASSIGN_OR_RAISE(std::vector<sql::Row> count,
                       connection_->Query(kCountTablesUnderSql, {options_.name, name}));
  const std::string tables = count.empty() ? "0" : count[0].at(0).value_or("0");
  if (tables != "0") {
    return InvalidArgument("namespace {} is not empty: it holds {} table(s)", name, tables);
  }
  FLOE_RETURN_IF_ERROR(connection_->Execute(kDeleteNamespaceSql, {options_.name, name}).status());
  return transaction.Commit();
}

Result<std::string> SqlCatalog::MetadataLocation(const TableIdentifier& id) {
  std::lock_guard lock(mutex_);
  FLOE_ASSIGN_OR_RAISE(
      std::vector<sql::Row> rows,
      connection_->Query(sql_.get_table, {options_.name, id.ns.ToString(), id.name}));
  if (rows.empty()) return NotFound("table {} does not exist", id.ToString());
  std::optional<std::string> location = rows[0].at(0);
  if (!location || location->empty()) {
    return Corrupt("table {} has no metadata_location in catalog database {}", id.ToString(),
                   options_.database_path);
  }
  return std::move(*location);
}

Result<LoadedTable> SqlCatalog::CreateTable(const TableIdentifier& id, const Schema& schema,
                                            const PartitionSpec& spec, std::string location,
                                            const std::map<std::string, std::string>& properties) {
  FLOE_RETURN_IF_ERROR(internal::ValidateTableName(id, internal::NameStore::kRows));
  std::string table_location;
  if (location.empty()) {
    table_location =
        internal::DefaultTableLocation(options_.warehouse, id, internal::NameStore::kRows);
  } else {
    FLOE_ASSIGN_OR_RAISE(table_location, internal::NormalizeLocation(location));
  }
  FLOE_ASSIGN_OR_RAISE(TableMetadata metadata,
                       NewTableMetadata(schema, spec, table_location, properties));
  return CreateTableWithMetadata(id, std::move(metadata));
}

Result<LoadedTable> SqlCatalog::CreateTableWithMetadata(const TableIdentifier& id,
                                                        TableMetadata metadata) {
  FLOE_RETURN_IF_ERROR(internal::ValidateTableName(id, internal::NameStore::kRows));
  const std::string ns = id.ns.ToString();
  {
    // Checked before any file is written, so that the common refusals leave nothing behind.
    std::lock_guard lock(mutex_);
    FLOE_ASSIGN_OR_RAISE(bool ns_exists, NamespaceExistsLocked(ns));
    if (!ns_exists) return NotFound("namespace {} does not exist", ns);
    FLOE_ASSIGN_OR_RAISE(std::vector<sql::Row> rows,
                         connection_->Query(sql_.get_table, {options_.name, ns, id.name}));
    if (!rows.empty()) return AlreadyExists("table {} exists already", id.ToString());
  }
  const std::string metadata_location = NewMetadataLocation(metadata, 0);
  FLOE_RETURN_IF_ERROR(
      internal::WriteTableMetadata(*options_.file_io, metadata_location, metadata));

  // Whether a failed COMMIT reached the disk is not certain; then the file has to stay.
  bool commit_attempted = false;
  Status registered = InsertTable(id, metadata_location, &commit_attempted);
  if (!registered.ok()) {
    if (commit_attempted) {
      return registered.WithContext(fmt::format("registering table {} (metadata file {} kept)",
                                                id.ToString(), metadata_location));
    }
    // Nothing points at the new file. Failing to delete it leaves an orphan file, which the
    // caller cannot act on, while the registration error is what it needs.
    static_cast<void>(options_.file_io->DeleteFile(metadata_location));
    return registered;
  }
  return LoadedTable{id, metadata_location, std::move(metadata)};
}

Status SqlCatalog::InsertTable(const TableIdentifier& id, const std::string& metadata_location,
                               bool* commit_attempted) {
  const std::string ns = id.ns.ToString();
  std::lock_guard lock(mutex_);
  FLOE_ASSIGN_OR_RAISE(sql::Transaction transaction, sql::Transaction::Begin(*connection_));
  // Checked inside the transaction: another process may have dropped the namespace or taken the
  // name since the caller looked.
  FLOE_ASSIGN_OR_RAISE(bool ns_exists, NamespaceExistsLocked(ns));
  if (!ns_exists) return NotFound("namespace {} does not exist", ns);
  Status inserted =
      connection_->Execute(sql_.insert_table, {options_.name, ns, id.name, metadata_location})
          .status();
  if (inserted.IsAlreadyExists()) return AlreadyExists("table {} exists already", id.ToString());
  FLOE_RETURN_IF_ERROR(inserted);
  *commit_attempted = true;
  return transaction.Commit();
}

Result<LoadedTable> SqlCatalog::RegisterTable(
    const TableIdentifier& id, const std::string& metadata_location,
    const std::function<Status(const TableMetadata&)>& accept) {
  FLOE_RETURN_IF_ERROR(internal::ValidateTableName(id, internal::NameStore::kRows));
  FLOE_ASSIGN_OR_RAISE(TableMetadata metadata,
                       internal::ReadTableMetadata(*options_.file_io, id, metadata_location));
  if (accept) FLOE_RETURN_IF_ERROR(accept(metadata));
  // Nothing was written: whatever became of the row, the caller may look or try again.
  bool commit_attempted = false;
  FLOE_RETURN_IF_ERROR(InsertTable(id, metadata_location, &commit_attempted));
  return LoadedTable{id, metadata_location, std::move(metadata)};
}

Result<LoadedTable> SqlCatalog::LoadTable(const TableIdentifier& id) {
  FLOE_ASSIGN_OR_RAISE(std::string metadata_location, MetadataLocation(id));
  FLOE_ASSIGN_OR_RAISE(TableMetadata metadata,
                       internal::ReadTableMetadata(*options_.file_io, id, metadata_location));
  return LoadedTable{id, std::move(metadata_location), std::move(metadata)};
}

Result<std::vector<TableIdentifier>> SqlCatalog::ListTables(const Namespace& ns) {
  const std::string name = ns.ToString();
  std::lock_guard lock(mutex_);
  FLOE_ASSIGN_OR_RAISE(bool exists, NamespaceExistsLocked(name));
  if (!exists) return NotFound("namespace {} does not exist", name);
  FLOE_ASSIGN_OR_RAISE(std::vector<sql::Row> rows,
                       connection_->Query(sql_.list_tables, {options_.name, name}));
  std::vector<TableIdentifier> tables;
  for (const sql::Row& row : rows) {
    tables.push_back(TableIdentifier{ns, row.at(0).value_or("")});
  }
  return tables;
}

Status SqlCatalog::DropTable(const TableIdentifier& id, bool purge) {
  std::optional<LoadedTable> doomed;
  if (purge) {
    // Read first: a table whose metadata cannot be read cannot be purged, and then it stays
    // registered rather than leaving its files unreachable.
    Result<LoadedTable> loaded = LoadTable(id);
    if (!loaded.ok()) {
      return loaded.status().WithContext(fmt::format(
          "cannot purge table {} (drop it without purge to unregister it)", id.ToString()));
    }
    doomed = std::move(*loaded);
  }
  {
    std::lock_guard lock(mutex_);
    FLOE_ASSIGN_OR_RAISE(
        int64_t dropped,
        connection_->Execute(sql_.drop_table, {options_.name, id.ns.ToString(), id.name}));
    if (dropped == 0) return NotFound("table {} does not exist", id.ToString());
  }
  if (!doomed) return Status::Ok();
  return internal::PurgeTableFiles(*options_.file_io, options_.warehouse, doomed->metadata,
                                   doomed->metadata_location)
      .WithContext(fmt::format("table {} dropped", id.ToString()));
}

Status SqlCatalog::RenameTable(const TableIdentifier& from, const TableIdentifier& to) {
  FLOE_RETURN_IF_ERROR(internal::ValidateTableName(to, internal::NameStore::kRows));
  const std::string to_ns = to.ns.ToString();
  std::lock_guard lock(mutex_);
  FLOE_ASSIGN_OR_RAISE(sql::Transaction transaction, sql::Transaction::Begin(*connection_));
  FLOE_ASSIGN_OR_RAISE(bool ns_exists, NamespaceExistsLocked(to_ns));
  if (!ns_exists) {
    return NotFound("cannot rename {} to {}: namespace {} does not exist", from.ToString(),
                    to.ToString(), to_ns);
  }
  Result<int64_t> renamed = connection_->Execute(
      sql_.rename_table, {to_ns, to.name, options_.name, from.ns.ToString(), from.name});
  if (renamed.status().IsAlreadyExists()) {
    return AlreadyExists("cannot rename {} to {}: {} exists already", from.ToString(),
                         to.ToString(), to.ToString());
  }
  FLOE_RETURN_IF_ERROR(renamed.status());
  if (*renamed == 0) return NotFound("table {} does not exist", from.ToString());
  return transaction.Commit();
}

Result<LoadedTable> SqlCatalog::CommitTable(const LoadedTable& base, const TableMetadata& updated) {
  FLOE_ASSIGN_OR_RAISE(std::vector<LoadedTable> committed, CommitTables({{base, updated}}));
  return std::move(committed.front());
}

Result<std::vector<LoadedTable>> SqlCatalog::CommitTables(
    const std::vector<std::pair<LoadedTable, TableMetadata>>& commits) {
  if (commits.empty()) return std::vector<LoadedTable>{};
  std::vector<LoadedTable> results;
  results.reserve(commits.size());
  // Nothing points at the new files unless the swap happened. Failing to delete one leaves an
  // orphan file; the caller needs the commit's outcome, not that.
  auto discard_new_files = [&] {
    for (const LoadedTable& result : results) {
      static_cast<void>(options_.file_io->DeleteFile(result.metadata_location));
    }
  };
  for (const auto& [base, updated] : commits) {
    Result<TableMetadata> metadata = internal::ChainToBase(base, updated);
    Status written = metadata.status();
    std::string metadata_location;
    if (written.ok()) {
      metadata_location =
          NewMetadataLocation(*metadata, ParseMetadataVersion(base.metadata_location) + 1);
      written = internal::WriteTableMetadata(*options_.file_io, metadata_location, *metadata);
    }
    if (!written.ok()) {
      discard_new_files();
      return written;
    }
    results.push_back(LoadedTable{base.identifier, metadata_location, std::move(*metadata)});
  }
  const std::string names = commits.size() == 1 ? commits.front().first.identifier.ToString()
                                                : fmt::format("{} tables", commits.size());

  std::lock_guard lock(mutex_);
  // One statement needs no explicit transaction; several swap together or not at all.
  std::optional<sql::Transaction> transaction;
  if (commits.size() > 1) {
    Result<sql::Transaction> begun = sql::Transaction::Begin(*connection_);
    if (!begun.ok()) {
      discard_new_files();
      return begun.status().WithContext(fmt::format("committing to {}: not applied", names));
    }
    transaction.emplace(std::move(*begun));
  }
  for (size_t i = 0; i < commits.size(); ++i) {
    const LoadedTable& base = commits[i].first;
    const TableIdentifier& id = base.identifier;
    Result<int64_t> swapped = connection_->Execute(
        sql_.commit_table, {results[i].metadata_location, base.metadata_location, options_.name,
                            id.ns.ToString(), id.name, base.metadata_location});
    if (!swapped.ok()) {
      if (transaction || connection_->last_failure_not_applied()) {
        // SQLite could not take the write lock or the database refused the statement: the
        // UPDATE never ran (inside a transaction, the rollback undoes the others).
        discard_new_files();
        return swapped.status().WithContext(
            fmt::format("committing to table {}: not applied", id.ToString()));
      }
      // An I/O error while committing can leave a WAL commit record that recovery replays: the
      // pointer may or may not have moved, so the new file has to stay.
      return CommitStateUnknown("committing to table {} (new metadata file {}): {}", id.ToString(),
                                results[i].metadata_location, swapped.status().message());
    }
    if (*swapped == 0) {
      discard_new_files();
      return CommitFailed(
          "table {} is no longer at {}: another commit landed first, or the table was dropped "
          "or renamed",
          id.ToString(), base.metadata_location);
    }
  }
  if (transaction) {
    Status committed = transaction->Commit();
    if (!committed.ok()) {
      if (connection_->last_failure_not_applied()) {
        discard_new_files();
        return committed.WithContext(fmt::format("committing to {}: not applied", names));
      }
      return CommitStateUnknown("committing to {}: {}", names, committed.message());
    }
  }
  return results;
}

Result<std::shared_ptr<Catalog>> OpenSqliteCatalog(const std::string& database_path,
                                                   const std::string& warehouse,
                                                   const std::string& catalog_name) {
  SqlCatalogOptions options;
  options.name = catalog_name;
  options.database_path = database_path;
  options.warehouse = warehouse;
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<SqlCatalog> catalog, SqlCatalog::Open(std::move(options)));
  return std::shared_ptr<Catalog>(std::move(catalog));
}

}  // namespace floe::iceberg
