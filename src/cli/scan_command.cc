#include "cli/scan_command.h"

#include <charconv>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "cli/table_commands.h"
#include "format/json/row_encoder.h"
#include "format/json/temporal.h"
#include "iceberg/catalog/catalog.h"
#include "iceberg/metadata_tables.h"
#include "iceberg/rest/rest_catalog.h"
#include "iceberg/table_metadata_json.h"
#include "stream/json_fields.h"
#include "stream/source/table_reader.h"

namespace floe::cli {

namespace {

constexpr int kExitError = 1;
constexpr int kExitUsage = 2;

using Row = nlohmann::ordered_json;

/// Where a table comes from, and how rows are printed.
struct SourceOptions {
  std::string table;
  std::string catalog_type = "sql";
  std::vector<std::string> catalog_properties;
  std::string metadata_location;  // read this metadata file instead of asking a catalog
  std::string format = "table";
};

struct LoadedSource {
  std::shared_ptr<io::FileIO> io;
  iceberg::TableMetadata metadata;
};

Result<LoadedSource> LoadSource(const SourceOptions& options, const std::string& warehouse_flag) {
  FLOE_ASSIGN_OR_RAISE(auto properties, ParseProperties(options.catalog_properties));
  if (!options.metadata_location.empty()) {
    FLOE_ASSIGN_OR_RAISE(auto io, io::MakeFileIO(options.metadata_location, properties));
    FLOE_ASSIGN_OR_RAISE(std::string text, io->ReadFile(options.metadata_location));
    FLOE_ASSIGN_OR_RAISE(iceberg::TableMetadata metadata,
                         iceberg::TableMetadataFromJsonText(text, options.metadata_location));
    return LoadedSource{std::move(io), std::move(metadata)};
  }
  if (options.table.empty()) return InvalidArgument("name a table (NS.TABLE) or give --metadata");
  Result<std::shared_ptr<iceberg::Catalog>> catalog = std::shared_ptr<iceberg::Catalog>();
  const std::string warehouse = ResolveWarehouse(warehouse_flag);
  if (options.catalog_type == "sql") {
    catalog = iceberg::OpenWarehouseCatalog(warehouse, properties);
  } else if (options.catalog_type == "hadoop") {
    catalog = iceberg::OpenHadoopCatalog(warehouse);
  } else if (options.catalog_type == "rest") {
    catalog = iceberg::OpenRestCatalog(properties);
  } else {
    return InvalidArgument("--catalog: '{}' is not one of sql, hadoop, rest", options.catalog_type);
  }
  if (!catalog.ok()) return catalog.status();
  FLOE_ASSIGN_OR_RAISE(iceberg::TableIdentifier id, iceberg::TableIdentifier::Parse(options.table));
  FLOE_ASSIGN_OR_RAISE(iceberg::LoadedTable table, (*catalog)->LoadTable(id));
  return LoadedSource{(*catalog)->file_io(), std::move(table.metadata)};
}

/// The text of a value in a CSV or table cell: strings as they are, null as `null_text`,
/// anything else as its JSON.
std::string CellText(const Row& value, const char* null_text) {
  if (value.is_null()) return null_text;
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

/// Prints rows in --format table, jsonl or csv. JSON lines go out as they come; the other two
/// need the column names first (and the table every width), so they keep rows until Finish().
class RowPrinter {
 public:
  RowPrinter(std::string format, std::vector<std::string> columns, std::ostream& out)
      : format_(std::move(format)), columns_(std::move(columns)), out_(out) {}

  static Status CheckFormat(const std::string& format) {
    if (format == "table" || format == "jsonl" || format == "csv") return Status::Ok();
    return InvalidArgument("--format: '{}' is not one of table, jsonl, csv", format);
  }

  /// A row as one JSON line (JSON lines are printed exactly so; the others re-read it).
  void AddJsonLine(std::string_view line) {
    if (format_ == "jsonl") {
      out_ << line << '\n';
      return;
    }
    Add(Row::parse(line));
  }

  void Add(const Row& row) {
    if (format_ == "jsonl") {
      out_ << row.dump() << '\n';
      return;
    }
    std::vector<std::string> cells;
    for (const std::string& column : columns_) {
      auto it = row.find(column);
      cells.push_back(CellText(it == row.end() ? Row() : *it, format_ == "csv" ? "" : "null"));
    }
    if (format_ == "csv") {
      if (!header_written_) {
        PrintCsvLine(columns_);
        header_written_ = true;
      }
      PrintCsvLine(cells);
      return;
    }
    rows_.push_back(std::move(cells));
  }

  void Finish() {
    if (format_ == "csv" && !header_written_) PrintCsvLine(columns_);
    if (format_ != "table") return;
    std::vector<size_t> widths;
    for (const std::string& column : columns_) widths.push_back(column.size());
    for (const auto& row : rows_) {
      for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
    }
    auto print = [&](const std::vector<std::string>& cells) {
      std::string line;
      for (size_t i = 0; i < cells.size(); ++i) {
        if (i > 0) line += " | ";
        line += cells[i];
        if (i + 1 < cells.size()) line.append(widths[i] - cells[i].size(), ' ');
      }
      out_ << line << '\n';
    };
    print(columns_);
    std::vector<std::string> rule;
    for (size_t width : widths) rule.emplace_back(width, '-');
    print(rule);
    for (const auto& row : rows_) print(row);
    out_ << "(" << rows_.size() << (rows_.size() == 1 ? " row" : " rows") << ")\n";
  }

 private:
  void PrintCsvLine(const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) out_ << ',';
      out_ << CsvField(cells[i]);
    }
    out_ << '\n';
  }

