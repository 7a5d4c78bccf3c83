// The upsert sink against a real warehouse: a generated change stream (inserts, updates that move
// keys between partitions, deletes, re-inserts, several changes of one key per checkpoint) whose
// final state is computed here by replaying it on a map; the table is read back file by file
// (data files minus the rows its position deletes name) and must equal that state exactly.

#include "stream/sink/iceberg_upsert_sink.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <span>

#include "../../iceberg/catalog/lossy_catalog.h"
#include "common/uuid.h"
#include "format/parquet/file_reader.h"
#include "iceberg/catalog/append_files.h"
#include "iceberg/catalog/table_files.h"
#include "iceberg/deletion_vector_file.h"
#include "iceberg/manifest_avro.h"
#include "iceberg/partitioned_writer.h"
#include "iceberg/position_delete_writer.h"

namespace floe::stream {
namespace {

namespace fs = std::filesystem;
using iceberg::NestedField;
using iceberg::Type;
using iceberg::TypeId;
using ::testing::HasSubstr;

struct Change {
  ChangeOp op;
  int64_t id;
  std::string name;
  std::string region;
};

using State = std::map<int64_t, std::pair<std::string, std::string>>;  // id → (name, region)

class IcebergUpsertSinkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("floe_upsert_test_" + NewUuid());
    auto catalog = iceberg::OpenWarehouseCatalog(dir_.string());
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    catalog_ = *catalog;
    schema_ = std::make_shared<iceberg::Schema>(
        0, std::vector<NestedField>{
               NestedField{1, "user_id", false, Type::Primitive(TypeId::kLong), ""},
               NestedField{2, "name", false, Type::Primitive(TypeId::kString), ""},
               NestedField{3, "region", false, Type::Primitive(TypeId::kString), ""}});
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  Result<std::unique_ptr<IcebergUpsertSink>> Open(const std::string& partition_by = "region",
                                                  std::shared_ptr<iceberg::Catalog> catalog = {}) {
    IcebergUpsertSinkOptions options;
    options.table.name = "current";
    options.table.table = *iceberg::TableIdentifier::Parse("streaming.users_current");
    options.table.create_if_missing = true;
    options.table.partition_by = partition_by;
    options.table.offsets_group = "job.users";
    options.table.data_file_prefix = "floe-job-";
    options.primary_key = {"user_id"};
    options.table.job_id = "job";
    options.table.properties["format-version"] = std::to_string(format_version_);
    return IcebergUpsertSink::Open(catalog ? catalog : catalog_, *schema_, std::move(options));
  }

  RecordBatch Batch(const std::vector<Change>& changes, int64_t first_offset) {
    RecordBatch batch;
    batch.schema = schema_;
    batch.columns.emplace_back(ColumnKind::kInt64);
    batch.columns.emplace_back(ColumnKind::kBytes);
    batch.columns.emplace_back(ColumnKind::kBytes);
    for (size_t i = 0; i < changes.size(); ++i) {
      batch.columns[0].Append<int64_t>(changes[i].id);
      batch.columns[1].AppendBytes(changes[i].name);
      batch.columns[2].AppendBytes(changes[i].region);
      batch.offsets.push_back(first_offset + static_cast<int64_t>(i));
      batch.change_ops.push_back(changes[i].op);
    }
    return batch;
  }

  CheckpointInfo Checkpoint(int64_t id, int64_t next_offset) {
    CheckpointInfo checkpoint;
    checkpoint.job_id = "job";
    checkpoint.checkpoint_id = id;
    checkpoint.offsets[TopicPartition{"users", 0}] = next_offset;
    return checkpoint;
  }

