#include <fmt/format.h>

#include <charconv>

#include "pipeline/job_overrides_internal.h"
#include "pipeline/job_shape_internal.h"

namespace floe::pipeline::internal {

namespace {

std::string JoinKey(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

/// The names of an existing map's entries, for "known: ..." and did-you-mean.
std::vector<std::string> MapKeys(const YAML::Node& node) {
  std::vector<std::string> names;
  if (!node.IsMap()) return names;
  for (const auto& entry : node) names.push_back(entry.first.Scalar());
  return names;
}

/// Walks `rest` from `node` (whose shape is `shape` and path `path`) and sets the scalar it
/// names. `rest` starts with the next key, or with "[N]" when `shape` is a list.
Result<std::string> SetAt(YAML::Node node, const Shape& shape, std::string_view rest,
                          const std::string& path, std::string_view value) {
  if (shape.kind == ShapeKind::kFreeMap) {
    if (rest.empty()) return InvalidArgument("'{}' needs a key after it", path);
    if (!node.IsMap()) node = YAML::Node(YAML::NodeType::Map);
    node[std::string(rest)] = std::string(value);
    return JoinKey(path, rest);
  }

  if (shape.kind == ShapeKind::kList) {
    size_t close = rest.find(']');
    if (!rest.starts_with('[') || close == std::string_view::npos) {
      return InvalidArgument("'{}' is a list: expected [INDEX] after it", path);
    }
    std::string_view digits = rest.substr(1, close - 1);
    size_t index = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), index);
    if (error != std::errc() || end != digits.data() + digits.size() || digits.empty()) {
      return InvalidArgument("'{}' is a list: '{}' is not an index", path, digits);
    }
    size_t size = node.IsSequence() ? node.size() : 0;
    if (index >= size) {
      return InvalidArgument("'{}' has {} entries: index {} is out of range", path, size, index);
    }
    std::string child_path = fmt::format("{}[{}]", path, index);
    std::string_view after = rest.substr(close + 1);
    YAML::Node child = node[index];
    if (shape.element->kind == ShapeKind::kScalar) {
      if (!after.empty()) return InvalidArgument("'{}' is a value, not a section", child_path);
      child = std::string(value);
      return child_path;
    }
    if (!after.starts_with('.')) {
      return InvalidArgument("'{}' is a section: set one of its keys", child_path);
    }
    return SetAt(child, *shape.element, after.substr(1), child_path, value);
  }

  if (shape.kind == ShapeKind::kScalar) {
    return InvalidArgument("'{}' is a value, not a section", path);
  }

  // kSection or kNamedMap: the next key runs to the next '.' or '['.
  size_t key_end = rest.find_first_of(".[");
  std::string key(rest.substr(0, key_end));
  std::string_view after = key_end == std::string_view::npos ? "" : rest.substr(key_end);
  if (key.empty()) return InvalidArgument("empty key after '{}'", path);
  std::string child_path = JoinKey(path, key);

  const Shape* child_shape = nullptr;
  if (shape.kind == ShapeKind::kSection) {
    child_shape = shape.Find(key);
    if (child_shape == nullptr) {
      std::vector<std::string_view> known;
      for (const auto& entry : shape.keys) known.push_back(entry.first);
      return InvalidArgument("unknown key '{}' in {}{} (known: {})", key,
                             path.empty() ? "the job file" : path, DidYouMean(key, known),
                             shape.KeyList());
    }
  } else {
    std::vector<std::string> names = MapKeys(node);
    if (std::find(names.begin(), names.end(), key) == names.end()) {
      std::vector<std::string_view> known(names.begin(), names.end());
      return InvalidArgument("no {} named '{}' in {}{} (known: {})", shape.element_noun, key, path,
                             DidYouMean(key, known),
                             names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", ")));
    }
    child_shape = shape.element;
  }

  if (child_shape->kind == ShapeKind::kScalar) {
    if (!after.empty()) return InvalidArgument("'{}' is a value, not a section", child_path);
    if (!node.IsMap()) node = YAML::Node(YAML::NodeType::Map);
    node[key] = std::string(value);
    return child_path;
  }
  if (after.empty()) {
    return InvalidArgument("'{}' is a section, not a value: set one of its keys", child_path);
  }
  if (child_shape->kind != ShapeKind::kList) {
    if (!after.starts_with('.')) return InvalidArgument("'{}' is not a list", child_path);
    after.remove_prefix(1);
  }
  if (!node.IsMap()) node = YAML::Node(YAML::NodeType::Map);
  YAML::Node child = node[key];
  if (!child.IsDefined() || child.IsNull()) {
    if (child_shape->kind == ShapeKind::kList) {
      return InvalidArgument("'{}' has 0 entries: {} is out of range", child_path, after);
    }
    node[key] = YAML::Node(YAML::NodeType::Map);
    child = node[key];
  }
  return SetAt(child, *child_shape, after, child_path, value);
}

}  // namespace

Result<std::string> ApplyOverride(YAML::Node& root, std::string_view assignment) {
  size_t equals = assignment.find('=');
  if (equals == std::string_view::npos || equals == 0) {
    return InvalidArgument("--set '{}': expected path.to.key=value", assignment);
  }
  std::string_view path = assignment.substr(0, equals);
  std::string_view value = assignment.substr(equals + 1);
  auto set = SetAt(root, RootShape(), path, "", value);
  if (!set.ok()) return set.status().WithContext(fmt::format("--set {}", path));
  return set;
}

}  // namespace floe::pipeline::internal
