#include "iceberg/manifest_avro.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>

#include "iceberg/conversions.h"
#include "iceberg/schema_json.h"

namespace floe::iceberg {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

// Above 2^53: an id that a reader using doubles for longs would round.
constexpr int64_t kSnapshotId = 8'234'567'890'123'456'789;
constexpr int64_t kParentSnapshotId = 1'234'567'890'123'456'789;
constexpr int64_t kSequenceNumber = 7;
constexpr int32_t kDays20251101 = 20393;

TypePtr T(TypeId id) { return Type::Primitive(id); }

Schema TestSchema() {
  return Schema(3, {
                       NestedField{1, "id", true, T(TypeId::kLong), {}},
                       NestedField{2, "name", false, T(TypeId::kString), {}},
                       NestedField{3, "ts", false, T(TypeId::kTimestampTz), {}},
                       NestedField{4, "amount", false, Type::Decimal(9, 2), {}},
                       NestedField{5, "score", false, T(TypeId::kDouble), {}},
                       NestedField{6, "u", false, T(TypeId::kUuid), {}},
                   });
}

PartitionSpec TestSpec() {
  return PartitionSpec{2,
                       {
                           {3, 1000, "ts_day", Transform{TransformKind::kDay, 0}},
                           {1, 1001, "id_bucket", Transform::Bucket(16)},
                           {2, 1002, "name_trunc", Transform::Truncate(4)},
                           {4, 1003, "amount", Transform::Identity()},
                           {5, 1004, "score", Transform::Identity()},
                           {6, 1005, "u", Transform::Identity()},
                       }};
}

const std::string kUuid("\xf7\x9c\x3e\x09\x67\x7c\x4b\xbd\xa4\x79\x3f\x34\x9c\xb7\x85\xe7", 16);

DataFile MakeDataFile(std::string path, std::vector<Scalar> partition, int64_t records) {
  DataFile file;
  file.file_path = std::move(path);
  file.partition = std::move(partition);
  file.record_count = records;
  file.file_size_in_bytes = records * 100;
  file.column_sizes = {{1, 400}, {2, 250}};
  file.value_counts = {{1, records}, {2, records}};
  file.null_value_counts = {{1, 0}, {2, 1}};
  file.nan_value_counts = {{5, 0}};
  file.lower_bounds = {{1, *ToSingleValue(*T(TypeId::kLong), Scalar(int64_t{-5}))}, {2, "aé"}};
  file.upper_bounds = {{1, *ToSingleValue(*T(TypeId::kLong), Scalar(int64_t{kSnapshotId}))},
                       {2, "zz"}};
  file.split_offsets = {4, 1'000'000};
  file.sort_order_id = 0;
  return file;
}

std::vector<ManifestEntry> TestEntries() {
  std::vector<ManifestEntry> entries(4);
  entries[0].status = ManifestEntryStatus::kAdded;
  entries[0].data_file =
      MakeDataFile("s3://b/t/data/a.parquet",
                   {Scalar(kDays20251101), Scalar(int32_t{3}), Scalar(std::string("abcd")),
                    Scalar(int64_t{-1420}), Scalar(2.5), Scalar(kUuid)},
                   10);
  entries[0].data_file.key_metadata = std::string("\x00\x01", 2);
  entries[1].status = ManifestEntryStatus::kAdded;
  entries[1].data_file = MakeDataFile("s3://b/t/data/b.parquet",
                                      {Scalar(kDays20251101 + 1), Scalar(int32_t{15}), Scalar(),
                                       Scalar(int64_t{99}), Scalar(std::nan("")), Scalar()},
                                      20);
  entries[1].data_file.split_offsets.clear();
  entries[1].data_file.sort_order_id.reset();
  entries[2].status = ManifestEntryStatus::kExisting;
  entries[2].snapshot_id = kParentSnapshotId;
  entries[2].sequence_number = 3;
  entries[2].file_sequence_number = 3;
  entries[2].data_file =
      MakeDataFile("s3://b/t/data/c.parquet",
                   {Scalar(kDays20251101 - 400), Scalar(int32_t{0}), Scalar(std::string("zz")),
                    Scalar(int64_t{0}), Scalar(-0.0), Scalar(kUuid)},
                   30);
  entries[3].status = ManifestEntryStatus::kDeleted;
  entries[3].snapshot_id = kSnapshotId;
  entries[3].sequence_number = 2;
  entries[3].file_sequence_number = 1;
  entries[3].data_file =
      MakeDataFile("s3://b/t/data/d.parquet",
                   {Scalar(kDays20251101), Scalar(int32_t{1}), Scalar(std::string("")),
                    Scalar(int64_t{5}), Scalar(0.0), Scalar(kUuid)},
                   40);
  return entries;
}

// Runs `command` and returns what it printed on stdout.
std::string RunCommand(const std::string& command) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return out;
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe.get())) > 0) out.append(buffer, n);
  return out;
}

