#include "iceberg/catalog/hadoop_catalog.h"

#include <algorithm>
#include <filesystem>
#include <optional>
#include <system_error>

#include "iceberg/catalog/catalog_internal.h"

namespace floe::iceberg {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kCatalogName = "hadoop";
constexpr std::string_view kMetadataDirectory = "metadata";
constexpr std::string_view kVersionHintFile = "version-hint.text";
constexpr std::string_view kVersionPrefix = "v";
constexpr std::string_view kMetadataFileSuffix = ".metadata.json";
/// Java's HadoopTableOperations numbers a new table's first metadata file 1.
constexpr int kFirstVersion = 1;
constexpr std::string_view kLocationProperty = "location";

/// A version number: digits only.
std::optional<int> ParseVersion(std::string_view text) {
  std::optional<int> version = internal::ParseInt(text);
  if (!version || *version < 0) return std::nullopt;
  return version;
}

/// N from "v<N>.metadata.json" (a file name or a location ending in one).
std::optional<int> ParseVersionFileName(std::string_view location) {
  size_t slash = location.rfind('/');
  std::string_view name = slash == std::string_view::npos ? location : location.substr(slash + 1);
  if (!name.starts_with(kVersionPrefix) || !name.ends_with(kMetadataFileSuffix)) {
    return std::nullopt;
  }
  name.remove_prefix(kVersionPrefix.size());
  name.remove_suffix(kMetadataFileSuffix.size());
  return ParseVersion(name);
}

std::string VersionFileName(int version) {
  return fmt::format("{}{}{}", kVersionPrefix, version, kMetadataFileSuffix);
}

/// The hint as other writers may leave it: floe writes bare digits, some tools add a newline.
std::optional<int> ParseVersionHint(std::string_view text) {
  constexpr std::string_view kWhitespace = " \t\r\n";
  size_t first = text.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) return std::nullopt;
  size_t last = text.find_last_not_of(kWhitespace);
  return ParseVersion(text.substr(first, last - first + 1));
}

/// The newest v<N>.metadata.json in a metadata directory, for a table whose hint is missing or
/// unreadable (as Java falls back to listing).
Result<std::optional<int>> NewestVersionOnDisk(const fs::path& metadata_dir) {
  std::optional<int> newest;
  std::error_code error;
  fs::directory_iterator it(metadata_dir, error);
  if (error == std::errc::no_such_file_or_directory || error == std::errc::not_a_directory) {
    return newest;
  }
  for (; !error && it != fs::directory_iterator(); it.increment(error)) {
    std::optional<int> version = ParseVersionFileName(it->path().filename().native());
    if (version && (!newest || *version > *newest)) newest = version;
  }
  if (error) return IoError("listing {}: {}", metadata_dir.native(), error.message());
  return newest;
}

Result<bool> IsDirectory(const fs::path& path) {
  std::error_code error;
  bool directory = fs::is_directory(path, error);
  if (error && error != std::errc::no_such_file_or_directory &&
      error != std::errc::not_a_directory) {
    return IoError("checking {}: {}", path.native(), error.message());
  }
  return directory;
}

/// A table directory holds a version hint or at least one v<N>.metadata.json.
Result<bool> IsTableDirectory(const fs::path& dir) {
  const fs::path metadata_dir = dir / kMetadataDirectory;
  std::error_code error;
  if (fs::exists(metadata_dir / kVersionHintFile, error)) return true;
  FLOE_ASSIGN_OR_RAISE(std::optional<int> newest, NewestVersionOnDisk(metadata_dir));
  return newest.has_value();
}

bool IsHidden(const fs::path& path) { return path.filename().native().starts_with('.'); }

}  // namespace

HadoopCatalog::HadoopCatalog(OpenToken, std::string warehouse)
    : warehouse_(std::move(warehouse)), file_io_(std::make_shared<io::LocalFileIO>()) {}

