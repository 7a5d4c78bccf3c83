// TableReader over tables with several snapshots, partitions, position deletes, equality deletes
// and a deletion vector. Expected rows come from a plain model of what was written and deleted
// (never from floe's reader), and the v2 table is also judged by ../shared/peer/verify-table.mjs
// (DuckDB + icebird), which must accept floe's rows as its own: without node and the peer
// readers that part fails, it is the referee.

#include "stream/source/table_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "common/clock.h"
#include "common/uuid.h"
#include "format/json/row_encoder.h"
#include "iceberg/catalog/append_files.h"
#include "iceberg/catalog/catalog.h"
#include "iceberg/data_file_writer.h"
#include "iceberg/deletion_vector_file.h"
#include "iceberg/manifest_avro.h"
#include "iceberg/partitioned_writer.h"
#include "stream/json_fields.h"

namespace floe::stream {
namespace {

namespace fs = std::filesystem;
using iceberg::DataFile;
using iceberg::LoadedTable;

constexpr int32_t kDeleteFilePathId = 2147483546;
constexpr int32_t kDeletePosId = 2147483545;

/// One row of the model: what the table should hold.
struct ModelRow {
  int64_t id;
  std::optional<std::string> name;
  std::string kind;
  bool operator<(const ModelRow& o) const {
    return std::tie(id, name, kind) < std::tie(o.id, o.name, o.kind);
  }
  bool operator==(const ModelRow&) const = default;
};

std::string KindOf(int64_t id) { return std::string(1, static_cast<char>('a' + id % 3)); }
ModelRow RowFor(int64_t id) {
  return {id, id % 7 == 0 ? std::nullopt : std::optional<std::string>("n" + std::to_string(id)),
          KindOf(id)};
}

iceberg::Schema TableSchema() {
  using iceberg::Type;
  using iceberg::TypeId;
  return iceberg::Schema(0, {{1, "id", true, Type::Primitive(TypeId::kLong), ""},
                             {2, "name", false, Type::Primitive(TypeId::kString), ""},
                             {3, "kind", false, Type::Primitive(TypeId::kString), ""}});
}

class TableReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("floe_table_reader_" + NewUuid());
    fs::create_directories(dir_);
    auto catalog = iceberg::OpenWarehouseCatalog(dir_.string());
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    catalog_ = *catalog;
    ASSERT_TRUE(catalog_->CreateNamespace(*iceberg::Namespace::Parse("db"), {}).ok());
  }
  void TearDown() override {
    if (std::getenv("FLOE_KEEP_WORK") != nullptr) return;  // to look at the tables afterwards
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  LoadedTable Create(const std::string& name, const std::string& partition_by,
                     const std::string& format_version) {
    const iceberg::Schema schema = TableSchema();
    auto spec = iceberg::ParsePartitionBy(partition_by, schema);
    EXPECT_TRUE(spec.ok()) << spec.status().ToString();
    auto table = catalog_->CreateTable(*iceberg::TableIdentifier::Parse(name), schema, *spec, "",
                                       {{"format-version", format_version}});
    EXPECT_TRUE(table.ok()) << table.status().ToString();
    return *table;
  }

  std::vector<DataFile> WriteRows(const LoadedTable& table, const std::vector<ModelRow>& rows) {
    auto writer = iceberg::PartitionedWriter::Make(catalog_->file_io(), table.metadata);
    EXPECT_TRUE(writer.ok()) << writer.status().ToString();
    ColumnVector id(ColumnKind::kInt64), name(ColumnKind::kBytes), kind(ColumnKind::kBytes);
    for (const ModelRow& row : rows) {
      id.Append<int64_t>(row.id);
      row.name ? name.AppendBytes(*row.name) : name.AppendNull();
      kind.AppendBytes(row.kind);
    }
    std::vector<const ColumnVector*> columns = {&id, &name, &kind};
    EXPECT_TRUE((*writer)->Write(columns, Selection::All(rows.size())).ok());
    auto files = (*writer)->Finish();
    EXPECT_TRUE(files.ok()) << files.status().ToString();
    return *files;
  }

  LoadedTable Append(const LoadedTable& table, const std::vector<ModelRow>& rows) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // distinct commit times
    auto appended = iceberg::AppendFiles(*catalog_, table, WriteRows(table, rows));
    EXPECT_TRUE(appended.ok()) << appended.status().ToString();
    return appended->table;
  }

