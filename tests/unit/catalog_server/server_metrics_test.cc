// The catalog server's metrics: route classes from method and routing path, and the counts a
// scrape shows after known requests.

#include "catalog_server/server_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace floe::catalog_server {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(RouteClassTest, NamesEachKindOfCall) {
  const std::string t = "/api/catalog/v1/wh/namespaces/a%1Fb/tables/t";
  EXPECT_EQ(RouteClass("GET", t), "load_table");
  EXPECT_EQ(RouteClass("HEAD", t), "load_table");
  EXPECT_EQ(RouteClass("POST", t), "commit_table");
  EXPECT_EQ(RouteClass("DELETE", t), "drop_table");
  EXPECT_EQ(RouteClass("PUT", t), "unknown");
  EXPECT_EQ(RouteClass("POST", t + "/metrics"), "report_metrics");
  // A name holding an escaped '/' stays one segment.
  EXPECT_EQ(RouteClass("GET", "/api/catalog/v1/wh/namespaces/new%2Fdb/tables/tab%2Fle"),
            "load_table");
  EXPECT_EQ(RouteClass("GET", "/api/catalog/v1/wh/namespaces"), "namespaces");
  EXPECT_EQ(RouteClass("GET", "/api/catalog/v1/wh/namespaces/a"), "namespace");
  EXPECT_EQ(RouteClass("POST", "/api/catalog/v1/wh/namespaces/a/properties"), "namespace");
  EXPECT_EQ(RouteClass("POST", "/api/catalog/v1/wh/namespaces/a/tables"), "tables");
  EXPECT_EQ(RouteClass("POST", "/api/catalog/v1/wh/namespaces/a/register"), "register_table");
  EXPECT_EQ(RouteClass("POST", "/api/catalog/v1/wh/tables/rename"), "rename_table");
  EXPECT_EQ(RouteClass("POST", "/api/catalog/v1/wh/transactions/commit"), "commit_transaction");
  EXPECT_EQ(RouteClass("GET", "/api/catalog/v1/config"), "config");
  EXPECT_EQ(RouteClass("POST", "/api/catalog/v1/oauth/tokens"), "oauth_tokens");
  EXPECT_EQ(RouteClass("GET", "/api/management/v1/catalogs"), "management");
  EXPECT_EQ(RouteClass("GET", "/q/health/ready"), "health");
  EXPECT_EQ(RouteClass("GET", "/healthz"), "health");
  EXPECT_EQ(RouteClass("GET", "/metrics"), "metrics");
  EXPECT_EQ(RouteClass("GET", "/"), "unknown");
  EXPECT_EQ(RouteClass("GET", "/api/catalog/v1/wh/namespaces/a/views/v"), "unknown");
  EXPECT_EQ(RouteClass("GET", "/api/other/v1/x"), "unknown");
}

TEST(ServerMetricsTest, CountsRequestsCommitsAndConflicts) {
  auto metrics = ServerMetrics::Make();
  ASSERT_TRUE(metrics.ok()) << metrics.status().ToString();
  const std::string t = "/api/catalog/v1/wh/namespaces/db/tables/t";
  (*metrics)->Record("POST", t, 200, 0.003);
  (*metrics)->Record("POST", t, 200, 0.004);
  (*metrics)->Record("POST", t, 409, 0.002);
  (*metrics)->Record("GET", t, 200, 0.0004);
  (*metrics)->Record("POST", "/api/catalog/v1/wh/transactions/commit", 204, 0.01);
  const std::string text = (*metrics)->Scrape();
  EXPECT_THAT(text,
              HasSubstr("floe_catalog_requests_total{route=\"commit_table\",status=\"200\"} 2\n"));
  EXPECT_THAT(text,
              HasSubstr("floe_catalog_requests_total{route=\"commit_table\",status=\"409\"} 1\n"));
  EXPECT_THAT(text,
              HasSubstr("floe_catalog_requests_total{route=\"load_table\",status=\"200\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("floe_catalog_commits_total{route=\"commit_table\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("floe_catalog_commits_total{route=\"commit_transaction\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("floe_catalog_commit_conflicts_total{route=\"commit_table\"} 1\n"));
  EXPECT_THAT(text,
              Not(HasSubstr("floe_catalog_commit_conflicts_total{route=\"commit_transaction\"}")));
  EXPECT_THAT(text,
              HasSubstr("floe_catalog_request_duration_seconds_count{route=\"commit_table\"} 3\n"));
  EXPECT_THAT(
      text,
      HasSubstr(
          "floe_catalog_request_duration_seconds_bucket{route=\"load_table\",le=\"0.0005\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("floe_catalog_request_duration_seconds_bucket{route=\"commit_table\","
                              "le=\"0.0025\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE process_resident_memory_bytes gauge"));
}

}  // namespace
}  // namespace floe::catalog_server
