#pragma once
// `floe run JOB.yaml`: the command around pipeline::Job. It loads the job file, plans it (a
// wrong job file or expression exits 2 before anything runs), turns SIGINT and SIGTERM into a
// stop request (the job commits what is pending and the command exits 0), and maps the outcome
// to an exit code (1: failed while running; a failed commit names the sink).

#include <ostream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "common/logger.h"
#include "pipeline/job.h"

namespace floe::cli {

using RunOptions = pipeline::RunOptions;

/// The whole command: load, run, print. Returns the exit code: 0 done, 1 failed while running,
/// 2 the job file or its expressions are wrong.
int RunJobCommand(const std::string& job_path, const std::vector<std::string>& overrides,
                  const RunOptions& options, std::ostream& out, Logger& logger);

/// Adds `floe run JOB [--set k=v]... [--stop-when-idle D] [--instance NAME]`.
void RegisterRunCommand(CLI::App& app, CommandContext& context);

}  // namespace floe::cli
