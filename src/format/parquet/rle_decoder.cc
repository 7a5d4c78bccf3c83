#include "format/parquet/rle_decoder.h"

#include <algorithm>
#include <cstring>

namespace floe::parquet {

namespace {
constexpr size_t kGroupSize = 8;
constexpr int kBitsPerByte = 8;
constexpr int kMaxBitWidth = 32;
constexpr uint8_t kVarintMoreBit = 0x80;
constexpr uint8_t kVarintPayloadMask = 0x7F;
constexpr int kVarintPayloadBits = 7;
constexpr int kMaxHeaderBits = 35;  // a uint32 run header in at most 5 varint bytes
}  // namespace

bool RleDecoder::NextRun() {
  if (bit_width_ < 0 || bit_width_ > kMaxBitWidth) return false;
  uint64_t header = 0;
  for (int shift = 0;; shift += kVarintPayloadBits) {
    if (shift >= kMaxHeaderBits || pos_ >= size_) return false;
    uint8_t b = data_[pos_++];
    header |= static_cast<uint64_t>(b & kVarintPayloadMask) << shift;
    if ((b & kVarintMoreBit) == 0) break;
  }
  if (header & 1) {
    uint64_t groups = header >> 1;
    uint64_t values = groups * kGroupSize;
    uint64_t bytes = groups * static_cast<uint64_t>(bit_width_);
    size_t left = size_ - pos_;
    if (bytes > left) {
      // Some writers cut the padding of the last group: use the values that are there.
      bytes = left;
      values = bit_width_ == 0 ? values : left * kBitsPerByte / static_cast<uint64_t>(bit_width_);
    }
    literal_left_ = values;
    literal_bit_pos_ = pos_ * kBitsPerByte;
    pos_ += bytes;
    return values > 0;
  }
  rle_left_ = header >> 1;
  size_t value_bytes = (static_cast<size_t>(bit_width_) + 7) / kBitsPerByte;
  if (value_bytes > size_ - pos_) return false;
  uint32_t v = 0;
  for (size_t i = 0; i < value_bytes; ++i) {
    v |= static_cast<uint32_t>(data_[pos_ + i]) << (kBitsPerByte * i);
  }
  pos_ += value_bytes;
  if (bit_width_ < kMaxBitWidth && (v >> bit_width_) != 0) return false;
  rle_value_ = v;
  return rle_left_ > 0;
}

template <typename T>
size_t RleDecoder::Decode(T* out, size_t n) {
  size_t done = 0;
  const uint64_t mask = bit_width_ >= kMaxBitWidth ? 0xFFFFFFFFull : ((1ull << bit_width_) - 1);
  while (done < n) {
    if (rle_left_ > 0) {
      size_t k = static_cast<size_t>(std::min<uint64_t>(rle_left_, n - done));
      std::fill(out + done, out + done + k, static_cast<T>(rle_value_));
      rle_left_ -= k;
      done += k;
    } else if (literal_left_ > 0) {
      size_t k = static_cast<size_t>(std::min<uint64_t>(literal_left_, n - done));
      if (bit_width_ == 0) {
        std::fill(out + done, out + done + k, T{0});
      } else {
        for (size_t i = 0; i < k; ++i) {
          size_t byte = literal_bit_pos_ / kBitsPerByte;
          int shift = static_cast<int>(literal_bit_pos_ % kBitsPerByte);
          uint64_t word = 0;
          size_t avail = std::min<size_t>(sizeof(word), size_ - byte);
          std::memcpy(&word, data_ + byte, avail);
          out[done + i] = static_cast<T>((word >> shift) & mask);
          literal_bit_pos_ += static_cast<size_t>(bit_width_);
        }
      }
      literal_left_ -= k;
      done += k;
    } else if (!NextRun()) {
      break;
    }
  }
  return done;
}

template size_t RleDecoder::Decode<uint8_t>(uint8_t*, size_t);
template size_t RleDecoder::Decode<uint32_t>(uint32_t*, size_t);

}  // namespace floe::parquet
