// The `window` transform in job files: what it decodes to, and every wrong definition failing
// with FILE:LINE:COL before the job runs.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

#include "job_text.h"
#include "pipeline/job_builder.h"
#include "pipeline/job_loader.h"

namespace floe::pipeline {
namespace {

using job_text::Load;
using job_text::LoadError;

using stream::window::AggregateFunction;
using stream::window::WindowKind;

constexpr std::string_view kJob = R"yaml(job:
  name: readings
sources:
  sensors:
    type: file
    path: in.jsonl
    schema:
      - {name: ts, type: timestamptz}
      - {name: location, type: string}
      - {name: device_id, type: string}
      - {name: temperature, type: double}
    event_time:
      column: ts
      max_out_of_orderness: 10s
      idle_timeout: 1m
transforms:
  - filter: {where: "temperature IS NOT NULL"}
  - window:
      kind: tumble
      size: 1h
      group_by: [location]
      allowed_lateness: 5s
      aggregates:
        reading_count: count(*)
        avg_temp: avg(temperature)
        min_temp: min(temperature)
        max_temp: max(temperature)
        devices: count(distinct device_id)
sinks:
  out: {type: jsonl, path: out.jsonl}
)yaml";

std::string Edit(std::string_view from, std::string_view to) {
  return job_text::Edited(kJob, from, to);
}

TEST(JobLoaderWindowTest, DecodesTheWindow) {
  auto job = LoadJobText(kJob, "job.yaml", {}, {});
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->sources[0].event_time->idle_timeout, std::chrono::minutes(1));
  ASSERT_EQ(job->transforms.size(), 2u);
  const stream::TransformSpec& transform = job->transforms[1];
  ASSERT_EQ(transform.type, stream::TransformType::kWindow);
  const auto& spec = transform.window;
  EXPECT_EQ(spec.kind, WindowKind::kTumble);
  EXPECT_EQ(spec.size_micros, 3600LL * 1000 * 1000);
  EXPECT_EQ(spec.allowed_lateness_micros, 5LL * 1000 * 1000);
  EXPECT_EQ(spec.group_by, std::vector<std::string>{"location"});
  ASSERT_EQ(spec.aggregates.size(), 5u);
  EXPECT_EQ(spec.aggregates[0].name, "reading_count");
  EXPECT_EQ(spec.aggregates[0].function, AggregateFunction::kCountStar);
  EXPECT_EQ(spec.aggregates[4].function, AggregateFunction::kCountDistinct);
  EXPECT_EQ(spec.aggregates[4].column, "device_id");
  EXPECT_EQ(spec.aggregate_labels[1], "job.yaml:25:19: transforms[1].window.aggregates.avg_temp");
}

TEST(JobLoaderWindowTest, WrongDefinitionsNameWhere) {
  EXPECT_EQ(LoadError(Edit("count(*)", "median(temperature)")),
            "job.yaml:24:24: transforms[1].window.aggregates.reading_count: unknown aggregate "
            "'median' at 1:1 (expected count, sum, avg, min, max)");
  EXPECT_EQ(LoadError(Edit("avg(temperature)", "sum(location)")),
            "job.yaml:25:19: transforms[1].window.aggregates.avg_temp: aggregate 'avg_temp': sum "
            "of 'location' (string): sum takes int, long, float, double or decimal");
  EXPECT_EQ(LoadError(Edit("min(temperature)", "min(temprature)")),
            "job.yaml:26:19: transforms[1].window.aggregates.min_temp: aggregate 'min_temp': "
            "unknown column 'temprature' (known: ts, location, device_id, temperature)");
  EXPECT_EQ(LoadError(Edit("kind: tumble\n      size: 1h",
                           "kind: cumulate\n      size: 25m\n"
                           "      step: 10m")),
            "job.yaml:20:13: transforms[1].window.size: a cumulate window's size (25m) must be a "
            "multiple of its step (10m)");
  EXPECT_EQ(LoadError(Edit("kind: tumble", "kind: session\n      gap: 30m")),
            "job.yaml:21:13: transforms[1].window.size: a session window takes no 'size' (a "
            "session ends after 'gap')");
  EXPECT_EQ(LoadError(Edit("kind: tumble", "kind: hop")),
            "job.yaml:19:7: transforms[1].window: a hop window needs 'slide' (how far apart hop "
            "windows start)");
  EXPECT_EQ(LoadError(Edit("kind: tumble", "kind: tumbling")),
            "job.yaml:19:13: transforms[1].window.kind: unknown window kind 'tumbling' (expected "
            "one of: tumble, hop, session, cumulate)");
  EXPECT_EQ(LoadError(Edit("size: 1h", "size: 0s")),
            "job.yaml:20:13: transforms[1].window.size: must be longer than 0s");
  EXPECT_EQ(LoadError(Edit("group_by: [location]", "group_by: [place]")),
            "job.yaml:21:17: transforms[1].window.group_by: group_by: unknown column 'place' "
            "(known: ts, location, device_id, temperature)");
  EXPECT_EQ(LoadError(Edit("    event_time:\n      column: ts\n      max_out_of_orderness: 10s\n"
                           "      idle_timeout: 1m\n",
                           "")),
            "job.yaml:15:7: transforms[1].window: a window needs event time: add event_time "
            "(column, max_out_of_orderness) to source 'sensors'");
  EXPECT_EQ(LoadError(Edit("idle_timeout: 1m", "idle_timeout: soon")),
            "job.yaml:15:21: sources.sensors.event_time.idle_timeout: expected a duration like "
            "30s, got 'soon'");
  EXPECT_EQ(LoadError(Edit("allowed_lateness: 5s", "allowed_latenes: 5s")),
            "job.yaml:22:7: transforms[1].window.allowed_latenes: unknown key 'allowed_latenes' "
            "(did you mean 'allowed_lateness'?)");
}

