#include "iceberg/table_metadata_json.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "iceberg/schema_json.h"

namespace floe::iceberg {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

constexpr int64_t kMaxId = std::numeric_limits<int64_t>::max();  // 9223372036854775807
constexpr int64_t kJavaId = 3051729675574597004;                 // a real snapshot id: above 2^53

NestedField Field(int32_t id, std::string name, bool required, TypePtr type) {
  return NestedField{id, std::move(name), required, std::move(type), {}};
}

// The seed scenario's table: six optional columns, the last a timestamptz.
Schema MessagesSchema() {
  std::vector<NestedField> fields;
  int32_t id = 1;
  for (const char* name :
       {"account_id", "message_id", "message_body", "correlation_id", "message_status"}) {
    fields.push_back(Field(id++, name, false, Type::Primitive(TypeId::kString)));
  }
  fields.push_back(Field(id, "timestamp", false, Type::Primitive(TypeId::kTimestampTz)));
  return Schema(0, std::move(fields));
}

PartitionSpec DaySpec() {
  PartitionSpec spec;
  spec.fields = {PartitionField{6, 0, "timestamp_day", Transform{TransformKind::kDay, 0}}};
  return spec;
}

Snapshot MakeSnapshot(int64_t id, std::optional<int64_t> parent, int64_t sequence_number) {
  Snapshot snapshot;
  snapshot.snapshot_id = id;
  snapshot.parent_snapshot_id = parent;
  snapshot.sequence_number = sequence_number;
  snapshot.timestamp_ms = 1757581271318;
  snapshot.manifest_list = fmt::format("s3://lakehouse/t/metadata/snap-{}-1-x.avro", id);
  snapshot.summary = {{"operation", "append"}, {"added-records", "3"}, {"total-records", "3"}};
  snapshot.schema_id = 0;
  return snapshot;
}

// A table with two snapshots whose ids do not fit in a double.
TableMetadata TwoSnapshotTable() {
  Result<TableMetadata> created =
      NewTableMetadata(MessagesSchema(), DaySpec(), "s3://lakehouse/t", {{"owner", "floe"}});
  EXPECT_TRUE(created.ok()) << created.status().ToString();
  TableMetadata metadata = *created;
  metadata.snapshots = {MakeSnapshot(kJavaId, std::nullopt, 1), MakeSnapshot(kMaxId, kJavaId, 2)};
  metadata.last_sequence_number = 2;
  metadata.current_snapshot_id = kMaxId;
  metadata.refs = {{"main", SnapshotRef{kMaxId}},
                   {"audit", SnapshotRef{kJavaId, "tag", std::nullopt, std::nullopt, 86400000}}};
  metadata.snapshot_log = {{1757581271318, kJavaId}, {1757581271319, kMaxId}};
  metadata.metadata_log = {{1757581271000, "s3://lakehouse/t/metadata/00000-a.metadata.json"}};
  return metadata;
}

Status ParseError(const std::string& text) {
  return TableMetadataFromJsonText(text, "m.json").status();
}

// --- NewTableMetadata ----------------------------------------------------------------------

TEST(TableMetadataTest, NewTableDefaults) {
  const int64_t before = NowMillis();
  Result<TableMetadata> metadata =
      NewTableMetadata(MessagesSchema(), DaySpec(), "s3://lakehouse/raw/t/", {{"owner", "me"}});
  ASSERT_TRUE(metadata.ok()) << metadata.status().ToString();
  EXPECT_EQ(metadata->format_version, 2);
  EXPECT_EQ(metadata->table_uuid.size(), 36u);
  EXPECT_EQ(metadata->location, "s3://lakehouse/raw/t");
  EXPECT_EQ(metadata->last_sequence_number, 0);
  EXPECT_GE(metadata->last_updated_ms, before);
  EXPECT_EQ(metadata->last_column_id, 6);
  ASSERT_EQ(metadata->schemas.size(), 1u);
  EXPECT_EQ(metadata->current_schema_id, 0);
  ASSERT_NE(metadata->CurrentSchema(), nullptr);
  ASSERT_NE(metadata->DefaultSpec(), nullptr);
  EXPECT_EQ(metadata->DefaultSpec()->spec_id, 0);
  EXPECT_EQ(metadata->DefaultSpec()->fields[0].field_id, 1000);
  EXPECT_EQ(metadata->last_partition_id, 1000);
  ASSERT_EQ(metadata->sort_orders.size(), 1u);
  EXPECT_EQ(metadata->sort_orders[0], SortOrder::Unsorted());
  EXPECT_EQ(metadata->default_sort_order_id, 0);
  EXPECT_EQ(metadata->properties, (std::map<std::string, std::string>{{"owner", "me"}}));
  EXPECT_FALSE(metadata->current_snapshot_id.has_value());
  EXPECT_EQ(metadata->CurrentSnapshot(), nullptr);
  EXPECT_FALSE(metadata->next_row_id.has_value());
  EXPECT_EQ(metadata->Property("owner", "x"), "me");
  EXPECT_EQ(metadata->Property("write.format.default", "parquet"), "parquet");

  Result<TableMetadata> other = NewTableMetadata(MessagesSchema(), DaySpec(), "s3://b/t", {});
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->table_uuid, metadata->table_uuid);
}

