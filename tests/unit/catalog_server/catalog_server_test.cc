// floe catalog serve in-process on 127.0.0.1, driven by floe's REST client (OpenRestCatalog):
// namespaces and tables end to end, appends through iceberg::AppendFiles judged by
// verify-table.mjs, two writers committing at once, token refresh, and the client's errors.

#include "catalog_server/catalog_server.h"

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

#include "../iceberg/catalog/catalog_test_util.h"
#include "common/column_vector.h"
#include "iceberg/catalog/append_files.h"
#include "iceberg/manifest_avro.h"
#include "iceberg/partitioned_writer.h"
#include "iceberg/rest/rest_catalog.h"

namespace floe::catalog_server {
namespace {

using iceberg::AppendFiles;
using iceberg::Catalog;
using iceberg::DataFile;
using iceberg::LoadedTable;
using iceberg::PartitionSpec;
using iceberg::testing::Id;
using iceberg::testing::Ns;
using iceberg::testing::RunCommand;
using iceberg::testing::ScratchDir;
using iceberg::testing::TestSchema;
using iceberg::testing::VerifyTableScript;

constexpr const char* kClientId = "admin";
constexpr const char* kSecret = "password";

/// A server on a free port with catalog "lakehouse" under a scratch warehouse.
class CatalogServerTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(3600); }
  void TearDown() override { StopServer(); }

  void StartServer(int64_t token_ttl_seconds) {
    CatalogServerOptions options;
    options.port = 0;
    options.database_url = fmt::format("sqlite:{}", (dir_.path() / "catalog.db").native());
    options.bootstrap = ClientCredentials{kClientId, kSecret};
    options.token_ttl_seconds = token_ttl_seconds;
    auto server = CatalogServer::Make(options);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
    auto port = server_->Bind();
    ASSERT_TRUE(port.ok()) << port.status().ToString();
    port_ = *port;
    serving_ = std::thread([this] { static_cast<void>(server_->Serve()); });
    if (!catalog_created_) {
      auto store = ServerStore::Open(options.database_url);
      ASSERT_TRUE(store.ok());
      CatalogEntry entry;
      entry.name = "lakehouse";
      entry.properties["default-base-location"] = (dir_.path() / "warehouse").native();
      ASSERT_TRUE((*store)->CreateCatalog(entry).ok());
      auto access = AccessStore::Open(options.database_url);
      ASSERT_TRUE(access.ok());
      ASSERT_TRUE((*access)->CreateCatalogAdmin(entry.name).ok());
      // As Polaris users do: the admin may also read and write data (purge drops need it).
      ASSERT_TRUE(
          (*access)
              ->AddGrant(entry.name, kCatalogAdminRole,
                         Grant{SecurableKind::kCatalog, {}, {}, Privilege::kCatalogManageContent})
              .ok());
      catalog_created_ = true;
    }
  }

  void StopServer() {
    if (server_) server_->Stop();
    if (serving_.joinable()) serving_.join();
    server_.reset();
  }

  std::map<std::string, std::string> Properties() const {
    return {{"uri", fmt::format("http://127.0.0.1:{}/api/catalog", port_)},
            {"credential", fmt::format("{}:{}", kClientId, kSecret)},
            {"warehouse", "lakehouse"},
            {"scope", "PRINCIPAL_ROLE:ALL"}};
  }

  std::shared_ptr<Catalog> Open() {
    auto catalog = iceberg::OpenRestCatalog(Properties());
    EXPECT_TRUE(catalog.ok()) << catalog.status().ToString();
    return catalog.ok() ? *catalog : nullptr;
  }

