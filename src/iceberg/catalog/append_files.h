#pragma once

// Fast append: commits new data files to a table as one new snapshot (operation "append"). The
// new files go into one new manifest; the parent's manifests are carried over as they are; the
// manifest list and the metadata are written fresh for every attempt. With delete files it is a
// row delta (operation "overwrite", or "delete" without data files): the delete files go into
// one delete manifest of the same snapshot, so they share its sequence number and apply to the
// rows of earlier snapshots only (position deletes name their files; nothing of this snapshot).

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "iceberg/catalog/catalog.h"
#include "iceberg/manifest.h"

namespace floe::iceberg {

struct AppendOptions {
  /// Extra snapshot summary properties (e.g. floe.job-id, floe.checkpoint-id).
  std::map<std::string, std::string> summary;
  /// Called at every attempt with the metadata that attempt commits on (its current snapshot is
  /// the new snapshot's parent) to add summary properties that depend on it, such as offsets
  /// merged over the ancestors'.
  std::function<Status(const TableMetadata& base, std::map<std::string, std::string>* summary)>
      summary_for_base;
  /// How often a commit that lost the race (kCommitFailed) is retried on the refreshed table.
  int max_retries = 10;
  /// Whether an append of no files is a snapshot (one that only records summary properties,
  /// such as a checkpoint's offsets) rather than an error.
  bool allow_empty = false;
  int64_t min_retry_wait_ms = 50;
  int64_t max_retry_wait_ms = 2000;
  /// Starts the names of the manifest and the manifest lists it writes (as the writer's data
  /// files: orphan_files.h).
  std::string file_prefix;
  /// The new snapshot's id (0: a new random one). A caller that must find out later whether an
  /// append whose outcome was unknown landed picks it, and looks for it.
  int64_t snapshot_id = 0;
  /// Row delta: delete files (position deletes, equality deletes) committed with the data files,
  /// written under the table's default spec.
  std::vector<DataFile> delete_files;
  /// Row delta: live delete files of the table that this snapshot removes (DELETED entries in
  /// rewrites of the delete manifests holding them), matched by file_path and content_offset: a
  /// v3 table's deletion vectors that new ones in delete_files merge. Every one must still be
  /// live in the snapshot the commit lands on, and no deletion vector left live may name a data
  /// file that a new one names (at most one per data file): else the commit fails with
  /// kCommitFailed without retrying, and the caller redoes it on the current table.
  std::vector<DataFile> removed_delete_files;
  /// Called at every attempt with the metadata it commits on, before anything is written for
  /// it: an error ends the commit with that error (its files deleted, no retry). A row delta
  /// checks here that the data files its deletes name were not removed by a concurrent commit.
  std::function<Status(const TableMetadata& base)> validate;
  /// No retry starts after this (a checkpoint's timeout): the last failure is returned.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

struct AppendResult {
  LoadedTable table;  // the table as committed
  int64_t snapshot_id = 0;
  int attempts = 0;
  int conflicts = 0;  // attempts the catalog refused because the table had moved (kCommitFailed)
};

/// Appends `files` (written under the table's default spec) to the table `base` as one
/// snapshot. On kCommitFailed the table is reloaded and the commit retried on the new parent;
/// on kCommitStateUnknown the table is reloaded and searched for this snapshot id: found means
/// committed, else the commit is retried (a reload that fails leaves the outcome unknown:
/// kCommitStateUnknown, and the caller must not delete the data files). Files of a failed commit
/// that is known not to have landed (manifests, manifest lists) are deleted; the data files are the
/// caller's. An empty `files` is an error unless AppendOptions::allow_empty.
Result<AppendResult> AppendFiles(Catalog& catalog, const LoadedTable& base,
                                 const std::vector<DataFile>& files,
                                 const AppendOptions& options = {});

/// The summary totals of a snapshot that adds `files` and `delete_files` and removes
/// `removed_deletes` over `parent` (nullptr: none), with its operation: append, overwrite (data
/// and deletes) or delete.
std::map<std::string, std::string> AppendSummary(const Snapshot* parent,
                                                 const std::vector<DataFile>& files,
                                                 const std::vector<DataFile>& delete_files = {},
                                                 const std::vector<DataFile>& removed_deletes = {});

}  // namespace floe::iceberg
