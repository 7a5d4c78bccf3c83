#include "catalog_server/server_metrics.h"

#include <vector>

#include "common/metrics_text.h"
#include "common/process_stats.h"

namespace floe::catalog_server {

namespace {

constexpr int kHttpConflict = 409;

/// Request latency buckets, in seconds: a load answers in about a millisecond, a commit that
/// writes a metadata file and swaps it in a few, one that waits on a busy database much longer.
const std::vector<double>& LatencyBounds() {
  static const std::vector<double> bounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                             0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return bounds;
}

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

/// The class of a path under /api/catalog/v1/{prefix}/: `rest` starts at the prefix.
std::string_view CatalogRouteClass(std::string_view method,
                                   const std::vector<std::string_view>& rest) {
  if (rest.size() == 3 && rest[1] == "tables" && rest[2] == "rename") return "rename_table";
  if (rest.size() == 3 && rest[1] == "transactions" && rest[2] == "commit") {
    return "commit_transaction";
  }
  if (rest.size() < 2 || rest[1] != "namespaces") return "unknown";
  if (rest.size() == 2) return "namespaces";
  if (rest.size() == 3) return "namespace";
  if (rest.size() == 4) {
    if (rest[3] == "properties") return "namespace";
    if (rest[3] == "tables") return "tables";
    if (rest[3] == "register") return "register_table";
    return "unknown";
  }
  if (rest[3] != "tables") return "unknown";
  if (rest.size() == 5) {
    if (method == "GET" || method == "HEAD") return "load_table";
    if (method == "POST") return "commit_table";
    if (method == "DELETE") return "drop_table";
    return "unknown";
  }
  if (rest.size() == 6 && rest[5] == "metrics") return "report_metrics";
  return "unknown";
}

}  // namespace

std::string_view RouteClass(std::string_view method, std::string_view path) {
  if (path == "/metrics") return "metrics";
  if (path == "/healthz" || path == "/q/health" || path.starts_with("/q/health/")) return "health";
  const std::vector<std::string_view> segments = Segments(path);
  if (segments.size() >= 3 && segments[0] == "api" && segments[2] == "v1") {
    if (segments[1] == "management") return "management";
    if (segments[1] != "catalog") return "unknown";
    const std::vector<std::string_view> rest(segments.begin() + 3, segments.end());
    if (rest.size() == 1 && rest[0] == "config") return "config";
    if (rest.size() == 2 && rest[0] == "oauth" && rest[1] == "tokens") return "oauth_tokens";
    return CatalogRouteClass(method, rest);
  }
  return "unknown";
}

Result<std::unique_ptr<ServerMetrics>> ServerMetrics::Make() {
  auto metrics = std::make_unique<ServerMetrics>(MakeToken{});
  MetricsRegistry& registry = metrics->registry_;
  FLOE_ASSIGN_OR_RAISE(metrics->requests_,
                       registry.Family("floe_catalog_requests_total",
                                       "Requests answered, by route class and HTTP status.",
                                       MetricType::kCounter, {"route", "status"}));
  FLOE_ASSIGN_OR_RAISE(
      metrics->latency_,
      registry.Family("floe_catalog_request_duration_seconds",
                      "Time from routing a request to writing its answer, by route class.",
                      MetricType::kHistogram, {"route"}, LatencyBounds()));
  FLOE_ASSIGN_OR_RAISE(metrics->commits_,
                       registry.Family("floe_catalog_commits_total",
                                       "Table commits and multi-table transactions that succeeded.",
                                       MetricType::kCounter, {"route"}));
  FLOE_ASSIGN_OR_RAISE(metrics->conflicts_,
                       registry.Family("floe_catalog_commit_conflicts_total",
                                       "Commits refused with 409: a requirement no longer held.",
                                       MetricType::kCounter, {"route"}));
  FLOE_RETURN_IF_ERROR(RegisterProcessMetrics(&registry));
  return metrics;
}

void ServerMetrics::Record(std::string_view method, std::string_view path, int status,
                           double seconds) {
  const std::string route(RouteClass(method, path));
  requests_->CounterAt({route, std::to_string(status)}).Add();
  latency_->HistogramAt({route}).Observe(seconds);
  if (route != "commit_table" && route != "commit_transaction") return;
  if (status >= 200 && status < 300) commits_->CounterAt({route}).Add();
  if (status == kHttpConflict) conflicts_->CounterAt({route}).Add();
}

std::string ServerMetrics::Scrape() const { return FormatPrometheusText(registry_.Read()); }

}  // namespace floe::catalog_server
