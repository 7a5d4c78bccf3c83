#pragma once

// UUID text ("8-4-4-4-12" hex digits) to its 16 bytes, most significant first: Iceberg's uuid.

#include <array>
#include <cstdint>
#include <string_view>

#include "common/result.h"

namespace floe::json {

inline constexpr size_t kUuidBytes = 16;

/// Parses exactly 36 characters, hex digits in either case with '-' at 8, 13, 18 and 23. No
/// braces, no "urn:uuid:". Errors are InvalidArgument with the bare reason.
Status ParseUuidText(std::string_view text, std::array<uint8_t, kUuidBytes>* out);

}  // namespace floe::json
