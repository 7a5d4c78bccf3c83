#include "format/avro/schema.h"

#include <array>
#include <limits>
#include <map>
#include <set>
#include <utility>

namespace floe::avro {
namespace {

using nlohmann::json;

struct PrimitiveName {
  std::string_view name;
  AvroType type;
};

constexpr std::array<PrimitiveName, 8> kPrimitives = {{
    {"null", AvroType::kNull},
    {"boolean", AvroType::kBoolean},
    {"int", AvroType::kInt},
    {"long", AvroType::kLong},
    {"float", AvroType::kFloat},
    {"double", AvroType::kDouble},
    {"bytes", AvroType::kBytes},
    {"string", AvroType::kString},
}};

std::optional<AvroType> PrimitiveType(std::string_view name) {
  for (const auto& primitive : kPrimitives) {
    if (primitive.name == name) return primitive.type;
  }
  return std::nullopt;
}

bool IsNamed(AvroType type) {
  return type == AvroType::kRecord || type == AvroType::kEnum || type == AvroType::kFixed;
}

// Avro names: [A-Za-z_][A-Za-z0-9_]*.
bool IsValidSimpleName(std::string_view name) {
  if (name.empty()) return false;
  auto is_start = [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
  };
  if (!is_start(name.front())) return false;
  for (char c : name) {
    if (!is_start(c) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

bool IsValidFullName(std::string_view name) {
  size_t start = 0;
  while (true) {
    size_t dot = name.find('.', start);
    if (!IsValidSimpleName(name.substr(start, dot - start))) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

std::string NamespaceOf(std::string_view full_name) {
  size_t dot = full_name.rfind('.');
  return dot == std::string_view::npos ? std::string() : std::string(full_name.substr(0, dot));
}

// Far deeper than any real schema, far shallower than what would exhaust the stack.
constexpr int kMaxNestingDepth = 100;

// Attributes of a hand-built Node might not be an object; printing treats those as empty.
json AttributesOf(const json& attributes) {
  return attributes.is_object() ? attributes : json::object();
}

std::string Describe(const std::string& path) {
  return path.empty() ? std::string("schema") : "field " + path;
}

// Builds Nodes from parsed JSON, remembering named types so later references resolve.
class SchemaParser {
 public:
  Result<NodePtr> Parse(const json& schema, const std::string& path,
                        const std::string& enclosing_namespace) {
    // The schema comes from files we read: bound the recursion a hostile one could cause.
    if (depth_ >= kMaxNestingDepth) {
      return InvalidArgument("{}: schema nests deeper than {} levels", Describe(path),
                             kMaxNestingDepth);
    }
    ++depth_;
    Result<NodePtr> node = ParseType(schema, path, enclosing_namespace);
    --depth_;
    return node;
  }

 private:
  Result<NodePtr> ParseType(const json& schema, const std::string& path,
                            const std::string& enclosing_namespace) {
    if (schema.is_string())
      return ParseReference(schema.get<std::string>(), path, enclosing_namespace);
    if (schema.is_array()) return ParseUnion(schema, path, enclosing_namespace);
    if (!schema.is_object()) {
      return InvalidArgument("{}: a type must be a string, an object or an array, got {}",
                             Describe(path), schema.dump());
    }
    auto type_it = schema.find("type");
    if (type_it == schema.end()) {
      return InvalidArgument("{}: type object without \"type\"", Describe(path));
    }
    if (!type_it->is_string()) {
      // {"type": {...}} or {"type": [...]}: the inner schema is the type.
      return Parse(*type_it, path, enclosing_namespace);
    }
    const std::string type_name = type_it->get<std::string>();
    if (auto primitive = PrimitiveType(type_name)) {
      auto node = std::make_shared<Node>();
      node->type = *primitive;
      node->attributes = AttributesExcept(schema, {"type"});
      return NodePtr(std::move(node));
    }
    if (type_name == "record" || type_name == "error") {
      return ParseRecord(schema, path, enclosing_namespace);
    }
    if (type_name == "enum") return ParseEnum(schema, path, enclosing_namespace);
    if (type_name == "fixed") return ParseFixed(schema, path, enclosing_namespace);
    if (type_name == "array") {
      auto items = schema.find("items");
      if (items == schema.end()) {
        return InvalidArgument("{}: array without \"items\"", Describe(path));
      }
      FLOE_ASSIGN_OR_RAISE(NodePtr item_node, Parse(*items, path + "[]", enclosing_namespace));
      auto node = std::make_shared<Node>();
      node->type = AvroType::kArray;
      node->items = std::move(item_node);
      node->attributes = AttributesExcept(schema, {"type", "items"});
      return NodePtr(std::move(node));
    }
    if (type_name == "map") {
      auto values = schema.find("values");
      if (values == schema.end()) {
        return InvalidArgument("{}: map without \"values\"", Describe(path));
      }
      FLOE_ASSIGN_OR_RAISE(NodePtr value_node, Parse(*values, path + "{}", enclosing_namespace));
      auto node = std::make_shared<Node>();
      node->type = AvroType::kMap;
      node->values = std::move(value_node);
      node->attributes = AttributesExcept(schema, {"type", "values"});
      return NodePtr(std::move(node));
    }
    // A named type written as {"type": "name"}.
    return ParseReference(type_name, path, enclosing_namespace);
  }

  static json AttributesExcept(const json& object, std::initializer_list<std::string_view> keys) {
    json attributes = json::object();
    for (const auto& [key, value] : object.items()) {
      bool reserved = false;
      for (std::string_view k : keys) reserved = reserved || key == k;
      if (!reserved) attributes[key] = value;
    }
    return attributes;
  }

  Result<NodePtr> ParseReference(const std::string& name, const std::string& path,
                                 const std::string& enclosing_namespace) {
    if (auto primitive = PrimitiveType(name)) {
      auto node = std::make_shared<Node>();
      node->type = *primitive;
      return NodePtr(std::move(node));
    }
    // An unqualified name is looked up in the enclosing namespace first.
    std::vector<std::string> candidates;
    if (name.find('.') == std::string::npos && !enclosing_namespace.empty()) {
      candidates.push_back(enclosing_namespace + "." + name);
    }
    candidates.push_back(name);
    for (const auto& candidate : candidates) {
      if (auto it = named_.find(candidate); it != named_.end()) return it->second;
      if (in_progress_.contains(candidate)) {
        return NotSupported("{}: recursive reference to '{}' is not supported", Describe(path),
                            candidate);
      }
    }
    return InvalidArgument("{}: unknown type '{}'", Describe(path), name);
  }

  Result<NodePtr> ParseUnion(const json& schema, const std::string& path,
                             const std::string& enclosing_namespace) {
    auto node = std::make_shared<Node>();
    node->type = AvroType::kUnion;
    std::set<std::string> seen;
    for (const auto& branch : schema) {
      FLOE_ASSIGN_OR_RAISE(NodePtr branch_node, Parse(branch, path, enclosing_namespace));
      if (branch_node->type == AvroType::kUnion) {
        return InvalidArgument("{}: a union may not directly contain a union", Describe(path));
      }
      // Unnamed types may occur once per union, named types once per name.
      std::string key = IsNamed(branch_node->type) ? branch_node->name
                                                   : std::string(AvroTypeName(branch_node->type));
      if (!seen.insert(key).second) {
        return InvalidArgument("{}: union has '{}' twice", Describe(path), key);
      }
      node->branches.push_back(std::move(branch_node));
    }
    if (node->branches.empty()) {
      return InvalidArgument("{}: a union needs at least one branch", Describe(path));
    }
    return NodePtr(std::move(node));
  }

  // Resolves the full name of a named type and checks it is new.
  Result<std::string> FullName(const json& schema, const std::string& path,
                               const std::string& enclosing_namespace) {
    auto name_it = schema.find("name");
    if (name_it == schema.end() || !name_it->is_string()) {
      return InvalidArgument("{}: a named type needs a string \"name\"", Describe(path));
    }
    std::string name = name_it->get<std::string>();
    std::string full_name = name;
    if (name.find('.') == std::string::npos) {
      std::string space = enclosing_namespace;
      if (auto ns = schema.find("namespace"); ns != schema.end()) {
        if (!ns->is_string() && !ns->is_null()) {
          return InvalidArgument("{}: \"namespace\" must be a string", Describe(path));
        }
        space = ns->is_string() ? ns->get<std::string>() : std::string();
      }
      if (!space.empty()) full_name = space + "." + name;
    }
    if (!IsValidFullName(full_name)) {
      return InvalidArgument("{}: invalid name '{}'", Describe(path), full_name);
    }
    if (named_.contains(full_name) || in_progress_.contains(full_name)) {
      return InvalidArgument("{}: type '{}' is defined twice", Describe(path), full_name);
    }
    return full_name;
  }

  Result<NodePtr> ParseRecord(const json& schema, const std::string& path,
                              const std::string& enclosing_namespace) {
    FLOE_ASSIGN_OR_RAISE(std::string full_name, FullName(schema, path, enclosing_namespace));
    auto fields = schema.find("fields");
    if (fields == schema.end() || !fields->is_array()) {
      return InvalidArgument("{}: record '{}' needs a \"fields\" array", Describe(path), full_name);
    }
    auto node = std::make_shared<Node>();
    node->type = AvroType::kRecord;
    node->name = full_name;
    node->attributes = AttributesExcept(schema, {"type", "name", "namespace", "fields"});
    in_progress_.insert(full_name);
    const std::string space = NamespaceOf(full_name);
    for (const auto& field_json : *fields) {
      if (!field_json.is_object()) {
        return InvalidArgument("{}: record '{}' has a field that is not an object", Describe(path),
                               full_name);
      }
      auto name_it = field_json.find("name");
      if (name_it == field_json.end() || !name_it->is_string() ||
          !IsValidSimpleName(name_it->get<std::string>())) {
        return InvalidArgument("{}: record '{}' has a field without a valid \"name\"",
                               Describe(path), full_name);
      }
      Field field;
      field.name = name_it->get<std::string>();
      const std::string field_path = path.empty() ? field.name : path + "." + field.name;
      if (node->FieldIndex(field.name) >= 0) {
        return InvalidArgument("{}: duplicate field name", Describe(field_path));
      }
      auto type_it = field_json.find("type");
      if (type_it == field_json.end()) {
        return InvalidArgument("{}: field without \"type\"", Describe(field_path));
      }
      FLOE_ASSIGN_OR_RAISE(field.type, Parse(*type_it, field_path, space));
      if (auto def = field_json.find("default"); def != field_json.end()) {
        field.default_value = *def;
      }
      field.attributes = AttributesExcept(field_json, {"name", "type", "default"});
      node->fields.push_back(std::move(field));
    }
    in_progress_.erase(full_name);
    named_.emplace(full_name, node);
    return NodePtr(std::move(node));
  }

  Result<NodePtr> ParseEnum(const json& schema, const std::string& path,
                            const std::string& enclosing_namespace) {
    FLOE_ASSIGN_OR_RAISE(std::string full_name, FullName(schema, path, enclosing_namespace));
    auto symbols = schema.find("symbols");
    if (symbols == schema.end() || !symbols->is_array()) {
      return InvalidArgument("{}: enum '{}' needs a \"symbols\" array", Describe(path), full_name);
    }
    auto node = std::make_shared<Node>();
    node->type = AvroType::kEnum;
    node->name = full_name;
    std::set<std::string> seen;
    for (const auto& symbol : *symbols) {
      if (!symbol.is_string() || !IsValidSimpleName(symbol.get<std::string>()) ||
          !seen.insert(symbol.get<std::string>()).second) {
        return InvalidArgument("{}: enum '{}' has an invalid or repeated symbol {}", Describe(path),
                               full_name, symbol.dump());
      }
      node->symbols.push_back(symbol.get<std::string>());
    }
    node->attributes = AttributesExcept(schema, {"type", "name", "namespace", "symbols"});
    named_.emplace(full_name, node);
    return NodePtr(std::move(node));
  }

  Result<NodePtr> ParseFixed(const json& schema, const std::string& path,
                             const std::string& enclosing_namespace) {
    FLOE_ASSIGN_OR_RAISE(std::string full_name, FullName(schema, path, enclosing_namespace));
    auto size = schema.find("size");
    if (size == schema.end() || !size->is_number_integer() || size->get<int64_t>() < 0 ||
        size->get<int64_t>() > std::numeric_limits<int32_t>::max()) {
      return InvalidArgument("{}: fixed '{}' needs a non-negative integer \"size\"", Describe(path),
                             full_name);
    }
    auto node = std::make_shared<Node>();
    node->type = AvroType::kFixed;
    node->name = full_name;
    node->size = static_cast<int32_t>(size->get<int64_t>());
    node->attributes = AttributesExcept(schema, {"type", "name", "namespace", "size"});
    named_.emplace(full_name, node);
    return NodePtr(std::move(node));
  }

  std::map<std::string, NodePtr> named_;
  std::set<std::string> in_progress_;
  int depth_ = 0;
};

// Prints Nodes back to JSON; a named type is defined at its first occurrence only.
class SchemaPrinter {
 public:
  json Print(const Node& node, const std::string& enclosing_namespace) {
    switch (node.type) {
      case AvroType::kNull:
      case AvroType::kBoolean:
      case AvroType::kInt:
      case AvroType::kLong:
      case AvroType::kFloat:
      case AvroType::kDouble:
      case AvroType::kBytes:
      case AvroType::kString: {
        json out = AttributesOf(node.attributes);
        if (out.empty()) return json(AvroTypeName(node.type));
        out["type"] = AvroTypeName(node.type);
        return out;
      }
      case AvroType::kUnion: {
        json out = json::array();
        for (const auto& branch : node.branches) out.push_back(Print(*branch, enclosing_namespace));
        return out;
      }
      case AvroType::kArray: {
        json out = AttributesOf(node.attributes);
        out["type"] = "array";
        out["items"] = node.items ? Print(*node.items, enclosing_namespace) : json("null");
        return out;
      }
      case AvroType::kMap: {
        json out = AttributesOf(node.attributes);
        out["type"] = "map";
        out["values"] = node.values ? Print(*node.values, enclosing_namespace) : json("null");
        return out;
      }
      case AvroType::kRecord:
      case AvroType::kEnum:
      case AvroType::kFixed:
        return PrintNamed(node, enclosing_namespace);
    }
    return json("null");
  }

 private:
  json PrintNamed(const Node& node, const std::string& enclosing_namespace) {
    if (!defined_.insert(node.name).second) return json(node.name);
    json out = AttributesOf(node.attributes);
    out["type"] = AvroTypeName(node.type);
    out["name"] = node.name;
    const std::string space = NamespaceOf(node.name);
    // An unqualified name inside a namespaced type would otherwise inherit that namespace.
    if (space.empty() && !enclosing_namespace.empty()) out["namespace"] = "";
    if (node.type == AvroType::kRecord) {
      json fields = json::array();
      for (const auto& field : node.fields) {
        json field_json = AttributesOf(field.attributes);
        field_json["name"] = field.name;
        field_json["type"] = field.type ? Print(*field.type, space) : json("null");
        if (field.default_value) field_json["default"] = *field.default_value;
        fields.push_back(std::move(field_json));
      }
      out["fields"] = std::move(fields);
    } else if (node.type == AvroType::kEnum) {
      out["symbols"] = node.symbols;
    } else {
      out["size"] = node.size;
    }
    return out;
  }

  std::set<std::string> defined_;
};

}  // namespace

std::string_view AvroTypeName(AvroType type) {
  switch (type) {
    case AvroType::kNull:
      return "null";
    case AvroType::kBoolean:
      return "boolean";
    case AvroType::kInt:
      return "int";
    case AvroType::kLong:
      return "long";
    case AvroType::kFloat:
      return "float";
    case AvroType::kDouble:
      return "double";
    case AvroType::kBytes:
      return "bytes";
    case AvroType::kString:
      return "string";
    case AvroType::kRecord:
      return "record";
    case AvroType::kEnum:
      return "enum";
    case AvroType::kArray:
      return "array";
    case AvroType::kMap:
      return "map";
    case AvroType::kUnion:
      return "union";
    case AvroType::kFixed:
      return "fixed";
  }
  return "unknown";
}

int Node::FieldIndex(std::string_view field_name) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == field_name) return static_cast<int>(i);
  }
  return -1;
}

Result<NodePtr> ParseSchema(std::string_view text) {
  json schema;
  try {
    schema = json::parse(text);
  } catch (const json::exception& e) {
    return InvalidArgument("schema is not valid JSON: {}", e.what());
  }
  SchemaParser parser;
  return parser.Parse(schema, "", "");
}

std::string SchemaToJson(const Node& node) {
  SchemaPrinter printer;
  // Replace rather than throw on invalid UTF-8 in names or attributes built by hand.
  return printer.Print(node, "").dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace floe::avro
