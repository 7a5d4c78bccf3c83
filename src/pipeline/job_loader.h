#pragma once

// Loads a job file (YAML) into a JobConfig: parse, apply --set overrides, interpolate ${VAR}s,
// then check every key, type and reference before anything runs. Every error is one line,
// "FILE:LINE:COL: key.path: message" (1-based), InvalidArgument, so the user can jump to it.

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "pipeline/interpolation.h"
#include "pipeline/job_config.h"

namespace floe::pipeline {

/// Reads and validates the job file at `path`. `overrides` are "path.to.key=value" strings
/// (`--set`), applied in order to the YAML tree before validation; `environment` supplies
/// ${VAR}s (pass ProcessEnvironment() from a command). Never throws.
Result<JobConfig> LoadJobFile(const std::string& path, const std::vector<std::string>& overrides,
                              const Environment& environment);

/// Like LoadJobFile, from text already in memory; `file_name` is used in messages only.
Result<JobConfig> LoadJobText(std::string_view text, const std::string& file_name,
                              const std::vector<std::string>& overrides,
                              const Environment& environment);

/// Parses "500ms", "30s", "5m", "1h" (a non-negative integer and a unit).
Result<std::chrono::milliseconds> ParseDuration(std::string_view text);

}  // namespace floe::pipeline
