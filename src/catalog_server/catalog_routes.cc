#include "catalog_server/catalog_routes.h"

#include <httplib.h>

#include <algorithm>
#include <set>

#include "catalog_server/fresh_ids.h"
#include "iceberg/catalog/catalog_internal.h"
#include "iceberg/catalog/sql_catalog.h"
#include "iceberg/rest/rest_messages.h"
#include "iceberg/table_metadata_json.h"

namespace floe::catalog_server {

using iceberg::LoadedTable;
using iceberg::Namespace;
using iceberg::SqlCatalog;
using iceberg::TableIdentifier;
using iceberg::TableMetadata;
using nlohmann::json;
namespace rest = iceberg::rest;

namespace {

/// A commit whose compare-and-swap lost to a commit that its requirements allow (e.g. two
/// property changes) is re-applied on the new metadata this many times.
constexpr int kMaxCasAttempts = 5;

const std::string kPrefix = R"(/api/catalog/v1/([^/]+))";
const std::string kNamespacePath = kPrefix + R"(/namespaces/([^/]+))";
const std::string kTablePath = kNamespacePath + R"(/tables/([^/]+))";

bool WantsVendedCredentials(const httplib::Request& req) {
  return req.get_header_value("X-Iceberg-Access-Delegation").find("vended-credentials") !=
         std::string::npos;
}

/// The storage properties a catalog may hand to clients of its tables: floe has no token
/// service, so "vended" credentials are the catalog's own s3.* and client.* properties.
std::map<std::string, std::string> VendableConfig(const CatalogEntry& entry) {
  std::map<std::string, std::string> config;
  for (const auto& [key, value] : entry.properties) {
    if (key.starts_with("s3.") || key.starts_with("client.")) config[key] = value;
  }
  return config;
}

rest::LoadTableResult ToResult(LoadedTable table) {
  rest::LoadTableResult result;
  result.metadata_location = std::move(table.metadata_location);
  result.metadata = std::move(table.metadata);
  return result;
}

json NamespaceReply(const Namespace& ns, const std::map<std::string, std::string>& properties) {
  return json{{"namespace", rest::NamespaceToJson(ns)}, {"properties", properties}};
}

Grant TableSecurable(const TableIdentifier& id) {
  return Grant{SecurableKind::kTable, id.ns.levels, id.name, Privilege::kTableDrop};
}

using UpdateKind = rest::TableUpdate::Kind;

/// Applies `updates` to `base`; true when something changed.
Result<bool> ApplyAll(TableMetadata& base, const std::vector<rest::TableUpdate>& updates) {
  rest::TableMetadataEditor editor(base);
  for (size_t i = 0; i < updates.size(); ++i) {
    FLOE_RETURN_IF_ERROR_CTX(editor.Apply(updates[i]), fmt::format("updates[{}]", i));
  }
  if (!editor.changed()) return false;
  base = std::move(editor).Finish();
  return true;
}

/// A sort order given at create time, as the updates that make it the table's default.
std::vector<rest::TableUpdate> SortOrderUpdates(const std::optional<iceberg::SortOrder>& order) {
  if (!order || order->fields.empty()) return {};
  rest::TableUpdate add;
  add.kind = UpdateKind::kAddSortOrder;
  add.sort_order = *order;
  rest::TableUpdate set_default;
  set_default.kind = UpdateKind::kSetDefaultSortOrder;
  set_default.id = -1;
  return {add, set_default};
}

bool AssertsCreate(const rest::CommitTableRequest& request) {
  return std::any_of(request.requirements.begin(), request.requirements.end(),
                     [](const rest::TableRequirement& requirement) {
                       return requirement.kind == rest::TableRequirement::Kind::kAssertCreate;
                     });
}

/// The first metadata of a new table: `schema`, `spec`, `location` (default: under the
/// catalog's base location) and `properties`, then `more` (a sort order, the rest of a create
/// transaction) applied to it.
Result<TableMetadata> NewMetadata(const CatalogEntry& entry, const TableIdentifier& id,
                                  const iceberg::Schema& schema, const iceberg::PartitionSpec& spec,
                                  const std::string& location,
                                  const std::map<std::string, std::string>& properties,
                                  const std::vector<rest::TableUpdate>& more) {
  std::string table_location;
  if (location.empty()) {
    table_location = iceberg::internal::DefaultTableLocation(entry.default_base_location(), id,
                                                             iceberg::internal::NameStore::kRows);
  } else {
    if (!entry.IsAllowedLocation(location)) {
      return InvalidArgument("location {} is outside the allowed locations of catalog {}", location,
                             entry.name);
    }
    FLOE_ASSIGN_OR_RAISE(table_location, iceberg::internal::NormalizeLocation(location));
  }
  FLOE_ASSIGN_OR_RAISE(TableMetadata metadata,
                       iceberg::NewTableMetadata(schema, spec, table_location, properties,
                                                 iceberg::NewTableVersions::kAny));
  FLOE_RETURN_IF_ERROR(ApplyAll(metadata, more).status());
  return metadata;
}

/// The commit of a staged create (assert-create on a table that does not exist): its schema,
/// spec, location and properties create the table, and its other updates (sort order, a first
/// snapshot) are applied on top.
Result<LoadedTable> CommitCreate(SqlCatalog& catalog, const CatalogEntry& entry,
                                 const TableIdentifier& id,
                                 const rest::CommitTableRequest& request) {
  std::optional<iceberg::Schema> schema;
  std::optional<iceberg::PartitionSpec> spec;
  std::string location;
  std::map<std::string, std::string> properties;
  std::vector<rest::TableUpdate> more;
  // The first schema and (if it comes before a second schema) the first spec make the table;
  // "set current/default to the one just added" then needs no update of its own.
  int schemas_added = 0;
  bool spec_is_latest = false;
  for (const rest::TableUpdate& update : request.updates) {
    switch (update.kind) {
      case UpdateKind::kAddSchema:
        if (++schemas_added == 1) {
          schema = update.schema;
          continue;
        }
        break;
      case UpdateKind::kSetCurrentSchema:
        if (update.id == -1 && schemas_added == 1) continue;
        break;
      case UpdateKind::kAddSpec:
        spec_is_latest = !spec && schemas_added == 1;
        if (spec_is_latest) {
          spec = update.spec;
          continue;
        }
        break;
      case UpdateKind::kSetDefaultSpec:
        if (update.id == -1 && spec_is_latest) continue;
        break;
      case UpdateKind::kSetLocation:
        location = update.location;
        continue;
      case UpdateKind::kSetProperties:
        for (const auto& [key, value] : update.updates) properties[key] = value;
        continue;
      case UpdateKind::kAssignUuid:
        continue;  // the new table has its own uuid
      case UpdateKind::kUpgradeFormatVersion:
        properties.emplace("format-version", std::to_string(update.format_version));
        continue;
      default:
        break;
    }
    more.push_back(update);
  }
  if (!schema) return InvalidArgument("a create commit needs an add-schema update");
  FLOE_ASSIGN_OR_RAISE(
      FreshTable fresh,
      AssignFreshIds(*schema, spec.value_or(iceberg::PartitionSpec{}), std::nullopt));
  FLOE_ASSIGN_OR_RAISE(TableMetadata metadata, NewMetadata(entry, id, fresh.schema, fresh.spec,
                                                           location, properties, more));
  return catalog.CreateTableWithMetadata(id, std::move(metadata));
}

/// Applies a commit's requirements and updates to the table's current metadata and swaps it in;
/// retried while another commit that the requirements allow wins the swap.
Result<LoadedTable> CommitOne(SqlCatalog& catalog, const CatalogEntry& entry,
                              const TableIdentifier& id, const rest::CommitTableRequest& request) {
  for (int attempt = 1;; ++attempt) {
    Result<LoadedTable> current = catalog.LoadTable(id);
    if (!current.ok() && !current.status().IsNotFound()) return current.status();
    const TableMetadata* metadata = current.ok() ? &current->metadata : nullptr;
    for (const rest::TableRequirement& requirement : request.requirements) {
      FLOE_RETURN_IF_ERROR(requirement.Validate(metadata));
    }
    if (!current.ok()) {
      if (AssertsCreate(request)) return CommitCreate(catalog, entry, id, request);
      return current.status();
    }
    rest::TableMetadataEditor editor(current->metadata);
    for (size_t i = 0; i < request.updates.size(); ++i) {
      FLOE_RETURN_IF_ERROR_CTX(editor.Apply(request.updates[i]), fmt::format("updates[{}]", i));
    }
    if (!editor.changed()) return std::move(*current);
    TableMetadata updated = std::move(editor).Finish();
    if (updated.location != current->metadata.location &&
        !entry.IsAllowedLocation(updated.location)) {
      return InvalidArgument("location {} is outside the allowed locations of catalog {}",
                             updated.location, entry.name);
    }
    Result<LoadedTable> committed = catalog.CommitTable(*current, updated);
    if (committed.ok() || !committed.status().IsCommitFailed() || attempt >= kMaxCasAttempts) {
      return committed;
    }
  }
}

/// The routes, each a member so that it sees the context without capturing it.
class CatalogRoutes {
 public:
  explicit CatalogRoutes(const RouteContext& context) : context_(context) {}

