// Load on `floe catalog serve` (issue 16): N committers append to one table through the REST
// API at once for a while, each commit one small Parquet file and a snapshot whose summary
// carries every committer's offset (its commit count), merged over the parent's as floe's jobs
// merge theirs. Then it checks that nothing was lost: every acknowledged snapshot is in the
// table's history (one ancestry chain), the newest snapshot's offsets are each committer's
// final count, and the total row count adds up. Prints one JSON line of figures.
//
//   catalog_load --uri URI --credential ID:SECRET --warehouse W --table NS.T
//                [--committers 8] [--seconds 60]

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/column_vector.h"
#include "iceberg/catalog/append_files.h"
#include "iceberg/partitioned_writer.h"
#include "iceberg/rest/rest_catalog.h"

namespace {

using floe::ColumnKind;
using floe::ColumnVector;
using floe::Result;
using floe::Status;
using namespace floe::iceberg;

constexpr int64_t kRowsPerCommit = 10;
constexpr const char* kOffsetPrefix = "bench.offset.";

struct Options {
  std::map<std::string, std::string> catalog;
  std::string table;
  int committers = 8;
  double seconds = 60;
};

struct CommitterResult {
  int64_t commits = 0;
  int64_t retries = 0;
  std::vector<double> latencies_ms;
  std::vector<int64_t> snapshot_ids;
  std::string error;
};

Result<std::vector<DataFile>> WriteRows(Catalog& catalog, const TableMetadata& metadata,
                                        int64_t first_id) {
  FLOE_ASSIGN_OR_RAISE(auto writer, PartitionedWriter::Make(catalog.file_io(), metadata));
  ColumnVector id(ColumnKind::kInt64);
  ColumnVector name(ColumnKind::kBytes);
  for (int64_t i = 0; i < kRowsPerCommit; ++i) {
    id.Append<int64_t>(first_id + i);
    name.AppendBytes(fmt::format("n{}", first_id + i));
  }
  std::vector<const ColumnVector*> columns = {&id, &name};
  FLOE_RETURN_IF_ERROR(
      writer->Write(columns, floe::Selection::All(static_cast<size_t>(kRowsPerCommit))));
  return writer->Finish();
}

/// Commits until the deadline; `index` names its offset key.
void Commit(const Options& options, int index, std::chrono::steady_clock::time_point deadline,
            CommitterResult* result) {
  auto fail = [&](const Status& status) { result->error = status.ToString(); };
  Result<std::shared_ptr<Catalog>> catalog = OpenRestCatalog(options.catalog);
  if (!catalog.ok()) return fail(catalog.status());
  const std::string key = fmt::format("{}{}", kOffsetPrefix, index);
  Result<TableIdentifier> id = TableIdentifier::Parse(options.table);
  if (!id.ok()) return fail(id.status());
  while (std::chrono::steady_clock::now() < deadline) {
    Result<LoadedTable> table = (*catalog)->LoadTable(*id);
    if (!table.ok()) return fail(table.status());
    const int64_t next = result->commits + 1;
    Result<std::vector<DataFile>> files =
        WriteRows(**catalog, table->metadata, (int64_t{index} << 40) + next * kRowsPerCommit);
    if (!files.ok()) return fail(files.status());
    AppendOptions append;
    append.max_retries = 1000;
    append.min_retry_wait_ms = 1;
    append.max_retry_wait_ms = 50;
    append.summary_for_base = [&](const TableMetadata& base,
                                  std::map<std::string, std::string>* summary) {
      if (const Snapshot* parent = base.CurrentSnapshot()) {
        for (const auto& [k, v] : parent->summary) {
          if (k.starts_with(kOffsetPrefix)) (*summary)[k] = v;
        }
      }
      (*summary)[key] = std::to_string(next);
      return Status::Ok();
    };
    const auto start = std::chrono::steady_clock::now();
    Result<AppendResult> appended = AppendFiles(**catalog, *table, *files, append);
    const auto end = std::chrono::steady_clock::now();
    if (!appended.ok()) return fail(appended.status());
    result->latencies_ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
    result->retries += appended->attempts - 1;
    result->snapshot_ids.push_back(appended->snapshot_id);
    result->commits = next;
  }
}

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t rank = static_cast<size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(rank, values.size() - 1)];
}

