#pragma once

// The error side of the Iceberg REST protocol: the error JSON both directions speak
// ({"error": {"message", "type", "code"}}) and the mapping between HTTP statuses and floe's
// error kinds.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/result.h"

namespace floe::iceberg::rest {

/// One error response: the HTTP status and the exception type Java's client maps it to.
struct RestError {
  int code = 500;
  std::string type;
  std::string message;
};

/// {"error": {"message": ..., "type": ..., "code": ...}}
nlohmann::json RestErrorToJson(const RestError& error);
std::string RestErrorToJsonText(const RestError& error);

/// The response for a failed Status. Not-found errors name a namespace or a table by the
/// message's first word, so that Java clients raise NoSuchNamespaceException or
/// NoSuchTableException as they would against Polaris.
RestError RestErrorFromStatus(const Status& status);

/// What an endpoint's HTTP error means, which depends on the call: a 409 is a lost race for a
/// commit but "exists already" for a create; a 5xx leaves a commit's outcome unknown.
enum class CallKind { kRead, kCreate, kCommit, kOther };

/// The Status for an HTTP error `http_status` whose body is `body` (Iceberg error JSON, or
/// anything else); `what` says what was being done ("loading table a.b").
Status StatusFromHttpError(int http_status, std::string_view body, CallKind call,
                           std::string_view what);

}  // namespace floe::iceberg::rest
