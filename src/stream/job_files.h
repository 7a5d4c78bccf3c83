#pragma once

// The names of the files a job writes into a table's folders.

#include <cctype>
#include <string>
#include <string_view>

namespace floe::stream {

/// "floe-<job>-": the start of the name of every data file, manifest and state file a job
/// writes, so that those of its crashed attempts can be found (characters other than letters,
/// digits, '-' and '_' become '_').
inline std::string JobFilePrefix(std::string_view job_id) {
  std::string prefix = "floe-";
  for (char c : job_id) {
    prefix += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
  }
  return prefix + "-";
}

}  // namespace floe::stream
