#pragma once

// Encoder for Parquet's RLE/bit-packed hybrid (parquet-format Encodings.md), used for definition
// levels and dictionary indices. Runs of 8 or more equal values become RLE runs; the rest is
// bit-packed in groups of 8, LSB first.

#include <cstddef>
#include <cstdint>
#include <string>

namespace floe::parquet {

/// Stateless: encodes a whole array at once, which lets it see every run before choosing.
class RleEncoder {
 public:
  /// Appends the hybrid encoding of values[0..n) to `out` (no length prefix). Every value must
  /// fit in `bit_width` bits, 0 <= bit_width <= 32. T is uint8_t or uint32_t.
  template <typename T>
  static void Encode(const T* values, size_t n, int bit_width, std::string* out);

  /// Bits needed for values up to max_value (0 for 0).
  static int BitWidth(uint64_t max_value);
};

}  // namespace floe::parquet