  /// The table's rows, read from its files: each data file's rows minus the positions the
  /// position delete files or deletion vectors name for it (at a sequence number at or above
  /// the data file's). A v3 table must hold deletion vectors only, at most one per data file.
  State ReadTable() {
    auto loaded = catalog_->LoadTable(*iceberg::TableIdentifier::Parse("streaming.users_current"));
    EXPECT_TRUE(loaded.ok());
    auto files = iceberg::ListTableFiles(*catalog_->file_io(), loaded->metadata);
    EXPECT_TRUE(files.ok()) << files.status().ToString();
    std::map<std::string, std::vector<std::pair<int64_t, int64_t>>> deleted;
    std::set<std::string> with_vector;
    for (const iceberg::LiveFile& live : files->deletes) {
      EXPECT_EQ(live.file.content_offset.has_value(), format_version_ >= 3) << live.file.file_path;
      if (live.file.content_offset) {
        const std::string& data_file = live.file.referenced_data_file.value_or("");
        EXPECT_TRUE(with_vector.insert(data_file).second) << "two DVs for " << data_file;
        auto vector = iceberg::ReadDeletionVector(*catalog_->file_io(), live.file);
        EXPECT_TRUE(vector.ok()) << vector.status().ToString();
        for (int64_t pos : vector->Positions()) {
          deleted[data_file].emplace_back(pos, live.data_sequence_number);
        }
        continue;
      }
      auto positions = iceberg::ReadPositionDeleteFile(*catalog_->file_io(), live.file);
      EXPECT_TRUE(positions.ok());
      for (const auto& p : *positions) {
        deleted[p.file_path].emplace_back(p.pos, live.data_sequence_number);
      }
    }
    State state;
    for (const iceberg::LiveFile& live : files->data) {
      auto input = catalog_->file_io()->NewInputFile(live.file.file_path);
      EXPECT_TRUE(input.ok());
      auto reader = parquet::FileReader::Open(std::move(input).value());
      EXPECT_TRUE(reader.ok());
      int64_t position = 0;
      for (int g = 0; g < (*reader)->num_row_groups(); ++g) {
        auto columns = (*reader)->ReadRowGroup(g);
        EXPECT_TRUE(columns.ok());
        for (size_t r = 0; r < (*columns)[0].size(); ++r, ++position) {
          bool gone = false;
          for (const auto& [pos, sequence] : deleted[live.file.file_path]) {
            gone |= pos == position && live.data_sequence_number <= sequence;
          }
          if (gone) continue;
          const int64_t id = (*columns)[0].Value<int64_t>(r);
          EXPECT_FALSE(state.contains(id)) << "key " << id << " is live twice";
          state[id] = {std::string((*columns)[1].GetBytes(r)),
                       std::string((*columns)[2].GetBytes(r))};
        }
      }
    }
    return state;
  }

