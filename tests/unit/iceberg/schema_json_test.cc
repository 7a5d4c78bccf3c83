#include "iceberg/schema_json.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace floe::iceberg {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

NestedField Field(int32_t id, std::string name, bool required, TypePtr type) {
  return NestedField{id, std::move(name), required, std::move(type), {}};
}

TypePtr Prim(TypeId id) { return Type::Primitive(id); }

// id 1 long required, 2 string, 3 struct{4 double, 5 list<6 int>}, 7 map<8 string, 9 date>.
Schema NestedSchema() {
  return Schema(
      3,
      {Field(1, "id", true, Prim(TypeId::kLong)), Field(2, "name", false, Prim(TypeId::kString)),
       Field(3, "location", false,
             Type::Struct({Field(4, "lat", true, Prim(TypeId::kDouble)),
                           Field(5, "tags", false,
                                 Type::List(Field(6, "element", true, Prim(TypeId::kInt))))})),
       Field(7, "props", true,
             Type::Map(Field(8, "key", true, Prim(TypeId::kString)),
                       Field(9, "value", false, Prim(TypeId::kDate))))},
      {1});
}

// --- Schema ---------------------------------------------------------------------------------

TEST(SchemaTest, FindsFieldsByIdAtAnyDepth) {
  Schema schema = NestedSchema();
  ASSERT_NE(schema.FindFieldById(1), nullptr);
  EXPECT_EQ(schema.FindFieldById(1)->name, "id");
  ASSERT_NE(schema.FindFieldById(4), nullptr);
  EXPECT_EQ(schema.FindFieldById(4)->name, "lat");
  ASSERT_NE(schema.FindFieldById(6), nullptr);
  EXPECT_EQ(schema.FindFieldById(6)->type->id(), TypeId::kInt);
  ASSERT_NE(schema.FindFieldById(9), nullptr);
  EXPECT_EQ(schema.FindFieldById(9)->type->id(), TypeId::kDate);
  EXPECT_EQ(schema.FindFieldById(10), nullptr);
}

TEST(SchemaTest, FindsTopLevelFieldsByNameAndIndex) {
  Schema schema = NestedSchema();
  ASSERT_NE(schema.FindFieldByName("props"), nullptr);
  EXPECT_EQ(schema.FindFieldByName("props")->id, 7);
  EXPECT_EQ(schema.FindFieldByName("lat"), nullptr);  // nested: not top level
  EXPECT_EQ(schema.FindFieldByName("ID"), nullptr);   // exact match only
  EXPECT_EQ(schema.FieldIndexById(1), 0);
  EXPECT_EQ(schema.FieldIndexById(7), 3);
  EXPECT_EQ(schema.FieldIndexById(4), -1);
}

TEST(SchemaTest, HighestFieldIdLooksIntoNestedTypes) {
  EXPECT_EQ(NestedSchema().HighestFieldId(), 9);
  EXPECT_EQ(Schema().HighestFieldId(), 0);
}

TEST(SchemaTest, ValidSchemaPasses) {
  Status status = NestedSchema().Validate();
  EXPECT_TRUE(status.ok()) << status.ToString();
}

TEST(SchemaTest, DuplicateIdsAnywhereAreRefused) {
  Schema top(0, {Field(1, "a", true, Prim(TypeId::kInt)), Field(1, "b", true, Prim(TypeId::kInt))});
  Status status = top.Validate();
  EXPECT_EQ(status.kind(), ErrorKind::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("duplicate field id 1"));
  EXPECT_THAT(status.message(), HasSubstr("'b'"));

  Schema nested(0, {Field(1, "a", false, Type::List(Field(2, "element", true, Prim(TypeId::kInt)))),
                    Field(2, "b", true, Prim(TypeId::kInt))});
  EXPECT_THAT(nested.Validate().message(), HasSubstr("duplicate field id 2"));
}

TEST(SchemaTest, NamesMustBeNonEmptyAndUniquePerStruct) {
  Schema empty(0, {Field(1, "", true, Prim(TypeId::kInt))});
  EXPECT_THAT(empty.Validate().message(), HasSubstr("empty name"));
  Schema twice(0,
               {Field(1, "a", true, Prim(TypeId::kInt)), Field(2, "a", true, Prim(TypeId::kInt))});
  EXPECT_THAT(twice.Validate().message(), HasSubstr("duplicate field name 'a'"));
  // The same name in different structs is fine.
  Schema scoped(0, {Field(1, "a", true, Type::Struct({Field(2, "a", true, Prim(TypeId::kInt))}))});
  EXPECT_TRUE(scoped.Validate().ok());
}

