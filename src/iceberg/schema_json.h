#pragma once

// JSON forms of types, schemas, partition specs and sort orders (spec "Appendix C: JSON
// serialization"). Parsing errors name the JSON path ("fields[3].type: unknown type 'strng'").

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

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

// Helpers shared by the JSON parsers of this module (schema, table metadata, manifests' headers),
// in their own namespace so that their short names collide with nothing.
namespace json_util {

/// Where a JSON value sits, for the messages of parsers of enclosing documents (table metadata
/// reads its schemas through these so that errors say "m.json: schemas[1].fields[0].type: ...").
struct JsonLocation {
  std::string_view file;  // prefixes messages when not empty
  std::string path;       // JSON path inside the document; empty at the root

  JsonLocation Key(std::string_view key) const;  // "path.key"
  JsonLocation Index(size_t index) const;        // "path[index]"
  /// InvalidArgument "file: path: what" (parts left out when empty).
  Status Error(std::string_view what) const;
};

// Typed member access for JSON objects: errors name the member ("missing required field 'x'",
// "x: expected an integer"). Integers are read exactly as nlohmann stored them (int64/uint64),
// never through a double, and range-checked.
Result<const nlohmann::json*> JsonRequired(const nlohmann::json& object, std::string_view key,
                                           const JsonLocation& at);
/// The member, or nullptr when absent or null (writers differ on which they use for "none").
const nlohmann::json* JsonOptional(const nlohmann::json& object, std::string_view key);
Status ExpectObject(const nlohmann::json& value, const JsonLocation& at);
Status ExpectArray(const nlohmann::json& value, const JsonLocation& at);
Result<int32_t> JsonInt32(const nlohmann::json& value, const JsonLocation& at);
Result<int64_t> JsonInt64(const nlohmann::json& value, const JsonLocation& at);
Result<std::string> JsonString(const nlohmann::json& value, const JsonLocation& at);
Result<bool> JsonBool(const nlohmann::json& value, const JsonLocation& at);
/// An object whose values are all strings (properties, summaries, config).
Result<std::map<std::string, std::string>> JsonStringMap(const nlohmann::json& value,
                                                         const JsonLocation& at);
/// An array of strings.
Result<std::vector<std::string>> JsonStringList(const nlohmann::json& value,
                                                const JsonLocation& at);
/// Required members of an object, typed: JsonRequired then the typed read at "path.key".
Result<int32_t> RequiredInt32(const nlohmann::json& object, std::string_view key,
                              const JsonLocation& at);
Result<int64_t> RequiredInt64(const nlohmann::json& object, std::string_view key,
                              const JsonLocation& at);
Result<std::string> RequiredString(const nlohmann::json& object, std::string_view key,
                                   const JsonLocation& at);
Result<bool> RequiredBool(const nlohmann::json& object, std::string_view key,
                          const JsonLocation& at);
/// Parses JSON text; a syntax error reads "path: line L, column C: invalid JSON: ...".
Result<nlohmann::json> ParseJsonText(std::string_view text, std::string_view path);

}  // namespace json_util

using json_util::JsonLocation;

Result<TypePtr> TypeFromJsonAt(const nlohmann::json& json, const JsonLocation& at);
Result<Schema> SchemaFromJsonAt(const nlohmann::json& json, const JsonLocation& at);
Result<PartitionSpec> PartitionSpecFromJsonAt(const nlohmann::json& json, const JsonLocation& at);
/// The fields array alone (v1 metadata's "partition-spec", manifest headers) as spec `spec_id`.
Result<PartitionSpec> PartitionFieldsFromJsonAt(const nlohmann::json& json, int32_t spec_id,
                                                const JsonLocation& at);
Result<SortOrder> SortOrderFromJsonAt(const nlohmann::json& json, const JsonLocation& at);

}  // namespace floe::iceberg