const std::string kAvscDir = FLOE_SOURCE_DIR "/../shared/peer/node_modules/avsc";
const std::string kDumpScript = FLOE_SOURCE_DIR "/tests/tools/manifest/dump_avro.mjs";
const std::string kForeignScript = FLOE_SOURCE_DIR "/tests/tools/manifest/write_foreign.mjs";

bool HaveNodeAndAvsc() {
  return std::filesystem::exists(kAvscDir) && RunCommand("node --version 2>/dev/null").size() > 0;
}

// The file as avsc reads it (see dump_avro.mjs).
json ReadWithAvsc(const std::string& path) {
  const std::string text =
      RunCommand("node '" + kDumpScript + "' '" + kAvscDir + "' '" + path + "'");
  return json::parse(text, nullptr, /*allow_exceptions=*/false);
}

const json* FindByName(const json& fields, std::string_view name) {
  for (const json& field : fields) {
    if (field.value("name", "") == name) return &field;
  }
  return nullptr;
}

// The non-null branch of an optional field's ["null", T] union, checking its form.
json OptionalBranch(const json& field) {
  EXPECT_TRUE(field["type"].is_array()) << field.dump();
  EXPECT_EQ(field["type"][0], "null") << field.dump();
  EXPECT_TRUE(field.contains("default") && field["default"].is_null()) << field.dump();
  return field["type"].is_array() ? field["type"][1] : json();
}

void ExpectIds(const json& fields, const std::vector<std::pair<std::string, int>>& expected) {
  ASSERT_EQ(fields.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(fields[i]["name"], expected[i].first);
    EXPECT_EQ(fields[i]["field-id"], expected[i].second) << expected[i].first;
  }
}

void ExpectIntMap(const json& data_file_fields, std::string_view name, int key_id, int value_id,
                  std::string_view value_type) {
  const json* field = FindByName(data_file_fields, name);
  ASSERT_NE(field, nullptr) << name;
  const json array = OptionalBranch(*field);
  EXPECT_EQ(array["type"], "array");
  EXPECT_EQ(array["logicalType"], "map");
  const json& record = array["items"];
  EXPECT_EQ(record["name"], fmt::format("k{}_v{}", key_id, value_id));
  ExpectIds(record["fields"], {{"key", key_id}, {"value", value_id}});
  EXPECT_EQ(record["fields"][0]["type"], "int");
  EXPECT_EQ(record["fields"][1]["type"], value_type);
}

class ManifestAvroTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "floe_manifest_test_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    Result<std::shared_ptr<io::FileIO>> io = io::MakeFileIO(dir_, {});
    ASSERT_TRUE(io.ok()) << io.status().ToString();
    io_ = *io;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Path(std::string_view name) const { return dir_ + "/" + std::string(name); }

  Result<ManifestFile> Write(const std::string& path, int32_t format_version = 2) {
    ManifestWriteContext context;
    context.format_version = format_version;
    context.schema = &schema_;
    context.spec = &spec_;
    context.snapshot_id = kSnapshotId;
    context.sequence_number = kSequenceNumber;
    const std::vector<ManifestEntry> entries = TestEntries();
    return WriteManifest(*io_, path, context, entries);
  }

  std::string dir_;
  std::shared_ptr<io::FileIO> io_;
  Schema schema_ = TestSchema();
  PartitionSpec spec_ = TestSpec();
};

