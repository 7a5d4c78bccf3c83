#include "cli/gen_command.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "cli/command.h"
#include "common/civil_time.h"
#include "common/numeric.h"
#include "format/json/temporal.h"

namespace floe::cli {

namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;
constexpr int64_t kMicrosPerHour = 3'600 * kMicrosPerSecond;
constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
constexpr int64_t kMinLatenessMicros = 1 * kMicrosPerSecond;
constexpr int64_t kMaxLatenessMicros = 60 * kMicrosPerSecond;
constexpr int kMessageIdDigits = 16;      // "6130343861034927"
constexpr int kCorrelationIdDigits = 10;  // "8019984399"
constexpr size_t kMinBodyWords = 3;
constexpr size_t kMaxBodyWords = 12;
// Output goes out in chunks of this size: few large writes are what makes 2M lines/s.
constexpr size_t kWriteChunkBytes = 4 << 20;
// Uniform doubles take the top 53 bits of a draw (the mantissa of a double).
constexpr int kDoubleShift = 11;
constexpr double kDoubleScale = 0x1.0p-53;

// Words of the non-matching bodies. None contains g-u-n in a row in any case, and they are
// joined by spaces, so no body without a "gun" token ever contains one; the near misses
// ("gum", "gnu", "big unicorn", "tongue") keep a sloppy matcher honest. Checked by a test.
constexpr std::string_view kWords[] = {
    "is",     "a",     "dangerous", "thing",  "the",     "message",  "hello",   "world",
    "please", "call",  "me",        "about",  "my",      "account",  "payment", "order",
    "was",    "late",  "again",     "great",  "service", "thanks",   "for",     "your",
    "help",   "can",   "you",       "check",  "status",  "of",       "refund",  "weather",
    "nice",   "today", "meeting",   "at",     "noon",    "lunch",    "coffee",  "café",
    "naïve",  "idea",  "garden",    "guitar", "lesson",  "sun",      "fun",     "gum",
    "gnu",    "bug",   "hung",      "lung",   "tongue",  "guava",    "guest",   "gulf",
    "begin",  "gnome", "sung",      "run",    "big",     "unicorn",  "unusual", "gal",
    "hug",    "nut",   "tug",       "dung",   "nugget",  "tomorrow", "Berlin",  "Zürich"};
// A "gun" token is a prefix, "gun" in a random case, and a suffix: gun, Shotgun, begun, GUNS!
constexpr std::string_view kGunPrefixes[] = {"", "", "", "shot", "hand", "be", "machine", "air"};
constexpr std::string_view kGunSuffixes[] = {"", "", "", "s", "fire", "powder", "!", "-shy"};
constexpr std::string_view kStatuses[] = {"u_initial", "u_processed", "u_reviewed", "u_flagged"};
constexpr std::string_view kInvalidUtf8[] = {
    "\xff",          // never valid in UTF-8
    "\xc3\x28",      // a lead byte followed by a non-continuation
    "\xe2\x82",      // a sequence cut short
    "\xed\xa0\x80",  // an encoded UTF-16 surrogate
    "\xc0\xaf",      // an overlong '/'
};
constexpr std::string_view kBadTimestamps[] = {
    "soon", "2025-09-11T25:61:00Z", "11/09/2025 09:01:11", "2025-09-11T09:01:11.318522Zulu"};
constexpr char kHexDigits[] = "0123456789abcdef";
constexpr int kUuidBytes = 16;
constexpr int kUuidVersionByte = 6;
constexpr int kUuidVariantByte = 8;

template <typename T, size_t N>
constexpr size_t Size(const T (&)[N]) {
  return N;
}

// GCC and Clang's 128-bit integer, for the high half of a 64x64 product.
__extension__ using Uint128 = unsigned __int128;

uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t RotateLeft(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void AppendTwoDigits(std::string* out, int64_t value) {
  out->push_back(static_cast<char>('0' + value / 10));
  out->push_back(static_cast<char>('0' + value % 10));
}

Status CheckRatio(std::string_view flag, double value) {
  if (!(value >= 0.0 && value <= 1.0)) {
    return InvalidArgument("{} must be between 0 and 1, got {}", flag, value);
  }
  return Status::Ok();
}

/// A FILE* that is closed when it goes out of scope unless Close() was called first (then
/// errors are reported). stdout is flushed, never closed.
class OutputFile {
 public:
  static Result<OutputFile> Open(const std::string& path) {
    if (path == "-") return OutputFile(path, stdout, /*owned=*/false);
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (file == nullptr) {
      return IoError("cannot open {} for writing: {}", path, std::strerror(errno));
    }
    return OutputFile(path, file, /*owned=*/true);
  }

  Status Write(std::string* buffer) {
    if (!buffer->empty() &&
        std::fwrite(buffer->data(), 1, buffer->size(), file_.get()) != buffer->size()) {
      return IoError("writing {}: {}", path_, std::strerror(errno));
    }
    buffer->clear();
    return Status::Ok();
  }

  Status Close() {
    std::FILE* file = file_.release();
    if (file == nullptr) return Status::Ok();
    bool failed = std::fflush(file) != 0 || std::ferror(file) != 0;
    if (owned_ && std::fclose(file) != 0) failed = true;
    if (failed) return IoError("writing {}: {}", path_, std::strerror(errno));
    return Status::Ok();
  }

  const std::string& path() const { return path_; }

 private:
  struct Closer {
    bool owned;
    void operator()(std::FILE* file) const {
      if (owned) std::fclose(file);
    }
  };

  OutputFile(std::string path, std::FILE* file, bool owned)
      : path_(std::move(path)), file_(file, Closer{owned}), owned_(owned) {}

  std::string path_;
  std::unique_ptr<std::FILE, Closer> file_;
  bool owned_;
};

/// Writes full chunks to an OutputFile on a thread of its own, so that making the next chunk
/// overlaps the kernel's copy of the last one (on a busy disk that copy costs as much as the
/// generation). One chunk in flight at a time. Owns the thread; Finish() must be called to see
/// write errors; the destructor only stops the thread. Used by one producer thread.
class BackgroundWriter {
 public:
  explicit BackgroundWriter(OutputFile* file) : file_(file), thread_([this] { Run(); }) {}
  BackgroundWriter(const BackgroundWriter&) = delete;
  BackgroundWriter& operator=(const BackgroundWriter&) = delete;
  ~BackgroundWriter() { Stop(); }

  /// Hands `buffer`'s bytes to the writer and gives back an empty buffer (with capacity).
  /// Returns the first write error so far, so the producer stops early.
  Status Submit(std::string* buffer) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !has_pending_; });
    if (!status_.ok()) return status_;
    pending_.swap(*buffer);
    buffer->clear();
    has_pending_ = true;
    changed_.notify_all();
    return Status::Ok();
  }

  /// Waits for the last chunk and stops the thread; returns the first write error, if any.
  Status Finish() {
    Stop();
    return status_;
  }

 private:
  void Run() {
    std::unique_lock lock(mutex_);
    while (true) {
      changed_.wait(lock, [&] { return has_pending_ || done_; });
      if (!has_pending_) return;  // done, nothing left
      lock.unlock();
      Status status = file_->Write(&pending_);
      lock.lock();
      if (status_.ok()) status_ = status;
      has_pending_ = false;
      changed_.notify_all();
    }
  }

  void Stop() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
      changed_.notify_all();
    }
    if (thread_.joinable()) thread_.join();
  }

  OutputFile* file_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::string pending_;
  bool has_pending_ = false;
  bool done_ = false;
  Status status_;
  std::thread thread_;  // last: starts after the members it uses exist
};

}  // namespace

