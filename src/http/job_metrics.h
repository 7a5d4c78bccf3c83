#pragma once

// The job's Prometheus metrics (floe_* and the standard process_*), read from its JobCounters
// and JobTelemetry at each scrape: the hot path pays nothing for them.

#include "common/metrics_registry.h"
#include "common/result.h"
#include "stream/job_telemetry.h"

namespace floe::http {

/// Registers the families and a collector that fills them. `telemetry` (and its counters) must
/// outlive every Read() of `registry`.
Status RegisterJobMetrics(const stream::JobTelemetry& telemetry, MetricsRegistry* registry);

}  // namespace floe::http
