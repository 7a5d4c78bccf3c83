#pragma once

// Manifests and manifest lists as Avro object container files, with the spec's schemas, field
// ids and header metadata (ICEBERG-NOTES §2). Writing and reading both go through FileIO.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "iceberg/manifest.h"
#include "iceberg/partition_spec.h"
#include "iceberg/schema.h"
#include "io/file_io.h"

namespace floe::iceberg {

/// What a manifest is written for.
struct ManifestWriteContext {
  int32_t format_version = 2;
  const Schema* schema = nullptr;       // the table schema the files were written with
  const PartitionSpec* spec = nullptr;  // the spec the files' partition values follow
  ManifestContent content = ManifestContent::kData;
  int64_t snapshot_id = 0;  // the snapshot that adds these entries
  /// Put into the returned ManifestFile (the manifest list's view); the commit sets it.
  int64_t sequence_number = 0;
};

/// Writes one manifest at `location` (never overwriting) and returns its manifest-list entry:
/// path, exact length, counts by status, rows, partition field summaries, min sequence number.
/// ADDED entries are written with null sequence numbers.
Result<ManifestFile> WriteManifest(io::FileIO& io, const std::string& location,
                                   const ManifestWriteContext& context,
                                   std::span<const ManifestEntry> entries);

/// Reads a manifest's entries; ADDED entries with null sequence numbers inherit the manifest's
/// (from `manifest`), as the spec says readers must.
Result<std::vector<ManifestEntry>> ReadManifest(io::FileIO& io, const ManifestFile& manifest,
                                                const Schema& schema, const PartitionSpec& spec);

struct ManifestListWriteContext {
  int32_t format_version = 2;
  int64_t snapshot_id = 0;
  std::optional<int64_t> parent_snapshot_id;
  int64_t sequence_number = 0;
  std::optional<int64_t> first_row_id;  // v3
};

/// Writes a manifest list at `location` (never overwriting). Manifests added by this snapshot
/// (added_snapshot_id == snapshot_id) get the list's sequence number, and so does their
/// min_sequence_number when it is at or above their own (it came from ADDED entries, whose
/// number is the commit's), so that a retried commit reuses its manifests as they are.
/// v3: data manifests without a first_row_id get consecutive ranges from context.first_row_id,
/// each as long as its added and existing rows.
Status WriteManifestList(io::FileIO& io, const std::string& location,
                         const ManifestListWriteContext& context,
                         std::span<const ManifestFile> manifests);

Result<std::vector<ManifestFile>> ReadManifestList(io::FileIO& io, const std::string& location);

/// The `file_format` string of a format: "PARQUET", "AVRO", "ORC", "PUFFIN".
std::string_view FileFormatName(FileFormat format);

}  // namespace floe::iceberg