  /// A Parquet delete file (position or equality) written like a data file of `schema`.
  DataFile WriteDeleteFile(const iceberg::Schema& schema, std::vector<iceberg::Scalar> partition,
                           const std::vector<const ColumnVector*>& columns, size_t rows,
                           iceberg::DataFileContent content) {
    const std::string location = (dir_ / ("delete-" + NewUuid() + ".parquet")).string();
    auto writer = iceberg::DataFileWriter::Make(*catalog_->file_io(), location, schema,
                                                std::move(partition), {});
    EXPECT_TRUE(writer.ok()) << writer.status().ToString();
    EXPECT_TRUE((*writer)->Write(columns, Selection::All(rows)).ok());
    auto file = (*writer)->Close();
    EXPECT_TRUE(file.ok()) << file.status().ToString();
    file->content = content;
    return *file;
  }

  DataFile PositionDeletes(const std::vector<std::pair<std::string, int64_t>>& positions,
                           std::vector<iceberg::Scalar> partition) {
    using iceberg::Type;
    using iceberg::TypeId;
    const iceberg::Schema schema(
        0, {{kDeleteFilePathId, "file_path", true, Type::Primitive(TypeId::kString), ""},
            {kDeletePosId, "pos", true, Type::Primitive(TypeId::kLong), ""}});
    ColumnVector path(ColumnKind::kBytes), pos(ColumnKind::kInt64);
    for (const auto& [file, position] : positions) {
      path.AppendBytes(file);
      pos.Append<int64_t>(position);
    }
    return WriteDeleteFile(schema, std::move(partition), {&path, &pos}, positions.size(),
                           iceberg::DataFileContent::kPositionDeletes);
  }

  DataFile EqualityDeletes(const std::vector<int64_t>& ids,
                           std::vector<iceberg::Scalar> partition) {
    const iceberg::Schema schema(0, {TableSchema().fields()[0]});
    ColumnVector id(ColumnKind::kInt64);
    for (int64_t value : ids) id.Append<int64_t>(value);
    DataFile file = WriteDeleteFile(schema, std::move(partition), {&id}, ids.size(),
                                    iceberg::DataFileContent::kEqualityDeletes);
    file.equality_ids = {1};
    return file;
  }

