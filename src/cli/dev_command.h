#pragma once

// `floe dev ...`: local stand-ins for the outside services a job talks to, for tests and for
// trying floe on a laptop. `floe dev kafka` serves librdkafka's mock Kafka cluster on 127.0.0.1
// until SIGINT/SIGTERM; tests disturb it with commands on stdin.

#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli/command.h"
#include "common/result.h"

namespace floe::cli {

struct DevKafkaOptions {
  std::string topics;  // "NAME:PARTITIONS,..."
  int brokers = 1;
};

/// Parses "a:3,b:1" into (name, partitions) pairs. InvalidArgument naming the bad item:
/// "--topics: 'x:0': the partition count must be a positive integer".
Result<std::vector<std::pair<std::string, int>>> ParseTopicList(std::string_view text);

/// Serves the mock cluster: prints "bootstrap=HOST:PORT[,...]" (first line, flushed), then
/// "topic=NAME partitions=N" per topic, then answers stdin commands ("down ID", "up ID",
/// "create NAME:PARTITIONS") with "ok" or "error: ...". EOF on stdin does not stop it; SIGINT or
/// SIGTERM does. Returns the exit code (0, 1 for a start failure, 2 for bad options).
int RunDevKafka(const DevKafkaOptions& options, std::ostream& out, std::ostream& err);

/// Adds `floe dev` and its subcommands (`floe dev kafka`).
void RegisterDevCommands(CLI::App& app, CommandContext& context);

}  // namespace floe::cli