  std::vector<DataFile> WriteRows(Catalog& catalog, const LoadedTable& table, int64_t first_id,
                                  int64_t rows) {
    auto writer = iceberg::PartitionedWriter::Make(catalog.file_io(), table.metadata);
    EXPECT_TRUE(writer.ok()) << writer.status().ToString();
    ColumnVector id(ColumnKind::kInt64), name(ColumnKind::kBytes);
    for (int64_t i = 0; i < rows; ++i) {
      id.Append<int64_t>(first_id + i);
      name.AppendBytes(fmt::format("n{}", first_id + i));
    }
    std::vector<const ColumnVector*> columns = {&id, &name};
    EXPECT_TRUE((*writer)->Write(columns, Selection::All(static_cast<size_t>(rows))).ok());
    auto files = (*writer)->Finish();
    EXPECT_TRUE(files.ok());
    return *files;
  }

  ScratchDir dir_;
  std::unique_ptr<CatalogServer> server_;
  std::thread serving_;
  int port_ = 0;
  bool catalog_created_ = false;
};

TEST_F(CatalogServerTest, NamespacesAndTablesThroughTheClient) {
  auto catalog = Open();
  ASSERT_NE(catalog, nullptr);
  EXPECT_EQ(catalog->name(), "lakehouse");
  ASSERT_TRUE(catalog->CreateNamespace(Ns("db"), {{"owner", "me"}}).ok());
  ASSERT_TRUE(catalog->CreateNamespace(Ns("db.inner"), {}).ok());
  EXPECT_TRUE(catalog->CreateNamespace(Ns("db"), {}).IsAlreadyExists());
  auto namespaces = catalog->ListNamespaces();
  ASSERT_TRUE(namespaces.ok()) << namespaces.status().ToString();
  EXPECT_EQ(*namespaces, (std::vector<iceberg::Namespace>{Ns("db"), Ns("db.inner")}));
  ASSERT_TRUE(catalog->UpdateNamespaceProperties(Ns("db"), {{"k", "v"}}, {"owner"}).ok());
  auto properties = catalog->LoadNamespaceProperties(Ns("db"));
  ASSERT_TRUE(properties.ok());
  EXPECT_EQ(*properties, (std::map<std::string, std::string>{{"k", "v"}}));
  EXPECT_TRUE(catalog->LoadNamespaceProperties(Ns("nope")).status().IsNotFound());

  auto created = catalog->CreateTable(Id("db.t"), TestSchema(), PartitionSpec{}, "", {});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_EQ(created->metadata.location, (dir_.path() / "warehouse/db/t").native());
  EXPECT_TRUE(catalog->CreateTable(Id("db.t"), TestSchema(), PartitionSpec{}, "", {})
                  .status()
                  .IsAlreadyExists());
  auto outside = catalog->CreateTable(Id("db.o"), TestSchema(), PartitionSpec{}, "/etc/o", {});
  EXPECT_EQ(outside.status().kind(), ErrorKind::kInvalidArgument) << outside.status().ToString();
  auto loaded = catalog->LoadTable(Id("db.t"));
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->metadata, created->metadata);
  EXPECT_EQ(loaded->metadata_location, created->metadata_location);

  ASSERT_TRUE(catalog->RenameTable(Id("db.t"), Id("db.inner.u")).ok());
  EXPECT_TRUE(catalog->LoadTable(Id("db.t")).status().IsNotFound());
  auto tables = catalog->ListTables(Ns("db.inner"));
  ASSERT_TRUE(tables.ok());
  ASSERT_EQ(tables->size(), 1u);
  EXPECT_EQ((*tables)[0], Id("db.inner.u"));
  EXPECT_EQ(catalog->DropNamespace(Ns("db.inner")).kind(), ErrorKind::kInvalidArgument);
  ASSERT_TRUE(catalog->DropTable(Id("db.inner.u"), true).ok());
  EXPECT_TRUE(catalog->DropTable(Id("db.inner.u"), false).IsNotFound());
  EXPECT_TRUE(catalog->DropNamespace(Ns("db.inner")).ok());
}

