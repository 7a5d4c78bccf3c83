#pragma once

// The `floe namespace ...` and `floe table ...` commands over the embedded warehouse catalog.

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "common/result.h"
#include "iceberg/catalog/catalog.h"

namespace floe::cli {

/// Adds `floe namespace create|list`; the callbacks run against the warehouse catalog.
void RegisterNamespaceCommands(CLI::App& app, CommandContext& context);
/// Adds `floe table create|append|describe|history|list`.
void RegisterTableCommands(CLI::App& app, CommandContext& context);

/// Where the embedded default lives: --warehouse, else $WAREHOUSE, else ./warehouse.
std::string ResolveWarehouse(const std::string& flag_value);

/// Parses "k=v" arguments; an argument without '=' is an error naming it.
Result<std::map<std::string, std::string>> ParseProperties(const std::vector<std::string>& args);

/// Reads "@file" (the file's contents) or returns the text itself.
Result<std::string> ReadArgumentText(const std::string& value);

Status CreateNamespace(iceberg::Catalog& catalog, const std::string& ns,
                       const std::vector<std::string>& properties, std::ostream& out);
Status ListNamespaces(iceberg::Catalog& catalog, std::ostream& out);

Status CreateTable(iceberg::Catalog& catalog, const std::string& table, const std::string& schema,
                   const std::string& partition_by, const std::vector<std::string>& properties,
                   std::ostream& out);
/// Appends JSON lines to a table as one snapshot; any bad row fails the whole append with its
/// file, line and field, and nothing is committed.
Status AppendRows(iceberg::Catalog& catalog, const std::string& table, const std::string& rows_path,
                  std::ostream& out);
Status DescribeTable(iceberg::Catalog& catalog, const std::string& table, bool json,
                     std::ostream& out);
Status TableHistory(iceberg::Catalog& catalog, const std::string& table, std::ostream& out);
Status ListTables(iceberg::Catalog& catalog, const std::string& ns, std::ostream& out);

}  // namespace floe::cli
