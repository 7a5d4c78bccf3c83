#include "pipeline/job.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "pipeline/job_loader.h"

namespace floe::pipeline {
namespace {

using ::testing::HasSubstr;

constexpr std::string_view kJob = R"(job:
  name: unit
catalogs:
  local: {type: sql, warehouse: "${DIR}/warehouse"}
sources:
  s:
    type: file
    path: "${DIR}/in.jsonl"
    format: json
    schema:
      - {name: body, type: string}
      - {name: n, type: string}
transforms:
  - filter: {where: "CAST(n AS long) > 1"}
sinks:
  out: {type: jsonl, path: "${DIR}/out.jsonl"}
dead_letter: {type: iceberg, catalog: local, table: ns.dead, create_if_missing: true}
)";

class RunJobTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("floe-run-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  void Append(std::string_view text) {
    std::ofstream file(dir_ / "in.jsonl", std::ios::app | std::ios::binary);
    file << text;
  }

  Result<RunCounters> Run() {
    Environment environment{{"DIR", dir_.string()}};
    auto config = LoadJobText(kJob, "job.yaml", {}, environment);
    if (!config.ok()) return config.status();
    std::ostringstream out;
    std::ostringstream err;
    return RunJob(*config, out, err);
  }

  int OutputLines() {
    std::ifstream file(dir_ / "out.jsonl");
    int lines = 0;
    for (std::string line; std::getline(file, line);) ++lines;
    return lines;
  }

  std::filesystem::path dir_;
};

TEST_F(RunJobTest, FiltersDeadLettersAndResumesAfterCommittedLines) {
  Append(
      "{\"body\":\"a\",\"n\":\"2\"}\n"  // kept
      "{\"body\":\"b\",\"n\":\"1\"}\n"  // filtered out
      "not json\n"                      // deserialization_error
      "\n"                              // blank: no record
      "{\"body\":\"c\",\"n\":\"x\"}\n"  // CAST fails: transformation_error
      "{\"body\":\"d\",\"n\":7}\n"      // wrong type: validation_error
      "{\"body\":\"e\",\"n\":\"3\"}");  // kept, no final newline
  auto first = Run();
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->records_in, 6);
  EXPECT_EQ(first->passed, 2);
  EXPECT_EQ(first->filtered_out, 1);
  EXPECT_EQ(first->dead_lettered, 3);
  EXPECT_EQ(first->written.at("out"), 2);
  EXPECT_EQ(first->written.at("dead_letter"), 3);
  EXPECT_EQ(OutputLines(), 2);

  auto again = Run();
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->records_in, 0);
  EXPECT_EQ(again->skipped_lines, 7);
  EXPECT_EQ(OutputLines(), 2);

  Append("\n{\"body\":\"f\",\"n\":\"5\"}\n");
  auto more = Run();
  ASSERT_TRUE(more.ok()) << more.status().ToString();
  EXPECT_EQ(more->records_in, 1);
  EXPECT_EQ(more->written.at("out"), 1);
  EXPECT_EQ(OutputLines(), 3);
}

TEST_F(RunJobTest, UnknownColumnIsRejectedBeforeRunning) {
  Environment environment{{"DIR", dir_.string()}};
  std::string text(kJob);
  text.replace(text.find("CAST(n"), 6, "CAST(m");
  auto config = LoadJobText(text, "job.yaml", {}, environment);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  std::ostringstream out;
  std::ostringstream err;
  auto result = RunJob(*config, out, err);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().kind(), ErrorKind::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("job.yaml:14:"));
  EXPECT_THAT(result.status().message(), HasSubstr("unknown column 'm' at 1:6"));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "warehouse"));
}

constexpr std::string_view kEnrichJob = R"yaml(job:
  name: enrich
  checkpoint: {interval: 1ms}
catalogs:
  local: {type: sql, warehouse: "${DIR}/warehouse"}
sources:
  s:
    type: file
    path: "${DIR}/part-*.jsonl"
    format: json
    schema:
      - {name: body, type: string}
      - {name: ts, type: timestamptz}
      - {name: line, type: long, metadata: offset}
      - {name: file, type: string, metadata: topic}
    event_time: {column: ts, max_out_of_orderness: 10s}
transforms:
  - filter: {where: "body LIKE '%gun%'"}
  - enrich:
      add: {loud: "upper(body)"
}
      rename: {body: message}
      drop: [file]
sinks:
  out: {type: jsonl, path: "${DIR}/out.jsonl"}
  table: {type: iceberg, catalog: local, table: ns.enriched, create_if_missing: true}
)yaml";

TEST_F(RunJobTest, GlobEnrichMetadataColumnsAndLateRows) {
  std::ofstream(dir_ / "part-1.jsonl")
      << "{\"body\":\"gun 1\",\"ts\":\"2025-09-11T09:00:30Z\"}\n"
         "{\"body\":\"gun late\",\"ts\":\"2025-09-11T09:00:10Z\"}\n"  // 20 s behind: late
         "{\"body\":\"no\",\"ts\":\"2025-09-11T09:00:25Z\"}\n";       // 5 s behind: on time
  std::ofstream(dir_ / "part-2.jsonl") << "{\"body\":\"gun 2\",\"ts\":\"2025-09-11T08:00:00Z\"}\n";
  Environment environment{{"DIR", dir_.string()}};
  auto config = LoadJobText(kEnrichJob, "job.yaml", {}, environment);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  std::ostringstream out;
  std::ostringstream err;
  auto counters = RunJob(*config, out, err);
  ASSERT_TRUE(counters.ok()) << counters.status().ToString();
  EXPECT_EQ(counters->records_in, 4);
  EXPECT_EQ(counters->passed, 3);
  EXPECT_EQ(counters->filtered_out, 1);
  EXPECT_EQ(counters->late_rows, 1);  // each file is its own partition: part-2 is not late
  EXPECT_EQ(counters->written.at("table"), 3);
  std::ifstream file(dir_ / "out.jsonl");
  std::stringstream text;
  text << file.rdbuf();
  EXPECT_EQ(text.str(),
            "{\"message\":\"gun 1\",\"ts\":\"2025-09-11T09:00:30Z\",\"line\":1,\"loud\":\"GUN "
            "1\"}\n"
            "{\"message\":\"gun late\",\"ts\":\"2025-09-11T09:00:10Z\",\"line\":2,\"loud\":\"GUN "
            "LATE\"}\n"
            "{\"message\":\"gun 2\",\"ts\":\"2025-09-11T08:00:00Z\",\"line\":1,\"loud\":\"GUN "
            "2\"}\n");
  // The watermark of the job is the smallest of its partitions': part-2's 07:59:50.
  EXPECT_THAT(out.str(), HasSubstr("watermark: 1757577590000000"));
  EXPECT_THAT(out.str(), HasSubstr("late=1"));
}

TEST_F(RunJobTest, ProjectErrorsAreTheJobFilesFault) {
  Environment environment{{"DIR", dir_.string()}};
  std::string text(kEnrichJob);
  text.replace(text.find("drop: [file]"), 12, "drop: [nope]");
  auto config = LoadJobText(text, "job.yaml", {}, environment);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  std::ostringstream out;
  std::ostringstream err;
  auto result = RunJob(*config, out, err);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().kind(), ErrorKind::kInvalidArgument);
  EXPECT_THAT(result.status().message(),
              HasSubstr("job.yaml:19:5: transforms[1]: drop: unknown column 'nope'"));
}

}  // namespace
}  // namespace floe::pipeline
