#include "iceberg/catalog/catalog.h"

#include <fmt/ranges.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>

#include "iceberg/catalog/sql_catalog.h"
#include "io/local_file_io.h"

namespace floe::iceberg {

namespace {
constexpr char kLevelSeparator = '.';
constexpr const char* kWarehouseDatabaseFile = "catalog.db";
/// Where a remote warehouse's catalog goes when nothing says otherwise.
constexpr const char* kRemoteWarehouseDatabase = "./warehouse/catalog.db";
}  // namespace

std::string Namespace::ToString() const { return fmt::format("{}", fmt::join(levels, ".")); }

Result<Namespace> Namespace::Parse(std::string_view dotted) {
  if (dotted.empty()) return InvalidArgument("invalid namespace '': empty name");
  Namespace ns;
  size_t start = 0;
  while (true) {
    size_t dot = dotted.find(kLevelSeparator, start);
    std::string_view level =
        dotted.substr(start, dot == std::string_view::npos ? dotted.npos : dot - start);
    if (level.empty()) {
      return InvalidArgument("invalid namespace '{}': empty level at offset {}", dotted, start);
    }
    ns.levels.emplace_back(level);
    if (dot == std::string_view::npos) return ns;
    start = dot + 1;
  }
}

std::string TableIdentifier::ToString() const {
  return fmt::format("{}{}{}", ns.ToString(), kLevelSeparator, name);
}

Result<TableIdentifier> TableIdentifier::Parse(std::string_view dotted) {
  size_t dot = dotted.rfind(kLevelSeparator);
  if (dot == std::string_view::npos) {
    return InvalidArgument("invalid table name '{}': expected namespace.table", dotted);
  }
  if (dot + 1 == dotted.size()) {
    return InvalidArgument("invalid table name '{}': empty table name after the last '.'", dotted);
  }
  auto ns = Namespace::Parse(dotted.substr(0, dot));
  if (!ns.ok()) return ns.status().WithContext(fmt::format("invalid table name '{}'", dotted));
  return TableIdentifier{std::move(*ns), std::string(dotted.substr(dot + 1))};
}

Result<std::shared_ptr<Catalog>> OpenWarehouseCatalog(const std::string& warehouse_dir) {
  return OpenWarehouseCatalog(warehouse_dir, {});
}

Result<std::shared_ptr<Catalog>> OpenWarehouseCatalog(
    const std::string& warehouse, const std::map<std::string, std::string>& properties) {
  auto configured_database = properties.find(kCatalogDbProperty);
  const bool has_configured_database =
      configured_database != properties.end() && !configured_database->second.empty();
  const bool remote = warehouse.find("://") != std::string::npos && !warehouse.starts_with("file:");
  SqlCatalogOptions options;
  options.name = kDefaultCatalogName;
  std::error_code error;
  if (remote) {
    options.warehouse = warehouse;
    const char* variable = std::getenv(kCatalogDbVariable);
    options.database_path = has_configured_database ? configured_database->second
                            : (variable != nullptr && *variable != '\0')
                                ? std::string(variable)
                                : std::string(kRemoteWarehouseDatabase);
  } else {
    FLOE_ASSIGN_OR_RAISE(options.warehouse, io::LocalFileIO::ToPath(warehouse));
    std::filesystem::create_directories(options.warehouse, error);
    if (error) return IoError("creating warehouse {}: {}", options.warehouse, error.message());
    options.database_path =
        has_configured_database
            ? configured_database->second
            : (std::filesystem::path(options.warehouse) / kWarehouseDatabaseFile).native();
  }
  FLOE_ASSIGN_OR_RAISE(options.database_path, io::LocalFileIO::ToPath(options.database_path));
  std::filesystem::path database_dir = std::filesystem::path(options.database_path).parent_path();
  std::filesystem::create_directories(database_dir, error);
  if (error) {
    return IoError("creating the folder of the catalog database {}: {}", options.database_path,
                   error.message());
  }
  // The FileIO is made here, with the properties, rather than by the catalog from the bare
  // warehouse location: that is how s3.* settings reach it.
  FLOE_ASSIGN_OR_RAISE(options.file_io, io::MakeFileIO(options.warehouse, properties));
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<SqlCatalog> catalog, SqlCatalog::Open(std::move(options)));
  return std::shared_ptr<Catalog>(std::move(catalog));
}

}  // namespace floe::iceberg
