#pragma once

// Wall-clock and monotonic time in the units the rest of floe stores.

#include <chrono>
#include <cstdint>

namespace floe {

/// Milliseconds since the Unix epoch (UTC), as Iceberg's timestamp-ms fields hold.
inline int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Microseconds since the Unix epoch (UTC): timestamptz values.
inline int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

/// Monotonic nanoseconds, for measuring durations.
inline int64_t MonotonicNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace floe
