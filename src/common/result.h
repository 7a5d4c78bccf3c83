#pragma once

// The one error type of the project: Status (ok, or a kind and a message with context) and
// Result<T> (a value or a Status). Errors are propagated with FLOE_RETURN_IF_ERROR and
// FLOE_ASSIGN_OR_RAISE; exceptions are used only where nothing else can work.

#include <fmt/format.h>

#include <cassert>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace floe {

enum class ErrorKind {
  kOk = 0,
  kInvalidArgument,     // the caller's input is wrong: a flag, a schema, a row, a property
  kNotFound,            // a namespace, table, file or key that does not exist
  kAlreadyExists,       // a namespace or table that exists already
  kIoError,             // the file system or the network failed
  kCorrupt,             // stored data that cannot be parsed: metadata JSON, Avro, Parquet
  kNotSupported,        // a valid request that floe does not implement
  kCommitFailed,        // a commit lost a race (the base changed): refresh and retry
  kCommitStateUnknown,  // the commit may or may not have landed: never delete its files
  kUnauthorized,        // missing, bad or expired credentials
  kInternal,            // a broken invariant inside floe
};

std::string_view ErrorKindName(ErrorKind kind);

/// Status is ok or carries an error kind and a message. Cheap to pass around when ok (one null
/// pointer). Thread safety: a Status is a value; copies are independent.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorKind kind, std::string message);

  static Status Ok() { return Status(); }

  bool ok() const { return state_ == nullptr; }
  ErrorKind kind() const { return state_ ? state_->kind : ErrorKind::kOk; }
  const std::string& message() const;
  /// "kind: message", for logs and the command line.
  std::string ToString() const;

  /// Returns a copy whose message is "context: message", keeping the kind. On ok, returns ok.
  Status WithContext(std::string_view context) const;

  bool IsNotFound() const { return kind() == ErrorKind::kNotFound; }
  bool IsAlreadyExists() const { return kind() == ErrorKind::kAlreadyExists; }
  bool IsCommitFailed() const { return kind() == ErrorKind::kCommitFailed; }
  bool IsCommitStateUnknown() const { return kind() == ErrorKind::kCommitStateUnknown; }

 private:
  struct State {
    ErrorKind kind;
    std::string message;
  };
  std::shared_ptr<const State> state_;
};

// Builders: InvalidArgument("bad value {} in {}", v, where).
#define FLOE_DEFINE_STATUS_BUILDER(Name, Kind)                                        \
  template <typename... Args>                                                         \
  Status Name(fmt::format_string<Args...> format, Args&&... args) {                   \
    return Status(ErrorKind::Kind, fmt::format(format, std::forward<Args>(args)...)); \
  }
FLOE_DEFINE_STATUS_BUILDER(InvalidArgument, kInvalidArgument)
FLOE_DEFINE_STATUS_BUILDER(NotFound, kNotFound)
FLOE_DEFINE_STATUS_BUILDER(AlreadyExists, kAlreadyExists)
FLOE_DEFINE_STATUS_BUILDER(IoError, kIoError)
FLOE_DEFINE_STATUS_BUILDER(Corrupt, kCorrupt)
FLOE_DEFINE_STATUS_BUILDER(NotSupported, kNotSupported)
FLOE_DEFINE_STATUS_BUILDER(CommitFailed, kCommitFailed)
FLOE_DEFINE_STATUS_BUILDER(CommitStateUnknown, kCommitStateUnknown)
FLOE_DEFINE_STATUS_BUILDER(Unauthorized, kUnauthorized)
FLOE_DEFINE_STATUS_BUILDER(Internal, kInternal)
#undef FLOE_DEFINE_STATUS_BUILDER

/// Result<T> holds a T or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}        // NOLINT: implicit by design
  Result(Status status) : value_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(value_).ok() && "Result built from an ok Status");
  }

  bool ok() const { return std::holds_alternative<T>(value_); }
  const Status& status() const& {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(value_);
  }
  Status status() && { return ok() ? Status() : std::get<Status>(std::move(value_)); }

  T& value() & { return std::get<T>(value_); }
  const T& value() const& { return std::get<T>(value_); }
  T&& value() && { return std::get<T>(std::move(value_)); }
  T ValueOr(T fallback) const& { return ok() ? std::get<T>(value_) : std::move(fallback); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> value_;
};

namespace internal {
inline Status ToStatus(const Status& s) { return s; }
inline Status ToStatus(Status&& s) { return std::move(s); }
template <typename T>
Status ToStatus(const Result<T>& r) {
  return r.status();
}
template <typename T>
Status ToStatus(Result<T>&& r) {
  return std::move(r).status();
}
}  // namespace internal

}  // namespace floe

#define FLOE_CONCAT_INNER(a, b) a##b
#define FLOE_CONCAT(a, b) FLOE_CONCAT_INNER(a, b)

/// Returns the Status of `expr` (a Status or a Result) from the enclosing function if not ok.
#define FLOE_RETURN_IF_ERROR(expr)                            \
  do {                                                        \
    auto&& _floe_status = ::floe::internal::ToStatus((expr)); \
    if (!_floe_status.ok()) return _floe_status;              \
  } while (false)

#define FLOE_ASSIGN_OR_RAISE_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                              \
  if (!tmp.ok()) return std::move(tmp).status();   \
  lhs = std::move(tmp).value()

/// FLOE_ASSIGN_OR_RAISE(auto x, Foo()) declares x from Foo()'s value or returns its Status.
#define FLOE_ASSIGN_OR_RAISE(lhs, rexpr) \
  FLOE_ASSIGN_OR_RAISE_IMPL(FLOE_CONCAT(_floe_result_, __LINE__), lhs, rexpr)

/// Like FLOE_RETURN_IF_ERROR, adding "context: " in front of the message.
#define FLOE_RETURN_IF_ERROR_CTX(expr, context)                       \
  do {                                                                \
    auto&& _floe_status = ::floe::internal::ToStatus((expr));         \
    if (!_floe_status.ok()) return _floe_status.WithContext(context); \
  } while (false)
