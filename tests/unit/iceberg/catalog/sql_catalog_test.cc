#include "iceberg/catalog/sql_catalog.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <regex>

#include "catalog_test_util.h"
#include "iceberg/catalog/catalog_internal.h"
#include "io/local_file_io.h"

namespace floe::iceberg {
namespace {

namespace fs = std::filesystem;
using testing::Changed;
using testing::FileNames;
using testing::Id;
using testing::Ns;
using testing::ScratchDir;
using testing::TestSchema;

/// What the sqlite3 shell prints for `sql` on `database`: the tables as another client sees
/// them, not only as floe reads them back.
std::string Sqlite3Shell(const fs::path& database, const std::string& sql) {
  return testing::RunCommand(
             fmt::format("sqlite3 -separator '|' '{}' \"{}\"", database.string(), sql))
      .output;
}

class SqlCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    warehouse_ = scratch_.path() / "warehouse";
    auto opened = OpenWarehouseCatalog(warehouse_.string());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    catalog_ = *opened;
  }

  fs::path database() const { return warehouse_ / "catalog.db"; }

  LoadedTable MakeTable(const std::string& name,
                        const std::map<std::string, std::string>& properties = {}) {
    TableIdentifier id = Id(name);
    if (!catalog_->LoadNamespaceProperties(id.ns).ok()) {
      EXPECT_TRUE(catalog_->CreateNamespace(id.ns, {}).ok());
    }
    auto created = catalog_->CreateTable(id, TestSchema(), PartitionSpec{}, "", properties);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return *created;
  }

  ScratchDir scratch_;
  fs::path warehouse_;
  std::shared_ptr<Catalog> catalog_;
};

TEST_F(SqlCatalogTest, MetadataFilesAreNumberedFromZero) {
  LoadedTable table = MakeTable("db.events");
  const std::string metadata_dir = (warehouse_ / "db/events/metadata").string();
  const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  auto expect_version = [&](const std::string& location, const std::string& version) {
    EXPECT_TRUE(location.starts_with(metadata_dir + "/" + version + "-")) << location;
    EXPECT_TRUE(location.ends_with(".metadata.json")) << location;
    std::string middle = fs::path(location).filename().string().substr(version.size() + 1);
    middle.resize(middle.size() - std::string(".metadata.json").size());
    EXPECT_TRUE(std::regex_match(middle, uuid)) << location;
  };
  expect_version(table.metadata_location, "00000");
  EXPECT_EQ(table.metadata.location, (warehouse_ / "db/events").string());
  for (const char* version : {"00001", "00002"}) {
    auto committed = catalog_->CommitTable(table, Changed(table, version));
    ASSERT_TRUE(committed.ok()) << committed.status().ToString();
    expect_version(committed->metadata_location, version);
    table = *committed;
  }
  EXPECT_EQ(FileNames(metadata_dir).size(), 3u);
}

TEST_F(SqlCatalogTest, TheTablesAreTheJdbcCatalogsTables) {
  ASSERT_TRUE(catalog_->CreateNamespace(Ns("bare"), {}).ok());
  ASSERT_TRUE(catalog_->CreateNamespace(Ns("a.b"), {{"owner", "ops"}}).ok());
  LoadedTable table = MakeTable("a.b.events");
  auto committed = catalog_->CommitTable(table, Changed(table, "x"));
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();

  EXPECT_EQ(Sqlite3Shell(database(), "SELECT name FROM pragma_table_info('iceberg_tables')"),
            "catalog_name\ntable_namespace\ntable_name\nmetadata_location\n"
            "previous_metadata_location\niceberg_type\n");
  EXPECT_EQ(Sqlite3Shell(database(),
                         "SELECT name FROM pragma_table_info('iceberg_namespace_properties')"),
            "catalog_name\nnamespace\nproperty_key\nproperty_value\n");
  EXPECT_EQ(Sqlite3Shell(database(),
                         "SELECT catalog_name, table_namespace, table_name, metadata_location, "
                         "previous_metadata_location, iceberg_type FROM iceberg_tables"),
            fmt::format("floe|a.b|events|{}|{}|TABLE\n", committed->metadata_location,
                        table.metadata_location));
  EXPECT_EQ(Sqlite3Shell(database(),
                         "SELECT catalog_name, namespace, property_key, property_value FROM "
                         "iceberg_namespace_properties ORDER BY namespace, property_key"),
            "floe|a.b|exists|true\nfloe|a.b|owner|ops\nfloe|bare|exists|true\n");
  EXPECT_EQ(Sqlite3Shell(database(), "PRAGMA journal_mode"), "wal\n");
}

