#pragma once

// A sink that commits to a table (Iceberg): what the runtime needs of it beyond Sink. Tables
// commit first at a checkpoint, hold the operators' state pointers, number the job's
// checkpoints, and own the cleanup of what dead attempts left in their folders.

#include <cstdint>
#include <string>

#include "common/result.h"
#include "iceberg/catalog/orphan_files.h"
#include "stream/sink/sink.h"
#include "stream/state_store.h"

namespace floe::stream {

/// Thread safety: as Sink.
class TableSink : public Sink {
 public:
  /// The largest checkpoint id the sink's job committed to the table (0: none): ids keep
  /// increasing across runs.
  virtual int64_t LastCheckpointId() const = 0;
  /// Deletes the job's data files, manifests and state files that the table does not reference
  /// and that were last modified before `modified_before_ms` (those of attempts that died).
  virtual Result<iceberg::OrphanCleanup> DeleteOrphanFiles(int64_t modified_before_ms) const = 0;
  /// Where operator state for this table is written (next to it).
  virtual const StateStore& state_store() const = 0;
  /// Where the table's current metadata is, for the job's summary.
  virtual std::string metadata_location() const = 0;
};

}  // namespace floe::stream
