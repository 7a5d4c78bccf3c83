#include "http/job_http_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "common/clock.h"
#include "http/job_metrics.h"
#include "stream/job_counters.h"

namespace floe::http {
namespace {

using nlohmann::json;

stream::JobDescription Description() {
  stream::JobDescription d;
  d.name = "orders \"eu\"";
  d.source = {"in", "kafka", "topics orders"};
  d.transforms = {{"filter", "filter", "amount > 0"}};
  d.sinks = {{"lake", "iceberg", "table db.orders in catalog 'local'"},
             {"dead_letter", "dead_letter", "table db.bad"}};
  d.workers = 2;
  d.checkpoint_interval_ms = 1000;
  return d;
}

/// A job's telemetry and a server for it on a free loopback port.
class JobHttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    counters_.written["lake"] = 0;
    counters_.written["dead_letter"] = 0;
    telemetry_ = std::make_unique<stream::JobTelemetry>(Description(), &counters_, 2);
    ASSERT_TRUE(RegisterJobMetrics(*telemetry_, &registry_).ok());
    auto server = JobHttpServer::Start(ListenAddress{"127.0.0.1", 0}, telemetry_.get(), &registry_);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(server).value();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }

  httplib::Result Get(const std::string& path) { return client_->Get(path); }

  stream::JobCounters counters_;
  std::unique_ptr<stream::JobTelemetry> telemetry_;
  MetricsRegistry registry_;
  std::unique_ptr<JobHttpServer> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(JobHttpServerTest, MetricsShowTheCountersTheJobRecorded) {
  counters_.records_in = 1000;
  counters_.filtered_out = 600;
  counters_.passed = 397;
  counters_.dead_lettered = 3;
  counters_.written["lake"] = 397;
  for (int i = 0; i < 2; ++i) {
    telemetry_->RecordDeadLetter(
        {NowMillis(), stream::DeadLetterType::kDeserialization, "bad", "t/0@1"});
  }
  telemetry_->RecordDeadLetter(
      {NowMillis(), stream::DeadLetterType::kTransformation, "x/0", "t/1@5"});
  telemetry_->RecordCheckpoint({1, 0, NowMillis(), 0.2, true, "", 397, 2, 4096});
  telemetry_->RecordCheckpoint({2, 0, NowMillis(), 3.0, false, "catalog down", 0, 0, 0});
  telemetry_->RecordCommit({"lake", 1, NowMillis(), 1234567890123456789, 397, 2, 4096, 3, 1});
  telemetry_->UpdateWorker(
      0, {{{"orders", 0}, 0, 700, 1000}, {{"orders", 1}, 0, 300, std::nullopt}}, 1700000000000000);
  telemetry_->UpdateWorker(1, {{{"orders", 2}, 1, 50, 50}}, 1600000000000000);

  auto res = Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = res->body;
  const std::string job = "job=\"orders \\\"eu\\\"\"";
  for (const std::string& line :
       {"floe_records_in_total{" + job + "} 1000",
        "floe_records_filtered_total{" + job + "} 600",
        "floe_records_passed_total{" + job + "} 397",
        "floe_dead_letters_total{" + job + ",error_type=\"deserialization_error\"} 2",
        "floe_dead_letters_total{" + job + ",error_type=\"transformation_error\"} 1",
        "floe_dead_letters_total{" + job + ",error_type=\"validation_error\"} 0",
        "floe_sink_rows_written_total{" + job + ",sink=\"lake\"} 397",
        "floe_sink_rows_committed_total{" + job + ",sink=\"lake\"} 397",
        "floe_sink_files_committed_total{" + job + ",sink=\"lake\"} 2",
        "floe_checkpoints_total{" + job + ",outcome=\"ok\"} 1",
        "floe_checkpoints_total{" + job + ",outcome=\"failed\"} 1",
        "floe_checkpoint_duration_seconds_bucket{" + job + ",le=\"0.25\"} 1",
        "floe_checkpoint_duration_seconds_count{" + job + "} 2",
        "floe_commit_retries_total{" + job + "} 2",
        "floe_commit_conflicts_total{" + job + "} 1",
        "floe_watermark_timestamp_seconds{" + job + "} 1600000000",
        "floe_kafka_consumer_lag{" + job + ",topic=\"orders\",partition=\"0\"} 300",
        "floe_kafka_consumer_lag{" + job + ",topic=\"orders\",partition=\"2\"} 0",
        "floe_source_next_offset{" + job + ",topic=\"orders\",partition=\"1\"} 300",
        "floe_job_healthy{" + job + "} 0"}) {
    EXPECT_NE(text.find(line + "\n"), std::string::npos) << line << "\n" << text;
  }
  // A partition whose end is unknown has no lag (not a made-up 0).
  EXPECT_EQ(text.find("floe_kafka_consumer_lag{" + job + ",topic=\"orders\",partition=\"1\"}"),
            std::string::npos);
  EXPECT_TRUE(std::regex_search(text, std::regex("\nprocess_resident_memory_bytes [1-9][0-9]*\n")));
  EXPECT_TRUE(std::regex_search(text, std::regex("\nprocess_cpu_seconds_total [0-9.e+-]+\n")));

  // A rebalance takes partition 2 away from worker 1: its series goes.
  telemetry_->UpdateWorker(1, {}, std::nullopt);
  auto again = Get("/metrics");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->body.find("partition=\"2\""), std::string::npos);
  EXPECT_NE(again->body.find("floe_watermark_timestamp_seconds{" + job + "} 1700000000\n"),
            std::string::npos);
}