TEST_F(SqlCatalogTest, NamespaceProperties) {
  ASSERT_TRUE(catalog_->CreateNamespace(Ns("db"), {{"owner", "ops"}, {"team", "data"}}).ok());
  auto properties = catalog_->LoadNamespaceProperties(Ns("db"));
  ASSERT_TRUE(properties.ok());
  EXPECT_EQ(*properties, (std::map<std::string, std::string>{{"owner", "ops"}, {"team", "data"}}));

  ASSERT_TRUE(
      catalog_->UpdateNamespaceProperties(Ns("db"), {{"owner", "sre"}, {"tier", "1"}}, {"team"})
          .ok());
  properties = catalog_->LoadNamespaceProperties(Ns("db"));
  ASSERT_TRUE(properties.ok());
  EXPECT_EQ(*properties, (std::map<std::string, std::string>{{"owner", "sre"}, {"tier", "1"}}));

  // Removing every property keeps the namespace: the marker row stays.
  ASSERT_TRUE(catalog_->UpdateNamespaceProperties(Ns("db"), {}, {"owner", "tier"}).ok());
  properties = catalog_->LoadNamespaceProperties(Ns("db"));
  ASSERT_TRUE(properties.ok());
  EXPECT_TRUE(properties->empty());

  EXPECT_EQ(catalog_->UpdateNamespaceProperties(Ns("db"), {}, {"exists"}).kind(),
            ErrorKind::kInvalidArgument);
  EXPECT_EQ(catalog_->UpdateNamespaceProperties(Ns("db"), {{"k", "v"}}, {"k"}).kind(),
            ErrorKind::kInvalidArgument);
  EXPECT_EQ(catalog_->CreateNamespace(Ns("other"), {{"exists", "false"}}).kind(),
            ErrorKind::kInvalidArgument);
  EXPECT_TRUE(catalog_->UpdateNamespaceProperties(Ns("missing"), {{"k", "v"}}, {}).IsNotFound());
}

TEST_F(SqlCatalogTest, ANamespaceWithTablesBelowItExists) {
  MakeTable("a.b.events");
  // As in Java and PyIceberg, "a" exists because a.b holds a table, and cannot be created.
  EXPECT_TRUE(catalog_->LoadNamespaceProperties(Ns("a")).ok());
  EXPECT_TRUE(catalog_->CreateNamespace(Ns("a"), {}).IsAlreadyExists());
  EXPECT_EQ(catalog_->DropNamespace(Ns("a")).kind(), ErrorKind::kInvalidArgument);
  // A name that merely starts alike is another namespace.
  EXPECT_TRUE(catalog_->LoadNamespaceProperties(Ns("a.bc")).status().IsNotFound());
  EXPECT_TRUE(catalog_->CreateNamespace(Namespace{{"a_"}}, {}).ok());
  EXPECT_TRUE(catalog_->LoadNamespaceProperties(Namespace{{"a%"}}).status().IsNotFound());
}

// Iceberg's catalogs allow '/' in names (the REST compatibility kit creates "new/db" and
// "tab/le"): the SQL catalog keeps them, and a default location writes them escaped so that
// each stays one directory of its own, apart from a name that spells the escape itself.
TEST_F(SqlCatalogTest, NamesWithSlashes) {
  const TableIdentifier slashed{Namespace{{"new/db"}}, "tab/le"};
  ASSERT_TRUE(catalog_->CreateNamespace(slashed.ns, {}).ok());
  auto created = catalog_->CreateTable(slashed, TestSchema(), PartitionSpec{}, "", {});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->metadata.location, (warehouse_ / "new%2Fdb" / "tab%2Fle").string());
  const TableIdentifier spelled{Namespace{{"new/db"}}, "tab%2Fle"};
  auto other = catalog_->CreateTable(spelled, TestSchema(), PartitionSpec{}, "", {});
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  EXPECT_EQ(other->metadata.location, (warehouse_ / "new%2Fdb" / "tab%252Fle").string());
  auto listed = catalog_->ListTables(slashed.ns);
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  EXPECT_EQ(listed->size(), 2u);
  auto loaded = catalog_->LoadTable(slashed);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->metadata_location, created->metadata_location);
  EXPECT_TRUE(catalog_->DropTable(slashed, true).ok());
  EXPECT_TRUE(catalog_->LoadTable(spelled).ok());
  EXPECT_EQ(catalog_->CreateNamespace(Namespace{{"a.b/c"}}, {}).kind(),
            ErrorKind::kInvalidArgument);
}

