#include "iceberg/type.h"

#include <fmt/format.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace floe::iceberg {
namespace {

using ::testing::HasSubstr;

NestedField Field(int32_t id, std::string name, bool required, TypePtr type) {
  return NestedField{id, std::move(name), required, std::move(type), {}};
}

TEST(TypeTest, EveryParameterlessPrimitiveRoundTripsThroughItsName) {
  const std::vector<std::pair<TypeId, std::string>> cases = {
      {TypeId::kBoolean, "boolean"},
      {TypeId::kInt, "int"},
      {TypeId::kLong, "long"},
      {TypeId::kFloat, "float"},
      {TypeId::kDouble, "double"},
      {TypeId::kDate, "date"},
      {TypeId::kTime, "time"},
      {TypeId::kTimestamp, "timestamp"},
      {TypeId::kTimestampTz, "timestamptz"},
      {TypeId::kTimestampNs, "timestamp_ns"},
      {TypeId::kTimestampTzNs, "timestamptz_ns"},
      {TypeId::kString, "string"},
      {TypeId::kUuid, "uuid"},
      {TypeId::kBinary, "binary"},
  };
  for (const auto& [id, name] : cases) {
    SCOPED_TRACE(name);
    TypePtr type = Type::Primitive(id);
    ASSERT_NE(type, nullptr);
    EXPECT_EQ(type->id(), id);
    EXPECT_TRUE(type->is_primitive());
    EXPECT_FALSE(type->is_nested());
    EXPECT_EQ(type->ToString(), name);
    Result<TypePtr> parsed = Type::FromPrimitiveName(name);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(**parsed, *type);
  }
}

TEST(TypeTest, PrimitivesAreSharedInstances) {
  EXPECT_EQ(Type::Primitive(TypeId::kLong), Type::Primitive(TypeId::kLong));
}

#ifdef NDEBUG
// Release builds keep the precondition without aborting: no type rather than a wrong one.
TEST(TypeTest, PrimitiveRefusesParameterisedAndNestedIdsInRelease) {
  EXPECT_EQ(Type::Primitive(TypeId::kDecimal), nullptr);
  EXPECT_EQ(Type::Primitive(TypeId::kFixed), nullptr);
  EXPECT_EQ(Type::Primitive(TypeId::kStruct), nullptr);
  EXPECT_EQ(Type::Primitive(TypeId::kMap), nullptr);
}
#endif

TEST(TypeTest, NamesAreCaseInsensitiveLikeJava) {
  Result<TypePtr> parsed = Type::FromPrimitiveName("TimestampTZ");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ((*parsed)->id(), TypeId::kTimestampTz);
}

TEST(TypeTest, DecimalWithAndWithoutSpaces) {
  for (std::string name : {"decimal(9,2)", "decimal(9, 2)", "decimal( 9 , 2 )", "DECIMAL(9,2)"}) {
    SCOPED_TRACE(name);
    Result<TypePtr> parsed = Type::FromPrimitiveName(name);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ((*parsed)->id(), TypeId::kDecimal);
    EXPECT_EQ((*parsed)->precision(), 9);
    EXPECT_EQ((*parsed)->scale(), 2);
    EXPECT_EQ(**parsed, *Type::Decimal(9, 2));
  }
  // Java's spelling, which every reader accepts.
  EXPECT_EQ(Type::Decimal(38, 10)->ToString(), "decimal(38, 10)");
}

TEST(TypeTest, DecimalBounds) {
  EXPECT_TRUE(Type::FromPrimitiveName("decimal(1,0)").ok());
  EXPECT_TRUE(Type::FromPrimitiveName("decimal(38,38)").ok());
  for (std::string name :
       {"decimal(0,0)", "decimal(39,0)", "decimal(5,6)", "decimal(5,-1)", "decimal(-5,1)",
        "decimal(5)", "decimal(5,2", "decimal(5,2)x", "decimal", "decimal(a,b)"}) {
    SCOPED_TRACE(name);
    Result<TypePtr> parsed = Type::FromPrimitiveName(name);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().kind(), ErrorKind::kInvalidArgument);
    EXPECT_THAT(parsed.status().message(), HasSubstr(name));
  }
}

TEST(TypeTest, Fixed) {
  Result<TypePtr> parsed = Type::FromPrimitiveName("fixed[16]");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ((*parsed)->id(), TypeId::kFixed);
  EXPECT_EQ((*parsed)->length(), 16);
  EXPECT_EQ((*parsed)->ToString(), "fixed[16]");
  EXPECT_EQ(**parsed, *Type::Fixed(16));
  EXPECT_NE(**parsed, *Type::Fixed(8));
  EXPECT_TRUE(Type::FromPrimitiveName("fixed[ 4 ]").ok());
  for (std::string name : {"fixed[0]", "fixed[]", "fixed[-1]", "fixed(16)", "fixed[16"}) {
    SCOPED_TRACE(name);
    EXPECT_FALSE(Type::FromPrimitiveName(name).ok());
  }
}

TEST(TypeTest, UnknownTypeNamesTheName) {
  for (std::string name : {"strng", "", "struct", "list", "variant", "integer"}) {
    SCOPED_TRACE(name);
    Result<TypePtr> parsed = Type::FromPrimitiveName(name);
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().kind(), ErrorKind::kInvalidArgument);
    EXPECT_THAT(parsed.status().message(), HasSubstr(fmt::format("'{}'", name)));
  }
}

TEST(TypeTest, NestedTypes) {
  TypePtr list = Type::List(Field(3, "element", true, Type::Primitive(TypeId::kString)));
  EXPECT_EQ(list->id(), TypeId::kList);
  EXPECT_TRUE(list->is_nested());
  ASSERT_EQ(list->fields().size(), 1u);
  EXPECT_EQ(list->ToString(), "list");

  TypePtr map = Type::Map(Field(4, "key", true, Type::Primitive(TypeId::kString)),
                          Field(5, "value", false, Type::Primitive(TypeId::kLong)));
  ASSERT_EQ(map->fields().size(), 2u);
  EXPECT_EQ(map->fields()[0].id, 4);
  EXPECT_EQ(map->fields()[1].id, 5);
  EXPECT_EQ(map->ToString(), "map");

  TypePtr record = Type::Struct({Field(1, "a", true, list), Field(2, "b", false, map)});
  EXPECT_EQ(record->ToString(), "struct");
  EXPECT_EQ(record->fields().size(), 2u);
}

TEST(TypeTest, EqualityIsDeep) {
  auto make = [](bool element_required) {
    return Type::Struct({Field(
        1, "tags", false,
        Type::List(Field(2, "element", element_required, Type::Primitive(TypeId::kString))))});
  };
  EXPECT_EQ(*make(true), *make(true));
  EXPECT_NE(*make(true), *make(false));
  EXPECT_NE(*Type::Decimal(9, 2), *Type::Decimal(9, 3));
  EXPECT_NE(*Type::Primitive(TypeId::kTimestamp), *Type::Primitive(TypeId::kTimestampTz));
}

TEST(TypeTest, NestedFieldEquality) {
  NestedField a = Field(1, "a", true, Type::Primitive(TypeId::kInt));
  NestedField b = Field(1, "a", true, Type::Primitive(TypeId::kInt));
  EXPECT_EQ(a, b);
  b.doc = "documented";
  EXPECT_NE(a, b);
  b = a;
  b.type = Type::Primitive(TypeId::kLong);
  EXPECT_NE(a, b);
  b.type = nullptr;
  EXPECT_NE(a, b);
  a.type = nullptr;
  EXPECT_EQ(a, b);
}

}  // namespace
}  // namespace floe::iceberg
