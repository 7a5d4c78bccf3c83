#include "iceberg/rest/rest_catalog.h"

#include <algorithm>
#include <charconv>
#include <thread>

#include "iceberg/table_metadata_json.h"

namespace floe::iceberg::rest {

using nlohmann::json;

namespace {

constexpr const char* kDefaultScope = "catalog";
constexpr const char* kConnectTimeoutProperty = "rest.client.connection-timeout-ms";
constexpr const char* kSocketTimeoutProperty = "rest.client.socket-timeout-ms";
constexpr const char* kMaxRetriesProperty = "rest.client.max-retries";
constexpr int kDefaultMaxRetries = 3;
constexpr int64_t kMinBackoffMs = 100;
constexpr int64_t kMaxBackoffMs = 2000;
/// Tokens without expires_in are taken to live an hour, Java's default.
constexpr int64_t kDefaultTokenLifetimeS = 3600;
/// Refresh when this share of a token's lifetime has passed, well before it expires.
constexpr double kRefreshShare = 0.9;
/// Namespaces nested deeper than this are not walked by ListNamespaces.
constexpr int kMaxNamespaceDepth = 16;
constexpr int kHttpAuthenticationTimeout = 419;
constexpr int kHttpUnauthorized = 401;
constexpr int kHttpTooManyRequests = 429;
constexpr int kHttpBadGateway = 502;
constexpr int kHttpUnavailable = 503;
constexpr int kHttpGatewayTimeout = 504;

Result<int64_t> IntProperty(const std::map<std::string, std::string>& properties,
                            const std::string& key, int64_t fallback) {
  auto it = properties.find(key);
  if (it == properties.end()) return fallback;
  int64_t value = 0;
  const std::string& text = it->second;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0) {
    return InvalidArgument("catalog property {}: expected a non-negative integer, got '{}'", key,
                           text);
  }
  return value;
}

std::string SchemeOf(std::string_view location) {
  size_t colon = location.find("://");
  return colon == std::string_view::npos ? std::string() : std::string(location.substr(0, colon));
}

std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [key, value] : fields) {
    if (!out.empty()) out.push_back('&');
    out += UrlEncode(key);
    out.push_back('=');
    out += UrlEncode(value);
  }
  return out;
}

}  // namespace

/// One FileIO per location scheme, made from the catalog's properties plus what the server
/// vends; vended credentials that change replace the FileIOs made with the old ones.
/// Thread safety: all methods may be called from several threads.
class RoutingFileIO final : public io::FileIO {
 public:
  explicit RoutingFileIO(std::map<std::string, std::string> properties)
      : properties_(std::move(properties)) {}

  void Merge(const std::map<std::string, std::string>& config) {
    std::lock_guard lock(mutex_);
    bool changed = false;
    for (const auto& [key, value] : config) {
      auto [it, inserted] = properties_.try_emplace(key, value);
      if (!inserted && it->second != value) {
        it->second = value;
        changed = true;
      }
      changed = changed || inserted;
    }
    if (changed) by_scheme_.clear();
  }

  Result<std::unique_ptr<io::OutputStream>> NewOutputFile(const std::string& location) override {
    FLOE_ASSIGN_OR_RAISE(std::shared_ptr<io::FileIO> io, For(location));
    return io->NewOutputFile(location);
  }
  Result<std::unique_ptr<io::InputFile>> NewInputFile(const std::string& location) override {
    FLOE_ASSIGN_OR_RAISE(std::shared_ptr<io::FileIO> io, For(location));
    return io->NewInputFile(location);
  }
  Status WriteFile(const std::string& location, std::string_view contents,
                   io::WriteMode mode) override {
    FLOE_ASSIGN_OR_RAISE(std::shared_ptr<io::FileIO> io, For(location));
    return io->WriteFile(location, contents, mode);
  }
  Result<std::string> ReadFile(const std::string& location) override {
    FLOE_ASSIGN_OR_RAISE(std::shared_ptr<io::FileIO> io, For(location));
    return io->ReadFile(location);
  }
  Status DeleteFile(const std::string& location) override {
    FLOE_ASSIGN_OR_RAISE(std::shared_ptr<io::FileIO> io, For(location));
    return io->DeleteFile(location);
  }
  Result<bool> Exists(const std::string& location) override {
    FLOE_ASSIGN_OR_RAISE(std::shared_ptr<io::FileIO> io, For(location));
    return io->Exists(location);
  }
  Result<std::vector<io::FileInfo>> ListFiles(const std::string& prefix) override {
    FLOE_ASSIGN_OR_RAISE(std::shared_ptr<io::FileIO> io, For(prefix));
    return io->ListFiles(prefix);
  }

