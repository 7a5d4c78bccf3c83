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

}  // namespace
}  // namespace floe