  /// What a compaction by another engine commits: one "replace" snapshot whose manifests hold
  /// `files` as ADDED and every previous data and delete file as DELETED.
  Status ReplaceAllFiles(const iceberg::LoadedTable& table,
                         const std::vector<iceberg::DataFile>& files) {
    io::FileIO& io = *catalog_->file_io();
    const iceberg::TableMetadata& metadata = table.metadata;
    FLOE_ASSIGN_OR_RAISE(iceberg::TableFiles old, iceberg::ListTableFiles(io, metadata));
    const int64_t snapshot_id = iceberg::NewSnapshotId();
    const int64_t sequence = metadata.last_sequence_number + 1;
    std::vector<iceberg::ManifestEntry> data_entries;
    for (const iceberg::DataFile& file : files) {
      data_entries.push_back({iceberg::ManifestEntryStatus::kAdded, snapshot_id, {}, {}, file});
    }
    for (const iceberg::LiveFile& live : old.data) {
      data_entries.push_back({iceberg::ManifestEntryStatus::kDeleted, snapshot_id,
                              live.data_sequence_number, live.data_sequence_number, live.file});
    }
    std::vector<iceberg::ManifestEntry> delete_entries;
    for (const iceberg::LiveFile& live : old.deletes) {
      delete_entries.push_back({iceberg::ManifestEntryStatus::kDeleted, snapshot_id,
                                live.data_sequence_number, live.data_sequence_number, live.file});
    }
    iceberg::ManifestWriteContext context;
    context.format_version = metadata.format_version;
    context.schema = metadata.CurrentSchema();
    context.spec = metadata.DefaultSpec();
    context.snapshot_id = snapshot_id;
    context.sequence_number = sequence;
    const std::string base = metadata.location + "/metadata/rewrite-" + NewUuid();
    std::vector<iceberg::ManifestFile> manifests;
    FLOE_ASSIGN_OR_RAISE(iceberg::ManifestFile data_manifest,
                         iceberg::WriteManifest(io, base + "-m0.avro", context, data_entries));
    manifests.push_back(data_manifest);
    if (!delete_entries.empty()) {
      context.content = iceberg::ManifestContent::kDeletes;
      FLOE_ASSIGN_OR_RAISE(iceberg::ManifestFile delete_manifest,
                           iceberg::WriteManifest(io, base + "-m1.avro", context, delete_entries));
      manifests.push_back(delete_manifest);
    }
    iceberg::Snapshot snapshot;
    snapshot.snapshot_id = snapshot_id;
    snapshot.parent_snapshot_id = metadata.current_snapshot_id;
    snapshot.sequence_number = sequence;
    snapshot.timestamp_ms = metadata.last_updated_ms + 1;
    snapshot.schema_id = metadata.current_schema_id;
    snapshot.summary = {{"operation", "replace"}};
    snapshot.manifest_list = base + "-snap.avro";
    iceberg::ManifestListWriteContext list_context;
    list_context.format_version = metadata.format_version;
    list_context.snapshot_id = snapshot_id;
    list_context.parent_snapshot_id = snapshot.parent_snapshot_id;
    list_context.sequence_number = sequence;
    iceberg::TableMetadata updated = metadata;
    if (metadata.format_version >= 3) {  // row lineage: the rewritten rows get new ids
      list_context.first_row_id = metadata.next_row_id.value_or(0);
      snapshot.first_row_id = list_context.first_row_id;
      snapshot.added_rows = data_manifest.added_rows_count;
      updated.next_row_id = *snapshot.first_row_id + *snapshot.added_rows;
    }
    FLOE_RETURN_IF_ERROR(
        iceberg::WriteManifestList(io, snapshot.manifest_list, list_context, manifests));
    updated.snapshots.push_back(snapshot);
    updated.current_snapshot_id = snapshot_id;
    updated.last_sequence_number = sequence;
    updated.last_updated_ms = snapshot.timestamp_ms;
    updated.refs["main"] = iceberg::SnapshotRef{snapshot_id, "branch", {}, {}, {}};
    updated.snapshot_log.push_back({snapshot.timestamp_ms, snapshot_id});
    return catalog_->CommitTable(table, updated).status();
  }

  /// Generated changes in 12 checkpoints, the table read back after each; then a restarted sink
  /// goes on from the index the last snapshot names.
  void GeneratedChangesEndInTheExactFinalState();
  /// Another writer replaces every file of the table; the next upserts stay exact.
  void ForeignRewrite();

