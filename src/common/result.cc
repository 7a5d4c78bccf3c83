#include "common/result.h"

namespace floe {

std::string_view ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kOk:
      return "ok";
    case ErrorKind::kInvalidArgument:
      return "invalid argument";
    case ErrorKind::kNotFound:
      return "not found";
    case ErrorKind::kAlreadyExists:
      return "already exists";
    case ErrorKind::kIoError:
      return "I/O error";
    case ErrorKind::kCorrupt:
      return "corrupt";
    case ErrorKind::kNotSupported:
      return "not supported";
    case ErrorKind::kCommitFailed:
      return "commit failed";
    case ErrorKind::kCommitStateUnknown:
      return "commit state unknown";
    case ErrorKind::kUnauthorized:
      return "unauthorized";
    case ErrorKind::kInternal:
      return "internal error";
  }
  return "unknown error";
}

Status::Status(ErrorKind kind, std::string message)
    : state_(kind == ErrorKind::kOk
                 ? nullptr
                 : std::make_shared<const State>(State{kind, std::move(message)})) {}

const std::string& Status::message() const {
  static const std::string kEmpty;
  return state_ ? state_->message : kEmpty;
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return fmt::format("{}: {}", ErrorKindName(state_->kind), state_->message);
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  return Status(state_->kind, fmt::format("{}: {}", context, state_->message));
}

}  // namespace floe
