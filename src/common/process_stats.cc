#include "common/process_stats.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

namespace floe {

namespace {

/// Seconds since the epoch at boot, from /proc/stat's btime line.
std::optional<int64_t> BootTimeSeconds() {
  std::ifstream stat("/proc/stat");
  std::string key;
  while (stat >> key) {
    if (key == "btime") {
      int64_t seconds = 0;
      if (stat >> seconds) return seconds;
      return std::nullopt;
    }
    stat.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
  }
  return std::nullopt;
}

}  // namespace

std::optional<ProcessStats> ReadProcessStats() {
  std::ifstream file("/proc/self/stat");
  std::string line;
  if (!std::getline(file, line)) return std::nullopt;
  // The command name (field 2) is in parentheses and may hold spaces: fields count from after it.
  const size_t close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(close + 2));
  // Fields 3.. of proc(5): state(3) ... utime(14) stime(15) ... num_threads(20) ...
  // starttime(22) vsize(23) rss(24).
  std::string field;
  std::vector<std::string> values;
  while (fields >> field) values.push_back(field);
  constexpr size_t kFirst = 3;
  const auto at = [&](size_t number) -> const std::string& { return values.at(number - kFirst); };
  if (values.size() < 24 - kFirst + 1) return std::nullopt;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const int64_t page = sysconf(_SC_PAGESIZE);
  ProcessStats stats;
  stats.cpu_seconds = (std::stod(at(14)) + std::stod(at(15))) / ticks;
  stats.threads = std::stoll(at(20));
  stats.virtual_bytes = std::stoll(at(23));
  stats.resident_bytes = std::stoll(at(24)) * page;
  // Boot time does not change: read once.
  static const std::optional<int64_t> boot = BootTimeSeconds();
  if (boot) {
    stats.start_time_seconds = static_cast<double>(*boot) + std::stod(at(22)) / ticks;
  }
  std::error_code error;
  for (auto it = std::filesystem::directory_iterator("/proc/self/fd", error);
       !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
    ++stats.open_fds;
  }
  return stats;
}

Status RegisterProcessMetrics(MetricsRegistry* registry) {
  struct Families {
    MetricFamily* resident = nullptr;
    MetricFamily* virtual_memory = nullptr;
    MetricFamily* cpu = nullptr;
    MetricFamily* start = nullptr;
    MetricFamily* open_fds = nullptr;
    MetricFamily* threads = nullptr;
  } f;
  constexpr MetricType kGauge = MetricType::kGauge;
  FLOE_ASSIGN_OR_RAISE(f.resident, registry->Family("process_resident_memory_bytes",
                                                    "Resident memory size in bytes.", kGauge, {}));
  FLOE_ASSIGN_OR_RAISE(f.virtual_memory,
                       registry->Family("process_virtual_memory_bytes",
                                        "Virtual memory size in bytes.", kGauge, {}));
  FLOE_ASSIGN_OR_RAISE(f.cpu, registry->Family("process_cpu_seconds_total",
                                               "User and system CPU time spent in seconds.",
                                               MetricType::kCounter, {}));
  FLOE_ASSIGN_OR_RAISE(
      f.start,
      registry->Family("process_start_time_seconds",
                       "Start time of the process since the epoch in seconds.", kGauge, {}));
  FLOE_ASSIGN_OR_RAISE(
      f.open_fds,
      registry->Family("process_open_fds", "Number of open file descriptors.", kGauge, {}));
  FLOE_ASSIGN_OR_RAISE(
      f.threads,
      registry->Family("process_threads", "Number of threads of the process.", kGauge, {}));
  registry->AddCollector([f] {
    std::optional<ProcessStats> stats = ReadProcessStats();
    if (!stats) return;
    const auto set = [](MetricFamily* family, double value) {
      family->Bind({}, [value] { return value; });
    };
    set(f.resident, static_cast<double>(stats->resident_bytes));
    set(f.virtual_memory, static_cast<double>(stats->virtual_bytes));
    set(f.cpu, stats->cpu_seconds);
    set(f.start, stats->start_time_seconds);
    set(f.open_fds, static_cast<double>(stats->open_fds));
    set(f.threads, static_cast<double>(stats->threads));
  });
  return Status::Ok();
}

}  // namespace floe