TEST_F(SqlCatalogTest, RenameTable) {
  LoadedTable table = MakeTable("db.events");
  MakeTable("db.taken");
  ASSERT_TRUE(catalog_->CreateNamespace(Ns("archive"), {}).ok());

  ASSERT_TRUE(catalog_->RenameTable(Id("db.events"), Id("archive.old_events")).ok());
  EXPECT_TRUE(catalog_->LoadTable(Id("db.events")).status().IsNotFound());
  auto renamed = catalog_->LoadTable(Id("archive.old_events"));
  ASSERT_TRUE(renamed.ok()) << renamed.status().ToString();
  EXPECT_EQ(renamed->metadata_location, table.metadata_location);

  Status to_missing_ns = catalog_->RenameTable(Id("archive.old_events"), Id("nowhere.t"));
  EXPECT_TRUE(to_missing_ns.IsNotFound()) << to_missing_ns.ToString();
  EXPECT_NE(to_missing_ns.message().find("nowhere"), std::string::npos);
  Status to_taken = catalog_->RenameTable(Id("archive.old_events"), Id("db.taken"));
  EXPECT_TRUE(to_taken.IsAlreadyExists()) << to_taken.ToString();
  EXPECT_TRUE(catalog_->RenameTable(Id("db.missing"), Id("db.other")).IsNotFound());
  EXPECT_TRUE(catalog_->LoadTable(Id("archive.old_events")).ok());

  // Commits go on under the new name.
  auto committed = catalog_->CommitTable(*renamed, Changed(*renamed, "after rename"));
  EXPECT_TRUE(committed.ok()) << committed.status().ToString();
}

TEST_F(SqlCatalogTest, DropWithPurgeDeletesTheFiles) {
  LoadedTable kept = MakeTable("db.kept");
  LoadedTable purged = MakeTable("db.purged");
  auto committed = catalog_->CommitTable(purged, Changed(purged, "x"));
  ASSERT_TRUE(committed.ok());
  io::LocalFileIO io;
  ASSERT_TRUE(io.WriteFile(purged.metadata.location + "/data/part-0.parquet", "PAR1",
                           io::WriteMode::kCreateNew)
                  .ok());

  ASSERT_TRUE(catalog_->DropTable(Id("db.purged"), true).ok());
  EXPECT_TRUE(catalog_->LoadTable(Id("db.purged")).status().IsNotFound());
  auto left = io.ListFiles(purged.metadata.location);
  ASSERT_TRUE(left.ok());
  EXPECT_TRUE(left->empty()) << left->front().location;

  ASSERT_TRUE(catalog_->DropTable(Id("db.kept"), false).ok());
  EXPECT_TRUE(fs::exists(kept.metadata_location));
}

TEST_F(SqlCatalogTest, PurgeRefusesATableAtTheWarehouseRoot) {
  ASSERT_TRUE(catalog_->CreateNamespace(Ns("db"), {}).ok());
  auto table = catalog_->CreateTable(Id("db.greedy"), TestSchema(), PartitionSpec{},
                                     warehouse_.string(), {});
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  Status purge = catalog_->DropTable(Id("db.greedy"), true);
  EXPECT_EQ(purge.kind(), ErrorKind::kInvalidArgument) << purge.ToString();
  EXPECT_TRUE(fs::exists(database()));
}

