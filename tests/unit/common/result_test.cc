#include "common/result.h"

#include <gtest/gtest.h>

namespace floe {
namespace {

Result<int> Half(int v) {
  if (v % 2 != 0) return InvalidArgument("{} is odd", v);
  return v / 2;
}

Result<int> Quarter(int v) {
  FLOE_ASSIGN_OR_RAISE(int half, Half(v));
  FLOE_ASSIGN_OR_RAISE(int quarter, Half(half));
  return quarter;
}

Status CheckEven(int v) {
  FLOE_RETURN_IF_ERROR_CTX(Half(v), "checking input");
  return Status::Ok();
}

TEST(ResultTest, ValueAndError) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().kind(), ErrorKind::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "3 is odd");
  EXPECT_EQ(r.status().ToString(), "invalid argument: 3 is odd");
}

TEST(ResultTest, ContextKeepsKind) {
  Status s = CheckEven(3);
  EXPECT_EQ(s.kind(), ErrorKind::kInvalidArgument);
  EXPECT_EQ(s.message(), "checking input: 3 is odd");
  EXPECT_TRUE(CheckEven(4).ok());
}

TEST(ResultTest, CommitStateUnknownIsItsOwnKind) {
  Status s = CommitStateUnknown("no answer from {}", "catalog");
  EXPECT_TRUE(s.IsCommitStateUnknown());
  EXPECT_FALSE(s.IsCommitFailed());
}

}  // namespace
}  // namespace floe
