#include <gtest/gtest.h>

#include <string>

#include "expression_test_util.h"
#include "stream/expr/expression.h"

namespace floe::stream {
namespace {

using testing::BindError;
using testing::MustBind;

TEST(ExpressionBindTest, UnknownColumnWithSuggestion) {
  EXPECT_EQ(BindError("lower(mesage_body) LIKE '%gun%'"),
            "unknown column 'mesage_body' at 1:7 (did you mean 'message_body'?)");
  EXPECT_EQ(BindError("n > 1 AND nothing_like_it = 2"), "unknown column 'nothing_like_it' at 1:11");
  EXPECT_EQ(BindError("n > 1 AND\n  flg"), "unknown column 'flg' at 2:3 (did you mean 'flag'?)");
  EXPECT_EQ(BindError("\"Flag\""), "unknown column 'Flag' at 1:1 (did you mean 'flag'?)");
}

TEST(ExpressionBindTest, NamesAndKeywordsIgnoreCaseUnlessQuoted) {
  EXPECT_NE(MustBind("FLAG and NOT Flag"), nullptr);
  EXPECT_NE(MustBind("LOWER(Message_Body) like '%gun%' Or n Is Not Null"), nullptr);
  EXPECT_NE(MustBind("\"odd name\" = 'x'"), nullptr);
  EXPECT_NE(MustBind("timestamp > TIMESTAMP '2025-01-01T00:00:00Z'"), nullptr);
}

TEST(ExpressionBindTest, TypeMismatches) {
  EXPECT_EQ(BindError("message_body = big"), "cannot compare string with long at 1:14");
  EXPECT_EQ(BindError("flag < TRUE"), "booleans only compare with = and <> at 1:6");
  EXPECT_EQ(BindError("n = flag"), "cannot compare int with boolean at 1:3");
  EXPECT_EQ(BindError("n AND flag"), "AND needs boolean operands, got int at 1:1");
  EXPECT_EQ(BindError("NOT message_body"), "NOT needs boolean operands, got string at 1:5");
  EXPECT_EQ(BindError("message_body + 1"), "arithmetic needs numbers, got string and int at 1:14");
  EXPECT_EQ(BindError("n LIKE '%1%'"), "LIKE needs a string, got int at 1:1");
  EXPECT_EQ(BindError("message_body LIKE account_id"),
            "the pattern of LIKE must be a string literal, at 1:19");
  EXPECT_EQ(BindError("lower(n)"), "argument 1 of lower() must be a string, got int at 1:7");
  EXPECT_EQ(BindError("lower(message_body, 'x')"), "lower() takes 1 argument, got 2 at 1:1");
  EXPECT_EQ(BindError("substring(message_body)"),
            "substring() takes 2 to 3 arguments, got 1 at 1:1");
  EXPECT_EQ(BindError("now(1)"), "now() takes 0 arguments, got 1 at 1:1");
  EXPECT_EQ(BindError("n IN (1, n)"), "IN lists hold literals only, at 1:10");
  EXPECT_EQ(BindError("n IN (1, 'x')"), "cannot cast 'x' to int at 1:10");
  EXPECT_EQ(BindError("n = 1.5 AND n IN (1.5)"), "literal 1.5 does not fit int at 1:19");
  EXPECT_EQ(BindError("day = 'yesterday'"),
            "cannot cast 'yesterday' to date: expected YYYY-MM-DD at 1:7");
  EXPECT_EQ(BindError("CAST(flag AS date)"), "cannot cast boolean to date at 1:1");
  EXPECT_EQ(BindError("coalesce(n, message_body)"),
            "coalesce() arguments must have one type: int and string at 1:13");
}

TEST(ExpressionBindTest, RegexpLikeBadPattern) {
  const std::string error = BindError("regexp_like(message_body, 'a(b')");
  EXPECT_EQ(error.rfind("bad regular expression 'a(b' at 1:27: ", 0), 0u) << error;
  EXPECT_EQ(BindError("regexp_like(message_body, account_id)"),
            "the pattern of regexp_like() must be a string literal, at 1:27");
}

TEST(ExpressionBindTest, SyntaxErrors) {
  EXPECT_EQ(BindError(""), "unexpected end of expression at 1:1");
  EXPECT_EQ(BindError("n >"), "unexpected end of expression at 1:4");
  EXPECT_EQ(BindError("n > 1 1"), "unexpected '1' at 1:7");
  EXPECT_EQ(BindError("(n > 1"), "expected ')' but found end of expression at 1:7");
  EXPECT_EQ(BindError("message_body = 'abc"), "unterminated string at 1:16");
  EXPECT_EQ(BindError("n # 1"), "unexpected character '#' at 1:3");
  EXPECT_EQ(BindError("n IS 1"), "expected NULL after IS but found '1' at 1:6");
  EXPECT_EQ(BindError("n NOT 1"), "expected IN, LIKE or ILIKE after NOT but found '1' at 1:7");
  EXPECT_EQ(BindError("foo(n)"), "unknown function 'foo' at 1:1");
  EXPECT_EQ(BindError("CAST(n AS widget)"), "unknown type 'widget' at 1:11");
  EXPECT_EQ(BindError("CAST(n long)"), "expected AS in CAST but found 'long' at 1:8");
  EXPECT_EQ(BindError("n = 99999999999999999999"),
            "integer 99999999999999999999 out of range at 1:5");
  EXPECT_EQ(BindError("DATE '2025-13-01' = day"), "bad DATE '2025-13-01' at 1:6: month 13");
  EXPECT_EQ(BindError("TIMESTAMP 'noon' < timestamp").rfind("bad TIMESTAMP 'noon' at 1:11", 0), 0u);
  EXPECT_EQ(BindError("and = 1"), "unexpected 'and' at 1:1");
  EXPECT_EQ(BindError("12abc = 1"), "malformed number at 1:1");
}

TEST(ExpressionBindTest, UnsupportedColumnTypes) {
  std::vector<iceberg::NestedField> fields = {
      {1, "wide", false, iceberg::Type::Decimal(30, 2), ""},
      {2, "s", false,
       iceberg::Type::Struct(
           {{3, "a", false, iceberg::Type::Primitive(iceberg::TypeId::kInt), ""}}),
       ""}};
  iceberg::Schema schema(0, fields);
  auto wide = BoundExpression::Bind("wide > 1", schema);
  ASSERT_FALSE(wide.ok());
  EXPECT_EQ(wide.status().message(),
            "column 'wide' of type decimal(30, 2) at 1:1 is not supported in expressions");
  EXPECT_FALSE(BoundExpression::Bind("s IS NULL", schema).ok());
}

TEST(ExpressionBindTest, ResultTypesAreKnownAtBind) {
  EXPECT_EQ(MustBind("lower(message_body)")->type().ToString(), "string");
  EXPECT_EQ(MustBind("length(message_body)")->type().ToString(), "int");
  EXPECT_EQ(MustBind("price + 1.005")->type().ToString(), "decimal(11, 3)");
  EXPECT_EQ(MustBind("price * price")->type().ToString(), "decimal(18, 4)");
  EXPECT_EQ(MustBind("coalesce(n, big)")->type().ToString(), "long");
  EXPECT_EQ(MustBind("CAST(n AS decimal(10,2))")->type().ToString(), "decimal(10, 2)");
  EXPECT_EQ(MustBind("NULL")->type().ToString(), "boolean");
  EXPECT_EQ(MustBind("TIMESTAMP '2025-09-11T09:01:11'")->type().ToString(), "timestamp");
  EXPECT_EQ(MustBind("TIMESTAMP '2025-09-11T09:01:11Z'")->type().ToString(), "timestamptz");
}

}  // namespace
}  // namespace floe::stream
