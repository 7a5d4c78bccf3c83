#include "format/avro/value.h"

#include <gtest/gtest.h>

namespace floe::avro {
namespace {

TEST(ValueTest, BuildersAndAccessors) {
  EXPECT_TRUE(Value::Null().is_null());
  EXPECT_TRUE(Value().is_null());
  EXPECT_EQ(Value::Boolean(true).as_boolean(), true);
  EXPECT_EQ(Value::Int(-7).as_int(), -7);
  EXPECT_EQ(Value::Long(int64_t{1} << 40).as_long(), int64_t{1} << 40);
  EXPECT_EQ(Value::Float(1.5f).as_float(), 1.5f);
  EXPECT_EQ(Value::Double(2.5).as_double(), 2.5);
  EXPECT_EQ(Value::String("s").as_string(), "s");
  EXPECT_EQ(Value::Bytes(std::string("\0\1", 2)).as_bytes(), std::string("\0\1", 2));
  EXPECT_EQ(Value::Array({Value::Int(1)}).as_array().size(), 1u);
  EXPECT_EQ(Value::Map({{"k", Value::Null()}}).as_map()[0].first, "k");
  Value record = Value::Record({Value::Int(1), Value::String("x")});
  EXPECT_TRUE(record.is_record());
  record.mutable_record()[0] = Value::Int(2);
  EXPECT_EQ(record.as_record()[0].as_int(), 2);
}

TEST(ValueTest, EqualityDistinguishesKinds) {
  EXPECT_EQ(Value::Int(1), Value::Int(1));
  EXPECT_NE(Value::Int(1), Value::Long(1));
  EXPECT_NE(Value::String("a"), Value::Bytes("a"));
  EXPECT_NE(Value::Record({Value::Int(1)}), Value::Array({Value::Int(1)}));
  EXPECT_EQ(Value::Record({Value::Array({Value::Null()})}),
            Value::Record({Value::Array({Value::Null()})}));
}

TEST(ValueTest, DebugString) {
  EXPECT_EQ(Value::Record({Value::Long(3), Value::Bytes("\x01\xff"), Value::Null(),
                           Value::Map({{"k", Value::String("v")}})})
                .DebugString(),
            R"({3L, 0x01ff, null, {"k": "v"}})");
}

TEST(ValueTest, FindFieldByName) {
  auto parsed = ParseSchema(R"({"type": "record", "name": "r", "fields": [
      {"name": "a", "type": "int"}, {"name": "b", "type": "int"}]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const Node& schema = **parsed;
  Value record = Value::Record({Value::Int(1), Value::Int(2)});
  ASSERT_NE(FindField(schema, record, "b"), nullptr);
  EXPECT_EQ(FindField(schema, record, "b")->as_int(), 2);
  EXPECT_EQ(FindField(schema, record, "c"), nullptr);
  EXPECT_EQ(FindField(schema, Value::Int(1), "a"), nullptr);
  EXPECT_EQ(FindField(schema, Value::Record({Value::Int(1)}), "a"), nullptr);
}

}  // namespace
}  // namespace floe::avro
