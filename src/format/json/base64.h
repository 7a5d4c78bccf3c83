#pragma once

// Base64 (RFC 4648 section 4, the standard alphabet) to bytes: how JSON carries binary and
// fixed values.

#include <string>
#include <string_view>

#include "common/result.h"

namespace floe::json {

/// Replaces `out` with the bytes of `text`. The trailing '=' padding may be present or left off;
/// anything else outside the alphabet (whitespace, '-', '_', '=' in the middle) is an error, as is
/// a length that no byte count encodes to. Unused low bits of the last character are ignored.
/// Errors are InvalidArgument with the bare reason.
Status DecodeBase64(std::string_view text, std::string* out);

}  // namespace floe::json
