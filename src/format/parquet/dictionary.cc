#include "format/parquet/dictionary.h"

namespace floe::parquet {

namespace {
constexpr size_t kInitialSlots = 1024;
constexpr size_t kLoadFactorInverse = 2;
constexpr uint64_t kMultiplier1 = 0x9E3779B97F4A7C15ull;
constexpr uint64_t kMultiplier2 = 0xC2B2AE3D27D4EB4Full;
constexpr int kMixShift = 29;
constexpr int kWordBits = 32;
constexpr int kByteBits = 8;
constexpr size_t kLengthPrefixBytes = 4;

uint64_t Mix(uint64_t h, uint64_t word) {
  h = (h ^ word) * kMultiplier2;
  return h ^ (h >> kMixShift);
}
}  // namespace

BytesDictionary::BytesDictionary(bool length_prefixed) : length_prefixed_(length_prefixed) {
  Clear();
}

uint64_t BytesDictionary::HashBytes(const char* p, size_t n) {
  uint64_t h = (n + 1) * kMultiplier1;
  while (n >= sizeof(uint64_t)) {
    uint64_t w;
    std::memcpy(&w, p, sizeof(w));
    h = Mix(h, w);
    p += sizeof(w);
    n -= sizeof(w);
  }
  if (n >= sizeof(uint32_t)) {
    uint32_t a, b;
    std::memcpy(&a, p, sizeof(a));
    std::memcpy(&b, p + n - sizeof(b), sizeof(b));
    h = Mix(h, a | (static_cast<uint64_t>(b) << kWordBits));
  } else if (n > 0) {
    uint64_t w = static_cast<uint8_t>(p[0]) |
                 (static_cast<uint64_t>(static_cast<uint8_t>(p[n / 2])) << kByteBits) |
                 (static_cast<uint64_t>(static_cast<uint8_t>(p[n - 1])) << (2 * kByteBits));
    h = Mix(h, w);
  }
  h ^= h >> kWordBits;
  h *= kMultiplier1;
  return h ^ (h >> kMixShift);
}

uint32_t BytesDictionary::GetOrInsert(std::string_view value) {
  uint64_t full = HashBytes(value.data(), value.size());
  uint32_t hash = static_cast<uint32_t>(full);
  size_t slot = static_cast<size_t>(full >> kWordBits) & mask_;
  while (true) {
    const Slot& s = slots_[slot];
    if (s.index == 0) break;
    if (s.hash == hash) {
      uint32_t i = s.index - 1;
      if (lengths_[i] == value.size() &&
          std::memcmp(plain_.data() + offsets_[i], value.data(), value.size()) == 0) {
        return i;
      }
    }
    slot = (slot + 1) & mask_;
  }
  uint32_t index = static_cast<uint32_t>(offsets_.size());
  if (length_prefixed_) {
    uint32_t len = static_cast<uint32_t>(value.size());
    char prefix[kLengthPrefixBytes];
    std::memcpy(prefix, &len, sizeof(prefix));  // little-endian hosts only, as everywhere here
    plain_.append(prefix, sizeof(prefix));
  }
  offsets_.push_back(static_cast<uint32_t>(plain_.size()));
  lengths_.push_back(static_cast<uint32_t>(value.size()));
  plain_.append(value);
  slots_[slot] = Slot{hash, index + 1};
  if (offsets_.size() * kLoadFactorInverse > slots_.size()) Grow();
  return index;
}

void BytesDictionary::Grow() {
  size_t capacity = slots_.size() * 2;
  slots_.assign(capacity, Slot{});
  mask_ = capacity - 1;
  for (uint32_t i = 0; i < offsets_.size(); ++i) {
    uint64_t full = HashBytes(plain_.data() + offsets_[i], lengths_[i]);
    size_t slot = static_cast<size_t>(full >> kWordBits) & mask_;
    while (slots_[slot].index != 0) slot = (slot + 1) & mask_;
    slots_[slot] = Slot{static_cast<uint32_t>(full), i + 1};
  }
}

void BytesDictionary::Clear() {
  plain_.clear();
  offsets_.clear();
  lengths_.clear();
  slots_.assign(kInitialSlots, Slot{});
  mask_ = kInitialSlots - 1;
}

}  // namespace floe::parquet
