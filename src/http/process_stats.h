#pragma once

// This process's resources as Linux's /proc tells them, for the standard process_* metrics.

#include <cstdint>
#include <optional>

namespace floe::http {

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

}  // namespace floe::http
