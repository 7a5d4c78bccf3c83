#include "stream/sink/commit_progress.h"

namespace floe::stream {

Result<std::optional<OffsetMap>> CommitProgress::Begin(const CheckpointInfo& checkpoint,
                                                       const std::string& where,
                                                       const std::string& unresolved,
                                                       const std::function<Status()>& resolve,
                                                       const std::function<bool()>& has_rows) {
  if (!unresolved.empty()) {
    Status resolved = resolve();
    if (!resolved.ok()) {
      return CommitStateUnknown("{}: whether {} landed is still unknown: {}", where, unresolved,
                                resolved.message());
    }
  }
  OffsetMap offsets = MergeOffsets(committed_offsets_, checkpoint.offsets);
  if (!has_rows()) {
    if (offsets == committed_offsets_) return std::optional<OffsetMap>();
    if (++empty_checkpoints_ < kMaxEmptyCheckpoints && !checkpoint.final) {
      return std::optional<OffsetMap>();
    }
  }
  return std::optional<OffsetMap>(std::move(offsets));
}

void CommitProgress::Committed(OffsetMap offsets) {
  committed_offsets_ = std::move(offsets);
  empty_checkpoints_ = 0;
}

}  // namespace floe::stream