TEST(TableMetadataTest, UnpartitionedTable) {
  Result<TableMetadata> metadata = NewTableMetadata(MessagesSchema(), PartitionSpec{}, "/w/t", {});
  ASSERT_TRUE(metadata.ok()) << metadata.status().ToString();
  EXPECT_EQ(metadata->last_partition_id, 999);
  EXPECT_TRUE(metadata->DefaultSpec()->is_unpartitioned());
}

TEST(TableMetadataTest, FormatVersionProperty) {
  Result<TableMetadata> v3 =
      NewTableMetadata(MessagesSchema(), DaySpec(), "/w/t", {{"format-version", "3"}});
  ASSERT_TRUE(v3.ok()) << v3.status().ToString();
  EXPECT_EQ(v3->format_version, 3);
  EXPECT_EQ(v3->next_row_id, 0);
  EXPECT_TRUE(v3->properties.empty());  // the property configures creation; it is not stored

  Result<TableMetadata> v2 =
      NewTableMetadata(MessagesSchema(), DaySpec(), "/w/t", {{"format-version", "2"}});
  ASSERT_TRUE(v2.ok());
  EXPECT_EQ(v2->format_version, 2);
  EXPECT_FALSE(v2->properties.contains("format-version"));

  for (const char* bad : {"1", "4", "two", ""}) {
    SCOPED_TRACE(bad);
    Result<TableMetadata> refused =
        NewTableMetadata(MessagesSchema(), DaySpec(), "/w/t", {{"format-version", bad}});
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().kind(), ErrorKind::kInvalidArgument);
    EXPECT_THAT(refused.status().message(), HasSubstr("format-version"));
  }
}

TEST(TableMetadataTest, NewTableValidatesItsInputs) {
  Schema duplicate(0, {Field(1, "a", true, Type::Primitive(TypeId::kInt)),
                       Field(1, "b", true, Type::Primitive(TypeId::kInt))});
  Result<TableMetadata> bad_schema = NewTableMetadata(duplicate, PartitionSpec{}, "/w/t", {});
  ASSERT_FALSE(bad_schema.ok());
  EXPECT_THAT(bad_schema.status().message(), HasSubstr("duplicate field id 1"));

  PartitionSpec missing_source;
  missing_source.fields = {PartitionField{42, 0, "x", Transform::Identity()}};
  Result<TableMetadata> bad_spec = NewTableMetadata(MessagesSchema(), missing_source, "/w/t", {});
  ASSERT_FALSE(bad_spec.ok());
  EXPECT_EQ(bad_spec.status().kind(), ErrorKind::kInvalidArgument);

  EXPECT_FALSE(NewTableMetadata(MessagesSchema(), PartitionSpec{}, "", {}).ok());
}

// --- Writing -------------------------------------------------------------------------------