  std::string format_;
  std::vector<std::string> columns_;
  std::ostream& out_;
  bool header_written_ = false;
  std::vector<std::vector<std::string>> rows_;
};

/// --as-of: an ISO-8601 timestamp (UTC unless it carries an offset) or milliseconds since the
/// epoch.
Result<int64_t> ParseAsOf(const std::string& text) {
  int64_t millis = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), millis);
  if (error == std::errc() && end == text.data() + text.size()) return millis;
  auto micros = json::ParseTimestamp(text, json::TimeUnit::kMicros, json::ZoneRule::kOptional);
  if (!micros.ok()) {
    return InvalidArgument(
        "--as-of: '{}' is neither an ISO-8601 timestamp nor milliseconds "
        "since the epoch ({})",
        text, micros.status().message());
  }
  // Floor to the millisecond: a snapshot committed at .123 is current at .123999.
  return *micros >= 0 ? *micros / 1000 : -((-*micros + 999) / 1000);
}

struct ScanArguments {
  SourceOptions source;
  std::string where;
  std::string columns;
  std::optional<int64_t> limit;
  std::optional<int64_t> snapshot_id;
  std::string as_of;
};

Status RunScan(const ScanArguments& args, const std::string& warehouse, std::ostream& out) {
  FLOE_RETURN_IF_ERROR(RowPrinter::CheckFormat(args.source.format));
  stream::TableReadOptions options;
  options.where = args.where;
  options.limit = args.limit;
  options.snapshot_id = args.snapshot_id;
  if (!args.as_of.empty()) {
    if (args.snapshot_id) return InvalidArgument("give --snapshot or --as-of, not both");
    FLOE_ASSIGN_OR_RAISE(options.as_of_ms, ParseAsOf(args.as_of));
  }
  for (size_t start = 0; !args.columns.empty() && start <= args.columns.size();) {
    size_t comma = args.columns.find(',', start);
    if (comma == std::string::npos) comma = args.columns.size();
    std::string name = args.columns.substr(start, comma - start);
    if (name.empty()) return InvalidArgument("--columns: empty column name in '{}'", args.columns);
    options.columns.push_back(std::move(name));
    start = comma + 1;
  }
  FLOE_ASSIGN_OR_RAISE(LoadedSource source, LoadSource(args.source, warehouse));
  FLOE_ASSIGN_OR_RAISE(auto reader, stream::TableReader::Open(source.io, source.metadata, options));
  FLOE_ASSIGN_OR_RAISE(std::vector<json::FieldSpec> fields,
                       stream::JsonFieldsFor(reader->output_schema()));
  std::vector<std::string> names;
  for (const json::FieldSpec& field : fields) names.push_back(field.name);
  FLOE_ASSIGN_OR_RAISE(json::RowEncoder encoder, json::RowEncoder::Make(std::move(fields)));
  RowPrinter printer(args.source.format, std::move(names), out);
  std::string lines;
  FLOE_RETURN_IF_ERROR(reader->Read(
      [&](const std::vector<const ColumnVector*>& columns, Selection selection) -> Status {
        lines.clear();
        FLOE_RETURN_IF_ERROR(encoder.EncodeLines(columns, selection, &lines));
        for (size_t start = 0; start < lines.size();) {
          const size_t end = lines.find('\n', start);
          printer.AddJsonLine(std::string_view(lines).substr(start, end - start));
          start = end + 1;
        }
        return Status::Ok();
      }));
  printer.Finish();
  return Status::Ok();
}