TEST(SchemaTest, IdentifierFieldRules) {
  auto with_identifier = [](NestedField field, int32_t id) {
    std::vector<NestedField> fields;
    fields.push_back(std::move(field));
    return Schema(0, std::move(fields), {id});
  };
  Status missing = with_identifier(Field(1, "a", true, Prim(TypeId::kInt)), 5).Validate();
  EXPECT_EQ(missing.kind(), ErrorKind::kInvalidArgument);
  EXPECT_THAT(missing.message(), HasSubstr("identifier field 5 does not exist"));

  Status optional = with_identifier(Field(1, "a", false, Prim(TypeId::kInt)), 1).Validate();
  EXPECT_THAT(optional.message(), HasSubstr("identifier field 1 ('a') must be required"));

  Status dbl = with_identifier(Field(1, "score", true, Prim(TypeId::kDouble)), 1).Validate();
  EXPECT_THAT(dbl.message(), HasSubstr("'score'"));
  EXPECT_THAT(dbl.message(), HasSubstr("double"));
  Status flt = with_identifier(Field(1, "f", true, Prim(TypeId::kFloat)), 1).Validate();
  EXPECT_THAT(flt.message(), HasSubstr("float"));

  Status nested_type =
      with_identifier(Field(1, "s", true, Type::Struct({Field(2, "x", true, Prim(TypeId::kInt))})),
                      1)
          .Validate();
  EXPECT_THAT(nested_type.message(), HasSubstr("must be a primitive"));

  // Inside a required struct: allowed; inside an optional struct or a list: not.
  EXPECT_TRUE(with_identifier(
                  Field(1, "s", true, Type::Struct({Field(2, "x", true, Prim(TypeId::kInt))})), 2)
                  .Validate()
                  .ok());
  Status under_optional =
      with_identifier(Field(1, "s", false, Type::Struct({Field(2, "x", true, Prim(TypeId::kInt))})),
                      2)
          .Validate();
  EXPECT_THAT(under_optional.message(), HasSubstr("optional struct 's'"));
  Status in_list =
      with_identifier(
          Field(1, "l", true, Type::List(Field(2, "element", true, Prim(TypeId::kInt)))), 2)
          .Validate();
  EXPECT_THAT(in_list.message(), HasSubstr("nested in list 'l'"));
}

TEST(SchemaTest, EqualityComparesIdsFieldsAndIdentifiers) {
  EXPECT_EQ(NestedSchema(), NestedSchema());
  Schema other = NestedSchema();
  other.set_schema_id(4);
  EXPECT_NE(NestedSchema(), other);
  EXPECT_NE(NestedSchema(), Schema(3, NestedSchema().fields(), {}));
}

// --- Type and schema JSON ------------------------------------------------------------------

TEST(SchemaJsonTest, PrimitivesAreStrings) {
  EXPECT_EQ(TypeToJson(*Prim(TypeId::kTimestampTz)), json("timestamptz"));
  EXPECT_EQ(TypeToJson(*Type::Decimal(9, 2)), json("decimal(9, 2)"));
  EXPECT_EQ(TypeToJson(*Type::Fixed(16)), json("fixed[16]"));
  Result<TypePtr> parsed = TypeFromJson(json("decimal(9,2)"), "t");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(**parsed, *Type::Decimal(9, 2));
}

