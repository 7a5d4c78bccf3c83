#pragma once

// The Catalog interface over any Iceberg REST catalog (Polaris, Nessie, Lakekeeper, Gravitino,
// floe catalog serve): configuration from GET /v1/config, OAuth2 client credentials or a static
// token, and commits sent as requirements and updates.

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "iceberg/catalog/catalog.h"
#include "iceberg/rest/http_client.h"
#include "iceberg/rest/rest_error.h"
#include "iceberg/rest/rest_messages.h"

namespace floe::iceberg::rest {

/// Catalog properties, named as Iceberg's Java client names them.
inline constexpr const char* kUriProperty = "uri";
inline constexpr const char* kCredentialProperty = "credential";
inline constexpr const char* kTokenProperty = "token";
inline constexpr const char* kWarehouseProperty = "warehouse";
inline constexpr const char* kScopeProperty = "scope";
inline constexpr const char* kOAuth2ServerUriProperty = "oauth2-server-uri";
inline constexpr const char* kPrefixProperty = "prefix";
inline constexpr const char* kHeaderPropertyPrefix = "header.";

class RoutingFileIO;

/// A catalog that speaks the Iceberg REST protocol.
/// Thread safety: all methods may be called from several threads. The bearer token is shared
/// and refreshed under a mutex; HTTP calls run outside it.
class RestCatalog final : public Catalog {
  struct OpenToken {
    explicit OpenToken() = default;
  };

 public:
  /// Reads `uri` (required), `warehouse`, `credential` ("client_id:secret", or a secret alone)
  /// with `scope` (default "catalog") and `oauth2-server-uri` (default <uri>/v1/oauth/tokens),
  /// or a static `token`; `header.NAME` adds a header to every request (e.g.
  /// header.X-Iceberg-Access-Delegation=vended-credentials); `rest.client.connection-timeout-ms`,
  /// `rest.client.socket-timeout-ms`, `rest.client.max-retries`. Then loads /v1/config (merging
  /// defaults < properties < overrides, and taking the prefix). The other properties (s3.*,
  /// client.region, ...) configure the FileIO, with vended credentials on top.
  static Result<std::unique_ptr<RestCatalog>> Open(std::map<std::string, std::string> properties);
  RestCatalog(OpenToken, std::map<std::string, std::string> properties);
  ~RestCatalog() override;

  std::string name() const override;
  std::shared_ptr<io::FileIO> file_io() const override;
  /// The merged properties after /v1/config (secrets included: do not log them).
  const std::map<std::string, std::string>& properties() const { return properties_; }

  Status CreateNamespace(const Namespace& ns,
                         const std::map<std::string, std::string>& properties) override;
  /// Every namespace at every depth (walks the parents), sorted.
  Result<std::vector<Namespace>> ListNamespaces() override;
  Result<std::map<std::string, std::string>> LoadNamespaceProperties(const Namespace& ns) override;
  Status UpdateNamespaceProperties(const Namespace& ns,
                                   const std::map<std::string, std::string>& updates,
                                   const std::vector<std::string>& removals) override;
  Status DropNamespace(const Namespace& ns) override;

  Result<LoadedTable> CreateTable(const TableIdentifier& id, const Schema& schema,
                                  const PartitionSpec& spec, std::string location,
                                  const std::map<std::string, std::string>& properties) override;
  Result<LoadedTable> LoadTable(const TableIdentifier& id) override;
  Result<std::vector<TableIdentifier>> ListTables(const Namespace& ns) override;
  Status DropTable(const TableIdentifier& id, bool purge) override;
  Status RenameTable(const TableIdentifier& from, const TableIdentifier& to) override;
  /// Sends DiffTableMetadata(base, updated) to the server. 409 → kCommitFailed; 5xx, a timeout
  /// or a lost connection after sending → kCommitStateUnknown.
  Result<LoadedTable> CommitTable(const LoadedTable& base, const TableMetadata& updated) override;

 private:
  struct Call {
    std::string method;
    std::string path;  // below <uri>/v1/[<prefix>/]
    std::string body;
    CallKind kind = CallKind::kRead;
    std::string what;  // "loading table a.b", for messages
    bool with_prefix = true;
  };

  Status LoadConfig();
  /// Sends a call with authentication, retries and error mapping; the body of a 2xx answer.
  Result<std::string> Send(const Call& call);
  /// The Authorization header value; fetches a token when none is cached or it is due.
  Result<std::string> Authorization(bool force_refresh);
  Result<std::string> FetchToken();
  std::string Url(const Call& call) const;
  std::string NamespacePath(const Namespace& ns) const;
  std::string TablePath(const TableIdentifier& id) const;
  Result<LoadedTable> ToLoaded(const TableIdentifier& id, std::string_view body,
                               std::string_view what);
  Status ListChildren(const Namespace& parent, int depth, std::vector<Namespace>& out);

  std::map<std::string, std::string> properties_;
  std::string uri_;
  std::string prefix_;
  int max_retries_ = 3;
  std::unique_ptr<HttpClient> http_;
  std::vector<std::pair<std::string, std::string>> extra_headers_;
  std::shared_ptr<RoutingFileIO> file_io_;

  std::mutex token_mutex_;
  std::string token_;                                       // guarded by token_mutex_
  std::chrono::steady_clock::time_point token_refresh_at_;  // guarded by token_mutex_
};

/// The REST catalog for `floe run` and friends: RestCatalog::Open as a shared Catalog.
Result<std::shared_ptr<Catalog>> OpenRestCatalog(
    const std::map<std::string, std::string>& properties);

}  // namespace floe::iceberg::rest

namespace floe::iceberg {
using rest::OpenRestCatalog;
}  // namespace floe::iceberg
