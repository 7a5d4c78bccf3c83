#pragma once

// --set overrides (like Flink's -D): "path.to.key=value" applied to the parsed YAML tree before
// anything is validated, so an overridden value is checked exactly like one from the file.

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>

#include "common/result.h"

namespace floe::pipeline::internal {

/// Sets the scalar at `assignment`'s path ("sinks.filtered.table=x.y",
/// "transforms[0].filter.where=...", "catalogs.local.s3.endpoint=..."; inside a free-form
/// property map the rest of the path is one key, dots included). Missing sections are created;
/// sources, sinks, catalogs and list entries must exist already. Returns the canonical path
/// set, or InvalidArgument naming what the path does not match.
Result<std::string> ApplyOverride(YAML::Node& root, std::string_view assignment);

}  // namespace floe::pipeline::internal