std::string_view BadKindName(BadKind kind) {
  switch (kind) {
    case BadKind::kTruncatedJson:
      return "truncated_json";
    case BadKind::kNotAnObject:
      return "not_an_object";
    case BadKind::kInvalidUtf8:
      return "invalid_utf8";
    case BadKind::kWrongType:
      return "wrong_type";
    case BadKind::kBadTimestamp:
      return "bad_timestamp";
  }
  return "unknown";
}

std::string GenSummary::ToString() const {
  std::string kinds;
  for (size_t i = 0; i < kBadKindCount; ++i) {
    kinds += fmt::format("{}{} {}", i == 0 ? "" : ", ", BadKindName(static_cast<BadKind>(i)),
                         bad_by_kind[i]);
  }
  return fmt::format("{} lines: {} matching, {} bad ({}), {} late ({} beyond the {} s watermark)",
                     lines, matching, bad, kinds, late, late_beyond_watermark,
                     kGenWatermarkMicros / kMicrosPerSecond);
}

Result<MessageGenerator> MessageGenerator::Make(const GenOptions& options) {
  FLOE_RETURN_IF_ERROR(CheckRatio("--match-ratio", options.match_ratio));
  FLOE_RETURN_IF_ERROR(CheckRatio("--bad-ratio", options.bad_ratio));
  FLOE_RETURN_IF_ERROR(CheckRatio("--late-ratio", options.late_ratio));
  if (options.bad_ratio + options.late_ratio > 1.0) {
    return InvalidArgument(
        "--bad-ratio + --late-ratio must be at most 1 (a record is bad or late, not both), got "
        "{} + {}",
        options.bad_ratio, options.late_ratio);
  }
  if (!(options.rate_per_second > 0)) {
    return InvalidArgument("--rate-per-second must be greater than 0, got {}",
                           options.rate_per_second);
  }
  auto start =
      json::ParseTimestamp(options.start, json::TimeUnit::kMicros, json::ZoneRule::kOptional);
  if (!start.ok()) {
    return InvalidArgument("--start '{}': {} (expected e.g. 2025-09-11T09:00:00Z)", options.start,
                           start.status().message());
  }
  return MessageGenerator(options, *start);
}

