#pragma once

// JSON forms of types, schemas, partition specs and sort orders (spec "Appendix C: JSON
// serialization"). Parsing errors name the JSON path ("fields[3].type: unknown type 'strng'").

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "iceberg/partition_spec.h"
#include "iceberg/schema.h"
#include "iceberg/sort_order.h"

namespace floe::iceberg {


nlohmann::json TypeToJson(const Type& type);
Result<TypePtr> TypeFromJson(const nlohmann::json& json, std::string_view path);

nlohmann::json SchemaToJson(const Schema& schema);
/// A schema JSON object; `path` prefixes error messages (e.g. a file name).
Result<Schema> SchemaFromJson(const nlohmann::json& json, std::string_view path);
/// Parses schema JSON text (e.g. the --schema file), then checks it with Schema::Validate.
Result<Schema> SchemaFromJsonText(std::string_view text, std::string_view path);

nlohmann::json PartitionSpecToJson(const PartitionSpec& spec);
/// Only the "fields" array: the form manifests carry in their "partition-spec" header.
nlohmann::json PartitionFieldsToJson(const PartitionSpec& spec);
Result<PartitionSpec> PartitionSpecFromJson(const nlohmann::json& json, std::string_view path);

nlohmann::json SortOrderToJson(const SortOrder& order);
Result<SortOrder> SortOrderFromJson(const nlohmann::json& json, std::string_view path);

}  // namespace floe::iceberg
