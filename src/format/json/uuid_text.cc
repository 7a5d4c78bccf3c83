#include "format/json/uuid_text.h"

namespace floe::json {
namespace {

constexpr size_t kUuidChars = 36;
constexpr int kBitsPerHexDigit = 4;
constexpr int kHexLetterBase = 10;

// The value of a hex digit, or -1.
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + kHexLetterBase;
  if (c >= 'A' && c <= 'F') return c - 'A' + kHexLetterBase;
  return -1;
}

bool IsHyphenPosition(size_t i) { return i == 8 || i == 13 || i == 18 || i == 23; }

}  // namespace

Status ParseUuidText(std::string_view text, std::array<uint8_t, kUuidBytes>* out) {
  if (text.size() != kUuidChars) {
    return InvalidArgument("{} characters, expected 36 (8-4-4-4-12)", text.size());
  }
  size_t byte = 0;
  bool high = true;
  for (size_t i = 0; i < kUuidChars; ++i) {
    if (IsHyphenPosition(i)) {
      if (text[i] != '-') return InvalidArgument("expected '-' at position {}", i);
      continue;
    }
    int value = HexValue(text[i]);
    if (value < 0) return InvalidArgument("'{}' at position {} is not a hex digit", text[i], i);
    if (high) {
      (*out)[byte] = static_cast<uint8_t>(value << kBitsPerHexDigit);
    } else {
      (*out)[byte++] |= static_cast<uint8_t>(value);
    }
    high = !high;
  }
  return Status::Ok();
}

}  // namespace floe::json