MessageGenerator::MessageGenerator(const GenOptions& options, int64_t start_us)
    : match_ratio_(options.match_ratio),
      bad_ratio_(options.bad_ratio),
      late_ratio_(options.late_ratio),
      event_time_us_(start_us),
      next_event_time_us_(start_us),
      step_us_(std::max<int64_t>(1, static_cast<int64_t>(static_cast<double>(kMicrosPerSecond) /
                                                         options.rate_per_second))) {
  uint64_t seed = options.seed;
  for (uint64_t& word : state_) word = SplitMix64(&seed);
}

uint64_t MessageGenerator::NextRandom() {
  // xoshiro256** (Blackman & Vigna): fixed algorithm, same stream on every platform.
  const uint64_t result = RotateLeft(state_[1] * 5, 7) * 9;
  const uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = RotateLeft(state_[3], 45);
  return result;
}

double MessageGenerator::NextUnit() {
  return static_cast<double>(NextRandom() >> kDoubleShift) * kDoubleScale;
}

uint64_t MessageGenerator::NextBelow(uint64_t bound) {
  // Lemire's multiply-shift: the high half of a 128-bit product, no division, no modulo bias
  // worth speaking of for the small bounds used here.
  return static_cast<uint64_t>((static_cast<Uint128>(NextRandom()) * bound) >> 64);
}

void MessageGenerator::AppendUuid(std::string* out) {
  uint8_t bytes[kUuidBytes];
  uint64_t high = NextRandom();
  uint64_t low = NextRandom();
  std::memcpy(bytes, &high, sizeof(high));
  std::memcpy(bytes + sizeof(high), &low, sizeof(low));
  // RFC 4122 version 4 (random) and variant 10xx bits, as real UUIDs have.
  bytes[kUuidVersionByte] = static_cast<uint8_t>((bytes[kUuidVersionByte] & 0x0f) | 0x40);
  bytes[kUuidVariantByte] = static_cast<uint8_t>((bytes[kUuidVariantByte] & 0x3f) | 0x80);
  for (int i = 0; i < kUuidBytes; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out->push_back('-');  // 8-4-4-4-12 digits
    out->push_back(kHexDigits[bytes[i] >> 4]);
    out->push_back(kHexDigits[bytes[i] & 0x0f]);
  }
}

