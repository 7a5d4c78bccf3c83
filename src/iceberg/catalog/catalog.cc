#include "iceberg/catalog/catalog.h"

#include <fmt/ranges.h>

#include <filesystem>
#include <system_error>

#include "iceberg/catalog/sql_catalog.h"
#include "io/local_file_io.h"

namespace floe::iceberg {

namespace {
constexpr char kLevelSeparator = '.';
constexpr const char* kWarehouseDatabaseFile = "catalog.db";
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
  FLOE_ASSIGN_OR_RAISE(std::string directory, io::LocalFileIO::ToPath(warehouse_dir));
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) return IoError("creating warehouse {}: {}", directory, error.message());
  std::string database = (std::filesystem::path(directory) / kWarehouseDatabaseFile).native();
  return OpenSqliteCatalog(database, directory, kDefaultCatalogName);
}

}  // namespace floe::iceberg
