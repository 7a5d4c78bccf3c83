// Schema parsing: attributes Iceberg relies on survive, named types resolve, bad schemas fail
// with the path of the offending field.

#include "format/avro/schema.h"

#include <gtest/gtest.h>

#include <string>

namespace floe::avro {
namespace {

// A cut-down Iceberg manifest entry: field ids, element ids, an int-keyed map as an array with
// logicalType "map", optional fields with null defaults, and a logical date.
constexpr std::string_view kManifestEntry = R"({
  "type": "record", "name": "manifest_entry", "fields": [
    {"name": "status", "type": "int", "field-id": 0},
    {"name": "snapshot_id", "type": ["null", "long"], "default": null, "field-id": 1},
    {"name": "data_file", "field-id": 2, "type": {
      "type": "record", "name": "r2", "fields": [
        {"name": "file_path", "type": "string", "field-id": 100, "doc": "Location URI"},
        {"name": "partition", "field-id": 102, "type": {
          "type": "record", "name": "r102", "fields": [
            {"name": "day", "type": ["null", {"type": "int", "logicalType": "date"}],
             "default": null, "field-id": 1000}]}},
        {"name": "record_count", "type": "long", "field-id": 103},
        {"name": "column_sizes", "default": null, "field-id": 108, "type": ["null", {
          "type": "array", "logicalType": "map", "items": {
            "type": "record", "name": "k117_v118", "fields": [
              {"name": "key", "type": "int", "field-id": 117},
              {"name": "value", "type": "long", "field-id": 118}]}}]},
        {"name": "split_offsets", "default": null, "field-id": 132, "type": ["null", {
          "type": "array", "items": "long", "element-id": 133}]}]}}]})";

TEST(SchemaTest, KeepsIcebergAttributes) {
  auto parsed = ParseSchema(kManifestEntry);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const Node& entry = **parsed;
  EXPECT_EQ(entry.type, AvroType::kRecord);
  EXPECT_EQ(entry.name, "manifest_entry");
  ASSERT_EQ(entry.fields.size(), 3u);
  EXPECT_EQ(entry.fields[0].attributes["field-id"], 0);
  EXPECT_FALSE(entry.fields[0].default_value.has_value());
  ASSERT_TRUE(entry.fields[1].default_value.has_value());
  EXPECT_TRUE(entry.fields[1].default_value->is_null());
  EXPECT_EQ(entry.fields[1].type->type, AvroType::kUnion);
  ASSERT_EQ(entry.fields[1].type->branches.size(), 2u);
  EXPECT_EQ(entry.fields[1].type->branches[1]->type, AvroType::kLong);

  const Node& data_file = *entry.fields[entry.FieldIndex("data_file")].type;
  EXPECT_EQ(data_file.name, "r2");
  EXPECT_EQ(data_file.FieldIndex("record_count"), 2);
  EXPECT_EQ(data_file.FieldIndex("nope"), -1);
  EXPECT_EQ(data_file.fields[0].attributes["doc"], "Location URI");
  const Node& day = *data_file.fields[1].type->fields[0].type->branches[1];
  EXPECT_EQ(day.type, AvroType::kInt);
  EXPECT_EQ(day.attributes["logicalType"], "date");
  const Node& column_sizes = *data_file.fields[3].type->branches[1];
  EXPECT_EQ(column_sizes.type, AvroType::kArray);
  EXPECT_EQ(column_sizes.attributes["logicalType"], "map");
  EXPECT_EQ(column_sizes.items->fields[1].attributes["field-id"], 118);
  const Node& split_offsets = *data_file.fields[4].type->branches[1];
  EXPECT_EQ(split_offsets.attributes["element-id"], 133);
  EXPECT_EQ(split_offsets.items->type, AvroType::kLong);
}

TEST(SchemaTest, SurvivesSchemaToJsonAndBack) {
  auto parsed = ParseSchema(kManifestEntry);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const std::string printed = SchemaToJson(**parsed);
  auto reparsed = ParseSchema(printed);
  ASSERT_TRUE(reparsed.ok()) << reparsed.status().ToString() << "\n" << printed;
  EXPECT_EQ(SchemaToJson(**reparsed), printed);
  // The printed form holds the same JSON as the input, key order aside.
  EXPECT_EQ(nlohmann::json::parse(printed), nlohmann::json::parse(kManifestEntry));
}

