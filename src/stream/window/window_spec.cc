#include "stream/window/window_spec.h"

#include <fmt/format.h>

#include <cctype>

namespace floe::stream::window {

namespace {

constexpr int64_t kMicrosPerMilli = 1000;

/// The duration the way a job file writes it ("25m", "1500ms"), for error messages.
std::string DurationText(int64_t micros) {
  struct Unit {
    std::string_view suffix;
    int64_t micros;
  };
  static constexpr Unit kUnits[] = {{"h", 3600LL * 1000 * kMicrosPerMilli},
                                    {"m", 60LL * 1000 * kMicrosPerMilli},
                                    {"s", 1000 * kMicrosPerMilli},
                                    {"ms", kMicrosPerMilli}};
  for (const Unit& unit : kUnits) {
    if (micros != 0 && micros % unit.micros == 0) {
      return fmt::format("{}{}", micros / unit.micros, unit.suffix);
    }
  }
  return fmt::format("{}us", micros);
}

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

/// A tiny cursor over an aggregate expression, reporting 1-based columns.
class AggregateParser {
 public:
  explicit AggregateParser(std::string_view text) : text_(text) {}

  void SkipSpace() {
    while (at_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[at_]))) ++at_;
  }
  bool Eat(char c) {
    SkipSpace();
    if (at_ < text_.size() && text_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }
  /// Whether the next character (after spaces) closes the argument list; consumes nothing.
  bool AtClose() {
    SkipSpace();
    return at_ < text_.size() && text_[at_] == ')';
  }
  int column() const { return static_cast<int>(at_) + 1; }
  bool done() {
    SkipSpace();
    return at_ == text_.size();
  }
  /// A bare word (letters, digits, '_') or a "double quoted" name ("" inside for a quote).
  Result<std::string> Name(std::string_view what) {
    SkipSpace();
    const int start = column();
    std::string out;
    if (at_ < text_.size() && text_[at_] == '"') {
      for (++at_; at_ < text_.size(); ++at_) {
        if (text_[at_] != '"') {
          out.push_back(text_[at_]);
        } else if (at_ + 1 < text_.size() && text_[at_ + 1] == '"') {
          out.push_back('"');
          ++at_;
        } else {
          ++at_;
          return out;
        }
      }
      return InvalidArgument("unterminated quoted name at 1:{}", start);
    }
    while (at_ < text_.size() && IsNameChar(text_[at_])) out.push_back(text_[at_++]);
    if (out.empty()) return InvalidArgument("expected {} at 1:{}", what, start);
    return out;
  }

 private:
  std::string_view text_;
  size_t at_ = 0;
};

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

Status WindowSpec::Validate() const {
  auto positive = [](int64_t micros, std::string_view key, std::string_view kind) -> Status {
    if (micros > 0) return Status::Ok();
    return InvalidArgument("a {} window needs a positive '{}'", kind, key);
  };
  auto absent = [](int64_t micros, std::string_view key, std::string_view kind) -> Status {
    if (micros == 0) return Status::Ok();
    return InvalidArgument("a {} window takes no '{}'", kind, key);
  };
  const std::string_view kind_name = WindowKindName(kind);
  switch (kind) {
    case WindowKind::kTumble:
      FLOE_RETURN_IF_ERROR(positive(size_micros, "size", kind_name));
      FLOE_RETURN_IF_ERROR(absent(slide_micros, "slide", kind_name));
      FLOE_RETURN_IF_ERROR(absent(step_micros, "step", kind_name));
      FLOE_RETURN_IF_ERROR(absent(gap_micros, "gap", kind_name));
      break;
    case WindowKind::kHop:
      FLOE_RETURN_IF_ERROR(positive(size_micros, "size", kind_name));
      FLOE_RETURN_IF_ERROR(positive(slide_micros, "slide", kind_name));
      FLOE_RETURN_IF_ERROR(absent(step_micros, "step", kind_name));
      FLOE_RETURN_IF_ERROR(absent(gap_micros, "gap", kind_name));
      break;
    case WindowKind::kSession:
      FLOE_RETURN_IF_ERROR(positive(gap_micros, "gap", kind_name));
      FLOE_RETURN_IF_ERROR(absent(size_micros, "size", kind_name));
      FLOE_RETURN_IF_ERROR(absent(slide_micros, "slide", kind_name));
      FLOE_RETURN_IF_ERROR(absent(step_micros, "step", kind_name));
      break;
    case WindowKind::kCumulate:
      FLOE_RETURN_IF_ERROR(positive(size_micros, "size", kind_name));
      FLOE_RETURN_IF_ERROR(positive(step_micros, "step", kind_name));
      FLOE_RETURN_IF_ERROR(absent(slide_micros, "slide", kind_name));
      FLOE_RETURN_IF_ERROR(absent(gap_micros, "gap", kind_name));
      if (size_micros % step_micros != 0) {
        return InvalidArgument("a cumulate window's size ({}) must be a multiple of its step ({})",
                               DurationText(size_micros), DurationText(step_micros));
      }
      break;
  }
  if (allowed_lateness_micros < 0) return InvalidArgument("allowed_lateness must not be negative");
  if (aggregates.empty()) return InvalidArgument("a window needs at least one aggregate");
  for (size_t i = 0; i < group_by.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (group_by[i] == group_by[j]) {
        return InvalidArgument("group_by names '{}' twice", group_by[i]);
      }
    }
  }
  return Status::Ok();
}

