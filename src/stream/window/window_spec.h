#pragma once

// What a window step computes, as the job file says it: the kind of window and its lengths, the
// group keys, and the aggregates by output name. Plain values, checked by Validate and by the
// operator's bind (window_operator.h); nothing here knows a schema.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace floe::stream::window {

enum class WindowKind : uint8_t { kTumble, kHop, kSession, kCumulate };

enum class AggregateFunction : uint8_t {
  kCountStar,
  kCount,
  kCountDistinct,
  kSum,
  kAvg,
  kMin,
  kMax,
};

/// One aggregate: `count(*)`, `count(col)`, `count(distinct col)`, `sum(col)`, `avg(col)`,
/// `min(col)`, `max(col)`.
struct AggregateSpec {
  std::string name;  // the output column
  AggregateFunction function = AggregateFunction::kCountStar;
  std::string column;  // empty for count(*)
};

/// Lengths in microseconds (the unit of event times); zero when the kind does not take it.
struct WindowSpec {
  WindowKind kind = WindowKind::kTumble;
  int64_t size_micros = 0;   // tumble, hop; cumulate: the largest window
  int64_t slide_micros = 0;  // hop
  int64_t step_micros = 0;   // cumulate
  int64_t gap_micros = 0;    // session
  int64_t allowed_lateness_micros = 0;
  std::vector<std::string> group_by;
  std::vector<AggregateSpec> aggregates;  // in output order
  /// `input_keyed_by`: group_by columns by which the input's Kafka partitions are already
  /// keyed (every row of a group is in one partition), so the window keeps its state per
  /// partition and partitions may move between processes. Empty: not declared.
  std::vector<std::string> input_keyed_by;
  std::string input_keyed_by_label;  // where it was written, like group_by_label
  /// `repartition: true` (a Kafka input not keyed by the group key): the rows go through the
  /// job's repartition topic `<job>.<step>.repartition`, partitioned by their group key, so
  /// the processes of the group share the keys (README.md "Across processes").
  bool repartition = false;
  /// Where the parts were written ("job.yaml:21:17: transforms[1].window.group_by"), prefixed to
  /// errors found when the step is bound; empty when nowhere worth naming.
  std::string group_by_label;
  std::vector<std::string> aggregate_labels;  // one per aggregate, or empty

  /// InvalidArgument with the bare reason ("a cumulate window's size (25m) must be a multiple
  /// of its step (10m)"), for the caller to prefix with where the step is defined.
  Status Validate() const;
};

/// Parses an aggregate expression (function names case-insensitive, column names as written,
/// `"quoted"` allowed). InvalidArgument naming the 1-based column of the problem in `text`:
/// "unknown aggregate 'median' at 1:1 (expected count, sum, avg, min, max)".
Result<AggregateSpec> ParseAggregate(std::string_view name, std::string_view text);

std::string_view WindowKindName(WindowKind kind);
std::string_view AggregateFunctionName(AggregateFunction function);

}  // namespace floe::stream::window
