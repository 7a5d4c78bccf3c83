#pragma once

// The files a snapshot holds, read from its manifests: live data files with their data sequence
// numbers, live delete files, and which data files later snapshots removed. What row-level
// writers need to plan deletes and to validate them against concurrent commits.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/result.h"
#include "iceberg/manifest.h"
#include "iceberg/table_metadata.h"
#include "io/file_io.h"

namespace floe::iceberg {

/// A live file (ADDED or EXISTING in its manifest) of a snapshot.
struct LiveFile {
  DataFile file;
  int64_t data_sequence_number = 0;
  int32_t spec_id = 0;
};

struct TableFiles {
  std::vector<LiveFile> data;
  std::vector<LiveFile> deletes;  // position deletes, deletion vectors and equality deletes
};

/// The entries of one of the table's manifests (read with the current schema and the manifest's
/// own partition spec; sequence numbers and snapshot ids inherited as the spec says).
Result<std::vector<ManifestEntry>> ReadManifestEntries(io::FileIO& io,
                                                       const TableMetadata& metadata,
                                                       const ManifestFile& manifest);

/// The live files of snapshot `snapshot_id` (nullopt: the current one; none: empty).
Result<TableFiles> ListTableFiles(io::FileIO& io, const TableMetadata& metadata,
                                  std::optional<int64_t> snapshot_id = std::nullopt);

/// The data files that the snapshots after `since_snapshot_id` up to the current one removed
/// (DELETED entries written by those snapshots). NotFound when `since_snapshot_id` is not an
/// ancestor of the current snapshot (history was rewritten or expired): the caller cannot know.
Result<std::set<std::string>> RemovedDataFilesSince(io::FileIO& io, const TableMetadata& metadata,
                                                    int64_t since_snapshot_id);

}  // namespace floe::iceberg