TEST(SchemaTest, PrimitivesPrintAsNames) {
  auto parsed = ParseSchema(R"({"type": "long"})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(SchemaToJson(**parsed), R"("long")");
  auto logical = ParseSchema(R"({"type": "long", "logicalType": "timestamp-micros"})");
  ASSERT_TRUE(logical.ok());
  EXPECT_EQ(SchemaToJson(**logical), R"({"logicalType":"timestamp-micros","type":"long"})");
}

TEST(SchemaTest, NamedTypesAreReferencedByName) {
  auto parsed = ParseSchema(R"({"type": "record", "name": "pair", "namespace": "floe.test",
      "fields": [
        {"name": "a", "type": {"type": "fixed", "name": "md5", "size": 16}},
        {"name": "b", "type": "md5"},
        {"name": "c", "type": ["null", "floe.test.md5"]}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const Node& pair = **parsed;
  EXPECT_EQ(pair.name, "floe.test.pair");
  EXPECT_EQ(pair.fields[0].type->name, "floe.test.md5");
  EXPECT_EQ(pair.fields[0].type->size, 16);
  EXPECT_EQ(pair.fields[1].type, pair.fields[0].type);
  EXPECT_EQ(pair.fields[2].type->branches[1], pair.fields[0].type);
  // The second and third uses are written as references, so the output parses again.
  const std::string printed = SchemaToJson(pair);
  auto reparsed = ParseSchema(printed);
  ASSERT_TRUE(reparsed.ok()) << reparsed.status().ToString() << "\n" << printed;
  EXPECT_EQ(SchemaToJson(**reparsed), printed);
  EXPECT_NE(printed.find(R"("type":"floe.test.md5")"), std::string::npos) << printed;
}

TEST(SchemaTest, NullNamespaceInsideANamespacedRecordSurvives) {
  auto parsed = ParseSchema(R"({"type": "record", "name": "outer", "namespace": "a.b",
      "fields": [
        {"name": "x", "type": {"type": "record", "name": "inner", "namespace": "",
                               "fields": [{"name": "v", "type": "int"}]}},
        {"name": "y", "type": "inner"}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ((*parsed)->fields[0].type->name, "inner");
  auto reparsed = ParseSchema(SchemaToJson(**parsed));
  ASSERT_TRUE(reparsed.ok()) << reparsed.status().ToString();
  EXPECT_EQ((*reparsed)->fields[0].type->name, "inner");
}

TEST(SchemaTest, EnumsKeepSymbols) {
  auto parsed = ParseSchema(R"({"type": "enum", "name": "color", "symbols": ["RED", "GREEN"],
                                "doc": "colours"})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ((*parsed)->symbols, (std::vector<std::string>{"RED", "GREEN"}));
  EXPECT_EQ((*parsed)->attributes["doc"], "colours");
}

void ExpectSchemaError(std::string_view json, std::string_view message, ErrorKind kind) {
  auto parsed = ParseSchema(json);
  ASSERT_FALSE(parsed.ok()) << json;
  EXPECT_EQ(parsed.status().kind(), kind) << parsed.status().ToString();
  EXPECT_EQ(parsed.status().message(), message);
}

void ExpectInvalid(std::string_view json, std::string_view message) {
  ExpectSchemaError(json, message, ErrorKind::kInvalidArgument);
}

TEST(SchemaTest, BadSchemasNameThePath) {
  ExpectInvalid(R"({"type": "record", "name": "manifest_entry", "fields": [
      {"name": "data_file", "type": {"type": "record", "name": "r2", "fields": [
          {"name": "partition", "type": "foo"}]}}]})",
                "field data_file.partition: unknown type 'foo'");
  ExpectInvalid(R"({"type": "record", "name": "r", "fields": [
      {"name": "xs", "type": {"type": "array", "items": {"type": "record", "name": "e",
          "fields": [{"name": "v", "type": "bar"}]}}}]})",
                "field xs[].v: unknown type 'bar'");
  ExpectInvalid(R"({"type": "record", "name": "r", "fields": [{"name": "a"}]})",
                "field a: field without \"type\"");
  ExpectInvalid(R"({"type": "record", "name": "r"})",
                "schema: record 'r' needs a \"fields\" array");
  ExpectInvalid(R"({"type": "record", "name": "r", "fields": [
      {"name": "a", "type": "int"}, {"name": "a", "type": "long"}]})",
                "field a: duplicate field name");
  ExpectInvalid(R"({"type": "record", "name": "r", "fields": [
      {"name": "u", "type": ["null", "int", "null"]}]})",
                "field u: union has 'null' twice");
  ExpectInvalid(R"({"type": "fixed", "name": "f"})",
                "schema: fixed 'f' needs a non-negative integer \"size\"");
  ExpectInvalid(R"({"type": "enum", "name": "e", "symbols": ["A", "A"]})",
                "schema: enum 'e' has an invalid or repeated symbol \"A\"");
  ExpectInvalid(R"({"type": "record", "name": "1bad", "fields": []})",
                "schema: invalid name '1bad'");
  ExpectInvalid(R"({"type": "array"})", "schema: array without \"items\"");
  ExpectInvalid(R"(42)", "schema: a type must be a string, an object or an array, got 42");
  ExpectInvalid(R"([])", "schema: a union needs at least one branch");
  ExpectInvalid(R"({"type": "record", "name": "r", "fields": [
      {"name": "a", "type": {"type": "fixed", "name": "f", "size": 1}},
      {"name": "b", "type": {"type": "fixed", "name": "f", "size": 2}}]})",
                "field b: type 'f' is defined twice");
}