/// `text` with its sink an Iceberg table in a local catalog.
std::string WithTable(std::string text) {
  const std::string jsonl = "  out: {type: jsonl, path: out.jsonl}";
  text.replace(text.find(jsonl), jsonl.size(),
               "  out: {type: iceberg, catalog: local, table: ns.t}");
  return text + "catalogs:\n  local: {type: sql, warehouse: w}\n";
}

/// The error of planning `text` (which loads), or "" when it plans.
std::string PlanError(const std::string& text) {
  auto job = LoadJobText(text, "job.yaml", {}, {});
  EXPECT_TRUE(job.ok()) << job.status().ToString();
  if (!job.ok()) return "";
  auto plan = PlanJob(*job);
  return plan.ok() ? "" : plan.status().message();
}

TEST(JobLoaderWindowTest, PlanBindsTheWindowAfterTheChain) {
  auto job = LoadJobText(WithTable(std::string(kJob)), "job.yaml", {}, {});
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  auto plan = PlanJob(*job);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  ASSERT_NE(plan->window, nullptr);
  EXPECT_EQ(plan->window_state_name, "window.1");
  std::vector<std::string> names;
  for (const auto& field : plan->output_schema->fields()) names.push_back(field.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"window_start", "window_end", "location", "reading_count",
                                      "avg_temp", "min_temp", "max_temp", "devices"}));
  EXPECT_EQ(plan->output_schema->fields()[0].type->id(), iceberg::TypeId::kTimestampTz);
  EXPECT_EQ(plan->output_schema->fields()[3].type->id(), iceberg::TypeId::kLong);
  EXPECT_EQ(plan->output_schema->fields()[4].type->id(), iceberg::TypeId::kDouble);

  EXPECT_EQ(PlanError(std::string(kJob)),
            "job.yaml:18:5: transforms[1]: a window step needs an iceberg sink: its open windows "
            "are state that commits with the table's snapshots");
  // After a project, the window binds to the project's output: errors name the step.
  EXPECT_EQ(PlanError(WithTable(Edit("  - filter: {where: \"temperature IS NOT NULL\"}",
                                     "  - project: {drop: [device_id]}"))),
            "job.yaml:18:5: transforms[1]: aggregate 'devices': unknown column 'device_id' "
            "(known: ts, location, temperature)");
}

TEST(JobLoaderWindowTest, ParallelismShardsTheWindow) {
  // A window job with job.parallelism N (a file source too): one worker, N window shards.
  auto job = LoadJobText(WithTable(Edit("  name: readings", "  name: readings\n  parallelism: 3")),
                         "job.yaml", {}, {});
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  auto plan = PlanJob(*job);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(plan->workers, 1);
  EXPECT_EQ(plan->window_shards, 3u);
  // Without a window, a file's ranges are prepared on 3 threads instead (lanes).
  std::string no_window = WithTable(Edit("  name: readings", "  name: readings\n  parallelism: 3"));
  no_window.erase(no_window.find("  - window:"),
                  no_window.find("sinks:") - no_window.find("  - window:"));
  auto loaded = LoadJobText(no_window, "job.yaml", {}, {});
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  auto planned = PlanJob(*loaded);
  ASSERT_TRUE(planned.ok()) << planned.status().ToString();
  EXPECT_EQ(planned->lanes, 3);
  EXPECT_EQ(planned->window_shards, 1u);
}

