// Writes N seed rows through floe's Iceberg data-file writer (Parquet with field ids, metrics,
// the table's codec) into a local folder, per codec, and prints rows/s and MB/s (input bytes:
// the strings' bytes plus 8 per timestamp) as the median of several runs.
//
//   table_write_bench [--rows N] [--runs K] [--codecs zstd,snappy,gzip,uncompressed] [--dir D]

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/column_vector.h"
#include "iceberg/partitioned_writer.h"
#include "iceberg/schema_json.h"
#include "iceberg/table_metadata.h"
#include "io/file_io.h"

namespace {

using floe::ColumnKind;
using floe::ColumnVector;

constexpr size_t kBatchRows = 8192;
constexpr int kSeedColumns = 6;

const char* kSchemaJson = R"({"type":"struct","fields":[
  {"id":1,"name":"account_id","required":false,"type":"string"},
  {"id":2,"name":"message_id","required":false,"type":"string"},
  {"id":3,"name":"message_body","required":false,"type":"string"},
  {"id":4,"name":"correlation_id","required":false,"type":"string"},
  {"id":5,"name":"message_status","required":false,"type":"string"},
  {"id":6,"name":"timestamp","required":false,"type":"timestamptz"}]})";

/// Seed-like batches, generated once and reused so the benchmark measures the writer only.
struct SeedBatches {
  std::vector<std::vector<ColumnVector>> batches;
  size_t input_bytes_per_cycle = 0;
};

SeedBatches MakeBatches(size_t batch_count) {
  static const char* kBodies[] = {"Gun is a dangerous thing",        "the weather is nice today",
                                  "they sold a GUN at the fair",     "lunch at noon?",
                                  "see you tomorrow at the station", "meeting moved to 3pm"};
  static const char* kStatuses[] = {"u_initial", "u_review", "u_final"};
  std::mt19937_64 random(42);
  SeedBatches out;
  int64_t ts = 1757581271318522;  // 2025-09-11T09:01:11.318522Z
  int64_t message_id = 6130343861034927;
  char uuid[40];
  for (size_t b = 0; b < batch_count; ++b) {
    std::vector<ColumnVector> columns;
    for (int c = 0; c < kSeedColumns - 1; ++c) columns.emplace_back(ColumnKind::kBytes);
    columns.emplace_back(ColumnKind::kInt64);
    for (size_t r = 0; r < kBatchRows; ++r) {
      uint64_t a = random(), z = random();
      std::snprintf(
          uuid, sizeof(uuid), "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
          static_cast<unsigned>(a & 0xFFFF), static_cast<unsigned>((a >> 16) & 0xFFF),
          static_cast<unsigned>(0x8000 | (z & 0x3FFF)), static_cast<unsigned long long>(z >> 16));
      std::string id = std::to_string(message_id++);
      std::string correlation = std::to_string(8000000000 + random() % 1000000000);
      const char* body = kBodies[random() % std::size(kBodies)];
      const char* status = kStatuses[random() % std::size(kStatuses)];
      columns[0].AppendBytes(uuid);
      columns[1].AppendBytes(id);
      columns[2].AppendBytes(body);
      columns[3].AppendBytes(correlation);
      columns[4].AppendBytes(status);
      ts += static_cast<int64_t>(random() % 2000000);
      columns[5].Append<int64_t>(ts);
    }
    for (int c = 0; c < kSeedColumns - 1; ++c) out.input_bytes_per_cycle += columns[c].bytes_size();
    out.input_bytes_per_cycle += kBatchRows * sizeof(int64_t);
    out.batches.push_back(std::move(columns));
  }
  return out;
}

struct RunResult {
  double seconds = 0;
  int64_t output_bytes = 0;
  size_t files = 0;
};

