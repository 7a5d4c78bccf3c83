#include "stream/window/window_step.h"

#include "common/clock.h"

namespace floe::stream::window {

Status WindowStep::RestoreState(std::string_view bytes) {
  return op_->Restore(bytes, NowMillis(), &state_)
      .WithContext(fmt::format("restoring state '{}'", state_name_));
}

}  // namespace floe::stream::window
