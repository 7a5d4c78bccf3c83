#include "cli/cli.h"

#include <CLI/CLI.hpp>

#include "cli/catalog_command.h"
#include "cli/command.h"
#include "cli/dev_command.h"
#include "cli/gen_command.h"
#include "cli/run_command.h"
#include "cli/scan_command.h"
#include "cli/storage_commands.h"
#include "cli/table_commands.h"
#include "common/logger.h"

namespace floe::cli {

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
  CommandContext context;
  app.add_option(
      "--warehouse", context.warehouse,
      "Warehouse folder of the embedded catalog (default: $WAREHOUSE, else ./warehouse)");

  // One logger for every command: one line per event, secrets masked.
  Logger logger(std::cerr);
  context.logger = &logger;
  app.add_option_function<std::string>(
         "--log-format",
         [&logger](const std::string& value) {
           Result<LogFormat> format = ParseLogFormat(value);
           if (!format.ok()) throw CLI::ValidationError(format.status().message());
           logger.set_format(*format);
         },
         "Log lines as text (default) or json (one object per line, for log shippers)")
      ->envname("FLOE_LOG_FORMAT");

  // In the order `floe --help` lists them.
  RegisterNamespaceCommands(app, context);
  RegisterTableCommands(app, context);
  AddScanCommands(app.get_subcommand("table"), &context.warehouse, &context.exit_code, &logger);
  RegisterStorageCommands(app, context);
  RegisterGenCommand(app, context);
  RegisterRunCommand(app, context);
  RegisterCatalogCommand(app, context);
  RegisterDevCommands(app, context);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help and --version are "errors" that exit 0; the rest are usage errors.
    return app.exit(error) == 0 ? kExitOk : kExitUsage;
  }
  return context.exit_code;
}

}  // namespace floe::cli
