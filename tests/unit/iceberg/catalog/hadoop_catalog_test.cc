#include "iceberg/catalog/hadoop_catalog.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "catalog_test_util.h"

namespace floe::iceberg {
namespace {

namespace fs = std::filesystem;
using testing::Changed;
using testing::FileNames;
using testing::Id;
using testing::Ns;
using testing::ScratchDir;
using testing::TestSchema;

std::string Slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

class HadoopCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    warehouse_ = scratch_.path() / "warehouse";
    auto opened = OpenHadoopCatalog(warehouse_.string());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    catalog_ = *opened;
    ASSERT_TRUE(catalog_->CreateNamespace(Ns("db"), {}).ok());
  }

  LoadedTable MakeTable(const std::string& name) {
    auto created = catalog_->CreateTable(Id(name), TestSchema(), PartitionSpec{}, "", {});
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return *created;
  }

  fs::path MetadataDir(const std::string& table) const {
    return warehouse_ / "db" / table / "metadata";
  }

  ScratchDir scratch_;
  fs::path warehouse_;
  std::shared_ptr<Catalog> catalog_;
};

TEST_F(HadoopCatalogTest, VersionFilesAndAHintWithoutNewline) {
  LoadedTable table = MakeTable("db.events");
  const fs::path metadata = MetadataDir("events");
  EXPECT_EQ(table.metadata_location, (metadata / "v1.metadata.json").string());
  EXPECT_EQ(table.metadata.location, (warehouse_ / "db/events").string());
  EXPECT_EQ(Slurp(metadata / "version-hint.text"), "1");

  auto committed = catalog_->CommitTable(table, Changed(table, "2"));
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_EQ(committed->metadata_location, (metadata / "v2.metadata.json").string());
  EXPECT_EQ(Slurp(metadata / "version-hint.text"), "2");
  EXPECT_EQ(FileNames(metadata), (std::vector<std::string>{"v1.metadata.json", "v2.metadata.json",
                                                           "version-hint.text"}));
}

TEST_F(HadoopCatalogTest, LoadsProbePastALaggingHint) {
  LoadedTable table = MakeTable("db.events");
  for (int i = 0; i < 3; ++i) {
    auto committed = catalog_->CommitTable(table, Changed(table, std::to_string(i)));
    ASSERT_TRUE(committed.ok());
    table = *committed;
  }
  const fs::path hint = MetadataDir("events") / "version-hint.text";
  // A writer that crashed between creating v4 and rewriting the hint.
  std::ofstream(hint, std::ios::trunc) << "2";
  auto loaded = catalog_->LoadTable(Id("db.events"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->metadata_location, table.metadata_location);
  // A commit on the probed base works and repairs the hint.
  auto committed = catalog_->CommitTable(*loaded, Changed(*loaded, "after"));
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  EXPECT_EQ(Slurp(hint), "5");

  // Without a hint (or with one another tool wrote with a newline) the newest file still wins.
  fs::remove(hint);
  loaded = catalog_->LoadTable(Id("db.events"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->metadata_location, committed->metadata_location);
  std::ofstream(hint) << "5\n";
  loaded = catalog_->LoadTable(Id("db.events"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->metadata_location, committed->metadata_location);
}

TEST_F(HadoopCatalogTest, WhatTheLayoutCannotDo) {
  LoadedTable table = MakeTable("db.events");
  EXPECT_EQ(catalog_->RenameTable(Id("db.events"), Id("db.other")).kind(),
            ErrorKind::kNotSupported);
  EXPECT_EQ(catalog_->CreateNamespace(Ns("props"), {{"owner", "x"}}).kind(),
            ErrorKind::kNotSupported);
  EXPECT_EQ(catalog_->UpdateNamespaceProperties(Ns("db"), {{"k", "v"}}, {}).kind(),
            ErrorKind::kNotSupported);
  auto properties = catalog_->LoadNamespaceProperties(Ns("db"));
  ASSERT_TRUE(properties.ok());
  EXPECT_EQ(properties->at("location"), (warehouse_ / "db").string());

  auto elsewhere = catalog_->CreateTable(Id("db.moved"), TestSchema(), PartitionSpec{},
                                         (scratch_.path() / "elsewhere").string(), {});
  EXPECT_EQ(elsewhere.status().kind(), ErrorKind::kInvalidArgument);
  auto own_place = catalog_->CreateTable(Id("db.placed"), TestSchema(), PartitionSpec{},
                                         "file://" + (warehouse_ / "db/placed").string(), {});
  EXPECT_TRUE(own_place.ok()) << own_place.status().ToString();

  // A table is not a namespace, and a base from another catalog's naming is refused.
  EXPECT_TRUE(catalog_->LoadNamespaceProperties(Ns("db.events")).status().IsNotFound());
  LoadedTable foreign = table;
  foreign.metadata_location = (MetadataDir("events") / "00001-abc.metadata.json").string();
  EXPECT_EQ(catalog_->CommitTable(foreign, Changed(foreign, "x")).status().kind(),
            ErrorKind::kInvalidArgument);
}

TEST_F(HadoopCatalogTest, NamespacesAreDirectories) {
  ASSERT_TRUE(catalog_->CreateNamespace(Ns("a.b.c"), {}).ok());
  MakeTable("db.events");
  auto listed = catalog_->ListNamespaces();
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  // Tables and what is inside them are not namespaces.
  EXPECT_EQ(*listed, (std::vector<Namespace>{Ns("a"), Ns("a.b"), Ns("a.b.c"), Ns("db")}));
  EXPECT_TRUE(fs::is_directory(warehouse_ / "a/b/c"));
  EXPECT_EQ(catalog_->DropNamespace(Ns("a")).kind(), ErrorKind::kInvalidArgument);
  ASSERT_TRUE(catalog_->DropNamespace(Ns("a.b.c")).ok());
  EXPECT_FALSE(fs::exists(warehouse_ / "a/b/c"));
}

TEST_F(HadoopCatalogTest, DropDeletesTheDirectory) {
  MakeTable("db.events");
  ASSERT_TRUE(catalog_->DropTable(Id("db.events"), false).ok());
  EXPECT_FALSE(fs::exists(warehouse_ / "db/events"));
  EXPECT_TRUE(catalog_->ListTables(Ns("db")).ValueOr({Id("db.x")}).empty());
  // Its name is free again.
  MakeTable("db.events");
  ASSERT_TRUE(catalog_->DropTable(Id("db.events"), true).ok());
  EXPECT_FALSE(fs::exists(warehouse_ / "db/events"));
}

TEST_F(HadoopCatalogTest, TwoCatalogsOnOneDirectory) {
  auto other = OpenHadoopCatalog("file://" + warehouse_.string());
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  LoadedTable table = MakeTable("db.events");
  auto mine = catalog_->CommitTable(table, Changed(table, "mine"));
  ASSERT_TRUE(mine.ok());
  auto theirs = (*other)->CommitTable(table, Changed(table, "theirs"));
  EXPECT_TRUE(theirs.status().IsCommitFailed()) << theirs.status().ToString();
  auto loaded = (*other)->LoadTable(Id("db.events"));
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->metadata.properties.at("test.value"), "mine");
}

}  // namespace
}  // namespace floe::iceberg
