#include "catalog_server/oauth_routes.h"

#include <httplib.h>

#include <map>
#include <variant>

#include "common/clock.h"
#include "iceberg/rest/rest_messages.h"

namespace floe::catalog_server {

using nlohmann::json;
namespace rest = iceberg::rest;

namespace {

constexpr const char* kDefaultScope = "PRINCIPAL_ROLE:ALL";
constexpr const char* kClientCredentialsGrant = "client_credentials";
constexpr const char* kTokenExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange";
constexpr const char* kAccessTokenType = "urn:ietf:params:oauth:token-type:access_token";
constexpr const char* kJsonType = "application/json";

/// An OAuth2 error (RFC 6749 §5.2), which token endpoints answer instead of Iceberg's form.
struct OAuthError {
  int status = kHttpBadRequest;
  std::string error;
  std::string description;
};

/// The principal (with its credential tag) a token request authenticates, or why not.
struct Grantee {
  std::string principal;
  std::string credential_tag;
};

using Form = std::map<std::string, std::string>;

std::string Field(const Form& form, const char* key) {
  auto it = form.find(key);
  return it == form.end() ? std::string() : it->second;
}

std::variant<Grantee, OAuthError> ClientCredentialsGrantee(const RouteContext& context,
                                                           const Form& form) {
  const std::string client_id = Field(form, "client_id");
  const std::string client_secret = Field(form, "client_secret");
  if (client_id.empty() || client_secret.empty()) {
    return OAuthError{kHttpBadRequest, "invalid_request",
                      "client_id and client_secret are required"};
  }
  Result<PrincipalInfo> principal = context.access.Authenticate(client_id, client_secret);
  if (principal.ok()) return Grantee{principal->name, principal->credential_tag};
  if (principal.status().kind() == ErrorKind::kUnauthorized) {
    return OAuthError{kHttpUnauthorized, "invalid_client", "invalid client credentials"};
  }
  rest::RestError error = rest::RestErrorFromStatus(principal.status());
  return OAuthError{error.code, "server_error", error.message};
}

std::variant<Grantee, OAuthError> TokenExchangeGrantee(const RouteContext& context,
                                                       const Form& form) {
  Result<TokenClaims> claims =
      context.issuer.Verify(Field(form, "subject_token"), NowMillis() / 1000);
  if (claims.ok()) {
    // A token of a rotated or deleted principal cannot be exchanged for a fresh one.
    Result<Caller> caller = context.authorizer.Resolve(*claims);
    if (caller.ok()) return Grantee{claims->principal, claims->credential_tag};
    return OAuthError{kHttpUnauthorized, "invalid_grant", caller.status().message()};
  }
  return OAuthError{kHttpUnauthorized, "invalid_grant", claims.status().message()};
}

void IssueToken(const RouteContext& context, const httplib::Request& req, httplib::Response& res) {
  auto fail = [&res](const OAuthError& error) {
    res.status = error.status;
    res.set_content(
        rest::DumpJson(json{{"error", error.error}, {"error_description", error.description}}),
        kJsonType);
  };
  Result<Form> form = rest::ParseFormBody(req.body);
  if (!form.ok()) return fail({kHttpBadRequest, "invalid_request", form.status().message()});
  std::string scope = Field(*form, "scope");
  if (scope.empty()) scope = kDefaultScope;
  if (Result<std::optional<std::vector<std::string>>> roles = ParseScope(scope); !roles.ok()) {
    return fail({kHttpBadRequest, "invalid_scope", roles.status().message()});
  }
  const std::string grant_type = Field(*form, "grant_type");
  std::variant<Grantee, OAuthError> grantee;
  if (grant_type == kClientCredentialsGrant) {
    grantee = ClientCredentialsGrantee(context, *form);
  } else if (grant_type == kTokenExchangeGrant) {
    grantee = TokenExchangeGrantee(context, *form);
  } else {
    return fail(
        {kHttpBadRequest, "unsupported_grant_type", "grant_type must be client_credentials"});
  }
  if (const OAuthError* error = std::get_if<OAuthError>(&grantee)) return fail(*error);
  const Grantee& who = std::get<Grantee>(grantee);
  const int64_t ttl = context.token_ttl_seconds;
  std::string token = context.issuer.Issue(
      TokenClaims{who.principal, scope, NowMillis() / 1000 + ttl, who.credential_tag});
  SendJson(res, kHttpOk,
           json{{"access_token", token},
                {"token_type", "bearer"},
                {"expires_in", ttl},
                {"issued_token_type", kAccessTokenType},
                {"scope", scope}});
}

}  // namespace

void InstallOAuthRoutes(httplib::Server& http, const RouteContext& context) {
  http.Post(kTokenPath, [&context](const httplib::Request& req, httplib::Response& res) {
    IssueToken(context, req, res);
  });
}

}  // namespace floe::catalog_server