enum class MetadataTable { kSnapshots, kFiles, kPartitions };

Status RunMetadataTable(MetadataTable table, const SourceOptions& source_options,
                        std::optional<int64_t> snapshot_id, const std::string& warehouse,
                        std::ostream& out) {
  FLOE_RETURN_IF_ERROR(RowPrinter::CheckFormat(source_options.format));
  FLOE_ASSIGN_OR_RAISE(LoadedSource source, LoadSource(source_options, warehouse));
  std::vector<iceberg::MetadataRow> rows;
  if (table == MetadataTable::kSnapshots) {
    rows = iceberg::SnapshotsTable(source.metadata);
  } else if (table == MetadataTable::kFiles) {
    FLOE_ASSIGN_OR_RAISE(rows, iceberg::FilesTable(*source.io, source.metadata, snapshot_id));
  } else {
    FLOE_ASSIGN_OR_RAISE(rows, iceberg::PartitionsTable(*source.io, source.metadata, snapshot_id));
  }
  static const std::vector<std::string> kSnapshotColumns = {
      "committed_at", "snapshot_id", "parent_id", "operation", "manifest_list", "summary"};
  static const std::vector<std::string> kFileColumns = {
      "content", "file_path", "file_format", "partition", "record_count", "file_size_in_bytes"};
  static const std::vector<std::string> kPartitionColumns = {"partition",
                                                             "spec_id",
                                                             "record_count",
                                                             "file_count",
                                                             "total_data_file_size_in_bytes",
                                                             "position_delete_record_count",
                                                             "equality_delete_record_count"};
  // The table format shows the main columns; CSV and JSON lines carry them all.
  std::vector<std::string> columns = table == MetadataTable::kSnapshots ? kSnapshotColumns
                                     : table == MetadataTable::kFiles   ? kFileColumns
                                                                        : kPartitionColumns;
  if (source_options.format == "csv" && !rows.empty()) {
    columns.clear();
    for (const auto& [key, value] : rows.front().items()) columns.push_back(key);
  }
  RowPrinter printer(source_options.format, std::move(columns), out);
  for (const iceberg::MetadataRow& row : rows) printer.Add(row);
  printer.Finish();
  return Status::Ok();
}

int ExitCodeFor(const Status& status, Logger* logger) {
  if (status.ok()) return 0;
  logger->Error(status);
  return status.kind() == ErrorKind::kInvalidArgument ? kExitUsage : kExitError;
}

