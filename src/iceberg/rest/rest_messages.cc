#include "iceberg/rest/rest_messages.h"

#include <cctype>

#include "iceberg/schema_json.h"
#include "iceberg/table_metadata_json.h"

namespace floe::iceberg::rest {

using json_util::ExpectArray;
using json_util::ExpectObject;
using json_util::JsonBool;
using json_util::JsonInt64;
using json_util::JsonOptional;
using json_util::JsonRequired;
using json_util::JsonString;
using json_util::JsonStringList;
using json_util::JsonStringMap;
using json_util::RequiredString;
using nlohmann::json;

namespace {

constexpr char kUnitSeparator = '\x1f';

Status CheckDepth(std::string_view text, std::string_view what) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxJsonDepth) {
        return InvalidArgument("{}: JSON nested deeper than {} levels", what, kMaxJsonDepth);
      }
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return Status::Ok();
}

Result<std::map<std::string, std::string>> OptionalStringMap(const json& object,
                                                             std::string_view key,
                                                             const JsonLocation& at) {
  const json* value = JsonOptional(object, key);
  if (value == nullptr) return std::map<std::string, std::string>{};
  return JsonStringMap(*value, at.Key(key));
}

/// The root of a request body: an object, parsed with the depth limit.
Result<json> ParseObject(std::string_view text, std::string_view what) {
  FLOE_ASSIGN_OR_RAISE(json root, ParseBody(text, what));
  FLOE_RETURN_IF_ERROR(ExpectObject(root, JsonLocation{what, ""}));
  return root;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> FormDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      if (i + 2 >= text.size()) {
        return InvalidArgument("form body: truncated percent escape");
      }
      int high = HexValue(text[i + 1]);
      int low = HexValue(text[i + 2]);
      if (high < 0 || low < 0) return InvalidArgument("form body: invalid percent escape");
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

Result<json> ParseBody(std::string_view text, std::string_view what) {
  FLOE_RETURN_IF_ERROR(CheckDepth(text, what));
  return json_util::ParseJsonText(text, what);
}

std::string DumpJson(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

json NamespaceToJson(const Namespace& ns) { return ns.levels; }

Result<Namespace> NamespaceFromJson(const json& value, const JsonLocation& at) {
  FLOE_ASSIGN_OR_RAISE(std::vector<std::string> levels, JsonStringList(value, at));
  if (levels.empty()) return at.Error("empty namespace");
  for (size_t i = 0; i < levels.size(); ++i) {
    if (levels[i].empty()) return at.Index(i).Error("empty namespace level");
  }
  return Namespace{std::move(levels)};
}

json TableIdentifierToJson(const TableIdentifier& id) {
  return json{{"namespace", NamespaceToJson(id.ns)}, {"name", id.name}};
}

Result<TableIdentifier> TableIdentifierFromJson(const json& value, const JsonLocation& at) {
  FLOE_RETURN_IF_ERROR(ExpectObject(value, at));
  FLOE_ASSIGN_OR_RAISE(const json* ns, JsonRequired(value, "namespace", at));
  TableIdentifier id;
  FLOE_ASSIGN_OR_RAISE(id.ns, NamespaceFromJson(*ns, at.Key("namespace")));
  FLOE_ASSIGN_OR_RAISE(id.name, RequiredString(value, "name", at));
  if (id.name.empty()) return at.Key("name").Error("empty table name");
  return id;
}

std::string NamespaceToPathSegment(const Namespace& ns) {
  std::string out;
  for (size_t i = 0; i < ns.levels.size(); ++i) {
    if (i > 0) out += "%1F";
    out += UrlEncode(ns.levels[i]);
  }
  return out;
}

Result<Namespace> NamespaceFromPathSegment(std::string_view decoded) {
  Namespace ns;
  size_t start = 0;
  while (true) {
    size_t end = decoded.find(kUnitSeparator, start);
    std::string_view level =
        decoded.substr(start, end == decoded.npos ? decoded.npos : end - start);
    if (level.empty()) return InvalidArgument("invalid namespace in path: empty level");
    ns.levels.emplace_back(level);
    if (end == decoded.npos) return ns;
    start = end + 1;
  }
}

std::string UrlEncode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

json ToJson(const CreateNamespaceRequest& request) {
  return json{{"namespace", NamespaceToJson(request.ns)}, {"properties", request.properties}};
}

Result<CreateNamespaceRequest> ParseCreateNamespaceRequest(std::string_view text) {
  constexpr std::string_view kWhat = "create namespace request";
  FLOE_ASSIGN_OR_RAISE(json root, ParseObject(text, kWhat));
  const JsonLocation at{kWhat, ""};
  CreateNamespaceRequest request;
  FLOE_ASSIGN_OR_RAISE(const json* ns, JsonRequired(root, "namespace", at));
  FLOE_ASSIGN_OR_RAISE(request.ns, NamespaceFromJson(*ns, at.Key("namespace")));
  FLOE_ASSIGN_OR_RAISE(request.properties, OptionalStringMap(root, "properties", at));
  return request;
}

json ToJson(const UpdateNamespacePropertiesRequest& request) {
  return json{{"removals", request.removals}, {"updates", request.updates}};
}

Result<UpdateNamespacePropertiesRequest> ParseUpdateNamespacePropertiesRequest(
    std::string_view text) {
  constexpr std::string_view kWhat = "update namespace properties request";
  FLOE_ASSIGN_OR_RAISE(json root, ParseObject(text, kWhat));
  const JsonLocation at{kWhat, ""};
  UpdateNamespacePropertiesRequest request;
  if (const json* removals = JsonOptional(root, "removals")) {
    FLOE_ASSIGN_OR_RAISE(request.removals, JsonStringList(*removals, at.Key("removals")));
  }
  FLOE_ASSIGN_OR_RAISE(request.updates, OptionalStringMap(root, "updates", at));
  return request;
}

json ToJson(const CreateTableRequest& request) {
  json out = json::object();
  out["name"] = request.name;
  if (!request.location.empty()) out["location"] = request.location;
  out["schema"] = SchemaToJson(request.schema);
  if (request.spec) out["partition-spec"] = PartitionSpecToJson(*request.spec);
  if (request.write_order) out["write-order"] = SortOrderToJson(*request.write_order);
  out["stage-create"] = request.stage_create;
  out["properties"] = request.properties;
  return out;
}

Result<CreateTableRequest> ParseCreateTableRequest(std::string_view text) {
  constexpr std::string_view kWhat = "create table request";
  FLOE_ASSIGN_OR_RAISE(json root, ParseObject(text, kWhat));
  const JsonLocation at{kWhat, ""};
  CreateTableRequest request;
  FLOE_ASSIGN_OR_RAISE(request.name, RequiredString(root, "name", at));
  if (request.name.empty()) return at.Key("name").Error("empty table name");
  if (const json* location = JsonOptional(root, "location")) {
    FLOE_ASSIGN_OR_RAISE(request.location, JsonString(*location, at.Key("location")));
  }
  FLOE_ASSIGN_OR_RAISE(const json* schema, JsonRequired(root, "schema", at));
  FLOE_ASSIGN_OR_RAISE(request.schema, SchemaFromJsonAt(*schema, at.Key("schema")));
  FLOE_RETURN_IF_ERROR(request.schema.Validate().WithContext(fmt::format("{}: schema", kWhat)));
  // Ids of a new table's spec and order are the server's to assign: clients may leave them out.
  if (const json* spec = JsonOptional(root, "partition-spec")) {
    json with_id = *spec;
    if (with_id.is_object() && !with_id.contains("spec-id")) with_id["spec-id"] = 0;
    FLOE_ASSIGN_OR_RAISE(request.spec, PartitionSpecFromJsonAt(with_id, at.Key("partition-spec")));
  }
  if (const json* order = JsonOptional(root, "write-order")) {
    json with_id = *order;
    if (with_id.is_object() && !with_id.contains("order-id")) with_id["order-id"] = 0;
    FLOE_ASSIGN_OR_RAISE(request.write_order, SortOrderFromJsonAt(with_id, at.Key("write-order")));
  }
  if (const json* stage = JsonOptional(root, "stage-create")) {
    FLOE_ASSIGN_OR_RAISE(request.stage_create, JsonBool(*stage, at.Key("stage-create")));
  }
  FLOE_ASSIGN_OR_RAISE(request.properties, OptionalStringMap(root, "properties", at));
  return request;
}

json ToJson(const LoadTableResult& result) {
  json out = json::object();
  out["metadata-location"] = result.metadata_location;
  out["metadata"] = TableMetadataToJson(result.metadata);
  out["config"] = result.config;
  if (!result.storage_credentials.empty()) {
    json credentials = json::array();
    for (const StorageCredential& credential : result.storage_credentials) {
      credentials.push_back(json{{"prefix", credential.prefix}, {"config", credential.config}});
    }
    out["storage-credentials"] = std::move(credentials);
  }
  return out;
}

Result<LoadTableResult> ParseLoadTableResult(std::string_view text) {
  constexpr std::string_view kWhat = "load table result";
  FLOE_ASSIGN_OR_RAISE(json root, ParseObject(text, kWhat));
  const JsonLocation at{kWhat, ""};
  LoadTableResult result;
  if (const json* location = JsonOptional(root, "metadata-location")) {
    FLOE_ASSIGN_OR_RAISE(result.metadata_location,
                         JsonString(*location, at.Key("metadata-location")));
  }
  FLOE_ASSIGN_OR_RAISE(const json* metadata, JsonRequired(root, "metadata", at));
  FLOE_ASSIGN_OR_RAISE(result.metadata, TableMetadataFromJsonText(DumpJson(*metadata),
                                                                  "load table result: metadata"));
  FLOE_ASSIGN_OR_RAISE(result.config, OptionalStringMap(root, "config", at));
  if (const json* credentials = JsonOptional(root, "storage-credentials")) {
    const JsonLocation where = at.Key("storage-credentials");
    FLOE_RETURN_IF_ERROR(ExpectArray(*credentials, where));
    for (size_t i = 0; i < credentials->size(); ++i) {
      const json& item = (*credentials)[i];
      FLOE_RETURN_IF_ERROR(ExpectObject(item, where.Index(i)));
      StorageCredential credential;
      FLOE_ASSIGN_OR_RAISE(credential.prefix, RequiredString(item, "prefix", where.Index(i)));
      FLOE_ASSIGN_OR_RAISE(credential.config, OptionalStringMap(item, "config", where.Index(i)));
      result.storage_credentials.push_back(std::move(credential));
    }
  }
  return result;
}

json ToJson(const CommitTableRequest& request) {
  json out = json::object();
  if (request.identifier) out["identifier"] = TableIdentifierToJson(*request.identifier);
  json requirements = json::array();
  for (const TableRequirement& requirement : request.requirements) {
    requirements.push_back(TableRequirementToJson(requirement));
  }
  json updates = json::array();
  for (const TableUpdate& update : request.updates) updates.push_back(TableUpdateToJson(update));
  out["requirements"] = std::move(requirements);
  out["updates"] = std::move(updates);
  return out;
}

Result<CommitTableRequest> CommitTableRequestFromJson(const json& root, const JsonLocation& at) {
  FLOE_RETURN_IF_ERROR(ExpectObject(root, at));
  CommitTableRequest request;
  if (const json* identifier = JsonOptional(root, "identifier")) {
    FLOE_ASSIGN_OR_RAISE(request.identifier,
                         TableIdentifierFromJson(*identifier, at.Key("identifier")));
  }
  FLOE_ASSIGN_OR_RAISE(const json* requirements, JsonRequired(root, "requirements", at));
  FLOE_RETURN_IF_ERROR(ExpectArray(*requirements, at.Key("requirements")));
  for (size_t i = 0; i < requirements->size(); ++i) {
    FLOE_ASSIGN_OR_RAISE(
        TableRequirement requirement,
        TableRequirementFromJson((*requirements)[i], at.Key("requirements").Index(i)));
    request.requirements.push_back(std::move(requirement));
  }
  FLOE_ASSIGN_OR_RAISE(const json* updates, JsonRequired(root, "updates", at));
  FLOE_RETURN_IF_ERROR(ExpectArray(*updates, at.Key("updates")));
  for (size_t i = 0; i < updates->size(); ++i) {
    FLOE_ASSIGN_OR_RAISE(TableUpdate update,
                         TableUpdateFromJson((*updates)[i], at.Key("updates").Index(i)));
    request.updates.push_back(std::move(update));
  }
  return request;
}

Result<CommitTableRequest> ParseCommitTableRequest(std::string_view text) {
  constexpr std::string_view kWhat = "commit table request";
  FLOE_ASSIGN_OR_RAISE(json root, ParseObject(text, kWhat));
  return CommitTableRequestFromJson(root, JsonLocation{kWhat, ""});
}

Result<CommitTransactionRequest> ParseCommitTransactionRequest(std::string_view text) {
  constexpr std::string_view kWhat = "commit transaction request";
  FLOE_ASSIGN_OR_RAISE(json root, ParseObject(text, kWhat));
  const JsonLocation at{kWhat, ""};
  FLOE_ASSIGN_OR_RAISE(const json* changes, JsonRequired(root, "table-changes", at));
  const JsonLocation where = at.Key("table-changes");
  FLOE_RETURN_IF_ERROR(ExpectArray(*changes, where));
  CommitTransactionRequest request;
  for (size_t i = 0; i < changes->size(); ++i) {
    FLOE_ASSIGN_OR_RAISE(CommitTableRequest change,
                         CommitTableRequestFromJson((*changes)[i], where.Index(i)));
    if (!change.identifier) return where.Index(i).Error("missing required field 'identifier'");
    request.table_changes.push_back(std::move(change));
  }
  return request;
}

json ToJson(const RenameTableRequest& request) {
  return json{{"source", TableIdentifierToJson(request.source)},
              {"destination", TableIdentifierToJson(request.destination)}};
}

Result<RenameTableRequest> ParseRenameTableRequest(std::string_view text) {
  constexpr std::string_view kWhat = "rename table request";
  FLOE_ASSIGN_OR_RAISE(json root, ParseObject(text, kWhat));
  const JsonLocation at{kWhat, ""};
  RenameTableRequest request;
  FLOE_ASSIGN_OR_RAISE(const json* source, JsonRequired(root, "source", at));
  FLOE_ASSIGN_OR_RAISE(request.source, TableIdentifierFromJson(*source, at.Key("source")));
  FLOE_ASSIGN_OR_RAISE(const json* destination, JsonRequired(root, "destination", at));
  FLOE_ASSIGN_OR_RAISE(request.destination,
                       TableIdentifierFromJson(*destination, at.Key("destination")));
  return request;
}

Result<RegisterTableRequest> ParseRegisterTableRequest(std::string_view text) {
  constexpr std::string_view kWhat = "register table request";
  FLOE_ASSIGN_OR_RAISE(json root, ParseObject(text, kWhat));
  const JsonLocation at{kWhat, ""};
  RegisterTableRequest request;
  FLOE_ASSIGN_OR_RAISE(request.name, RequiredString(root, "name", at));
  FLOE_ASSIGN_OR_RAISE(request.metadata_location, RequiredString(root, "metadata-location", at));
  if (const json* overwrite = JsonOptional(root, "overwrite")) {
    FLOE_ASSIGN_OR_RAISE(request.overwrite, JsonBool(*overwrite, at.Key("overwrite")));
  }
  return request;
}

json ToJson(const CatalogConfig& config) {
  return json{{"defaults", config.defaults},
              {"overrides", config.overrides},
              {"endpoints", config.endpoints}};
}

Result<CatalogConfig> ParseCatalogConfig(std::string_view text) {
  constexpr std::string_view kWhat = "catalog config";
  FLOE_ASSIGN_OR_RAISE(json root, ParseObject(text, kWhat));
  const JsonLocation at{kWhat, ""};
  CatalogConfig config;
  FLOE_ASSIGN_OR_RAISE(config.defaults, OptionalStringMap(root, "defaults", at));
  FLOE_ASSIGN_OR_RAISE(config.overrides, OptionalStringMap(root, "overrides", at));
  if (const json* endpoints = JsonOptional(root, "endpoints")) {
    FLOE_ASSIGN_OR_RAISE(config.endpoints, JsonStringList(*endpoints, at.Key("endpoints")));
  }
  return config;
}

Result<TokenResponse> ParseTokenResponse(std::string_view text) {
  constexpr std::string_view kWhat = "token response";
  FLOE_ASSIGN_OR_RAISE(json root, ParseObject(text, kWhat));
  const JsonLocation at{kWhat, ""};
  TokenResponse response;
  FLOE_ASSIGN_OR_RAISE(response.access_token, RequiredString(root, "access_token", at));
  if (const json* type = JsonOptional(root, "token_type")) {
    FLOE_ASSIGN_OR_RAISE(response.token_type, JsonString(*type, at.Key("token_type")));
  }
  if (const json* expires = JsonOptional(root, "expires_in")) {
    FLOE_ASSIGN_OR_RAISE(response.expires_in_seconds, JsonInt64(*expires, at.Key("expires_in")));
  }
  return response;
}

Result<std::map<std::string, std::string>> ParseFormBody(std::string_view text) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('&', start);
    if (end == text.npos) end = text.size();
    std::string_view pair = text.substr(start, end - start);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      FLOE_ASSIGN_OR_RAISE(std::string key, FormDecode(pair.substr(0, eq)));
      std::string value;
      if (eq != pair.npos) {
        FLOE_ASSIGN_OR_RAISE(value, FormDecode(pair.substr(eq + 1)));
      }
      out[std::move(key)] = std::move(value);
    }
    start = end + 1;
  }
  return out;
}

}  // namespace floe::iceberg::rest
