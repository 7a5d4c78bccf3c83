// The REST model: requirements and updates on the wire and applied, commit diffs, request
// parsing (good and bad), and the HTTP error mapping.

#include <gtest/gtest.h>

#include "iceberg/rest/rest_error.h"
#include "iceberg/rest/rest_messages.h"
#include "iceberg/rest/table_requirement.h"
#include "iceberg/rest/table_update.h"
#include "iceberg/table_metadata_json.h"

namespace floe::iceberg::rest {
namespace {

using nlohmann::json;

Schema TwoFields() {
  return Schema(0, {NestedField{1, "id", true, Type::Primitive(TypeId::kLong), ""},
                    NestedField{2, "name", false, Type::Primitive(TypeId::kString), ""}});
}

TableMetadata NewTable() {
  auto metadata = NewTableMetadata(TwoFields(), PartitionSpec{}, "/tmp/t", {});
  EXPECT_TRUE(metadata.ok());
  return *metadata;
}

Snapshot MakeSnapshot(int64_t id, std::optional<int64_t> parent, int64_t sequence) {
  Snapshot snapshot;
  snapshot.snapshot_id = id;
  snapshot.parent_snapshot_id = parent;
  snapshot.sequence_number = sequence;
  snapshot.timestamp_ms = 1'700'000'000'000 + sequence;
  snapshot.manifest_list = fmt::format("/tmp/t/metadata/snap-{}.avro", id);
  snapshot.summary = {{"operation", "append"}};
  snapshot.schema_id = 0;
  return snapshot;
}

/// `base` plus a new snapshot on main, as AppendFiles builds it.
TableMetadata Appended(const TableMetadata& base, int64_t id) {
  TableMetadata updated = base;
  Snapshot snapshot = MakeSnapshot(id, base.current_snapshot_id, base.last_sequence_number + 1);
  updated.snapshots.push_back(snapshot);
  updated.current_snapshot_id = id;
  updated.last_sequence_number = snapshot.sequence_number;
  updated.refs["main"] = SnapshotRef{id, "branch", {}, {}, {}};
  updated.snapshot_log.push_back({snapshot.timestamp_ms, id});
  return updated;
}

Result<TableMetadata> ApplyAll(const TableMetadata& base, const std::vector<TableUpdate>& updates) {
  TableMetadataEditor editor(base);
  for (const TableUpdate& update : updates) FLOE_RETURN_IF_ERROR(editor.Apply(update));
  return std::move(editor).Finish();
}

TEST(RestModel, AppendDiffSendsAddSnapshotAndSetRefWithRequirements) {
  TableMetadata base = NewTable();
  TableMetadata updated = Appended(base, 42);
  auto changes = DiffTableMetadata(base, updated);
  ASSERT_TRUE(changes.ok()) << changes.status().ToString();
  ASSERT_EQ(changes->updates.size(), 2u);
  EXPECT_EQ(changes->updates[0].ActionName(), "add-snapshot");
  EXPECT_EQ(changes->updates[1].ActionName(), "set-snapshot-ref");
  ASSERT_EQ(changes->requirements.size(), 2u);
  EXPECT_EQ(changes->requirements[0].TypeName(), "assert-table-uuid");
  EXPECT_EQ(changes->requirements[1].TypeName(), "assert-ref-snapshot-id");
  EXPECT_EQ(changes->requirements[1].snapshot_id, std::nullopt);

  // Over the wire and back, then applied by the server's editor: the same table state.
  CommitTableRequest request{std::nullopt, changes->requirements, changes->updates};
  auto parsed = ParseCommitTableRequest(DumpJson(ToJson(request)));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  for (const TableRequirement& requirement : parsed->requirements) {
    EXPECT_TRUE(requirement.Validate(&base).ok());
  }
  auto applied = ApplyAll(base, parsed->updates);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(applied->current_snapshot_id, 42);
  EXPECT_EQ(applied->refs.at("main").snapshot_id, 42);
  EXPECT_EQ(applied->last_sequence_number, 1);
  ASSERT_EQ(applied->snapshot_log.size(), 1u);
  EXPECT_EQ(applied->snapshots, updated.snapshots);

  // A second writer that committed on the same base loses: main moved.
  for (const TableRequirement& requirement : parsed->requirements) {
    Status status = requirement.Validate(&*applied);
    if (requirement.kind == TableRequirement::Kind::kAssertRefSnapshotId) {
      EXPECT_TRUE(status.IsCommitFailed()) << status.ToString();
    }
  }
}

TEST(RestModel, PropertyAndSchemaChangesDiff) {
  TableMetadata base = NewTable();
  base.properties = {{"keep", "1"}, {"drop", "2"}, {"change", "3"}};
  TableMetadata updated = base;
  updated.properties = {{"keep", "1"}, {"change", "4"}, {"new", "5"}};
  Schema wider(1, {NestedField{1, "id", true, Type::Primitive(TypeId::kLong), ""},
                   NestedField{2, "name", false, Type::Primitive(TypeId::kString), ""},
                   NestedField{3, "extra", false, Type::Primitive(TypeId::kInt), ""}});
  updated.schemas.push_back(wider);
  updated.current_schema_id = 1;
  updated.last_column_id = 3;
  auto changes = DiffTableMetadata(base, updated);
  ASSERT_TRUE(changes.ok());
  std::vector<std::string> actions;
  for (const TableUpdate& update : changes->updates) actions.emplace_back(update.ActionName());
  EXPECT_EQ(actions, (std::vector<std::string>{"add-schema", "set-current-schema", "set-properties",
                                               "remove-properties"}));
  auto applied = ApplyAll(base, changes->updates);
  ASSERT_TRUE(applied.ok()) << applied.status().ToString();
  EXPECT_EQ(applied->properties, updated.properties);
  EXPECT_EQ(applied->current_schema_id, 1);
  EXPECT_EQ(applied->last_column_id, 3);
  ASSERT_NE(applied->CurrentSchema(), nullptr);
  EXPECT_EQ(applied->CurrentSchema()->fields().size(), 3u);
}

TEST(RestModel, EditorRefusesBrokenUpdates) {
  TableMetadata base = Appended(NewTable(), 7);
  TableUpdate ref;
  ref.kind = TableUpdate::Kind::kSetSnapshotRef;
  ref.ref_name = "main";
  ref.ref = SnapshotRef{999, "branch", {}, {}, {}};
  EXPECT_EQ(ApplyAll(base, {ref}).status().kind(), ErrorKind::kInvalidArgument);

  TableUpdate again;
  again.kind = TableUpdate::Kind::kAddSnapshot;
  again.snapshot = MakeSnapshot(7, std::nullopt, 5);
  EXPECT_EQ(ApplyAll(base, {again}).status().kind(), ErrorKind::kInvalidArgument);

  TableUpdate stale;
  stale.kind = TableUpdate::Kind::kAddSnapshot;
  stale.snapshot = MakeSnapshot(8, 7, 1);  // sequence number not above the table's 1
  EXPECT_TRUE(ApplyAll(base, {stale}).status().IsCommitFailed());

  TableUpdate current;
  current.kind = TableUpdate::Kind::kSetCurrentSchema;
  current.id = -1;  // "the last added", but none was
  EXPECT_EQ(ApplyAll(base, {current}).status().kind(), ErrorKind::kInvalidArgument);
}

// remove-schemas and remove-partition-specs (what Java's expireSnapshots().cleanExpiredMetadata
// sends): unused ones go, the current schema and the default spec may not.
TEST(RestModel, EditorRemovesUnusedSchemasAndSpecs) {
  TableMetadata base = NewTable();
  Schema wider(1, {NestedField{1, "id", true, Type::Primitive(TypeId::kLong), ""},
                   NestedField{2, "name", false, Type::Primitive(TypeId::kString), ""},
                   NestedField{3, "extra", false, Type::Primitive(TypeId::kInt), ""}});
  TableUpdate add_schema;
  add_schema.kind = TableUpdate::Kind::kAddSchema;
  add_schema.schema = wider;
  TableUpdate set_schema;
  set_schema.kind = TableUpdate::Kind::kSetCurrentSchema;
  set_schema.id = -1;
  PartitionSpec by_id;
  by_id.fields.push_back(PartitionField{1, 1000, "id", Transform::Identity()});
  TableUpdate add_spec;
  add_spec.kind = TableUpdate::Kind::kAddSpec;
  add_spec.spec = by_id;
  TableUpdate set_spec;
  set_spec.kind = TableUpdate::Kind::kSetDefaultSpec;
  set_spec.id = -1;
  auto evolved = ApplyAll(base, {add_schema, set_schema, add_spec, set_spec});
  ASSERT_TRUE(evolved.ok()) << evolved.status().ToString();
  ASSERT_EQ(evolved->schemas.size(), 2u);
  ASSERT_EQ(evolved->partition_specs.size(), 2u);

  TableUpdate remove_schemas;
  remove_schemas.kind = TableUpdate::Kind::kRemoveSchemas;
  remove_schemas.ids = {0, 17};  // 17 does not exist: ignored
  TableUpdate remove_specs;
  remove_specs.kind = TableUpdate::Kind::kRemovePartitionSpecs;
  remove_specs.ids = {0};
  auto cleaned = ApplyAll(*evolved, {remove_schemas, remove_specs});
  ASSERT_TRUE(cleaned.ok()) << cleaned.status().ToString();
  ASSERT_EQ(cleaned->schemas.size(), 1u);
  EXPECT_EQ(cleaned->schemas[0].schema_id(), 1);
  ASSERT_EQ(cleaned->partition_specs.size(), 1u);
  EXPECT_EQ(cleaned->partition_specs[0].spec_id, 1);

  TableUpdate remove_current = remove_schemas;
  remove_current.ids = {1};
  auto refused = ApplyAll(*evolved, {remove_current});
  EXPECT_EQ(refused.status().kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("cannot remove the current schema 1"),
            std::string::npos);
  TableUpdate remove_default = remove_specs;
  remove_default.ids = {1};
  refused = ApplyAll(*evolved, {remove_default});
  EXPECT_EQ(refused.status().kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("cannot remove the default partition spec 1"),
            std::string::npos);
  auto bad = TableUpdateFromJson(json::parse(R"({"action":"remove-schemas","schema-ids":["a"]})"),
                                 JsonLocation{"u", ""});
  EXPECT_EQ(bad.status().kind(), ErrorKind::kInvalidArgument);
}

TEST(RestModel, RequirementsOnTheWire) {
  for (const char* text : {
           R"({"type":"assert-create"})",
           R"({"type":"assert-table-uuid","uuid":"u"})",
           R"({"type":"assert-ref-snapshot-id","ref":"main","snapshot-id":12})",
           R"({"type":"assert-ref-snapshot-id","ref":"main","snapshot-id":null})",
           R"({"type":"assert-last-assigned-field-id","last-assigned-field-id":3})",
           R"({"type":"assert-current-schema-id","current-schema-id":1})",
           R"({"type":"assert-last-assigned-partition-id","last-assigned-partition-id":1000})",
           R"({"type":"assert-default-spec-id","default-spec-id":0})",
           R"({"type":"assert-default-sort-order-id","default-sort-order-id":0})",
       }) {
    json value = json::parse(text);
    auto requirement = TableRequirementFromJson(value, JsonLocation{"r", ""});
    ASSERT_TRUE(requirement.ok()) << text << ": " << requirement.status().ToString();
    EXPECT_EQ(TableRequirementToJson(*requirement), value) << text;
  }
  for (const char* text :
       {R"({"type":"assert-everything"})", R"({"uuid":"u"})", R"({"type":"assert-table-uuid"})",
        R"([1])", R"({"type":"assert-current-schema-id","current-schema-id":"1"})"}) {
    auto requirement = TableRequirementFromJson(json::parse(text), JsonLocation{"r", ""});
    EXPECT_EQ(requirement.status().kind(), ErrorKind::kInvalidArgument) << text;
  }
}

TEST(RestModel, UpdatesOnTheWire) {
  TableMetadata base = NewTable();
  for (const char* text : {
           R"({"action":"assign-uuid","uuid":"u"})",
           R"({"action":"upgrade-format-version","format-version":3})",
           R"({"action":"set-current-schema","schema-id":-1})",
           R"({"action":"set-default-spec","spec-id":0})",
           R"({"action":"set-default-sort-order","sort-order-id":0})",
           R"({"action":"remove-snapshot-ref","ref-name":"b"})",
           R"({"action":"remove-snapshots","snapshot-ids":[1,2]})",
           R"({"action":"set-location","location":"s3://b/t"})",
           R"({"action":"set-properties","updates":{"a":"b"}})",
           R"({"action":"remove-properties","removals":["a"]})",
           R"({"action":"set-snapshot-ref","ref-name":"main","type":"branch","snapshot-id":5})",
           R"({"action":"remove-schemas","schema-ids":[0,2]})",
           R"({"action":"remove-partition-specs","spec-ids":[1]})",
       }) {
    json value = json::parse(text);
    auto update = TableUpdateFromJson(value, JsonLocation{"u", ""});
    ASSERT_TRUE(update.ok()) << text << ": " << update.status().ToString();
    EXPECT_EQ(TableUpdateToJson(*update), value) << text;
  }
  auto unknown = TableUpdateFromJson(json::parse(R"({"action":"frobnicate"})"), JsonLocation{});
  EXPECT_EQ(unknown.status().kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(unknown.status().message().find("unknown update 'frobnicate'"), std::string::npos);
  auto bad = TableUpdateFromJson(json::parse(R"({"action":"set-properties","updates":{"a":1}})"),
                                 JsonLocation{});
  EXPECT_EQ(bad.status().kind(), ErrorKind::kInvalidArgument);
}

TEST(RestModel, RequestParsersRefuseBadInput) {
  EXPECT_TRUE(
      ParseCreateNamespaceRequest(R"({"namespace":["a","b"],"properties":{"k":"v"}})").ok());
  for (const char* text :
       {"", "{", "[]", "null", R"({"namespace":"a"})", R"({"namespace":[]})",
        R"({"namespace":[""]})", R"({"namespace":["a"],"properties":{"k":1}})"}) {
    EXPECT_EQ(ParseCreateNamespaceRequest(text).status().kind(), ErrorKind::kInvalidArgument)
        << text;
  }
  std::string deep(100, '[');
  EXPECT_NE(ParseBody(deep, "x").status().message().find("nested deeper"), std::string::npos);
  auto create = ParseCreateTableRequest(
      R"({"name":"t","schema":{"type":"struct","fields":[{"id":1,"name":"x","required":false,"type":"timestamptz"}]},"partition-spec":{"fields":[{"source-id":1,"transform":"day","name":"x_day"}]}})");
  ASSERT_TRUE(create.ok()) << create.status().ToString();
  ASSERT_TRUE(create->spec.has_value());
  EXPECT_EQ(create->spec->fields.size(), 1u);
  EXPECT_FALSE(ParseCreateTableRequest(R"({"name":"t"})").ok());
  EXPECT_FALSE(ParseCommitTableRequest(R"({"requirements":[]})").ok());
  EXPECT_FALSE(
      ParseCommitTransactionRequest(R"({"table-changes":[{"requirements":[],"updates":[]}]})")
          .ok());
  EXPECT_FALSE(ParseRenameTableRequest(R"({"source":{"namespace":["a"],"name":"t"}})").ok());
}

TEST(RestModel, FormsPathsAndErrors) {
  auto form =
      ParseFormBody("grant_type=client_credentials&client_id=a%3Ab&scope=PRINCIPAL_ROLE%3AALL+x");
  ASSERT_TRUE(form.ok());
  EXPECT_EQ(form->at("client_id"), "a:b");
  EXPECT_EQ(form->at("scope"), "PRINCIPAL_ROLE:ALL x");
  EXPECT_FALSE(ParseFormBody("a=%4").ok());
  EXPECT_EQ(NamespaceToPathSegment(Namespace{{"a", "b c"}}), "a%1Fb%20c");
  auto ns = NamespaceFromPathSegment(
      "a\x1f"
      "b");
  ASSERT_TRUE(ns.ok());
  EXPECT_EQ(ns->levels, (std::vector<std::string>{"a", "b"}));

  EXPECT_TRUE(StatusFromHttpError(
                  409, R"({"error":{"message":"m","type":"CommitFailedException","code":409}})",
                  CallKind::kCommit, "c")
                  .IsCommitFailed());
  EXPECT_TRUE(StatusFromHttpError(409, "{}", CallKind::kCreate, "c").IsAlreadyExists());
  EXPECT_TRUE(StatusFromHttpError(503, "", CallKind::kCommit, "c").IsCommitStateUnknown());
  EXPECT_TRUE(StatusFromHttpError(504, "", CallKind::kCommit, "c").IsCommitStateUnknown());
  EXPECT_EQ(StatusFromHttpError(503, "", CallKind::kRead, "c").kind(), ErrorKind::kIoError);
  EXPECT_EQ(StatusFromHttpError(419, "", CallKind::kRead, "c").kind(), ErrorKind::kUnauthorized);
  EXPECT_EQ(RestErrorFromStatus(NotFound("namespace a does not exist")).type,
            "NoSuchNamespaceException");
  EXPECT_EQ(RestErrorFromStatus(NotFound("table a.b does not exist")).type, "NoSuchTableException");
  EXPECT_EQ(RestErrorFromStatus(CommitStateUnknown("x")).code, 500);
}

}  // namespace
}  // namespace floe::iceberg::rest
