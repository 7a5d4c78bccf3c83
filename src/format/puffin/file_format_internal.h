#pragma once

// Layout constants shared by the Puffin writer and reader.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace floe::puffin::internal {

inline constexpr std::string_view kMagic{"PFA1", 4};
inline constexpr size_t kPayloadSizeBytes = 4;
inline constexpr size_t kFlagsBytes = 4;
/// The footer's fixed tail: payload size, flags, magic.
inline constexpr size_t kFooterTailBytes = kPayloadSizeBytes + kFlagsBytes + kMagic.size();
/// Bit 0 of the first flags byte: the footer payload is LZ4-compressed.
inline constexpr uint8_t kFlagFooterCompressed = 0x01;

}  // namespace floe::puffin::internal
