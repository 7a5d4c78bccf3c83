#pragma once

// `floe table scan|snapshots|files|partitions`: read a table's rows or its metadata tables
// through a catalog (the embedded warehouse, a Hadoop folder, a REST catalog) or straight from
// a metadata file, and print them as a table, JSON lines or CSV. Parsing and printing only: the
// reading is stream::TableReader and iceberg/metadata_tables.h.

#include <CLI/CLI.hpp>
#include <string>

#include "common/logger.h"

namespace floe::cli {

/// Adds the four subcommands to `table_cmd`. `warehouse` is the global --warehouse value (read
/// when a command runs); the command's exit code goes to `exit_code`: 0, 1 for a failure, 2 for
/// a bad argument (unknown column, bad --where or --as-of). Errors go to `logger`, which also
/// learns the secret values of --catalog-property.
void AddScanCommands(CLI::App* table_cmd, const std::string* warehouse, int* exit_code,
                     Logger* logger);

}  // namespace floe::cli
