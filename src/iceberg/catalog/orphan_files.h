#pragma once

// Orphan files: data files and manifests a writer wrote for a commit that never landed (it
// crashed, or the commit failed and the process died before it could clean up). No snapshot
// references them, so readers never see them; they only take space. A writer that names its
// files with a prefix of its own (PartitionedWriter::set_file_prefix,
// AppendOptions::file_prefix) finds its orphans by that prefix and deletes those old enough
// that no live writer of it can still be about to commit them.

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "iceberg/catalog/catalog.h"

namespace floe::iceberg {

/// Every data file and manifest that a snapshot of `table` references (its manifest lists,
/// their manifests, the manifests' entries), as locations.
Result<std::vector<std::string>> ReferencedFiles(io::FileIO& io, const TableMetadata& table);

struct OrphanCleanup {
  int64_t deleted = 0;     // orphans deleted (data files and manifests)
  int64_t too_young = 0;   // unreferenced files with the prefix, kept: modified too recently
  int64_t referenced = 0;  // files with the prefix that the table references
};

/// Deletes the files whose names start with `file_prefix` (data files under the table's data
/// location, .avro manifests and manifest lists under its metadata location) that no snapshot
/// references and that were last modified before `modified_before_ms` (milliseconds since the
/// epoch). An empty prefix is refused: files of other writers are never touched.
Result<OrphanCleanup> DeleteOrphanFiles(io::FileIO& io, const TableMetadata& table,
                                        const std::string& file_prefix, int64_t modified_before_ms);

}  // namespace floe::iceberg
