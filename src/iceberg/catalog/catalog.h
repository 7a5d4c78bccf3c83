#pragma once

// Catalogs behind one interface: where a table's current metadata file is, and the atomic swap
// of that pointer that makes a commit. Implementations: the SQL catalog (SQLite now, PostgreSQL
// later), the Hadoop catalog on a file system, and (later) REST.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "iceberg/partition_spec.h"
#include "iceberg/schema.h"
#include "iceberg/table_metadata.h"
#include "io/file_io.h"

namespace floe::iceberg {

/// A namespace: one or more levels ("raw_messages", or {"a", "b"} for a.b).
struct Namespace {
  std::vector<std::string> levels;

  /// "a.b": dotted, as the SQL catalog stores it and the command line writes it.
  std::string ToString() const;
  /// Splits "a.b" on dots; empty levels are an error.
  static Result<Namespace> Parse(std::string_view dotted);
  bool operator==(const Namespace&) const = default;
  auto operator<=>(const Namespace&) const = default;
};

struct TableIdentifier {
  Namespace ns;
  std::string name;

  std::string ToString() const;  // "ns.table"
  /// "ns.table" or "a.b.table": the last dot separates the table name.
  static Result<TableIdentifier> Parse(std::string_view dotted);
  bool operator==(const TableIdentifier&) const = default;
};

/// A loaded table: where its metadata file is and what it says.
struct LoadedTable {
  TableIdentifier identifier;
  std::string metadata_location;
  TableMetadata metadata;
};

/// Thread safety: implementations are safe to call from several threads; commits to the same
/// table from several processes are serialized by the compare-and-swap.
class Catalog {
 public:
  virtual ~Catalog() = default;

  virtual std::string name() const = 0;
  /// The FileIO that reads and writes this catalog's tables.
  virtual std::shared_ptr<io::FileIO> file_io() const = 0;

  virtual Status CreateNamespace(const Namespace& ns,
                                 const std::map<std::string, std::string>& properties) = 0;
  virtual Result<std::vector<Namespace>> ListNamespaces() = 0;
  virtual Result<std::map<std::string, std::string>> LoadNamespaceProperties(
      const Namespace& ns) = 0;
  /// Sets `updates` and removes `removals`.
  virtual Status UpdateNamespaceProperties(const Namespace& ns,
                                           const std::map<std::string, std::string>& updates,
                                           const std::vector<std::string>& removals) = 0;
  /// Fails with kInvalidArgument while the namespace holds tables.
  virtual Status DropNamespace(const Namespace& ns) = 0;

  /// Creates a table at `location` (empty: the default <warehouse>/<ns path>/<table>): writes the
  /// first metadata file and registers it. kAlreadyExists if the name is taken.
  virtual Result<LoadedTable> CreateTable(const TableIdentifier& id, const Schema& schema,
                                          const PartitionSpec& spec, std::string location,
                                          const std::map<std::string, std::string>& properties) = 0;
  virtual Result<LoadedTable> LoadTable(const TableIdentifier& id) = 0;
  virtual Result<std::vector<TableIdentifier>> ListTables(const Namespace& ns) = 0;
  /// Removes the table from the catalog; with `purge`, deletes its files too.
  virtual Status DropTable(const TableIdentifier& id, bool purge) = 0;
  virtual Status RenameTable(const TableIdentifier& from, const TableIdentifier& to) = 0;

  /// Makes `updated` the table's metadata if its current metadata file is still `base`:
  /// writes the new metadata file (with `base` appended to metadata-log), then swaps the
  /// pointer atomically. kCommitFailed when the base moved (nothing changed; the new file is
  /// removed); kCommitStateUnknown when the outcome cannot be known. Returns the new table.
  virtual Result<LoadedTable> CommitTable(const LoadedTable& base,
                                          const TableMetadata& updated) = 0;
};

/// The embedded default: an SQL catalog in SQLite at DIR/catalog.db with tables under DIR.
/// Same as OpenWarehouseCatalog(warehouse_dir, {}).
Result<std::shared_ptr<Catalog>> OpenWarehouseCatalog(const std::string& warehouse_dir);

/// OpenWarehouseCatalog's property naming the SQLite catalog file.
inline constexpr const char* kCatalogDbProperty = "catalog-db";
/// The variable naming the SQLite catalog file of a remote warehouse.
inline constexpr const char* kCatalogDbVariable = "CATALOG_DB";

/// The embedded default on any warehouse: an SQL catalog in SQLite, tables under `warehouse`.
/// A local warehouse (DIR or file://DIR) is created if missing and keeps its catalog at
/// DIR/catalog.db. A remote one (s3://bucket/prefix) cannot hold an SQLite file, so its catalog
/// is at $CATALOG_DB, else ./warehouse/catalog.db (made absolute, its folder created). The
/// property `catalog-db` overrides both. The other properties configure the warehouse's FileIO
/// (s3.endpoint, s3.access-key-id, s3.secret-access-key, s3.session-token,
/// s3.path-style-access, client.region: see io/s3_options.h); what they leave out comes from the
/// environment (S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY, then AWS_*).
Result<std::shared_ptr<Catalog>> OpenWarehouseCatalog(
    const std::string& warehouse, const std::map<std::string, std::string>& properties);

/// The name the embedded warehouse registers its tables under (iceberg_tables.catalog_name):
/// what PyIceberg or Java must be configured with to see them.
inline constexpr const char* kDefaultCatalogName = "floe";

/// An SQL catalog in the SQLite file `database_path`, created with the Iceberg JDBC catalog's
/// tables if missing, holding the tables of `catalog_name`, with default table locations below
/// `warehouse` (a local directory or file:// URL).
Result<std::shared_ptr<Catalog>> OpenSqliteCatalog(const std::string& database_path,
                                                   const std::string& warehouse,
                                                   const std::string& catalog_name);

/// A Hadoop catalog on the local directory `warehouse_dir` (created if missing): namespaces are
/// directories, tables are directories holding metadata/v<N>.metadata.json and
/// metadata/version-hint.text.
Result<std::shared_ptr<Catalog>> OpenHadoopCatalog(const std::string& warehouse_dir);

}  // namespace floe::iceberg
