#pragma once

// The Hadoop catalog on a local directory: the file system is the catalog. Readers that know
// only this layout (DuckDB's iceberg_scan on a directory, Spark's "hadoop" catalog type) find
// tables by path.

#include <memory>
#include <string>

#include "iceberg/catalog/catalog.h"
#include "io/local_file_io.h"

namespace floe::iceberg {

/// Namespaces are directories under the warehouse (a.b → <warehouse>/a/b); a table is a
/// directory <namespace dir>/<table> holding metadata/v<N>.metadata.json and
/// metadata/version-hint.text, which holds N with no trailing newline. A commit creates
/// v<N+1>.metadata.json with an atomic create-if-absent, so of two committers on the same base
/// exactly one wins, then rewrites the hint; loads trust the hint only as a starting point and
/// probe v<N+1>, v<N+2>... in case it lags.
/// As in Java: namespaces have no properties, tables cannot be renamed or placed elsewhere, and
/// dropping a table deletes its directory (with or without purge).
/// Thread safety: stateless apart from the file system; safe from any thread and process.
class HadoopCatalog final : public Catalog {
  /// Lets only Open() call the public constructor (which make_unique needs).
  struct OpenToken {
    explicit OpenToken() = default;
  };

 public:
  /// The catalog on `warehouse_dir` (a local path or file:// URL), created if missing.
  static Result<std::unique_ptr<HadoopCatalog>> Open(const std::string& warehouse_dir);
  HadoopCatalog(OpenToken, std::string warehouse);

  std::string name() const override;
  std::shared_ptr<io::FileIO> file_io() const override { return file_io_; }
  const std::string& warehouse() const { return warehouse_; }

  /// Properties are not supported: a non-empty map is NotSupported.
  Status CreateNamespace(const Namespace& ns,
                         const std::map<std::string, std::string>& properties) override;
  /// Every directory below the warehouse that is not a table or inside one, sorted.
  Result<std::vector<Namespace>> ListNamespaces() override;
  /// Only "location", the namespace's directory.
  Result<std::map<std::string, std::string>> LoadNamespaceProperties(const Namespace& ns) override;
  /// NotSupported.
  Status UpdateNamespaceProperties(const Namespace& ns,
                                   const std::map<std::string, std::string>& updates,
                                   const std::vector<std::string>& removals) override;
  /// Refused while the directory holds anything.
  Status DropNamespace(const Namespace& ns) override;

  /// `location` must be empty or the table's own directory.
  Result<LoadedTable> CreateTable(const TableIdentifier& id, const Schema& schema,
                                  const PartitionSpec& spec, std::string location,
                                  const std::map<std::string, std::string>& properties) override;
  Result<LoadedTable> LoadTable(const TableIdentifier& id) override;
  Result<std::vector<TableIdentifier>> ListTables(const Namespace& ns) override;
  Status DropTable(const TableIdentifier& id, bool purge) override;
  /// NotSupported: a table's location is its name.
  Status RenameTable(const TableIdentifier& from, const TableIdentifier& to) override;
  Result<LoadedTable> CommitTable(const LoadedTable& base, const TableMetadata& updated) override;

 private:
  std::string NamespaceDirectory(const Namespace& ns) const;
  std::string TableDirectory(const TableIdentifier& id) const;
  /// The table's newest metadata version; NotFound when the directory holds no table.
  Result<int> CurrentVersion(const TableIdentifier& id) const;
  /// Records `version` in version-hint.text.
  Status WriteVersionHint(const TableIdentifier& id, int version) const;

  const std::string warehouse_;
  const std::shared_ptr<io::LocalFileIO> file_io_;
};

}  // namespace floe::iceberg
