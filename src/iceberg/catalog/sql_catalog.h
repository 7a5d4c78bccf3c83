#pragma once

// The SQL catalog on SQLite or PostgreSQL, with Iceberg's JDBC catalog schema (ICEBERG-NOTES §7),
// so that PyIceberg's SqlCatalog and Java's JdbcCatalog read and write the same database.

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "iceberg/catalog/catalog.h"

namespace floe::iceberg {

namespace sql {
class Connection;
}  // namespace sql

/// Commits hold SQLite's write lock for milliseconds; 30 s rides out bursts from many processes
/// and WAL checkpoints, yet still turns a lock holder that hangs into an error.
inline constexpr int kDefaultSqliteBusyTimeoutMs = 30'000;

struct SqlCatalogOptions {
  /// iceberg_tables.catalog_name: several catalogs can share one database.
  std::string name = kDefaultCatalogName;
  /// The database: an SQLite file ("PATH" or "sqlite:PATH"), created with the catalog's tables
  /// if missing, or a PostgreSQL URL ("postgresql://user@host:port/db").
  std::string database_path;
  /// Root of default table locations: <warehouse>/<ns levels>/<table>.
  std::string warehouse;
  /// Reads and writes the tables' files; empty: the FileIO for the warehouse's scheme.
  std::shared_ptr<io::FileIO> file_io;
  /// How long a statement waits for another process's lock on the database.
  int busy_timeout_ms = kDefaultSqliteBusyTimeoutMs;
};

/// A catalog whose table pointers live in a SQLite database: iceberg_tables holds each table's
/// current metadata file, iceberg_namespace_properties the namespaces. A commit writes a new
/// metadata file (<metadata dir>/NNNNN-<uuid>.metadata.json) and swaps the pointer with one
/// conditional UPDATE, which serializes committers across threads and processes (WAL mode and a
/// busy timeout let several processes share the file).
/// Thread safety: all methods may be called from several threads; they share one connection
/// behind a mutex, which is never held while metadata files are read or written.
class SqlCatalog final : public Catalog {
  struct Sql;
  /// Lets only Open() call the public constructor (which make_unique needs).
  struct OpenToken {
    explicit OpenToken() = default;
  };

 public:
  static Result<std::unique_ptr<SqlCatalog>> Open(SqlCatalogOptions options);
  SqlCatalog(OpenToken, SqlCatalogOptions options, std::unique_ptr<sql::Connection> connection,
             Sql sql);
  ~SqlCatalog() override;

  std::string name() const override { return options_.name; }
  std::shared_ptr<io::FileIO> file_io() const override { return options_.file_io; }
  const std::string& warehouse() const { return options_.warehouse; }

  Status CreateNamespace(const Namespace& ns,
                         const std::map<std::string, std::string>& properties) override;
  /// Every namespace that has properties or tables, at every depth, sorted.
  Result<std::vector<Namespace>> ListNamespaces() override;
  /// The stored properties, without the reserved "exists" marker.
  Result<std::map<std::string, std::string>> LoadNamespaceProperties(const Namespace& ns) override;
  Status UpdateNamespaceProperties(const Namespace& ns,
                                   const std::map<std::string, std::string>& updates,
                                   const std::vector<std::string>& removals) override;
  Status DropNamespace(const Namespace& ns) override;

  Result<LoadedTable> CreateTable(const TableIdentifier& id, const Schema& schema,
                                  const PartitionSpec& spec, std::string location,
                                  const std::map<std::string, std::string>& properties) override;
  /// Creates a table whose first metadata is `metadata` as given (a REST create transaction
  /// arrives complete: schemas, specs, sort orders, snapshots), in one metadata file.
  Result<LoadedTable> CreateTableWithMetadata(const TableIdentifier& id, TableMetadata metadata);
  /// Registers an existing metadata file as table `id` (the REST register-table call): the file
  /// must read as table metadata that `accept` (if given) accepts; nothing is written but the
  /// catalog row. kAlreadyExists if the name is taken, kNotFound if the namespace or the file is
  /// missing.
  Result<LoadedTable> RegisterTable(
      const TableIdentifier& id, const std::string& metadata_location,
      const std::function<Status(const TableMetadata&)>& accept = nullptr);
  Result<LoadedTable> LoadTable(const TableIdentifier& id) override;
  Result<std::vector<TableIdentifier>> ListTables(const Namespace& ns) override;
  Status DropTable(const TableIdentifier& id, bool purge) override;
  Status RenameTable(const TableIdentifier& from, const TableIdentifier& to) override;
  Result<LoadedTable> CommitTable(const LoadedTable& base, const TableMetadata& updated) override;
  /// Commits to several tables at once: all swaps happen in one transaction or none does
  /// (kCommitFailed when any base moved). The REST server's multi-table transactions.
  Result<std::vector<LoadedTable>> CommitTables(
      const std::vector<std::pair<LoadedTable, TableMetadata>>& commits);

 private:
  /// Statement texts, built once: databases created by PyIceberg lack the iceberg_type column
  /// that Java's schema (and ours) has, and the filter on it must then be left out.
  struct Sql {
    std::string get_table;
    std::string list_tables;
    std::string insert_table;
    std::string commit_table;
    std::string drop_table;
    std::string rename_table;
  };

  /// True if the namespace has properties or holds tables, itself or below it, as Java decides.
  /// Callers hold mutex_.
  Result<bool> NamespaceExistsLocked(const std::string& ns) const;
  /// Inserts the catalog row of a new table pointing at `metadata_location`, in a transaction
  /// that checks the namespace again. `commit_attempted` tells whether the COMMIT was sent (its
  /// outcome then unknown on failure).
  Status InsertTable(const TableIdentifier& id, const std::string& metadata_location,
                     bool* commit_attempted);
  /// The table's current metadata location; NotFound if it is not registered.
  Result<std::string> MetadataLocation(const TableIdentifier& id);

  const SqlCatalogOptions options_;
  mutable std::mutex mutex_;
  std::unique_ptr<sql::Connection> connection_;  // guarded by mutex_
  const Sql sql_;
};

}  // namespace floe::iceberg
