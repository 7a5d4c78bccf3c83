#include "stream/expr/transform_chain.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "expression_test_util.h"

namespace floe::stream {
namespace {

using iceberg::Type;
using iceberg::TypeId;
using testing::Cell;
using ::testing::HasSubstr;

std::shared_ptr<iceberg::Schema> Schema() {
  return std::make_shared<iceberg::Schema>(
      0, std::vector<iceberg::NestedField>{
             {1, "body", false, Type::Primitive(TypeId::kString), ""},
             {2, "n", false, Type::Primitive(TypeId::kString), ""},
             {3, "account", true, Type::Primitive(TypeId::kString), ""},
         });
}

TransformSpec Filter(std::string where) {
  TransformSpec spec;
  spec.type = TransformType::kFilter;
  spec.filter.where = {std::move(where), "job.yaml:7:5"};
  return spec;
}

TransformSpec Project(ProjectSpec project) {
  TransformSpec spec;
  spec.type = TransformType::kProject;
  spec.project = std::move(project);
  spec.label = "job.yaml:9:5";
  return spec;
}

std::vector<std::string> Names(const iceberg::Schema& schema) {
  std::vector<std::string> names;
  for (const auto& field : schema.fields()) names.push_back(field.name);
  return names;
}

TEST(TransformChainTest, FiltersThenProjectsOverTheSelectedRows) {
  ProjectSpec project;
  project.add = {{"body_length", "length(body)"}, {"loud", "upper(body)"}};
  project.cast = {{"n", Type::Primitive(TypeId::kLong)}};
  project.rename = {{"account", "account_id"}};
  project.drop = {"body"};
  auto chain =
      TransformChain::Make(Schema(), {Filter("lower(body) LIKE '%gun%'"), Project(project)});
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  const iceberg::Schema& out = *chain->output_schema();
  EXPECT_EQ(Names(out), (std::vector<std::string>{"n", "account_id", "body_length", "loud"}));
  EXPECT_EQ(out.fields()[0].type->id(), TypeId::kLong);
  EXPECT_TRUE(out.fields()[1].required);  // renamed columns keep their nullability
  EXPECT_EQ(out.fields()[2].type->id(), TypeId::kInt);
  EXPECT_EQ(out.fields()[3].id, 4);

  RecordBatch batch = testing::MakeBatch(Schema(), {{Cell{"a Gun"}, Cell{"5"}, Cell{"x"}},
                                                    {Cell{"nothing"}, Cell{"6"}, Cell{"y"}},
                                                    {Cell{"GUNS"}, Cell{"oops"}, Cell{"z"}},
                                                    {Cell{}, Cell{"7"}, Cell{"w"}},
                                                    {Cell{"gun"}, Cell{}, Cell{"v"}}});
  batch.offsets = {10, 11, 12, 13, 14};
  RowSet rows;
  EvalContext ctx;
  std::vector<RowError> failed;
  int64_t filtered = 0;
  ASSERT_TRUE(chain->Apply(&batch, &rows, ctx, &failed, &filtered).ok());
  EXPECT_EQ(filtered, 2);  // "nothing" and the null body (NULL LIKE is not TRUE)
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].row, 2u);  // CAST('oops' AS long)
  EXPECT_THAT(failed[0].message, HasSubstr("oops"));
  EXPECT_EQ(rows.rows, (std::vector<uint32_t>{0, 4}));
  EXPECT_EQ(batch.schema, chain->output_schema());
  ASSERT_EQ(batch.columns.size(), 4u);
  EXPECT_EQ(batch.columns[0].Value<int64_t>(0), 5);
  EXPECT_TRUE(batch.columns[0].IsNull(4));
  EXPECT_EQ(batch.columns[1].GetBytes(4), "v");
  EXPECT_EQ(batch.columns[2].Value<int32_t>(0), 5);
  EXPECT_EQ(batch.columns[3].GetBytes(4), "GUN");
}

TEST(TransformChainTest, ProjectWithoutFilterSeesEveryRow) {
  ProjectSpec project;
  project.add = {{"ratio", "CAST(n AS int) / 0"}};
  auto chain = TransformChain::Make(Schema(), {Project(project)});
  ASSERT_TRUE(chain.ok()) << chain.status().ToString();
  RecordBatch batch = testing::MakeBatch(Schema(), {{Cell{"a"}, Cell{"1"}, Cell{"x"}}});
  batch.offsets = {1};
  RowSet rows;
  EvalContext ctx;
  std::vector<RowError> failed;
  int64_t filtered = 0;
  ASSERT_TRUE(chain->Apply(&batch, &rows, ctx, &failed, &filtered).ok());
  ASSERT_EQ(failed.size(), 1u);  // division by zero: the row is taken out, not the batch
  EXPECT_FALSE(rows.all);
  EXPECT_TRUE(rows.rows.empty());
}

TEST(TransformChainTest, BadStepsNameWhereTheyAre) {
  const auto error = [](std::vector<TransformSpec> specs) {
    auto chain = TransformChain::Make(Schema(), specs);
    EXPECT_FALSE(chain.ok());
    EXPECT_EQ(chain.status().kind(), ErrorKind::kInvalidArgument);
    return chain.ok() ? std::string() : chain.status().message();
  };
  EXPECT_THAT(error({Filter("lower(bdy) LIKE '%gun%'")}),
              HasSubstr("job.yaml:7:5: unknown column 'bdy'"));
  EXPECT_THAT(error({Filter("length(body)")}),
              HasSubstr("job.yaml:7:5: a filter must be a condition, but 'length(body)' is int"));
  ProjectSpec clash;
  clash.add = {{"n", "1"}};
  EXPECT_THAT(error({Project(clash)}), HasSubstr("job.yaml:9:5: add: column 'n' exists already"));
  ProjectSpec unknown_drop;
  unknown_drop.drop = {"nope"};
  EXPECT_THAT(error({Project(unknown_drop)}),
              HasSubstr("job.yaml:9:5: drop: unknown column 'nope' (known: body, n, account)"));
  ProjectSpec unknown_rename;
  unknown_rename.rename = {{"nope", "x"}};
  EXPECT_THAT(error({Project(unknown_rename)}), HasSubstr("rename: unknown column 'nope'"));
  ProjectSpec rename_clash;
  rename_clash.rename = {{"n", "body"}};
  EXPECT_THAT(error({Project(rename_clash)}), HasSubstr("two columns would be named 'body'"));
  ProjectSpec bad_cast;
  bad_cast.cast = {{"n", Type::Primitive(TypeId::kBoolean)}, {"body", Type::Decimal(5, 2)}};
  bad_cast.cast = {{"nope", Type::Primitive(TypeId::kLong)}};
  EXPECT_THAT(error({Project(bad_cast)}), HasSubstr("cast: unknown column 'nope'"));
  ProjectSpec everything;
  everything.drop = {"body", "n", "account"};
  EXPECT_THAT(error({Project(everything)}), HasSubstr("the project leaves no column"));
  // A later step sees the earlier step's columns only.
  ProjectSpec drop_body;
  drop_body.drop = {"body"};
  EXPECT_THAT(error({Project(drop_body), Filter("body IS NULL")}),
              HasSubstr("unknown column 'body'"));
}

}  // namespace
}  // namespace floe::stream