 private:
  Result<std::shared_ptr<io::FileIO>> For(const std::string& location) {
    std::lock_guard lock(mutex_);
    const std::string scheme = SchemeOf(location);
    if (auto it = by_scheme_.find(scheme); it != by_scheme_.end()) return it->second;
    FLOE_ASSIGN_OR_RAISE(std::shared_ptr<io::FileIO> io, io::MakeFileIO(location, properties_));
    by_scheme_[scheme] = io;
    return io;
  }

  std::mutex mutex_;
  std::map<std::string, std::string> properties_;                 // guarded by mutex_
  std::map<std::string, std::shared_ptr<io::FileIO>> by_scheme_;  // guarded by mutex_
};

RestCatalog::RestCatalog(OpenToken, std::map<std::string, std::string> properties)
    : properties_(std::move(properties)) {}

RestCatalog::~RestCatalog() = default;

Result<std::unique_ptr<RestCatalog>> RestCatalog::Open(
    std::map<std::string, std::string> properties) {
  auto uri = properties.find(kUriProperty);
  if (uri == properties.end() || uri->second.empty()) {
    return InvalidArgument("a REST catalog needs the property '{}'", kUriProperty);
  }
  if (properties.contains(kCredentialProperty) && properties.contains(kTokenProperty)) {
    return InvalidArgument("a REST catalog takes '{}' or '{}', not both", kCredentialProperty,
                           kTokenProperty);
  }
  auto catalog = std::make_unique<RestCatalog>(OpenToken{}, std::move(properties));
  FLOE_RETURN_IF_ERROR(catalog->LoadConfig());
  return catalog;
}

std::string RestCatalog::name() const {
  if (auto it = properties_.find(kWarehouseProperty); it != properties_.end()) return it->second;
  return "rest";
}

std::shared_ptr<io::FileIO> RestCatalog::file_io() const { return file_io_; }

Status RestCatalog::LoadConfig() {
  uri_ = properties_.at(kUriProperty);
  while (!uri_.empty() && uri_.back() == '/') uri_.pop_back();
  FLOE_ASSIGN_OR_RAISE(int64_t connect_ms, IntProperty(properties_, kConnectTimeoutProperty,
                                                       HttpClientOptions{}.connect_timeout_ms));
  FLOE_ASSIGN_OR_RAISE(int64_t socket_ms, IntProperty(properties_, kSocketTimeoutProperty,
                                                      HttpClientOptions{}.request_timeout_ms));
  FLOE_ASSIGN_OR_RAISE(int64_t retries,
                       IntProperty(properties_, kMaxRetriesProperty, kDefaultMaxRetries));
  max_retries_ = static_cast<int>(std::min<int64_t>(retries, 100));
  http_ = std::make_unique<HttpClient>(HttpClientOptions{connect_ms, socket_ms});
  auto collect_headers = [&] {
    extra_headers_.clear();
    for (const auto& [key, value] : properties_) {
      if (key.starts_with(kHeaderPropertyPrefix) &&
          key.size() > std::string_view(kHeaderPropertyPrefix).size()) {
        extra_headers_.emplace_back(key.substr(std::string_view(kHeaderPropertyPrefix).size()),
                                    value);
      }
    }
  };
  collect_headers();

  std::string path = "config";
  if (auto it = properties_.find(kWarehouseProperty); it != properties_.end()) {
    path += fmt::format("?warehouse={}", UrlEncode(it->second));
  }
  FLOE_ASSIGN_OR_RAISE(std::string body,
                       Send(Call{"GET", path, "", CallKind::kRead, "loading the catalog config",
                                 /*with_prefix=*/false}));
  FLOE_ASSIGN_OR_RAISE(CatalogConfig config, ParseCatalogConfig(body));
  // defaults < the client's properties < overrides (Iceberg's rule).
  std::map<std::string, std::string> merged = config.defaults;
  for (const auto& [key, value] : properties_) merged[key] = value;
  for (const auto& [key, value] : config.overrides) merged[key] = value;
  properties_ = std::move(merged);
  if (auto it = properties_.find(kUriProperty); it != properties_.end() && !it->second.empty()) {
    uri_ = it->second;
    while (!uri_.empty() && uri_.back() == '/') uri_.pop_back();
  }
  if (auto it = properties_.find(kPrefixProperty); it != properties_.end()) prefix_ = it->second;
  collect_headers();
  file_io_ = std::make_shared<RoutingFileIO>(properties_);
  return Status::Ok();
}