Result<AggregateSpec> ParseAggregate(std::string_view name, std::string_view text) {
  AggregateSpec spec;
  spec.name = std::string(name);
  AggregateParser parser(text);
  parser.SkipSpace();
  const int function_column = parser.column();
  FLOE_ASSIGN_OR_RAISE(std::string function, parser.Name("an aggregate like count(*)"));
  const std::string lowered = Lower(function);
  static const std::pair<std::string_view, AggregateFunction> kFunctions[] = {
      {"count", AggregateFunction::kCount},
      {"sum", AggregateFunction::kSum},
      {"avg", AggregateFunction::kAvg},
      {"min", AggregateFunction::kMin},
      {"max", AggregateFunction::kMax}};
  bool known = false;
  for (const auto& [function_name, value] : kFunctions) {
    if (lowered == function_name) {
      spec.function = value;
      known = true;
    }
  }
  if (!known) {
    return InvalidArgument("unknown aggregate '{}' at 1:{} (expected count, sum, avg, min, max)",
                           function, function_column);
  }
  if (!parser.Eat('(')) return InvalidArgument("expected '(' at 1:{}", parser.column());
  if (spec.function == AggregateFunction::kCount && parser.Eat('*')) {
    spec.function = AggregateFunction::kCountStar;
  } else {
    FLOE_ASSIGN_OR_RAISE(spec.column, parser.Name("a column name"));
    // `count(distinct)` counts a column named distinct; `count(distinct x)` counts values.
    if (Lower(spec.column) == "distinct" && !parser.AtClose()) {
      if (spec.function != AggregateFunction::kCount) {
        return InvalidArgument("DISTINCT is supported in count only, at 1:{}", function_column);
      }
      spec.function = AggregateFunction::kCountDistinct;
      FLOE_ASSIGN_OR_RAISE(spec.column, parser.Name("a column name"));
    }
  }
  if (!parser.Eat(')')) return InvalidArgument("expected ')' at 1:{}", parser.column());
  if (!parser.done()) {
    return InvalidArgument("unexpected text after the aggregate at 1:{}", parser.column());
  }
  return spec;
}

std::string_view WindowKindName(WindowKind kind) {
  switch (kind) {
    case WindowKind::kTumble:
      return "tumble";
    case WindowKind::kHop:
      return "hop";
    case WindowKind::kSession:
      return "session";
    case WindowKind::kCumulate:
      return "cumulate";
  }
  return "unknown";
}

std::string_view AggregateFunctionName(AggregateFunction function) {
  switch (function) {
    case AggregateFunction::kCountStar:
    case AggregateFunction::kCount:
    case AggregateFunction::kCountDistinct:
      return "count";
    case AggregateFunction::kSum:
      return "sum";
    case AggregateFunction::kAvg:
      return "avg";
    case AggregateFunction::kMin:
      return "min";
    case AggregateFunction::kMax:
      return "max";
  }
  return "unknown";
}

}  // namespace floe::stream::window
