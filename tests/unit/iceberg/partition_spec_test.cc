#include "iceberg/partition_spec.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace floe::iceberg {
namespace {

using ::testing::HasSubstr;

Schema TestSchema() {
  const auto t = [](TypeId id) { return Type::Primitive(id); };
  return Schema(
      0, {
             NestedField{1, "id", true, t(TypeId::kLong), {}},
             NestedField{2, "name", false, t(TypeId::kString), {}},
             NestedField{3, "ts", false, t(TypeId::kTimestampTz), {}},
             NestedField{4, "kind", false, t(TypeId::kString), {}},
             NestedField{5, "amount", false, Type::Decimal(9, 2), {}},
             NestedField{6, "day_of", false, t(TypeId::kDate), {}},
             NestedField{7, "score", false, t(TypeId::kDouble), {}},
             NestedField{8,
                         "address",
                         false,
                         Type::Struct({NestedField{9, "city", false, t(TypeId::kString), {}}}),
                         {}},
         });
}

std::string ErrorOf(std::string_view expression) {
  Result<PartitionSpec> spec = ParsePartitionBy(expression, TestSchema());
  EXPECT_FALSE(spec.ok()) << expression;
  return spec.ok() ? "" : spec.status().message();
}

TEST(PartitionSpecParse, TheDocumentedExample) {
  Result<PartitionSpec> spec =
      ParsePartitionBy("day(ts),bucket(16,id),truncate(4,name),identity(kind)", TestSchema());
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  const std::vector<PartitionField> expected = {
      {3, 1000, "ts_day", Transform{TransformKind::kDay, 0}},
      {1, 1001, "id_bucket", Transform::Bucket(16)},
      {2, 1002, "name_trunc", Transform::Truncate(4)},
      {4, 1003, "kind", Transform::Identity()},
  };
  EXPECT_EQ(spec->fields, expected);
  EXPECT_EQ(spec->spec_id, 0);
  EXPECT_EQ(spec->LastFieldId(), 1003);
  EXPECT_TRUE(spec->Validate(TestSchema()).ok());
}

TEST(PartitionSpecParse, WhitespaceBareNamesAndOtherTransforms) {
  Result<PartitionSpec> spec = ParsePartitionBy(
      "  hour ( ts ) , kind ,\tBUCKET( 8 ,  name ), month(day_of), void(score), address.city",
      TestSchema());
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  ASSERT_EQ(spec->fields.size(), 6u);
  EXPECT_EQ(spec->fields[0], (PartitionField{3, 1000, "ts_hour", {TransformKind::kHour, 0}}));
  EXPECT_EQ(spec->fields[1], (PartitionField{4, 1001, "kind", Transform::Identity()}));
  EXPECT_EQ(spec->fields[2], (PartitionField{2, 1002, "name_bucket", Transform::Bucket(8)}));
  EXPECT_EQ(spec->fields[3], (PartitionField{6, 1003, "day_of_month", {TransformKind::kMonth, 0}}));
  EXPECT_EQ(spec->fields[4], (PartitionField{7, 1004, "score_null", {TransformKind::kVoid, 0}}));
  EXPECT_EQ(spec->fields[5], (PartitionField{9, 1005, "address.city", Transform::Identity()}));
}

TEST(PartitionSpecParse, EmptyIsUnpartitioned) {
  Result<PartitionSpec> spec = ParsePartitionBy("   ", TestSchema());
  ASSERT_TRUE(spec.ok());
  EXPECT_TRUE(spec->is_unpartitioned());
  EXPECT_EQ(spec->LastFieldId(), 999);
}

TEST(PartitionSpecParse, ErrorsNameTheTerm) {
  EXPECT_EQ(ErrorOf("day(ts), bucket(x,id)"),
            "partition term 2 'bucket(x,id)': bucket count must be a positive integer");
  EXPECT_EQ(ErrorOf("bucket(0,id)"),
            "partition term 1 'bucket(0,id)': bucket count must be a positive integer");
  EXPECT_EQ(ErrorOf("truncate(-4,name)"),
            "partition term 1 'truncate(-4,name)': truncate width must be a positive integer");
  EXPECT_EQ(ErrorOf("day(tz)"), "partition term 1 'day(tz)': unknown column 'tz'");
  EXPECT_EQ(ErrorOf("kind, nope"), "partition term 2 'nope': unknown column 'nope'");
  EXPECT_THAT(ErrorOf("day(name)"), HasSubstr("partition term 1 'day(name)': transform day does "
                                              "not apply to type string"));
  EXPECT_THAT(ErrorOf("bucket(4, score)"), HasSubstr("does not apply to type double"));
  EXPECT_THAT(ErrorOf("hour(day_of)"), HasSubstr("does not apply to type date"));
  EXPECT_THAT(ErrorOf("identity(address)"), HasSubstr("does not apply to type struct"));
  EXPECT_THAT(
      ErrorOf("kind, identity(kind)"),
      HasSubstr("partition term 2 'identity(kind)': duplicate partition field name 'kind'"));
  EXPECT_THAT(ErrorOf("bucket(4,id), bucket(8,id)"), HasSubstr("duplicate partition field name"));
  EXPECT_THAT(ErrorOf("minute(ts)"), HasSubstr("unknown transform 'minute'"));
  EXPECT_THAT(ErrorOf("day(ts),,kind"), HasSubstr("partition term 2 '': empty term"));
  EXPECT_THAT(ErrorOf("day(ts"), HasSubstr("partition term 1 'day(ts'"));
  EXPECT_THAT(ErrorOf("bucket(16)"), HasSubstr("expected bucket(N, column)"));
  EXPECT_THAT(ErrorOf("day(ts, id)"), HasSubstr("expected day(column)"));
  // The default name of day(ts) is taken by another column of the schema.
  const Schema clashing(0, {NestedField{1, "ts", false, Type::Primitive(TypeId::kTimestamp), {}},
                            NestedField{2, "ts_day", false, Type::Primitive(TypeId::kString), {}}});
  EXPECT_EQ(ParsePartitionBy("day(ts)", clashing).status().message(),
            "partition term 1 'day(ts)': partition field name 'ts_day' is the name of another "
            "column");
}

TEST(PartitionSpecValidate, ChecksSourcesNamesAndIds) {
  const Schema schema = TestSchema();
  PartitionSpec spec{1, {{1, 1000, "id_bucket", Transform::Bucket(4)}}};
  EXPECT_TRUE(spec.Validate(schema).ok());

  PartitionSpec missing{1, {{99, 1000, "x", Transform::Identity()}}};
  EXPECT_THAT(missing.Validate(schema).message(), HasSubstr("source column id 99"));
  // A void field of a dropped column (v1 tables) is kept.
  PartitionSpec dropped_void{1, {{99, 1000, "x_null", {TransformKind::kVoid, 0}}}};
  EXPECT_TRUE(dropped_void.Validate(schema).ok());

  PartitionSpec duplicate_names{
      1, {{1, 1000, "p", Transform::Bucket(4)}, {2, 1001, "p", Transform::Identity()}}};
  EXPECT_THAT(duplicate_names.Validate(schema).message(), HasSubstr("duplicate"));
  PartitionSpec duplicate_ids{
      1, {{1, 1000, "a", Transform::Bucket(4)}, {2, 1000, "b", Transform::Identity()}}};
  EXPECT_THAT(duplicate_ids.Validate(schema).message(), HasSubstr("duplicate partition field id"));
  PartitionSpec redundant{
      1, {{1, 1000, "a", Transform::Bucket(4)}, {1, 1001, "b", Transform::Bucket(4)}}};
  EXPECT_THAT(redundant.Validate(schema).message(), HasSubstr("already partitioned"));
  PartitionSpec bad_transform{1, {{2, 1000, "n", {TransformKind::kYear, 0}}}};
  EXPECT_FALSE(bad_transform.Validate(schema).ok());
  PartitionSpec clash{1, {{2, 1000, "kind", Transform::Identity()}}};
  EXPECT_THAT(clash.Validate(schema).message(), HasSubstr("name of another column"));
}

TEST(PartitionSpecType, OneOptionalFieldPerPartitionField) {
  Result<PartitionSpec> spec =
      ParsePartitionBy("day(ts),bucket(16,id),truncate(4,name),month(ts),amount", TestSchema());
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  Result<TypePtr> type = spec->PartitionType(TestSchema());
  ASSERT_TRUE(type.ok()) << type.status().ToString();
  ASSERT_EQ((*type)->id(), TypeId::kStruct);
  const std::vector<NestedField>& fields = (*type)->fields();
  ASSERT_EQ(fields.size(), 5u);
  EXPECT_EQ(fields[0], (NestedField{1000, "ts_day", false, Type::Primitive(TypeId::kDate), {}}));
  EXPECT_EQ(fields[1], (NestedField{1001, "id_bucket", false, Type::Primitive(TypeId::kInt), {}}));
  EXPECT_EQ(fields[2],
            (NestedField{1002, "name_trunc", false, Type::Primitive(TypeId::kString), {}}));
  EXPECT_EQ(fields[3], (NestedField{1003, "ts_month", false, Type::Primitive(TypeId::kInt), {}}));
  EXPECT_EQ(fields[4], (NestedField{1004, "amount", false, Type::Decimal(9, 2), {}}));
}

}  // namespace
}  // namespace floe::iceberg
