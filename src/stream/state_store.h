#pragma once

// Where operator state is written: files in a folder next to the table
// (`<table location>/metadata/floe-state/`), one per operator and checkpoint, named
// `floe-<job>-<state_name>-<checkpoint_id>-<uuid>.state`. A file is written before the commit
// that names it; a file no snapshot names (its attempt died, or its snapshot expired) is an
// orphan, found by the job's prefix and its age like the job's data files.

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include "common/result.h"
#include "iceberg/catalog/orphan_files.h"
#include "io/file_io.h"

namespace floe::stream {

/// Thread safety: const methods may run on many threads (FileIO is thread-safe).
/// Lifetime: holds its FileIO.
class StateStore {
 public:
  StateStore(std::shared_ptr<io::FileIO> io, std::string folder)
      : io_(std::move(io)), folder_(std::move(folder)) {}

  /// The folder next to a table: `<table_location>/metadata/floe-state`.
  static std::string FolderFor(std::string_view table_location);

  const std::string& folder() const { return folder_; }

  /// Writes one operator's snapshot under a new name; returns its location. Never overwrites.
  Result<std::string> Write(const std::string& job_id, const std::string& state_name,
                            int64_t checkpoint_id, std::string_view bytes) const;
  /// The bytes of a file Write returned.
  Result<std::string> Read(const std::string& location) const;
  /// Deletes the state files named with `file_prefix` (a job's, JobFilePrefix) that are not in
  /// `referenced` and were last modified before `modified_before_ms`, counting them in
  /// `cleanup` as the data files' cleanup does.
  Status DeleteOrphans(const std::string& file_prefix, const std::set<std::string>& referenced,
                       int64_t modified_before_ms, iceberg::OrphanCleanup* cleanup) const;

 private:
  std::shared_ptr<io::FileIO> io_;
  std::string folder_;
};

}  // namespace floe::stream