std::string RestCatalog::Url(const Call& call) const {
  if (!call.with_prefix || prefix_.empty()) return fmt::format("{}/v1/{}", uri_, call.path);
  return fmt::format("{}/v1/{}/{}", uri_, prefix_, call.path);
}

std::string RestCatalog::NamespacePath(const Namespace& ns) const {
  return fmt::format("namespaces/{}", NamespaceToPathSegment(ns));
}

std::string RestCatalog::TablePath(const TableIdentifier& id) const {
  return fmt::format("{}/tables/{}", NamespacePath(id.ns), UrlEncode(id.name));
}

Result<std::string> RestCatalog::FetchToken() {
  const std::string& credential = properties_.at(kCredentialProperty);
  std::string client_id;
  std::string secret = credential;
  if (size_t colon = credential.find(':'); colon != std::string::npos) {
    client_id = credential.substr(0, colon);
    secret = credential.substr(colon + 1);
  }
  std::string scope = kDefaultScope;
  if (auto it = properties_.find(kScopeProperty); it != properties_.end()) scope = it->second;
  std::vector<std::pair<std::string, std::string>> fields = {{"grant_type", "client_credentials"}};
  if (!client_id.empty()) fields.emplace_back("client_id", client_id);
  fields.emplace_back("client_secret", secret);
  fields.emplace_back("scope", scope);
  std::string url = fmt::format("{}/v1/oauth/tokens", uri_);
  if (auto it = properties_.find(kOAuth2ServerUriProperty);
      it != properties_.end() && !it->second.empty()) {
    url = it->second;
  }
  HttpRequest request;
  request.method = "POST";
  request.url = url;
  request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                     {"Accept", "application/json"}};
  for (const auto& header : extra_headers_) request.headers.push_back(header);
  request.body = FormEncode(fields);
  HttpResponse response;
  int64_t wait_ms = kMinBackoffMs;
  for (int attempt = 0;; ++attempt) {
    response = http_->Send(request);
    bool transient = response.status == 0 || response.status == kHttpTooManyRequests ||
                     response.status >= kHttpBadGateway;
    if (!transient || attempt >= max_retries_) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
    wait_ms = std::min(wait_ms * 2, kMaxBackoffMs);
  }
  if (response.status == 0) {
    return IoError("getting a token from {}: {}", url, response.transport_error);
  }
  if (response.status / 100 != 2) {
    // The message may say why, never what was sent: the secret stays out of it.
    return StatusFromHttpError(
               response.status, response.body, CallKind::kOther,
               fmt::format("getting a token from {} for client '{}'", url, client_id))
        .WithContext("OAuth2");
  }
  FLOE_ASSIGN_OR_RAISE(TokenResponse token, ParseTokenResponse(response.body));
  const int64_t lifetime_s = token.expires_in_seconds.value_or(kDefaultTokenLifetimeS);
  const auto lifetime = std::chrono::milliseconds(std::max<int64_t>(
      1, static_cast<int64_t>(static_cast<double>(lifetime_s) * 1000 * kRefreshShare)));
  token_refresh_at_ = std::chrono::steady_clock::now() + lifetime;
  return std::move(token.access_token);
}

