// What every catalog must do alike, run against the SQL catalog and the Hadoop catalog; and the
// parsing of namespace and table names.

#include "iceberg/catalog/catalog.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <type_traits>

#include "catalog_test_util.h"
#include "iceberg/partition_spec.h"

namespace floe::iceberg {
namespace {

namespace fs = std::filesystem;
using testing::Changed;
using testing::FileNames;
using testing::Id;
using testing::Ns;
using testing::ScratchDir;
using testing::TestSchema;

TEST(NamespaceTest, ParsesDottedNames) {
  EXPECT_EQ(Ns("raw").levels, std::vector<std::string>{"raw"});
  EXPECT_EQ(Ns("a.b.c").levels, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(Ns("a.b").ToString(), "a.b");
  for (const char* bad : {"", ".", "a.", ".a", "a..b"}) {
    auto parsed = Namespace::Parse(bad);
    EXPECT_EQ(parsed.status().kind(), ErrorKind::kInvalidArgument) << bad;
    EXPECT_NE(parsed.status().message().find(fmt::format("'{}'", bad)), std::string::npos)
        << parsed.status().message();
  }
  EXPECT_EQ(Namespace::Parse("a..b").status().message(),
            "invalid namespace 'a..b': empty level at offset 2");
}

TEST(TableIdentifierTest, TheLastDotSeparatesTheName) {
  TableIdentifier id = Id("a.b.events");
  EXPECT_EQ(id.ns.levels, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(id.name, "events");
  EXPECT_EQ(id.ToString(), "a.b.events");
  for (const char* bad : {"events", "raw.", ".events", "a..events", ""}) {
    auto parsed = TableIdentifier::Parse(bad);
    EXPECT_EQ(parsed.status().kind(), ErrorKind::kInvalidArgument) << bad;
    EXPECT_NE(parsed.status().message().find(fmt::format("'{}'", bad)), std::string::npos)
        << parsed.status().message();
  }
}

struct SqlWarehouse {
  static Result<std::shared_ptr<Catalog>> Open(const fs::path& dir) {
    return OpenWarehouseCatalog(dir.string());
  }
};

struct HadoopWarehouse {
  static Result<std::shared_ptr<Catalog>> Open(const fs::path& dir) {
    return OpenHadoopCatalog(dir.string());
  }
};

template <typename Warehouse>
class CatalogConformanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Warehouse::Open(scratch_.path() / "warehouse");
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    catalog_ = *opened;
  }

  LoadedTable MakeTable(const std::string& name) {
    auto id = Id(name);
    auto ns_exists = catalog_->LoadNamespaceProperties(id.ns);
    if (!ns_exists.ok()) {
      EXPECT_TRUE(catalog_->CreateNamespace(id.ns, {}).ok());
    }
    auto created = catalog_->CreateTable(id, TestSchema(), PartitionSpec{}, "", {});
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return *created;
  }

  static fs::path MetadataDir(const LoadedTable& table) {
    return fs::path(table.metadata_location).parent_path();
  }

  ScratchDir scratch_;
  std::shared_ptr<Catalog> catalog_;
};

using Warehouses = ::testing::Types<SqlWarehouse, HadoopWarehouse>;
TYPED_TEST_SUITE(CatalogConformanceTest, Warehouses);

TYPED_TEST(CatalogConformanceTest, NamespacesCreateListDrop) {
  auto& catalog = *this->catalog_;
  ASSERT_TRUE(catalog.CreateNamespace(Ns("raw"), {}).ok());
  ASSERT_TRUE(catalog.CreateNamespace(Ns("a.b"), {}).ok());
  Status twice = catalog.CreateNamespace(Ns("raw"), {});
  EXPECT_TRUE(twice.IsAlreadyExists()) << twice.ToString();
  EXPECT_NE(twice.message().find("raw"), std::string::npos);

  auto listed = catalog.ListNamespaces();
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_NE(std::find(listed->begin(), listed->end(), Ns("raw")), listed->end());
  EXPECT_NE(std::find(listed->begin(), listed->end(), Ns("a.b")), listed->end());
  EXPECT_TRUE(std::is_sorted(listed->begin(), listed->end()));

  EXPECT_TRUE(catalog.LoadNamespaceProperties(Ns("raw")).ok());
  EXPECT_TRUE(catalog.LoadNamespaceProperties(Ns("missing")).status().IsNotFound());

  ASSERT_TRUE(catalog.DropNamespace(Ns("raw")).ok());
  listed = catalog.ListNamespaces();
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(std::find(listed->begin(), listed->end(), Ns("raw")), listed->end());
  EXPECT_TRUE(catalog.DropNamespace(Ns("raw")).IsNotFound());
  EXPECT_TRUE(catalog.ListTables(Ns("raw")).status().IsNotFound());
}

TYPED_TEST(CatalogConformanceTest, DroppingANamespaceWithTablesIsRefused) {
  this->MakeTable("db.events");
  Status refused = this->catalog_->DropNamespace(Ns("db"));
  EXPECT_EQ(refused.kind(), ErrorKind::kInvalidArgument) << refused.ToString();
  EXPECT_NE(refused.message().find("db"), std::string::npos);
  EXPECT_TRUE(this->catalog_->LoadTable(Id("db.events")).ok());
  ASSERT_TRUE(this->catalog_->DropTable(Id("db.events"), false).ok());
  EXPECT_TRUE(this->catalog_->DropNamespace(Ns("db")).ok());
}

TYPED_TEST(CatalogConformanceTest, BadNamesAreRefused) {
  auto& catalog = *this->catalog_;
  if constexpr (std::is_same_v<TypeParam, HadoopWarehouse>) {
    // Names are directories there; the SQL catalog keeps them (SqlCatalogTest.NamesWithSlashes).
    EXPECT_EQ(catalog.CreateNamespace(Namespace{{"a/b"}}, {}).kind(), ErrorKind::kInvalidArgument);
  }
  EXPECT_EQ(catalog.CreateNamespace(Namespace{{std::string("a\0b", 3)}}, {}).kind(),
            ErrorKind::kInvalidArgument);
  EXPECT_EQ(catalog.CreateNamespace(Namespace{{".."}}, {}).kind(), ErrorKind::kInvalidArgument);
  EXPECT_EQ(catalog.CreateNamespace(Namespace{}, {}).kind(), ErrorKind::kInvalidArgument);
  ASSERT_TRUE(catalog.CreateNamespace(Ns("db"), {}).ok());
  auto bad_table =
      catalog.CreateTable(TableIdentifier{Ns("db"), "../escape"}, TestSchema(), {}, "", {});
  EXPECT_EQ(bad_table.status().kind(), ErrorKind::kInvalidArgument);
  EXPECT_NE(bad_table.status().message().find("../escape"), std::string::npos);
}

TYPED_TEST(CatalogConformanceTest, TablesCreateLoadListDrop) {
  auto& catalog = *this->catalog_;
  LoadedTable created = this->MakeTable("db.events");
  EXPECT_EQ(created.identifier, Id("db.events"));
  EXPECT_TRUE(fs::exists(created.metadata_location)) << created.metadata_location;
  EXPECT_EQ(created.metadata.location, (this->scratch_.path() / "warehouse/db/events").string());
  EXPECT_TRUE(created.metadata.metadata_log.empty());

  auto loaded = catalog.LoadTable(Id("db.events"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->metadata_location, created.metadata_location);
  EXPECT_EQ(loaded->metadata, created.metadata);

  this->MakeTable("db.clicks");
  auto tables = catalog.ListTables(Ns("db"));
  ASSERT_TRUE(tables.ok());
  EXPECT_EQ(*tables, (std::vector<TableIdentifier>{Id("db.clicks"), Id("db.events")}));

  auto twice = catalog.CreateTable(Id("db.events"), TestSchema(), PartitionSpec{}, "", {});
  EXPECT_TRUE(twice.status().IsAlreadyExists()) << twice.status().ToString();
  EXPECT_NE(twice.status().message().find("db.events"), std::string::npos);
  // The refused create wrote nothing beside the first table's metadata.
  EXPECT_EQ(FileNames(this->MetadataDir(created)).size(),
            FileNames(this->MetadataDir(*loaded)).size());

  auto missing = catalog.LoadTable(Id("db.nothing"));
  EXPECT_TRUE(missing.status().IsNotFound()) << missing.status().ToString();
  EXPECT_NE(missing.status().message().find("db.nothing"), std::string::npos);
  auto no_ns = catalog.CreateTable(Id("nowhere.t"), TestSchema(), PartitionSpec{}, "", {});
  EXPECT_TRUE(no_ns.status().IsNotFound()) << no_ns.status().ToString();
  EXPECT_NE(no_ns.status().message().find("nowhere"), std::string::npos);

  ASSERT_TRUE(catalog.DropTable(Id("db.clicks"), false).ok());
  EXPECT_TRUE(catalog.LoadTable(Id("db.clicks")).status().IsNotFound());
  EXPECT_TRUE(catalog.DropTable(Id("db.clicks"), false).IsNotFound());
  tables = catalog.ListTables(Ns("db"));
  ASSERT_TRUE(tables.ok());
  EXPECT_EQ(*tables, std::vector<TableIdentifier>{Id("db.events")});
}

TYPED_TEST(CatalogConformanceTest, CommitsChainMetadataFiles) {
  auto& catalog = *this->catalog_;
  LoadedTable table = this->MakeTable("db.events");
  std::vector<LoadedTable> history = {table};
  for (int i = 1; i <= 3; ++i) {
    auto committed = catalog.CommitTable(table, Changed(table, std::to_string(i)));
    ASSERT_TRUE(committed.ok()) << committed.status().ToString();
    EXPECT_NE(committed->metadata_location, table.metadata_location);
    EXPECT_TRUE(fs::exists(committed->metadata_location));
    ASSERT_EQ(committed->metadata.metadata_log.size(), static_cast<size_t>(i));
    const MetadataLogEntry& last = committed->metadata.metadata_log.back();
    EXPECT_EQ(last.metadata_file, table.metadata_location);
    EXPECT_EQ(last.timestamp_ms, table.metadata.last_updated_ms);

    auto loaded = catalog.LoadTable(Id("db.events"));
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    EXPECT_EQ(loaded->metadata_location, committed->metadata_location);
    EXPECT_EQ(loaded->metadata, committed->metadata);
    EXPECT_EQ(loaded->metadata.properties.at("test.value"), std::to_string(i));
    table = *loaded;
    history.push_back(table);
  }
  for (size_t i = 0; i + 1 < history.size(); ++i) {
    EXPECT_EQ(table.metadata.metadata_log[i].metadata_file, history[i].metadata_location);
  }
}

TYPED_TEST(CatalogConformanceTest, AStaleBaseFailsAndLeavesNoFile) {
  auto& catalog = *this->catalog_;
  LoadedTable base = this->MakeTable("db.events");
  auto first = catalog.CommitTable(base, Changed(base, "first"));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  const std::vector<std::string> files_before = FileNames(this->MetadataDir(base));

  auto stale = catalog.CommitTable(base, Changed(base, "stale"));
  EXPECT_TRUE(stale.status().IsCommitFailed()) << stale.status().ToString();
  EXPECT_NE(stale.status().message().find("db.events"), std::string::npos);
  EXPECT_EQ(FileNames(this->MetadataDir(base)), files_before);

  auto loaded = catalog.LoadTable(Id("db.events"));
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->metadata_location, first->metadata_location);
  EXPECT_EQ(loaded->metadata.properties.at("test.value"), "first");
}

TYPED_TEST(CatalogConformanceTest, OfTwoConcurrentCommitsExactlyOneWins) {
  auto& catalog = *this->catalog_;
  LoadedTable table = this->MakeTable("db.events");
  constexpr int kRounds = 20;
  for (int round = 0; round < kRounds; ++round) {
    auto outcomes = testing::CommitConcurrently(catalog, catalog, table);
    ASSERT_NE(outcomes[0].ok(), outcomes[1].ok())
        << outcomes[0].status().ToString() << " / " << outcomes[1].status().ToString();
    const int winner = outcomes[0].ok() ? 0 : 1;
    EXPECT_TRUE(outcomes[1 - winner].status().IsCommitFailed())
        << outcomes[1 - winner].status().ToString();
    auto loaded = catalog.LoadTable(Id("db.events"));
    ASSERT_TRUE(loaded.ok());
    EXPECT_EQ(loaded->metadata_location, outcomes[winner]->metadata_location);
    table = *loaded;
  }
  // One metadata file per winning commit plus the first; losers left nothing.
  size_t metadata_files = 0;
  for (const std::string& name : FileNames(this->MetadataDir(table))) {
    if (name.ends_with(".metadata.json")) ++metadata_files;
  }
  EXPECT_EQ(metadata_files, static_cast<size_t>(kRounds + 1));
}

TYPED_TEST(CatalogConformanceTest, AnOutsideReaderAcceptsTheMetadata) {
  const fs::path script = testing::VerifyTableScript();
  ASSERT_TRUE(fs::exists(script)) << "no " << script << " beside the repository";
  LoadedTable table = this->MakeTable("db.events");
  for (int i = 0; i < 2; ++i) {
    auto committed = this->catalog_->CommitTable(table, Changed(table, std::to_string(i)));
    ASSERT_TRUE(committed.ok()) << committed.status().ToString();
    table = *committed;
  }
  const fs::path no_rows = this->scratch_.path() / "no_rows.jsonl";
  std::ofstream(no_rows).flush();
  testing::CommandOutput verdict = testing::RunCommand(
      fmt::format("cd '{}' && node verify-table.mjs '{}' --expect '{}'",
                  script.parent_path().string(), table.metadata_location, no_rows.string()));
  EXPECT_EQ(verdict.exit_code, 0) << verdict.output;
  EXPECT_NE(verdict.output.find("verify-table: ok"), std::string::npos) << verdict.output;
}

TYPED_TEST(CatalogConformanceTest, CorruptMetadataNamesTheFile) {
  LoadedTable table = this->MakeTable("db.events");
  std::ofstream(table.metadata_location, std::ios::trunc) << "{\"format-version\": 2, oops";
  auto loaded = this->catalog_->LoadTable(Id("db.events"));
  EXPECT_EQ(loaded.status().kind(), ErrorKind::kCorrupt) << loaded.status().ToString();
  EXPECT_NE(loaded.status().message().find(table.metadata_location), std::string::npos)
      << loaded.status().message();
  EXPECT_NE(loaded.status().message().find("db.events"), std::string::npos);
}

TYPED_TEST(CatalogConformanceTest, AMissingMetadataFileIsAnError) {
  LoadedTable table = this->MakeTable("db.events");
  fs::remove(table.metadata_location);
  auto loaded = this->catalog_->LoadTable(Id("db.events"));
  EXPECT_FALSE(loaded.ok());
}

}  // namespace
}  // namespace floe::iceberg
