#pragma once

namespace floe::cli {

/// Runs the floe command line; returns the process exit code.
int Main(int argc, char** argv);

}  // namespace floe::cli
