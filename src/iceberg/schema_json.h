#pragma once

// JSON forms of types, schemas, partition specs and sort orders (spec "Appendix C: JSON
// serialization"). Parsing errors name the JSON path ("fields[3].type: unknown type 'strng'").

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "iceberg/json_util.h"
#include "iceberg/partition_spec.h"
#include "iceberg/schema.h"
#include "iceberg/sort_order.h"

namespace floe::iceberg {

// Error kinds: these parsers report malformed input as InvalidArgument (a schema handed in by a
// user or a client is the caller's input); readers of stored files (table metadata, manifests)
// turn that into Corrupt. Messages read "<path>: <JSON path>: <what>", e.g.
// "schema.json: fields[2].type: unknown type 'strng'". No exception leaves these functions.

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

Result<TypePtr> TypeFromJsonAt(const nlohmann::json& json, const JsonLocation& at);
Result<Schema> SchemaFromJsonAt(const nlohmann::json& json, const JsonLocation& at);
Result<PartitionSpec> PartitionSpecFromJsonAt(const nlohmann::json& json, const JsonLocation& at);
/// The fields array alone (v1 metadata's "partition-spec", manifest headers) as spec `spec_id`.
Result<PartitionSpec> PartitionFieldsFromJsonAt(const nlohmann::json& json, int32_t spec_id,
                                                const JsonLocation& at);
Result<SortOrder> SortOrderFromJsonAt(const nlohmann::json& json, const JsonLocation& at);

}  // namespace floe::iceberg