TEST(TableMetadataJsonTest, WritesWhatJavaWrites) {
  Result<TableMetadata> created = NewTableMetadata(MessagesSchema(), DaySpec(), "/w/t", {});
  ASSERT_TRUE(created.ok());
  json out = TableMetadataToJson(*created);
  for (const char* key : {"format-version",
                          "table-uuid",
                          "location",
                          "last-sequence-number",
                          "last-updated-ms",
                          "last-column-id",
                          "schemas",
                          "current-schema-id",
                          "partition-specs",
                          "default-spec-id",
                          "last-partition-id",
                          "sort-orders",
                          "default-sort-order-id",
                          "properties",
                          "refs",
                          "snapshots",
                          "statistics",
                          "partition-statistics",
                          "snapshot-log",
                          "metadata-log"}) {
    EXPECT_TRUE(out.contains(key)) << key;
  }
  // v2 Java writes -1 for "no current snapshot", and no v1-only or v3-only members.
  EXPECT_EQ(out["current-snapshot-id"], -1);
  EXPECT_FALSE(out.contains("schema"));
  EXPECT_FALSE(out.contains("partition-spec"));
  EXPECT_FALSE(out.contains("next-row-id"));
  EXPECT_EQ(out["statistics"], json::array());
  EXPECT_EQ(out["refs"], json::object());
  EXPECT_EQ(out["partition-specs"][0],
            json::parse(R"({"spec-id":0,"fields":[{"name":"timestamp_day","transform":"day",
                            "source-id":6,"field-id":1000}]})"));
  EXPECT_EQ(out["sort-orders"], json::parse(R"([{"order-id":0,"fields":[]}])"));

  Result<TableMetadata> v3 =
      NewTableMetadata(MessagesSchema(), DaySpec(), "/w/t", {{"format-version", "3"}});
  ASSERT_TRUE(v3.ok());
  json v3_out = TableMetadataToJson(*v3);
  // v3 Java writes null instead of -1, and the row-lineage counter.
  ASSERT_TRUE(v3_out.contains("current-snapshot-id"));
  EXPECT_TRUE(v3_out["current-snapshot-id"].is_null());
  EXPECT_EQ(v3_out["next-row-id"], 0);
}

TEST(TableMetadataJsonTest, SnapshotJson) {
  Snapshot first = MakeSnapshot(kJavaId, std::nullopt, 1);
  json out = SnapshotToJson(first);
  EXPECT_FALSE(out.contains("parent-snapshot-id"));
  EXPECT_FALSE(out.contains("first-row-id"));
  EXPECT_EQ(out["snapshot-id"].get<int64_t>(), kJavaId);
  EXPECT_EQ(out["summary"]["operation"], "append");
  EXPECT_EQ(out["schema-id"], 0);

  Snapshot second = MakeSnapshot(kMaxId, kJavaId, 2);
  second.first_row_id = 3;
  second.added_rows = 5;
  json second_out = SnapshotToJson(second);
  EXPECT_EQ(second_out["parent-snapshot-id"].get<int64_t>(), kJavaId);
  EXPECT_EQ(second_out["first-row-id"], 3);
  EXPECT_EQ(second_out["added-rows"], 5);
  // 64-bit ids survive as exact text.
  EXPECT_THAT(second_out.dump(), HasSubstr("\"snapshot-id\":9223372036854775807"));
  EXPECT_THAT(second_out.dump(), HasSubstr("\"parent-snapshot-id\":3051729675574597004"));

  for (const Snapshot& snapshot : {first, second}) {
    Result<Snapshot> back = SnapshotFromJson(SnapshotToJson(snapshot), "snap");
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, snapshot);
  }
}

TEST(TableMetadataJsonTest, RoundTripKeepsEverything) {
  TableMetadata metadata = TwoSnapshotTable();
  const std::string text = TableMetadataToJsonText(metadata);
  EXPECT_THAT(text, HasSubstr("\n  \""));  // indented for people
  EXPECT_THAT(text, HasSubstr("9223372036854775807"));
  EXPECT_THAT(text, HasSubstr("3051729675574597004"));
  Result<TableMetadata> back = TableMetadataFromJsonText(text, "m.json");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, metadata);
  EXPECT_EQ(back->CurrentSnapshot()->snapshot_id, kMaxId);
  EXPECT_EQ(*back->SnapshotById(kMaxId)->parent_snapshot_id, kJavaId);
  EXPECT_EQ(back->refs.at("audit").max_ref_age_ms, 86400000);
}

