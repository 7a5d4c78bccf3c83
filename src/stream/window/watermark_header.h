#pragma once

// The `floe.wm` header of a window's repartition topic (stream/window/README.md "Across
// processes"): which source partition a message comes from and that partition's largest event
// time so far, so that stage 2 keeps the event clocks of the SOURCE partitions, whichever
// repartition partition the rows went to. Text: `r:<partition>:<micros>:<topic>` on a row,
// `w:<partition>:<micros>:<topic>` on a watermark-only message (a `{}` row that is no row: it
// only moves the clock). Kafka topic names hold no ':', so the topic goes last as it is.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/offsets.h"

namespace floe::stream::window {

/// The header's name.
inline constexpr std::string_view kWatermarkHeader = "floe.wm";

/// Thread safety: a value.
struct WatermarkHeader {
  TopicPartition source;
  int64_t max_event_micros = 0;  // kNoTime (window_state.h) when no row had an event time yet
  bool watermark_only = false;

  std::string Encode() const;
  /// The same into `out` (cleared first), reusing its buffer: no allocation per message.
  void EncodeTo(std::string* out) const;
  /// nullopt when `text` is not a header Encode wrote.
  static std::optional<WatermarkHeader> Parse(std::string_view text);
};

}  // namespace floe::stream::window