Result<std::unique_ptr<HadoopCatalog>> HadoopCatalog::Open(const std::string& warehouse_dir) {
  FLOE_ASSIGN_OR_RAISE(std::string directory, io::LocalFileIO::ToPath(warehouse_dir));
  FLOE_ASSIGN_OR_RAISE(directory, internal::NormalizeLocation(directory));
  std::error_code error;
  fs::create_directories(directory, error);
  if (error) return IoError("creating warehouse {}: {}", directory, error.message());
  return std::make_unique<HadoopCatalog>(OpenToken{}, std::move(directory));
}

std::string HadoopCatalog::name() const { return std::string(kCatalogName); }

std::string HadoopCatalog::NamespaceDirectory(const Namespace& ns) const {
  std::string dir = warehouse_;
  for (const std::string& level : ns.levels) dir = internal::JoinLocation(dir, level);
  return dir;
}

std::string HadoopCatalog::TableDirectory(const TableIdentifier& id) const {
  return internal::DefaultTableLocation(warehouse_, id, internal::NameStore::kDirectories);
}

Result<int> HadoopCatalog::CurrentVersion(const TableIdentifier& id) const {
  FLOE_RETURN_IF_ERROR(internal::ValidateTableName(id, internal::NameStore::kDirectories));
  const fs::path metadata_dir = fs::path(TableDirectory(id)) / kMetadataDirectory;
  std::optional<int> version;
  Result<std::string> hint = file_io_->ReadFile((metadata_dir / kVersionHintFile).native());
  if (hint.ok()) {
    version = ParseVersionHint(*hint);
  } else if (!hint.status().IsNotFound()) {
    return hint.status().WithContext(fmt::format("loading table {}", id.ToString()));
  }
  if (!version) {
    FLOE_ASSIGN_OR_RAISE(version, NewestVersionOnDisk(metadata_dir));
    if (!version) return NotFound("table {} does not exist", id.ToString());
  }
  // The hint is rewritten after the new version is created, so it may lag behind by a commit
  // (or more, after crashes between the two steps).
  while (true) {
    FLOE_ASSIGN_OR_RAISE(bool newer,
                         file_io_->Exists((metadata_dir / VersionFileName(*version + 1)).native()));
    if (!newer) return *version;
    ++*version;
  }
}

Status HadoopCatalog::WriteVersionHint(const TableIdentifier& id, int version) const {
  const fs::path hint = fs::path(TableDirectory(id)) / kMetadataDirectory / kVersionHintFile;
  // No trailing newline: DuckDB reads the whole file as the version.
  return file_io_->WriteFile(hint.native(), fmt::format("{}", version), io::WriteMode::kOverwrite);
}

Status HadoopCatalog::CreateNamespace(const Namespace& ns,
                                      const std::map<std::string, std::string>& properties) {
  FLOE_RETURN_IF_ERROR(internal::ValidateNamespaceName(ns, internal::NameStore::kDirectories));
  if (!properties.empty()) {
    return NotSupported("namespace {}: the Hadoop catalog keeps no namespace properties",
                        ns.ToString());
  }
  const fs::path dir = NamespaceDirectory(ns);
  std::error_code error;
  fs::create_directories(dir.parent_path(), error);
  if (!error) {
    // create_directory reports an existing directory, which create_directories would accept.
    if (!fs::create_directory(dir, error) && !error) {
      return AlreadyExists("namespace {} exists already", ns.ToString());
    }
  }
  if (error) return IoError("creating namespace directory {}: {}", dir.native(), error.message());
  return Status::Ok();
}

Result<std::vector<Namespace>> HadoopCatalog::ListNamespaces() {
  std::vector<Namespace> namespaces;
  std::error_code error;
  fs::recursive_directory_iterator it(warehouse_, error);
  for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    std::error_code entry_error;
    if (!it->is_directory(entry_error)) continue;
    FLOE_ASSIGN_OR_RAISE(bool table, IsTableDirectory(it->path()));
    if (table || IsHidden(it->path())) {
      it.disable_recursion_pending();
      continue;
    }
    Namespace ns;
    for (const fs::path& level : it->path().lexically_relative(warehouse_)) {
      ns.levels.push_back(level.native());
    }
    namespaces.push_back(std::move(ns));
  }
  if (error) return IoError("listing warehouse {}: {}", warehouse_, error.message());
  std::sort(namespaces.begin(), namespaces.end());
  return namespaces;
}

