#pragma once

// Shared pieces of the catalog tests: a scratch warehouse, a small schema, and commits that
// change nothing but a property.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/uuid.h"
#include "iceberg/catalog/catalog.h"
#include "iceberg/type.h"

namespace floe::iceberg::testing {

namespace fs = std::filesystem;

/// A fresh directory per test, removed afterwards.
class ScratchDir {
 public:
  ScratchDir() : path_(fs::temp_directory_path() / ("floe_catalog_test_" + NewUuid())) {
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

inline Schema TestSchema() {
  return Schema(0, {NestedField{1, "id", true, Type::Primitive(TypeId::kLong), ""},
                    NestedField{2, "name", false, Type::Primitive(TypeId::kString), ""}});
}

inline TableIdentifier Id(const std::string& dotted) { return *TableIdentifier::Parse(dotted); }
inline Namespace Ns(const std::string& dotted) { return *Namespace::Parse(dotted); }

/// `base`'s metadata with one property changed and a later timestamp, as a commit would make.
inline TableMetadata Changed(const LoadedTable& base, const std::string& value) {
  TableMetadata updated = base.metadata;
  updated.properties["test.value"] = value;
  updated.last_updated_ms = base.metadata.last_updated_ms + 1;
  return updated;
}

/// Commits on `base` through `a` and `b` from two threads released together, each changing
/// test.value to its index; returns both outcomes.
inline std::array<Result<LoadedTable>, 2> CommitConcurrently(Catalog& a, Catalog& b,
                                                             const LoadedTable& base) {
  std::array<Catalog*, 2> catalogs = {&a, &b};
  std::array<Result<LoadedTable>, 2> outcomes = {Internal("not run"), Internal("not run")};
  std::atomic<int> ready{0};
  std::array<std::thread, 2> threads;
  for (size_t writer = 0; writer < threads.size(); ++writer) {
    threads[writer] = std::thread([&, writer] {
      ready.fetch_add(1);
      while (ready.load() < 2) {
      }
      outcomes[writer] = catalogs[writer]->CommitTable(base, Changed(base, std::to_string(writer)));
    });
  }
  for (std::thread& thread : threads) thread.join();
  return outcomes;
}

/// Regular files directly in `dir`, by name, sorted.
inline std::vector<std::string> FileNames(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    if (entry.is_regular_file()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

struct CommandOutput {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

/// Runs a shell command: for checking what floe wrote with other programs (sqlite3, the peer
/// readers), not only with floe.
inline CommandOutput RunCommand(const std::string& command) {
  CommandOutput result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[512];
  while (size_t got = std::fread(buffer, 1, sizeof(buffer), pipe))
    result.output.append(buffer, got);
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

/// ../shared/peer/verify-table.mjs beside the repository, where CI and developers have it.
inline fs::path VerifyTableScript() {
  return fs::path(FLOE_SOURCE_DIR).parent_path() / "shared/peer/verify-table.mjs";
}

}  // namespace floe::iceberg::testing
