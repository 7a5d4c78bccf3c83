#pragma once

// What a transform step says, before it is bound: the typed form every front end (the YAML job
// file, later SQL) produces and TransformChain binds. Expression texts keep the place they were
// written, which prefixes their errors ("job.yaml:12:5: transforms[0].filter.where: ...").

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "iceberg/type.h"
#include "stream/window/window_spec.h"

namespace floe::stream {

/// An expression's text and where it was written (empty: nowhere worth naming).
struct ExpressionText {
  std::string text;
  std::string label;
};

struct FilterSpec {
  ExpressionText where;  // the predicate
};

/// A new column and the expression that computes it.
struct NamedExpression {
  std::string name;
  ExpressionText value;
};

struct CastSpec {
  std::string column;
  iceberg::TypePtr type;
};

/// Project (or enrich): casts, renames and drops of input columns, then new columns in order.
struct ProjectSpec {
  std::vector<NamedExpression> add;
  std::vector<std::pair<std::string, std::string>> rename;  // from, to
  std::vector<std::string> drop;
  std::vector<CastSpec> cast;
};

/// A window step is not part of a TransformChain: the job runs it after the chain
/// (stream/window/).
enum class TransformType : uint8_t { kFilter, kProject, kWindow };

struct TransformSpec {
  TransformType type = TransformType::kFilter;
  FilterSpec filter;          // when type == kFilter
  ProjectSpec project;        // when type == kProject
  window::WindowSpec window;  // when type == kWindow
  /// Where the step was defined; prefixed to a project's errors (a filter's carry its where's).
  std::string label;
};

}  // namespace floe::stream