Result<std::string> RestCatalog::Authorization(bool force_refresh) {
  if (auto it = properties_.find(kTokenProperty); it != properties_.end()) {
    return fmt::format("Bearer {}", it->second);
  }
  if (!properties_.contains(kCredentialProperty)) return std::string();
  std::lock_guard lock(token_mutex_);
  if (force_refresh || token_.empty() || std::chrono::steady_clock::now() >= token_refresh_at_) {
    FLOE_ASSIGN_OR_RAISE(token_, FetchToken());
  }
  return fmt::format("Bearer {}", token_);
}

Result<std::string> RestCatalog::Send(const Call& call) {
  HttpRequest request;
  request.method = call.method;
  request.url = Url(call);
  request.body = call.body;
  bool refreshed = false;
  bool force_refresh = false;
  int64_t wait_ms = kMinBackoffMs;
  for (int attempt = 0;; ++attempt) {
    FLOE_ASSIGN_OR_RAISE(std::string authorization, Authorization(force_refresh));
    force_refresh = false;
    request.headers.clear();
    request.headers.emplace_back("Accept", "application/json");
    if (!call.body.empty()) request.headers.emplace_back("Content-Type", "application/json");
    if (!authorization.empty()) request.headers.emplace_back("Authorization", authorization);
    request.headers.emplace_back("X-Client-Version", "floe 0.1.0");
    for (const auto& header : extra_headers_) request.headers.push_back(header);

    HttpResponse response = http_->Send(request);
    const bool can_retry = attempt < max_retries_;
    if (response.status == 0) {
      // A request that never left is safe to send again; a read is safe either way.
      bool safe = !response.may_have_reached_server || call.kind == CallKind::kRead;
      if (safe && can_retry) {
        std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
        wait_ms = std::min(wait_ms * 2, kMaxBackoffMs);
        continue;
      }
      if (call.kind == CallKind::kCommit && response.may_have_reached_server) {
        return CommitStateUnknown("{}: no response from {}: {}", call.what, uri_,
                                  response.transport_error);
      }
      return IoError("{}: no response from {}: {}", call.what, uri_, response.transport_error);
    }
    if (response.status / 100 == 2) return std::move(response.body);
    if ((response.status == kHttpUnauthorized || response.status == kHttpAuthenticationTimeout) &&
        properties_.contains(kCredentialProperty) && !refreshed) {
      // The token expired or was revoked early: get a new one and try once more.
      refreshed = true;
      force_refresh = true;
      continue;
    }
    bool transient = response.status == kHttpTooManyRequests ||
                     (call.kind == CallKind::kRead &&
                      (response.status == kHttpBadGateway || response.status == kHttpUnavailable ||
                       response.status == kHttpGatewayTimeout));
    if (transient && can_retry) {
      std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
      wait_ms = std::min(wait_ms * 2, kMaxBackoffMs);
      continue;
    }
    return StatusFromHttpError(response.status, response.body, call.kind, call.what);
  }
}

Result<LoadedTable> RestCatalog::ToLoaded(const TableIdentifier& id, std::string_view body,
                                          std::string_view what) {
  Result<LoadTableResult> result = ParseLoadTableResult(body);
  if (!result.ok()) return result.status().WithContext(std::string(what));
  if (result->metadata_location.empty()) {
    return Corrupt("{}: the server's answer has no metadata-location", what);
  }
  std::map<std::string, std::string> vended = result->config;
  for (const StorageCredential& credential : result->storage_credentials) {
    // One FileIO configuration per catalog: the credentials whose prefix covers the table.
    if (result->metadata.location.starts_with(credential.prefix)) {
      for (const auto& [key, value] : credential.config) vended[key] = value;
    }
  }
  if (!vended.empty()) file_io_->Merge(vended);
  return LoadedTable{id, std::move(result->metadata_location), std::move(result->metadata)};
}

Status RestCatalog::CreateNamespace(const Namespace& ns,
                                    const std::map<std::string, std::string>& properties) {
  CreateNamespaceRequest request{ns, properties};
  return Send(Call{"POST", "namespaces", DumpJson(ToJson(request)), CallKind::kCreate,
                   fmt::format("creating namespace {}", ns.ToString())})
      .status();
}

