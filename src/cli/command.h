#pragma once

// What every `floe` command shares: how it is registered on the command line, how it reports an
// error, and the exit codes. Each command file exposes `Register...(CLI::App&, CommandContext&)`,
// which adds its subcommand(s), options and callback; cli::Main calls them in the order of
// `floe --help` and parses once.

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "common/logger.h"
#include "common/result.h"

namespace CLI {
class App;
}

namespace floe::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;  // the command failed while running
inline constexpr int kExitUsage = 2;  // the command line, a job file or an expression is wrong

/// What the commands' callbacks share with Main. Owned by Main and outlives the parse; a
/// command's callback stores its exit code here. Thread safety: the parsing thread only.
struct CommandContext {
  int exit_code = kExitOk;
  std::string warehouse;     // --warehouse, before ResolveWarehouse
  Logger* logger = nullptr;  // Main's one logger (--log-format); never null once parsing runs
};

/// Adds a repeatable option (`--property k=v --property k2=v2`) to `command`: each use takes one
/// value and every use is kept, in order.
void AddRepeatedOption(CLI::App& command, const std::string& name, std::vector<std::string>& values,
                       const std::string& help);

/// Prints "floe: error: <message> (<kind>)" and a newline to `err`; returns kExitError.
int PrintError(std::ostream& err, const Status& status);

/// Prints "floe: error: <message>" and a newline to `err`, for what carries no Status (a flag
/// checked after parsing, a failed system call).
void PrintErrorMessage(std::ostream& err, std::string_view message);

}  // namespace floe::cli