  fs::path dir_;
  int format_version_ = 2;
  std::shared_ptr<iceberg::Catalog> catalog_;
  std::shared_ptr<const iceberg::Schema> schema_;
};

void Apply(const Change& change, State* state) {
  if (change.op == ChangeOp::kDelete) {
    state->erase(change.id);
  } else {
    (*state)[change.id] = {change.name, change.region};
  }
}

void IcebergUpsertSinkTest::GeneratedChangesEndInTheExactFinalState() {
  auto sink = Open();
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  std::mt19937_64 random(15);
  const std::vector<std::string> regions = {"eu", "us", "ap"};
  State expected;
  int64_t offset = 0;
  for (int checkpoint = 1; checkpoint <= 12; ++checkpoint) {
    std::vector<Change> changes;
    for (int i = 0; i < 150; ++i) {
      const auto id = static_cast<int64_t>(random() % 60);
      const bool exists = expected.contains(id);
      Change change{exists ? ChangeOp::kUpdate : ChangeOp::kCreate, id,
                    fmt::format("n{}-{}", id, offset + i), regions[random() % regions.size()]};
      if (exists && random() % 4 == 0) {
        change.op = ChangeOp::kDelete;
        change.name = expected[id].first;  // the before image
        change.region = expected[id].second;
      } else if (checkpoint == 1 && random() % 3 == 0) {
        change.op = ChangeOp::kRead;
      }
      Apply(change, &expected);
      changes.push_back(change);
    }
    RecordBatch batch = Batch(changes, offset);
    offset += static_cast<int64_t>(changes.size());
    ASSERT_TRUE((*sink)->Write(batch, Selection::All(batch.num_rows())).ok());
    Status committed = (*sink)->Commit(Checkpoint(checkpoint, offset));
    ASSERT_TRUE(committed.ok()) << committed.ToString();
    ASSERT_EQ(ReadTable(), expected) << "after checkpoint " << checkpoint;
  }
  EXPECT_EQ((*sink)->index_rebuilds(), 1);  // once, on the empty table
  auto loaded = catalog_->LoadTable(*iceberg::TableIdentifier::Parse("streaming.users_current"));
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->metadata.snapshots.size(), 12u);  // one snapshot per checkpoint
  const iceberg::Schema* schema = loaded->metadata.CurrentSchema();
  EXPECT_EQ(schema->identifier_field_ids(), std::vector<int32_t>{1});
  EXPECT_TRUE(schema->FindFieldByName("user_id")->required);
  const iceberg::Snapshot* current = loaded->metadata.CurrentSnapshot();
  EXPECT_EQ(current->summary.at("operation"), "overwrite");
  EXPECT_TRUE(current->summary.contains("floe.state.job.current.key-index"));

  // A restarted sink loads the index the last snapshot names and goes on exactly.
  sink = Open();
  ASSERT_TRUE(sink.ok());
  std::vector<Change> more = {{ChangeOp::kDelete, expected.begin()->first, "", ""},
                              {ChangeOp::kCreate, 1000, "new", "eu"}};
  for (const Change& change : more) Apply(change, &expected);
  RecordBatch batch = Batch(more, offset);
  ASSERT_TRUE((*sink)->Write(batch, Selection::All(2)).ok());
  ASSERT_TRUE((*sink)->Commit(Checkpoint(13, offset + 2)).ok());
  EXPECT_EQ((*sink)->index_rebuilds(), 0);
  EXPECT_EQ(ReadTable(), expected);
}

TEST_F(IcebergUpsertSinkTest, GeneratedChangesEndInTheExactFinalState) {
  GeneratedChangesEndInTheExactFinalState();
}

// Format v3: deletion vectors instead of position delete files, one per data file; a later
// commit that deletes more rows of a file merges its vector and removes the old one.
TEST_F(IcebergUpsertSinkTest, V3GeneratedChangesEndInTheExactFinalStateWithDeletionVectors) {
  format_version_ = 3;
  GeneratedChangesEndInTheExactFinalState();
  auto loaded = catalog_->LoadTable(*iceberg::TableIdentifier::Parse("streaming.users_current"));
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->metadata.format_version, 3);
  int64_t removed = 0;
  for (const iceberg::Snapshot& snapshot : loaded->metadata.snapshots) {
    EXPECT_FALSE(snapshot.summary.contains("added-position-delete-files"));
    if (auto found = snapshot.summary.find("removed-delete-files");
        found != snapshot.summary.end()) {
      removed += std::stoll(found->second);
    }
  }
  EXPECT_GT(removed, 0) << "no commit merged and removed an older deletion vector";
  // The summary's totals follow the live delete files.
  auto files = iceberg::ListTableFiles(*catalog_->file_io(), loaded->metadata);
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(loaded->metadata.CurrentSnapshot()->summary.at("total-delete-files"),
            std::to_string(files->deletes.size()));
}

