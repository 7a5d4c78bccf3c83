#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "expression_test_util.h"
#include "stream/expr/expression.h"

namespace floe::stream {
namespace {

using testing::Cell;
using testing::Column;
using testing::EvalBools;
using testing::EvalOne;
using testing::FilterRows;
using testing::MakeBatch;
using testing::TestSchema;

constexpr size_t kBody = 1;
constexpr size_t kN = 2;
constexpr size_t kBig = 3;
constexpr size_t kPrice = 4;
constexpr size_t kTs = 5;
constexpr size_t kDay = 6;
constexpr size_t kX = 7;
constexpr size_t kFlag = 8;
constexpr size_t kOther = 11;
constexpr size_t kId = 12;

const std::optional<bool> kTrue = true;
const std::optional<bool> kFalse = false;
const std::optional<bool> kNull = std::nullopt;

// flag and other over all nine combinations of TRUE, FALSE, NULL.
RecordBatch TruthBatch() {
  const std::optional<bool> values[] = {true, false, std::nullopt};
  std::vector<std::vector<Cell>> rows(std::size(values) * std::size(values));
  size_t r = 0;
  for (const auto& a : values) {
    for (const auto& b : values) {
      rows[r].resize(kOther + 1);
      if (a) rows[r][kFlag] = *a;
      if (b) rows[r][kOther] = *b;
      ++r;
    }
  }
  return MakeBatch(TestSchema(), rows);
}

TEST(ExpressionLogicTest, AndTruthTable) {
  // Rows: (T,T) (T,F) (T,N) (F,T) (F,F) (F,N) (N,T) (N,F) (N,N).
  EXPECT_EQ(EvalBools("flag AND other", TruthBatch()),
            (std::vector{kTrue, kFalse, kNull, kFalse, kFalse, kFalse, kNull, kFalse, kNull}));
}

TEST(ExpressionLogicTest, OrTruthTable) {
  EXPECT_EQ(EvalBools("flag OR other", TruthBatch()),
            (std::vector{kTrue, kTrue, kTrue, kTrue, kFalse, kNull, kTrue, kNull, kNull}));
}

TEST(ExpressionLogicTest, NotTruthTable) {
  EXPECT_EQ(EvalBools("NOT flag", TruthBatch()),
            (std::vector{kFalse, kFalse, kFalse, kTrue, kTrue, kTrue, kNull, kNull, kNull}));
}

TEST(ExpressionLogicTest, LiteralsAndNull) {
  auto batch = MakeBatch(TestSchema(), Column(kFlag, {Cell{true}}));
  EXPECT_EQ(EvalOne("NULL AND FALSE", batch), "false");
  EXPECT_EQ(EvalOne("NULL OR TRUE", batch), "true");
  EXPECT_EQ(EvalOne("NULL AND TRUE", batch), "NULL");
  EXPECT_EQ(EvalOne("NOT NULL", batch), "NULL");
  EXPECT_EQ(EvalOne("NULL", batch), "NULL");
  EXPECT_EQ(EvalOne("true", batch), "true");
}

TEST(ExpressionLogicTest, Precedence) {
  auto batch = MakeBatch(TestSchema(), Column(kN, {Cell{int64_t{1}}}));
  // AND binds tighter than OR; NOT tighter than AND.
  EXPECT_EQ(EvalOne("TRUE OR TRUE AND FALSE", batch), "true");
  EXPECT_EQ(EvalOne("(TRUE OR TRUE) AND FALSE", batch), "false");
  EXPECT_EQ(EvalOne("NOT FALSE AND FALSE", batch), "false");
  EXPECT_EQ(EvalOne("NOT (FALSE AND FALSE)", batch), "true");
  // * before +, left associative -, comparison after arithmetic.
  EXPECT_EQ(EvalOne("1 + 2 * 3", batch), "7");
  EXPECT_EQ(EvalOne("(1 + 2) * 3", batch), "9");
  EXPECT_EQ(EvalOne("10 - 3 - 2", batch), "5");
  EXPECT_EQ(EvalOne("12 / 2 / 3", batch), "2");
  EXPECT_EQ(EvalOne("-n * 2", batch), "-2");
  EXPECT_EQ(EvalOne("n + 1 = 2 AND n * 2 > 1 OR n < 0", batch), "true");
  EXPECT_EQ(EvalOne("NOT n = 1", batch), "false");
  EXPECT_EQ(EvalOne("n IS NULL OR n IN (1, 2) AND NOT n IS NULL", batch), "true");
}

TEST(ExpressionLogicTest, AndDoesNotEvaluateDecidedRows) {
  auto batch = MakeBatch(TestSchema(), Column(kN, {Cell{int64_t{0}}, Cell{int64_t{5}}}));
  EvalContext ctx;
  EXPECT_EQ(FilterRows("n <> 0 AND 10 / n = 2", batch, Selection::All(2), &ctx),
            (std::vector<uint32_t>{1}));
  EXPECT_TRUE(ctx.row_errors().empty());
  EXPECT_EQ(FilterRows("n = 0 OR 10 / n = 2", batch, Selection::All(2), &ctx),
            (std::vector<uint32_t>{0, 1}));
  EXPECT_TRUE(ctx.row_errors().empty());
}

TEST(ExpressionCompareTest, IntegersEveryOperator) {
  auto batch = MakeBatch(
      TestSchema(), Column(kN, {Cell{int64_t{1}}, Cell{int64_t{2}}, Cell{int64_t{3}}, Cell{}}));
  EXPECT_EQ(EvalBools("n = 2", batch), (std::vector{kFalse, kTrue, kFalse, kNull}));
  EXPECT_EQ(EvalBools("n <> 2", batch), (std::vector{kTrue, kFalse, kTrue, kNull}));
  EXPECT_EQ(EvalBools("n != 2", batch), (std::vector{kTrue, kFalse, kTrue, kNull}));
  EXPECT_EQ(EvalBools("n < 2", batch), (std::vector{kTrue, kFalse, kFalse, kNull}));
  EXPECT_EQ(EvalBools("n <= 2", batch), (std::vector{kTrue, kTrue, kFalse, kNull}));
  EXPECT_EQ(EvalBools("n > 2", batch), (std::vector{kFalse, kFalse, kTrue, kNull}));
  EXPECT_EQ(EvalBools("n >= 2", batch), (std::vector{kFalse, kTrue, kTrue, kNull}));
  EXPECT_EQ(EvalBools("2 < n", batch), (std::vector{kFalse, kFalse, kTrue, kNull}));
  EXPECT_EQ(EvalBools("n = NULL", batch), (std::vector{kNull, kNull, kNull, kNull}));
  EXPECT_EQ(EvalBools("n = n", batch), (std::vector{kTrue, kTrue, kTrue, kNull}));
}

TEST(ExpressionCompareTest, MixedNumericTypes) {
  auto batch = MakeBatch(TestSchema(), {{{},
                                         {},
                                         Cell{int64_t{3}},
                                         Cell{int64_t{5'000'000'000}},
                                         Cell{int64_t{1250}},
                                         {},
                                         {},
                                         Cell{2.5}}});
  EXPECT_EQ(EvalOne("n < big", batch), "true");
  EXPECT_EQ(EvalOne("big > 4999999999", batch), "true");
  EXPECT_EQ(EvalOne("x > n", batch), "false");
  EXPECT_EQ(EvalOne("x = 2.5", batch), "true");
  EXPECT_EQ(EvalOne("x < 3", batch), "true");
  EXPECT_EQ(EvalOne("n = 3.0", batch), "true");
  EXPECT_EQ(EvalOne("n < 3.01", batch), "true");
}

TEST(ExpressionCompareTest, Decimals) {
  // price is decimal(9, 2): 1250 is 12.50.
  auto batch =
      MakeBatch(TestSchema(), Column(kPrice, {Cell{int64_t{1250}}, Cell{int64_t{-5}}, Cell{}}));
  EXPECT_EQ(EvalBools("price = 12.5", batch), (std::vector{kTrue, kFalse, kNull}));
  EXPECT_EQ(EvalBools("price = 12.50", batch), (std::vector{kTrue, kFalse, kNull}));
  EXPECT_EQ(EvalBools("price > 12.499", batch), (std::vector{kTrue, kFalse, kNull}));
  EXPECT_EQ(EvalBools("price < 12.501", batch), (std::vector{kTrue, kTrue, kNull}));
  EXPECT_EQ(EvalBools("price > 12", batch), (std::vector{kTrue, kFalse, kNull}));
  EXPECT_EQ(EvalBools("price < -0.04", batch), (std::vector{kFalse, kTrue, kNull}));
  EXPECT_EQ(EvalBools("price = '12.50'", batch), (std::vector{kTrue, kFalse, kNull}));
  EXPECT_EQ(EvalBools("price > 1.0E1", batch), (std::vector{kTrue, kFalse, kNull}));
  EXPECT_EQ(EvalOne("price + 0.5", batch), "1300");  // decimal(.., 2) unscaled
  EXPECT_EQ(EvalOne("price * 2", batch), "2500");
  EXPECT_EQ(EvalOne("CAST(price AS string)", batch), "12.50");
  EXPECT_EQ(EvalOne("CAST(price AS string)", batch, 1), "-0.05");
  EXPECT_EQ(EvalOne("price / 4", batch), "3.125");
  EXPECT_EQ(EvalOne("price IN (12.5, 3)", batch), "true");
}

TEST(ExpressionCompareTest, TimestampsAndDates) {
  // 2025-09-11T09:01:11.318522Z in micros, and 2025-09-11 in days.
  const int64_t ts = 1757581271318522;
  const int64_t day = 20342;
  auto batch =
      MakeBatch(TestSchema(), {{{}, {}, {}, {}, {}, Cell{ts}, Cell{day}, {}, {}, {}, Cell{ts}}});
  EXPECT_EQ(EvalOne("timestamp = TIMESTAMP '2025-09-11T09:01:11.318522Z'", batch), "true");
  EXPECT_EQ(EvalOne("timestamp = TIMESTAMP '2025-09-11T11:01:11.318522+02:00'", batch), "true");
  EXPECT_EQ(EvalOne("timestamp > TIMESTAMP '2025-09-11T09:01:11Z'", batch), "true");
  EXPECT_EQ(EvalOne("timestamp < TIMESTAMP '2025-09-11 09:01:11Z'", batch), "false");
  EXPECT_EQ(EvalOne("timestamp >= '2025-09-11T00:00:00Z'", batch), "true");
  EXPECT_EQ(EvalOne("timestamp > DATE '2025-09-11'", batch), "true");
  EXPECT_EQ(EvalOne("timestamp < DATE '2025-09-12'", batch), "true");
  EXPECT_EQ(EvalOne("day = DATE '2025-09-11'", batch), "true");
  EXPECT_EQ(EvalOne("day = '2025-09-11'", batch), "true");
  EXPECT_EQ(EvalOne("day < '2025-09-10'", batch), "false");
  EXPECT_EQ(EvalOne("local_ts = TIMESTAMP '2025-09-11T09:01:11.318522'", batch), "true");
  EXPECT_EQ(EvalOne("CAST(timestamp AS date) = day", batch), "true");
  EXPECT_EQ(EvalOne("CAST(timestamp AS string)", batch), "2025-09-11T09:01:11.318522+00:00");
  EXPECT_EQ(EvalOne("CAST(day AS string)", batch), "2025-09-11");
  EXPECT_EQ(EvalOne("now() > timestamp", batch), "true");
}

TEST(ExpressionCompareTest, NowIsFixedByTheContext) {
  auto batch = MakeBatch(TestSchema(), Column(kTs, {Cell{int64_t{10}}, Cell{int64_t{30}}}));
  EvalContext ctx;
  ctx.set_now_micros(20);
  EXPECT_EQ(FilterRows("timestamp < now()", batch, Selection::All(2), &ctx),
            (std::vector<uint32_t>{0}));
}

TEST(ExpressionCompareTest, StringsAndBooleans) {
  auto batch = MakeBatch(
      TestSchema(),
      {{Cell{std::string("b")}, {}, {}, {}, {}, {}, {}, {}, Cell{true}, Cell{std::string("q")}},
       {Cell{std::string("ab")}, {}, {}, {}, {}, {}, {}, {}, Cell{false}, Cell{std::string("z")}}});
  EXPECT_EQ(EvalBools("account_id > 'ab'", batch), (std::vector{kTrue, kFalse}));
  EXPECT_EQ(EvalBools("account_id = 'ab'", batch), (std::vector{kFalse, kTrue}));
  EXPECT_EQ(EvalBools("flag = TRUE", batch), (std::vector{kTrue, kFalse}));
  EXPECT_EQ(EvalBools("flag <> true", batch), (std::vector{kFalse, kTrue}));
  EXPECT_EQ(EvalBools("flag", batch), (std::vector{kTrue, kFalse}));
  EXPECT_EQ(EvalBools("\"odd name\" = 'q'", batch), (std::vector{kTrue, kFalse}));
  EXPECT_EQ(EvalBools("account_id = 'it''s'", batch), (std::vector{kFalse, kFalse}));
}

TEST(ExpressionCompareTest, Uuids) {
  const std::string bytes("\x1c\xf3\xa3\xef\xd1\x07\x4c\xf8\xa6\x3b\x56\x39\x31\x80\x91\x15", 16);
  auto batch = MakeBatch(TestSchema(), Column(kId, {Cell{bytes}, Cell{}}));
  EXPECT_EQ(EvalBools("id = '1cf3a3ef-d107-4cf8-a63b-563931809115'", batch),
            (std::vector{kTrue, kNull}));
  EXPECT_EQ(EvalBools("id IN ('1CF3A3EF-D107-4CF8-A63B-563931809115')", batch),
            (std::vector{kTrue, kNull}));
  EXPECT_EQ(EvalOne("CAST(id AS string)", batch), "1cf3a3ef-d107-4cf8-a63b-563931809115");
  EXPECT_EQ(EvalOne("id", batch), bytes);
  EXPECT_EQ(testing::BindError("id = 'not-a-uuid'").rfind("cannot cast 'not-a-uuid' to uuid", 0),
            0u);
}

TEST(ExpressionPredicateTest, IsNullAndIn) {
  auto batch = MakeBatch(
      TestSchema(), Column(kN, {Cell{int64_t{1}}, Cell{int64_t{2}}, Cell{int64_t{7}}, Cell{}}));
  EXPECT_EQ(EvalBools("n IS NULL", batch), (std::vector{kFalse, kFalse, kFalse, kTrue}));
  EXPECT_EQ(EvalBools("n IS NOT NULL", batch), (std::vector{kTrue, kTrue, kTrue, kFalse}));
  EXPECT_EQ(EvalBools("n IN (1, 2)", batch), (std::vector{kTrue, kTrue, kFalse, kNull}));
  EXPECT_EQ(EvalBools("n NOT IN (1, 2)", batch), (std::vector{kFalse, kFalse, kTrue, kNull}));
  // With a NULL in the list, "not found" is unknown.
  EXPECT_EQ(EvalBools("n IN (1, NULL)", batch), (std::vector{kTrue, kNull, kNull, kNull}));
  EXPECT_EQ(EvalBools("n NOT IN (1, NULL)", batch), (std::vector{kFalse, kNull, kNull, kNull}));
  EXPECT_EQ(EvalBools("n IN (7)", batch), (std::vector{kFalse, kFalse, kTrue, kNull}));
  EXPECT_EQ(EvalBools("n IN ('2', 3)", batch), (std::vector{kFalse, kTrue, kFalse, kNull}));
  EXPECT_EQ(EvalBools("NULL IS NULL", batch), (std::vector{kTrue, kTrue, kTrue, kTrue}));
}

TEST(ExpressionPredicateTest, StringIn) {
  auto batch = MakeBatch(TestSchema(),
                         Column(kBody, {Cell{std::string("a")}, Cell{std::string("b")}, Cell{}}));
  EXPECT_EQ(EvalBools("message_body IN ('b', 'c')", batch), (std::vector{kFalse, kTrue, kNull}));
  EXPECT_EQ(EvalBools("message_body NOT IN ('b')", batch), (std::vector{kTrue, kFalse, kNull}));
}

TEST(ExpressionLikeTest, SeedFilterOnMixedCaseData) {
  auto batch = MakeBatch(
      TestSchema(),
      Column(kBody, {Cell{std::string("GUN")}, Cell{std::string("Gun is a dangerous thing")},
                     Cell{std::string("a shotgun")}, Cell{std::string("gum")}, Cell{},
                     Cell{std::string("")}, Cell{std::string("G U N")},
                     Cell{std::string("big gUn \xc3\xa9")}}));
  EXPECT_EQ(FilterRows("lower(message_body) LIKE '%gun%'", batch),
            (std::vector<uint32_t>{0, 1, 2, 7}));
  EXPECT_EQ(FilterRows("message_body ILIKE '%GUN%'", batch), (std::vector<uint32_t>{0, 1, 2, 7}));
  EXPECT_EQ(FilterRows("upper(message_body) LIKE '%GUN%'", batch),
            (std::vector<uint32_t>{0, 1, 2, 7}));
  EXPECT_EQ(FilterRows("message_body LIKE '%gun%'", batch), (std::vector<uint32_t>{2}));
  // lower(x) never holds 'G', so a pattern with one matches nothing.
  EXPECT_EQ(FilterRows("lower(message_body) LIKE '%Gun%'", batch), (std::vector<uint32_t>{}));
  EXPECT_EQ(FilterRows("lower(message_body) NOT LIKE '%gun%'", batch),
            (std::vector<uint32_t>{3, 5, 6}));
  // The null body is neither kept by LIKE nor by NOT LIKE.
  EXPECT_EQ(EvalBools("lower(message_body) LIKE '%gun%'", batch)[4], kNull);
}

TEST(ExpressionLikeTest, Shapes) {
  auto batch = MakeBatch(
      TestSchema(), Column(kBody, {Cell{std::string("Gun is here")}, Cell{std::string("big gun")},
                                   Cell{std::string("gun")}, Cell{std::string("")}}));
  EXPECT_EQ(FilterRows("message_body LIKE 'Gun%'", batch), (std::vector<uint32_t>{0}));
  EXPECT_EQ(FilterRows("message_body ILIKE 'gun%'", batch), (std::vector<uint32_t>{0, 2}));
  EXPECT_EQ(FilterRows("message_body LIKE '%gun'", batch), (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(FilterRows("message_body LIKE 'gun'", batch), (std::vector<uint32_t>{2}));
  EXPECT_EQ(FilterRows("message_body ILIKE 'GUN'", batch), (std::vector<uint32_t>{2}));
  EXPECT_EQ(FilterRows("message_body LIKE ''", batch), (std::vector<uint32_t>{3}));
  EXPECT_EQ(FilterRows("message_body LIKE '%'", batch), (std::vector<uint32_t>{0, 1, 2, 3}));
  EXPECT_EQ(FilterRows("message_body LIKE '___'", batch), (std::vector<uint32_t>{2}));
  EXPECT_EQ(FilterRows("message_body LIKE 'b%g_n'", batch), (std::vector<uint32_t>{1}));
  EXPECT_EQ(FilterRows("trim(message_body) LIKE '%here'", batch), (std::vector<uint32_t>{0}));
}

TEST(ExpressionSelectionTest, EvaluatesOnlySelectedRows) {
  auto batch = MakeBatch(TestSchema(), Column(kN, {Cell{int64_t{0}}, Cell{int64_t{1}},
                                                   Cell{int64_t{0}}, Cell{int64_t{4}}}));
  const uint32_t picked[] = {1, 3};
  EvalContext ctx;
  // Rows 0 and 2 would divide by zero; they are outside the selection.
  EXPECT_EQ(FilterRows("8 / n > 1", batch, Selection{picked, 2}, &ctx),
            (std::vector<uint32_t>{1, 3}));
  EXPECT_TRUE(ctx.row_errors().empty());
  auto bound = testing::MustBind("n * 10");
  ColumnVector out(ColumnKind::kInt32);
  ASSERT_TRUE(bound->Evaluate(batch, Selection{picked, 2}, ctx, &out).ok());
  ASSERT_EQ(out.size(), 4u);
  EXPECT_TRUE(out.IsNull(0));
  EXPECT_EQ(out.Value<int32_t>(1), 10);
  EXPECT_TRUE(out.IsNull(2));
  EXPECT_EQ(out.Value<int32_t>(3), 40);
  const uint32_t reversed[] = {3, 1};
  EXPECT_EQ(FilterRows("n > 0", batch, Selection{reversed, 2}), (std::vector<uint32_t>{3, 1}));
  EXPECT_EQ(FilterRows("TRUE", batch, Selection{reversed, 2}), (std::vector<uint32_t>{3, 1}));
  EXPECT_EQ(FilterRows("FALSE", batch, Selection{reversed, 2}), (std::vector<uint32_t>{}));
}

TEST(ExpressionArithmeticTest, OperatorsNullsAndRowErrors) {
  auto batch =
      MakeBatch(TestSchema(), {{{}, {}, Cell{int64_t{7}}, Cell{int64_t{2}}, {}, {}, {}, Cell{1.5}},
                               {{}, {}, Cell{int64_t{7}}, Cell{int64_t{0}}, {}, {}, {}, Cell{0.0}},
                               {{}, {}, {}, Cell{int64_t{1}}}});
  EXPECT_EQ(EvalOne("n + big", batch), "9");
  EXPECT_EQ(EvalOne("n - big", batch), "5");
  EXPECT_EQ(EvalOne("n * big", batch), "14");
  EXPECT_EQ(EvalOne("n / big", batch), "3");
  EXPECT_EQ(EvalOne("-7 / 2", batch), "-3");
  EXPECT_EQ(EvalOne("n + x", batch), "8.5");
  EXPECT_EQ(EvalOne("n / 2.0", batch), "3.5");
  EXPECT_EQ(EvalOne("n + big", batch, 2), "NULL");
  EXPECT_EQ(EvalOne("-x", batch), "-1.5");

  auto bound = testing::MustBind("n / big");
  EvalContext ctx;
  ColumnVector out(ColumnKind::kInt64);
  ASSERT_TRUE(bound->Evaluate(batch, Selection::All(3), ctx, &out).ok());
  EXPECT_EQ(out.Value<int64_t>(0), 3);
  EXPECT_TRUE(out.IsNull(1));
  EXPECT_TRUE(out.IsNull(2));
  ASSERT_EQ(ctx.row_errors().size(), 1u);
  EXPECT_EQ(ctx.row_errors()[0].row, 1u);
  EXPECT_EQ(ctx.row_errors()[0].message, "division by zero at 1:3");

  EXPECT_EQ(EvalOne("x / x", batch, 1), "NULL");
  EXPECT_EQ(EvalOne("9223372036854775807 + big", batch), "NULL");
  EXPECT_EQ(EvalOne("2147483647 + n", batch), "NULL");  // int + int overflows int
  EXPECT_EQ(EvalOne("2147483647 + big", batch), "2147483649");
  EXPECT_EQ(EvalOne("-9223372036854775808", batch), "-9223372036854775808");
  // A filter never keeps a row whose predicate failed.
  EvalContext filter_ctx;
  EXPECT_EQ(FilterRows("n / big > 0 OR n / big IS NULL", batch, Selection::All(3), &filter_ctx),
            (std::vector<uint32_t>{0, 1, 2}));
  EXPECT_EQ(filter_ctx.row_errors().size(), 2u);  // row 1 failed in both operands
}

TEST(ExpressionFunctionTest, StringFunctions) {
  auto batch =
      MakeBatch(TestSchema(), Column(kBody, {Cell{std::string("  Hello W\xc3\x89rld  ")}, Cell{}}));
  EXPECT_EQ(EvalOne("lower(message_body)", batch), "  hello w\xc3\x89rld  ");
  EXPECT_EQ(EvalOne("upper(message_body)", batch), "  HELLO W\xc3\x89RLD  ");
  EXPECT_EQ(EvalOne("trim(message_body)", batch), "Hello W\xc3\x89rld");
  EXPECT_EQ(EvalOne("length(message_body)", batch), "15");  // code points, not bytes
  EXPECT_EQ(EvalOne("length(trim(message_body))", batch), "11");
  EXPECT_EQ(EvalOne("substring(trim(message_body), 1, 5)", batch), "Hello");
  EXPECT_EQ(EvalOne("substring(trim(message_body), 8)", batch), "\xc3\x89rld");
  EXPECT_EQ(EvalOne("substring(trim(message_body), 8, 1)", batch), "\xc3\x89");
  EXPECT_EQ(EvalOne("substring(trim(message_body), 0, 2)", batch), "H");
  EXPECT_EQ(EvalOne("substring(trim(message_body), 50)", batch), "");
  EXPECT_EQ(EvalOne("substring(trim(message_body), 2, -1)", batch), "NULL");
  EXPECT_EQ(EvalOne("SUBSTR('abc', 2)", batch), "bc");
  for (const char* call :
       {"lower(message_body)", "upper(message_body)", "trim(message_body)", "length(message_body)",
        "substring(message_body, 1)", "regexp_like(message_body, 'x')"}) {
    EXPECT_EQ(EvalOne(call, batch, 1), "NULL") << call;
  }
}

TEST(ExpressionFunctionTest, RegexpLike) {
  auto batch = MakeBatch(TestSchema(), Column(kBody, {Cell{std::string("order 1234 shipped")},
                                                      Cell{std::string("no digits")}, Cell{}}));
  EXPECT_EQ(EvalBools("regexp_like(message_body, '[0-9]{4}')", batch),
            (std::vector{kTrue, kFalse, kNull}));
  EXPECT_EQ(EvalBools("regexp_like(message_body, '^no')", batch),
            (std::vector{kFalse, kTrue, kNull}));
  EXPECT_EQ(EvalBools("regexp_like(message_body, '(?i)ORDER')", batch),
            (std::vector{kTrue, kFalse, kNull}));
}

TEST(ExpressionFunctionTest, Coalesce) {
  auto batch = MakeBatch(TestSchema(), {{Cell{std::string("a")}, Cell{std::string("b")},
                                         Cell{int64_t{1}}, Cell{int64_t{10}}},
                                        {{}, Cell{std::string("b")}, {}, Cell{int64_t{20}}},
                                        {}});
  EXPECT_EQ(EvalOne("coalesce(account_id, message_body, 'z')", batch, 0), "a");
  EXPECT_EQ(EvalOne("coalesce(account_id, message_body, 'z')", batch, 1), "b");
  EXPECT_EQ(EvalOne("coalesce(account_id, message_body, 'z')", batch, 2), "z");
  EXPECT_EQ(EvalOne("coalesce(n, big)", batch, 0), "1");
  EXPECT_EQ(EvalOne("coalesce(n, big)", batch, 1), "20");
  EXPECT_EQ(EvalOne("coalesce(n, big)", batch, 2), "NULL");
  EXPECT_EQ(EvalOne("coalesce(NULL, n, 5)", batch, 2), "5");
  EXPECT_EQ(EvalOne("coalesce(x, n)", batch, 0), "1");
}

TEST(ExpressionCastTest, Successes) {
  auto batch = MakeBatch(TestSchema(), Column(kBody, {Cell{std::string(" 42 ")}}));
  EXPECT_EQ(EvalOne("CAST(message_body AS long)", batch), "42");
  EXPECT_EQ(EvalOne("CAST(message_body AS int) + 1", batch), "43");
  EXPECT_EQ(EvalOne("CAST(message_body AS double) / 8", batch), "5.25");
  EXPECT_EQ(EvalOne("CAST(message_body AS decimal(5, 2))", batch), "4200");
  EXPECT_EQ(EvalOne("cast('2025-09-11T09:01:11Z' as timestamptz)", batch), "1757581271000000");
  EXPECT_EQ(EvalOne("CAST('2025-09-11' AS date)", batch), "20342");
  EXPECT_EQ(EvalOne("CAST('TRUE' AS boolean)", batch), "true");
  EXPECT_EQ(EvalOne("CAST(1.5 AS long)", batch), "1");
  EXPECT_EQ(EvalOne("CAST(-2.5 AS int)", batch), "-2");
  EXPECT_EQ(EvalOne("CAST(2.675 AS decimal(4, 2))", batch), "268");
  EXPECT_EQ(EvalOne("CAST(7 AS string)", batch), "7");
  EXPECT_EQ(EvalOne("CAST(1.5E0 AS string)", batch), "1.5");
  EXPECT_EQ(EvalOne("CAST(TRUE AS string)", batch), "true");
  EXPECT_EQ(EvalOne("CAST(NULL AS long)", batch), "NULL");
  EXPECT_EQ(EvalOne("CAST(DATE '2025-09-11' AS timestamptz)", batch), "1757548800000000");
  EXPECT_EQ(EvalOne("CAST(5 AS bigint)", batch), "5");
  EXPECT_EQ(EvalOne("CAST(5 AS varchar)", batch), "5");
}

TEST(ExpressionCastTest, FailuresAreRowErrors) {
  auto batch =
      MakeBatch(TestSchema(), Column(kBody, {Cell{std::string("abc")}, Cell{std::string("12")},
                                             Cell{std::string("99999999999")}}));
  auto bound = testing::MustBind("CAST(message_body AS int)");
  EvalContext ctx;
  ColumnVector out(ColumnKind::kInt32);
  ASSERT_TRUE(bound->Evaluate(batch, Selection::All(3), ctx, &out).ok());
  EXPECT_TRUE(out.IsNull(0));
  EXPECT_EQ(out.Value<int32_t>(1), 12);
  EXPECT_TRUE(out.IsNull(2));
  ASSERT_EQ(ctx.row_errors().size(), 2u);
  EXPECT_EQ(ctx.row_errors()[0].row, 0u);
  EXPECT_EQ(ctx.row_errors()[0].message, "cannot cast 'abc' to int at 1:1");
  EXPECT_EQ(ctx.row_errors()[1].row, 2u);
  EXPECT_EQ(ctx.row_errors()[1].message, "cannot cast '99999999999' to int: out of range at 1:1");
  EXPECT_EQ(EvalOne("CAST(message_body AS date)", batch), "NULL");
  EXPECT_EQ(EvalOne("CAST(message_body AS boolean)", batch), "NULL");
  EXPECT_EQ(EvalOne("CAST(message_body AS decimal(3, 1))", batch, 2), "NULL");
  EXPECT_EQ(EvalOne("CAST(1E300 AS long)", batch), "NULL");
  // The error of the last call only: a clean batch clears it.
  auto fine = MakeBatch(TestSchema(), Column(kBody, {Cell{std::string("1")}}));
  ASSERT_TRUE(bound->Evaluate(fine, Selection::All(1), ctx, &out).ok());
  EXPECT_TRUE(ctx.row_errors().empty());
}

TEST(ExpressionEvaluateTest, OutputStorageFollowsTheType) {
  auto batch = MakeBatch(TestSchema(), Column(kN, {Cell{int64_t{3}}}));
  auto check = [&](std::string_view text, ColumnKind kind, std::string_view type) {
    auto bound = testing::MustBind(text);
    ASSERT_TRUE(bound);
    EXPECT_EQ(bound->type().ToString(), type) << text;
    EvalContext ctx;
    ColumnVector out(ColumnKind::kBool);
    ASSERT_TRUE(bound->Evaluate(batch, Selection::All(1), ctx, &out).ok());
    EXPECT_EQ(out.kind(), kind) << text;
    EXPECT_EQ(out.size(), 1u);
  };
  check("n", ColumnKind::kInt32, "int");
  check("n + 1", ColumnKind::kInt32, "int");
  check("n + big", ColumnKind::kInt64, "long");
  check("n * 1.5", ColumnKind::kInt64, "decimal(13, 1)");
  check("x + 1", ColumnKind::kDouble, "double");
  check("message_body", ColumnKind::kBytes, "string");
  check("n > 1", ColumnKind::kBool, "boolean");
  check("now()", ColumnKind::kInt64, "timestamptz");
  check("day", ColumnKind::kInt32, "date");
}

TEST(ExpressionEvaluateTest, SharedAcrossContextsAndBatches) {
  auto bound = testing::MustBind("lower(message_body) LIKE '%gun%' AND n > 1");
  EvalContext a;
  EvalContext b;
  auto first = MakeBatch(TestSchema(), {{{}, Cell{std::string("GUN")}, Cell{int64_t{2}}},
                                        {{}, Cell{std::string("gun")}, Cell{int64_t{1}}}});
  auto second = MakeBatch(TestSchema(), {{{}, Cell{std::string("x")}, Cell{int64_t{2}}}});
  std::vector<uint32_t> rows;
  ASSERT_TRUE(bound->Filter(first, Selection::All(2), a, &rows).ok());
  EXPECT_EQ(rows, (std::vector<uint32_t>{0}));
  ASSERT_TRUE(bound->Filter(second, Selection::All(1), b, &rows).ok());
  EXPECT_TRUE(rows.empty());
  ASSERT_TRUE(bound->Filter(second, Selection::All(1), a, &rows).ok());
  EXPECT_TRUE(rows.empty());
}

TEST(ExpressionEvaluateTest, RejectsBatchesOfAnotherShape) {
  auto bound = testing::MustBind("n > 1");
  RecordBatch batch;
  batch.columns.emplace_back(ColumnKind::kBytes);
  EvalContext ctx;
  std::vector<uint32_t> rows;
  EXPECT_FALSE(bound->Filter(batch, Selection::All(0), ctx, &rows).ok());
  auto not_boolean = testing::MustBind("n + 1");
  auto good = MakeBatch(TestSchema(), Column(kN, {Cell{int64_t{1}}}));
  Status status = not_boolean->Filter(good, Selection::All(1), ctx, &rows);
  EXPECT_EQ(status.kind(), ErrorKind::kInvalidArgument);
  EXPECT_EQ(status.message(), "filter 'n + 1' is of type int, not boolean");
}

}  // namespace
}  // namespace floe::stream