TEST_F(ManifestAvroTest, WriteReturnsTheManifestListEntry) {
  Result<ManifestFile> manifest = Write(Path("m0.avro"));
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  EXPECT_EQ(manifest->manifest_path, Path("m0.avro"));
  EXPECT_EQ(manifest->manifest_length,
            static_cast<int64_t>(std::filesystem::file_size(Path("m0.avro"))));
  EXPECT_EQ(manifest->partition_spec_id, 2);
  EXPECT_EQ(manifest->content, ManifestContent::kData);
  EXPECT_EQ(manifest->sequence_number, kSequenceNumber);
  EXPECT_EQ(manifest->min_sequence_number, 2);  // the deleted entry's
  EXPECT_EQ(manifest->added_snapshot_id, kSnapshotId);
  EXPECT_EQ(manifest->added_files_count, 2);
  EXPECT_EQ(manifest->existing_files_count, 1);
  EXPECT_EQ(manifest->deleted_files_count, 1);
  EXPECT_EQ(manifest->added_rows_count, 30);
  EXPECT_EQ(manifest->existing_rows_count, 30);
  EXPECT_EQ(manifest->deleted_rows_count, 40);

  ASSERT_EQ(manifest->partitions.size(), 6u);
  const auto bound = [](const TypePtr& type, const Scalar& v) { return *ToSingleValue(*type, v); };
  const PartitionFieldSummary& day = manifest->partitions[0];
  EXPECT_FALSE(day.contains_null);
  EXPECT_EQ(day.contains_nan, std::nullopt);
  EXPECT_EQ(day.lower_bound, bound(T(TypeId::kDate), Scalar(kDays20251101 - 400)));
  EXPECT_EQ(day.upper_bound, bound(T(TypeId::kDate), Scalar(kDays20251101 + 1)));
  const PartitionFieldSummary& name = manifest->partitions[2];
  EXPECT_TRUE(name.contains_null);
  EXPECT_EQ(name.lower_bound, "");
  EXPECT_EQ(name.upper_bound, "zz");
  const PartitionFieldSummary& amount = manifest->partitions[3];
  EXPECT_EQ(amount.lower_bound, bound(Type::Decimal(9, 2), Scalar(int64_t{-1420})));
  EXPECT_EQ(amount.upper_bound, bound(Type::Decimal(9, 2), Scalar(int64_t{99})));
  const PartitionFieldSummary& score = manifest->partitions[4];
  EXPECT_FALSE(score.contains_null);
  EXPECT_EQ(score.contains_nan, true);
  EXPECT_EQ(score.lower_bound, bound(T(TypeId::kDouble), Scalar(-0.0)));
  EXPECT_EQ(score.upper_bound, bound(T(TypeId::kDouble), Scalar(2.5)));
  const PartitionFieldSummary& uuid = manifest->partitions[5];
  EXPECT_TRUE(uuid.contains_null);
  EXPECT_EQ(uuid.lower_bound, kUuid);
}

TEST_F(ManifestAvroTest, MinSequenceNumberOfOnlyAddedEntriesIsTheCommits) {
  ManifestWriteContext context{2, &schema_, &spec_, ManifestContent::kData, kSnapshotId, 11};
  std::vector<ManifestEntry> entries = TestEntries();
  entries.resize(2);
  Result<ManifestFile> manifest = WriteManifest(*io_, Path("added.avro"), context, entries);
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  EXPECT_EQ(manifest->min_sequence_number, 11);
  EXPECT_EQ(manifest->deleted_files_count, 0);
}

TEST_F(ManifestAvroTest, RoundTripInheritsSequenceNumbersForAddedEntries) {
  Result<ManifestFile> manifest = Write(Path("m1.avro"));
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  Result<std::vector<ManifestEntry>> read = ReadManifest(*io_, *manifest, schema_, spec_);
  ASSERT_TRUE(read.ok()) << read.status().ToString();

  std::vector<ManifestEntry> expected = TestEntries();
  for (ManifestEntry& entry : expected) {
    if (entry.status != ManifestEntryStatus::kAdded) continue;
    entry.snapshot_id = kSnapshotId;
    entry.sequence_number = kSequenceNumber;
    entry.file_sequence_number = kSequenceNumber;
  }
  ASSERT_EQ(read->size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    ManifestEntry got = (*read)[i];
    ManifestEntry want = expected[i];
    // NaN != NaN: compare that partition value apart.
    if (i == 1) {
      EXPECT_TRUE(std::isnan(std::get<double>(got.data_file.partition[4])));
      got.data_file.partition[4] = want.data_file.partition[4] = Scalar(0.0);
    }
    EXPECT_EQ(got, want) << "entry " << i;
  }
}

TEST_F(ManifestAvroTest, NeverOverwrites) {
  ASSERT_TRUE(Write(Path("m2.avro")).ok());
  Result<ManifestFile> again = Write(Path("m2.avro"));
  ASSERT_FALSE(again.ok());
  EXPECT_TRUE(again.status().IsAlreadyExists()) << again.status().ToString();
}

TEST_F(ManifestAvroTest, RejectsBadEntries) {
  ManifestWriteContext context{2, &schema_, &spec_, ManifestContent::kData, kSnapshotId, 1};
  std::vector<ManifestEntry> entries = TestEntries();
  entries[0].data_file.partition.pop_back();
  Result<ManifestFile> short_partition = WriteManifest(*io_, Path("bad1.avro"), context, entries);
  EXPECT_THAT(short_partition.status().message(), HasSubstr("has 5 partition values"));

  entries = TestEntries();
  entries[0].data_file.partition[1] = Scalar(int64_t{3});  // bucket values are ints
  EXPECT_THAT(WriteManifest(*io_, Path("bad2.avro"), context, entries).status().message(),
              HasSubstr("id_bucket"));

  entries = TestEntries();
  entries[2].sequence_number.reset();
  EXPECT_THAT(WriteManifest(*io_, Path("bad3.avro"), context, entries).status().message(),
              HasSubstr("needs its sequence number"));

  entries = TestEntries();
  entries[0].data_file.content = DataFileContent::kEqualityDeletes;
  EXPECT_THAT(WriteManifest(*io_, Path("bad4.avro"), context, entries).status().message(),
              HasSubstr("delete file"));
  EXPECT_FALSE(std::filesystem::exists(Path("bad1.avro")));
}