/// `text` reading Kafka topic `readings` instead of the file.
std::string WithKafka(const std::string& text) {
  return job_text::Edited(text, "    type: file\n    path: in.jsonl\n",
                          "    type: kafka\n    properties: {topics: readings, "
                          "bootstrap.servers: 127.0.0.1:9}\n");
}

TEST(JobLoaderWindowTest, InputKeyedByKeepsStatePerPartition) {
  const std::string keyed = Edit("      group_by: [location]",
                                 "      group_by: [location]\n      input_keyed_by: [location]");
  auto job = LoadJobText(WithTable(WithKafka(keyed)), "job.yaml", {}, {});
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->transforms[1].window.input_keyed_by, std::vector<std::string>{"location"});
  auto plan = PlanJob(*job);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_TRUE(plan->window_per_partition);
  EXPECT_EQ(plan->window_shards, 1u);
  // Not declared: one worker holds every partition's rows in one state.
  auto unkeyed = LoadJobText(WithTable(WithKafka(std::string(kJob))), "job.yaml", {}, {});
  ASSERT_TRUE(unkeyed.ok()) << unkeyed.status().ToString();
  auto one = PlanJob(*unkeyed);
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_FALSE(one->window_per_partition);
  EXPECT_EQ(one->workers, 1);

  EXPECT_EQ(LoadError(WithKafka(Edit("      group_by: [location]",
                                     "      group_by: [location]\n"
                                     "      input_keyed_by: [device_id]"))),
            "job.yaml:22:24: transforms[1].window.input_keyed_by[0]: 'device_id' is not in "
            "group_by (location): a window's input can only be keyed by its group keys");
  EXPECT_EQ(LoadError(WithKafka(Edit("      group_by: [location]",
                                     "      group_by: [location]\n"
                                     "      input_keyed_by: [location, location]"))),
            "job.yaml:22:34: transforms[1].window.input_keyed_by[1]: 'location' is listed twice");
  EXPECT_EQ(LoadError(WithKafka(Edit("      group_by: [location]",
                                     "      group_by: [location]\n      input_keyed_by: []"))),
            "job.yaml:22:23: transforms[1].window.input_keyed_by: an empty list: name the "
            "group_by columns the input's Kafka key holds, or leave input_keyed_by out");
  EXPECT_EQ(LoadError(keyed),
            "job.yaml:22:23: transforms[1].window.input_keyed_by: source 'sensors' is a file: "
            "input_keyed_by describes the key of a kafka source's partitions");
}

TEST(JobLoaderWindowTest, RepartitionSpreadsTheKeysThroughATopicOfTheGroup) {
  const std::string text =
      Edit("      group_by: [location]", "      group_by: [location]\n      repartition: true");
  auto job = LoadJobText(WithTable(WithKafka(text)), "job.yaml", {}, {});
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_TRUE(job->transforms[1].window.repartition);
  auto plan = PlanJob(*job);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_TRUE(plan->repartition);
  EXPECT_TRUE(plan->window_per_partition);
  // Named after the consumer group: the job's name unless group.id says otherwise.
  EXPECT_EQ(plan->repartition_topic,
            fmt::format("{}.window.1.repartition", plan->consumer.group_id));
  EXPECT_EQ(plan->consumer.group_id, job->name);

  EXPECT_EQ(LoadError(text),
            "job.yaml:22:20: transforms[1].window.repartition: source 'sensors' is a file: a "
            "repartition topic spreads a kafka source's keys over the processes of its group");
  EXPECT_EQ(LoadError(WithKafka(Edit("      group_by: [location]",
                                     "      group_by: [location]\n"
                                     "      input_keyed_by: [location]\n      repartition: true"))),
            "job.yaml:23:20: transforms[1].window.repartition: an input keyed by the group key "
            "(input_keyed_by) needs no repartition topic");
  EXPECT_EQ(
      LoadError(WithKafka(Edit("      group_by: [location]",
                               "      group_by: [location]\n      repartition: yes please"))),
      "job.yaml:22:20: transforms[1].window.repartition: expected true or false, got 'yes please'");
}

}  // namespace
}  // namespace floe::pipeline