// A v3 table whose data file has a deletion vector that the sink does not know of (another
// writer's, added behind its index): the commit must not add a second one; it fails validation
// and is redone from a rebuilt index, which merges it.
TEST_F(IcebergUpsertSinkTest, V3AForeignDeletionVectorIsMergedNotDuplicated) {
  format_version_ = 3;
  auto sink = Open("");
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  State expected;
  std::vector<Change> first;
  for (int64_t id = 0; id < 10; ++id) first.push_back({ChangeOp::kCreate, id, "v1", "eu"});
  for (const Change& change : first) Apply(change, &expected);
  RecordBatch batch = Batch(first, 0);
  ASSERT_TRUE((*sink)->Write(batch, Selection::All(batch.num_rows())).ok());
  ASSERT_TRUE((*sink)->Commit(Checkpoint(1, 10)).ok());

  // Another writer deletes key 7 (position 7 of the one data file) with a DV of its own.
  auto loaded = catalog_->LoadTable(*iceberg::TableIdentifier::Parse("streaming.users_current"));
  ASSERT_TRUE(loaded.ok());
  auto files = iceberg::ListTableFiles(*catalog_->file_io(), loaded->metadata);
  ASSERT_TRUE(files.ok());
  ASSERT_EQ(files->data.size(), 1u);
  iceberg::DeletionVector vector;
  ASSERT_TRUE(vector.Add(7).ok());
  const iceberg::DeletionVectorTarget target{files->data[0].file.file_path, {}, &vector};
  auto dv = iceberg::WriteDeletionVectorFile(*catalog_->file_io(),
                                             loaded->metadata.location + "/data/other.puffin",
                                             std::span(&target, 1));
  ASSERT_TRUE(dv.ok()) << dv.status().ToString();
  iceberg::AppendOptions options;
  options.delete_files = *dv;
  ASSERT_TRUE(iceberg::AppendFiles(*catalog_, *loaded, {}, options).ok());
  expected.erase(7);

  std::vector<Change> second = {{ChangeOp::kUpdate, 3, "v2", "eu"}, {ChangeOp::kDelete, 4, "", ""}};
  for (const Change& change : second) Apply(change, &expected);
  batch = Batch(second, 10);
  ASSERT_TRUE((*sink)->Write(batch, Selection::All(2)).ok());
  Status committed = (*sink)->Commit(Checkpoint(2, 12));
  ASSERT_TRUE(committed.ok()) << committed.ToString();
  EXPECT_EQ((*sink)->index_rebuilds(), 2);  // on the empty table, then after the refused commit
  EXPECT_EQ(ReadTable(), expected);
}

// A table upgraded from v2 to v3 keeps its position delete files: a deletion vector for one of
// their data files would have to merge them, which the sink does not do: it says so, and
// commits nothing.
TEST_F(IcebergUpsertSinkTest, V3UpgradedTableWithPositionDeletesIsRefused) {
  auto sink = Open("");
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  RecordBatch batch =
      Batch({{ChangeOp::kCreate, 1, "a", "eu"}, {ChangeOp::kCreate, 2, "b", "eu"}}, 0);
  ASSERT_TRUE((*sink)->Write(batch, Selection::All(2)).ok());
  ASSERT_TRUE((*sink)->Commit(Checkpoint(1, 2)).ok());
  batch = Batch({{ChangeOp::kUpdate, 1, "a2", "eu"}}, 2);
  ASSERT_TRUE((*sink)->Write(batch, Selection::All(1)).ok());
  ASSERT_TRUE((*sink)->Commit(Checkpoint(2, 3)).ok());

  auto loaded = catalog_->LoadTable(*iceberg::TableIdentifier::Parse("streaming.users_current"));
  ASSERT_TRUE(loaded.ok());
  iceberg::TableMetadata upgraded = loaded->metadata;
  upgraded.format_version = 3;
  upgraded.next_row_id = 0;
  ASSERT_TRUE(catalog_->CommitTable(*loaded, upgraded).ok());
  const State before = ReadTable();

  sink = Open("");
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  batch = Batch({{ChangeOp::kUpdate, 2, "b2", "eu"}}, 3);
  ASSERT_TRUE((*sink)->Write(batch, Selection::All(1)).ok());
  Status committed = (*sink)->Commit(Checkpoint(3, 4));
  EXPECT_EQ(committed.kind(), ErrorKind::kNotSupported) << committed.ToString();
  EXPECT_THAT(committed.message(), HasSubstr("position delete file"));
  format_version_ = 2;  // ReadTable: the upgraded table still holds v2 position deletes
  EXPECT_EQ(ReadTable(), before);
}