TEST(TableMetadataJsonTest, V3RoundTrip) {
  TableMetadata metadata = TwoSnapshotTable();
  metadata.format_version = 3;
  metadata.next_row_id = 6;
  metadata.snapshots[0].first_row_id = 0;
  metadata.snapshots[0].added_rows = 3;
  metadata.snapshots[1].first_row_id = 3;
  metadata.snapshots[1].added_rows = 3;
  Result<TableMetadata> back =
      TableMetadataFromJsonText(TableMetadataToJsonText(metadata), "v3.json");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, metadata);
}

// --- Reading files written by others -------------------------------------------------------

// The shape PyIceberg writes (member order and all), as in the duckdb-iceberg test data: a
// nested partition source, a snapshot, refs, logs, statistics lists. Written for this test.
constexpr const char* kPyIcebergV2 = R"json({"location":"s3://warehouse/default/nested_source",
"table-uuid":"e7cc9432-20a1-473b-86cf-e02a21b2e7b8","last-updated-ms":1791332804650,
"last-column-id":4,"schemas":[{"type":"struct","fields":[{"id":1,"name":"id","type":"int",
"required":false},{"id":2,"name":"address","type":{"type":"struct","fields":[{"id":3,
"name":"country","type":"string","required":false},{"id":4,"name":"city","type":"string",
"required":false}]},"required":false}],"schema-id":0,"identifier-field-ids":[]}],
"current-schema-id":0,"partition-specs":[{"spec-id":0,"fields":[{"source-id":3,"field-id":1000,
"transform":"identity","name":"country"}]}],"default-spec-id":0,"last-partition-id":1000,
"properties":{},"current-snapshot-id":5174429327141457232,"snapshots":[{"snapshot-id":
5174429327141457232,"sequence-number":1,"timestamp-ms":1791332804650,"manifest-list":
"s3://warehouse/default/nested_source/metadata/snap-5174429327141457232-0-de1dd8c2.avro",
"summary":{"operation":"append","added-files-size":"1035","added-data-files":"1",
"added-records":"2","changed-partition-count":"1","total-data-files":"1",
"total-delete-files":"0","total-records":"2","total-files-size":"1035",
"total-position-deletes":"0","total-equality-deletes":"0"},"schema-id":0}],
"snapshot-log":[{"snapshot-id":5174429327141457232,"timestamp-ms":1791332804650}],
"metadata-log":[{"metadata-file":"s3://warehouse/default/nested_source/metadata/00000-f973.metadata.json",
"timestamp-ms":1791332804638}],"sort-orders":[{"order-id":0,"fields":[]}],
"default-sort-order-id":0,"refs":{"main":{"snapshot-id":5174429327141457232,"type":"branch"}},
"statistics":[],"partition-statistics":[],"format-version":2,"last-sequence-number":1})json";

TEST(TableMetadataJsonTest, ReadsPyIcebergFile) {
  Result<TableMetadata> metadata = TableMetadataFromJsonText(kPyIcebergV2, "py.json");
  ASSERT_TRUE(metadata.ok()) << metadata.status().ToString();
  EXPECT_EQ(metadata->format_version, 2);
  EXPECT_EQ(metadata->table_uuid, "e7cc9432-20a1-473b-86cf-e02a21b2e7b8");
  EXPECT_EQ(metadata->last_sequence_number, 1);
  EXPECT_EQ(metadata->current_snapshot_id, 5174429327141457232);
  const Snapshot* current = metadata->CurrentSnapshot();
  ASSERT_NE(current, nullptr);
  EXPECT_EQ(current->summary.at("operation"), "append");
  EXPECT_EQ(current->summary.at("total-records"), "2");
  EXPECT_FALSE(current->parent_snapshot_id.has_value());
  EXPECT_EQ(metadata->CurrentSchema()->FindFieldById(3)->name, "country");
  EXPECT_EQ(metadata->DefaultSpec()->fields[0].source_id, 3);
  EXPECT_EQ(metadata->refs.at("main").snapshot_id, 5174429327141457232);
  EXPECT_EQ(metadata->metadata_log.size(), 1u);
  EXPECT_EQ(metadata->snapshot_log[0].snapshot_id, 5174429327141457232);

  // What we write back reads the same.
  Result<TableMetadata> again =
      TableMetadataFromJsonText(TableMetadataToJsonText(*metadata), "again.json");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, *metadata);
}