/// Every acknowledged snapshot on the main branch's ancestry, offsets intact, rows all there.
Status Check(const Options& options, const std::vector<CommitterResult>& results) {
  FLOE_ASSIGN_OR_RAISE(std::shared_ptr<Catalog> catalog, OpenRestCatalog(options.catalog));
  FLOE_ASSIGN_OR_RAISE(TableIdentifier id, TableIdentifier::Parse(options.table));
  FLOE_ASSIGN_OR_RAISE(LoadedTable table, catalog->LoadTable(id));
  const TableMetadata& metadata = table.metadata;
  std::set<int64_t> chain;
  for (const Snapshot* snapshot = metadata.CurrentSnapshot(); snapshot != nullptr;) {
    chain.insert(snapshot->snapshot_id);
    if (!snapshot->parent_snapshot_id) break;
    snapshot = metadata.SnapshotById(*snapshot->parent_snapshot_id);
  }
  int64_t total = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    total += results[i].commits;
    for (int64_t snapshot_id : results[i].snapshot_ids) {
      if (!chain.contains(snapshot_id)) {
        return floe::Internal("committer {}: acknowledged snapshot {} is not in the history", i,
                              snapshot_id);
      }
    }
    if (results[i].commits == 0) continue;
    const Snapshot* head = metadata.CurrentSnapshot();
    auto it = head->summary.find(fmt::format("{}{}", kOffsetPrefix, i));
    if (it == head->summary.end() || it->second != std::to_string(results[i].commits)) {
      return floe::Internal("committer {}: offset {} in the newest snapshot, {} commits", i,
                            it == head->summary.end() ? "missing" : it->second, results[i].commits);
    }
  }
  if (static_cast<int64_t>(chain.size()) != total) {
    return floe::Internal("{} snapshots in the history, {} commits acknowledged", chain.size(),
                          total);
  }
  const std::string records =
      metadata.CurrentSnapshot() ? metadata.CurrentSnapshot()->summary.at("total-records") : "0";
  if (records != std::to_string(total * kRowsPerCommit)) {
    return floe::Internal("total-records {}, expected {}", records, total * kRowsPerCommit);
  }
  return Status::Ok();
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--uri")
      options.catalog["uri"] = value;
    else if (flag == "--credential")
      options.catalog["credential"] = value;
    else if (flag == "--warehouse")
      options.catalog["warehouse"] = value;
    else if (flag == "--table")
      options.table = value;
    else if (flag == "--committers")
      options.committers = std::stoi(value);
    else if (flag == "--seconds")
      options.seconds = std::stod(value);
    else {
      std::cerr << "catalog_load: unknown flag " << flag << "\n";
      return 2;
    }
  }
  options.catalog["scope"] = "PRINCIPAL_ROLE:ALL";
  if (options.table.empty() || !options.catalog.contains("uri")) {
    std::cerr << "catalog_load: --uri and --table are required\n";
    return 2;
  }
  std::vector<CommitterResult> results(static_cast<size_t>(options.committers));
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                    std::chrono::duration<double>(options.seconds));
  std::vector<std::thread> threads;
  for (int i = 0; i < options.committers; ++i) {
    threads.emplace_back(Commit, std::cref(options), i, deadline, &results[static_cast<size_t>(i)]);
  }
  for (std::thread& thread : threads) thread.join();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<double> latencies;
  int64_t commits = 0;
  int64_t retries = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    if (!results[i].error.empty()) {
      std::cerr << "catalog_load: committer " << i << ": " << results[i].error << "\n";
      return 1;
    }
    commits += results[i].commits;
    retries += results[i].retries;
    latencies.insert(latencies.end(), results[i].latencies_ms.begin(),
                     results[i].latencies_ms.end());
  }
  Status checked = Check(options, results);
  if (!checked.ok()) {
    std::cerr << "catalog_load: LOST COMMITS: " << checked.ToString() << "\n";
    return 1;
  }
  std::cout << fmt::format(
      "{{\"committers\":{},\"seconds\":{:.1f},\"commits\":{},\"commits_per_s\":{:.1f},"
      "\"retries\":{},\"p50_ms\":{:.1f},\"p99_ms\":{:.1f},\"max_ms\":{:.1f},\"lost\":0}}\n",
      options.committers, elapsed, commits, static_cast<double>(commits) / elapsed, retries,
      Percentile(latencies, 0.5), Percentile(latencies, 0.99), Percentile(latencies, 1.0));
  return 0;
}
