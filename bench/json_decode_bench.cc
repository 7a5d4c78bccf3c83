// JSON → columns decode speed on seed-scenario messages (5 strings + 1 timestamptz), against
// the reference limit: simdjson On-Demand parsing the same buffer and touching every field
// (key compared, string value unescaped) without building any column.
//
// Run: ninja -C build json_decode_bench && ./build/bench/json_decode_bench
// items_per_second is messages/s; bytes_per_second is input JSON bytes/s.

#include <benchmark/benchmark.h>
#include <simdjson.h>

#include <cstdint>
#include <cstring>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "format/json/batch_decoder.h"

namespace {

constexpr size_t kMessages = 1'000'000;
// Rows per decoded batch: the streaming job cuts batches of a few thousand rows.
constexpr size_t kBatchRows = 4096;
constexpr uint64_t kSeed = 20250911;

const char* const kBodies[] = {
    "Gun is a dangerous thing",
    "hello world",
    "I love my new puppy, he is the best dog in the whole wide world",
    "the gunman was arrested after a long chase through the city centre",
    "meeting at 10",
    "Please call me back as soon as possible about the invoice",
};
const char* const kStatuses[] = {"u_initial", "u_processed", "u_flagged"};

// The benchmark's input: newline-delimited messages, and each message's span within it.
struct Dataset {
  std::string lines;
  std::vector<std::string_view> messages;
  std::vector<std::string_view> chunks;  // kBatchRows whole lines each
};

std::string RandomDigits(std::mt19937_64& random, int count) {
  std::string out;
  for (int i = 0; i < count; ++i) out.push_back(static_cast<char>('0' + random() % 10));
  return out;
}

std::string RandomUuid(std::mt19937_64& random) {
  constexpr char kHex[] = "0123456789abcdef";
  constexpr int kUuidChars = 36;
  std::string out;
  for (int i = 0; i < kUuidChars; ++i) {
    out.push_back(i == 8 || i == 13 || i == 18 || i == 23 ? '-' : kHex[random() % 16]);
  }
  return out;
}

std::string RandomTimestamp(std::mt19937_64& random) {
  char text[64];
  std::snprintf(text, sizeof(text), "2025-%02d-%02dT%02d:%02d:%02d.%06dZ",
                static_cast<int>(1 + random() % 12), static_cast<int>(1 + random() % 28),
                static_cast<int>(random() % 24), static_cast<int>(random() % 60),
                static_cast<int>(random() % 60), static_cast<int>(random() % 1'000'000));
  return text;
}

const Dataset& SeedMessages() {
  static const Dataset dataset = [] {
    Dataset d;
    std::mt19937_64 random(kSeed);
    std::vector<size_t> starts;
    for (size_t i = 0; i < kMessages; ++i) {
      starts.push_back(d.lines.size());
      d.lines += "{\"account_id\":\"" + RandomUuid(random) + "\",\"message_id\":\"" +
                 RandomDigits(random, 16) + "\",\"message_body\":\"" +
                 kBodies[random() % std::size(kBodies)] + "\",\"correlation_id\":\"" +
                 RandomDigits(random, 10) + "\",\"message_status\":\"" +
                 kStatuses[random() % std::size(kStatuses)] + "\",\"timestamp\":\"" +
                 RandomTimestamp(random) + "\"}\n";
    }
    starts.push_back(d.lines.size());
    for (size_t i = 0; i < kMessages; ++i) {
      d.messages.emplace_back(d.lines.data() + starts[i], starts[i + 1] - starts[i] - 1);
    }
    for (size_t i = 0; i < kMessages; i += kBatchRows) {
      size_t last = std::min(i + kBatchRows, kMessages);
      d.chunks.emplace_back(d.lines.data() + starts[i], starts[last] - starts[i]);
    }
    return d;
  }();
  return dataset;
}

std::vector<floe::json::FieldSpec> SeedFields() {
  using floe::json::ValueKind;
  return {{"account_id", ValueKind::kString},     {"message_id", ValueKind::kString},
          {"message_body", ValueKind::kString},   {"correlation_id", ValueKind::kString},
          {"message_status", ValueKind::kString}, {"timestamp", ValueKind::kTimestampTz}};
}

void ReportRates(benchmark::State& state, const Dataset& data) {
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * data.messages.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.lines.size()));
}