Status RestCatalog::ListChildren(const Namespace& parent, int depth, std::vector<Namespace>& out) {
  if (depth > kMaxNamespaceDepth) return Status::Ok();
  std::string page_token;
  while (true) {
    std::string path = "namespaces";
    char separator = '?';
    if (!parent.levels.empty()) {
      std::string joined;
      for (size_t i = 0; i < parent.levels.size(); ++i) {
        if (i > 0) joined.push_back('\x1f');
        joined += parent.levels[i];
      }
      path += fmt::format("{}parent={}", separator, UrlEncode(joined));
      separator = '&';
    }
    if (!page_token.empty())
      path += fmt::format("{}pageToken={}", separator, UrlEncode(page_token));
    FLOE_ASSIGN_OR_RAISE(std::string body,
                         Send(Call{"GET", path, "", CallKind::kRead, "listing namespaces"}));
    FLOE_ASSIGN_OR_RAISE(json root, ParseBody(body, "list namespaces response"));
    if (!root.is_object() || !root.contains("namespaces") || !root["namespaces"].is_array()) {
      return Corrupt("list namespaces response: no 'namespaces' array");
    }
    for (const json& item : root["namespaces"]) {
      FLOE_ASSIGN_OR_RAISE(Namespace ns,
                           NamespaceFromJson(item, JsonLocation{"list namespaces response", ""}));
      out.push_back(ns);
      FLOE_RETURN_IF_ERROR(ListChildren(ns, depth + 1, out));
    }
    auto next = root.find("next-page-token");
    if (next == root.end() || !next->is_string() || next->get<std::string>().empty()) break;
    page_token = next->get<std::string>();
  }
  return Status::Ok();
}

Result<std::vector<Namespace>> RestCatalog::ListNamespaces() {
  std::vector<Namespace> namespaces;
  FLOE_RETURN_IF_ERROR(ListChildren(Namespace{}, 0, namespaces));
  std::sort(namespaces.begin(), namespaces.end());
  namespaces.erase(std::unique(namespaces.begin(), namespaces.end()), namespaces.end());
  return namespaces;
}

Result<std::map<std::string, std::string>> RestCatalog::LoadNamespaceProperties(
    const Namespace& ns) {
  const std::string what = fmt::format("loading namespace {}", ns.ToString());
  FLOE_ASSIGN_OR_RAISE(std::string body,
                       Send(Call{"GET", NamespacePath(ns), "", CallKind::kRead, what}));
  FLOE_ASSIGN_OR_RAISE(json root, ParseBody(body, "load namespace response"));
  std::map<std::string, std::string> properties;
  if (root.is_object() && root.contains("properties") && root["properties"].is_object()) {
    for (const auto& [key, value] : root["properties"].items()) {
      if (value.is_string()) properties[key] = value.get<std::string>();
    }
  }
  return properties;
}

Status RestCatalog::UpdateNamespaceProperties(const Namespace& ns,
                                              const std::map<std::string, std::string>& updates,
                                              const std::vector<std::string>& removals) {
  UpdateNamespacePropertiesRequest request{removals, updates};
  return Send(Call{"POST", NamespacePath(ns) + "/properties", DumpJson(ToJson(request)),
                   CallKind::kOther,
                   fmt::format("updating the properties of namespace {}", ns.ToString())})
      .status();
}

Status RestCatalog::DropNamespace(const Namespace& ns) {
  Status dropped = Send(Call{"DELETE", NamespacePath(ns), "", CallKind::kOther,
                             fmt::format("dropping namespace {}", ns.ToString())})
                       .status();
  // 409 is "not empty" here; the Catalog contract calls that kInvalidArgument.
  if (dropped.IsAlreadyExists()) return Status(ErrorKind::kInvalidArgument, dropped.message());
  return dropped;
}

