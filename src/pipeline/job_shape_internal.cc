#include "pipeline/job_shape_internal.h"

#include <fmt/format.h>

#include <algorithm>

namespace floe::pipeline::internal {

namespace {

/// Every shape of a job file, wired to each other by pointer. Built once, in place, and never
/// moved or changed (a function-local static), so the pointers stay valid.
struct JobShapes {
  Shape scalar{ShapeKind::kScalar};
  Shape free_map{ShapeKind::kFreeMap};
  Shape scalar_list{ShapeKind::kList, {}, &scalar};
  Shape checkpoint;
  Shape job;
  Shape catalogs;
  Shape column;
  Shape schema;
  Shape event_time;
  Shape source;
  Shape sources;
  Shape filter;
  Shape project;
  Shape window;
  Shape transform;
  Shape transforms;
  Shape sink_column;
  Shape sink_columns;
  Shape sink;
  Shape sinks;
  Shape root;

  JobShapes() {
    checkpoint = Section({{"interval", &scalar},
                          {"min_pause", &scalar},
                          {"timeout", &scalar},
                          {"tolerable_failures", &scalar}});
    job = Section({{"name", &scalar},
                   {"parallelism", &scalar},
                   {"checkpoint", &checkpoint},
                   {"http", &scalar},
                   {"http_allow_remote", &scalar}});
    catalogs = NamedMap(&free_map, "catalog");
    column = Section(
        {{"name", &scalar}, {"type", &scalar}, {"required", &scalar}, {"metadata", &scalar}});
    schema = Shape{ShapeKind::kList, {}, &column};
    event_time = Section(
        {{"column", &scalar}, {"max_out_of_orderness", &scalar}, {"idle_timeout", &scalar}});
    source = Section({{"type", &scalar},
                      {"path", &scalar},
                      {"format", &scalar},
                      {"schema", &schema},
                      {"event_time", &event_time},
                      {"properties", &free_map}});
    sources = NamedMap(&source, "source");
    filter = Section({{"where", &scalar}});
    project = Section(
        {{"add", &free_map}, {"rename", &free_map}, {"drop", &scalar_list}, {"cast", &free_map}});
    window = Section({{"kind", &scalar},
                      {"size", &scalar},
                      {"slide", &scalar},
                      {"step", &scalar},
                      {"gap", &scalar},
                      {"group_by", &scalar_list},
                      {"allowed_lateness", &scalar},
                      {"aggregates", &free_map},
                      {"input_keyed_by", &scalar_list},
                      {"repartition", &scalar}});
    transform = Section(
        {{"filter", &filter}, {"project", &project}, {"enrich", &project}, {"window", &window}});
    transform.exactly_one_key = true;
    transforms = Shape{ShapeKind::kList, {}, &transform};
    sink_column = Section({{"name", &scalar}, {"metadata", &scalar}});
    sink_column.or_scalar = true;
    sink_columns = Shape{ShapeKind::kList, {}, &sink_column};
    sink = Section({{"type", &scalar},
                    {"catalog", &scalar},
                    {"table", &scalar},
                    {"create_if_missing", &scalar},
                    {"partition_by", &scalar},
                    {"write_parallelism", &scalar},
                    {"properties", &free_map},
                    {"path", &scalar},
                    {"topic", &scalar},
                    {"key", &scalar},
                    {"mode", &scalar},
                    {"primary_key", &scalar_list},
                    {"delete_mode", &scalar},
                    {"columns", &sink_columns}});
    sinks = NamedMap(&sink, "sink");
    root = Section({{"job", &job},
                    {"catalogs", &catalogs},
                    {"sources", &sources},
                    {"transforms", &transforms},
                    {"sinks", &sinks},
                    {"dead_letter", &sink}});
  }

  static Shape Section(std::vector<std::pair<std::string_view, const Shape*>> keys) {
    return Shape{ShapeKind::kSection, std::move(keys)};
  }
  static Shape NamedMap(const Shape* element, std::string_view noun) {
    Shape shape{ShapeKind::kNamedMap, {}, element};
    shape.element_noun = noun;
    return shape;
  }
};

/// Optimal string alignment distance: insertions, deletions, substitutions and adjacent
/// transpositions ("tabel" is one step from "table"), case-sensitive.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// A suggestion is offered when at most this many edits, or a third of the word, separate them:
// close enough to be a typo, far enough apart not to suggest nonsense for short words.
constexpr size_t kMinSuggestDistance = 2;
constexpr size_t kSuggestLengthDivisor = 3;

}  // namespace

const Shape* Shape::Find(std::string_view key) const {
  for (const auto& [name, shape] : keys) {
    if (name == key) return shape;
  }
  return nullptr;
}

std::string Shape::KeyList() const {
  std::vector<std::string_view> names;
  for (const auto& entry : keys) names.push_back(entry.first);
  return fmt::format("{}", fmt::join(names, ", "));
}

const Shape& RootShape() {
  static const JobShapes kShapes;
  return kShapes.root;
}

std::string_view ClosestName(std::string_view word,
                             const std::vector<std::string_view>& candidates) {
  size_t limit = std::max(kMinSuggestDistance, word.size() / kSuggestLengthDivisor);
  std::string_view best;
  size_t best_distance = limit + 1;
  for (std::string_view candidate : candidates) {
    size_t distance = EditDistance(word, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string DidYouMean(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::string_view best = ClosestName(word, candidates);
  return best.empty() ? std::string() : fmt::format(" (did you mean '{}'?)", best);
}

}  // namespace floe::pipeline::internal