// The decoder on newline-delimited chunks of kBatchRows lines (floe table append --rows).
void DecodeLinesWith(benchmark::State& state, std::vector<floe::json::FieldSpec> fields) {
  const Dataset& data = SeedMessages();
  auto decoder = floe::json::BatchDecoder::Make(std::move(fields));
  if (!decoder.ok()) {
    state.SkipWithError(decoder.status().ToString().c_str());
    return;
  }
  floe::json::DecodedBatch batch = decoder->NewBatch();
  int64_t line = 1;
  for (auto _ : state) {
    for (std::string_view chunk : data.chunks) {
      batch.Clear();
      floe::Status status = decoder->DecodeLines(chunk, line, &batch);
      benchmark::DoNotOptimize(status.ok());
      if (!batch.errors.empty()) {
        state.SkipWithError(batch.errors[0].message.c_str());
        return;
      }
      benchmark::DoNotOptimize(batch.columns[0].bytes_data());
    }
  }
  ReportRates(state, data);
}

void BM_DecodeLines(benchmark::State& state) { DecodeLinesWith(state, SeedFields()); }
BENCHMARK(BM_DecodeLines)->Unit(benchmark::kMillisecond);

// Where the time goes: the same lines with the timestamp kept as a string (no date-time
// parsing), and with no key wanted at all (parse, key lookup, one null per row).
void BM_DecodeLinesTimestampAsString(benchmark::State& state) {
  std::vector<floe::json::FieldSpec> fields = SeedFields();
  fields.back().kind = floe::json::ValueKind::kString;
  DecodeLinesWith(state, std::move(fields));
}
BENCHMARK(BM_DecodeLinesTimestampAsString)->Unit(benchmark::kMillisecond);

void BM_DecodeLinesNoKeyWanted(benchmark::State& state) {
  DecodeLinesWith(state, {{"absent", floe::json::ValueKind::kString}});
}
BENCHMARK(BM_DecodeLinesNoKeyWanted)->Unit(benchmark::kMillisecond);

// The decoder one message at a time (a Kafka consumer), each copied into the padded buffer.
// A decoder of the seed fields; none (the benchmark skipped, saying why) when it cannot be made.
std::optional<floe::json::BatchDecoder> SeedDecoder(benchmark::State& state) {
  auto decoder = floe::json::BatchDecoder::Make(SeedFields());
  if (!decoder.ok()) {
    state.SkipWithError(decoder.status().ToString().c_str());
    return std::nullopt;
  }
  return std::move(decoder).value();
}

void BM_DecodeOne(benchmark::State& state) {
  const Dataset& data = SeedMessages();
  std::optional<floe::json::BatchDecoder> decoder = SeedDecoder(state);
  if (!decoder) return;
  floe::json::DecodedBatch batch = decoder->NewBatch();
  for (auto _ : state) {
    int64_t offset = 0;
    for (std::string_view message : data.messages) {
      floe::Status status = decoder->DecodeOne(message, offset++, &batch);
      benchmark::DoNotOptimize(status.ok());
      if (batch.num_rows() == kBatchRows) batch.Clear();
    }
    if (!batch.errors.empty()) {
      state.SkipWithError(batch.errors[0].message.c_str());
      return;
    }
  }
  ReportRates(state, data);
}
BENCHMARK(BM_DecodeOne)->Unit(benchmark::kMillisecond);

// The Kafka path: the messages of a poll (kBatchRows at a time) given to DecodeMany at once.
void BM_DecodeMany(benchmark::State& state) {
  const Dataset& data = SeedMessages();
  std::optional<floe::json::BatchDecoder> decoder = SeedDecoder(state);
  if (!decoder) return;
  floe::json::DecodedBatch batch = decoder->NewBatch();
  std::vector<std::string_view> messages;
  std::vector<int64_t> offsets;
  for (auto _ : state) {
    for (size_t start = 0; start < data.messages.size(); start += kBatchRows) {
      const size_t stop = std::min(data.messages.size(), start + kBatchRows);
      messages.assign(data.messages.begin() + start, data.messages.begin() + stop);
      offsets.resize(messages.size());
      for (size_t i = 0; i < offsets.size(); ++i) offsets[i] = static_cast<int64_t>(start + i);
      floe::Status status = decoder->DecodeMany(messages, offsets, &batch);
      benchmark::DoNotOptimize(status.ok());
      if (!batch.errors.empty()) {
        state.SkipWithError(batch.errors[0].message.c_str());
        return;
      }
      batch.Clear();
    }
  }
  ReportRates(state, data);
}
BENCHMARK(BM_DecodeMany)->Unit(benchmark::kMillisecond);