// A v1 file as Java 1.x (Spark) writes it, with a manifest list: only "schema" and
// "partition-spec", no sequence numbers, no sort orders, no refs. Written for this test.
constexpr const char* kJavaV1 = R"json({
  "format-version" : 1,
  "table-uuid" : "8f3adae2-03ef-4e06-9f33-663ab7adcc41",
  "location" : "s3://warehouse/default/legacy_v1",
  "last-updated-ms" : 1786003392801,
  "last-column-id" : 3,
  "schema" : {
    "type" : "struct",
    "fields" : [ {"id" : 1, "name" : "id", "required" : false, "type" : "int"},
                 {"id" : 2, "name" : "category", "required" : false, "type" : "string"},
                 {"id" : 3, "name" : "amount", "required" : false, "type" : "decimal(10, 2)"} ]
  },
  "partition-spec" : [ {"name" : "category", "transform" : "identity", "source-id" : 2,
                        "field-id" : 1000} ],
  "properties" : {"owner" : "thijs", "write.parquet.compression-codec" : "zstd"},
  "current-snapshot-id" : 2456114553637229296,
  "snapshots" : [ {
    "snapshot-id" : 2456114553637229296,
    "timestamp-ms" : 1786003392801,
    "summary" : {"operation" : "append", "added-data-files" : "2", "engine-name" : "spark"},
    "manifest-list" : "s3://warehouse/default/legacy_v1/metadata/snap-2456114553637229296-1-d65f.avro"
  } ],
  "snapshot-log" : [ {"timestamp-ms" : 1786003392801, "snapshot-id" : 2456114553637229296} ],
  "metadata-log" : [ ]
})json";

TEST(TableMetadataJsonTest, UpgradesV1InMemory) {
  Result<TableMetadata> metadata = TableMetadataFromJsonText(kJavaV1, "v1.json");
  ASSERT_TRUE(metadata.ok()) << metadata.status().ToString();
  EXPECT_EQ(metadata->format_version, 1);
  ASSERT_EQ(metadata->schemas.size(), 1u);
  EXPECT_EQ(metadata->current_schema_id, 0);
  EXPECT_EQ(metadata->CurrentSchema()->FindFieldById(3)->type->precision(), 10);
  ASSERT_EQ(metadata->partition_specs.size(), 1u);
  EXPECT_EQ(metadata->default_spec_id, 0);
  EXPECT_EQ(metadata->DefaultSpec()->fields[0].name, "category");
  EXPECT_EQ(metadata->last_partition_id, 1000);
  EXPECT_EQ(metadata->sort_orders, std::vector<SortOrder>{SortOrder::Unsorted()});
  EXPECT_EQ(metadata->last_sequence_number, 0);
  ASSERT_EQ(metadata->snapshots.size(), 1u);
  EXPECT_EQ(metadata->snapshots[0].sequence_number, 0);
  EXPECT_FALSE(metadata->snapshots[0].schema_id.has_value());
  // No refs in the file: the current snapshot becomes the main branch.
  EXPECT_EQ(metadata->refs.at("main").snapshot_id, 2456114553637229296);
  EXPECT_EQ(metadata->refs.at("main").type, "branch");
  EXPECT_EQ(metadata->Property("owner", ""), "thijs");

  // Written back as v1, with the old members for old readers, and read back the same.
  json out = TableMetadataToJson(*metadata);
  EXPECT_FALSE(out.contains("last-sequence-number"));
  EXPECT_EQ(out["schema"], out["schemas"][0]);
  EXPECT_EQ(out["partition-spec"], out["partition-specs"][0]["fields"]);
  Result<TableMetadata> again = TableMetadataFromJsonText(out.dump(), "v1-again.json");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, *metadata);
}

