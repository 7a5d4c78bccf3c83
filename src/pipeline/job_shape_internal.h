#pragma once

// The shape of a job file: which keys each section may hold and what kind of value each one is.
// One description serves the key check (unknown keys, with a did-you-mean) and the --set
// overrides (a path must name something a job file could hold), so the two never disagree.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace floe::pipeline::internal {

enum class ShapeKind : uint8_t {
  kScalar,    // a string, number, boolean or duration
  kSection,   // a map with fixed keys (`keys`)
  kNamedMap,  // a map from user-chosen names to `element` (sources, sinks, catalogs)
  kFreeMap,   // a map from any key to a scalar (properties, catalogs)
  kList,      // a sequence of `element`
};

/// Immutable; the shapes of a job file live in one static table (RootShape()).
struct Shape {
  ShapeKind kind = ShapeKind::kScalar;
  std::vector<std::pair<std::string_view, const Shape*>> keys;  // kSection
  const Shape* element = nullptr;                               // kNamedMap, kList
  bool or_scalar = false;         // kSection: a plain value may stand for it (a sink column's name)
  bool exactly_one_key = false;   // a section that is one of its keys (a transform)
  std::string_view element_noun;  // kNamedMap: "sink", for "no sink named 'x'"

  /// The shape of `key` in a kSection, or nullptr.
  const Shape* Find(std::string_view key) const;
  /// "a, b, c": the keys of a kSection, for messages.
  std::string KeyList() const;
};

/// The whole job file.
const Shape& RootShape();

/// The candidate closest to `word` by edit distance (a transposition counts one), or "" when
/// none is close enough to be a likely typo.
std::string_view ClosestName(std::string_view word,
                             const std::vector<std::string_view>& candidates);

/// " (did you mean 'x'?)" or "", to append to an "unknown ..." message.
std::string DidYouMean(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace floe::pipeline::internal
