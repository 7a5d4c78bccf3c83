#include "common/metrics_text.h"

#include <fmt/format.h>

#include <cmath>

namespace floe {

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string EscapeHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatSampleValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Counts are integers: print them without an exponent up to 2^53, where doubles stay exact.
  constexpr double kExactIntegers = 9007199254740992.0;
  if (value == std::trunc(value) && std::fabs(value) < kExactIntegers) {
    return fmt::format("{}", static_cast<int64_t>(value));
  }
  return fmt::format("{}", value);
}

namespace {

/// {a="x",b="y"} (with `extra` appended, e.g. le="0.5"); empty when there are no labels.
std::string LabelSet(const std::vector<std::string>& names, const std::vector<std::string>& values,
                     std::string_view extra = {}) {
  if (names.empty() && extra.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out += fmt::format("{}=\"{}\"", names[i], EscapeLabelValue(values[i]));
  }
  if (!extra.empty()) {
    if (!names.empty()) out += ',';
    out += extra;
  }
  return out + "}";
}

void AppendHistogram(const MetricFamilySnapshot& family, const MetricSample& sample,
                     std::string* out) {
  const HistogramValue& histogram = sample.histogram;
  for (size_t i = 0; i < histogram.bounds.size(); ++i) {
    const std::string le = fmt::format("le=\"{}\"", FormatSampleValue(histogram.bounds[i]));
    *out +=
        fmt::format("{}_bucket{} {}\n", family.name,
                    LabelSet(family.label_names, sample.label_values, le), histogram.cumulative[i]);
  }
  *out += fmt::format("{}_bucket{} {}\n", family.name,
                      LabelSet(family.label_names, sample.label_values, "le=\"+Inf\""),
                      histogram.count);
  const std::string labels = LabelSet(family.label_names, sample.label_values);
  *out += fmt::format("{}_sum{} {}\n", family.name, labels, FormatSampleValue(histogram.sum));
  *out += fmt::format("{}_count{} {}\n", family.name, labels, histogram.count);
}

}  // namespace

std::string FormatPrometheusText(const std::vector<MetricFamilySnapshot>& families) {
  std::string out;
  for (const MetricFamilySnapshot& family : families) {
    if (family.samples.empty()) continue;
    out += fmt::format("# HELP {} {}\n", family.name, EscapeHelp(family.help));
    out += fmt::format("# TYPE {} {}\n", family.name, MetricTypeName(family.type));
    for (const MetricSample& sample : family.samples) {
      if (family.type == MetricType::kHistogram) {
        AppendHistogram(family, sample, &out);
        continue;
      }
      out +=
          fmt::format("{}{} {}\n", family.name, LabelSet(family.label_names, sample.label_values),
                      FormatSampleValue(sample.value));
    }
  }
  return out;
}

}  // namespace floe