TEST_F(SqlCatalogTest, MetadataPathAndPreviousVersionsMax) {
  const std::string elsewhere = (scratch_.path() / "elsewhere/meta").string();
  LoadedTable table = MakeTable("db.events", {{"write.metadata.path", elsewhere},
                                              {"write.metadata.previous-versions-max", "2"}});
  EXPECT_TRUE(table.metadata_location.starts_with(elsewhere + "/00000-"))
      << table.metadata_location;
  std::vector<std::string> locations = {table.metadata_location};
  for (int i = 1; i <= 4; ++i) {
    auto committed = catalog_->CommitTable(table, Changed(table, std::to_string(i)));
    ASSERT_TRUE(committed.ok()) << committed.status().ToString();
    table = *committed;
    locations.push_back(table.metadata_location);
  }
  EXPECT_TRUE(table.metadata_location.starts_with(elsewhere + "/00004-"));
  ASSERT_EQ(table.metadata.metadata_log.size(), 2u);
  EXPECT_EQ(table.metadata.metadata_log[0].metadata_file, locations[2]);
  EXPECT_EQ(table.metadata.metadata_log[1].metadata_file, locations[3]);

  auto bad = catalog_->CommitTable(table, [&] {
    TableMetadata updated = Changed(table, "bad");
    updated.properties["write.metadata.previous-versions-max"] = "many";
    return updated;
  }());
  EXPECT_EQ(bad.status().kind(), ErrorKind::kInvalidArgument);
}

TEST_F(SqlCatalogTest, ExplicitAndRelativeLocations) {
  ASSERT_TRUE(catalog_->CreateNamespace(Ns("db"), {}).ok());
  const std::string explicit_location = (scratch_.path() / "custom/place").string();
  auto table = catalog_->CreateTable(Id("db.custom"), TestSchema(), PartitionSpec{},
                                     "file://" + explicit_location + "/", {});
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->metadata.location, "file://" + explicit_location);
  EXPECT_TRUE(fs::exists(explicit_location + "/metadata")) << explicit_location;
  auto loaded = catalog_->LoadTable(Id("db.custom"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->metadata_location, table->metadata_location);
}

TEST_F(SqlCatalogTest, TwoCatalogsOnOneFileSeeEachOther) {
  auto other = OpenWarehouseCatalog(warehouse_.string());
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  LoadedTable table = MakeTable("db.events");
  auto seen = (*other)->LoadTable(Id("db.events"));
  ASSERT_TRUE(seen.ok()) << seen.status().ToString();
  EXPECT_EQ(seen->metadata_location, table.metadata_location);

  constexpr int kRounds = 10;
  std::vector<std::shared_ptr<Catalog>> catalogs = {catalog_, *other};
  for (int round = 0; round < kRounds; ++round) {
    auto outcomes = testing::CommitConcurrently(*catalogs[0], *catalogs[1], table);
    ASSERT_NE(outcomes[0].ok(), outcomes[1].ok())
        << outcomes[0].status().ToString() << " / " << outcomes[1].status().ToString();
    const int winner = outcomes[0].ok() ? 0 : 1;
    EXPECT_TRUE(outcomes[1 - winner].status().IsCommitFailed())
        << outcomes[1 - winner].status().ToString();
    auto loaded = catalogs[1 - winner]->LoadTable(Id("db.events"));
    ASSERT_TRUE(loaded.ok());
    EXPECT_EQ(loaded->metadata_location, outcomes[winner]->metadata_location);
    table = *loaded;
  }
  EXPECT_EQ(FileNames(warehouse_ / "db/events/metadata").size(), static_cast<size_t>(kRounds + 1));
}