Result<std::map<std::string, std::string>> HadoopCatalog::LoadNamespaceProperties(
    const Namespace& ns) {
  FLOE_RETURN_IF_ERROR(internal::ValidateNamespaceName(ns, internal::NameStore::kDirectories));
  const std::string dir = NamespaceDirectory(ns);
  FLOE_ASSIGN_OR_RAISE(bool directory, IsDirectory(dir));
  FLOE_ASSIGN_OR_RAISE(bool table, IsTableDirectory(dir));
  if (!directory || table) {
    return NotFound("namespace {} does not exist", ns.ToString());
  }
  return std::map<std::string, std::string>{{std::string(kLocationProperty), dir}};
}

Status HadoopCatalog::UpdateNamespaceProperties(const Namespace& ns,
                                                const std::map<std::string, std::string>&,
                                                const std::vector<std::string>&) {
  return NotSupported("namespace {}: the Hadoop catalog keeps no namespace properties",
                      ns.ToString());
}

Status HadoopCatalog::DropNamespace(const Namespace& ns) {
  FLOE_RETURN_IF_ERROR(LoadNamespaceProperties(ns));  // NotFound unless a namespace
  const fs::path dir = NamespaceDirectory(ns);
  std::error_code error;
  bool empty = fs::is_empty(dir, error);
  if (!error && !empty) {
    return InvalidArgument("namespace {} is not empty: {} holds tables or other files",
                           ns.ToString(), dir.native());
  }
  if (!error) fs::remove(dir, error);
  if (error) return IoError("removing namespace directory {}: {}", dir.native(), error.message());
  return Status::Ok();
}

Result<LoadedTable> HadoopCatalog::CreateTable(
    const TableIdentifier& id, const Schema& schema, const PartitionSpec& spec,
    std::string location, const std::map<std::string, std::string>& properties) {
  FLOE_RETURN_IF_ERROR(internal::ValidateTableName(id, internal::NameStore::kDirectories));
  FLOE_RETURN_IF_ERROR(LoadNamespaceProperties(id.ns));  // NotFound unless the namespace exists
  const std::string table_dir = TableDirectory(id);
  if (!location.empty()) {
    FLOE_ASSIGN_OR_RAISE(std::string wanted, io::LocalFileIO::ToPath(location));
    FLOE_ASSIGN_OR_RAISE(wanted, internal::NormalizeLocation(wanted));
    if (wanted != table_dir) {
      return InvalidArgument("table {}: the Hadoop catalog keeps it at {}, not at {}",
                             id.ToString(), table_dir, location);
    }
  }
  if (properties.contains(internal::kWriteMetadataPathProperty)) {
    return NotSupported("table {}: the Hadoop catalog finds metadata only under {}/{}",
                        id.ToString(), table_dir, kMetadataDirectory);
  }
  Result<int> existing = CurrentVersion(id);
  if (existing.ok()) return AlreadyExists("table {} exists already", id.ToString());
  if (!existing.status().IsNotFound()) return existing.status();

  FLOE_ASSIGN_OR_RAISE(TableMetadata metadata,
                       NewTableMetadata(schema, spec, table_dir, properties));
  const std::string metadata_location =
      (fs::path(table_dir) / kMetadataDirectory / VersionFileName(kFirstVersion)).native();
  Status written = internal::WriteTableMetadata(*file_io_, metadata_location, metadata);
  if (written.IsAlreadyExists()) return AlreadyExists("table {} exists already", id.ToString());
  FLOE_RETURN_IF_ERROR(written);
  // The table exists from the moment its first version does; a missing hint only makes loads
  // list the directory.
  static_cast<void>(WriteVersionHint(id, kFirstVersion));
  return LoadedTable{id, metadata_location, std::move(metadata)};
}

Result<LoadedTable> HadoopCatalog::LoadTable(const TableIdentifier& id) {
  FLOE_ASSIGN_OR_RAISE(int version, CurrentVersion(id));
  const std::string metadata_location =
      (fs::path(TableDirectory(id)) / kMetadataDirectory / VersionFileName(version)).native();
  FLOE_ASSIGN_OR_RAISE(TableMetadata metadata,
                       internal::ReadTableMetadata(*file_io_, id, metadata_location));
  return LoadedTable{id, metadata_location, std::move(metadata)};
}

