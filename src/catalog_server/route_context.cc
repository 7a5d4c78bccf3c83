#include "catalog_server/route_context.h"

#include <httplib.h>

#include <regex>
#include <vector>

#include "common/clock.h"
#include "iceberg/rest/rest_messages.h"

namespace floe::catalog_server {

using nlohmann::json;
namespace rest = iceberg::rest;

namespace {

constexpr const char* kJsonType = "application/json";
constexpr std::string_view kBearer = "Bearer ";

Result<Caller> Authenticate(const RouteContext& context, const httplib::Request& req) {
  const std::string authorization = req.get_header_value("Authorization");
  if (!std::string_view(authorization).starts_with(kBearer)) {
    return Unauthorized("missing bearer token: get one from /api/catalog/v1/oauth/tokens");
  }
  FLOE_ASSIGN_OR_RAISE(TokenClaims claims,
                       context.issuer.Verify(std::string_view(authorization).substr(kBearer.size()),
                                             NowMillis() / 1000));
  return context.authorizer.Resolve(claims);
}

/// The error a client of an Iceberg REST server expects: Java's exceptions carry the server's
/// message, and clients (and Iceberg's compatibility kit) match on "Namespace does not exist: X",
/// "Table does not exist: X" and "... already exists: X", as Iceberg's own catalogs word them.
rest::RestError IcebergError(const Status& status) {
  struct Rewrite {
    std::regex pattern;
    const char* type;
    const char* format;
  };
  static const std::vector<Rewrite> rewrites = [] {
    std::vector<Rewrite> list;
    list.push_back({std::regex("^namespace (.+) does not exist$"), "NoSuchNamespaceException",
                    "Namespace does not exist: $1"});
    list.push_back({std::regex("^cannot rename .+: namespace (.+) does not exist$"),
                    "NoSuchNamespaceException", "Namespace does not exist: $1"});
    list.push_back({std::regex("^table (.+) does not exist$"), "NoSuchTableException",
                    "Table does not exist: $1"});
    list.push_back({std::regex("^namespace (.+) exists already$"), "AlreadyExistsException",
                    "Namespace already exists: $1"});
    list.push_back({std::regex("^table (.+) exists already$"), "AlreadyExistsException",
                    "Table already exists: $1"});
    list.push_back({std::regex("^cannot rename .+: (.+) exists already$"), "AlreadyExistsException",
                    "Table already exists: $1"});
    return list;
  }();
  rest::RestError error = rest::RestErrorFromStatus(status);
  if (status.kind() != ErrorKind::kNotFound && status.kind() != ErrorKind::kAlreadyExists) {
    return error;
  }
  for (const Rewrite& rewrite : rewrites) {
    if (std::regex_match(error.message, rewrite.pattern)) {
      error.message = std::regex_replace(error.message, rewrite.pattern, rewrite.format);
      error.type = rewrite.type;
      break;
    }
  }
  return error;
}

std::optional<int> HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return std::nullopt;
}

/// The byte of the %XX escape at `text[i]`, if there is one.
std::optional<char> EscapeAt(std::string_view text, size_t i) {
  if (text[i] != '%' || i + 2 >= text.size()) return std::nullopt;
  std::optional<int> high = HexDigit(text[i + 1]);
  std::optional<int> low = HexDigit(text[i + 2]);
  if (!high || !low) return std::nullopt;
  return static_cast<char>(*high * 16 + *low);
}

/// Decodes the %XX escapes of `text`; those of the bytes in `kept` stay as they are.
std::string PercentDecode(std::string_view text, std::string_view kept) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    std::optional<char> byte = EscapeAt(text, i);
    if (!byte || kept.find(*byte) != std::string_view::npos) {
      out.push_back(text[i]);
      continue;
    }
    out.push_back(*byte);
    i += 2;
  }
  return out;
}

}  // namespace

std::string RoutingPath(std::string_view raw_target) {
  return PercentDecode(raw_target.substr(0, raw_target.find('?')), "/%");
}

