#include "format/json/base64.h"

#include <array>
#include <cstdint>

namespace floe::json {
namespace {

constexpr uint8_t kInvalid = 0xff;
constexpr size_t kCharsPerQuantum = 4;  // 4 characters carry 3 bytes
constexpr size_t kBytesPerQuantum = 3;
constexpr int kBitsPerChar = 6;
constexpr int kBitsPerByte = 8;
constexpr size_t kMaxPadding = 2;

constexpr std::array<uint8_t, 256> MakeDecodeTable() {
  std::array<uint8_t, 256> table{};
  table.fill(kInvalid);
  constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t i = 0; i < kAlphabet.size(); ++i) {
    table[static_cast<uint8_t>(kAlphabet[i])] = static_cast<uint8_t>(i);
  }
  return table;
}

constexpr std::array<uint8_t, 256> kDecodeTable = MakeDecodeTable();

}  // namespace

Status DecodeBase64(std::string_view text, std::string* out) {
  out->clear();
  size_t padding = 0;
  while (padding < text.size() && padding <= kMaxPadding &&
         text[text.size() - 1 - padding] == '=') {
    ++padding;
  }
  if (padding > kMaxPadding) return InvalidArgument("too much '=' padding");
  if (padding > 0 && text.size() % kCharsPerQuantum != 0) {
    return InvalidArgument("padded length {} is not a multiple of 4", text.size());
  }
  const std::string_view data = text.substr(0, text.size() - padding);
  const size_t tail = data.size() % kCharsPerQuantum;
  if (tail == 1) return InvalidArgument("length {} is not a valid base64 length", text.size());
  out->resize(data.size() / kCharsPerQuantum * kBytesPerQuantum + (tail == 0 ? 0 : tail - 1));
  char* dest = out->data();
  uint32_t bits = 0;
  int bit_count = 0;
  for (size_t i = 0; i < data.size(); ++i) {
    uint8_t sextet = kDecodeTable[static_cast<uint8_t>(data[i])];
    if (sextet == kInvalid) return InvalidArgument("character {} is not base64", i + 1);
    bits = (bits << kBitsPerChar) | sextet;
    bit_count += kBitsPerChar;
    if (bit_count >= kBitsPerByte) {
      bit_count -= kBitsPerByte;
      *dest++ = static_cast<char>(bits >> bit_count);
    }
  }
  return Status::Ok();
}

}  // namespace floe::json
