#include "cli/command.h"

#include <CLI/CLI.hpp>
#include <ostream>

namespace floe::cli {

void AddRepeatedOption(CLI::App& command, const std::string& name, std::vector<std::string>& values,
                       const std::string& help) {
  command.add_option(name, values, help)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

int PrintError(std::ostream& err, const Status& status) {
  err << "floe: error: " << status.message() << " (" << ErrorKindName(status.kind()) << ")\n";
  return kExitError;
}

void PrintErrorMessage(std::ostream& err, std::string_view message) {
  err << "floe: error: " << message << "\n";
}

}  // namespace floe::cli