void AddSourceOptions(CLI::App* command, SourceOptions* source) {
  command->add_option("TABLE", source->table, "NAMESPACE.TABLE");
  command->add_option("--format", source->format, "table, jsonl or csv")->capture_default_str();
  command
      ->add_option("--catalog", source->catalog_type,
                   "sql (the embedded warehouse), hadoop (--warehouse is its folder) or rest")
      ->capture_default_str();
  command
      ->add_option("--catalog-property", source->catalog_properties,
                   "Catalog or storage property key=value (repeatable): uri, credential, "
                   "warehouse, s3.endpoint, ...")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  command->add_option("--metadata", source->metadata_location,
                      "Read the table from this metadata file instead of a catalog");
}

}  // namespace

/// Registers the secret values of --catalog-property with the logger before anything runs.
void LearnSecrets(const SourceOptions& source, Logger* logger) {
  auto properties = ParseProperties(source.catalog_properties);
  if (properties.ok()) logger->AddSecretsFrom(*properties);
}

void AddScanCommands(CLI::App* table_cmd, const std::string* warehouse, int* exit_code,
                     Logger* logger) {
  auto scan_args = std::make_shared<ScanArguments>();
  CLI::App* scan = table_cmd->add_subcommand(
      "scan", "Print a table's rows (deletes applied), optionally filtered, at a snapshot");
  AddSourceOptions(scan, &scan_args->source);
  scan->add_option("--where", scan_args->where,
                   "Filter in the job expression language, e.g. \"ts >= '2025-09-11' AND "
                   "kind = 'a'\"");
  scan->add_option("--columns", scan_args->columns, "Columns to print, comma-separated");
  auto limit = std::make_shared<int64_t>(0);
  auto snapshot_value = std::make_shared<int64_t>(0);
  CLI::Option* limit_option = scan->add_option("--limit", *limit, "Print at most N rows");
  CLI::Option* snapshot = scan->add_option("--snapshot", *snapshot_value, "Snapshot id to read");
  scan->add_option("--as-of", scan_args->as_of,
                   "Read the snapshot current at this time (ISO-8601, or ms since the epoch)")
      ->excludes(snapshot);
  scan->callback([=] {
    if (limit_option->count() > 0) scan_args->limit = *limit;
    if (snapshot->count() > 0) scan_args->snapshot_id = *snapshot_value;
    LearnSecrets(scan_args->source, logger);
    *exit_code = ExitCodeFor(RunScan(*scan_args, *warehouse, std::cout), logger);
  });

  const std::pair<const char*, MetadataTable> tables[] = {
      {"snapshots", MetadataTable::kSnapshots},
      {"files", MetadataTable::kFiles},
      {"partitions", MetadataTable::kPartitions}};
  const char* descriptions[] = {
      "List a table's snapshots (Iceberg's snapshots metadata table)",
      "List the live data and delete files of a snapshot (Iceberg's files metadata table)",
      "Sum rows, files and deletes per partition (Iceberg's partitions metadata table)"};
  for (size_t i = 0; i < 3; ++i) {
    auto source = std::make_shared<SourceOptions>();
    auto snapshot_value = std::make_shared<int64_t>(0);
    CLI::App* command = table_cmd->add_subcommand(tables[i].first, descriptions[i]);
    AddSourceOptions(command, source.get());
    CLI::Option* snapshot_option = nullptr;
    if (tables[i].second != MetadataTable::kSnapshots) {
      snapshot_option =
          command->add_option("--snapshot", *snapshot_value, "Snapshot id (default: current)");
    }
    const MetadataTable table = tables[i].second;
    command->callback([=] {
      std::optional<int64_t> snapshot_id;
      if (snapshot_option != nullptr && snapshot_option->count() > 0) snapshot_id = *snapshot_value;
      LearnSecrets(*source, logger);
      *exit_code =
          ExitCodeFor(RunMetadataTable(table, *source, snapshot_id, *warehouse, std::cout), logger);
    });
  }
}

}  // namespace floe::cli