TEST(SchemaJsonTest, SpecExampleForms) {
  // The forms of the spec's Appendix C, written out by hand.
  const json struct_form = json::parse(R"({
    "type": "struct",
    "fields": [
      {"id": 1, "name": "id", "required": true, "type": "uuid", "doc": "unique id"},
      {"id": 2, "name": "data", "required": false, "type": "string"}
    ]})");
  Result<TypePtr> record = TypeFromJson(struct_form, "");
  ASSERT_TRUE(record.ok()) << record.status().ToString();
  ASSERT_EQ((*record)->fields().size(), 2u);
  EXPECT_EQ((*record)->fields()[0].doc, "unique id");
  EXPECT_TRUE((*record)->fields()[0].required);
  EXPECT_EQ((*record)->fields()[1].type->id(), TypeId::kString);
  EXPECT_EQ(TypeToJson(**record), struct_form);

  const json list_form = json::parse(
      R"({"type": "list", "element-id": 3, "element-required": true, "element": "string"})");
  Result<TypePtr> list = TypeFromJson(list_form, "");
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  EXPECT_EQ((*list)->fields()[0].id, 3);
  EXPECT_EQ((*list)->fields()[0].name, "element");
  EXPECT_EQ(TypeToJson(**list), list_form);

  const json map_form = json::parse(R"({"type": "map", "key-id": 4, "key": "string",
    "value-id": 5, "value-required": false, "value": "double"})");
  Result<TypePtr> map = TypeFromJson(map_form, "");
  ASSERT_TRUE(map.ok()) << map.status().ToString();
  EXPECT_TRUE((*map)->fields()[0].required);  // keys are always required
  EXPECT_FALSE((*map)->fields()[1].required);
  EXPECT_EQ(TypeToJson(**map), map_form);
}

TEST(SchemaJsonTest, EveryTypeRoundTrips) {
  std::vector<NestedField> fields;
  int32_t id = 1;
  for (TypeId type_id : {TypeId::kBoolean, TypeId::kInt, TypeId::kLong, TypeId::kFloat,
                         TypeId::kDouble, TypeId::kDate, TypeId::kTime, TypeId::kTimestamp,
                         TypeId::kTimestampTz, TypeId::kTimestampNs, TypeId::kTimestampTzNs,
                         TypeId::kString, TypeId::kUuid, TypeId::kBinary}) {
    fields.push_back(Field(id, fmt::format("c{}", id), id % 2 == 0, Prim(type_id)));
    ++id;
  }
  fields.push_back(Field(id++, "dec", false, Type::Decimal(38, 9)));
  fields.push_back(Field(id++, "fix", false, Type::Fixed(7)));
  Schema schema(7, fields, {2});
  Schema nested = NestedSchema();

  for (const Schema& original : {schema, nested}) {
    json out = SchemaToJson(original);
    EXPECT_EQ(out["type"], "struct");
    EXPECT_EQ(out["schema-id"], original.schema_id());
    Result<Schema> back = SchemaFromJson(out, "round-trip");
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, original);
    EXPECT_TRUE(back->Validate().ok());
    // And through text.
    Result<Schema> from_text = SchemaFromJsonText(out.dump(), "round-trip");
    ASSERT_TRUE(from_text.ok()) << from_text.status().ToString();
    EXPECT_EQ(*from_text, original);
  }
}

TEST(SchemaJsonTest, DeeplyNestedRoundTrip) {
  // map<string, list<struct<a: map<int, fixed[2]>>>>
  TypePtr inner =
      Type::Map(Field(5, "key", true, Prim(TypeId::kInt)), Field(6, "value", true, Type::Fixed(2)));
  TypePtr record = Type::Struct({Field(4, "a", false, inner)});
  TypePtr list = Type::List(Field(3, "element", false, record));
  TypePtr outer =
      Type::Map(Field(1, "key", true, Prim(TypeId::kString)), Field(2, "value", false, list));
  Schema schema(0, {Field(10, "deep", true, outer)});
  Result<Schema> back = SchemaFromJson(SchemaToJson(schema), "deep");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, schema);
  EXPECT_EQ(back->HighestFieldId(), 10);
  ASSERT_NE(back->FindFieldById(6), nullptr);
  EXPECT_EQ(back->FindFieldById(6)->type->length(), 2);
}

TEST(SchemaJsonTest, SchemaIdAndIdentifiersAreOptionalOnInput) {
  Result<Schema> schema = SchemaFromJsonText(
      R"({"type":"struct","fields":[{"id":1,"name":"a","required":true,"type":"int"}]})", "s");
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  EXPECT_EQ(schema->schema_id(), 0);
  EXPECT_TRUE(schema->identifier_field_ids().empty());
  EXPECT_FALSE(SchemaToJson(*schema).contains("identifier-field-ids"));

  Result<Schema> with_ids = SchemaFromJsonText(
      R"({"type":"struct","schema-id":5,"identifier-field-ids":[1],
          "fields":[{"id":1,"name":"a","required":true,"type":"int"}]})",
      "s");
  ASSERT_TRUE(with_ids.ok()) << with_ids.status().ToString();
  EXPECT_EQ(with_ids->schema_id(), 5);
  EXPECT_EQ(with_ids->identifier_field_ids(), std::vector<int32_t>{1});
  EXPECT_EQ(SchemaToJson(*with_ids)["identifier-field-ids"], json::array({1}));
}

