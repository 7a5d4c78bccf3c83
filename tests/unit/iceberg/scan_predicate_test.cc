#include "iceberg/scan_predicate.h"

#include <gtest/gtest.h>

#include "iceberg/conversions.h"

namespace floe::iceberg {
namespace {

// Expected outcomes worked out by hand from the spec's transforms: 2025-09-11 is day 20342;
// bucket[16] of 34 is 2017239379 % 16 = 3; truncate[4] of "iceberg" is "iceb".
Schema TestSchema() {
  return Schema(0, {{1, "id", true, Type::Primitive(TypeId::kLong), ""},
                    {2, "ts", false, Type::Primitive(TypeId::kTimestampTz), ""},
                    {3, "name", false, Type::Primitive(TypeId::kString), ""}});
}

constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000 * 1000;

bool MayMatch(const PartitionSpec& spec, const DataFile& file, ColumnPredicate term) {
  ScanPredicate predicate;
  predicate.terms.push_back(std::move(term));
  return predicate.FileMayMatch(TestSchema(), spec, file);
}

TEST(ScanPredicateTest, PrunesByTransformedPartitionValues) {
  PartitionSpec spec;
  spec.fields = {{2, 1000, "ts_day", Transform{TransformKind::kDay, 0}},
                 {1, 1001, "id_bucket", Transform::Bucket(16)},
                 {3, 1002, "name_trunc", Transform::Truncate(4)}};
  DataFile file;
  file.record_count = 5;
  file.partition = {Scalar(int32_t{20342}), Scalar(int32_t{3}), Scalar(std::string("iceb"))};
  const Scalar day_12(int64_t{20343} * kMicrosPerDay);
  EXPECT_FALSE(MayMatch(spec, file, {2, PredicateOp::kGtEq, day_12}));
  EXPECT_TRUE(MayMatch(spec, file, {2, PredicateOp::kLt, day_12}));
  EXPECT_FALSE(MayMatch(spec, file, {2, PredicateOp::kEq, day_12}));
  EXPECT_TRUE(MayMatch(spec, file, {2, PredicateOp::kNotEq, day_12}));
  EXPECT_TRUE(MayMatch(spec, file, {1, PredicateOp::kEq, Scalar(int64_t{34})}));
  EXPECT_FALSE(MayMatch(spec, file, {1, PredicateOp::kEq, Scalar(int64_t{35})}));
  EXPECT_TRUE(MayMatch(spec, file, {1, PredicateOp::kGt, Scalar(int64_t{35})}));  // bucket: = only
  EXPECT_TRUE(MayMatch(spec, file, {3, PredicateOp::kEq, Scalar(std::string("icebreaker"))}));
  EXPECT_FALSE(MayMatch(spec, file, {3, PredicateOp::kLt, Scalar(std::string("ice"))}));
  EXPECT_TRUE(MayMatch(spec, file, {3, PredicateOp::kGt, Scalar(std::string("ice"))}));
  EXPECT_FALSE(MayMatch(spec, file, {2, PredicateOp::kIsNull, Scalar()}));
}

TEST(ScanPredicateTest, PrunesByColumnBoundsAndNullCounts) {
  const PartitionSpec unpartitioned;
  DataFile file;
  file.record_count = 4;
  file.lower_bounds[1] = *ToSingleValue(*Type::Primitive(TypeId::kLong), Scalar(int64_t{10}));
  file.upper_bounds[1] = *ToSingleValue(*Type::Primitive(TypeId::kLong), Scalar(int64_t{20}));
  file.value_counts = {{1, 4}, {3, 4}};
  file.null_value_counts = {{1, 0}, {3, 4}};
  const auto id = [](int64_t v) { return Scalar(v); };
  EXPECT_FALSE(MayMatch(unpartitioned, file, {1, PredicateOp::kLt, id(10)}));
  EXPECT_TRUE(MayMatch(unpartitioned, file, {1, PredicateOp::kLtEq, id(10)}));
  EXPECT_FALSE(MayMatch(unpartitioned, file, {1, PredicateOp::kGt, id(20)}));
  EXPECT_TRUE(MayMatch(unpartitioned, file, {1, PredicateOp::kGtEq, id(20)}));
  EXPECT_FALSE(MayMatch(unpartitioned, file, {1, PredicateOp::kEq, id(21)}));
  EXPECT_TRUE(MayMatch(unpartitioned, file, {1, PredicateOp::kNotEq, id(15)}));
  EXPECT_FALSE(MayMatch(unpartitioned, file, {1, PredicateOp::kIsNull, Scalar()}));
  // name is null in every row: only IS NULL can match.
  EXPECT_FALSE(MayMatch(unpartitioned, file, {3, PredicateOp::kEq, Scalar(std::string("a"))}));
  EXPECT_FALSE(MayMatch(unpartitioned, file, {3, PredicateOp::kNotNull, Scalar()}));
  EXPECT_TRUE(MayMatch(unpartitioned, file, {3, PredicateOp::kIsNull, Scalar()}));
  // A column without metrics is never pruned.
  EXPECT_TRUE(MayMatch(unpartitioned, file, {2, PredicateOp::kEq, Scalar(int64_t{1})}));
}

}  // namespace
}  // namespace floe::iceberg
