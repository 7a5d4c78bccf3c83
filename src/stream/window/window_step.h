#pragma once

// One worker's window step: the shared, const WindowOperator with this worker's WindowState,
// as the StatefulOperator the checkpoint coordinator snapshots and restores (stream/state.h).

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "stream/state.h"
#include "stream/window/window_operator.h"

namespace floe::stream::window {

/// Thread safety: none; used by the worker thread that owns it (the coordinator calls it on
/// that thread, between batches). Lifetime: registered with the worker's coordinator, it lives
/// as long as the worker.
class WindowStep final : public StatefulOperator {
 public:
  WindowStep(std::shared_ptr<const WindowOperator> op, std::string state_name)
      : op_(std::move(op)), state_name_(std::move(state_name)) {}

  const std::string& state_name() const override { return state_name_; }
  Result<std::string> SnapshotState() override { return op_->Snapshot(state_); }
  Status RestoreState(std::string_view bytes) override;

  const WindowOperator& op() const { return *op_; }
  WindowState& state() { return state_; }
  const WindowState& state() const { return state_; }

 private:
  std::shared_ptr<const WindowOperator> op_;
  std::string state_name_;
  WindowState state_;
};

}  // namespace floe::stream::window
