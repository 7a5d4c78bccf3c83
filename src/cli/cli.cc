#include "cli/cli.h"

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/catalog_command.h"
#include "cli/dev_command.h"
#include "cli/gen_command.h"
#include "cli/run_command.h"
#include "cli/storage_commands.h"
#include "cli/table_commands.h"
#include "pipeline/job_loader.h"

namespace floe::cli {

namespace {

constexpr int kExitError = 1;
constexpr int kExitUsage = 2;

/// Runs a command against the warehouse catalog, printing its error if any.
template <typename Fn>
int RunWithCatalog(const std::string& warehouse_flag, Fn&& command) {
  std::string warehouse = ResolveWarehouse(warehouse_flag);
  auto catalog = iceberg::OpenWarehouseCatalog(warehouse);
  Status status = catalog.ok() ? command(**catalog) : catalog.status();
  if (!status.ok()) {
    std::cerr << "floe: error: " << status.message() << " (" << ErrorKindName(status.kind())
              << ")\n";
    return kExitError;
  }
  return 0;
}

}  // namespace

int Main(int argc, char** argv) {
  CLI::App app{"floe: streaming jobs from Kafka into Apache Iceberg tables, exactly once.\n"};
  app.footer(
      "The embedded default keeps tables under a local warehouse folder with an SQLite catalog\n"
      "at WAREHOUSE/catalog.db. Examples:\n"
      "  floe namespace create raw_messages\n"
      "  floe table create raw_messages.events --schema @schema.json --partition-by 'day(ts)'\n"
      "  floe table append raw_messages.events --rows rows.jsonl\n"
      "  floe table describe raw_messages.events\n"
      "  floe gen --count 100000 --match-ratio 0.1 --bad-ratio 0.01 --output messages.jsonl");
  app.require_subcommand(1);
  app.fallthrough();
  std::string warehouse;
  app.add_option(
      "--warehouse", warehouse,
      "Warehouse folder of the embedded catalog (default: $WAREHOUSE, else ./warehouse)");

  int exit_code = 0;

  // floe namespace ...
  CLI::App* ns_cmd = app.add_subcommand("namespace", "Create and list namespaces");
  ns_cmd->require_subcommand(1);
  std::string ns_name;
  std::vector<std::string> ns_properties;
  CLI::App* ns_create = ns_cmd->add_subcommand("create", "Create a namespace");
  ns_create->add_option("NAMESPACE", ns_name, "Namespace, e.g. raw_messages or a.b")->required();
  ns_create->add_option("--property", ns_properties, "Namespace property key=value (repeatable)")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  ns_create->callback([&] {
    exit_code = RunWithCatalog(warehouse, [&](iceberg::Catalog& catalog) {
      return CreateNamespace(catalog, ns_name, ns_properties, std::cout);
    });
  });
  CLI::App* ns_list = ns_cmd->add_subcommand("list", "List namespaces");
  ns_list->callback([&] {
    exit_code = RunWithCatalog(
        warehouse, [&](iceberg::Catalog& catalog) { return ListNamespaces(catalog, std::cout); });
  });

  // floe table ...
  CLI::App* table_cmd = app.add_subcommand("table", "Create, append to and inspect tables");
  table_cmd->require_subcommand(1);
  std::string table_name;
  std::string schema_arg;
  std::string partition_by;
  std::vector<std::string> table_properties;
  CLI::App* create = table_cmd->add_subcommand("create", "Create a table");
  create->add_option("TABLE", table_name, "NAMESPACE.TABLE")->required();
  create
      ->add_option("--schema", schema_arg,
                   "Iceberg schema JSON, inline or @file "
                   "({\"type\":\"struct\",\"fields\":[{\"id\":1,\"name\":...}]})")
      ->required();
  create->add_option("--partition-by", partition_by,
                     "Partition transforms, e.g. 'day(ts),bucket(16,id),truncate(4,name),"
                     "identity(kind)'");
  create
      ->add_option("--property", table_properties,
                   "Table property key=value (repeatable), e.g. "
                   "write.parquet.compression-codec=snappy, format-version=2")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  create->callback([&] {
    exit_code = RunWithCatalog(warehouse, [&](iceberg::Catalog& catalog) {
      return CreateTable(catalog, table_name, schema_arg, partition_by, table_properties,
                         std::cout);
    });
  });

  std::string rows_path;
  CLI::App* append = table_cmd->add_subcommand(
      "append", "Append JSON lines as one new snapshot (all rows or none)");
  append->add_option("TABLE", table_name, "NAMESPACE.TABLE")->required();
  append->add_option("--rows", rows_path, "JSON lines file, one object per row ('-' for stdin)")
      ->required();
  append->callback([&] {
    exit_code = RunWithCatalog(warehouse, [&](iceberg::Catalog& catalog) {
      return AppendRows(catalog, table_name, rows_path, std::cout);
    });
  });

  bool describe_json = false;
  CLI::App* describe = table_cmd->add_subcommand("describe",
                                                 "Show a table's schema, spec, "
                                                 "properties and current snapshot");
  describe->add_option("TABLE", table_name, "NAMESPACE.TABLE")->required();
  describe->add_flag("--json", describe_json,
                     "Print {\"metadata-location\": ..., \"metadata\": {...}}");
  describe->callback([&] {
    exit_code = RunWithCatalog(warehouse, [&](iceberg::Catalog& catalog) {
      return DescribeTable(catalog, table_name, describe_json, std::cout);
    });
  });

  CLI::App* history = table_cmd->add_subcommand("history", "List a table's snapshots");
  history->add_option("TABLE", table_name, "NAMESPACE.TABLE")->required();
  history->callback([&] {
    exit_code = RunWithCatalog(warehouse, [&](iceberg::Catalog& catalog) {
      return TableHistory(catalog, table_name, std::cout);
    });
  });

  std::string list_ns;
  CLI::App* list = table_cmd->add_subcommand("list", "List the tables of a namespace");
  list->add_option("NAMESPACE", list_ns, "Namespace")->required();
  list->callback([&] {
    exit_code = RunWithCatalog(warehouse, [&](iceberg::Catalog& catalog) {
      return ListTables(catalog, list_ns, std::cout);
    });
  });

  // floe storage ...
  CLI::App* storage_cmd = app.add_subcommand("storage", "List and copy files (local or s3://)");
  storage_cmd->require_subcommand(1);
  std::vector<std::string> storage_properties;
  storage_cmd
      ->add_option("--property", storage_properties,
                   "Storage setting key=value (repeatable), e.g. s3.endpoint=http://host:9000; "
                   "unset ones come from S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY or AWS_*")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  std::string storage_prefix;
  CLI::App* storage_ls = storage_cmd->add_subcommand("ls", "List the files below a location");
  storage_ls->add_option("LOCATION", storage_prefix, "e.g. s3://bucket/warehouse")->required();
  StorageCopyOptions copy;
  CLI::App* storage_cp = storage_cmd->add_subcommand("cp", "Copy a file, or a prefix (-r)");
  storage_cp->add_option("SOURCE", copy.source, "File or (with -r) prefix")->required();
  storage_cp->add_option("DESTINATION", copy.destination, "File or (with -r) prefix")->required();
  storage_cp->add_flag("-r,--recursive", copy.recursive,
                       "Copy every file below SOURCE to the same relative path below DESTINATION");
  auto run_storage = [&](auto&& command) {
    auto properties = ParseProperties(storage_properties);
    Status status = properties.ok() ? command(*properties) : properties.status();
    if (!status.ok()) {
      std::cerr << "floe: error: " << status.message() << " (" << ErrorKindName(status.kind())
                << ")\n";
      exit_code = kExitError;
    }
  };
  storage_ls->callback([&] {
    run_storage([&](const std::map<std::string, std::string>& properties) {
      return ListStorage(storage_prefix, properties, std::cout);
    });
  });
  storage_cp->callback([&] {
    run_storage([&](const std::map<std::string, std::string>& properties) {
      copy.properties = properties;
      return CopyStorage(copy, std::cerr);
    });
  });

  // floe gen
  GenOptions gen;
  CLI::App* gen_cmd = app.add_subcommand(
      "gen", "Write seed-like JSON messages for tests (deterministic for a seed)");
  gen_cmd->add_option("--count", gen.count, "Number of lines")->capture_default_str();
  gen_cmd->add_option("--seed", gen.seed, "Seed: the same seed gives byte-identical output")
      ->capture_default_str();
  gen_cmd
      ->add_option("--match-ratio", gen.match_ratio,
                   "Share of bodies containing \"gun\" in some case (the rest never do)")
      ->capture_default_str();
  gen_cmd
      ->add_option("--bad-ratio", gen.bad_ratio,
                   "Share of malformed records: truncated JSON, not an object, invalid UTF-8, "
                   "wrong type, bad timestamp")
      ->capture_default_str();
  gen_cmd
      ->add_option("--late-ratio", gen.late_ratio,
                   "Share of records 1-60 s behind the running event time")
      ->capture_default_str();
  gen_cmd->add_option("--output", gen.output, "Output file, '-' for stdout")->capture_default_str();
  gen_cmd->add_option("--expect-out", gen.expect_out,
                      "Also write the good matching records, exactly as written (what a "
                      "'gun' filter must output)");
  gen_cmd->add_option("--start", gen.start, "Event time of the first record")
      ->capture_default_str();
  gen_cmd
      ->add_option("--rate-per-second", gen.rate_per_second,
                   "Event-time rate: timestamps advance 1/N s per record on average")
      ->capture_default_str();
  gen_cmd->callback([&] {
    Status status = RunGen(gen, std::cerr);
    if (!status.ok()) {
      std::cerr << "floe: error: " << status.message() << " (" << ErrorKindName(status.kind())
                << ")\n";
      exit_code = kExitError;
    }
  });

  // floe run
  std::string job_path;
  std::vector<std::string> job_overrides;
  CLI::App* run_cmd = app.add_subcommand(
      "run",
      "Run a streaming job exactly once: to the end of its input (files), or until "
      "SIGINT/SIGTERM or --stop-when-idle (Kafka)");
  run_cmd->add_option("JOB", job_path, "Job file (YAML), e.g. examples/profanity-local.yaml")
      ->required();
  run_cmd
      ->add_option("--set", job_overrides,
                   "Override a job key, path.to.key=value (repeatable), e.g. "
                   "--set sinks.filtered.table=ns.t")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  std::string stop_when_idle;
  run_cmd->add_option("--stop-when-idle", stop_when_idle,
                      "Commit and exit once no record has arrived for this long (e.g. 5s, "
                      "500ms); for catch-up runs of unbounded (Kafka) sources");
  std::string instance;
  run_cmd
      ->add_option("--instance", instance,
                   "This process's name among the job's processes, in its Kafka transactional "
                   "ids (<job>.<sink>.<instance>.<worker>). Give a restarted process the name "
                   "it had and Kafka aborts its unfinished transaction at once; unique per "
                   "process. Default: <host>-<pid>")
      ->envname("FLOE_INSTANCE");
  run_cmd->callback([&] {
    RunOptions options;
    options.instance = instance;
    if (!stop_when_idle.empty()) {
      auto idle = pipeline::ParseDuration(stop_when_idle);
      if (!idle.ok()) {
        std::cerr << "floe: error: --stop-when-idle: " << idle.status().message() << "\n";
        exit_code = kExitUsage;
        return;
      }
      options.stop_when_idle = *idle;
    }
    exit_code = RunJobCommand(job_path, job_overrides, options, std::cout, std::cerr);
  });

  // floe catalog serve
  CatalogServeOptions catalog_serve;
  AddCatalogCommand(app, catalog_serve, exit_code);

  // floe dev kafka
  DevKafkaOptions dev_kafka;
  AddDevCommands(app, &dev_kafka, &exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help and --version are "errors" that exit 0; the rest are usage errors.
    return app.exit(error) == 0 ? 0 : kExitUsage;
  }
  return exit_code;
}

}  // namespace floe::cli