TEST_F(ManifestAvroTest, ManifestListRoundTrip) {
  Result<ManifestFile> ours = Write(Path("m3.avro"));
  ASSERT_TRUE(ours.ok()) << ours.status().ToString();
  ManifestFile older = *ours;
  older.manifest_path = Path("older.avro");
  older.added_snapshot_id = kParentSnapshotId;
  older.sequence_number = 4;
  older.min_sequence_number = 1;
  older.content = ManifestContent::kDeletes;
  older.key_metadata = std::string("k\0y", 3);
  const std::vector<ManifestFile> manifests = {*ours, older};

  // The commit was retried: its sequence number is now 9, not the 7 of the first attempt.
  constexpr int64_t kRetriedSequenceNumber = 9;
  ManifestListWriteContext context{2, kSnapshotId, kParentSnapshotId, kRetriedSequenceNumber, {}};
  ASSERT_TRUE(WriteManifestList(*io_, Path("snap.avro"), context, manifests).ok());
  EXPECT_TRUE(WriteManifestList(*io_, Path("snap.avro"), context, manifests).IsAlreadyExists());

  Result<std::vector<ManifestFile>> read = ReadManifestList(*io_, Path("snap.avro"));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->size(), 2u);
  ManifestFile expected_ours = *ours;
  expected_ours.sequence_number = kRetriedSequenceNumber;
  expected_ours.min_sequence_number = 2;  // explicit, from the deleted entry: unchanged
  EXPECT_EQ((*read)[0], expected_ours);
  EXPECT_EQ((*read)[1], older);

  // And the entries read through the list inherit the retried number.
  Result<std::vector<ManifestEntry>> entries = ReadManifest(*io_, (*read)[0], schema_, spec_);
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  EXPECT_EQ((*entries)[0].sequence_number, kRetriedSequenceNumber);
  EXPECT_EQ((*entries)[2].sequence_number, 3);
}

TEST_F(ManifestAvroTest, ManifestListMovesAnAddedOnlyMinimumWithTheCommit) {
  ManifestWriteContext context{2, &schema_, &spec_, ManifestContent::kData, kSnapshotId, 5};
  std::vector<ManifestEntry> entries = TestEntries();
  entries.resize(2);
  Result<ManifestFile> manifest = WriteManifest(*io_, Path("m4.avro"), context, entries);
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  const std::vector<ManifestFile> manifests = {*manifest};
  ManifestListWriteContext list{2, kSnapshotId, std::nullopt, 6, {}};
  ASSERT_TRUE(WriteManifestList(*io_, Path("snap4.avro"), list, manifests).ok());
  Result<std::vector<ManifestFile>> read = ReadManifestList(*io_, Path("snap4.avro"));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ((*read)[0].sequence_number, 6);
  EXPECT_EQ((*read)[0].min_sequence_number, 6);
}

TEST_F(ManifestAvroTest, ReadErrorsSayWhichFile) {
  ASSERT_TRUE(io_->WriteFile(Path("junk.avro"), "not avro", io::WriteMode::kCreateNew).ok());
  Result<std::vector<ManifestFile>> list = ReadManifestList(*io_, Path("junk.avro"));
  ASSERT_FALSE(list.ok());
  EXPECT_THAT(list.status().message(), HasSubstr("junk.avro"));
  ManifestFile manifest;
  manifest.manifest_path = Path("junk.avro");
  EXPECT_THAT(ReadManifest(*io_, manifest, schema_, spec_).status().message(),
              HasSubstr("junk.avro"));
  // A manifest list is not a manifest.
  const std::vector<ManifestFile> none;
  ASSERT_TRUE(WriteManifestList(*io_, Path("empty.avro"), {2, 1, {}, 1, {}}, none).ok());
  manifest.manifest_path = Path("empty.avro");
  EXPECT_FALSE(ReadManifest(*io_, manifest, schema_, spec_).ok());
}

// ---- the same files through avsc, an Avro reader floe did not write ----