TEST(TableMetadataJsonTest, V1WithoutUuidOrPartitionFieldIds) {
  json v1 = json::parse(kJavaV1);
  v1.erase("table-uuid");
  v1["partition-spec"][0].erase("field-id");
  v1.erase("last-partition-id");
  Result<TableMetadata> metadata = TableMetadataFromJsonText(v1.dump(), "old.json");
  ASSERT_TRUE(metadata.ok()) << metadata.status().ToString();
  EXPECT_TRUE(metadata->table_uuid.empty());
  EXPECT_EQ(metadata->DefaultSpec()->fields[0].field_id, 1000);
  EXPECT_EQ(metadata->last_partition_id, 1000);
  EXPECT_FALSE(TableMetadataToJson(*metadata).contains("table-uuid"));
}

TEST(TableMetadataJsonTest, V1EmbeddedManifestsAreNotSupported) {
  json v1 = json::parse(kJavaV1);
  v1["snapshots"][0].erase("manifest-list");
  v1["snapshots"][0]["manifests"] = json::array({"s3://w/m0.avro"});
  Status status = ParseError(v1.dump());
  EXPECT_EQ(status.kind(), ErrorKind::kNotSupported);
  EXPECT_THAT(status.message(), HasSubstr("m.json: snapshots[0].manifests: "));
}

TEST(TableMetadataJsonTest, NoCurrentSnapshotSpellings) {
  json base = json::parse(TableMetadataToJsonText(TwoSnapshotTable()));
  base["refs"].erase("main");
  for (const json& none : {json(-1), json(nullptr)}) {
    json file = base;
    file["current-snapshot-id"] = none;
    Result<TableMetadata> metadata = TableMetadataFromJsonText(file.dump(), "m.json");
    ASSERT_TRUE(metadata.ok()) << metadata.status().ToString();
    EXPECT_FALSE(metadata->current_snapshot_id.has_value());
  }
  json absent = base;
  absent.erase("current-snapshot-id");
  Result<TableMetadata> metadata = TableMetadataFromJsonText(absent.dump(), "m.json");
  ASSERT_TRUE(metadata.ok()) << metadata.status().ToString();
  EXPECT_FALSE(metadata->current_snapshot_id.has_value());
}

TEST(TableMetadataJsonTest, UnknownMembersAreIgnored) {
  const TableMetadata original = TwoSnapshotTable();
  json file = json::parse(TableMetadataToJsonText(original));
  file["encryption-keys"] = json::array();
  file["some-future-field"] = {{"x", 1}};
  file["snapshots"][0]["key-id"] = "k";
  Result<TableMetadata> metadata = TableMetadataFromJsonText(file.dump(), "m.json");
  ASSERT_TRUE(metadata.ok()) << metadata.status().ToString();
  EXPECT_EQ(*metadata, original);
}

// --- Bad files -----------------------------------------------------------------------------

TEST(TableMetadataJsonTest, MalformedJson) {
  Status status = ParseError("{\n  \"format-version\": 2,\n  \"location\" \"x\"\n}");
  EXPECT_EQ(status.kind(), ErrorKind::kCorrupt);
  EXPECT_THAT(status.message(), HasSubstr("m.json: line 3, column"));
  EXPECT_THAT(status.message(), HasSubstr("invalid JSON"));

  Status empty = ParseError("");
  EXPECT_EQ(empty.kind(), ErrorKind::kCorrupt);
  EXPECT_THAT(empty.message(), HasSubstr("m.json: line 1, column 1"));

  Status array = ParseError("[]");
  EXPECT_EQ(array.kind(), ErrorKind::kCorrupt);
  EXPECT_EQ(array.message(), "m.json: expected an object, found array");
}

