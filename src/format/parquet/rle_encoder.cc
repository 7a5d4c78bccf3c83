#include "format/parquet/rle_encoder.h"

#include <bit>
#include <cstring>

namespace floe::parquet {

namespace {

// Values per bit-packed group, fixed by the format.
constexpr size_t kGroupSize = 8;
// A run shorter than this is cheaper bit-packed (one group costs bit_width bytes).
constexpr size_t kMinRleRun = 8;
constexpr int kBitsPerByte = 8;
constexpr uint8_t kVarintMoreBit = 0x80;
constexpr uint8_t kVarintPayloadMask = 0x7F;
constexpr int kVarintPayloadBits = 7;

void AppendVarint(uint64_t value, std::string* out) {
  while (value > kVarintPayloadMask) {
    out->push_back(static_cast<char>((value & kVarintPayloadMask) | kVarintMoreBit));
    value >>= kVarintPayloadBits;
  }
  out->push_back(static_cast<char>(value));
}

size_t ValueBytes(int bit_width) { return (static_cast<size_t>(bit_width) + 7) / kBitsPerByte; }

template <typename T>
void AppendRleRun(T value, size_t count, int bit_width, std::string* out) {
  AppendVarint(static_cast<uint64_t>(count) << 1, out);
  uint32_t v = static_cast<uint32_t>(value);
  size_t bytes = ValueBytes(bit_width);
  for (size_t i = 0; i < bytes; ++i) {
    out->push_back(static_cast<char>(v & 0xFF));
    v >>= kBitsPerByte;
  }
}

// Bit-packs values[0..n) as ceil(n/8) groups, padding the last group with zeros (readers know
// the value count from the page header and ignore the padding).
template <typename T>
void AppendBitPacked(const T* values, size_t n, int bit_width, std::string* out) {
  size_t groups = (n + kGroupSize - 1) / kGroupSize;
  AppendVarint((static_cast<uint64_t>(groups) << 1) | 1, out);
  if (bit_width == 0) return;
  size_t at = out->size();
  size_t bytes = groups * static_cast<size_t>(bit_width);
  out->resize(at + bytes);
  auto* dst = reinterpret_cast<uint8_t*>(out->data() + at);
  uint64_t buffer = 0;
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    buffer |= static_cast<uint64_t>(values[i]) << bits;
    bits += bit_width;
    while (bits >= kBitsPerByte) {
      *dst++ = static_cast<uint8_t>(buffer);
      buffer >>= kBitsPerByte;
      bits -= kBitsPerByte;
    }
  }
  // Padding values are zero: flush what is left, then zero bytes up to the group boundary.
  uint8_t* end = reinterpret_cast<uint8_t*>(out->data() + at + bytes);
  if (bits > 0) *dst++ = static_cast<uint8_t>(buffer);
  if (dst < end) std::memset(dst, 0, static_cast<size_t>(end - dst));
}

template <typename T>
size_t RunLength(const T* values, size_t from, size_t n) {
  T v = values[from];
  size_t i = from + 1;
  while (i < n && values[i] == v) ++i;
  return i - from;
}

}  // namespace

int RleEncoder::BitWidth(uint64_t max_value) {
  return max_value == 0 ? 0 : static_cast<int>(std::bit_width(max_value));
}

template <typename T>
void RleEncoder::Encode(const T* values, size_t n, int bit_width, std::string* out) {
  size_t literal_start = 0;  // values[literal_start, i) wait to be bit-packed
  size_t i = 0;
  while (i < n) {
    size_t run = RunLength(values, i, n);
    if (run < kMinRleRun) {
      i += run;
      continue;
    }
    // A bit-packed run holds whole groups: lend it values of this run to fill its last group.
    size_t literal = i - literal_start;
    size_t pad = literal % kGroupSize == 0 ? 0 : kGroupSize - literal % kGroupSize;
    if (run - pad < kMinRleRun) {
      i += run;  // too little left for an RLE run: keep it all in the literal run
      continue;
    }
    if (literal + pad > 0) {
      AppendBitPacked(values + literal_start, literal + pad, bit_width, out);
    }
    AppendRleRun(values[i], run - pad, bit_width, out);
    i += run;
    literal_start = i;
  }
  if (literal_start < n) AppendBitPacked(values + literal_start, n - literal_start, bit_width, out);
}

template void RleEncoder::Encode<uint8_t>(const uint8_t*, size_t, int, std::string*);
template void RleEncoder::Encode<uint32_t>(const uint32_t*, size_t, int, std::string*);

}  // namespace floe::parquet