  /// Commits data and delete files as one snapshot, as a row delta does (the commit path floe's
  /// writers use only appends so far).
  LoadedTable CommitRowDelta(const LoadedTable& base, const std::vector<DataFile>& data,
                             const std::vector<DataFile>& deletes) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    const iceberg::TableMetadata& metadata = base.metadata;
    io::FileIO& io = *catalog_->file_io();
    const int64_t snapshot_id = 1000000 + static_cast<int64_t>(metadata.snapshots.size());
    const int64_t sequence_number = metadata.last_sequence_number + 1;
    std::vector<iceberg::ManifestFile> manifests;
    if (const iceberg::Snapshot* parent = metadata.CurrentSnapshot()) {
      manifests = *iceberg::ReadManifestList(io, parent->manifest_list);
    }
    const std::string metadata_dir = metadata.location + "/metadata";
    auto add_manifest = [&](const std::vector<DataFile>& files, iceberg::ManifestContent content) {
      if (files.empty()) return;
      std::vector<iceberg::ManifestEntry> entries;
      for (const DataFile& file : files) {
        iceberg::ManifestEntry entry;
        entry.snapshot_id = snapshot_id;
        entry.data_file = file;
        entries.push_back(entry);
      }
      iceberg::ManifestWriteContext context;
      context.format_version = metadata.format_version;
      context.schema = metadata.CurrentSchema();
      context.spec = metadata.DefaultSpec();
      context.content = content;
      context.snapshot_id = snapshot_id;
      context.sequence_number = sequence_number;
      auto manifest =
          iceberg::WriteManifest(io, metadata_dir + "/" + NewUuid() + "-m0.avro", context, entries);
      ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
      manifests.insert(manifests.begin(), *manifest);
    };
    add_manifest(data, iceberg::ManifestContent::kData);
    add_manifest(deletes, iceberg::ManifestContent::kDeletes);
    iceberg::Snapshot snapshot;
    snapshot.snapshot_id = snapshot_id;
    snapshot.parent_snapshot_id = metadata.current_snapshot_id;
    snapshot.sequence_number = sequence_number;
    snapshot.timestamp_ms = std::max(NowMillis(), metadata.last_updated_ms + 1);
    snapshot.schema_id = metadata.current_schema_id;
    snapshot.summary = {{"operation", "overwrite"}};
    snapshot.manifest_list = metadata_dir + "/snap-" + std::to_string(snapshot_id) + ".avro";
    iceberg::ManifestListWriteContext list_context;
    list_context.format_version = metadata.format_version;
    list_context.snapshot_id = snapshot_id;
    list_context.parent_snapshot_id = snapshot.parent_snapshot_id;
    list_context.sequence_number = sequence_number;
    iceberg::TableMetadata updated = metadata;
    if (metadata.format_version >= 3) {
      int64_t rows = 0;
      for (const DataFile& file : data) rows += file.record_count;
      snapshot.first_row_id = metadata.next_row_id.value_or(0);
      snapshot.added_rows = rows;
      list_context.first_row_id = snapshot.first_row_id;
      updated.next_row_id = *snapshot.first_row_id + rows;
    }
    EXPECT_TRUE(
        iceberg::WriteManifestList(io, snapshot.manifest_list, list_context, manifests).ok());
    updated.snapshots.push_back(snapshot);
    updated.current_snapshot_id = snapshot_id;
    updated.last_sequence_number = sequence_number;
    updated.last_updated_ms = snapshot.timestamp_ms;
    updated.refs["main"] = iceberg::SnapshotRef{snapshot_id, "branch", {}, {}, {}};
    updated.snapshot_log.push_back({snapshot.timestamp_ms, snapshot_id});
    auto committed = catalog_->CommitTable(base, updated);
    EXPECT_TRUE(committed.ok()) << committed.status().ToString();
    return *committed;
  }

  /// The table's rows as the reader gives them, as model rows (every column read).
  std::vector<ModelRow> Read(const LoadedTable& table, TableReadOptions options,
                             iceberg::ScanStats* stats = nullptr) {
    auto reader = TableReader::Open(catalog_->file_io(), table.metadata, options);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    if (!reader.ok()) return {};
    if (stats != nullptr) *stats = (*reader)->scan().stats();
    std::vector<ModelRow> rows;
    EXPECT_TRUE((*reader)
                    ->Read([&](const std::vector<const ColumnVector*>& columns, Selection sel) {
                      for (size_t i = 0; i < sel.count; ++i) {
                        const size_t r = sel.Row(i);
                        ModelRow row{columns[0]->Value<int64_t>(r), std::nullopt,
                                     std::string(columns[2]->GetBytes(r))};
                        if (!columns[1]->IsNull(r)) row.name = std::string(columns[1]->GetBytes(r));
                        rows.push_back(row);
                      }
                      return Status::Ok();
                    })
                    .ok());
    std::sort(rows.begin(), rows.end());
    return rows;
  }

  /// What floe table scan --format jsonl prints: every row as one JSON line.
  std::string JsonLines(const LoadedTable& table) {
    auto reader = TableReader::Open(catalog_->file_io(), table.metadata, {});
    EXPECT_TRUE(reader.ok());
    auto encoder = json::RowEncoder::Make(*JsonFieldsFor((*reader)->output_schema()));
    std::string lines;
    EXPECT_TRUE((*reader)
                    ->Read([&](const std::vector<const ColumnVector*>& columns, Selection sel) {
                      return encoder->EncodeLines(columns, sel, &lines);
                    })
                    .ok());
    return lines;
  }

  static std::vector<ModelRow> Model(const std::vector<int64_t>& ids) {
    std::vector<ModelRow> rows;
    for (int64_t id : ids) rows.push_back(RowFor(id));
    std::sort(rows.begin(), rows.end());
    return rows;
  }
  static std::vector<int64_t> Range(int64_t from, int64_t to, std::set<int64_t> minus = {}) {
    std::vector<int64_t> ids;
    for (int64_t id = from; id < to; ++id) {
      if (minus.count(id) == 0) ids.push_back(id);
    }
    return ids;
  }

  fs::path dir_;
  std::shared_ptr<iceberg::Catalog> catalog_;
};

