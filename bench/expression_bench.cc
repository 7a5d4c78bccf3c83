// Expression engine speed on the seed job's filter, `lower(message_body) LIKE '%gun%'`, over
// 1M seed-like message bodies cut into batches of kBatchRows, with 10% and 100% of the rows
// matching; plus the same predicate written other ways (ILIKE, with the lowered string built,
// as a regular expression) and a column-vs-literal comparison, for scale.
//
// Run: ninja -C build expression_bench && ./build/bench/expression_bench
// items_per_second is rows/s on one core; bytes_per_second is body bytes/s.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "stream/expr/expression.h"

namespace {

using floe::ColumnKind;
using floe::ColumnVector;
using floe::Selection;
using floe::stream::BoundExpression;
using floe::stream::EvalContext;
using floe::stream::RecordBatch;

constexpr size_t kRows = 1'000'000;
// Rows per batch: the streaming job cuts batches of a few thousand rows.
constexpr size_t kBatchRows = 4096;
constexpr uint64_t kSeed = 20250911;
constexpr int kMinWords = 3;
constexpr int kMaxWords = 12;
constexpr int kPercent = 100;

// Words without "gun" in any case, some close to it, so that a search meets near misses.
const char* const kWords[] = {
    "hello",   "world",      "this",        "is",     "a",    "message", "about", "the",
    "weather", "Dangerous",  "thing",       "GUM",    "guy",  "Gnu",     "ugly",  "gusto",
    "meeting", "at",         "10",          "please", "call", "me",      "back",  "invoice",
    "puppy",   "g\xc3\xbcn", "caf\xc3\xa9", "GU",     "nu",   "Great"};
const char* const kGunWords[] = {"Gun", "GUN", "gun", "shotgun", "gunman", "Shotgun"};

struct Dataset {
  std::shared_ptr<floe::iceberg::Schema> schema;
  std::vector<RecordBatch> batches;
  size_t body_bytes = 0;
};

Dataset MakeDataset(int match_percent) {
  Dataset data;
  data.schema = std::make_shared<floe::iceberg::Schema>(
      0, std::vector<floe::iceberg::NestedField>{
             {1, "message_body", false,
              floe::iceberg::Type::Primitive(floe::iceberg::TypeId::kString), ""},
             {2, "n", false, floe::iceberg::Type::Primitive(floe::iceberg::TypeId::kLong), ""}});
  std::mt19937_64 random(kSeed);
  for (size_t start = 0; start < kRows; start += kBatchRows) {
    RecordBatch batch;
    batch.schema = data.schema;
    batch.columns.emplace_back(ColumnKind::kBytes);
    batch.columns.emplace_back(ColumnKind::kInt64);
    const size_t rows = std::min(kBatchRows, kRows - start);
    for (size_t r = 0; r < rows; ++r) {
      const int words = kMinWords + static_cast<int>(random() % (kMaxWords - kMinWords + 1));
      const bool match = static_cast<int>(random() % kPercent) < match_percent;
      const int gun_at = match ? static_cast<int>(random() % static_cast<uint64_t>(words)) : -1;
      std::string body;
      for (int w = 0; w < words; ++w) {
        if (w > 0) body.push_back(' ');
        body += w == gun_at ? kGunWords[random() % std::size(kGunWords)]
                            : kWords[random() % std::size(kWords)];
      }
      data.body_bytes += body.size();
      batch.columns[0].AppendBytes(body);
      batch.columns[1].Append<int64_t>(static_cast<int64_t>(random() % kPercent));
      batch.offsets.push_back(static_cast<int64_t>(start + r));
    }
    data.batches.push_back(std::move(batch));
  }
  return data;
}

const Dataset& DatasetFor(int match_percent) {
  static const Dataset kTen = MakeDataset(10);
  static const Dataset kAll = MakeDataset(100);
  return match_percent == 100 ? kAll : kTen;
}

// Filters every batch of the data set once per iteration: 36 MB of bodies, so the search reads
// them from memory. With `cache_hot`, filters the first batch again and again instead, as the job
// does with a batch it has just decoded (4096 rows, about 150 KB, sit in L2).
void RunFilter(benchmark::State& state, const char* text, bool cache_hot = false) {
  const Dataset& data = DatasetFor(static_cast<int>(state.range(0)));
  auto bound = BoundExpression::Bind(text, *data.schema);
  if (!bound.ok()) {
    state.SkipWithError(bound.status().ToString().c_str());
    return;
  }
  EvalContext ctx;
  std::vector<uint32_t> rows;
  size_t kept = 0;
  size_t rows_per_pass = 0;
  for (auto _ : state) {
    kept = 0;
    rows_per_pass = 0;
    for (size_t b = 0; b < data.batches.size(); ++b) {
      const RecordBatch& batch = data.batches[cache_hot ? 0 : b];
      auto status = (*bound)->Filter(batch, Selection::All(batch.num_rows()), ctx, &rows);
      if (!status.ok()) {
        state.SkipWithError(status.ToString().c_str());
        return;
      }
      kept += rows.size();
      rows_per_pass += batch.num_rows();
    }
    benchmark::DoNotOptimize(kept);
  }
  state.counters["kept_percent"] =
      100.0 * static_cast<double>(kept) / static_cast<double>(rows_per_pass);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * rows_per_pass));
  // Hot runs read the first batch every time; its bytes stand in for the average batch's.
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * data.body_bytes));
}

void BM_SeedFilter(benchmark::State& state) {
  RunFilter(state, "lower(message_body) LIKE '%gun%'");
}
void BM_SeedFilterCacheHot(benchmark::State& state) {
  RunFilter(state, "lower(message_body) LIKE '%gun%'", /*cache_hot=*/true);
}
void BM_Ilike(benchmark::State& state) { RunFilter(state, "message_body ILIKE '%gun%'"); }
// trim() between lower() and LIKE stops the fusion: the lowered strings are built.
void BM_LowerMaterialized(benchmark::State& state) {
  RunFilter(state, "trim(lower(message_body)) LIKE '%gun%'");
}
void BM_RegexpLike(benchmark::State& state) {
  RunFilter(state, "regexp_like(message_body, '(?i)gun')");
}
void BM_LongCompare(benchmark::State& state) { RunFilter(state, "n < 10"); }
void BM_SeedFilterAndCompare(benchmark::State& state) {
  RunFilter(state, "lower(message_body) LIKE '%gun%' AND n < 50");
}

BENCHMARK(BM_SeedFilter)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SeedFilterCacheHot)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Ilike)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LowerMaterialized)->Arg(10)->Arg(100)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_RegexpLike)->Arg(10)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_LongCompare)->Arg(10)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SeedFilterAndCompare)->Arg(10)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