TEST_F(ManifestAvroTest, AvscReadsTheManifestWithTheSpecsSchema) {
  ASSERT_TRUE(HaveNodeAndAvsc()) << "node or " << kAvscDir
                                 << " is missing: run scripts/install-deps.sh";
  ASSERT_TRUE(Write(Path("m5.avro")).ok());
  const json file = ReadWithAvsc(Path("m5.avro"));
  ASSERT_TRUE(file.is_object()) << "avsc could not read the manifest";

  EXPECT_EQ(file["codec"], "deflate");
  const json& meta = file["metadata"];
  EXPECT_EQ(meta["avro.codec"], "deflate");
  EXPECT_EQ(meta["schema-id"], "3");
  EXPECT_EQ(meta["partition-spec-id"], "2");
  EXPECT_EQ(meta["format-version"], "2");
  EXPECT_EQ(meta["content"], "data");
  EXPECT_EQ(json::parse(meta["schema"].get<std::string>()), SchemaToJson(schema_));
  const json partition_spec = json::parse(meta["partition-spec"].get<std::string>());
  EXPECT_EQ(partition_spec, PartitionFieldsToJson(spec_));
  EXPECT_EQ(partition_spec[0],
            json::parse(R"({"source-id":3,"field-id":1000,"name":"ts_day","transform":"day"})"));

  const json& schema = file["schema"];
  EXPECT_EQ(schema["name"], "manifest_entry");
  ExpectIds(schema["fields"], {{"status", 0},
                               {"snapshot_id", 1},
                               {"sequence_number", 3},
                               {"file_sequence_number", 4},
                               {"data_file", 2}});
  EXPECT_EQ(schema["fields"][0]["type"], "int");
  for (int i = 1; i <= 3; ++i) EXPECT_EQ(OptionalBranch(schema["fields"][i]), "long");
  const json& data_file = schema["fields"][4]["type"];
  EXPECT_EQ(data_file["name"], "r2");
  const json& df = data_file["fields"];
  ExpectIds(df, {{"content", 134},
                 {"file_path", 100},
                 {"file_format", 101},
                 {"partition", 102},
                 {"record_count", 103},
                 {"file_size_in_bytes", 104},
                 {"column_sizes", 108},
                 {"value_counts", 109},
                 {"null_value_counts", 110},
                 {"nan_value_counts", 137},
                 {"lower_bounds", 125},
                 {"upper_bounds", 128},
                 {"key_metadata", 131},
                 {"split_offsets", 132},
                 {"equality_ids", 135},
                 {"sort_order_id", 140}});
  ExpectIntMap(df, "column_sizes", 117, 118, "long");
  ExpectIntMap(df, "value_counts", 119, 120, "long");
  ExpectIntMap(df, "null_value_counts", 121, 122, "long");
  ExpectIntMap(df, "nan_value_counts", 138, 139, "long");
  ExpectIntMap(df, "lower_bounds", 126, 127, "bytes");
  ExpectIntMap(df, "upper_bounds", 129, 130, "bytes");
  EXPECT_EQ(OptionalBranch(*FindByName(df, "split_offsets"))["element-id"], 133);
  EXPECT_EQ(OptionalBranch(*FindByName(df, "equality_ids"))["element-id"], 136);
  EXPECT_EQ(OptionalBranch(*FindByName(df, "key_metadata")), "bytes");
  EXPECT_EQ(OptionalBranch(*FindByName(df, "sort_order_id")), "int");

  const json& partition = df[3]["type"];
  EXPECT_EQ(partition["name"], "r102");
  ExpectIds(partition["fields"], {{"ts_day", 1000},
                                  {"id_bucket", 1001},
                                  {"name_trunc", 1002},
                                  {"amount", 1003},
                                  {"score", 1004},
                                  {"u", 1005}});
  const json& pf = partition["fields"];
  EXPECT_EQ(OptionalBranch(pf[0]), json::parse(R"({"type":"int","logicalType":"date"})"));
  EXPECT_EQ(OptionalBranch(pf[1]), "int");
  EXPECT_EQ(OptionalBranch(pf[2]), "string");
  EXPECT_EQ(OptionalBranch(pf[3]), json::parse(R"({"type":"fixed","name":"decimal_9_2","size":4,
                                                 "logicalType":"decimal","precision":9,
                                                 "scale":2})"));
  EXPECT_EQ(OptionalBranch(pf[4]), "double");
  EXPECT_EQ(OptionalBranch(pf[5]), json::parse(R"({"type":"fixed","name":"uuid_fixed","size":16,
                                                 "logicalType":"uuid"})"));

  const json& rows = file["rows"];
  ASSERT_EQ(rows.size(), 4u);
  const json& added = rows[0];
  EXPECT_EQ(added["status"], 1);
  EXPECT_EQ(added["snapshot_id"].get<int64_t>(), kSnapshotId);  // exact beyond 2^53
  EXPECT_TRUE(added["sequence_number"].is_null());
  EXPECT_TRUE(added["file_sequence_number"].is_null());
  const json& a = added["data_file"];
  EXPECT_EQ(a["content"], 0);
  EXPECT_EQ(a["file_path"], "s3://b/t/data/a.parquet");
  EXPECT_EQ(a["file_format"], "PARQUET");
  EXPECT_EQ(a["record_count"], 10);
  EXPECT_EQ(a["file_size_in_bytes"], 1000);
  EXPECT_EQ(a["partition"], json::parse(fmt::format(
                                R"({{"ts_day":{},"id_bucket":3,"name_trunc":"abcd",
                                    "amount":"fffffa74","score":2.5,
                                    "u":"f79c3e09677c4bbda4793f349cb785e7"}})",
                                kDays20251101)));
  EXPECT_EQ(a["column_sizes"], json::parse(R"([{"key":1,"value":400},{"key":2,"value":250}])"));
  EXPECT_EQ(a["lower_bounds"],
            json::parse(R"([{"key":1,"value":"fbffffffffffffff"},{"key":2,"value":"61c3a9"}])"));
  EXPECT_EQ(a["upper_bounds"][0]["value"], "1581a511de0f4772");  // kSnapshotId, little-endian
  EXPECT_EQ(a["split_offsets"], json::parse("[4, 1000000]"));
  EXPECT_EQ(a["key_metadata"], "0001");
  EXPECT_TRUE(a["equality_ids"].is_null());
  EXPECT_EQ(a["sort_order_id"], 0);
  EXPECT_TRUE(rows[1]["data_file"]["split_offsets"].is_null());
  EXPECT_TRUE(rows[1]["data_file"]["partition"]["name_trunc"].is_null());
  const json& existing = rows[2];
  EXPECT_EQ(existing["status"], 0);
  EXPECT_EQ(existing["snapshot_id"].get<int64_t>(), kParentSnapshotId);
  EXPECT_EQ(existing["sequence_number"], 3);
  EXPECT_EQ(existing["file_sequence_number"], 3);
  EXPECT_EQ(rows[3]["status"], 2);
  EXPECT_EQ(rows[3]["sequence_number"], 2);
  EXPECT_EQ(rows[3]["file_sequence_number"], 1);
}

