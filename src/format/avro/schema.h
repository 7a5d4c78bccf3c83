#pragma once

// The Avro schema model: an immutable tree of Nodes parsed from (and printed back to) the JSON
// form of the Avro specification. Every key the model does not interpret (Iceberg's field-id,
// element-id, logicalType, doc, ...) is kept, so a schema survives ParseSchema -> SchemaToJson.

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace floe::avro {

enum class AvroType : uint8_t {
  kNull,
  kBoolean,
  kInt,
  kLong,
  kFloat,
  kDouble,
  kBytes,
  kString,
  kRecord,
  kEnum,
  kArray,
  kMap,
  kUnion,
  kFixed
};

/// The name of a type as the Avro JSON form spells it ("long", "record", "union", ...).
std::string_view AvroTypeName(AvroType type);

struct Node;
/// Nodes are shared and never modified once built: a named type referenced twice is one Node.
using NodePtr = std::shared_ptr<const Node>;

/// One field of a record.
struct Field {
  std::string name;
  NodePtr type;
  /// The JSON "default", when the schema has one ("default": null is a present null).
  std::optional<nlohmann::json> default_value;
  /// Every other key of the field object, e.g. "field-id", "doc".
  nlohmann::json attributes = nlohmann::json::object();
};

/// One type of a schema. Which members are meaningful depends on `type`.
/// Thread safety: immutable once shared through a NodePtr; may be read from any thread.
struct Node {
  AvroType type = AvroType::kNull;
  std::string name;                  // full name (namespace.name) of a record, enum or fixed
  std::vector<Field> fields;         // record
  std::vector<NodePtr> branches;     // union
  NodePtr items;                     // array
  NodePtr values;                    // map
  int32_t size = 0;                  // fixed
  std::vector<std::string> symbols;  // enum
  /// Every key the model does not interpret: logicalType, element-id, key-id, value-id, doc...
  nlohmann::json attributes = nlohmann::json::object();

  /// The position of the field called `name` in `fields`, or -1 if there is none.
  int FieldIndex(std::string_view name) const;
};

/// Parses an Avro schema in its JSON form. A named type may be referenced again by its name
/// after its definition; recursive types are not supported. Errors are InvalidArgument and name
/// the path, e.g. "field data_file.partition: unknown type 'foo'".
Result<NodePtr> ParseSchema(std::string_view json);

/// The JSON form of `node`, keeping every attribute. A named type that occurs again is written
/// as a reference by name, as the specification requires.
std::string SchemaToJson(const Node& node);

}  // namespace floe::avro
