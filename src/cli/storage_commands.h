#pragma once

// `floe storage ls` and `floe storage cp`: files in any FileIO location (local or s3://), for
// looking at a warehouse on an object store and for copying tables in and out of it.

#include <map>
#include <ostream>
#include <string>

#include "cli/command.h"
#include "common/result.h"

namespace floe::cli {

struct StorageCopyOptions {
  std::string source;
  std::string destination;
  /// Copy every file below `source` to the same relative path below `destination`.
  bool recursive = false;
  /// FileIO settings (s3.endpoint, s3.access-key-id, ...); the environment fills in the rest.
  std::map<std::string, std::string> properties;
};

/// Prints "SIZE_BYTES LOCATION" for every file below `prefix`, sorted by location.
Status ListStorage(const std::string& prefix, const std::map<std::string, std::string>& properties,
                   std::ostream& out);

/// Copies one file, or with `recursive` a whole prefix, streaming through a bounded buffer (so a
/// file of any size costs the same memory). Each destination file appears whole or not at all.
/// Prints a summary (files, bytes, and the S3 requests and retries it took) to `out`.
Status CopyStorage(const StorageCopyOptions& options, std::ostream& out);

/// Adds `floe storage [--property k=v]... ls|cp`.
void RegisterStorageCommands(CLI::App& app, CommandContext& context);

}  // namespace floe::cli