Result<std::vector<TableIdentifier>> HadoopCatalog::ListTables(const Namespace& ns) {
  FLOE_RETURN_IF_ERROR(LoadNamespaceProperties(ns));  // NotFound unless a namespace
  const fs::path dir = NamespaceDirectory(ns);
  std::vector<TableIdentifier> tables;
  std::error_code error;
  fs::directory_iterator it(dir, error);
  for (; !error && it != fs::directory_iterator(); it.increment(error)) {
    std::error_code entry_error;
    if (!it->is_directory(entry_error) || IsHidden(it->path())) continue;
    FLOE_ASSIGN_OR_RAISE(bool table, IsTableDirectory(it->path()));
    if (table) tables.push_back(TableIdentifier{ns, it->path().filename().native()});
  }
  if (error) return IoError("listing namespace directory {}: {}", dir.native(), error.message());
  std::sort(tables.begin(), tables.end(),
            [](const TableIdentifier& a, const TableIdentifier& b) { return a.name < b.name; });
  return tables;
}

Status HadoopCatalog::DropTable(const TableIdentifier& id, bool purge) {
  // The directory is the table's registration, so dropping it is deleting it, purge or not.
  static_cast<void>(purge);
  FLOE_RETURN_IF_ERROR(CurrentVersion(id));  // NotFound unless a table
  const std::string table_dir = TableDirectory(id);
  std::error_code error;
  fs::remove_all(table_dir, error);
  if (error) return IoError("deleting table directory {}: {}", table_dir, error.message());
  return Status::Ok();
}

Status HadoopCatalog::RenameTable(const TableIdentifier& from, const TableIdentifier& to) {
  return NotSupported("cannot rename {} to {}: the Hadoop catalog names tables by their location",
                      from.ToString(), to.ToString());
}

Result<LoadedTable> HadoopCatalog::CommitTable(const LoadedTable& base,
                                               const TableMetadata& updated) {
  const TableIdentifier& id = base.identifier;
  std::optional<int> base_version = ParseVersionFileName(base.metadata_location);
  if (!base_version) {
    return InvalidArgument(
        "table {}: {} is not a Hadoop catalog metadata file (v<N>.metadata.json)", id.ToString(),
        base.metadata_location);
  }
  FLOE_ASSIGN_OR_RAISE(int current, CurrentVersion(id));
  if (current != *base_version) {
    return CommitFailed("table {} is at version {}, not {}: another commit landed first",
                        id.ToString(), current, *base_version);
  }
  FLOE_ASSIGN_OR_RAISE(TableMetadata metadata, internal::ChainToBase(base, updated));
  const int next = current + 1;
  const std::string metadata_location =
      (fs::path(TableDirectory(id)) / kMetadataDirectory / VersionFileName(next)).native();

  // Creating v<next> is the commit: of several writers on the same base, one link succeeds.
  Status written = internal::WriteTableMetadata(*file_io_, metadata_location, metadata);
  if (written.IsAlreadyExists()) {
    return CommitFailed("table {}: version {} was committed by another writer first", id.ToString(),
                        next);
  }
  if (!written.ok()) {
    // A failure after the link (syncing the directory) leaves the new version in place.
    Result<bool> landed = file_io_->Exists(metadata_location);
    if (!landed.ok() || *landed) {
      return CommitStateUnknown("committing version {} of table {}: {}", next, id.ToString(),
                                written.message());
    }
    return written;
  }
  // The commit has happened. A hint that cannot be rewritten only lags, which loads correct by
  // probing; reporting it as a failure would make the caller retry a commit that landed.
  static_cast<void>(WriteVersionHint(id, next));
  return LoadedTable{id, metadata_location, std::move(metadata)};
}

Result<std::shared_ptr<Catalog>> OpenHadoopCatalog(const std::string& warehouse_dir) {
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<HadoopCatalog> catalog, HadoopCatalog::Open(warehouse_dir));
  return std::shared_ptr<Catalog>(std::move(catalog));
}

}  // namespace floe::iceberg
