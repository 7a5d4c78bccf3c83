#pragma once

// Raw deflate (RFC 1951, no zlib or gzip wrapper), the "deflate" codec of Avro container files.

#include <string>
#include <string_view>

#include "common/result.h"

namespace floe::avro::internal {

/// Compresses `data` at `level` (0-9, or -1 for zlib's default).
Result<std::string> RawDeflate(std::string_view data, int level);

/// Decompresses raw deflate data; `max_size_bytes` bounds the output so corrupt input cannot
/// exhaust memory. Errors are Corrupt.
Result<std::string> RawInflate(std::string_view data, size_t max_size_bytes);

}  // namespace floe::avro::internal