TEST(SchemaJsonTest, UnknownTypeNamesFileAndJsonPath) {
  Result<Schema> schema = SchemaFromJsonText(R"({"type": "struct", "fields": [
      {"id": 1, "name": "a", "required": true, "type": "int"},
      {"id": 2, "name": "b", "required": true, "type": "long"},
      {"id": 3, "name": "c", "required": false, "type": "strng"}]})",
                                             "schema.json");
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.status().kind(), ErrorKind::kInvalidArgument);
  EXPECT_EQ(schema.status().message(), "schema.json: fields[2].type: unknown type 'strng'");
}

TEST(SchemaJsonTest, NestedErrorPaths) {
  Result<Schema> schema = SchemaFromJsonText(R"json({"type": "struct", "fields": [
      {"id": 1, "name": "m", "required": true, "type":
        {"type": "map", "key-id": 2, "key": "string", "value-id": 3, "value-required": true,
         "value": {"type": "list", "element-id": 4, "element-required": true,
                   "element": "decimal(40, 2)"}}}]})json",
                                             "s.json");
  ASSERT_FALSE(schema.ok());
  EXPECT_THAT(schema.status().message(),
              HasSubstr("s.json: fields[0].type.value.element: decimal type 'decimal(40, 2)'"));

  Result<Schema> bad_nested = SchemaFromJsonText(
      R"({"type":"struct","fields":[{"id":1,"name":"x","required":true,"type":{"type":"set"}}]})",
      "s.json");
  ASSERT_FALSE(bad_nested.ok());
  EXPECT_EQ(bad_nested.status().message(),
            "s.json: fields[0].type.type: unknown nested type 'set'");
}

TEST(SchemaJsonTest, MissingRequiredMembers) {
  struct Case {
    const char* text;
    const char* expected;
  };
  const std::vector<Case> cases = {
      {R"({"type":"struct"})", "s.json: missing required field 'fields'"},
      {R"({"fields":[{"name":"a","required":true,"type":"int"}]})",
       "s.json: fields[0]: missing required field 'id'"},
      {R"({"fields":[{"id":1,"required":true,"type":"int"}]})",
       "s.json: fields[0]: missing required field 'name'"},
      {R"({"fields":[{"id":1,"name":"a","type":"int"}]})",
       "s.json: fields[0]: missing required field 'required'"},
      {R"({"fields":[{"id":1,"name":"a","required":true}]})",
       "s.json: fields[0]: missing required field 'type'"},
      {R"({"fields":[{"id":1,"name":"l","required":true,"type":{"type":"list","element":"int",
          "element-required":true}}]})",
       "s.json: fields[0].type: missing required field 'element-id'"},
      {R"({"fields":[{"id":"1","name":"a","required":true,"type":"int"}]})",
       "s.json: fields[0].id: expected an integer, found string"},
      {R"({"fields":[{"id":1.5,"name":"a","required":true,"type":"int"}]})",
       "s.json: fields[0].id: expected an integer, found a fractional number"},
      {R"({"fields":[{"id":4294967296,"name":"a","required":true,"type":"int"}]})",
       "s.json: fields[0].id: integer 4294967296 is out of the 32-bit range"},
      {R"({"fields":[{"id":1,"name":"a","required":"yes","type":"int"}]})",
       "s.json: fields[0].required: expected a boolean, found string"},
      {R"({"type":"list","fields":[]})", "s.json: type: a schema is a struct, not 'list'"},
      {R"([1, 2])", "s.json: expected an object, found array"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    Result<Schema> schema = SchemaFromJsonText(c.text, "s.json");
    ASSERT_FALSE(schema.ok());
    EXPECT_EQ(schema.status().kind(), ErrorKind::kInvalidArgument);
    EXPECT_EQ(schema.status().message(), c.expected);
  }
}

