#include "cli/cli.h"

#include <CLI/CLI.hpp>

namespace floe::cli {

int Main(int argc, char** argv) {
  CLI::App app{"floe: streaming jobs from Kafka into Apache Iceberg tables"};
  app.require_subcommand(1);
  CLI11_PARSE(app, argc, argv);
  return 0;
}

}  // namespace floe::cli
