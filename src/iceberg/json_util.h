#pragma once

// Typed, located access to parsed JSON, shared by the JSON parsers of this module (schemas, table
// metadata, manifests' headers, REST messages and table updates): errors name the file and the
// JSON path ("m.json: schemas[1].fields[0].type: expected a string, found number"), integers are
// read exactly and range-checked, and no exception leaves these functions. In their own namespace
// so that their short names collide with nothing. Errors are InvalidArgument; readers of stored
// files turn them into Corrupt.

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace floe::iceberg {

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
/// What a JSON value is, for messages: "object", "array", "string", "number", "boolean", "null".
std::string_view JsonKindName(const nlohmann::json& value);
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

}  // namespace floe::iceberg