TEST_F(ManifestAvroTest, AvscReadsTheManifestListWithTheSpecsSchema) {
  ASSERT_TRUE(HaveNodeAndAvsc()) << "node or " << kAvscDir
                                 << " is missing: run scripts/install-deps.sh";
  Result<ManifestFile> manifest = Write(Path("m6.avro"));
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  const std::vector<ManifestFile> manifests = {*manifest};
  ASSERT_TRUE(WriteManifestList(*io_, Path("snap6.avro"),
                                {2, kSnapshotId, std::nullopt, kSequenceNumber, {}}, manifests)
                  .ok());
  const json file = ReadWithAvsc(Path("snap6.avro"));
  ASSERT_TRUE(file.is_object()) << "avsc could not read the manifest list";

  EXPECT_EQ(file["codec"], "deflate");
  const json& meta = file["metadata"];
  EXPECT_EQ(meta["snapshot-id"], std::to_string(kSnapshotId));
  EXPECT_EQ(meta["parent-snapshot-id"], "null");
  EXPECT_EQ(meta["sequence-number"], "7");
  EXPECT_EQ(meta["format-version"], "2");
  EXPECT_FALSE(meta.contains("first-row-id"));

  const json& schema = file["schema"];
  EXPECT_EQ(schema["name"], "manifest_file");
  ExpectIds(schema["fields"], {{"manifest_path", 500},
                               {"manifest_length", 501},
                               {"partition_spec_id", 502},
                               {"content", 517},
                               {"sequence_number", 515},
                               {"min_sequence_number", 516},
                               {"added_snapshot_id", 503},
                               {"added_files_count", 504},
                               {"existing_files_count", 505},
                               {"deleted_files_count", 506},
                               {"added_rows_count", 512},
                               {"existing_rows_count", 513},
                               {"deleted_rows_count", 514},
                               {"partitions", 507},
                               {"key_metadata", 519}});
  // Every count is required in v2.
  for (size_t i = 0; i < 13; ++i) EXPECT_TRUE(schema["fields"][i]["type"].is_string()) << i;
  const json partitions = OptionalBranch(schema["fields"][13]);
  EXPECT_EQ(partitions["element-id"], 508);
  EXPECT_EQ(partitions["items"]["name"], "r508");
  const json& summary = partitions["items"]["fields"];
  ExpectIds(
      summary,
      {{"contains_null", 509}, {"contains_nan", 518}, {"lower_bound", 510}, {"upper_bound", 511}});
  EXPECT_EQ(summary[0]["type"], "boolean");
  EXPECT_EQ(OptionalBranch(summary[1]), "boolean");
  EXPECT_EQ(OptionalBranch(summary[2]), "bytes");

  ASSERT_EQ(file["rows"].size(), 1u);
  const json& row = file["rows"][0];
  EXPECT_EQ(row["manifest_path"], Path("m6.avro"));
  EXPECT_EQ(row["manifest_length"].get<int64_t>(), manifest->manifest_length);
  EXPECT_EQ(row["partition_spec_id"], 2);
  EXPECT_EQ(row["content"], 0);
  EXPECT_EQ(row["sequence_number"], 7);
  EXPECT_EQ(row["min_sequence_number"], 2);
  EXPECT_EQ(row["added_snapshot_id"].get<int64_t>(), kSnapshotId);
  EXPECT_EQ(row["added_files_count"], 2);
  EXPECT_EQ(row["existing_files_count"], 1);
  EXPECT_EQ(row["deleted_files_count"], 1);
  EXPECT_EQ(row["added_rows_count"], 30);
  EXPECT_EQ(row["existing_rows_count"], 30);
  EXPECT_EQ(row["deleted_rows_count"], 40);
  ASSERT_EQ(row["partitions"].size(), 6u);
  EXPECT_EQ(row["partitions"][1], json::parse(R"({"contains_null":false,"contains_nan":null,
                            "lower_bound":"00000000","upper_bound":"0f000000"})"));
  EXPECT_EQ(row["partitions"][4]["contains_nan"], true);
  EXPECT_TRUE(row["key_metadata"].is_null());
}

