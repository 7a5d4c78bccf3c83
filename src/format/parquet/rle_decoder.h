#pragma once

// Decoder for Parquet's RLE/bit-packed hybrid over a span it does not own.

#include <cstddef>
#include <cstdint>

namespace floe::parquet {

/// Decodes values of `bit_width` bits (0..32) on demand. A stream that ends early or holds a
/// value wider than bit_width makes Decode return fewer values than asked; the caller reports
/// it. Thread safety: none.
class RleDecoder {
 public:
  RleDecoder(const uint8_t* data, size_t size, int bit_width)
      : data_(data), size_(size), bit_width_(bit_width) {}

  /// Decodes up to n values into out; returns how many it decoded.
  template <typename T>
  size_t Decode(T* out, size_t n);

  /// Bytes consumed so far (for streams whose length is not given up front).
  size_t position() const { return pos_; }

 private:
  bool NextRun();

  const uint8_t* data_;
  size_t size_;
  int bit_width_;
  size_t pos_ = 0;
  uint64_t rle_left_ = 0;
  uint32_t rle_value_ = 0;
  uint64_t literal_left_ = 0;
  size_t literal_bit_pos_ = 0;  // absolute bit offset of the next packed value
};

}  // namespace floe::parquet
