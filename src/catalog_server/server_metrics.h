#pragma once

// The catalog server's Prometheus metrics (GET /metrics): requests by route class and status,
// their latency, table commits and commit conflicts, and the standard process_* families. The
// server records each answered request once, after its response is written.

#include <memory>
#include <string>
#include <string_view>

#include "common/metrics_registry.h"
#include "common/result.h"

namespace floe::catalog_server {

/// What kind of call a request is, from its method and routing path (RoutingPath): a handful of
/// fixed names ("load_table", "commit_table", "management", ...), so that the label set stays
/// small whatever names the requests carry; "unknown" for paths no route serves.
std::string_view RouteClass(std::string_view method, std::string_view path);

/// Thread safety: Record and Scrape may be called from any thread (httplib's workers).
/// Lifetime: owned by CatalogServer; the families live as long as it.
class ServerMetrics {
  struct MakeToken {
    explicit MakeToken() = default;
  };

 public:
  static Result<std::unique_ptr<ServerMetrics>> Make();
  explicit ServerMetrics(MakeToken) {}

  /// Counts one answered request: floe_catalog_requests_total{route,status}, its latency, and
  /// for the commit routes floe_catalog_commits_total (2xx) or
  /// floe_catalog_commit_conflicts_total (409).
  void Record(std::string_view method, std::string_view path, int status, double seconds);
  /// Every family in the Prometheus text format.
  std::string Scrape() const;

 private:
  MetricsRegistry registry_;
  MetricFamily* requests_ = nullptr;
  MetricFamily* latency_ = nullptr;
  MetricFamily* commits_ = nullptr;
  MetricFamily* conflicts_ = nullptr;
};

}  // namespace floe::catalog_server