TEST(SchemaTest, RecursiveTypesAreNotSupported) {
  ExpectSchemaError(R"({"type": "record", "name": "node", "fields": [
      {"name": "next", "type": ["null", "node"]}]})",
                    "field next: recursive reference to 'node' is not supported",
                    ErrorKind::kNotSupported);
}

TEST(SchemaTest, DeepNestingIsRefused) {
  constexpr int kDepth = 1000;
  std::string json;
  for (int i = 0; i < kDepth; ++i) json += R"({"type": "array", "items": )";
  json += R"("int")";
  json += std::string(kDepth, '}');
  auto parsed = ParseSchema(json);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(parsed.status().message().find("deeper than"), std::string::npos)
      << parsed.status().message();
}

// The manifest code may build schemas as structs rather than JSON.
TEST(SchemaTest, HandBuiltNodesPrint) {
  auto null_node = std::make_shared<Node>();
  auto long_node = std::make_shared<Node>();
  long_node->type = AvroType::kLong;
  auto list = std::make_shared<Node>();
  list->type = AvroType::kArray;
  list->items = long_node;
  list->attributes["element-id"] = 133;
  auto optional = std::make_shared<Node>();
  optional->type = AvroType::kUnion;
  optional->branches = {null_node, list};
  auto odd = std::make_shared<Node>();
  odd->type = AvroType::kInt;
  odd->attributes = 5;  // not an object: printed as no attributes
  auto record = std::make_shared<Node>();
  record->type = AvroType::kRecord;
  record->name = std::string("r2");
  Field offsets;
  offsets.name = std::string("split_offsets");
  offsets.type = optional;
  offsets.default_value = nullptr;
  offsets.attributes["field-id"] = 132;
  record->fields.push_back(offsets);
  Field count;
  count.name = std::string("count");
  count.type = odd;
  record->fields.push_back(count);
  const std::string printed = SchemaToJson(*record);
  EXPECT_EQ(printed,
            R"({"fields":[{"default":null,"field-id":132,"name":"split_offsets","type":["null",)"
            R"({"element-id":133,"items":"long","type":"array"}]},{"name":"count","type":"int"}],)"
            R"("name":"r2","type":"record"})");
  EXPECT_TRUE(ParseSchema(printed).ok());
}

TEST(SchemaTest, InvalidJsonIsAnError) {
  auto parsed = ParseSchema(R"({"type": "record", )");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(parsed.status().message().find("not valid JSON"), std::string::npos);
}

}  // namespace
}  // namespace floe::avro
