#pragma once

// This process's resources as Linux's /proc tells them, and the standard process_* metrics
// (RSS, virtual memory, CPU, start time, open fds, threads) that every floe server exposes.

#include <cstdint>
#include <optional>

#include "common/metrics_registry.h"
#include "common/result.h"

namespace floe {

struct ProcessStats {
  int64_t resident_bytes = 0;
  int64_t virtual_bytes = 0;
  double cpu_seconds = 0;         // user + system
  double start_time_seconds = 0;  // since the epoch
  int64_t open_fds = 0;
  int64_t threads = 0;
};

/// nullopt when /proc cannot be read (not Linux, or a sandbox without it).
std::optional<ProcessStats> ReadProcessStats();

/// Registers the process_* families in `registry` and a collector that reads /proc at each
/// scrape (nothing when it cannot be read).
Status RegisterProcessMetrics(MetricsRegistry* registry);

}  // namespace floe