TEST_F(ManifestAvroTest, FormatVersion3AddsRowLineageFields) {
  ASSERT_TRUE(HaveNodeAndAvsc()) << "node or " << kAvscDir
                                 << " is missing: run scripts/install-deps.sh";
  Result<ManifestFile> manifest = Write(Path("m7.avro"), 3);
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  const json entries = ReadWithAvsc(Path("m7.avro"));
  ASSERT_TRUE(entries.is_object());
  EXPECT_EQ(entries["metadata"]["format-version"], "3");
  const json& df = entries["schema"]["fields"][4]["type"]["fields"];
  ASSERT_EQ(df.size(), 20u);
  EXPECT_EQ((*FindByName(df, "first_row_id"))["field-id"], 142);
  EXPECT_EQ((*FindByName(df, "referenced_data_file"))["field-id"], 143);
  EXPECT_EQ((*FindByName(df, "content_offset"))["field-id"], 144);
  EXPECT_EQ((*FindByName(df, "content_size_in_bytes"))["field-id"], 145);

  const std::vector<ManifestFile> manifests = {*manifest, *manifest};
  ASSERT_TRUE(WriteManifestList(*io_, Path("snap7.avro"),
                                {3, kSnapshotId, kParentSnapshotId, kSequenceNumber, 100},
                                manifests)
                  .ok());
  const json list = ReadWithAvsc(Path("snap7.avro"));
  ASSERT_TRUE(list.is_object());
  EXPECT_EQ(list["metadata"]["first-row-id"], "100");
  EXPECT_EQ(list["metadata"]["parent-snapshot-id"], std::to_string(kParentSnapshotId));
  const json& fields = list["schema"]["fields"];
  EXPECT_EQ(fields.back()["name"], "first_row_id");
  EXPECT_EQ(fields.back()["field-id"], 520);
  // Consecutive ranges: each manifest covers its added and existing rows (30 + 30).
  EXPECT_EQ(list["rows"][0]["first_row_id"], 100);
  EXPECT_EQ(list["rows"][1]["first_row_id"], 160);

  Result<std::vector<ManifestFile>> read = ReadManifestList(*io_, Path("snap7.avro"));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ((*read)[1].first_row_id, 160);
  // v3 manifests read back like v2 ones.
  Result<std::vector<ManifestEntry>> read_entries = ReadManifest(*io_, (*read)[0], schema_, spec_);
  ASSERT_TRUE(read_entries.ok()) << read_entries.status().ToString();
  EXPECT_EQ(read_entries->size(), 4u);
}