TEST_F(SqlCatalogTest, TwoProcessesCommittingOnOneBase) {
  LoadedTable table = MakeTable("db.events");
  constexpr int kRounds = 5;
  constexpr int kChildWon = 10;
  constexpr int kChildLost = 11;
  for (int round = 0; round < kRounds; ++round) {
    int go[2];
    ASSERT_EQ(::pipe(go), 0);
    pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      // A separate process with its own connection, as a second floe would be.
      ::close(go[1]);
      auto catalog = OpenWarehouseCatalog(warehouse_.string());
      if (!catalog.ok()) ::_exit(1);
      char byte = 0;
      if (::read(go[0], &byte, 1) != 1) ::_exit(1);
      auto outcome = (*catalog)->CommitTable(table, Changed(table, "child"));
      ::_exit(outcome.ok() ? kChildWon : outcome.status().IsCommitFailed() ? kChildLost : 1);
    }
    ::close(go[0]);
    ASSERT_EQ(::write(go[1], "g", 1), 1);
    auto mine = catalog_->CommitTable(table, Changed(table, "parent"));
    ::close(go[1]);
    int wait_status = 0;
    ASSERT_EQ(::waitpid(child, &wait_status, 0), child);
    ASSERT_TRUE(WIFEXITED(wait_status));
    const int child_result = WEXITSTATUS(wait_status);
    ASSERT_TRUE(child_result == kChildWon || child_result == kChildLost) << child_result;
    if (child_result == kChildWon) {
      EXPECT_TRUE(mine.status().IsCommitFailed()) << mine.status().ToString();
    } else {
      EXPECT_TRUE(mine.ok()) << mine.status().ToString();
    }
    auto loaded = catalog_->LoadTable(Id("db.events"));
    ASSERT_TRUE(loaded.ok());
    EXPECT_EQ(loaded->metadata.properties.at("test.value"),
              child_result == kChildWon ? "child" : "parent");
    table = *loaded;
  }
  EXPECT_EQ(FileNames(warehouse_ / "db/events/metadata").size(), static_cast<size_t>(kRounds + 1));
}