TEST(SchemaJsonTest, ValidationRunsOnText) {
  Result<Schema> duplicate = SchemaFromJsonText(R"({"fields":[
      {"id":1,"name":"a","required":true,"type":"int"},
      {"id":1,"name":"b","required":true,"type":"int"}]})",
                                                "dup.json");
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.status().kind(), ErrorKind::kInvalidArgument);
  EXPECT_THAT(duplicate.status().message(), HasSubstr("dup.json: duplicate field id 1"));

  Result<Schema> optional_identifier = SchemaFromJsonText(
      R"({"identifier-field-ids":[1],"fields":[{"id":1,"name":"key","required":false,"type":"long"}]})",
      "id.json");
  ASSERT_FALSE(optional_identifier.ok());
  EXPECT_THAT(optional_identifier.status().message(),
              HasSubstr("id.json: identifier field 1 ('key') must be required"));

  Result<Schema> double_identifier = SchemaFromJsonText(
      R"({"identifier-field-ids":[1],"fields":[{"id":1,"name":"v","required":true,"type":"double"}]})",
      "id.json");
  ASSERT_FALSE(double_identifier.ok());
  EXPECT_THAT(double_identifier.status().message(), HasSubstr("identifier field 1 ('v')"));
}

TEST(SchemaJsonTest, SyntaxErrorsNameLineAndColumn) {
  Result<Schema> schema =
      SchemaFromJsonText("{\n  \"type\": \"struct\",\n  \"fields\": [,]\n}", "broken.json");
  ASSERT_FALSE(schema.ok());
  EXPECT_EQ(schema.status().kind(), ErrorKind::kInvalidArgument);
  EXPECT_THAT(schema.status().message(), HasSubstr("broken.json: line 3, column 14: invalid JSON"));

  Result<Schema> truncated = SchemaFromJsonText("{\"type\": ", "cut.json");
  ASSERT_FALSE(truncated.ok());
  EXPECT_THAT(truncated.status().message(), HasSubstr("cut.json: line 1, column"));
}

// --- Partition specs and sort orders -------------------------------------------------------

// Column defaults (v3) come back as they were sent, take part in equality, and a primitive
// column's default must be a single value.
TEST(SchemaJsonTest, ColumnDefaultsRoundTrip) {
  const json text = json::parse(R"({"type": "struct", "schema-id": 0, "fields": [
      {"id": 1, "name": "n", "required": true, "type": "int", "initial-default": 12,
       "write-default": 10},
      {"id": 2, "name": "s", "required": false, "type": "string", "write-default": "x"},
      {"id": 3, "name": "p", "required": false, "type": {"type": "struct", "fields": []},
       "initial-default": {}},
      {"id": 4, "name": "none", "required": false, "type": "long", "initial-default": null}]})");
  auto schema = SchemaFromJson(text, "schema.json");
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  EXPECT_EQ(schema->fields()[0].initial_default, "12");
  EXPECT_EQ(schema->fields()[0].write_default, "10");
  EXPECT_EQ(schema->fields()[1].write_default, "\"x\"");
  EXPECT_EQ(schema->fields()[3].initial_default, std::nullopt);
  json expected = text;
  expected["fields"][3].erase("initial-default");
  EXPECT_EQ(SchemaToJson(*schema), expected);

  Schema other = *schema;
  std::vector<NestedField> fields = other.fields();
  fields[0].write_default = "11";
  EXPECT_FALSE(Schema(0, fields) == *schema);

  json bad = text;
  bad["fields"][0]["initial-default"] = json::array({1});
  auto refused = SchemaFromJson(bad, "schema.json");
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(),
              HasSubstr("fields[0].initial-default: the default of a int column must be a single"));
}

