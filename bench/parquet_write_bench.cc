// Parquet write throughput on seed-like rows: six optional columns (account_id uuid string,
// message_id digits, message_body short sentence, correlation_id digits, message_status from a
// small set, timestamp micros), per codec, into a sink that only counts bytes. Bytes/s counts
// the input string bytes, as the project's throughput target does.

#include <benchmark/benchmark.h>

#include <array>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "common/column_vector.h"
#include "format/parquet/file_writer.h"

namespace {

using floe::ColumnKind;
using floe::ColumnVector;
using floe::Selection;
namespace parquet = floe::parquet;

constexpr size_t kRowsPerBatch = 4096;
constexpr size_t kBatches = 64;
constexpr int64_t kFirstTimestampMicros = 1757581271318522;  // 2025-09-11T09:01:11.318522Z

/// Counts what it is given and keeps nothing, so the benchmark measures encoding, not memcpy.
class CountingSink final : public floe::io::OutputStream {
 public:
  floe::Status Write(const void*, size_t size) override {
    position_ += static_cast<int64_t>(size);
    return floe::Status::Ok();
  }
  int64_t Position() const override { return position_; }
  floe::Status Close() override { return floe::Status::Ok(); }
  floe::Status Abort() override { return floe::Status::Ok(); }

 private:
  int64_t position_ = 0;
};

struct SeedData {
  std::vector<std::array<ColumnVector, 6>> batches;
  int64_t string_bytes = 0;
  int64_t rows = 0;
};

std::string Digits(std::mt19937_64& rng, int n) {
  std::string s(static_cast<size_t>(n), '0');
  for (auto& c : s) c = static_cast<char>('0' + rng() % 10);
  return s;
}

std::string Uuid(std::mt19937_64& rng) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) s.push_back('-');
    s.push_back(kHex[rng() % 16]);
  }
  return s;
}

const SeedData& Data() {
  static const SeedData data = [] {
    static const std::vector<std::string> kWords = {
        "gun",   "is",     "a",     "dangerous", "thing", "the",   "quick", "brown",
        "fox",   "jumps",  "over",  "lazy",      "dog",   "hello", "world", "message",
        "Kafka", "stream", "table", "water",     "light", "fire",  "green", "river",
        "stone", "paper",  "glass", "window",    "door",  "house", "road",  "cloud"};
    static const std::vector<std::string> kStatuses = {"u_initial", "u_processed", "u_failed",
                                                       "u_retry"};
    std::mt19937_64 rng(2025);
    SeedData d;
    for (size_t b = 0; b < kBatches; ++b) {
      std::array<ColumnVector, 6> cols = {
          ColumnVector(ColumnKind::kBytes), ColumnVector(ColumnKind::kBytes),
          ColumnVector(ColumnKind::kBytes), ColumnVector(ColumnKind::kBytes),
          ColumnVector(ColumnKind::kBytes), ColumnVector(ColumnKind::kInt64)};
      for (size_t r = 0; r < kRowsPerBatch; ++r) {
        std::string body;
        int words = 3 + static_cast<int>(rng() % 5);
        for (int w = 0; w < words; ++w) {
          if (w > 0) body.push_back(' ');
          body += kWords[rng() % kWords.size()];
        }
        std::array<std::string, 5> values = {Uuid(rng), Digits(rng, 16), body, Digits(rng, 10),
                                             kStatuses[rng() % kStatuses.size()]};
        for (size_t c = 0; c < values.size(); ++c) {
          cols[c].AppendBytes(values[c]);
          d.string_bytes += static_cast<int64_t>(values[c].size());
        }
        cols[5].Append<int64_t>(kFirstTimestampMicros + static_cast<int64_t>(d.rows) * 1000);
        ++d.rows;
      }
      d.batches.push_back(std::move(cols));
    }
    return d;
  }();
  return data;
}

parquet::Schema SeedSchema() {
  parquet::Schema schema;
  int32_t id = 1;
  for (const char* name :
       {"account_id", "message_id", "message_body", "correlation_id", "message_status"}) {
    parquet::ColumnDescriptor c;
    c.name = name;
    c.physical_type = parquet::PhysicalType::kByteArray;
    c.logical_type = parquet::LogicalType::String();
    c.field_id = id++;
    schema.columns.push_back(c);
  }
  parquet::ColumnDescriptor ts;
  ts.name = "timestamp";
  ts.physical_type = parquet::PhysicalType::kInt64;
  ts.logical_type =
      parquet::LogicalType::Timestamp(parquet::LogicalType::TimeUnit::kMicros, /*utc=*/true);
  ts.field_id = id;
  schema.columns.push_back(ts);
  return schema;
}

void BM_ParquetWriteSeedRows(benchmark::State& state) {
  const SeedData& data = Data();
  parquet::WriterProperties props;
  props.codec = static_cast<parquet::Codec>(state.range(0));
  int64_t file_bytes = 0;
  for (auto _ : state) {
    auto writer = parquet::FileWriter::Make(std::make_unique<CountingSink>(), SeedSchema(), props);
    if (!writer.ok()) {
      state.SkipWithError(writer.status().ToString().c_str());
      return;
    }
    for (const auto& batch : data.batches) {
      std::array<const ColumnVector*, 6> columns;
      for (size_t c = 0; c < batch.size(); ++c) columns[c] = &batch[c];
      floe::Status s = (*writer)->WriteBatch(columns, Selection::All(kRowsPerBatch));
      if (!s.ok()) {
        state.SkipWithError(s.ToString().c_str());
        return;
      }
    }
    floe::Status s = (*writer)->Close();
    if (!s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      return;
    }
    file_bytes = (*writer)->summary().file_size_bytes;
  }
  state.SetBytesProcessed(state.iterations() * data.string_bytes);
  state.SetItemsProcessed(state.iterations() * data.rows);
  state.counters["file_MiB"] = static_cast<double>(file_bytes) / (1 << 20);
  state.SetLabel(std::string(parquet::CodecName(props.codec)));
}

BENCHMARK(BM_ParquetWriteSeedRows)
    ->Arg(static_cast<int>(parquet::Codec::kUncompressed))
    ->Arg(static_cast<int>(parquet::Codec::kSnappy))
    ->Arg(static_cast<int>(parquet::Codec::kZstd))
    ->Arg(static_cast<int>(parquet::Codec::kGzip))
    ->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
