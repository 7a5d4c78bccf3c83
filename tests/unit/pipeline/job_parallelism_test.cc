// How many threads a planned job gets (issue 18): job.parallelism, else the number of cores, for
// files (lanes preparing the file's ranges) and Kafka (workers); jobs whose rows must pass one
// thread in order (an upsert sink, a change stream) stay at one and say why; a window job reads
// on one thread and spreads its keys over shards.

#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "pipeline/job_builder.h"
#include "pipeline/job_loader.h"

namespace floe::pipeline {
namespace {

constexpr std::string_view kFileJob = R"yaml(job:
  name: seed
catalogs:
  local: {type: sql, warehouse: w}
sources:
  messages:
    type: file
    path: in.jsonl
    schema:
      - {name: id, type: string}
      - {name: body, type: string}
      - {name: ts, type: timestamptz}
    event_time: {column: ts, max_out_of_orderness: 10s}
transforms:
  - filter: {where: "lower(body) LIKE '%gun%'"}
sinks:
  table: {type: iceberg, catalog: local, table: ns.t}
)yaml";

int Cores() {
  const unsigned cores = std::thread::hardware_concurrency();
  return cores > 0 ? static_cast<int>(cores) : 1;
}

std::string Replace(std::string text, std::string_view from, std::string_view to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

/// Plans `text` with `overrides` (path=value); fails the test when it does not plan.
struct Planned {
  JobConfig config;
  JobPlan plan;
};
std::unique_ptr<Planned> Plan(const std::string& text, std::vector<std::string> overrides = {}) {
  auto job = LoadJobText(text, "job.yaml", overrides, {});
  EXPECT_TRUE(job.ok()) << job.status().ToString();
  if (!job.ok()) return nullptr;
  auto planned = std::make_unique<Planned>();
  planned->config = std::move(job).value();
  auto plan = PlanJob(planned->config);
  EXPECT_TRUE(plan.ok()) << plan.status().ToString();
  if (!plan.ok()) return nullptr;
  planned->plan = std::move(plan).value();
  return planned;
}

TEST(JobParallelismTest, AFileJobUsesEveryCoreUnlessTold) {
  auto planned = Plan(std::string(kFileJob));
  ASSERT_NE(planned, nullptr);
  EXPECT_EQ(planned->plan.workers, 1);
  EXPECT_EQ(planned->plan.lanes, Cores());
  EXPECT_EQ(planned->plan.parallelism_note, "");
  planned = Plan(std::string(kFileJob), {"job.parallelism=3"});
  ASSERT_NE(planned, nullptr);
  EXPECT_EQ(planned->plan.lanes, 3);
  EXPECT_EQ(planned->plan.workers, 1);
  // The table's encoding threads follow, unless the sink sets its own.
  EXPECT_EQ(
      IcebergSinkOptionsFor(planned->config, planned->config.sinks[0], "table", planned->plan.lanes)
          .write_parallelism,
      3);
  planned = Plan(std::string(kFileJob), {"job.parallelism=3", "sinks.table.write_parallelism=1"});
  ASSERT_NE(planned, nullptr);
  EXPECT_EQ(
      IcebergSinkOptionsFor(planned->config, planned->config.sinks[0], "table", planned->plan.lanes)
          .write_parallelism,
      1);
  planned = Plan(std::string(kFileJob), {"job.parallelism=1"});
  ASSERT_NE(planned, nullptr);
  EXPECT_EQ(planned->plan.lanes, 1);
}

TEST(JobParallelismTest, AWindowJobReadsOnOneThreadAndShardsItsKeys) {
  const std::string window =
      Replace(std::string(kFileJob), "  - filter: {where: \"lower(body) LIKE '%gun%'\"}\n",
              "  - window:\n      kind: tumble\n      size: 1m\n"
              "      aggregates: {n: count(*)}\n");
  auto planned = Plan(window, {"job.parallelism=2"});
  ASSERT_NE(planned, nullptr);
  EXPECT_EQ(planned->plan.lanes, 1);
  EXPECT_EQ(planned->plan.workers, 1);
  EXPECT_EQ(planned->plan.window_shards, 2u);
  EXPECT_EQ(planned->plan.parallelism_note, "");
  planned = Plan(window);
  ASSERT_NE(planned, nullptr);
  EXPECT_EQ(planned->plan.window_shards, static_cast<size_t>(Cores()));
}

TEST(JobParallelismTest, UpsertJobsStayOnOneThreadAndSayWhy) {
  std::unique_ptr<Planned> planned;

  const std::string upsert =
      Replace(Replace(std::string(kFileJob), "table: {type: iceberg, catalog: local, table: ns.t}",
                      "table: {type: iceberg, catalog: local, table: ns.t, mode: upsert, "
                      "primary_key: [id]}"),
              "    path: in.jsonl\n", "    path: in.jsonl\n    format: debezium-json\n");
  planned = Plan(upsert, {"job.parallelism=4"});
  ASSERT_NE(planned, nullptr);
  EXPECT_EQ(planned->plan.lanes, 1);
  EXPECT_EQ(planned->plan.parallelism_note,
            "one thread instead of 4: upsert sink 'table' sees every row in order (routing rows "
            "by key to several threads is not implemented)");
}

TEST(JobParallelismTest, AKafkaJobRunsAWorkerPerCoreUnlessItsSinksNeedOne) {
  const std::string kafka =
      Replace(std::string(kFileJob), "    type: file\n    path: in.jsonl\n",
              "    type: kafka\n    properties: {topics: t, bootstrap.servers: "
              "127.0.0.1:1}\n");
  auto planned = Plan(kafka);
  ASSERT_NE(planned, nullptr);
  EXPECT_EQ(planned->plan.workers, Cores());
  EXPECT_EQ(planned->plan.lanes, 1);
  const std::string with_jsonl = kafka + "  out: {type: jsonl, path: out.jsonl}\n";
  planned = Plan(with_jsonl);
  ASSERT_NE(planned, nullptr);
  EXPECT_EQ(planned->plan.workers, 1);
  if (Cores() > 1) {
    EXPECT_NE(planned->plan.parallelism_note.find("a jsonl sink (one writer)"), std::string::npos);
  }
  // Asked for explicitly, a jsonl sink with several workers is still refused.
  auto job = LoadJobText(with_jsonl, "job.yaml", {"job.parallelism=2"}, {});
  ASSERT_TRUE(job.ok());
  auto plan = PlanJob(*job);
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.status().message().find("a jsonl file takes one writer"), std::string::npos);
}

}  // namespace
}  // namespace floe::pipeline