TEST_F(CatalogServerTest, AppendFilesThroughRestIsReadableByOutsideReaders) {
  auto catalog = Open();
  ASSERT_NE(catalog, nullptr);
  ASSERT_TRUE(catalog->CreateNamespace(Ns("db"), {}).ok());
  auto table = catalog->CreateTable(Id("db.events"), TestSchema(), PartitionSpec{}, "", {});
  ASSERT_TRUE(table.ok());
  auto first = AppendFiles(*catalog, *table, WriteRows(*catalog, *table, 0, 5));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = AppendFiles(*catalog, first->table, WriteRows(*catalog, first->table, 5, 3));
  ASSERT_TRUE(second.ok()) << second.status().ToString();

  auto reloaded = catalog->LoadTable(Id("db.events"));
  ASSERT_TRUE(reloaded.ok());
  const iceberg::TableMetadata& metadata = reloaded->metadata;
  EXPECT_EQ(metadata.snapshots.size(), 2u);
  EXPECT_EQ(metadata.current_snapshot_id, second->snapshot_id);
  EXPECT_EQ(metadata.CurrentSnapshot()->parent_snapshot_id, first->snapshot_id);
  EXPECT_EQ(metadata.last_sequence_number, 2);
  EXPECT_EQ(metadata.snapshot_log.size(), 2u);
  EXPECT_EQ(metadata.metadata_log.size(), 2u);
  EXPECT_EQ(metadata.CurrentSnapshot()->summary.at("total-records"), "8");

  const std::string expected = (dir_.path() / "expected.jsonl").native();
  {
    std::ofstream out(expected);
    for (int i = 0; i < 8; ++i) out << fmt::format("{{\"id\":{},\"name\":\"n{}\"}}\n", i, i);
  }
  auto verified = RunCommand(fmt::format("node {} {} --expect {}", VerifyTableScript().native(),
                                         reloaded->metadata_location, expected));
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_NE(verified.output.find("verify-table: ok"), std::string::npos) << verified.output;
}

TEST_F(CatalogServerTest, TwoWritersCommittingAtOnceAllLand) {
  auto writer_a = Open();
  auto writer_b = Open();
  ASSERT_NE(writer_a, nullptr);
  ASSERT_NE(writer_b, nullptr);
  ASSERT_TRUE(writer_a->CreateNamespace(Ns("db"), {}).ok());
  auto table = writer_a->CreateTable(Id("db.t"), TestSchema(), PartitionSpec{}, "", {});
  ASSERT_TRUE(table.ok());
  constexpr int kCommitsEach = 8;
  std::atomic<int> retried{0};
  auto run = [&](Catalog& catalog, int64_t first_id) {
    for (int i = 0; i < kCommitsEach; ++i) {
      auto current = catalog.LoadTable(Id("db.t"));
      ASSERT_TRUE(current.ok());
      iceberg::AppendOptions options;
      options.max_retries = 50;
      options.min_retry_wait_ms = 1;
      options.max_retry_wait_ms = 20;
      auto appended = AppendFiles(catalog, *current,
                                  WriteRows(catalog, *current, first_id + i * 10, 2), options);
      ASSERT_TRUE(appended.ok()) << appended.status().ToString();
      retried += appended->attempts - 1;
    }
  };
  std::thread a([&] { run(*writer_a, 0); });
  std::thread b([&] { run(*writer_b, 1000); });
  a.join();
  b.join();
  auto final_table = writer_a->LoadTable(Id("db.t"));
  ASSERT_TRUE(final_table.ok());
  EXPECT_EQ(final_table->metadata.snapshots.size(), size_t{2 * kCommitsEach});
  EXPECT_EQ(final_table->metadata.CurrentSnapshot()->summary.at("total-records"),
            std::to_string(2 * 2 * kCommitsEach));
  // Every snapshot's parent is the one before it: no commit was lost or forked.
  int64_t chain = 0;
  for (const iceberg::Snapshot* s = final_table->metadata.CurrentSnapshot(); s != nullptr;
       s = s->parent_snapshot_id ? final_table->metadata.SnapshotById(*s->parent_snapshot_id)
                                 : nullptr) {
    ++chain;
  }
  EXPECT_EQ(chain, 2 * kCommitsEach);
  std::cout << "conflicts retried: " << retried.load() << "\n";
}