void MessageGenerator::AppendDigits(std::string* out, int digits) {
  // A number of exactly `digits` digits (no leading zero), as the seed's ids are.
  const auto low = static_cast<uint64_t>(PowerOfTen(digits - 1));
  uint64_t value = low + NextBelow(low * 9);
  char text[20];
  for (int i = digits - 1; i >= 0; --i) {
    text[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out->append(text, static_cast<size_t>(digits));
}

void MessageGenerator::AppendBody(std::string* out, bool matching) {
  size_t words = kMinBodyWords + NextBelow(kMaxBodyWords - kMinBodyWords + 1);
  size_t gun_at = matching ? NextBelow(words) : words;
  for (size_t i = 0; i < words; ++i) {
    if (i > 0) out->push_back(' ');
    size_t word_start = out->size();
    if (i == gun_at) {
      uint64_t bits = NextRandom();
      out->append(kGunPrefixes[bits % Size(kGunPrefixes)]);
      bits /= Size(kGunPrefixes);
      for (char c : std::string_view("gun")) {
        out->push_back((bits & 1) ? static_cast<char>(c - 'a' + 'A') : c);
        bits >>= 1;
      }
      out->append(kGunSuffixes[bits % Size(kGunSuffixes)]);
    } else {
      out->append(kWords[NextBelow(Size(kWords))]);
    }
    char& first = (*out)[word_start];
    if (i == 0 && first >= 'a' && first <= 'z') first = static_cast<char>(first - 'a' + 'A');
  }
}

void MessageGenerator::AppendTimestamp(std::string* out, int64_t micros) {
  int64_t day = FloorDiv(micros, kMicrosPerDay);
  int64_t time_of_day = micros - day * kMicrosPerDay;
  if (day != cached_day_) {
    const CivilDate date = CivilFromDays(day);
    cached_date_ = fmt::format("{:04}-{:02}-{:02}T", date.year, date.month, date.day);
    cached_day_ = day;
  }
  out->append(cached_date_);
  AppendTwoDigits(out, time_of_day / kMicrosPerHour);
  out->push_back(':');
  AppendTwoDigits(out, time_of_day % kMicrosPerHour / kMicrosPerMinute);
  out->push_back(':');
  AppendTwoDigits(out, time_of_day % kMicrosPerMinute / kMicrosPerSecond);
  out->push_back('.');
  int64_t fraction = time_of_day % kMicrosPerSecond;
  char text[6];
  for (int i = 5; i >= 0; --i) {
    text[i] = static_cast<char>('0' + fraction % 10);
    fraction /= 10;
  }
  out->append(text, sizeof(text));
  out->push_back('Z');
}

void MessageGenerator::AppendRecord(std::string* out, bool matching, int64_t micros) {
  out->append(R"({"account_id":")");
  AppendUuid(out);
  out->append(R"(","message_id":")");
  AppendDigits(out, kMessageIdDigits);
  out->append(R"(","message_body":")");
  AppendBody(out, matching);
  out->append(R"(","correlation_id":")");
  AppendDigits(out, kCorrelationIdDigits);
  out->append(R"(","message_status":")");
  out->append(kStatuses[NextBelow(Size(kStatuses))]);
  out->append(R"(","timestamp":")");
  AppendTimestamp(out, micros);
  out->append(R"("})");
}

GeneratedRecord MessageGenerator::Next(std::string* out) {
  GeneratedRecord record;
  double kind = NextUnit();
  bool matching = NextUnit() < match_ratio_;
  record.bad = kind < bad_ratio_;
  record.late = !record.bad && kind < bad_ratio_ + late_ratio_;

  int64_t micros = next_event_time_us_;
  if (record.late) {
    // Behind the newest timestamp written so far (the running event time).
    record.lateness_us = kMinLatenessMicros + static_cast<int64_t>(NextBelow(static_cast<uint64_t>(
                                                  kMaxLatenessMicros - kMinLatenessMicros + 1)));
    micros = event_time_us_ - record.lateness_us;
  } else {
    // Strictly increasing, 1/rate apart on average.
    event_time_us_ = micros;
    next_event_time_us_ +=
        1 + static_cast<int64_t>(NextBelow(static_cast<uint64_t>(2 * step_us_ - 1)));
  }

  if (!record.bad) {
    record.matching = matching;
    AppendRecord(out, matching, micros);
    out->push_back('\n');
    return record;
  }

  record.bad_kind = static_cast<BadKind>(NextBelow(kBadKindCount));
  switch (record.bad_kind) {
    case BadKind::kTruncatedJson: {
      size_t start = out->size();
      AppendRecord(out, matching, micros);
      // Any proper prefix of an object is unfinished JSON; keep at least the '{'.
      size_t length = out->size() - start;
      out->resize(start + 1 + NextBelow(length - 1));
      break;
    }
    case BadKind::kNotAnObject:
      if (NextBelow(2) == 0) {
        out->append("[\"");
        AppendUuid(out);
        out->append("\",\"");
        AppendBody(out, matching);
        out->append("\",\"");
        AppendTimestamp(out, micros);
        out->append("\"]");
      } else {
        out->push_back('"');
        AppendBody(out, matching);
        out->push_back('"');
      }
      break;
    case BadKind::kInvalidUtf8: {
      size_t start = out->size();
      AppendRecord(out, matching, micros);
      // Put the bytes at the end of the body, just before its closing quote.
      size_t body_end = out->find(R"(","correlation_id")", start);
      std::string_view bytes = kInvalidUtf8[NextBelow(Size(kInvalidUtf8))];
      out->insert(body_end, fmt::format(" {}", bytes));
      break;
    }
    case BadKind::kWrongType:
      out->append(R"({"account_id":")");
      AppendUuid(out);
      out->append(R"(","message_id":")");
      AppendDigits(out, kMessageIdDigits);
      out->append(R"(","message_body":{"text":")");
      AppendBody(out, matching);
      out->append(R"("},"correlation_id":")");
      AppendDigits(out, kCorrelationIdDigits);
      out->append(R"(","message_status":"u_initial","timestamp":")");
      AppendTimestamp(out, micros);
      out->append(R"("})");
      break;
    case BadKind::kBadTimestamp: {
      size_t start = out->size();
      AppendRecord(out, matching, micros);
      size_t value = out->rfind(R"("timestamp":")") + std::string_view(R"("timestamp":")").size();
      out->resize(start + (value - start));
      out->append(kBadTimestamps[NextBelow(Size(kBadTimestamps))]);
      out->append(R"("})");
      break;
    }
  }
  out->push_back('\n');
  return record;
}