TEST_F(SqlCatalogTest, ABusyDatabaseAppliesNothing) {
  LoadedTable table = MakeTable("db.events");
  SqlCatalogOptions options;
  options.database_path = database().string();
  options.warehouse = warehouse_.string();
  options.busy_timeout_ms = 50;
  auto impatient = SqlCatalog::Open(options);
  ASSERT_TRUE(impatient.ok()) << impatient.status().ToString();

  // Another connection holds the write lock for the whole commit.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(database().c_str(), &raw), SQLITE_OK);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> holder(raw, sqlite3_close);
  ASSERT_EQ(sqlite3_exec(raw, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto blocked = (*impatient)->CommitTable(table, Changed(table, "blocked"));
  ASSERT_EQ(sqlite3_exec(raw, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);

  EXPECT_EQ(blocked.status().kind(), ErrorKind::kIoError) << blocked.status().ToString();
  EXPECT_NE(blocked.status().message().find("not applied"), std::string::npos);
  EXPECT_EQ(FileNames(warehouse_ / "db/events/metadata").size(), 1u);
  auto loaded = catalog_->LoadTable(Id("db.events"));
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->metadata_location, table.metadata_location);
}

TEST_F(SqlCatalogTest, ReadsADatabaseWrittenByPyIceberg) {
  // PyIceberg's SqlCatalog creates iceberg_tables without iceberg_type and writes a namespace
  // with properties without the "exists" marker.
  const fs::path legacy_dir = scratch_.path() / "pyiceberg";
  fs::create_directories(legacy_dir);
  const fs::path legacy_db = legacy_dir / "pyiceberg.db";
  LoadedTable source = MakeTable("db.events");
  const std::string setup = fmt::format(
      "CREATE TABLE iceberg_tables (catalog_name VARCHAR(255) NOT NULL, table_namespace "
      "VARCHAR(255) NOT NULL, table_name VARCHAR(255) NOT NULL, metadata_location VARCHAR(1000), "
      "previous_metadata_location VARCHAR(1000), PRIMARY KEY (catalog_name, table_namespace, "
      "table_name)); CREATE TABLE iceberg_namespace_properties (catalog_name VARCHAR(255) NOT "
      "NULL, namespace VARCHAR(255) NOT NULL, property_key VARCHAR(255) NOT NULL, property_value "
      "VARCHAR(1000) NOT NULL, PRIMARY KEY (catalog_name, namespace, property_key)); INSERT INTO "
      "iceberg_namespace_properties VALUES ('default', 'db', 'owner', 'py'); INSERT INTO "
      "iceberg_tables VALUES ('default', 'db', 'events', '{}', NULL);",
      source.metadata_location);
  ASSERT_EQ(Sqlite3Shell(legacy_db, setup), "");

  auto legacy = OpenSqliteCatalog(legacy_db.string(), legacy_dir.string(), "default");
  ASSERT_TRUE(legacy.ok()) << legacy.status().ToString();
  EXPECT_EQ((*legacy)->ListNamespaces().ValueOr({}), std::vector<Namespace>{Ns("db")});
  EXPECT_EQ((*legacy)->ListTables(Ns("db")).ValueOr({}),
            std::vector<TableIdentifier>{Id("db.events")});
  auto loaded = (*legacy)->LoadTable(Id("db.events"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  auto committed = (*legacy)->CommitTable(*loaded, Changed(*loaded, "from floe"));
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  ASSERT_TRUE((*legacy)->CreateNamespace(Ns("more"), {}).ok());
  ASSERT_TRUE((*legacy)->CreateTable(Id("more.t"), TestSchema(), PartitionSpec{}, "", {}).ok());
  EXPECT_EQ(Sqlite3Shell(legacy_db,
                         "SELECT table_namespace, table_name FROM iceberg_tables "
                         "ORDER BY 1"),
            "db|events\nmore|t\n");
  // The schema was left as PyIceberg made it.
  EXPECT_EQ(Sqlite3Shell(legacy_db, "SELECT count(*) FROM pragma_table_info('iceberg_tables')"),
            "5\n");
  // Removing the last property keeps the namespace alive through the marker.
  ASSERT_TRUE((*legacy)->UpdateNamespaceProperties(Ns("db"), {}, {"owner"}).ok());
  ASSERT_TRUE((*legacy)->DropTable(Id("db.events"), false).ok());
  EXPECT_TRUE((*legacy)->LoadNamespaceProperties(Ns("db")).ok());
}

TEST_F(SqlCatalogTest, CatalogNamesKeepTablesApart) {
  MakeTable("db.events");
  auto other = OpenSqliteCatalog(database().string(), warehouse_.string(), "other");
  ASSERT_TRUE(other.ok());
  EXPECT_EQ((*other)->name(), "other");
  EXPECT_EQ(catalog_->name(), "floe");
  EXPECT_TRUE((*other)->LoadTable(Id("db.events")).status().IsNotFound());
  EXPECT_TRUE((*other)->ListNamespaces().ValueOr({Ns("x")}).empty());
}

TEST(SqlCatalogOpenTest, ErrorsNameTheDatabase) {
  ScratchDir scratch;
  const fs::path not_a_database = scratch.path() / "junk.db";
  std::ofstream(not_a_database) << "this is not an SQLite database, just text that is long enough";
  auto opened = OpenSqliteCatalog(not_a_database.string(), scratch.path().string(), "floe");
  EXPECT_EQ(opened.status().kind(), ErrorKind::kIoError) << opened.status().ToString();
  EXPECT_NE(opened.status().message().find(not_a_database.string()), std::string::npos);

  auto remote = OpenSqliteCatalog((scratch.path() / "c.db").string(), "gs://bucket/wh", "floe");
  EXPECT_EQ(remote.status().kind(), ErrorKind::kNotSupported) << remote.status().ToString();

  // A file where the warehouse directory should be.
  std::ofstream(scratch.path() / "file") << "x";
  auto blocked = OpenWarehouseCatalog((scratch.path() / "file").string());
  EXPECT_EQ(blocked.status().kind(), ErrorKind::kIoError) << blocked.status().ToString();
}

TEST(SqlCatalogOpenTest, RelativeWarehousesAreStoredAbsolute) {
  ScratchDir scratch;
  const fs::path before = fs::current_path();
  fs::current_path(scratch.path());
  auto opened = OpenWarehouseCatalog("wh");
  fs::current_path(before);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  ASSERT_TRUE((*opened)->CreateNamespace(Ns("db"), {}).ok());
  auto table = (*opened)->CreateTable(Id("db.t"), TestSchema(), PartitionSpec{}, "", {});
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_EQ(table->metadata.location, (scratch.path() / "wh/db/t").string());
  EXPECT_TRUE(table->metadata_location.starts_with('/'));
}

}  // namespace
}  // namespace floe::iceberg