floe::Result<RunResult> RunOnce(const floe::iceberg::TableMetadata& metadata,
                                std::shared_ptr<floe::io::FileIO> io, const SeedBatches& data,
                                size_t rows) {
  FLOE_ASSIGN_OR_RAISE(auto writer, floe::iceberg::PartitionedWriter::Make(io, metadata));
  int64_t start = floe::MonotonicNanos();
  size_t written = 0;
  std::vector<const ColumnVector*> columns(kSeedColumns);
  while (written < rows) {
    const auto& batch = data.batches[(written / kBatchRows) % data.batches.size()];
    for (int c = 0; c < kSeedColumns; ++c) columns[c] = &batch[c];
    size_t take = std::min(kBatchRows, rows - written);
    FLOE_RETURN_IF_ERROR(writer->Write(columns, floe::Selection::All(take)));
    written += take;
  }
  FLOE_ASSIGN_OR_RAISE(auto files, writer->Finish());
  RunResult result;
  result.seconds = static_cast<double>(floe::MonotonicNanos() - start) / 1e9;
  for (const auto& file : files) result.output_bytes += file.file_size_in_bytes;
  result.files = files.size();
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  size_t rows = 10'000'000;
  int runs = 3;
  std::string codecs = "uncompressed,snappy,zstd,gzip";
  std::string dir = (std::filesystem::temp_directory_path() / "floe-table-write-bench").string();
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--rows")
      rows = std::strtoull(argv[i + 1], nullptr, 10);
    else if (flag == "--runs")
      runs = std::atoi(argv[i + 1]);
    else if (flag == "--codecs")
      codecs = argv[i + 1];
    else if (flag == "--dir")
      dir = argv[i + 1];
    else {
      std::fprintf(stderr, "unknown flag %s\n", argv[i]);
      return 2;
    }
  }
  auto schema = floe::iceberg::SchemaFromJsonText(kSchemaJson, "bench schema");
  if (!schema.ok()) {
    std::fprintf(stderr, "%s\n", schema.status().ToString().c_str());
    return 1;
  }
  auto io = floe::io::MakeFileIO(dir, {});
  if (!io.ok()) {
    std::fprintf(stderr, "%s\n", io.status().ToString().c_str());
    return 1;
  }
  // 16 distinct batches (131k rows): values vary, the generator's cost stays out of the timing.
  SeedBatches data = MakeBatches(16);
  double bytes_per_row =
      static_cast<double>(data.input_bytes_per_cycle) / static_cast<double>(16 * kBatchRows);
  std::printf("rows=%zu runs=%d input=%.1f bytes/row\n", rows, runs, bytes_per_row);
  std::printf("%-14s %12s %10s %12s %8s\n", "codec", "rows/s", "MB/s", "output MB", "files");

  size_t start = 0;
  while (start <= codecs.size()) {
    size_t comma = codecs.find(',', start);
    std::string codec =
        codecs.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? codecs.size() + 1 : comma + 1;
    std::filesystem::remove_all(dir);
    auto metadata =
        floe::iceberg::NewTableMetadata(*schema, floe::iceberg::PartitionSpec{}, dir + "/" + codec,
                                        {{"write.parquet.compression-codec", codec}});
    if (!metadata.ok()) {
      std::fprintf(stderr, "%s\n", metadata.status().ToString().c_str());
      return 1;
    }
    std::vector<RunResult> results;
    for (int r = 0; r < runs; ++r) {
      auto result = RunOnce(*metadata, *io, data, rows);
      if (!result.ok()) {
        std::fprintf(stderr, "%s: %s\n", codec.c_str(), result.status().ToString().c_str());
        return 1;
      }
      results.push_back(*result);
      std::filesystem::remove_all(dir + "/" + codec);
    }
    std::sort(results.begin(), results.end(),
              [](const RunResult& a, const RunResult& b) { return a.seconds < b.seconds; });
    const RunResult& median = results[results.size() / 2];
    double rows_per_s = static_cast<double>(rows) / median.seconds;
    std::printf("%-14s %12.0f %10.1f %12.1f %8zu\n", codec.c_str(), rows_per_s,
                rows_per_s * bytes_per_row / 1e6, static_cast<double>(median.output_bytes) / 1e6,
                median.files);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