TEST(TableMetadataJsonTest, MissingRequiredFieldsPerVersion) {
  const json good = json::parse(TableMetadataToJsonText(TwoSnapshotTable()));
  for (const char* key :
       {"format-version", "table-uuid", "location", "last-sequence-number", "last-updated-ms",
        "last-column-id", "schemas", "current-schema-id", "partition-specs", "default-spec-id",
        "last-partition-id", "sort-orders", "default-sort-order-id"}) {
    SCOPED_TRACE(key);
    json file = good;
    file.erase(key);
    Status status = ParseError(file.dump());
    EXPECT_EQ(status.kind(), ErrorKind::kCorrupt);
    EXPECT_THAT(status.message(), HasSubstr("m.json: "));
    EXPECT_THAT(status.message(), HasSubstr(fmt::format("'{}'", key)));
  }
  json v3 = good;
  v3["format-version"] = 3;
  Status no_row_id = ParseError(v3.dump());
  EXPECT_EQ(no_row_id.kind(), ErrorKind::kCorrupt);
  EXPECT_THAT(no_row_id.message(), HasSubstr("'next-row-id'"));

  json no_snapshot_id = good;
  no_snapshot_id["snapshots"][1].erase("snapshot-id");
  EXPECT_EQ(ParseError(no_snapshot_id.dump()).message(),
            "m.json: snapshots[1]: missing required field 'snapshot-id'");
}

TEST(TableMetadataJsonTest, IdsThatNameNothing) {
  const json good = json::parse(TableMetadataToJsonText(TwoSnapshotTable()));
  struct Case {
    const char* key;
    json value;
    const char* expected;
  };
  const std::vector<Case> cases = {
      {"current-schema-id", 7, "m.json: current-schema-id: current schema id 7 names no schema"},
      {"default-spec-id", 3, "m.json: default-spec-id: default spec id 3 names no partition spec"},
      {"default-sort-order-id", 2,
       "m.json: default-sort-order-id: default sort order id 2 names no sort order"},
      {"current-snapshot-id", 12345,
       "m.json: current-snapshot-id: current snapshot id 12345 names no snapshot"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.key);
    json file = good;
    file[c.key] = c.value;
    Status status = ParseError(file.dump());
    EXPECT_EQ(status.kind(), ErrorKind::kCorrupt);
    EXPECT_EQ(status.message(), c.expected);
  }
}

TEST(TableMetadataJsonTest, RefsMustAgreeWithTheCurrentSnapshot) {
  const json good = json::parse(TableMetadataToJsonText(TwoSnapshotTable()));
  json mismatch = good;
  mismatch["refs"]["main"]["snapshot-id"] = kJavaId;
  Status status = ParseError(mismatch.dump());
  EXPECT_EQ(status.kind(), ErrorKind::kCorrupt);
  EXPECT_THAT(status.message(), HasSubstr("m.json: refs.main: main branch names snapshot"));

  json dangling = good;
  dangling["refs"]["audit"]["snapshot-id"] = 77;
  EXPECT_THAT(ParseError(dangling.dump()).message(),
              HasSubstr("m.json: refs.audit.snapshot-id: ref 'audit' names snapshot 77"));

  json main_without_current = good;
  main_without_current["current-snapshot-id"] = -1;
  EXPECT_THAT(ParseError(main_without_current.dump()).message(),
              HasSubstr("the current snapshot is none"));

  json bad_type = good;
  bad_type["refs"]["audit"]["type"] = "label";
  EXPECT_EQ(ParseError(bad_type.dump()).message(),
            "m.json: refs.audit.type: unknown ref type 'label'");
}

