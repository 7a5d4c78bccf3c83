#pragma once

// Request and response bodies of the Iceberg REST catalog API (open-api/rest-catalog-open-api.yaml)
// that floe's client sends and its server answers, with their JSON forms. Parsers take untrusted
// text: every failure is an InvalidArgument naming the JSON path, never an exception or a crash
// (tests/fuzz/rest_request_fuzz.cc feeds them garbage).

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "iceberg/catalog/catalog.h"
#include "iceberg/json_util.h"
#include "iceberg/partition_spec.h"
#include "iceberg/rest/table_requirement.h"
#include "iceberg/rest/table_update.h"
#include "iceberg/schema.h"
#include "iceberg/sort_order.h"
#include "iceberg/table_metadata.h"

namespace floe::iceberg::rest {

/// Deeper JSON than this is refused before it is parsed: the schema parser recurses per nested
/// type, and no real schema nests anywhere near this.
inline constexpr int kMaxJsonDepth = 64;

/// Parses request or response text as one JSON value, refusing nesting beyond kMaxJsonDepth.
/// `what` names the body in errors ("create table request").
Result<nlohmann::json> ParseBody(std::string_view text, std::string_view what);

/// Serializes a response or request body (invalid UTF-8 replaced, never thrown).
std::string DumpJson(const nlohmann::json& value);

/// ["a", "b"] ↔ Namespace.
nlohmann::json NamespaceToJson(const Namespace& ns);
Result<Namespace> NamespaceFromJson(const nlohmann::json& value, const JsonLocation& at);
/// {"namespace": [...], "name": "t"} ↔ TableIdentifier.
nlohmann::json TableIdentifierToJson(const TableIdentifier& id);
Result<TableIdentifier> TableIdentifierFromJson(const nlohmann::json& value,
                                                const JsonLocation& at);

/// A namespace in a URL path: levels joined by the unit separator 0x1F (percent-encoded as %1F
/// on the wire, which the HTTP layer decodes).
std::string NamespaceToPathSegment(const Namespace& ns);
Result<Namespace> NamespaceFromPathSegment(std::string_view decoded);
/// Percent-encodes a path segment or query value (RFC 3986 unreserved characters kept).
std::string UrlEncode(std::string_view text);

struct CreateNamespaceRequest {
  Namespace ns;
  std::map<std::string, std::string> properties;
};
nlohmann::json ToJson(const CreateNamespaceRequest& request);
Result<CreateNamespaceRequest> ParseCreateNamespaceRequest(std::string_view text);

struct UpdateNamespacePropertiesRequest {
  std::vector<std::string> removals;
  std::map<std::string, std::string> updates;
};
nlohmann::json ToJson(const UpdateNamespacePropertiesRequest& request);
Result<UpdateNamespacePropertiesRequest> ParseUpdateNamespacePropertiesRequest(
    std::string_view text);

struct CreateTableRequest {
  std::string name;
  std::string location;  // empty: the catalog's default
  Schema schema;
  std::optional<PartitionSpec> spec;
  std::optional<SortOrder> write_order;
  bool stage_create = false;
  std::map<std::string, std::string> properties;
};
nlohmann::json ToJson(const CreateTableRequest& request);
Result<CreateTableRequest> ParseCreateTableRequest(std::string_view text);

/// Vended storage credentials for the files under `prefix`.
struct StorageCredential {
  std::string prefix;
  std::map<std::string, std::string> config;
};

/// The answer to create and load table, and (without config) to a commit.
struct LoadTableResult {
  std::string metadata_location;
  TableMetadata metadata;
  std::map<std::string, std::string> config;
  std::vector<StorageCredential> storage_credentials;
};
nlohmann::json ToJson(const LoadTableResult& result);
Result<LoadTableResult> ParseLoadTableResult(std::string_view text);

struct CommitTableRequest {
  std::optional<TableIdentifier> identifier;  // required inside a transaction
  std::vector<TableRequirement> requirements;
  std::vector<TableUpdate> updates;
};
nlohmann::json ToJson(const CommitTableRequest& request);
Result<CommitTableRequest> ParseCommitTableRequest(std::string_view text);
Result<CommitTableRequest> CommitTableRequestFromJson(const nlohmann::json& value,
                                                      const JsonLocation& at);

struct CommitTransactionRequest {
  std::vector<CommitTableRequest> table_changes;
};
Result<CommitTransactionRequest> ParseCommitTransactionRequest(std::string_view text);

struct RenameTableRequest {
  TableIdentifier source;
  TableIdentifier destination;
};
nlohmann::json ToJson(const RenameTableRequest& request);
Result<RenameTableRequest> ParseRenameTableRequest(std::string_view text);

/// POST /v1/{prefix}/namespaces/{namespace}/register: makes an existing metadata file a table.
struct RegisterTableRequest {
  std::string name;
  std::string metadata_location;
  /// Replace the pointer of a table that exists (spec 1.10); false: such a table is a conflict.
  bool overwrite = false;
};
Result<RegisterTableRequest> ParseRegisterTableRequest(std::string_view text);

/// GET /v1/config: defaults < client properties < overrides; "prefix" usually in overrides.
struct CatalogConfig {
  std::map<std::string, std::string> defaults;
  std::map<std::string, std::string> overrides;
  std::vector<std::string> endpoints;
};
nlohmann::json ToJson(const CatalogConfig& config);
Result<CatalogConfig> ParseCatalogConfig(std::string_view text);

/// The OAuth2 token endpoint's answer.
struct TokenResponse {
  std::string access_token;
  std::string token_type;
  std::optional<int64_t> expires_in_seconds;
};
Result<TokenResponse> ParseTokenResponse(std::string_view text);

/// application/x-www-form-urlencoded text → key/value pairs (the token request).
Result<std::map<std::string, std::string>> ParseFormBody(std::string_view text);

}  // namespace floe::iceberg::rest