TEST_F(IcebergUpsertSinkTest, InsertAndDeleteInOneCheckpointWritesNothingLive) {
  auto sink = Open();
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  RecordBatch batch = Batch({{ChangeOp::kCreate, 1, "a", "eu"},
                             {ChangeOp::kUpdate, 1, "b", "us"},
                             {ChangeOp::kDelete, 1, "b", "us"},
                             {ChangeOp::kCreate, 2, "c", "eu"}},
                            0);
  ASSERT_TRUE((*sink)->Write(batch, Selection::All(4)).ok());
  ASSERT_TRUE((*sink)->Commit(Checkpoint(1, 4)).ok());
  EXPECT_EQ(ReadTable(), (State{{2, {"c", "eu"}}}));
  auto loaded = catalog_->LoadTable(*iceberg::TableIdentifier::Parse("streaming.users_current"));
  EXPECT_EQ(loaded->metadata.CurrentSnapshot()->summary.at("total-records"), "1");
}

TEST_F(IcebergUpsertSinkTest, AForeignRewriteMakesTheIndexRebuildAndUpsertsStayExact) {
  for (int version : {2, 3}) {
    TearDown();
    SetUp();
    format_version_ = version;
    SCOPED_TRACE(fmt::format("format version {}", version));
    ForeignRewrite();
  }
}

void IcebergUpsertSinkTest::ForeignRewrite() {
  auto sink = Open("");
  ASSERT_TRUE(sink.ok()) << sink.status().ToString();
  State expected;
  std::vector<Change> first;
  for (int64_t id = 0; id < 20; ++id) first.push_back({ChangeOp::kCreate, id, "v1", "eu"});
  for (const Change& change : first) Apply(change, &expected);
  RecordBatch batch = Batch(first, 0);
  ASSERT_TRUE((*sink)->Write(batch, Selection::All(batch.num_rows())).ok());
  ASSERT_TRUE((*sink)->Commit(Checkpoint(1, 20)).ok());
  std::vector<Change> second = {{ChangeOp::kUpdate, 3, "v2", "eu"}, {ChangeOp::kDelete, 4, "", ""}};
  for (const Change& change : second) Apply(change, &expected);
  batch = Batch(second, 20);
  ASSERT_TRUE((*sink)->Write(batch, Selection::All(2)).ok());
  ASSERT_TRUE((*sink)->Commit(Checkpoint(2, 22)).ok());

  // Another writer compacts: one new data file with the live rows in another order, replacing
  // every data and delete file (a "replace" snapshot written by hand here).
  auto loaded = catalog_->LoadTable(*iceberg::TableIdentifier::Parse("streaming.users_current"));
  ASSERT_TRUE(loaded.ok());
  auto writer = iceberg::PartitionedWriter::Make(catalog_->file_io(), loaded->metadata);
  ASSERT_TRUE(writer.ok());
  ColumnVector ids(ColumnKind::kInt64), names(ColumnKind::kBytes), regions(ColumnKind::kBytes);
  for (auto it = expected.rbegin(); it != expected.rend(); ++it) {
    ids.Append<int64_t>(it->first);
    names.AppendBytes(it->second.first);
    regions.AppendBytes(it->second.second);
  }
  std::vector<const ColumnVector*> columns = {&ids, &names, &regions};
  ASSERT_TRUE((*writer)->Write(columns, Selection::All(ids.size())).ok());
  auto compacted = (*writer)->Finish();
  ASSERT_TRUE(compacted.ok());
  ASSERT_TRUE(ReplaceAllFiles(*loaded, *compacted).ok());
  ASSERT_EQ(ReadTable(), expected);

  std::vector<Change> third = {{ChangeOp::kUpdate, 3, "v3", "eu"},
                               {ChangeOp::kDelete, 5, "", ""},
                               {ChangeOp::kCreate, 4, "back", "eu"}};
  for (const Change& change : third) Apply(change, &expected);
  batch = Batch(third, 22);
  ASSERT_TRUE((*sink)->Write(batch, Selection::All(3)).ok());
  Status committed = (*sink)->Commit(Checkpoint(3, 25));
  ASSERT_TRUE(committed.ok()) << committed.ToString();
  EXPECT_EQ((*sink)->index_rebuilds(), 2);
  EXPECT_EQ(ReadTable(), expected);
}