TEST_F(TableReaderTest, SnapshotsPartitionsPositionAndEqualityDeletes) {
  LoadedTable t0 = Create("db.events", "identity(kind)", "2");
  LoadedTable t1 = Append(t0, Model(Range(0, 30)));   // seq 1: three files, one per kind
  LoadedTable t2 = Append(t1, Model(Range(30, 45)));  // seq 2
  // The seq-1 file of kind a holds ids 0, 3, 6, ... in that order: positions 0 and 2 are 0, 6.
  std::string file_a;
  auto plan1 = iceberg::TableScan::Plan(*catalog_->file_io(), t1.metadata, {});
  ASSERT_TRUE(plan1.ok()) << plan1.status().ToString();
  for (const auto& task : plan1->tasks()) {
    if (task.data.file.partition == std::vector<iceberg::Scalar>{std::string("a")}) {
      file_a = task.data.file.file_path;
    }
  }
  ASSERT_FALSE(file_a.empty());
  // seq 3: position deletes in partition a (one names a file that is not in the table), and
  // equality deletes of ids 1, 31 and 2 in partition b: id 2 is of kind c and stays.
  LoadedTable t3 = CommitRowDelta(
      t2, {},
      {PositionDeletes({{"/elsewhere/x.parquet", 1}, {file_a, 0}, {file_a, 2}}, {std::string("a")}),
       EqualityDeletes({1, 31, 2}, {std::string("b")})});
  // seq 4: id 1 again, and in the same commit an equality delete of ids 1 and 34: it removes the
  // older 34 but not the new 1 (a delete applies to strictly older data only).
  ModelRow again{1, "again", "b"};
  LoadedTable t4 =
      CommitRowDelta(t3, WriteRows(t3, {again}), {EqualityDeletes({1, 34}, {std::string("b")})});

  std::vector<ModelRow> expected = Model(Range(0, 45, {0, 6, 1, 31, 34}));
  expected.push_back(again);
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(Read(t4, {}), expected);

  // Time travel: by id and as of each commit's time.
  const auto& snapshots = t4.metadata.snapshots;
  ASSERT_EQ(snapshots.size(), 4u);
  TableReadOptions at1;
  at1.snapshot_id = snapshots[0].snapshot_id;
  EXPECT_EQ(Read(t4, at1), Model(Range(0, 30)));
  TableReadOptions as_of2;
  as_of2.as_of_ms = snapshots[1].timestamp_ms;
  EXPECT_EQ(Read(t4, as_of2), Model(Range(0, 45)));
  TableReadOptions as_of3;
  as_of3.as_of_ms = snapshots[3].timestamp_ms - 1;
  EXPECT_EQ(Read(t4, as_of3), Model(Range(0, 45, {0, 6, 1, 31})));

  // A filter prunes by column bounds (ids >= 40 live only in seq-2 files and the new one) and
  // by partition, and is evaluated on every remaining row.
  iceberg::ScanStats stats;
  TableReadOptions high;
  high.where = "id >= 40";
  EXPECT_EQ(Read(t4, high, &stats), Model(Range(40, 45)));
  EXPECT_EQ(stats.data_files, 7);
  EXPECT_EQ(stats.pruned_files, 4);  // the three seq-1 files and the file holding only id 1
  TableReadOptions kind_a;
  kind_a.where = "kind = 'a' AND name IS NOT NULL";
  std::vector<ModelRow> a_rows;
  for (const ModelRow& row : expected) {
    if (row.kind == "a" && row.name) a_rows.push_back(row);
  }
  EXPECT_EQ(Read(t4, kind_a, &stats), a_rows);
  EXPECT_EQ(stats.pruned_files, 5);  // only the two files of partition a are read
  TableReadOptions limited;
  limited.limit = 3;
  EXPECT_EQ(Read(t4, limited).size(), 3u);

  // The outside referee reads the same table (as of seq 3: position and equality deletes) and
  // its own scan must find exactly floe's rows. Its second reader, icebird, reads one row fewer:
  // it applies a delete across the scoping this table tests (a position delete naming another
  // file, or an equality delete of another partition), which the spec forbids; those two
  // icebird checks are the only ones allowed to fail, and are reported, not hidden.
  const fs::path got = dir_ / "floe-rows.jsonl";
  std::ofstream(got) << JsonLines(t3);
  const char* peer_dir = std::getenv("FLOE_PEER_DIR");
  const std::string peer =
      (peer_dir ? std::string(peer_dir) : std::string(FLOE_SOURCE_DIR) + "/../shared/peer") +
      "/verify-table.mjs";
  const std::string command =
      "node '" + peer + "' '" + t3.metadata_location + "' --expect '" + got.string() + "' 2>&1";
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof(buffer), pipe)) output.append(buffer, n);
  pclose(pipe);
  ASSERT_NE(output.find("verify-table: "), std::string::npos) << output;
  std::istringstream lines(output);
  int failures = 0;
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("FAIL: ")) continue;
    ++failures;
    EXPECT_TRUE(line.starts_with("FAIL: icebird read")) << "verify-table: " << line;
  }
  EXPECT_LE(failures, 2) << output;
  std::cout << "verify-table on floe's rows: " << output.substr(output.rfind("verify-table: "));
}