  Result<Reply> Config(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> ListNamespaces(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> CreateNamespace(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> LoadNamespace(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> DropNamespace(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> UpdateNamespace(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> ListTables(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> CreateTable(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> RegisterTable(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> LoadTable(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> CommitTable(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> DropTable(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> RenameTable(const httplib::Request& req, const Caller& caller) const;
  Result<Reply> CommitTransaction(const httplib::Request& req, const Caller& caller) const;

 private:
  Result<std::shared_ptr<SqlCatalog>> TablesOf(const std::string& warehouse) const {
    return context_.store.TablesOf(warehouse);
  }

  const RouteContext& context_;
};

Result<Reply> CatalogRoutes::Config(const httplib::Request& req, const Caller& caller) const {
  rest::CatalogConfig config;
  config.endpoints = {
      "GET /v1/{prefix}/namespaces",
      "POST /v1/{prefix}/namespaces",
      "GET /v1/{prefix}/namespaces/{namespace}",
      "HEAD /v1/{prefix}/namespaces/{namespace}",
      "DELETE /v1/{prefix}/namespaces/{namespace}",
      "POST /v1/{prefix}/namespaces/{namespace}/properties",
      "GET /v1/{prefix}/namespaces/{namespace}/tables",
      "POST /v1/{prefix}/namespaces/{namespace}/tables",
      "POST /v1/{prefix}/namespaces/{namespace}/register",
      "GET /v1/{prefix}/namespaces/{namespace}/tables/{table}",
      "HEAD /v1/{prefix}/namespaces/{namespace}/tables/{table}",
      "POST /v1/{prefix}/namespaces/{namespace}/tables/{table}",
      "DELETE /v1/{prefix}/namespaces/{namespace}/tables/{table}",
      "POST /v1/{prefix}/tables/rename",
      "POST /v1/{prefix}/transactions/commit",
  };
  const std::string warehouse = req.get_param_value("warehouse");
  if (!warehouse.empty()) {
    // Only a caller with some grant in the catalog learns whether it exists.
    FLOE_ASSIGN_OR_RAISE(bool visible, context_.authorizer.SeesCatalog(caller, warehouse));
    if (!visible) {
      return ErrorReply(rest::RestError{
          kHttpForbidden, "ForbiddenException",
          fmt::format("Principal '{}' has no grant in catalog {}", caller.principal, warehouse)});
    }
    Result<CatalogEntry> entry = context_.store.GetCatalog(warehouse);
    if (!entry.ok() && entry.status().IsNotFound()) {
      return NotFound("warehouse {} does not exist", warehouse);
    }
    FLOE_RETURN_IF_ERROR(entry.status());
    config.defaults["default-base-location"] = entry->default_base_location();
    config.overrides["prefix"] = warehouse;
  }
  return Reply{kHttpOk, rest::ToJson(config)};
}

Result<Reply> CatalogRoutes::ListNamespaces(const httplib::Request& req,
                                            const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string warehouse, PathParam(req, 1));
  Namespace parent;
  if (req.has_param("parent")) {
    FLOE_ASSIGN_OR_RAISE(parent, rest::NamespaceFromPathSegment(req.get_param_value("parent")));
  }
  if (auto denied = context_.Deny(caller, Operation::kListNamespaces,
                                  Securable::Namespace(warehouse, parent.levels))) {
    return *denied;
  }
  FLOE_ASSIGN_OR_RAISE(std::shared_ptr<SqlCatalog> catalog, TablesOf(warehouse));
  if (!parent.levels.empty()) {
    FLOE_RETURN_IF_ERROR(catalog->LoadNamespaceProperties(parent).status());
  }
  FLOE_ASSIGN_OR_RAISE(std::vector<Namespace> all, catalog->ListNamespaces());
  // Only the direct children of the parent (the top level without one), as the protocol lists
  // them; the SQL catalog knows namespaces at every depth.
  std::set<Namespace> children;
  for (const Namespace& ns : all) {
    if (ns.levels.size() <= parent.levels.size()) continue;
    if (!std::equal(parent.levels.begin(), parent.levels.end(), ns.levels.begin())) continue;
    Namespace child;
    child.levels.assign(ns.levels.begin(),
                        ns.levels.begin() + static_cast<ptrdiff_t>(parent.levels.size() + 1));
    children.insert(std::move(child));
  }
  json namespaces = json::array();
  for (const Namespace& ns : children) namespaces.push_back(rest::NamespaceToJson(ns));
  return Reply{kHttpOk, json{{"namespaces", std::move(namespaces)}}};
}

Result<Reply> CatalogRoutes::CreateNamespace(const httplib::Request& req,
                                             const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string warehouse, PathParam(req, 1));
  FLOE_ASSIGN_OR_RAISE(rest::CreateNamespaceRequest request,
                       rest::ParseCreateNamespaceRequest(req.body));
  std::vector<std::string> parent = request.ns.levels;
  if (!parent.empty()) parent.pop_back();
  if (auto denied = context_.Deny(caller, Operation::kCreateNamespace,
                                  Securable::Namespace(warehouse, parent))) {
    return *denied;
  }
  FLOE_ASSIGN_OR_RAISE(std::shared_ptr<SqlCatalog> catalog, TablesOf(warehouse));
  FLOE_RETURN_IF_ERROR(catalog->CreateNamespace(request.ns, request.properties));
  return Reply{kHttpOk, NamespaceReply(request.ns, request.properties)};
}

Result<Reply> CatalogRoutes::LoadNamespace(const httplib::Request& req,
                                           const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string warehouse, PathParam(req, 1));
  FLOE_ASSIGN_OR_RAISE(Namespace ns, NamespaceParam(req, 2));
  const bool head = req.method == "HEAD";
  if (auto denied = context_.Deny(
          caller, head ? Operation::kNamespaceExists : Operation::kLoadNamespaceMetadata,
          Securable::Namespace(warehouse, ns.levels))) {
    return *denied;
  }
  FLOE_ASSIGN_OR_RAISE(std::shared_ptr<SqlCatalog> catalog, TablesOf(warehouse));
  FLOE_ASSIGN_OR_RAISE(auto properties, catalog->LoadNamespaceProperties(ns));
  if (head) return NoContent();
  return Reply{kHttpOk, NamespaceReply(ns, properties)};
}

Result<Reply> CatalogRoutes::DropNamespace(const httplib::Request& req,
                                           const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string warehouse, PathParam(req, 1));
  FLOE_ASSIGN_OR_RAISE(Namespace ns, NamespaceParam(req, 2));
  if (auto denied = context_.Deny(caller, Operation::kDropNamespace,
                                  Securable::Namespace(warehouse, ns.levels))) {
    return *denied;
  }
  FLOE_ASSIGN_OR_RAISE(std::shared_ptr<SqlCatalog> catalog, TablesOf(warehouse));
  Status dropped = catalog->DropNamespace(ns);
  if (dropped.kind() == ErrorKind::kInvalidArgument) {
    // The SQL catalog's "not empty": a conflict in the protocol's terms.
    return Status(ErrorKind::kAlreadyExists, dropped.message());
  }
  FLOE_RETURN_IF_ERROR(dropped);
  FLOE_RETURN_IF_ERROR(context_.access.ForgetSecurable(
      warehouse, Grant{SecurableKind::kNamespace, ns.levels, {}, Privilege::kNamespaceDrop}));
  return NoContent();
}

Result<Reply> CatalogRoutes::UpdateNamespace(const httplib::Request& req,
                                             const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string warehouse, PathParam(req, 1));
  FLOE_ASSIGN_OR_RAISE(Namespace ns, NamespaceParam(req, 2));
  if (auto denied = context_.Deny(caller, Operation::kUpdateNamespaceProperties,
                                  Securable::Namespace(warehouse, ns.levels))) {
    return *denied;
  }
  FLOE_ASSIGN_OR_RAISE(std::shared_ptr<SqlCatalog> catalog, TablesOf(warehouse));
  FLOE_ASSIGN_OR_RAISE(rest::UpdateNamespacePropertiesRequest request,
                       rest::ParseUpdateNamespacePropertiesRequest(req.body));
  FLOE_ASSIGN_OR_RAISE(auto before, catalog->LoadNamespaceProperties(ns));
  FLOE_RETURN_IF_ERROR(catalog->UpdateNamespaceProperties(ns, request.updates, request.removals));
  json updated = json::array();
  json removed = json::array();
  json missing = json::array();
  for (const auto& [key, value] : request.updates) updated.push_back(key);
  for (const std::string& key : request.removals) {
    (before.contains(key) ? removed : missing).push_back(key);
  }
  return Reply{kHttpOk, json{{"updated", updated}, {"removed", removed}, {"missing", missing}}};
}

Result<Reply> CatalogRoutes::ListTables(const httplib::Request& req, const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string warehouse, PathParam(req, 1));
  FLOE_ASSIGN_OR_RAISE(Namespace ns, NamespaceParam(req, 2));
  if (auto denied = context_.Deny(caller, Operation::kListTables,
                                  Securable::Namespace(warehouse, ns.levels))) {
    return *denied;
  }
  FLOE_ASSIGN_OR_RAISE(std::shared_ptr<SqlCatalog> catalog, TablesOf(warehouse));
  FLOE_ASSIGN_OR_RAISE(std::vector<TableIdentifier> tables, catalog->ListTables(ns));
  json identifiers = json::array();
  for (const TableIdentifier& id : tables) identifiers.push_back(rest::TableIdentifierToJson(id));
  return Reply{kHttpOk, json{{"identifiers", std::move(identifiers)}}};
}

Result<Reply> CatalogRoutes::CreateTable(const httplib::Request& req, const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string warehouse, PathParam(req, 1));
  FLOE_ASSIGN_OR_RAISE(Namespace ns, NamespaceParam(req, 2));
  const bool vended = WantsVendedCredentials(req);
  if (auto denied = context_.Deny(
          caller,
          vended ? Operation::kCreateTableDirectWithWriteDelegation : Operation::kCreateTableDirect,
          Securable::Namespace(warehouse, ns.levels))) {
    return *denied;
  }
  FLOE_ASSIGN_OR_RAISE(std::shared_ptr<SqlCatalog> catalog, TablesOf(warehouse));
  FLOE_ASSIGN_OR_RAISE(CatalogEntry entry, context_.store.GetCatalog(warehouse));
  FLOE_ASSIGN_OR_RAISE(rest::CreateTableRequest request, rest::ParseCreateTableRequest(req.body));
  TableIdentifier id{ns, request.name};
  FLOE_ASSIGN_OR_RAISE(
      FreshTable fresh,
      AssignFreshIds(request.schema, request.spec.value_or(iceberg::PartitionSpec{}),
                     request.write_order));
  FLOE_ASSIGN_OR_RAISE(TableMetadata metadata,
                       NewMetadata(entry, id, fresh.schema, fresh.spec, request.location,
                                   request.properties, SortOrderUpdates(fresh.sort_order)));
  rest::LoadTableResult result;
  if (request.stage_create) {
    // Nothing is written: the client commits the table later with assert-create.
    FLOE_RETURN_IF_ERROR(catalog->LoadNamespaceProperties(ns).status());
    if (catalog->LoadTable(id).ok()) return AlreadyExists("table {} exists already", id.ToString());
    result.metadata = std::move(metadata);
  } else {
    FLOE_ASSIGN_OR_RAISE(LoadedTable table,
                         catalog->CreateTableWithMetadata(id, std::move(metadata)));
    result = ToResult(std::move(table));
  }
  if (vended) {
    result.storage_credentials.push_back({result.metadata.location, VendableConfig(entry)});
  }
  json body = rest::ToJson(result);
  if (result.metadata_location.empty()) body.erase("metadata-location");
  return Reply{kHttpOk, std::move(body)};
}

Result<Reply> CatalogRoutes::RegisterTable(const httplib::Request& req,
                                           const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string warehouse, PathParam(req, 1));
  FLOE_ASSIGN_OR_RAISE(Namespace ns, NamespaceParam(req, 2));
  if (auto denied = context_.Deny(caller, Operation::kRegisterTable,
                                  Securable::Namespace(warehouse, ns.levels))) {
    return *denied;
  }
  FLOE_ASSIGN_OR_RAISE(std::shared_ptr<SqlCatalog> catalog, TablesOf(warehouse));
  FLOE_ASSIGN_OR_RAISE(CatalogEntry entry, context_.store.GetCatalog(warehouse));
  FLOE_ASSIGN_OR_RAISE(rest::RegisterTableRequest request,
                       rest::ParseRegisterTableRequest(req.body));
  if (request.overwrite) {
    return NotSupported("register table request: overwrite is not supported by this server");
  }
  // The file, and the table it describes, must lie where the catalog may keep tables.
  if (!entry.IsAllowedLocation(request.metadata_location)) {
    return InvalidArgument("metadata-location {} is outside the allowed locations of catalog {}",
                           request.metadata_location, entry.name);
  }
  auto inside = [&entry](const TableMetadata& metadata) -> Status {
    if (entry.IsAllowedLocation(metadata.location)) return Status::Ok();
    return InvalidArgument("table location {} is outside the allowed locations of catalog {}",
                           metadata.location, entry.name);
  };
  FLOE_ASSIGN_OR_RAISE(
      LoadedTable table,
      catalog->RegisterTable(TableIdentifier{ns, request.name}, request.metadata_location, inside));
  return Reply{kHttpOk, rest::ToJson(ToResult(std::move(table)))};
}

Result<Reply> CatalogRoutes::LoadTable(const httplib::Request& req, const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string warehouse, PathParam(req, 1));
  FLOE_ASSIGN_OR_RAISE(TableIdentifier id, TableParam(req, 2, 3));
  const bool head = req.method == "HEAD";
  const bool vended = !head && WantsVendedCredentials(req);
  const Operation operation = head     ? Operation::kTableExists
                              : vended ? Operation::kLoadTableWithReadDelegation
                                       : Operation::kLoadTable;
  if (auto denied =
          context_.Deny(caller, operation, Securable::Table(warehouse, id.ns.levels, id.name))) {
    return *denied;
  }
  FLOE_ASSIGN_OR_RAISE(std::shared_ptr<SqlCatalog> catalog, TablesOf(warehouse));
  FLOE_ASSIGN_OR_RAISE(LoadedTable table, catalog->LoadTable(id));
  if (head) return NoContent();
  rest::LoadTableResult result = ToResult(std::move(table));
  if (vended) {
    FLOE_ASSIGN_OR_RAISE(CatalogEntry entry, context_.store.GetCatalog(warehouse));
    result.storage_credentials.push_back({result.metadata.location, VendableConfig(entry)});
  }
  return Reply{kHttpOk, rest::ToJson(result)};
}

Result<Reply> CatalogRoutes::CommitTable(const httplib::Request& req, const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string warehouse, PathParam(req, 1));
  FLOE_ASSIGN_OR_RAISE(TableIdentifier id, TableParam(req, 2, 3));
  if (auto denied = context_.Deny(caller, Operation::kUpdateTable,
                                  Securable::Table(warehouse, id.ns.levels, id.name))) {
    return *denied;
  }
  FLOE_ASSIGN_OR_RAISE(std::shared_ptr<SqlCatalog> catalog, TablesOf(warehouse));
  FLOE_ASSIGN_OR_RAISE(CatalogEntry entry, context_.store.GetCatalog(warehouse));
  FLOE_ASSIGN_OR_RAISE(rest::CommitTableRequest request, rest::ParseCommitTableRequest(req.body));
  if (request.identifier && !(*request.identifier == id)) {
    return InvalidArgument("commit body names table {}, the path {}",
                           request.identifier->ToString(), id.ToString());
  }
  FLOE_ASSIGN_OR_RAISE(LoadedTable committed, CommitOne(*catalog, entry, id, request));
  json body = rest::ToJson(ToResult(std::move(committed)));
  body.erase("config");
  return Reply{kHttpOk, std::move(body)};
}

Result<Reply> CatalogRoutes::DropTable(const httplib::Request& req, const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string warehouse, PathParam(req, 1));
  FLOE_ASSIGN_OR_RAISE(TableIdentifier id, TableParam(req, 2, 3));
  const bool purge = req.get_param_value("purgeRequested") == "true";
  if (auto denied = context_.Deny(
          caller, purge ? Operation::kDropTableWithPurge : Operation::kDropTableWithoutPurge,
          Securable::Table(warehouse, id.ns.levels, id.name))) {
    return *denied;
  }
  FLOE_ASSIGN_OR_RAISE(std::shared_ptr<SqlCatalog> catalog, TablesOf(warehouse));
  FLOE_RETURN_IF_ERROR(catalog->DropTable(id, purge));
  FLOE_RETURN_IF_ERROR(context_.access.ForgetSecurable(warehouse, TableSecurable(id)));
  return NoContent();
}

Result<Reply> CatalogRoutes::RenameTable(const httplib::Request& req, const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string warehouse, PathParam(req, 1));
  FLOE_ASSIGN_OR_RAISE(rest::RenameTableRequest request, rest::ParseRenameTableRequest(req.body));
  const Securable destination = Securable::Namespace(warehouse, request.destination.ns.levels);
  if (auto denied =
          context_.Deny(caller, Operation::kRenameTable,
                        Securable::Table(warehouse, request.source.ns.levels, request.source.name),
                        &destination)) {
    return *denied;
  }
  FLOE_ASSIGN_OR_RAISE(std::shared_ptr<SqlCatalog> catalog, TablesOf(warehouse));
  // A missing source is the first thing wrong, whatever else is.
  FLOE_RETURN_IF_ERROR(catalog->LoadTable(request.source).status());
  FLOE_RETURN_IF_ERROR(catalog->RenameTable(request.source, request.destination));
  FLOE_RETURN_IF_ERROR(context_.access.RenameTable(warehouse, TableSecurable(request.source),
                                                   TableSecurable(request.destination)));
  return NoContent();
}

Result<Reply> CatalogRoutes::CommitTransaction(const httplib::Request& req,
                                               const Caller& caller) const {
  FLOE_ASSIGN_OR_RAISE(std::string warehouse, PathParam(req, 1));
  FLOE_ASSIGN_OR_RAISE(rest::CommitTransactionRequest request,
                       rest::ParseCommitTransactionRequest(req.body));
  for (const rest::CommitTableRequest& change : request.table_changes) {
    const TableIdentifier& id = *change.identifier;
    if (auto denied = context_.Deny(caller, Operation::kCommitTransaction,
                                    Securable::Table(warehouse, id.ns.levels, id.name))) {
      return *denied;
    }
  }
  FLOE_ASSIGN_OR_RAISE(std::shared_ptr<SqlCatalog> catalog, TablesOf(warehouse));
  FLOE_ASSIGN_OR_RAISE(CatalogEntry entry, context_.store.GetCatalog(warehouse));
  for (int attempt = 1;; ++attempt) {
    std::vector<std::pair<LoadedTable, TableMetadata>> commits;
    for (size_t i = 0; i < request.table_changes.size(); ++i) {
      const rest::CommitTableRequest& change = request.table_changes[i];
      const TableIdentifier& id = *change.identifier;
      for (const auto& [other, unused] : commits) {
        if (other.identifier == id) {
          return InvalidArgument("table-changes[{}]: table {} appears twice", i, id.ToString());
        }
      }
      FLOE_ASSIGN_OR_RAISE(LoadedTable current, catalog->LoadTable(id));
      for (const rest::TableRequirement& requirement : change.requirements) {
        FLOE_RETURN_IF_ERROR_CTX(requirement.Validate(&current.metadata),
                                 fmt::format("table {}", id.ToString()));
      }
      rest::TableMetadataEditor editor(current.metadata);
      for (size_t u = 0; u < change.updates.size(); ++u) {
        FLOE_RETURN_IF_ERROR_CTX(editor.Apply(change.updates[u]),
                                 fmt::format("table-changes[{}].updates[{}]", i, u));
      }
      if (!editor.changed()) continue;
      TableMetadata updated = std::move(editor).Finish();
      if (updated.location != current.metadata.location &&
          !entry.IsAllowedLocation(updated.location)) {
        return InvalidArgument("location {} is outside the allowed locations of {}",
                               updated.location, entry.name);
      }
      commits.emplace_back(std::move(current), std::move(updated));
    }
    Result<std::vector<LoadedTable>> committed = catalog->CommitTables(commits);
    if (committed.ok()) return NoContent();
    if (!committed.status().IsCommitFailed() || attempt >= kMaxCasAttempts) {
      return committed.status();
    }
  }
}

}  // namespace

void InstallCatalogRoutes(httplib::Server& http, const RouteContext& context) {
  // The routes object lives as long as the handlers that call it.
  // The routes object lives as long as the handlers that call it.
  auto routes = std::make_shared<const CatalogRoutes>(context);
  auto bind = [&context, routes](RouteMethod<CatalogRoutes> method) {
    return Route(context, routes, method);
  };
  http.Get("/api/catalog/v1/config", bind(&CatalogRoutes::Config));
  http.Get(kPrefix + "/namespaces", bind(&CatalogRoutes::ListNamespaces));
  http.Post(kPrefix + "/namespaces", bind(&CatalogRoutes::CreateNamespace));
  http.Get(kNamespacePath, bind(&CatalogRoutes::LoadNamespace));
  http.Delete(kNamespacePath, bind(&CatalogRoutes::DropNamespace));
  http.Post(kNamespacePath + "/properties", bind(&CatalogRoutes::UpdateNamespace));
  http.Get(kNamespacePath + "/tables", bind(&CatalogRoutes::ListTables));
  http.Post(kNamespacePath + "/tables", bind(&CatalogRoutes::CreateTable));
  http.Post(kNamespacePath + "/register", bind(&CatalogRoutes::RegisterTable));
  http.Get(kTablePath, bind(&CatalogRoutes::LoadTable));
  http.Post(kTablePath, bind(&CatalogRoutes::CommitTable));
  http.Delete(kTablePath, bind(&CatalogRoutes::DropTable));
  // Scan and commit reports from Java clients: accepted and not kept (Polaris's REPORT_METRICS
  // needs no privilege).
  http.Post(kTablePath + "/metrics",
            Authenticated(context, [](const httplib::Request&, const Caller&) -> Result<Reply> {
              return NoContent();
            }));
  http.Post(kPrefix + "/tables/rename", bind(&CatalogRoutes::RenameTable));
  http.Post(kPrefix + "/transactions/commit", bind(&CatalogRoutes::CommitTransaction));
}

}  // namespace floe::catalog_server
