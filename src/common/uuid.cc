#include "common/uuid.h"

#include <openssl/rand.h>

#include <cstring>
#include <random>

namespace floe {

namespace {

void FillRandom(uint8_t* out, size_t size) {
  if (RAND_bytes(out, static_cast<int>(size)) == 1) return;
  // OpenSSL's generator failed (no entropy source): fall back to the OS device.
  std::random_device device;
  for (size_t i = 0; i < size; ++i) out[i] = static_cast<uint8_t>(device());
}

constexpr uint8_t kVersionMask = 0x0F;
constexpr uint8_t kVersion4 = 0x40;
constexpr uint8_t kVariantMask = 0x3F;
constexpr uint8_t kVariantRfc4122 = 0x80;

}  // namespace

std::array<uint8_t, 16> NewUuidBytes() {
  std::array<uint8_t, 16> bytes{};
  FillRandom(bytes.data(), bytes.size());
  bytes[6] = static_cast<uint8_t>((bytes[6] & kVersionMask) | kVersion4);
  bytes[8] = static_cast<uint8_t>((bytes[8] & kVariantMask) | kVariantRfc4122);
  return bytes;
}

std::string UuidToString(const std::array<uint8_t, 16>& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    out.push_back(kHex[bytes[i] >> 4]);
    out.push_back(kHex[bytes[i] & 0x0F]);
  }
  return out;
}

std::string NewUuid() { return UuidToString(NewUuidBytes()); }

int64_t NewPositiveId() {
  uint64_t value = 0;
  while (value == 0) {
    uint8_t raw[sizeof(value)];
    FillRandom(raw, sizeof(raw));
    std::memcpy(&value, raw, sizeof(value));
    value &= static_cast<uint64_t>(INT64_MAX);
  }
  return static_cast<int64_t>(value);
}

}  // namespace floe
