#include "cli/gen_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "format/json/temporal.h"

namespace floe::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr int64_t kLines = 100'000;
// Tolerance on a ratio over kLines draws: more than 10 standard deviations for the ratios used.
constexpr double kRatioTolerance = 0.01;

struct Generated {
  std::vector<std::string> lines;  // without '\n'
  std::vector<GeneratedRecord> records;
};

Generated Generate(const GenOptions& options, int64_t count) {
  auto generator = MessageGenerator::Make(options);
  EXPECT_TRUE(generator.ok()) << generator.status().ToString();
  Generated out;
  std::string buffer;
  for (int64_t i = 0; i < count && generator.ok(); ++i) {
    buffer.clear();
    out.records.push_back(generator->Next(&buffer));
    EXPECT_FALSE(buffer.empty());
    EXPECT_EQ(buffer.back(), '\n');
    EXPECT_EQ(std::count(buffer.begin(), buffer.end(), '\n'), 1) << buffer;
    buffer.pop_back();
    out.lines.push_back(buffer);
  }
  return out;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool ContainsGun(std::string_view text) { return Lower(text).find("gun") != std::string::npos; }

/// Parses a good line: an object of six strings with an ISO-8601 timestamp. Returns its fields.
std::map<std::string, std::string> ParseGood(simdjson::dom::parser& parser,
                                             const std::string& line) {
  std::map<std::string, std::string> fields;
  simdjson::dom::element element;
  auto error = parser.parse(line).get(element);
  EXPECT_EQ(error, simdjson::SUCCESS) << line;
  if (error) return fields;
  simdjson::dom::object object;
  EXPECT_EQ(element.get(object), simdjson::SUCCESS) << line;
  for (auto field : object) {
    std::string_view value;
    EXPECT_EQ(field.value.get(value), simdjson::SUCCESS) << line;
    fields[std::string(field.key)] = std::string(value);
  }
  EXPECT_EQ(fields.size(), 6u) << line;
  for (const char* key : {"account_id", "message_id", "message_body", "correlation_id",
                          "message_status", "timestamp"}) {
    EXPECT_TRUE(fields.contains(key)) << key << " in " << line;
  }
  return fields;
}

int64_t TimestampMicros(const std::string& text) {
  auto micros = json::ParseTimestamp(text, json::TimeUnit::kMicros, json::ZoneRule::kOptional);
  EXPECT_TRUE(micros.ok()) << text;
  return micros.ValueOr(0);
}

TEST(GenCommandTest, SameSeedSameBytes) {
  GenOptions options;
  options.seed = 7;
  options.bad_ratio = 0.1;
  options.late_ratio = 0.1;
  Generated a = Generate(options, 10'000);
  Generated b = Generate(options, 10'000);
  EXPECT_EQ(a.lines, b.lines);
  options.seed = 8;
  Generated c = Generate(options, 10'000);
  EXPECT_NE(a.lines, c.lines);
}

TEST(GenCommandTest, FixedAlgorithmGivesAKnownStream) {
  // A change of PRNG, distribution or format changes this line: it must not change silently,
  // since tests elsewhere keep expected outputs made by `floe gen`.
  GenOptions options;
  options.seed = 1;
  Generated out = Generate(options, 1);
  ASSERT_EQ(out.lines.size(), 1u);
  EXPECT_EQ(out.lines[0],
            R"({"account_id":"a7a366c2-7b1c-4e64-b336-239ae2487ab2","message_id":)"
            R"("2292148330699926","message_body":"Check unusual café","correlation_id":)"
            R"("9393151978","message_status":"u_flagged","timestamp":)"
            R"("2025-09-11T09:00:00.000000Z"})");
  simdjson::dom::parser parser;
  auto fields = ParseGood(parser, out.lines[0]);
  EXPECT_THAT(fields["account_id"],
              testing::MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                    "[0-9a-f]{12}"));
  // Every id is well formed, not only the first.
  for (const std::string& line : Generate(options, 1000).lines) {
    fields = ParseGood(parser, line);
    ASSERT_THAT(fields["message_id"], testing::MatchesRegex("[1-9][0-9]{15}")) << line;
    ASSERT_THAT(fields["correlation_id"], testing::MatchesRegex("[1-9][0-9]{9}")) << line;
    ASSERT_THAT(fields["message_status"], StartsWith("u_")) << line;
    ASSERT_THAT(fields["account_id"], testing::MatchesRegex("[0-9a-f-]{36}")) << line;
  }
}

TEST(GenCommandTest, RatiosHoldOverManyLines) {
  GenOptions options;
  options.match_ratio = 0.2;
  options.bad_ratio = 0.05;
  options.late_ratio = 0.1;
  Generated out = Generate(options, kLines);
  int64_t matching = 0, bad = 0, late = 0, good = 0;
  std::array<int64_t, kBadKindCount> kinds{};
  for (const GeneratedRecord& record : out.records) {
    if (record.bad) {
      ++bad;
      ++kinds[static_cast<size_t>(record.bad_kind)];
      continue;
    }
    ++good;
    matching += record.matching;
    late += record.late;
  }
  EXPECT_NEAR(static_cast<double>(bad) / kLines, 0.05, kRatioTolerance);
  EXPECT_NEAR(static_cast<double>(late) / kLines, 0.1, kRatioTolerance);
  EXPECT_NEAR(static_cast<double>(matching) / good, 0.2, kRatioTolerance);
  for (int64_t count : kinds) EXPECT_NEAR(static_cast<double>(count) / bad, 0.2, 0.03);
}

TEST(GenCommandTest, OnlyMatchingBodiesContainGun) {
  GenOptions options;
  options.match_ratio = 0.3;
  Generated out = Generate(options, kLines);
  simdjson::dom::parser parser;
  int64_t mixed_case = 0;
  for (size_t i = 0; i < out.lines.size(); ++i) {
    auto fields = ParseGood(parser, out.lines[i]);
    const std::string& body = fields["message_body"];
    ASSERT_EQ(ContainsGun(body), out.records[i].matching) << body;
    // Nothing else in the line may contain it either, so a filter on any column is exact.
    std::string rest = Lower(out.lines[i]);
    rest.erase(rest.find(Lower(body)), body.size());
    ASSERT_EQ(rest.find("gun"), std::string::npos) << out.lines[i];
    if (out.records[i].matching && body.find("gun") == std::string::npos) ++mixed_case;
  }
  EXPECT_GT(mixed_case, 0);  // "GUN", "gUn", ...: a case-sensitive match would miss these

  options.match_ratio = 0;
  for (const std::string& line : Generate(options, kLines).lines) {
    ASSERT_FALSE(ContainsGun(line)) << line;
  }
  options.match_ratio = 1;
  for (const std::string& line : Generate(options, 1000).lines) {
    ASSERT_TRUE(ContainsGun(ParseGood(parser, line)["message_body"])) << line;
  }
}

TEST(GenCommandTest, EachBadKindIsReallyBad) {
  GenOptions options;
  options.bad_ratio = 1;
  options.match_ratio = 0.5;
  Generated out = Generate(options, 20'000);
  simdjson::dom::parser parser;
  std::array<int64_t, kBadKindCount> seen{};
  for (size_t i = 0; i < out.lines.size(); ++i) {
    const std::string& line = out.lines[i];
    const GeneratedRecord& record = out.records[i];
    ASSERT_TRUE(record.bad);
    ++seen[static_cast<size_t>(record.bad_kind)];
    simdjson::dom::element element;
    auto error = parser.parse(line).get(element);
    switch (record.bad_kind) {
      case BadKind::kTruncatedJson:
        EXPECT_NE(error, simdjson::SUCCESS) << line;
        EXPECT_THAT(line, StartsWith("{"));
        break;
      case BadKind::kNotAnObject:
        ASSERT_EQ(error, simdjson::SUCCESS) << line;
        EXPECT_FALSE(element.is_object()) << line;
        break;
      case BadKind::kInvalidUtf8:
        EXPECT_EQ(error, simdjson::UTF8_ERROR) << line;
        EXPECT_FALSE(simdjson::validate_utf8(line.data(), line.size()));
        break;
      case BadKind::kWrongType: {
        ASSERT_EQ(error, simdjson::SUCCESS) << line;
        simdjson::dom::element body;
        ASSERT_EQ(element["message_body"].get(body), simdjson::SUCCESS) << line;
        EXPECT_FALSE(body.is_string()) << line;
        break;
      }
      case BadKind::kBadTimestamp: {
        ASSERT_EQ(error, simdjson::SUCCESS) << line;
        std::string_view timestamp;
        ASSERT_EQ(element["timestamp"].get(timestamp), simdjson::SUCCESS) << line;
        EXPECT_FALSE(
            json::ParseTimestamp(timestamp, json::TimeUnit::kMicros, json::ZoneRule::kOptional)
                .ok())
            << line;
        break;
      }
    }
  }
  for (int64_t count : seen) EXPECT_GT(count, 0);
}

TEST(GenCommandTest, LateRecordsFallBehindAndTheRestAdvance) {
  GenOptions options;
  options.late_ratio = 0.2;
  options.rate_per_second = 100;
  Generated out = Generate(options, kLines);
  simdjson::dom::parser parser;
  const int64_t start = TimestampMicros("2025-09-11T09:00:00Z");
  int64_t running = start;  // the newest timestamp so far; the first record is at the start
  bool any_good = false;
  int64_t beyond_watermark = 0;
  int64_t first = 0;
  int64_t last = 0;
  for (size_t i = 0; i < out.lines.size(); ++i) {
    int64_t micros = TimestampMicros(ParseGood(parser, out.lines[i])["timestamp"]);
    if (!out.records[i].late && !any_good) first = micros;
    if (out.records[i].late) {
      int64_t behind = running - micros;
      ASSERT_GE(behind, 1'000'000) << out.lines[i];
      ASSERT_LE(behind, 60'000'000) << out.lines[i];
      EXPECT_EQ(behind, out.records[i].lateness_us);
      beyond_watermark += behind > kGenWatermarkMicros;
    } else {
      if (any_good) {
        ASSERT_GT(micros, running) << out.lines[i];
      } else {
        ASSERT_EQ(micros, start) << out.lines[i];
      }
      any_good = true;
      running = micros;
      last = micros;
    }
  }
  EXPECT_EQ(first, start);
  EXPECT_GT(beyond_watermark, 0);
  // 100 records/s of event time: the good records span about 800 s.
  double seconds = static_cast<double>(last - first) / 1e6;
  EXPECT_NEAR(seconds, 0.8 * kLines / 100.0, 0.05 * 0.8 * kLines / 100.0);
}

TEST(GenCommandTest, RejectsBadOptions) {
  auto make = [](auto edit) {
    GenOptions options;
    edit(options);
    auto generator = MessageGenerator::Make(options);
    return generator.ok() ? std::string() : generator.status().message();
  };
  EXPECT_EQ(make([](GenOptions& o) { o.match_ratio = 1.5; }),
            "--match-ratio must be between 0 and 1, got 1.5");
  EXPECT_EQ(make([](GenOptions& o) { o.bad_ratio = -0.1; }),
            "--bad-ratio must be between 0 and 1, got -0.1");
  EXPECT_THAT(make([](GenOptions& o) { o.late_ratio = std::nan(""); }),
              StartsWith("--late-ratio must be between 0 and 1"));
  EXPECT_THAT(make([](GenOptions& o) {
                o.bad_ratio = 0.6;
                o.late_ratio = 0.5;
              }),
              StartsWith("--bad-ratio + --late-ratio must be at most 1"));
  EXPECT_THAT(make([](GenOptions& o) { o.start = "yesterday"; }),
              StartsWith("--start 'yesterday'"));
  EXPECT_THAT(make([](GenOptions& o) { o.rate_per_second = 0; }),
              StartsWith("--rate-per-second must be greater than 0"));
}

class GenFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           fmt::format("floe-gen-test-{}-{}", ::getpid(),
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  static std::string ReadFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  std::filesystem::path dir_;
};

TEST_F(GenFilesTest, WritesOutputExpectedOutputAndSummary) {
  GenOptions options;
  options.count = 50'000;
  options.seed = 3;
  options.bad_ratio = 0.05;
  options.late_ratio = 0.05;
  options.output = (dir_ / "out.jsonl").string();
  options.expect_out = (dir_ / "expect.jsonl").string();
  std::ostringstream summary;
  Status status = RunGen(options, summary);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_THAT(summary.str(), StartsWith("floe gen: 50000 lines: "));
  EXPECT_THAT(summary.str(), HasSubstr(" bad (truncated_json "));
  EXPECT_THAT(summary.str(), HasSubstr(" late ("));

  // The same lines as the generator makes in memory, and the expected output is exactly the
  // good matching ones.
  Generated out = Generate(options, options.count);
  std::string all, expected;
  int64_t matching = 0;
  for (size_t i = 0; i < out.lines.size(); ++i) {
    all += out.lines[i] + "\n";
    if (!out.records[i].bad && out.records[i].matching) {
      expected += out.lines[i] + "\n";
      ++matching;
    }
  }
  EXPECT_EQ(ReadFile(options.output), all);
  EXPECT_EQ(ReadFile(options.expect_out), expected);
  EXPECT_THAT(summary.str(), HasSubstr(fmt::format("lines: {} matching,", matching)));
}

TEST_F(GenFilesTest, UnwritableOutputIsAnError) {
  GenOptions options;
  options.output = (dir_ / "missing" / "out.jsonl").string();
  std::ostringstream summary;
  Status status = RunGen(options, summary);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.kind(), ErrorKind::kIoError);
  EXPECT_THAT(status.message(), HasSubstr("cannot open " + options.output + " for writing"));
  options.output = (dir_ / "out.jsonl").string();
  options.count = -1;
  EXPECT_FALSE(RunGen(options, summary).ok());
}

}  // namespace
}  // namespace floe::cli
