// Fuzz target for Polaris's management API in `floe catalog serve` (issue 16): the bodies of
// the management calls and the grants endpoints, parsed directly (grants, catalogs, scopes, the
// server's config file) and sent to a real server in this process (root's token): PUT and POST
// (revoke) of grants, principal and catalog roles, role assignments, catalogs. Any input may be
// refused; none may crash, hang, leak or make the server answer 5xx (that aborts).

#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string_view>
#include <thread>

#include "catalog_server/authorizer.h"
#include "catalog_server/catalog_server.h"
#include "catalog_server/management_routes.h"
#include "catalog_server/server_config.h"
#include "common/uuid.h"
#include "iceberg/rest/rest_messages.h"

namespace {

using namespace floe;
using namespace floe::catalog_server;
namespace fs = std::filesystem;

/// Inputs above this go only to the parsers: the server refuses nothing for size below 8 MiB,
/// and big inputs would only slow the replay down.
constexpr size_t kMaxServerInput = 4096;

/// One server for the whole run, with catalog fz, namespace ns, table ns.t, catalog role cr.
class Target {
 public:
  Target() {
    dir_ = fs::temp_directory_path() / ("floe_mgmt_fuzz_" + NewUuid());
    fs::create_directories(dir_ / "warehouse");
    CatalogServerOptions options;
    options.port = 0;
    options.database_url = "sqlite:" + (dir_ / "catalog.db").native();
    options.bootstrap = ClientCredentials{"root", "secret"};
    options.threads = 2;
    auto server = CatalogServer::Make(options);
    if (!server.ok()) Die(server.status().ToString());
    server_ = std::move(*server);
    auto port = server_->Bind();
    if (!port.ok()) Die(port.status().ToString());
    serving_ = std::thread([this] { static_cast<void>(server_->Serve()); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", *port);
    auto token = client_->Post("/api/catalog/v1/oauth/tokens",
                               "grant_type=client_credentials&client_id=root&client_secret=secret&"
                               "scope=PRINCIPAL_ROLE:ALL",
                               "application/x-www-form-urlencoded");
    if (!token || token->status != 200) Die("no token");
    headers_ = {
        {"Authorization",
         "Bearer " + nlohmann::json::parse(token->body)["access_token"].get<std::string>()}};
    Setup(
        "POST", "/api/management/v1/catalogs",
        R"({"catalog": {"name": "fz", "type": "INTERNAL", "properties": {"default-base-location": ")" +
            (dir_ / "warehouse").native() + R"("}}})");
    Setup("POST", "/api/catalog/v1/fz/namespaces", R"({"namespace": ["ns"]})");
    Setup(
        "POST", "/api/catalog/v1/fz/namespaces/ns/tables",
        R"({"name": "t", "schema": {"type": "struct", "fields": [{"id": 1, "name": "a", "required": false, "type": "string"}]}})");
    Setup("POST", "/api/management/v1/catalogs/fz/catalog-roles",
          R"({"catalogRole": {"name": "cr"}})");
  }

  ~Target() {
    server_->Stop();
    serving_.join();
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  void Send(std::string_view body) {
    static const std::pair<const char*, const char*> kCalls[] = {
        {"PUT", "/api/management/v1/catalogs/fz/catalog-roles/cr/grants"},
        {"POST", "/api/management/v1/catalogs/fz/catalog-roles/cr/grants"},
        {"POST", "/api/management/v1/principal-roles"},
        {"POST", "/api/management/v1/catalogs/fz/catalog-roles"},
        {"PUT", "/api/management/v1/principals/root/principal-roles"},
        {"PUT", "/api/management/v1/principal-roles/service_admin/catalog-roles/fz"},
        {"POST", "/api/management/v1/catalogs"},
        {"POST", "/api/management/v1/principals"},
    };
    for (const auto& [method, path] : kCalls) {
      const int status = Call(method, path, body);
      if (status >= 500 || status == 0) {
        Die(std::string(method) + " " + path + " answered " + std::to_string(status));
      }
    }
  }

 private:
  int Call(std::string_view method, const std::string& path, std::string_view body) {
    httplib::Result result =
        method == "PUT"
            ? client_->Put(path, headers_, body.data(), body.size(), "application/json")
            : client_->Post(path, headers_, body.data(), body.size(), "application/json");
    return result ? result->status : 0;
  }

  void Setup(std::string_view method, const std::string& path, const std::string& body) {
    const int status = Call(method, path, body);
    if (status != 200 && status != 201) Die(path + " setup answered " + std::to_string(status));
  }

  [[noreturn]] static void Die(const std::string& why) {
    std::cerr << "management_request_fuzz: " << why << "\n";
    std::abort();
  }

  fs::path dir_;
  std::unique_ptr<CatalogServer> server_;
  std::thread serving_;
  std::unique_ptr<httplib::Client> client_;
  httplib::Headers headers_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const char* key : {"grant", "principal", "principalRole", "catalogRole", "catalog"}) {
    if (auto body = ManagementBody(text, key); body.ok()) {
      static_cast<void>(GrantFromJson(*body));
      static_cast<void>(CatalogEntry::FromJson(*body));
      static_cast<void>(NameOf(*body, key));
    }
  }
  static_cast<void>(ParseScope(text));
  static_cast<void>(ParseServerConfig(std::string(text), "fuzz.yaml"));
  if (size <= kMaxServerInput) {
    static Target target;
    target.Send(text);
  }
  return 0;
}
