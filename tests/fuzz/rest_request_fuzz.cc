// Fuzz target for what `floe catalog serve` parses from the network: every REST request body
// parser, the token form, bearer tokens, and the commit path (requirements checked and updates
// applied to a table). Built as a libFuzzer target with clang (-DFLOE_FUZZ=ON, see
// tests/fuzz/README.md), and otherwise as a driver that replays a corpus (ctest
// fuzz.rest_request_replay). Any input may be refused; none may crash, hang or leak.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "catalog_server/token_issuer.h"
#include "iceberg/rest/rest_messages.h"
#include "iceberg/table_metadata.h"
#include "iceberg/table_metadata_json.h"

namespace {

using namespace floe;
using namespace floe::iceberg;

const TableMetadata& BaseTable() {
  static const TableMetadata table = [] {
    Schema schema(0, {NestedField{1, "id", true, Type::Primitive(TypeId::kLong), ""},
                      NestedField{2, "ts", false, Type::Primitive(TypeId::kTimestampTz), ""}});
    TableMetadata metadata = *NewTableMetadata(schema, PartitionSpec{}, "/tmp/fuzz/t", {});
    Snapshot snapshot;
    snapshot.snapshot_id = 1;
    snapshot.sequence_number = 1;
    snapshot.timestamp_ms = 1;
    snapshot.manifest_list = "/tmp/fuzz/t/metadata/snap-1.avro";
    snapshot.summary = {{"operation", "append"}};
    metadata.snapshots.push_back(snapshot);
    metadata.current_snapshot_id = 1;
    metadata.last_sequence_number = 1;
    metadata.refs["main"] = SnapshotRef{1, "branch", {}, {}, {}};
    return metadata;
  }();
  return table;
}

void Commit(const rest::CommitTableRequest& request) {
  const TableMetadata& base = BaseTable();
  for (const rest::TableRequirement& requirement : request.requirements) {
    static_cast<void>(requirement.Validate(&base));
    static_cast<void>(requirement.Validate(nullptr));
  }
  rest::TableMetadataEditor editor(base);
  for (const rest::TableUpdate& update : request.updates) {
    if (!editor.Apply(update).ok()) return;
  }
  TableMetadata updated = std::move(editor).Finish();
  // What the server would write must serialize, and diff back into updates.
  static_cast<void>(rest::DumpJson(TableMetadataToJson(updated)));
  static_cast<void>(rest::DiffTableMetadata(base, updated));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  static_cast<void>(rest::ParseCreateNamespaceRequest(text));
  static_cast<void>(rest::ParseUpdateNamespacePropertiesRequest(text));
  static_cast<void>(rest::ParseCreateTableRequest(text));
  static_cast<void>(rest::ParseRenameTableRequest(text));
  static_cast<void>(rest::ParseLoadTableResult(text));
  static_cast<void>(rest::ParseCatalogConfig(text));
  static_cast<void>(rest::ParseTokenResponse(text));
  static_cast<void>(rest::ParseFormBody(text));
  static_cast<void>(rest::NamespaceFromPathSegment(text));
  if (auto commit = rest::ParseCommitTableRequest(text); commit.ok()) Commit(*commit);
  if (auto transaction = rest::ParseCommitTransactionRequest(text); transaction.ok()) {
    for (const rest::CommitTableRequest& change : transaction->table_changes) Commit(change);
  }
  static const catalog_server::TokenIssuer issuer(std::string(32, 'k'));
  static_cast<void>(issuer.Verify(text, 0));
  return 0;
}
