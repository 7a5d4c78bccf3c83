#include "common/fault.h"

#include <atomic>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

namespace floe {

namespace {

struct FaultPlan {
  std::string point;  // empty: no fault planned
  long hit = 1;       // the hit that kills
  std::atomic<long> hits{0};
};

FaultPlan& Plan() {
  static FaultPlan plan;
  static std::once_flag parsed;
  std::call_once(parsed, [] {
    const char* value = std::getenv("FLOE_FAULT");
    if (value == nullptr || *value == '\0') return;
    std::string_view text(value);
    const size_t colon = text.find(':');
    plan.point = std::string(text.substr(0, colon));
    if (colon != std::string_view::npos) {
      std::string_view number = text.substr(colon + 1);
      long hit = 0;
      auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), hit);
      if (error != std::errc() || end != number.data() + number.size() || hit < 1) {
        std::fprintf(stderr, "floe: FLOE_FAULT=%s: expected POINT[:N] with N >= 1\n", value);
        std::_Exit(2);
      }
      plan.hit = hit;
    }
  });
  return plan;
}

}  // namespace

void FaultPoint(std::string_view point) {
  FaultPlan& plan = Plan();
  if (plan.point.empty() || plan.point != point) return;
  if (plan.hits.fetch_add(1) + 1 != plan.hit) return;
  std::fprintf(stderr, "floe: FLOE_FAULT: killing the process at %.*s (hit %ld)\n",
               static_cast<int>(point.size()), point.data(), plan.hit);
  std::fflush(stderr);
  std::raise(SIGKILL);
}

}  // namespace floe