// Files written by avsc in layouts of other writers (see write_foreign.mjs): v1 names and
// optional counts, reordered fields, extra fields, a renamed partition field.
TEST_F(ManifestAvroTest, ReadsFilesOfOtherWriters) {
  ASSERT_TRUE(HaveNodeAndAvsc()) << "node or " << kAvscDir
                                 << " is missing: run scripts/install-deps.sh";
  RunCommand("node '" + kForeignScript + "' '" + kAvscDir + "' '" + dir_ + "'");
  const Schema schema(0, {NestedField{1, "id", true, T(TypeId::kLong), {}},
                          NestedField{2, "ts", false, T(TypeId::kTimestamp), {}}});
  const PartitionSpec spec{0,
                           {{2, 1000, "ts_day", Transform{TransformKind::kDay, 0}},
                            {1, 1001, "id_bucket", Transform::Bucket(4)}}};

  Result<std::vector<ManifestFile>> list = ReadManifestList(*io_, Path("list-v1.avro"));
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 1u);
  const ManifestFile& v1 = (*list)[0];
  EXPECT_EQ(v1.manifest_path, Path("manifest-v1.avro"));
  EXPECT_EQ(v1.manifest_length, 1234);
  EXPECT_EQ(v1.content, ManifestContent::kData);
  EXPECT_EQ(v1.sequence_number, 0);
  EXPECT_EQ(v1.min_sequence_number, 0);
  EXPECT_EQ(v1.added_snapshot_id, 77);
  EXPECT_EQ(v1.added_files_count, 1);
  EXPECT_EQ(v1.existing_files_count, 0);
  EXPECT_EQ(v1.added_rows_count, 5);
  ASSERT_EQ(v1.partitions.size(), 2u);
  EXPECT_EQ(v1.partitions[0].lower_bound, std::string("\x4d\x4f\x00\x00", 4));
  EXPECT_TRUE(v1.partitions[1].contains_null);
  EXPECT_EQ(v1.partitions[1].lower_bound, std::nullopt);

  Result<std::vector<ManifestEntry>> v1_entries = ReadManifest(*io_, v1, schema, spec);
  ASSERT_TRUE(v1_entries.ok()) << v1_entries.status().ToString();
  ASSERT_EQ(v1_entries->size(), 1u);
  const ManifestEntry& e = (*v1_entries)[0];
  EXPECT_EQ(e.status, ManifestEntryStatus::kAdded);
  EXPECT_EQ(e.snapshot_id, 77);
  EXPECT_EQ(e.sequence_number, 0);  // v1: everything is sequence number 0
  EXPECT_EQ(e.file_sequence_number, 0);
  EXPECT_EQ(e.data_file.content, DataFileContent::kData);
  EXPECT_EQ(e.data_file.file_path, "s3://b/t/data/v1.parquet");
  EXPECT_EQ(e.data_file.file_format, FileFormat::kParquet);  // written in lower case
  EXPECT_EQ(e.data_file.partition, (std::vector<Scalar>{Scalar(int32_t{20301}), Scalar()}));
  EXPECT_EQ(e.data_file.record_count, 5);
  EXPECT_EQ(e.data_file.value_counts, (std::map<int32_t, int64_t>{{1, 5}}));
  EXPECT_EQ(e.data_file.lower_bounds.at(1), std::string("\x01\0\0\0\0\0\0\0", 8));
  EXPECT_EQ(e.data_file.split_offsets, std::vector<int64_t>{4});
  EXPECT_TRUE(e.data_file.column_sizes.empty());

  ManifestFile v2;
  v2.manifest_path = Path("manifest-v2.avro");
  v2.content = ManifestContent::kDeletes;
  v2.sequence_number = 5;
  v2.added_snapshot_id = 88;
  Result<std::vector<ManifestEntry>> v2_entries = ReadManifest(*io_, v2, schema, spec);
  ASSERT_TRUE(v2_entries.ok()) << v2_entries.status().ToString();
  ASSERT_EQ(v2_entries->size(), 2u);
  const ManifestEntry& added = (*v2_entries)[0];
  EXPECT_EQ(added.snapshot_id, 88);
  EXPECT_EQ(added.sequence_number, 5);
  EXPECT_EQ(added.file_sequence_number, 5);
  EXPECT_EQ(added.data_file.content, DataFileContent::kEqualityDeletes);
  // id_bucket was renamed in this file; its field id finds it.
  EXPECT_EQ(added.data_file.partition,
            (std::vector<Scalar>{Scalar(int32_t{20302}), Scalar(int32_t{3})}));
  EXPECT_EQ(added.data_file.equality_ids, std::vector<int32_t>{1});
  EXPECT_EQ(added.data_file.null_value_counts, (std::map<int32_t, int64_t>{{1, 0}}));
  EXPECT_EQ(added.data_file.sort_order_id, std::nullopt);
  const ManifestEntry& existing = (*v2_entries)[1];
  EXPECT_EQ(existing.status, ManifestEntryStatus::kExisting);
  EXPECT_EQ(existing.snapshot_id, 66);
  EXPECT_EQ(existing.sequence_number, 2);
  EXPECT_EQ(existing.file_sequence_number, 1);
  EXPECT_EQ(existing.data_file.partition, (std::vector<Scalar>{Scalar(), Scalar()}));
  EXPECT_EQ(existing.data_file.equality_ids, (std::vector<int32_t>{1, 2}));
  EXPECT_EQ(existing.data_file.sort_order_id, 0);
}

}  // namespace
}  // namespace floe::iceberg