Reply NoContent() { return Reply{kHttpNoContent, nullptr}; }

Reply ErrorReply(const rest::RestError& error) {
  return Reply{error.code, rest::RestErrorToJson(error)};
}

void SendJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  if (status == kHttpNoContent || body.is_null()) {
    res.body.clear();
    return;
  }
  res.set_content(rest::DumpJson(body), kJsonType);
}

void SendError(httplib::Response& res, const rest::RestError& error) {
  res.status = error.code;
  res.set_content(rest::RestErrorToJsonText(error), kJsonType);
}

std::optional<Reply> RouteContext::Deny(const Caller& caller, Operation operation,
                                        const Securable& target, const Securable* secondary) const {
  Result<std::optional<std::string>> denial =
      authorizer.Check(caller, operation, target, secondary);
  if (!denial.ok()) return ErrorReply(rest::RestErrorFromStatus(denial.status()));
  if (!denial->has_value()) return std::nullopt;
  if (!target.catalog.empty()) {
    // A caller who may list catalogs (the service admin) learns that this one does not exist.
    Result<std::optional<std::string>> lists =
        authorizer.Check(caller, Operation::kListCatalogs, Securable::Root());
    if (lists.ok() && !lists->has_value()) {
      Result<CatalogEntry> entry = store.GetCatalog(target.catalog);
      if (!entry.ok() && entry.status().IsNotFound()) {
        return ErrorReply(
            rest::RestErrorFromStatus(NotFound("warehouse {} does not exist", target.catalog)));
      }
    }
  }
  return ErrorReply(rest::RestError{kHttpForbidden, "ForbiddenException", **denial});
}

std::function<void(const httplib::Request&, httplib::Response&)> Authenticated(
    const RouteContext& context, Handler handler) {
  return [&context, handler = std::move(handler)](const httplib::Request& req,
                                                  httplib::Response& res) {
    Result<Caller> caller = Authenticate(context, req);
    if (!caller.ok()) {
      SendError(res, rest::RestErrorFromStatus(caller.status()));
      return;
    }
    Result<Reply> reply = handler(req, *caller);
    if (!reply.ok()) {
      SendError(res, IcebergError(reply.status()));
      return;
    }
    SendJson(res, reply->status, reply->body);
  };
}

Result<std::string> PathParam(const httplib::Request& req, size_t index) {
  if (index >= req.matches.size()) return Internal("route has no group {}", index);
  return PercentDecode(req.matches[index].str(), "");
}

Result<iceberg::Namespace> NamespaceParam(const httplib::Request& req, size_t index) {
  FLOE_ASSIGN_OR_RAISE(std::string segment, PathParam(req, index));
  return rest::NamespaceFromPathSegment(segment);
}

Result<iceberg::TableIdentifier> TableParam(const httplib::Request& req, size_t ns_index,
                                            size_t table_index) {
  FLOE_ASSIGN_OR_RAISE(iceberg::Namespace ns, NamespaceParam(req, ns_index));
  FLOE_ASSIGN_OR_RAISE(std::string name, PathParam(req, table_index));
  if (name.empty()) return InvalidArgument("empty table name in path");
  return iceberg::TableIdentifier{std::move(ns), std::move(name)};
}

Result<json> ManagementBody(std::string_view text, std::string_view key) {
  FLOE_ASSIGN_OR_RAISE(json root, rest::ParseBody(text, "request"));
  if (!root.is_object()) return InvalidArgument("request: expected a JSON object");
  auto it = root.find(key);
  if (it == root.end() || !it->is_object()) {
    return InvalidArgument("request: missing required object '{}'", key);
  }
  return *it;
}

Result<std::string> NameOf(const json& object, std::string_view what) {
  auto it = object.find("name");
  if (it == object.end() || !it->is_string() || it->get<std::string>().empty()) {
    return InvalidArgument("{}: missing required string 'name'", what);
  }
  return it->get<std::string>();
}

}  // namespace floe::catalog_server
