#include "pipeline/job_config.h"

#include <fmt/format.h>

#include <algorithm>

namespace floe::pipeline {

std::string ConfigLocation::ToString() const {
  if (from_override) return fmt::format("{}: {} (from --set)", file, path);
  if (line <= 0) return fmt::format("{}: {}", file, path);
  return fmt::format("{}:{}:{}: {}", file, line, column, path);
}

namespace {

template <typename Config>
const Config* FindByName(const std::vector<Config>& items, std::string_view name) {
  auto it = std::find_if(items.begin(), items.end(),
                         [&](const Config& item) { return item.name == name; });
  return it == items.end() ? nullptr : &*it;
}

}  // namespace

const CatalogConfig* JobConfig::FindCatalog(std::string_view name) const {
  return FindByName(catalogs, name);
}

const SinkConfig* JobConfig::FindSink(std::string_view name) const {
  return FindByName(sinks, name);
}

std::string_view CatalogTypeName(CatalogType type) {
  switch (type) {
    case CatalogType::kSql:
      return "sql";
    case CatalogType::kRest:
      return "rest";
    case CatalogType::kHadoop:
      return "hadoop";
  }
  return "unknown";
}

std::string_view SourceTypeName(SourceType type) {
  switch (type) {
    case SourceType::kFile:
      return "file";
    case SourceType::kKafka:
      return "kafka";
  }
  return "unknown";
}

std::string_view SinkTypeName(SinkType type) {
  switch (type) {
    case SinkType::kIceberg:
      return "iceberg";
    case SinkType::kJsonl:
      return "jsonl";
    case SinkType::kKafka:
      return "kafka";
  }
  return "unknown";
}

}  // namespace floe::pipeline
