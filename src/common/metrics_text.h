#pragma once

// The Prometheus text exposition format, version 0.0.4, of MetricsRegistry's families: what
// GET /metrics answers (Content-Type kPrometheusTextContentType).

#include <string>
#include <string_view>
#include <vector>

#include "common/metrics_registry.h"

namespace floe {

inline constexpr std::string_view kPrometheusTextContentType =
    "text/plain; version=0.0.4; charset=utf-8";

/// "# HELP", "# TYPE" and one line per sample; histograms as _bucket{le=...} (cumulative, with
/// +Inf), _sum and _count. A family without samples prints nothing.
std::string FormatPrometheusText(const std::vector<MetricFamilySnapshot>& families);

/// A label value between double quotes: backslash, double quote and line feed escaped.
std::string EscapeLabelValue(std::string_view value);
/// HELP text: backslash and line feed escaped.
std::string EscapeHelp(std::string_view help);
/// Integers without a fraction, "+Inf", "-Inf", "NaN", else the shortest exact form.
std::string FormatSampleValue(double value);

}  // namespace floe