// Touches every field of one parsed object the way any decoder must: the key compared with
// the expected name and the string value unescaped. Returns false on a parse error.
template <typename Document>
bool TouchEveryField(Document& document, size_t* sum) {
  simdjson::ondemand::object object;
  if (document.get_object().get(object)) return false;
  for (auto field : object) {
    simdjson::ondemand::raw_json_string key;
    std::string_view value;
    if (field.key().get(key) || field.value().get_string().get(value)) return false;
    *sum += value.size() + (key == "timestamp" ? 1 : 0);
  }
  return true;
}

// Reference limit: simdjson parsing each line in place, as DecodeLines does.
void BM_SimdjsonReferencePerLine(benchmark::State& state) {
  const Dataset& data = SeedMessages();
  simdjson::ondemand::parser parser;
  const char* const end = data.lines.data() + data.lines.size();
  for (auto _ : state) {
    size_t sum = 0;
    for (std::string_view message : data.messages) {
      // All but the last message have the following lines as padding; the last one's padding
      // is its line break plus the string's terminator only, which is not enough.
      if (static_cast<size_t>(end - message.data()) < message.size() + simdjson::SIMDJSON_PADDING) {
        continue;
      }
      simdjson::ondemand::document document;
      if (parser.iterate(message.data(), message.size(), end - message.data()).get(document) ||
          !TouchEveryField(document, &sum)) {
        state.SkipWithError("simdjson failed");
        return;
      }
    }
    benchmark::DoNotOptimize(sum);
  }
  ReportRates(state, data);
}
BENCHMARK(BM_SimdjsonReferencePerLine)->Unit(benchmark::kMillisecond);

// The same, finding each line's end with memchr as any newline-delimited reader must (the
// reference above is handed the line spans for free).
void BM_SimdjsonReferencePerLineWithSplit(benchmark::State& state) {
  const Dataset& data = SeedMessages();
  simdjson::ondemand::parser parser;
  const char* const end = data.lines.data() + data.lines.size();
  for (auto _ : state) {
    size_t sum = 0;
    const char* line = data.lines.data();
    while (static_cast<size_t>(end - line) > simdjson::SIMDJSON_PADDING) {
      const char* newline = static_cast<const char*>(std::memchr(line, '\n', end - line));
      if (newline == nullptr || static_cast<size_t>(end - newline) < simdjson::SIMDJSON_PADDING) {
        break;
      }
      simdjson::ondemand::document document;
      if (parser.iterate(line, newline - line, end - line).get(document) ||
          !TouchEveryField(document, &sum)) {
        state.SkipWithError("simdjson failed");
        return;
      }
      line = newline + 1;
    }
    benchmark::DoNotOptimize(sum);
  }
  ReportRates(state, data);
}
BENCHMARK(BM_SimdjsonReferencePerLineWithSplit)->Unit(benchmark::kMillisecond);

// Reference limit, the other way simdjson reads many documents: iterate_many over the buffer.
void BM_SimdjsonReferenceIterateMany(benchmark::State& state) {
  const Dataset& data = SeedMessages();
  const simdjson::padded_string padded(data.lines);
  simdjson::ondemand::parser parser;
  constexpr size_t kStreamBatchBytes = 1 << 20;
  for (auto _ : state) {
    size_t sum = 0;
    simdjson::ondemand::document_stream stream;
    if (parser.iterate_many(padded, kStreamBatchBytes).get(stream)) {
      state.SkipWithError("iterate_many failed");
      return;
    }
    for (auto document : stream) {
      simdjson::ondemand::document_reference reference;
      if (std::move(document).get(reference) || !TouchEveryField(reference, &sum)) {
        state.SkipWithError("simdjson failed");
        return;
      }
    }
    benchmark::DoNotOptimize(sum);
  }
  ReportRates(state, data);
}
BENCHMARK(BM_SimdjsonReferenceIterateMany)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