Status RunGen(const GenOptions& options, std::ostream& summary_out) {
  if (options.count < 0)
    return InvalidArgument("--count must be at least 0, got {}", options.count);
  FLOE_ASSIGN_OR_RAISE(MessageGenerator generator, MessageGenerator::Make(options));
  FLOE_ASSIGN_OR_RAISE(OutputFile output, OutputFile::Open(options.output));
  std::optional<OutputFile> expect;
  if (!options.expect_out.empty()) {
    FLOE_ASSIGN_OR_RAISE(OutputFile file, OutputFile::Open(options.expect_out));
    expect.emplace(std::move(file));
  }

  std::string buffer;
  std::string expect_buffer;
  buffer.reserve(kWriteChunkBytes * 2);
  BackgroundWriter writer(&output);
  GenSummary summary;
  for (int64_t i = 0; i < options.count; ++i) {
    size_t line_start = buffer.size();
    GeneratedRecord record = generator.Next(&buffer);
    ++summary.lines;
    if (record.bad) {
      ++summary.bad;
      ++summary.bad_by_kind[static_cast<size_t>(record.bad_kind)];
    } else {
      if (record.late) {
        ++summary.late;
        if (record.lateness_us > kGenWatermarkMicros) ++summary.late_beyond_watermark;
      }
      if (record.matching) {
        ++summary.matching;
        if (expect) expect_buffer.append(buffer, line_start, std::string::npos);
      }
    }
    if (buffer.size() >= kWriteChunkBytes) FLOE_RETURN_IF_ERROR(writer.Submit(&buffer));
    if (expect && expect_buffer.size() >= kWriteChunkBytes) {
      FLOE_RETURN_IF_ERROR(expect->Write(&expect_buffer));
    }
  }
  FLOE_RETURN_IF_ERROR(writer.Submit(&buffer));
  FLOE_RETURN_IF_ERROR(writer.Finish());
  FLOE_RETURN_IF_ERROR(output.Close());
  if (expect) {
    FLOE_RETURN_IF_ERROR(expect->Write(&expect_buffer));
    FLOE_RETURN_IF_ERROR(expect->Close());
  }
  summary_out << "floe gen: " << summary.ToString() << " -> "
              << (options.output == "-" ? "stdout" : options.output) << "\n";
  return Status::Ok();
}

void RegisterGenCommand(CLI::App& app, CommandContext& context) {
  auto gen = std::make_shared<GenOptions>();
  CLI::App* gen_cmd = app.add_subcommand(
      "gen", "Write seed-like JSON messages for tests (deterministic for a seed)");
  gen_cmd->add_option("--count", gen->count, "Number of lines")->capture_default_str();
  gen_cmd->add_option("--seed", gen->seed, "Seed: the same seed gives byte-identical output")
      ->capture_default_str();
  gen_cmd
      ->add_option("--match-ratio", gen->match_ratio,
                   "Share of bodies containing \"gun\" in some case (the rest never do)")
      ->capture_default_str();
  gen_cmd
      ->add_option("--bad-ratio", gen->bad_ratio,
                   "Share of malformed records: truncated JSON, not an object, invalid UTF-8, "
                   "wrong type, bad timestamp")
      ->capture_default_str();
  gen_cmd
      ->add_option("--late-ratio", gen->late_ratio,
                   "Share of records 1-60 s behind the running event time")
      ->capture_default_str();
  gen_cmd->add_option("--output", gen->output, "Output file, '-' for stdout")
      ->capture_default_str();
  gen_cmd->add_option("--expect-out", gen->expect_out,
                      "Also write the good matching records, exactly as written (what a "
                      "'gun' filter must output)");
  gen_cmd->add_option("--start", gen->start, "Event time of the first record")
      ->capture_default_str();
  gen_cmd
      ->add_option("--rate-per-second", gen->rate_per_second,
                   "Event-time rate: timestamps advance 1/N s per record on average")
      ->capture_default_str();
  gen_cmd->callback([&context, gen] {
    Status status = RunGen(*gen, std::cerr);
    if (!status.ok()) context.exit_code = PrintError(std::cerr, status);
  });
}

}  // namespace floe::cli
