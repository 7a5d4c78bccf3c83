#pragma once

// ${VAR} and ${VAR:-default} in job file values, from an environment map the caller passes in
// (the process environment in `floe run`, a fixed map in tests), so that loading a job never
// reads global state behind the caller's back.

#include <map>
#include <string>
#include <string_view>

#include "common/result.h"

namespace floe::pipeline {

using Environment = std::map<std::string, std::string, std::less<>>;

/// The process environment (environ) as a map.
Environment ProcessEnvironment();

/// Replaces ${NAME} by NAME's value and ${NAME:-default} by its value, or by `default` when
/// NAME is unset or empty (as the shell does); "$${" is a literal "${". NAME is
/// [A-Za-z_][A-Za-z0-9_]*. Errors (an unset variable without a default, an unterminated or
/// malformed reference) are InvalidArgument with a message that names the variable.
Result<std::string> Interpolate(std::string_view text, const Environment& environment);

}  // namespace floe::pipeline