TEST_F(TableReaderTest, DeletionVectorOnAV3Table) {
  LoadedTable t0 = Create("db.v3", "", "3");
  LoadedTable t1 = Append(t0, Model(Range(0, 10)));
  auto plan = iceberg::TableScan::Plan(*catalog_->file_io(), t1.metadata, {});
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->tasks().size(), 1u);
  const std::string data_path = plan->tasks()[0].data.file.file_path;
  iceberg::DeletionVector dv;
  for (int64_t position : {2, 5}) ASSERT_TRUE(dv.Add(position).ok());
  const std::vector<iceberg::DeletionVectorTarget> targets = {{data_path, {}, &dv}};
  auto dv_files = iceberg::WriteDeletionVectorFile(
      *catalog_->file_io(), t1.metadata.location + "/data/dv-" + NewUuid() + ".puffin", targets);
  ASSERT_TRUE(dv_files.ok()) << dv_files.status().ToString();
  LoadedTable t2 = CommitRowDelta(t1, {}, *dv_files);
  EXPECT_EQ(Read(t2, {}), Model(Range(0, 10, {2, 5})));
  TableReadOptions before;
  before.snapshot_id = t1.metadata.current_snapshot_id;
  EXPECT_EQ(Read(t2, before), Model(Range(0, 10)));
}

TEST_F(TableReaderTest, WrongInputsAreClearErrors) {
  LoadedTable table = Append(Create("db.errors", "", "2"), Model(Range(0, 3)));
  auto open = [&](TableReadOptions options) {
    return TableReader::Open(catalog_->file_io(), table.metadata, options).status();
  };
  TableReadOptions column;
  column.columns = {"id", "nope"};
  Status status = open(column);
  EXPECT_EQ(status.kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(status.message().find("unknown column 'nope' (the table has: id, name, kind)"),
            std::string::npos)
      << status.message();
  TableReadOptions where;
  where.where = "idd > 3";
  status = open(where);
  EXPECT_EQ(status.kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(status.message().find("--where"), std::string::npos) << status.message();
  EXPECT_NE(status.message().find("idd"), std::string::npos) << status.message();
  TableReadOptions not_boolean;
  not_boolean.where = "id + 1";
  EXPECT_EQ(open(not_boolean).kind(), ErrorKind::kInvalidArgument);
  TableReadOptions snapshot;
  snapshot.snapshot_id = 42;
  status = open(snapshot);
  EXPECT_EQ(status.kind(), ErrorKind::kNotFound);
  EXPECT_NE(status.message().find("snapshot 42 does not exist"), std::string::npos);
  TableReadOptions early;
  early.as_of_ms = 1000;
  EXPECT_EQ(open(early).kind(), ErrorKind::kNotFound);
}

}  // namespace
}  // namespace floe::stream
