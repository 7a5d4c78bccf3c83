#pragma once

// Deletion vectors in Puffin files, as Iceberg v3 stores them: one `deletion-vector-v1` blob per
// data file, and a manifest entry per blob (content position deletes, format PUFFIN,
// record_count = cardinality, referenced_data_file, content_offset/content_size_in_bytes = the
// blob's place in the file).

#include <span>
#include <string>
#include <vector>

#include "common/result.h"
#include "iceberg/deletion_vector.h"
#include "iceberg/manifest.h"
#include "io/file_io.h"

namespace floe::iceberg {

/// The deletes of one data file, for WriteDeletionVectorFile. `vector` is not owned.
struct DeletionVectorTarget {
  std::string data_file_path;
  std::vector<Scalar> partition;  // the data file's partition values (the DV's entry repeats them)
  const DeletionVector* vector = nullptr;
};

/// Writes one Puffin file at `location` holding a blob per target (at most one per data file:
/// the caller merges older DVs first) and returns the manifest DataFile of each, in order.
/// Nothing is visible at `location` unless the whole file was written.
Result<std::vector<DataFile>> WriteDeletionVectorFile(
    io::FileIO& io, const std::string& location, std::span<const DeletionVectorTarget> targets);

/// Reads the deletion vector a delete-file entry points at (its blob only, not the footer). A
/// cardinality other than the entry's record_count is Corrupt.
Result<DeletionVector> ReadDeletionVector(io::FileIO& io, const DataFile& entry);

}  // namespace floe::iceberg