using Lossy = iceberg::testing::LossyCatalog;

// iceberg#10431: a checkpoint whose commit failed goes with the next one, and the second change
// of a key (here its delete, then a re-insert) is not lost on the way; every outcome of the
// failed commit (refused, landed with a lost answer, lost before landing) ends exact.
TEST_F(IcebergUpsertSinkTest, AFailedCheckpointsChangesGoWithTheNextExactly) {
  for (int version : {2, 3})
    for (Lossy::Commit failure :
         {Lossy::Commit::kRefuse, Lossy::Commit::kLandThenLose, Lossy::Commit::kLoseBeforeLand}) {
      TearDown();
      SetUp();
      format_version_ = version;
      auto lossy = std::make_shared<Lossy>(catalog_);
      auto sink = Open("region", lossy);
      ASSERT_TRUE(sink.ok()) << sink.status().ToString();
      State expected;
      const std::vector<std::vector<Change>> checkpoints = {
          {{ChangeOp::kCreate, 1, "a", "eu"}, {ChangeOp::kCreate, 2, "b", "eu"}},
          {{ChangeOp::kUpdate, 1, "a2", "us"}, {ChangeOp::kDelete, 2, "b", "eu"}},  // fails
          {{ChangeOp::kDelete, 1, "a2", "us"},
           {ChangeOp::kCreate, 2, "b2", "ap"},
           {ChangeOp::kCreate, 3, "c", "eu"}},
          {{ChangeOp::kCreate, 1, "a3", "eu"}}};
      int64_t offset = 0;
      for (size_t i = 0; i < checkpoints.size(); ++i) {
        for (const Change& change : checkpoints[i]) Apply(change, &expected);
        RecordBatch batch = Batch(checkpoints[i], offset);
        offset += static_cast<int64_t>(batch.num_rows());
        ASSERT_TRUE((*sink)->Write(batch, Selection::All(batch.num_rows())).ok());
        if (i == 1) {
          lossy->Script({failure});
          lossy->FailLoadsAfterLostAnswers(1);  // the writer cannot find out at once
        }
        Status status = (*sink)->Commit(Checkpoint(static_cast<int64_t>(i) + 1, offset));
        EXPECT_EQ(status.ok(), i != 1) << status.ToString();
      }
      EXPECT_EQ(ReadTable(), expected)
          << "failure " << static_cast<int>(failure) << ", format version " << version;
    }
}

TEST_F(IcebergUpsertSinkTest, RefusesPlainRowsAndBadKeys) {
  auto sink = Open();
  ASSERT_TRUE(sink.ok());
  RecordBatch batch = Batch({{ChangeOp::kCreate, 1, "a", "eu"}}, 0);
  batch.change_ops.clear();
  Status status = (*sink)->Write(batch, Selection::All(1));
  EXPECT_THAT(status.message(), HasSubstr("needs a change stream"));

  IcebergUpsertSinkOptions options;
  options.table.name = "x";
  options.table.table = *iceberg::TableIdentifier::Parse("streaming.other");
  options.table.create_if_missing = true;
  options.primary_key = {"nope"};
  auto bad = IcebergUpsertSink::Open(catalog_, *schema_, options);
  EXPECT_THAT(bad.status().message(), HasSubstr("primary key column 'nope'"));
}

}  // namespace
}  // namespace floe::stream
