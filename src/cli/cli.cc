#include "cli/cli.h"

#include <CLI/CLI.hpp>

#include "cli/catalog_command.h"
#include "cli/command.h"
#include "cli/dev_command.h"
#include "cli/gen_command.h"
#include "cli/run_command.h"
#include "cli/storage_commands.h"
#include "cli/table_commands.h"

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

  // In the order `floe --help` lists them.
  RegisterNamespaceCommands(app, context);
  RegisterTableCommands(app, context);
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