TEST(SchemaJsonTest, PartitionSpecRoundTrip) {
  PartitionSpec spec;
  spec.spec_id = 2;
  spec.fields = {PartitionField{6, 1000, "ts_day", Transform{TransformKind::kDay, 0}},
                 PartitionField{1, 1001, "id_bucket", Transform::Bucket(16)},
                 PartitionField{2, 1002, "name_trunc", Transform::Truncate(4)}};
  json out = PartitionSpecToJson(spec);
  EXPECT_EQ(out["spec-id"], 2);
  EXPECT_EQ(out["fields"][0],
            json::parse(R"({"source-id":6,"field-id":1000,"name":"ts_day","transform":"day"})"));
  EXPECT_EQ(out["fields"][1]["transform"], "bucket[16]");
  EXPECT_EQ(PartitionFieldsToJson(spec), out["fields"]);
  Result<PartitionSpec> back = PartitionSpecFromJson(out, "spec");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, spec);

  PartitionSpec unpartitioned;
  EXPECT_EQ(PartitionSpecToJson(unpartitioned), json::parse(R"({"spec-id":0,"fields":[]})"));
}

TEST(SchemaJsonTest, PartitionFieldIdsDefaultLikeJava) {
  Result<PartitionSpec> spec =
      PartitionFieldsFromJsonAt(json::parse(R"([{"name":"a","transform":"identity","source-id":1},
                      {"name":"b","transform":"void","source-id":2}])"),
                                0, JsonLocation{"m.json", "partition-spec"});
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->fields[0].field_id, 1000);
  EXPECT_EQ(spec->fields[1].field_id, 1001);
}

TEST(SchemaJsonTest, PartitionSpecErrors) {
  Result<PartitionSpec> bad_transform = PartitionSpecFromJson(
      json::parse(R"({"spec-id":0,"fields":[{"name":"a","transform":"bucket[x]","source-id":1,
                      "field-id":1000}]})"),
      "p.json");
  ASSERT_FALSE(bad_transform.ok());
  EXPECT_EQ(bad_transform.status().kind(), ErrorKind::kInvalidArgument);
  EXPECT_THAT(bad_transform.status().message(), HasSubstr("p.json: fields[0].transform: "));

  Result<PartitionSpec> no_source = PartitionSpecFromJson(
      json::parse(R"({"spec-id":0,"fields":[{"name":"a","transform":"identity"}]})"), "p.json");
  ASSERT_FALSE(no_source.ok());
  EXPECT_EQ(no_source.status().message(), "p.json: fields[0]: missing required field 'source-id'");

  Result<PartitionSpec> no_id = PartitionSpecFromJson(json::parse(R"({"fields":[]})"), "p.json");
  ASSERT_FALSE(no_id.ok());
  EXPECT_EQ(no_id.status().message(), "p.json: missing required field 'spec-id'");
}

TEST(SchemaJsonTest, SortOrderRoundTrip) {
  SortOrder order;
  order.order_id = 1;
  order.fields = {SortField{3, Transform::Identity(), SortDirection::kDesc, NullOrder::kNullsLast},
                  SortField{4, Transform::Bucket(4), SortDirection::kAsc, NullOrder::kNullsFirst}};
  json out = SortOrderToJson(order);
  EXPECT_EQ(out["fields"][0], json::parse(R"({"transform":"identity","source-id":3,
      "direction":"desc","null-order":"nulls-last"})"));
  Result<SortOrder> back = SortOrderFromJson(out, "o");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, order);

  EXPECT_EQ(SortOrderToJson(SortOrder::Unsorted()), json::parse(R"({"order-id":0,"fields":[]})"));
  Result<SortOrder> unsorted = SortOrderFromJson(json::parse(R"({"order-id":0,"fields":[]})"), "o");
  ASSERT_TRUE(unsorted.ok());
  EXPECT_EQ(*unsorted, SortOrder::Unsorted());
}

TEST(SchemaJsonTest, SortOrderErrors) {
  Result<SortOrder> direction = SortOrderFromJson(
      json::parse(R"({"order-id":1,"fields":[{"transform":"identity","source-id":1,
                      "direction":"up","null-order":"nulls-first"}]})"),
      "o.json");
  ASSERT_FALSE(direction.ok());
  EXPECT_EQ(direction.status().message(),
            "o.json: fields[0].direction: unknown sort direction 'up'");

  Result<SortOrder> reserved = SortOrderFromJson(
      json::parse(R"({"order-id":0,"fields":[{"transform":"identity","source-id":1,
                      "direction":"asc","null-order":"nulls-first"}]})"),
      "o.json");
  ASSERT_FALSE(reserved.ok());
  EXPECT_THAT(reserved.status().message(), HasSubstr("o.json: order-id: order id 0 is reserved"));
}

}  // namespace
}  // namespace floe::iceberg