TEST(TableMetadataJsonTest, BadSchemasInsideMetadata) {
  const json good = json::parse(TableMetadataToJsonText(TwoSnapshotTable()));
  json unknown_type = good;
  unknown_type["schemas"][0]["fields"][2]["type"] = "strng";
  Status status = ParseError(unknown_type.dump());
  EXPECT_EQ(status.kind(), ErrorKind::kCorrupt);
  EXPECT_EQ(status.message(), "m.json: schemas[0].fields[2].type: unknown type 'strng'");

  json duplicate_ids = good;
  duplicate_ids["schemas"][0]["fields"][3]["id"] = 1;
  Status duplicate = ParseError(duplicate_ids.dump());
  EXPECT_EQ(duplicate.kind(), ErrorKind::kCorrupt);
  EXPECT_THAT(duplicate.message(), HasSubstr("m.json: schemas[0]: duplicate field id 1"));

  json optional_identifier = good;
  optional_identifier["schemas"][0]["identifier-field-ids"] = json::array({2});
  Status identifier = ParseError(optional_identifier.dump());
  EXPECT_EQ(identifier.kind(), ErrorKind::kCorrupt);
  EXPECT_THAT(identifier.message(),
              HasSubstr("m.json: schemas[0]: identifier field 2 ('message_id') must be required"));

  json double_identifier = good;
  double_identifier["schemas"][0]["fields"][1] =
      json::parse(R"({"id":2,"name":"score","required":true,"type":"double"})");
  double_identifier["schemas"][0]["identifier-field-ids"] = json::array({2});
  Status dbl = ParseError(double_identifier.dump());
  EXPECT_EQ(dbl.kind(), ErrorKind::kCorrupt);
  EXPECT_THAT(dbl.message(), HasSubstr("identifier field 2 ('score') must not be a double"));

  json spec_source = good;
  spec_source["partition-specs"][0]["fields"][0]["source-id"] = 99;
  Status spec = ParseError(spec_source.dump());
  EXPECT_EQ(spec.kind(), ErrorKind::kCorrupt);
  EXPECT_THAT(spec.message(), HasSubstr("m.json: partition-specs[0]: "));
}

TEST(TableMetadataJsonTest, IdsAreReadExactly) {
  const json good = json::parse(TableMetadataToJsonText(TwoSnapshotTable()));
  // One past int64: stored by nlohmann as uint64, refused rather than wrapped.
  std::string text = good.dump();
  const std::string max = "9223372036854775807";
  std::string too_big = text;
  too_big.replace(too_big.find(max), max.size(), "9223372036854775808");
  Status overflow = ParseError(too_big);
  EXPECT_EQ(overflow.kind(), ErrorKind::kCorrupt);
  EXPECT_THAT(overflow.message(), HasSubstr("out of the 64-bit range"));

  // A double where an id belongs would lose digits: refused.
  json fractional = good;
  fractional["snapshots"][0]["snapshot-id"] = 3.051729675574597e18;
  Status fraction = ParseError(fractional.dump());
  EXPECT_EQ(fraction.kind(), ErrorKind::kCorrupt);
  EXPECT_EQ(fraction.message(),
            "m.json: snapshots[0].snapshot-id: expected an integer, found a fractional number");

  json bad_summary = good;
  bad_summary["snapshots"][0]["summary"]["added-records"] = 3;
  EXPECT_EQ(ParseError(bad_summary.dump()).message(),
            "m.json: snapshots[0].summary.added-records: expected a string, found number");
}

TEST(TableMetadataJsonTest, UnsupportedAndInvalidVersions) {
  json file = json::parse(TableMetadataToJsonText(TwoSnapshotTable()));
  file["format-version"] = 4;
  Status future = ParseError(file.dump());
  EXPECT_EQ(future.kind(), ErrorKind::kNotSupported);
  EXPECT_THAT(future.message(), HasSubstr("m.json: format-version: format version 4"));
  file["format-version"] = 0;
  EXPECT_EQ(ParseError(file.dump()).kind(), ErrorKind::kCorrupt);
  file["format-version"] = "2";
  EXPECT_EQ(ParseError(file.dump()).message(),
            "m.json: format-version: expected an integer, found string");
}

TEST(TableMetadataJsonTest, SequenceNumbersCannotPassTheTables) {
  json file = json::parse(TableMetadataToJsonText(TwoSnapshotTable()));
  file["last-sequence-number"] = 1;
  Status status = ParseError(file.dump());
  EXPECT_EQ(status.kind(), ErrorKind::kCorrupt);
  EXPECT_THAT(status.message(), HasSubstr("m.json: snapshots[1].sequence-number: "));
}

}  // namespace
}  // namespace floe::iceberg
