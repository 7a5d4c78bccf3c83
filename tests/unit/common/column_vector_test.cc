#include "common/column_vector.h"

#include <gtest/gtest.h>

namespace floe {
namespace {

TEST(ColumnVectorTest, BytesWithNullsKeepOffsetsAligned) {
  ColumnVector column(ColumnKind::kBytes);
  column.AppendBytes("ab");
  column.AppendNull();
  column.AppendBytes("");
  column.AppendBytes("xyz");
  ASSERT_EQ(column.size(), 4u);
  EXPECT_EQ(column.null_count(), 1u);
  EXPECT_FALSE(column.IsNull(0));
  EXPECT_TRUE(column.IsNull(1));
  EXPECT_EQ(column.GetBytes(0), "ab");
  EXPECT_EQ(column.GetBytes(1), "");
  EXPECT_EQ(column.GetBytes(2), "");
  EXPECT_EQ(column.GetBytes(3), "xyz");
  EXPECT_EQ(column.bytes_size(), 5u);
  ASSERT_NE(column.validity(), nullptr);
  EXPECT_EQ(column.validity()[3], 1);
}

TEST(ColumnVectorTest, ValidityAppearsOnlyWithTheFirstNull) {
  ColumnVector column(ColumnKind::kInt64);
  column.Append<int64_t>(7);
  column.Append<int64_t>(-1);
  EXPECT_EQ(column.validity(), nullptr);
  EXPECT_FALSE(column.has_nulls());
  column.AppendNull();
  ASSERT_NE(column.validity(), nullptr);
  EXPECT_EQ(column.validity()[0], 1);
  EXPECT_EQ(column.validity()[1], 1);
  EXPECT_EQ(column.validity()[2], 0);
  EXPECT_EQ(column.Value<int64_t>(1), -1);
  EXPECT_EQ(column.Value<int64_t>(2), 0);  // placeholder of a null row
}

TEST(ColumnVectorTest, FixedWidthValuesAndClear) {
  ColumnVector column(ColumnKind::kFixed, 4);
  column.AppendBytes(std::string_view("\x00\x01\x02\x03", 4));
  column.AppendNull();
  column.AppendBytes("abcd");
  EXPECT_EQ(column.GetBytes(0), std::string_view("\x00\x01\x02\x03", 4));
  EXPECT_EQ(column.GetBytes(1), std::string_view("\0\0\0\0", 4));
  EXPECT_EQ(column.GetBytes(2), "abcd");
  column.Clear();
  EXPECT_EQ(column.size(), 0u);
  EXPECT_EQ(column.validity(), nullptr);
  column.AppendBytes("wxyz");
  EXPECT_EQ(column.GetBytes(0), "wxyz");
}

TEST(ColumnVectorTest, SelectionMapsIndices) {
  const uint32_t rows[] = {4, 1, 9};
  Selection some{rows, 3};
  EXPECT_EQ(some.Row(0), 4u);
  EXPECT_EQ(some.Row(2), 9u);
  Selection all = Selection::All(5);
  EXPECT_EQ(all.Row(3), 3u);
  EXPECT_EQ(all.count, 5u);
}

TEST(ColumnVectorTest, AppendViewsTakesTheSelectedRowsAndNulls) {
  const std::string_view views[] = {std::string_view(), "b", "", "dd", std::string_view()};
  ColumnVector column(ColumnKind::kBytes);
  const uint32_t rows[] = {0, 3, 4};
  column.AppendViews(views, Selection{rows, 3});
  ASSERT_EQ(column.size(), 3u);
  EXPECT_TRUE(column.IsNull(0));
  EXPECT_EQ(column.GetBytes(1), "dd");
  EXPECT_TRUE(column.IsNull(2));
  EXPECT_EQ(column.null_count(), 2u);
  column.AppendViews(views, Selection::All(3));
  ASSERT_EQ(column.size(), 6u);
  EXPECT_TRUE(column.IsNull(3));
  EXPECT_EQ(column.GetBytes(4), "b");
  EXPECT_FALSE(column.IsNull(5));  // an empty string is not a null
  EXPECT_EQ(column.GetBytes(5), "");
  EXPECT_EQ(column.null_count(), 3u);

  ColumnVector no_nulls(ColumnKind::kBytes);
  no_nulls.AppendViews(views + 1, Selection::All(3));
  EXPECT_EQ(no_nulls.validity(), nullptr);
  EXPECT_EQ(no_nulls.GetBytes(2), "dd");
}

TEST(ColumnVectorTest, KeepRowsCompactsInPlace) {
  ColumnVector bytes(ColumnKind::kBytes);
  for (std::string_view value : {"zero", "one", "", "three", "four"}) bytes.AppendBytes(value);
  bytes.AppendNull();
  const uint32_t keep[] = {1, 3, 5};
  bytes.KeepRows(keep, 3);
  ASSERT_EQ(bytes.size(), 3u);
  EXPECT_EQ(bytes.GetBytes(0), "one");
  EXPECT_EQ(bytes.GetBytes(1), "three");
  EXPECT_TRUE(bytes.IsNull(2));
  EXPECT_EQ(bytes.null_count(), 1u);
  EXPECT_EQ(bytes.bytes_size(), 8u);

  const uint32_t present[] = {0, 1};
  bytes.KeepRows(present, 2);
  EXPECT_EQ(bytes.validity(), nullptr);  // no null left
  EXPECT_EQ(bytes.GetBytes(1), "three");
  bytes.AppendBytes("x");
  EXPECT_EQ(bytes.GetBytes(2), "x");

  ColumnVector longs(ColumnKind::kInt64);
  for (int64_t v : {10, 20, 30, 40}) longs.Append<int64_t>(v);
  const uint32_t prefix_then_gap[] = {0, 1, 3};
  longs.KeepRows(prefix_then_gap, 3);
  ASSERT_EQ(longs.size(), 3u);
  EXPECT_EQ(longs.Value<int64_t>(0), 10);
  EXPECT_EQ(longs.Value<int64_t>(1), 20);
  EXPECT_EQ(longs.Value<int64_t>(2), 40);
  longs.KeepRows(nullptr, 0);
  EXPECT_TRUE(longs.empty());
}

}  // namespace
TEST(ColumnVectorTest, AppendRowsGathersValuesAndNulls) {
  ColumnVector bytes(ColumnKind::kBytes);
  bytes.AppendBytes("a");
  bytes.AppendNull();
  bytes.AppendBytes("ccc");
  bytes.AppendBytes("");
  ColumnVector out(ColumnKind::kBytes);
  out.AppendBytes("first");
  const uint32_t rows[] = {2, 1, 3};
  out.AppendRows(bytes, rows, 3);
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out.GetBytes(0), "first");
  EXPECT_EQ(out.GetBytes(1), "ccc");
  EXPECT_TRUE(out.IsNull(2));
  EXPECT_FALSE(out.IsNull(0));
  EXPECT_EQ(out.GetBytes(3), "");
  EXPECT_EQ(out.null_count(), 1u);

  ColumnVector longs(ColumnKind::kInt64);
  for (int64_t v : {10, 20, 30}) longs.Append<int64_t>(v);
  ColumnVector all(ColumnKind::kInt64);
  all.AppendRows(longs, nullptr, 3);
  all.AppendRows(longs, rows, 1);
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all.Value<int64_t>(3), 30);
  EXPECT_FALSE(all.has_nulls());
  EXPECT_EQ(all.validity(), nullptr);

  ColumnVector fixed(ColumnKind::kFixed, 2);
  fixed.AppendBytes("ab");
  fixed.AppendNull();
  ColumnVector fixed_out(ColumnKind::kFixed, 2);
  const uint32_t second[] = {1, 0};
  fixed_out.AppendRows(fixed, second, 2);
  EXPECT_TRUE(fixed_out.IsNull(0));
  EXPECT_EQ(fixed_out.GetBytes(1), "ab");
}

}  // namespace floe
