#include "iceberg/json_util.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace floe::iceberg::json_util {

using nlohmann::json;

namespace {

// 1-based line and column of a 1-based byte position, as editors count them (bytes, not
// code points, for the column).
std::pair<size_t, size_t> LineAndColumn(std::string_view text, size_t byte_position) {
  const size_t index = std::min(byte_position == 0 ? 0 : byte_position - 1, text.size());
  const std::string_view before = text.substr(0, index);
  const size_t line = 1 + static_cast<size_t>(std::count(before.begin(), before.end(), '\n'));
  const size_t last_newline = before.rfind('\n');
  const size_t column = last_newline == std::string_view::npos ? index + 1 : index - last_newline;
  return {line, column};
}

// nlohmann's messages start "[json.exception.parse_error.101] parse error at line 1, column 2: ";
// keep only what follows, since the position is reported separately.
std::string_view ParseErrorReason(std::string_view what) {
  const size_t start = what.find("parse error");
  if (start == std::string_view::npos) return what;
  const size_t colon = what.find(": ", start);
  if (colon == std::string_view::npos) return what;
  return what.substr(colon + 2);
}

}  // namespace

std::string_view JsonKindName(const json& value) {
  // type_name() never throws; it says "number" for all three number kinds.
  return value.type_name();
}

JsonLocation JsonLocation::Key(std::string_view key) const {
  return JsonLocation{file, path.empty() ? std::string(key) : fmt::format("{}.{}", path, key)};
}

JsonLocation JsonLocation::Index(size_t index) const {
  return JsonLocation{file, fmt::format("{}[{}]", path, index)};
}

Status JsonLocation::Error(std::string_view what) const {
  std::string message;
  if (!file.empty()) message = fmt::format("{}: ", file);
  if (!path.empty()) message += fmt::format("{}: ", path);
  message += what;
  return Status(ErrorKind::kInvalidArgument, std::move(message));
}

const json* JsonOptional(const json& object, std::string_view key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

Status ExpectObject(const json& value, const JsonLocation& at) {
  if (value.is_object()) return Status::Ok();
  return at.Error(fmt::format("expected an object, found {}", JsonKindName(value)));
}

Status ExpectArray(const json& value, const JsonLocation& at) {
  if (value.is_array()) return Status::Ok();
  return at.Error(fmt::format("expected an array, found {}", JsonKindName(value)));
}

Result<const json*> JsonRequired(const json& object, std::string_view key, const JsonLocation& at) {
  FLOE_RETURN_IF_ERROR(ExpectObject(object, at));
  auto it = object.find(key);
  if (it == object.end()) return at.Error(fmt::format("missing required field '{}'", key));
  return &*it;
}

Result<int64_t> JsonInt64(const json& value, const JsonLocation& at) {
  if (value.is_number_unsigned()) {
    const uint64_t unsigned_value = value.get<uint64_t>();
    if (unsigned_value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return at.Error(fmt::format("integer {} is out of the 64-bit range", unsigned_value));
    }
    return static_cast<int64_t>(unsigned_value);
  }
  if (value.is_number_integer()) return value.get<int64_t>();
  return at.Error(fmt::format("expected an integer, found {}", value.is_number_float()
                                                                   ? "a fractional number"
                                                                   : JsonKindName(value)));
}

Result<int32_t> JsonInt32(const json& value, const JsonLocation& at) {
  FLOE_ASSIGN_OR_RAISE(int64_t wide, JsonInt64(value, at));
  if (wide < std::numeric_limits<int32_t>::min() || wide > std::numeric_limits<int32_t>::max()) {
    return at.Error(fmt::format("integer {} is out of the 32-bit range", wide));
  }
  return static_cast<int32_t>(wide);
}

Result<std::string> JsonString(const json& value, const JsonLocation& at) {
  if (!value.is_string()) {
    return at.Error(fmt::format("expected a string, found {}", JsonKindName(value)));
  }
  return value.get<std::string>();
}

Result<std::map<std::string, std::string>> JsonStringMap(const json& value,
                                                         const JsonLocation& at) {
  FLOE_RETURN_IF_ERROR(ExpectObject(value, at));
  std::map<std::string, std::string> out;
  for (const auto& [key, item] : value.items()) {
    FLOE_ASSIGN_OR_RAISE(out[key], JsonString(item, at.Key(key)));
  }
  return out;
}

Result<std::vector<std::string>> JsonStringList(const json& value, const JsonLocation& at) {
  FLOE_RETURN_IF_ERROR(ExpectArray(value, at));
  std::vector<std::string> out;
  out.reserve(value.size());
  for (size_t i = 0; i < value.size(); ++i) {
    FLOE_ASSIGN_OR_RAISE(std::string text, JsonString(value[i], at.Index(i)));
    out.push_back(std::move(text));
  }
  return out;
}

Result<bool> JsonBool(const json& value, const JsonLocation& at) {
  if (!value.is_boolean()) {
    return at.Error(fmt::format("expected a boolean, found {}", JsonKindName(value)));
  }
  return value.get<bool>();
}

Result<int32_t> RequiredInt32(const json& object, std::string_view key, const JsonLocation& at) {
  FLOE_ASSIGN_OR_RAISE(const json* member, JsonRequired(object, key, at));
  return JsonInt32(*member, at.Key(key));
}

Result<int64_t> RequiredInt64(const json& object, std::string_view key, const JsonLocation& at) {
  FLOE_ASSIGN_OR_RAISE(const json* member, JsonRequired(object, key, at));
  return JsonInt64(*member, at.Key(key));
}

Result<std::string> RequiredString(const json& object, std::string_view key,
                                   const JsonLocation& at) {
  FLOE_ASSIGN_OR_RAISE(const json* member, JsonRequired(object, key, at));
  return JsonString(*member, at.Key(key));
}

Result<bool> RequiredBool(const json& object, std::string_view key, const JsonLocation& at) {
  FLOE_ASSIGN_OR_RAISE(const json* member, JsonRequired(object, key, at));
  return JsonBool(*member, at.Key(key));
}

Result<json> ParseJsonText(std::string_view text, std::string_view path) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    auto [line, column] = LineAndColumn(text, e.byte);
    return InvalidArgument("{}: line {}, column {}: invalid JSON: {}", path, line, column,
                           ParseErrorReason(e.what()));
  } catch (const json::exception& e) {
    return InvalidArgument("{}: invalid JSON: {}", path, e.what());
  }
}

}  // namespace floe::iceberg::json_util