TEST_F(CatalogServerTest, StaleBaseIsCommitFailed) {
  auto catalog = Open();
  ASSERT_NE(catalog, nullptr);
  ASSERT_TRUE(catalog->CreateNamespace(Ns("db"), {}).ok());
  auto base = catalog->CreateTable(Id("db.t"), TestSchema(), PartitionSpec{}, "", {});
  ASSERT_TRUE(base.ok());
  auto moved = AppendFiles(*catalog, *base, WriteRows(*catalog, *base, 0, 1));
  ASSERT_TRUE(moved.ok());
  // A commit on the old base: assert-ref-snapshot-id fails on the server → 409.
  iceberg::TableMetadata updated = base->metadata;
  iceberg::Snapshot snapshot = moved->table.metadata.snapshots.front();
  snapshot.snapshot_id += 1;
  updated.snapshots.push_back(snapshot);
  updated.current_snapshot_id = snapshot.snapshot_id;
  updated.refs["main"] = iceberg::SnapshotRef{snapshot.snapshot_id, "branch", {}, {}, {}};
  auto stale = catalog->CommitTable(*base, updated);
  EXPECT_TRUE(stale.status().IsCommitFailed()) << stale.status().ToString();
  // A property change on the stale base has no snapshot requirement and lands.
  iceberg::TableMetadata props = base->metadata;
  props.properties["k"] = "v";
  auto landed = catalog->CommitTable(*base, props);
  ASSERT_TRUE(landed.ok()) << landed.status().ToString();
  EXPECT_EQ(landed->metadata.current_snapshot_id, moved->snapshot_id);
  EXPECT_EQ(landed->metadata.properties.at("k"), "v");
}

TEST_F(CatalogServerTest, TokensAreRefreshedAndSecretsStayOutOfErrors) {
  StopServer();
  StartServer(1);  // tokens live one second
  auto catalog = Open();
  ASSERT_NE(catalog, nullptr);
  ASSERT_TRUE(catalog->CreateNamespace(Ns("db"), {}).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_TRUE(catalog->LoadNamespaceProperties(Ns("db")).ok());

  auto properties = Properties();
  properties["credential"] = "admin:wrong-secret-xyz";
  auto refused = iceberg::OpenRestCatalog(properties);
  EXPECT_EQ(refused.status().kind(), ErrorKind::kUnauthorized) << refused.status().ToString();
  EXPECT_EQ(refused.status().message().find("wrong-secret-xyz"), std::string::npos);

  properties = Properties();
  properties.erase("credential");
  properties["token"] = "forged";
  auto forged = iceberg::OpenRestCatalog(properties);
  EXPECT_EQ(forged.status().kind(), ErrorKind::kUnauthorized);

  properties = Properties();
  properties.erase("uri");
  EXPECT_EQ(iceberg::OpenRestCatalog(properties).status().kind(), ErrorKind::kInvalidArgument);
  properties = Properties();
  properties["warehouse"] = "nope";
  EXPECT_TRUE(iceberg::OpenRestCatalog(properties).status().IsNotFound());
}

TEST_F(CatalogServerTest, UnreachableServer) {
  auto catalog = Open();
  ASSERT_NE(catalog, nullptr);
  ASSERT_TRUE(catalog->CreateNamespace(Ns("db"), {}).ok());
  auto table = catalog->CreateTable(Id("db.t"), TestSchema(), PartitionSpec{}, "", {});
  ASSERT_TRUE(table.ok());
  StopServer();
  auto load = catalog->LoadTable(Id("db.t"));
  EXPECT_EQ(load.status().kind(), ErrorKind::kIoError) << load.status().ToString();
  // Nothing listens: the commit certainly never arrived, so this is not "unknown".
  iceberg::TableMetadata updated = table->metadata;
  updated.properties["k"] = "v";
  auto commit = catalog->CommitTable(*table, updated);
  EXPECT_EQ(commit.status().kind(), ErrorKind::kIoError) << commit.status().ToString();
}

}  // namespace
}  // namespace floe::catalog_server
