#pragma once

// A consumer group's committed offsets, read and written by a client that is not a member of
// the group: how a sink keeps its own position under a group of its own ("<job>.<sink>") next
// to the source's group, and how recovery reads it back.

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/offsets.h"
#include "common/result.h"
#include "kafka/handles.h"

namespace floe::kafka {

/// Keeps one connection to the group's coordinator for repeated commits. Thread safety: one
/// thread at a time. Writing works while the group has no active members (a sink's own group
/// never has); the broker rejects it otherwise.
class GroupOffsets {
 public:
  static Result<std::unique_ptr<GroupOffsets>> Make(
      const std::string& bootstrap_servers, const std::map<std::string, std::string>& properties,
      const std::string& group_id);
  ~GroupOffsets();
  GroupOffsets(const GroupOffsets&) = delete;
  GroupOffsets& operator=(const GroupOffsets&) = delete;

  /// The committed offsets for the partitions of `topics` (partitions with none are absent).
  /// NotFound naming a topic that does not exist. Transient answers of the group coordinator
  /// (it moved, is still loading, a transaction's offsets are not settled) are asked again
  /// until `timeout`.
  Result<OffsetMap> Committed(const std::vector<std::string>& topics,
                              std::chrono::milliseconds timeout);
  /// Stores `offsets`. CommitStateUnknown when no answer came within `timeout`.
  Status Commit(const OffsetMap& offsets, std::chrono::milliseconds timeout);

  const std::string& group_id() const { return group_id_; }

 private:
  GroupOffsets(KafkaHandle handle, std::string group_id)
      : handle_(std::move(handle)), group_id_(std::move(group_id)) {}

  KafkaHandle handle_;
  std::string group_id_;
};

}  // namespace floe::kafka