TEST_F(JobHttpServerTest, HealthFollowsStateAndFailedCheckpoints) {
  auto res = Get("/health");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(json::parse(res->body)["status"], "DOWN");
  telemetry_->SetState(stream::JobState::kRunning);
  res = Get("/health");
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(json::parse(res->body)["status"], "UP");
  // Two failures in a row make it unhealthy (this telemetry's threshold), one is not enough.
  telemetry_->RecordCheckpoint(
      {1, 0, NowMillis(), 0.1, false, "sink 'lake': connection refused", 0, 0, 0});
  EXPECT_EQ(Get("/health")->status, 200);
  telemetry_->RecordCheckpoint(
      {2, 0, NowMillis(), 0.1, false, "sink 'lake': connection refused", 0, 0, 0});
  res = Get("/health");
  EXPECT_EQ(res->status, 503);
  const std::string reason = json::parse(res->body)["reason"];
  EXPECT_NE(reason.find("last 2 checkpoint(s) failed"), std::string::npos) << reason;
  EXPECT_NE(reason.find("connection refused"), std::string::npos) << reason;
  telemetry_->RecordCheckpoint({3, 0, NowMillis(), 0.1, true, "", 0, 0, 0});
  EXPECT_EQ(Get("/health")->status, 200);
  telemetry_->SetState(stream::JobState::kFailed, "sink 'lake': gone");
  res = Get("/health");
  EXPECT_EQ(res->status, 503);
  EXPECT_NE(res->body.find("sink 'lake': gone"), std::string::npos);
}

TEST_F(JobHttpServerTest, ApiJobDescribesTheJob) {
  telemetry_->SetState(stream::JobState::kRunning);
  counters_.records_in = 10;
  telemetry_->RecordCommit({"lake", 7, 1700000000123, 1234567890123456789, 10, 1, 900, 1});
  telemetry_->RecordCheckpoint({7, 1, 1700000000000, 0.123, true, "", 10, 1, 900});
  telemetry_->RecordDeadLetter({1700000000001, stream::DeadLetterType::kValidation,
                                "column amount: not a number", "orders/0@17"});
  telemetry_->UpdateWorker(0, {{{"orders", 0}, 0, 5, 9}}, std::nullopt);
  auto res = Get("/api/job");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  json body = json::parse(res->body);
  EXPECT_EQ(body["job"], "orders \"eu\"");
  EXPECT_EQ(body["status"], "running");
  EXPECT_EQ(body["config"]["source"]["kind"], "kafka");
  EXPECT_EQ(body["config"]["workers"], 2);
  EXPECT_EQ(body["counters"]["records_in"], 10);
  EXPECT_EQ(body["sinks"][0]["name"], "lake");
  EXPECT_EQ(body["sinks"][0]["last_commit"]["snapshot_id"], "1234567890123456789");
  EXPECT_EQ(body["sinks"][0]["rows_committed"], 10);
  EXPECT_TRUE(body["sinks"][1]["last_commit"].is_null());
  EXPECT_EQ(body["checkpoints"]["history"][0]["id"], 7);
  EXPECT_DOUBLE_EQ(body["checkpoints"]["history"][0]["duration_seconds"].get<double>(), 0.123);
  EXPECT_EQ(body["checkpoints"]["last_success_ms"], 1700000000123);
  EXPECT_EQ(body["dead_letters"]["by_type"]["validation_error"], 1);
  EXPECT_EQ(body["dead_letters"]["latest"][0]["source"], "orders/0@17");
  EXPECT_EQ(body["partitions"][0]["lag"], 4);
  EXPECT_TRUE(body["watermark"]["micros"].is_null());
}

TEST_F(JobHttpServerTest, DashboardIsOnePageThatLoadsNothingFromElsewhere) {
  auto res = Get("/");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(res->get_header_value("Content-Security-Policy").find("default-src 'self'"),
            std::string::npos);
  EXPECT_NE(res->body.find("</html>"), std::string::npos);
  // No scheme-qualified or protocol-relative address anywhere in the page.
  EXPECT_FALSE(std::regex_search(res->body, std::regex(R"((https?:)?//[a-zA-Z0-9])")));
  auto missing = Get("/nope");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 404);
  EXPECT_NE(missing->body.find("/metrics"), std::string::npos);
}

TEST_F(JobHttpServerTest, StopIsIdempotentAndABusyPortIsAnError) {
  auto second = JobHttpServer::Start({"127.0.0.1", server_->port()}, telemetry_.get(), &registry_);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().kind(), ErrorKind::kIoError);
  EXPECT_NE(second.status().message().find(std::to_string(server_->port())), std::string::npos);
  server_->Stop();
  server_->Stop();
  EXPECT_FALSE(Get("/health"));
}

}  // namespace
}  // namespace floe::http
