#include "cli/table_commands.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/command.h"
#include "cli/row_reader.h"
#include "iceberg/catalog/append_files.h"
#include "iceberg/partitioned_writer.h"
#include "iceberg/schema_json.h"
#include "iceberg/table_metadata_json.h"

namespace floe::cli {

namespace {

std::string FormatMillis(int64_t millis) {
  std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%S", &utc);
  return fmt::format("{}.{:03d}Z", buffer, static_cast<int>(millis % 1000));
}

std::string SummaryValue(const iceberg::Snapshot& snapshot, const std::string& key) {
  auto it = snapshot.summary.find(key);
  return it == snapshot.summary.end() ? "-" : it->second;
}

Result<iceberg::LoadedTable> LoadTable(iceberg::Catalog& catalog, const std::string& name) {
  FLOE_ASSIGN_OR_RAISE(iceberg::TableIdentifier id, iceberg::TableIdentifier::Parse(name));
  return catalog.LoadTable(id);
}

}  // namespace

std::string ResolveWarehouse(const std::string& flag_value) {
  if (!flag_value.empty()) return flag_value;
  const char* env = std::getenv("WAREHOUSE");
  if (env != nullptr && *env != '\0') return env;
  return "./warehouse";
}

Result<std::map<std::string, std::string>> ParseProperties(const std::vector<std::string>& args) {
  std::map<std::string, std::string> properties;
  for (const std::string& arg : args) {
    size_t eq = arg.find('=');
    if (eq == std::string::npos || eq == 0) {
      return InvalidArgument("--property '{}': expected key=value", arg);
    }
    properties[arg.substr(0, eq)] = arg.substr(eq + 1);
  }
  return properties;
}

Result<std::string> ReadArgumentText(const std::string& value) {
  if (value.empty() || value[0] != '@') return value;
  std::string path = value.substr(1);
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("cannot read {}: {}", path, std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Status CreateNamespace(iceberg::Catalog& catalog, const std::string& ns,
                       const std::vector<std::string>& properties, std::ostream& out) {
  FLOE_ASSIGN_OR_RAISE(iceberg::Namespace parsed, iceberg::Namespace::Parse(ns));
  FLOE_ASSIGN_OR_RAISE(auto props, ParseProperties(properties));
  FLOE_RETURN_IF_ERROR(catalog.CreateNamespace(parsed, props));
  out << "created namespace " << parsed.ToString() << "\n";
  return Status::Ok();
}

Status ListNamespaces(iceberg::Catalog& catalog, std::ostream& out) {
  FLOE_ASSIGN_OR_RAISE(auto namespaces, catalog.ListNamespaces());
  for (const iceberg::Namespace& ns : namespaces) out << ns.ToString() << "\n";
  return Status::Ok();
}

Status CreateTable(iceberg::Catalog& catalog, const std::string& table, const std::string& schema,
                   const std::string& partition_by, const std::vector<std::string>& properties,
                   std::ostream& out) {
  FLOE_ASSIGN_OR_RAISE(iceberg::TableIdentifier id, iceberg::TableIdentifier::Parse(table));
  FLOE_ASSIGN_OR_RAISE(std::string schema_text, ReadArgumentText(schema));
  std::string schema_source = schema.starts_with("@") ? schema.substr(1) : "--schema";
  FLOE_ASSIGN_OR_RAISE(iceberg::Schema parsed,
                       iceberg::SchemaFromJsonText(schema_text, schema_source));
  iceberg::PartitionSpec spec;
  if (!partition_by.empty()) {
    FLOE_ASSIGN_OR_RAISE(spec, iceberg::ParsePartitionBy(partition_by, parsed));
  }
  FLOE_ASSIGN_OR_RAISE(auto props, ParseProperties(properties));
  FLOE_RETURN_IF_ERROR(iceberg::ValidateWriteProperties(props));
  FLOE_ASSIGN_OR_RAISE(iceberg::LoadedTable created,
                       catalog.CreateTable(id, parsed, spec, "", props));
  out << "created table " << id.ToString() << " at " << created.metadata.location << "\n";
  return Status::Ok();
}

Status AppendRows(iceberg::Catalog& catalog, const std::string& table, const std::string& rows_path,
                  std::ostream& out) {
  FLOE_ASSIGN_OR_RAISE(iceberg::LoadedTable loaded, LoadTable(catalog, table));
  const iceberg::Schema* schema = loaded.metadata.CurrentSchema();
  if (schema == nullptr) return Corrupt("{}: no current schema", loaded.metadata_location);
  FLOE_ASSIGN_OR_RAISE(auto writer,
                       iceberg::PartitionedWriter::Make(catalog.file_io(), loaded.metadata));
  FLOE_ASSIGN_OR_RAISE(auto reader, RowReader::Open(rows_path, *schema));
  Status status;
  while (true) {
    auto batch = reader->Next();
    if (!batch.ok()) {
      status = batch.status();
      break;
    }
    if (*batch == nullptr) break;
    std::vector<const ColumnVector*> columns;
    for (const ColumnVector& column : (*batch)->columns) columns.push_back(&column);
    status = writer->Write(columns, Selection::All((*batch)->num_rows()));
    if (!status.ok()) break;
  }
  if (!status.ok()) {
    (void)writer->Abort();
    return status;
  }
  if (writer->rows_written() == 0) {
    out << "no rows in " << rows_path << ": nothing to append\n";
    return Status::Ok();
  }
  auto files = writer->Finish();
  if (!files.ok()) return files.status();
  auto appended = iceberg::AppendFiles(catalog, loaded, *files);
  if (!appended.ok()) {
    // The commit did not land (an unknown outcome was resolved inside AppendFiles): the data
    // files are orphans, never referenced. Remove them.
    for (const iceberg::DataFile& file : *files)
      (void)catalog.file_io()->DeleteFile(file.file_path);
    return appended.status();
  }
  const iceberg::Snapshot* snapshot = appended->table.metadata.CurrentSnapshot();
  out << fmt::format("appended {} rows in {} files to {}: snapshot {} (sequence {})\n",
                     writer->rows_written(), files->size(), loaded.identifier.ToString(),
                     appended->snapshot_id, snapshot ? snapshot->sequence_number : 0);
  return Status::Ok();
}

Status DescribeTable(iceberg::Catalog& catalog, const std::string& table, bool json,
                     std::ostream& out) {
  FLOE_ASSIGN_OR_RAISE(iceberg::LoadedTable loaded, LoadTable(catalog, table));
  const iceberg::TableMetadata& metadata = loaded.metadata;
  if (json) {
    nlohmann::json doc;
    doc["metadata-location"] = loaded.metadata_location;
    doc["metadata"] = iceberg::TableMetadataToJson(metadata);
    out << doc.dump(2) << "\n";
    return Status::Ok();
  }
  out << "table " << loaded.identifier.ToString() << "\n";
  out << "  location           " << metadata.location << "\n";
  out << "  metadata           " << loaded.metadata_location << "\n";
  out << "  format version     " << metadata.format_version << "\n";
  out << "  uuid               " << metadata.table_uuid << "\n";
  out << "  last updated       " << FormatMillis(metadata.last_updated_ms) << "\n";
  if (const iceberg::Schema* schema = metadata.CurrentSchema()) {
    out << "schema " << schema->schema_id() << "\n";
    for (const iceberg::NestedField& field : schema->fields()) {
      out << fmt::format("  {:>4}  {:<24} {:<16} {}\n", field.id, field.name,
                         field.type->ToString(), field.required ? "required" : "optional");
    }
  }
  if (const iceberg::PartitionSpec* spec = metadata.DefaultSpec()) {
    out << "partition spec " << spec->spec_id
        << (spec->is_unpartitioned() ? " (unpartitioned)" : "") << "\n";
    for (const iceberg::PartitionField& field : spec->fields) {
      out << fmt::format("  {:>4}  {:<24} {}({})\n", field.field_id, field.name,
                         field.transform.ToString(), field.source_id);
    }
  }
  if (!metadata.properties.empty()) {
    out << "properties\n";
    for (const auto& [key, value] : metadata.properties) out << "  " << key << "=" << value << "\n";
  }
  if (const iceberg::Snapshot* snapshot = metadata.CurrentSnapshot()) {
    out << "current snapshot " << snapshot->snapshot_id << " (sequence "
        << snapshot->sequence_number << ", " << FormatMillis(snapshot->timestamp_ms) << ")\n";
    out << "  total records      " << SummaryValue(*snapshot, "total-records") << "\n";
    out << "  total data files   " << SummaryValue(*snapshot, "total-data-files") << "\n";
    out << "  total size         " << SummaryValue(*snapshot, "total-files-size") << " bytes\n";
  } else {
    out << "no snapshot yet (empty table)\n";
  }
  out << "snapshots          " << metadata.snapshots.size() << "\n";
  return Status::Ok();
}

Status TableHistory(iceberg::Catalog& catalog, const std::string& table, std::ostream& out) {
  FLOE_ASSIGN_OR_RAISE(iceberg::LoadedTable loaded, LoadTable(catalog, table));
  out << fmt::format("{:<20} {:<20} {:>8} {:<24} {:<10} {:>14} {:>14}\n", "snapshot", "parent",
                     "sequence", "committed", "operation", "added-records", "total-records");
  for (const iceberg::Snapshot& snapshot : loaded.metadata.snapshots) {
    out << fmt::format(
        "{:<20} {:<20} {:>8} {:<24} {:<10} {:>14} {:>14}{}\n", snapshot.snapshot_id,
        snapshot.parent_snapshot_id ? std::to_string(*snapshot.parent_snapshot_id) : "-",
        snapshot.sequence_number, FormatMillis(snapshot.timestamp_ms),
        SummaryValue(snapshot, "operation"), SummaryValue(snapshot, "added-records"),
        SummaryValue(snapshot, "total-records"),
        loaded.metadata.current_snapshot_id == snapshot.snapshot_id ? "  (current)" : "");
  }
  return Status::Ok();
}

Status ListTables(iceberg::Catalog& catalog, const std::string& ns, std::ostream& out) {
  FLOE_ASSIGN_OR_RAISE(iceberg::Namespace parsed, iceberg::Namespace::Parse(ns));
  FLOE_ASSIGN_OR_RAISE(auto tables, catalog.ListTables(parsed));
  for (const iceberg::TableIdentifier& id : tables) out << id.ToString() << "\n";
  return Status::Ok();
}

namespace {

/// Runs a command against the warehouse catalog; returns the exit code, printing the error if
/// any.
template <typename Fn>
int RunWithCatalog(const std::string& warehouse_flag, Fn&& command) {
  std::string warehouse = ResolveWarehouse(warehouse_flag);
  auto catalog = iceberg::OpenWarehouseCatalog(warehouse);
  Status status = catalog.ok() ? command(**catalog) : catalog.status();
  return status.ok() ? kExitOk : PrintError(std::cerr, status);
}

/// The arguments of `floe namespace ...`, owned by the callbacks that read them.
struct NamespaceArgs {
  std::string name;
  std::vector<std::string> properties;
};

/// The arguments of `floe table ...` (only one subcommand runs, so they share one set).
struct TableArgs {
  std::string table;
  std::string schema;
  std::string partition_by;
  std::vector<std::string> properties;
  std::string rows_path;
  bool describe_json = false;
  std::string list_namespace;
};

void AddTableCreate(CLI::App& table_cmd, CommandContext& context,
                    const std::shared_ptr<TableArgs>& args) {
  CLI::App* create = table_cmd.add_subcommand("create", "Create a table");
  create->add_option("TABLE", args->table, "NAMESPACE.TABLE")->required();
  create
      ->add_option("--schema", args->schema,
                   "Iceberg schema JSON, inline or @file "
                   "({\"type\":\"struct\",\"fields\":[{\"id\":1,\"name\":...}]})")
      ->required();
  create->add_option("--partition-by", args->partition_by,
                     "Partition transforms, e.g. 'day(ts),bucket(16,id),truncate(4,name),"
                     "identity(kind)'");
  AddRepeatedOption(*create, "--property", args->properties,
                    "Table property key=value (repeatable), e.g. "
                    "write.parquet.compression-codec=snappy, format-version=2");
  create->callback([&context, args] {
    context.exit_code = RunWithCatalog(context.warehouse, [&](iceberg::Catalog& catalog) {
      return CreateTable(catalog, args->table, args->schema, args->partition_by, args->properties,
                         std::cout);
    });
  });
}

void AddTableReads(CLI::App& table_cmd, CommandContext& context,
                   const std::shared_ptr<TableArgs>& args) {
  CLI::App* describe = table_cmd.add_subcommand("describe",
                                                "Show a table's schema, spec, "
                                                "properties and current snapshot");
  describe->add_option("TABLE", args->table, "NAMESPACE.TABLE")->required();
  describe->add_flag("--json", args->describe_json,
                     "Print {\"metadata-location\": ..., \"metadata\": {...}}");
  describe->callback([&context, args] {
    context.exit_code = RunWithCatalog(context.warehouse, [&](iceberg::Catalog& catalog) {
      return DescribeTable(catalog, args->table, args->describe_json, std::cout);
    });
  });

  CLI::App* history = table_cmd.add_subcommand("history", "List a table's snapshots");
  history->add_option("TABLE", args->table, "NAMESPACE.TABLE")->required();
  history->callback([&context, args] {
    context.exit_code = RunWithCatalog(context.warehouse, [&](iceberg::Catalog& catalog) {
      return TableHistory(catalog, args->table, std::cout);
    });
  });

  CLI::App* list = table_cmd.add_subcommand("list", "List the tables of a namespace");
  list->add_option("NAMESPACE", args->list_namespace, "Namespace")->required();
  list->callback([&context, args] {
    context.exit_code = RunWithCatalog(context.warehouse, [&](iceberg::Catalog& catalog) {
      return ListTables(catalog, args->list_namespace, std::cout);
    });
  });
}

}  // namespace

void RegisterNamespaceCommands(CLI::App& app, CommandContext& context) {
  auto args = std::make_shared<NamespaceArgs>();
  CLI::App* ns_cmd = app.add_subcommand("namespace", "Create and list namespaces");
  ns_cmd->require_subcommand(1);
  CLI::App* create = ns_cmd->add_subcommand("create", "Create a namespace");
  create->add_option("NAMESPACE", args->name, "Namespace, e.g. raw_messages or a.b")->required();
  AddRepeatedOption(*create, "--property", args->properties,
                    "Namespace property key=value (repeatable)");
  create->callback([&context, args] {
    context.exit_code = RunWithCatalog(context.warehouse, [&](iceberg::Catalog& catalog) {
      return CreateNamespace(catalog, args->name, args->properties, std::cout);
    });
  });
  CLI::App* list = ns_cmd->add_subcommand("list", "List namespaces");
  list->callback([&context] {
    context.exit_code = RunWithCatalog(context.warehouse, [&](iceberg::Catalog& catalog) {
      return ListNamespaces(catalog, std::cout);
    });
  });
}

void RegisterTableCommands(CLI::App& app, CommandContext& context) {
  auto args = std::make_shared<TableArgs>();
  CLI::App* table_cmd = app.add_subcommand("table", "Create, append to and inspect tables");
  table_cmd->require_subcommand(1);
  AddTableCreate(*table_cmd, context, args);

  CLI::App* append = table_cmd->add_subcommand(
      "append", "Append JSON lines as one new snapshot (all rows or none)");
  append->add_option("TABLE", args->table, "NAMESPACE.TABLE")->required();
  append
      ->add_option("--rows", args->rows_path, "JSON lines file, one object per row ('-' for stdin)")
      ->required();
  append->callback([&context, args] {
    context.exit_code = RunWithCatalog(context.warehouse, [&](iceberg::Catalog& catalog) {
      return AppendRows(catalog, args->table, args->rows_path, std::cout);
    });
  });

  AddTableReads(*table_cmd, context, args);
}

}  // namespace floe::cli
