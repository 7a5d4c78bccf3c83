#include "iceberg/rest/rest_error.h"

namespace floe::iceberg::rest {

namespace {

constexpr int kBadRequest = 400;
constexpr int kUnauthorizedCode = 401;
constexpr int kForbidden = 403;
constexpr int kNotFoundCode = 404;
constexpr int kNotAcceptable = 406;
constexpr int kConflict = 409;
constexpr int kAuthenticationTimeout = 419;
constexpr int kUnprocessable = 422;
constexpr int kServerError = 500;
constexpr int kNotImplemented = 501;
constexpr int kServiceUnavailable = 503;
/// Error messages from a server are cut here: they end up in logs and exceptions.
constexpr size_t kMaxServerMessageBytes = 2000;

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

nlohmann::json RestErrorToJson(const RestError& error) {
  return nlohmann::json{
      {"error", {{"message", error.message}, {"type", error.type}, {"code", error.code}}}};
}

std::string RestErrorToJsonText(const RestError& error) {
  // Messages may quote client input that is not UTF-8; replace rather than throw.
  return RestErrorToJson(error).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

RestError RestErrorFromStatus(const Status& status) {
  const std::string& message = status.message();
  switch (status.kind()) {
    case ErrorKind::kOk:
      return RestError{kServerError, "ServiceFailureException", "no error"};
    case ErrorKind::kInvalidArgument:
    case ErrorKind::kCorrupt:
      return RestError{kBadRequest, "BadRequestException", message};
    case ErrorKind::kNotFound:
      if (StartsWith(message, "namespace")) {
        return RestError{kNotFoundCode, "NoSuchNamespaceException", message};
      }
      if (StartsWith(message, "warehouse") || StartsWith(message, "catalog")) {
        return RestError{kNotFoundCode, "NotFoundException", message};
      }
      return RestError{kNotFoundCode, "NoSuchTableException", message};
    case ErrorKind::kAlreadyExists:
      return RestError{kConflict, "AlreadyExistsException", message};
    case ErrorKind::kCommitFailed:
      return RestError{kConflict, "CommitFailedException", message};
    case ErrorKind::kCommitStateUnknown:
      return RestError{kServerError, "CommitStateUnknownException", message};
    case ErrorKind::kUnauthorized:
      return RestError{kUnauthorizedCode, "NotAuthorizedException", message};
    case ErrorKind::kNotSupported:
      return RestError{kNotAcceptable, "UnsupportedOperationException", message};
    case ErrorKind::kIoError:
      return RestError{kServiceUnavailable, "ServiceUnavailableException", message};
    case ErrorKind::kInternal:
      return RestError{kServerError, "ServiceFailureException", message};
  }
  return RestError{kServerError, "ServiceFailureException", message};
}

Status StatusFromHttpError(int http_status, std::string_view body, CallKind call,
                           std::string_view what) {
  std::string type;
  std::string message;
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_object()) {
    auto error = parsed.find("error");
    if (error != parsed.end() && error->is_object()) {
      auto m = error->find("message");
      if (m != error->end() && m->is_string()) message = m->get<std::string>();
      auto t = error->find("type");
      if (t != error->end() && t->is_string()) type = t->get<std::string>();
    } else if (error != parsed.end() && error->is_string()) {
      // OAuth2 errors: {"error": "invalid_client", "error_description": "..."}.
      type = error->get<std::string>();
      auto d = parsed.find("error_description");
      if (d != parsed.end() && d->is_string()) message = d->get<std::string>();
    }
  }
  if (message.empty()) message = std::string(body.substr(0, kMaxServerMessageBytes));
  if (message.size() > kMaxServerMessageBytes) message.resize(kMaxServerMessageBytes);
  const std::string detail = type.empty()
                                 ? fmt::format("HTTP {}: {}", http_status, message)
                                 : fmt::format("HTTP {} {}: {}", http_status, type, message);

  switch (http_status) {
    case kBadRequest:
    case kUnprocessable:
      return InvalidArgument("{}: {}", what, detail);
    case kUnauthorizedCode:
    case kForbidden:
    case kAuthenticationTimeout:
      return Unauthorized("{}: {}", what, detail);
    case kNotFoundCode:
      return NotFound("{}: {}", what, detail);
    case kNotAcceptable:
    case kNotImplemented:
      return NotSupported("{}: {}", what, detail);
    case kConflict:
      if (call == CallKind::kCommit && type != "AlreadyExistsException") {
        return CommitFailed("{}: {}", what, detail);
      }
      return AlreadyExists("{}: {}", what, detail);
    default:
      break;
  }
  if (http_status >= kServerError && call == CallKind::kCommit) {
    // The server may have applied the commit before failing (Java's rule for 500/502/503/504).
    return CommitStateUnknown("{}: {}", what, detail);
  }
  return IoError("{}: {}", what, detail);
}

}  // namespace floe::iceberg::rest