Result<LoadedTable> RestCatalog::CreateTable(const TableIdentifier& id, const Schema& schema,
                                             const PartitionSpec& spec, std::string location,
                                             const std::map<std::string, std::string>& properties) {
  CreateTableRequest request;
  request.name = id.name;
  request.location = std::move(location);
  request.schema = schema;
  request.spec = spec;
  request.properties = properties;
  const std::string what = fmt::format("creating table {}", id.ToString());
  FLOE_ASSIGN_OR_RAISE(std::string body,
                       Send(Call{"POST", NamespacePath(id.ns) + "/tables",
                                 DumpJson(ToJson(request)), CallKind::kCreate, what}));
  return ToLoaded(id, body, what);
}

Result<LoadedTable> RestCatalog::LoadTable(const TableIdentifier& id) {
  const std::string what = fmt::format("loading table {}", id.ToString());
  FLOE_ASSIGN_OR_RAISE(std::string body,
                       Send(Call{"GET", TablePath(id), "", CallKind::kRead, what}));
  return ToLoaded(id, body, what);
}

Result<std::vector<TableIdentifier>> RestCatalog::ListTables(const Namespace& ns) {
  std::vector<TableIdentifier> tables;
  std::string page_token;
  while (true) {
    std::string path = NamespacePath(ns) + "/tables";
    if (!page_token.empty()) path += fmt::format("?pageToken={}", UrlEncode(page_token));
    FLOE_ASSIGN_OR_RAISE(std::string body,
                         Send(Call{"GET", path, "", CallKind::kRead,
                                   fmt::format("listing the tables of {}", ns.ToString())}));
    FLOE_ASSIGN_OR_RAISE(json root, ParseBody(body, "list tables response"));
    if (!root.is_object() || !root.contains("identifiers") || !root["identifiers"].is_array()) {
      return Corrupt("list tables response: no 'identifiers' array");
    }
    for (const json& item : root["identifiers"]) {
      FLOE_ASSIGN_OR_RAISE(TableIdentifier id,
                           TableIdentifierFromJson(item, JsonLocation{"list tables response", ""}));
      tables.push_back(std::move(id));
    }
    auto next = root.find("next-page-token");
    if (next == root.end() || !next->is_string() || next->get<std::string>().empty()) break;
    page_token = next->get<std::string>();
  }
  std::sort(tables.begin(), tables.end(),
            [](const TableIdentifier& a, const TableIdentifier& b) { return a.name < b.name; });
  return tables;
}

Status RestCatalog::DropTable(const TableIdentifier& id, bool purge) {
  return Send(Call{"DELETE", fmt::format("{}?purgeRequested={}", TablePath(id), purge), "",
                   CallKind::kOther, fmt::format("dropping table {}", id.ToString())})
      .status();
}

Status RestCatalog::RenameTable(const TableIdentifier& from, const TableIdentifier& to) {
  RenameTableRequest request{from, to};
  return Send(Call{"POST", "tables/rename", DumpJson(ToJson(request)), CallKind::kCreate,
                   fmt::format("renaming table {} to {}", from.ToString(), to.ToString())})
      .status();
}

Result<LoadedTable> RestCatalog::CommitTable(const LoadedTable& base,
                                             const TableMetadata& updated) {
  const TableIdentifier& id = base.identifier;
  FLOE_ASSIGN_OR_RAISE(TableChanges changes, DiffTableMetadata(base.metadata, updated));
  CommitTableRequest request;
  request.identifier = id;
  request.requirements = std::move(changes.requirements);
  request.updates = std::move(changes.updates);
  const std::string what = fmt::format("committing to table {}", id.ToString());
  FLOE_ASSIGN_OR_RAISE(std::string body, Send(Call{"POST", TablePath(id), DumpJson(ToJson(request)),
                                                   CallKind::kCommit, what}));
  Result<LoadedTable> committed = ToLoaded(id, body, what);
  if (!committed.ok()) {
    // The server said yes; only its answer is unreadable.
    return CommitStateUnknown("{}", committed.status().message());
  }
  return committed;
}

Result<std::shared_ptr<Catalog>> OpenRestCatalog(
    const std::map<std::string, std::string>& properties) {
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<RestCatalog> catalog, RestCatalog::Open(properties));
  return std::shared_ptr<Catalog>(std::move(catalog));
}

}  // namespace floe::iceberg::rest
