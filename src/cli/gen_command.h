#pragma once

// `floe gen`: seed-like test input. JSON lines shaped like the seed scenario's Kafka messages
// ({account_id, message_id, message_body, correlation_id, message_status, timestamp}), with a
// chosen share of bodies that contain "gun" in any case, of malformed records of several kinds,
// and of late (out-of-order) records. Deterministic: one seed, one byte-exact output, on every
// platform (our own PRNG and formatting, no std:: distributions).

#include <array>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include "cli/command.h"
#include "common/result.h"

namespace floe::cli {

struct GenOptions {
  int64_t count = 1000;
  uint64_t seed = 1;
  double match_ratio = 0.1;  // of all records: bodies containing "gun" in some case
  double bad_ratio = 0.0;    // of all records: malformed (see BadKind)
  double late_ratio = 0.0;   // of all records: good, but 1-60 s behind the running event time
  std::string output = "-";  // a file, or "-" for stdout
  std::string expect_out;    // if set: the good matching records, exactly as written
  std::string start = "2025-09-11T09:00:00Z";  // event time of the first record
  double rate_per_second = 1000;  // event-time rate: timestamps advance 1/N s per record on average
};

/// The kinds of malformed record, each recognisable by parsing the line.
enum class BadKind : uint8_t {
  kTruncatedJson,  // a good line cut short: not valid JSON
  kNotAnObject,    // valid JSON, but an array or a string
  kInvalidUtf8,    // a JSON object whose body holds bytes that are not UTF-8
  kWrongType,      // a JSON object whose message_body is an object, not a string
  kBadTimestamp,   // a JSON object of strings whose timestamp is not ISO-8601
};
inline constexpr size_t kBadKindCount = 5;
std::string_view BadKindName(BadKind kind);

/// What one generated line is.
struct GeneratedRecord {
  bool bad = false;
  BadKind bad_kind = BadKind::kTruncatedJson;  // when bad
  bool matching = false;    // the body contains "gun" in some case (good records only)
  bool late = false;        // good, with a timestamp behind the running event time
  int64_t lateness_us = 0;  // when late: how far behind
};

struct GenSummary {
  int64_t lines = 0;
  int64_t matching = 0;  // good and matching: the lines of --expect-out
  int64_t bad = 0;
  std::array<int64_t, kBadKindCount> bad_by_kind{};
  int64_t late = 0;
  int64_t late_beyond_watermark = 0;  // late by more than kGenWatermarkMicros

  /// "100000 lines: 10012 matching, 1003 bad (truncated_json 201, ...), 2011 late (...)".
  std::string ToString() const;
};

/// The seed job's watermark: late records further behind than this are dropped by windows.
inline constexpr int64_t kGenWatermarkMicros = 10'000'000;

/// Makes the lines. Not thread-safe; a value: copies continue independently.
class MessageGenerator {
 public:
  /// Checks the ratios (each in [0, 1], bad + late at most 1), the rate and the start time.
  static Result<MessageGenerator> Make(const GenOptions& options);

  /// Appends the next line, with its '\n', to `out` and says what it is.
  GeneratedRecord Next(std::string* out);

 private:
  MessageGenerator(const GenOptions& options, int64_t start_us);

  uint64_t NextRandom();
  /// Uniform in [0, 1).
  double NextUnit();
  /// Uniform in [0, bound).
  uint64_t NextBelow(uint64_t bound);

  void AppendUuid(std::string* out);
  void AppendDigits(std::string* out, int digits);
  void AppendBody(std::string* out, bool matching);
  void AppendTimestamp(std::string* out, int64_t micros);
  /// A whole good record's JSON object (no newline).
  void AppendRecord(std::string* out, bool matching, int64_t micros);

  std::array<uint64_t, 4> state_;  // xoshiro256**
  double match_ratio_;
  double bad_ratio_;
  double late_ratio_;
  int64_t event_time_us_;       // the running event time: the newest timestamp written
  int64_t next_event_time_us_;  // the timestamp of the next record that is not late
  int64_t step_us_;             // mean event-time step between records
  // The date part "YYYY-MM-DDT" of the last formatted timestamp, recomputed when the day moves.
  int64_t cached_day_ = INT64_MIN;
  std::string cached_date_;
};

/// Runs `floe gen`: writes options.output (and options.expect_out), then the summary line to
/// `summary` (stderr). Errors: bad options, unwritable files.
Status RunGen(const GenOptions& options, std::ostream& summary);

/// Adds `floe gen` with its options.
void RegisterGenCommand(CLI::App& app, CommandContext& context);

}  // namespace floe::cli
