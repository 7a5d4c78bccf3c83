#pragma once

// Dictionaries for dictionary encoding: each maps a value to its index in insertion order, with
// an open-addressing hash table over the entries themselves, so a lookup neither allocates nor
// copies the value. The entries double as the PLAIN body of the dictionary page.

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace floe::parquet {

/// Dictionary of fixed-width values keyed by their bit pattern (so NaN equals NaN and -0.0 is
/// not +0.0, as PLAIN round trips need). Key is uint32_t or uint64_t. Thread safety: none.
template <typename Key>
class NumericDictionary {
 public:
  NumericDictionary() { Clear(); }

  /// Index of `key`, inserting it at the end when new.
  uint32_t GetOrInsert(Key key) {
    size_t slot = Hash(key) & mask_;
    while (true) {
      uint32_t stored = slots_[slot];
      if (stored == kEmpty) break;
      if (entries_[stored - 1] == key) return stored - 1;
      slot = (slot + 1) & mask_;
    }
    uint32_t index = static_cast<uint32_t>(entries_.size());
    entries_.push_back(key);
    slots_[slot] = index + 1;
    if (entries_.size() * kLoadFactorInverse > slots_.size()) Grow();
    return index;
  }

  size_t size() const { return entries_.size(); }
  const Key* entries() const { return entries_.data(); }
  /// Bytes of the PLAIN dictionary page.
  int64_t plain_size_bytes() const { return static_cast<int64_t>(entries_.size() * sizeof(Key)); }
  void Clear() {
    entries_.clear();
    slots_.assign(kInitialSlots, kEmpty);
    mask_ = kInitialSlots - 1;
    shift_ = kHashBits - std::countr_zero(kInitialSlots);
  }

 private:
  static constexpr uint32_t kEmpty = 0;  // slots hold index + 1
  static constexpr size_t kInitialSlots = 1024;
  static constexpr size_t kLoadFactorInverse = 2;
  static constexpr int kHashBits = 64;
  static constexpr uint64_t kFibonacciMultiplier = 0x9E3779B97F4A7C15ull;

  size_t Hash(Key key) const {
    return static_cast<size_t>((static_cast<uint64_t>(key) * kFibonacciMultiplier) >> shift_);
  }

  void Grow() {
    size_t capacity = slots_.size() * 2;
    slots_.assign(capacity, kEmpty);
    mask_ = capacity - 1;
    shift_ = kHashBits - std::countr_zero(capacity);
    for (uint32_t i = 0; i < entries_.size(); ++i) {
      size_t slot = Hash(entries_[i]) & mask_;
      while (slots_[slot] != kEmpty) slot = (slot + 1) & mask_;
      slots_[slot] = i + 1;
    }
  }

  std::vector<Key> entries_;
  std::vector<uint32_t> slots_;
  size_t mask_ = 0;
  int shift_ = 0;
};

/// Dictionary of byte strings (BYTE_ARRAY, with 4-byte length prefixes in its PLAIN body, or
/// FIXED_LEN_BYTE_ARRAY, without). Thread safety: none.
class BytesDictionary {
 public:
  explicit BytesDictionary(bool length_prefixed);

  uint32_t GetOrInsert(std::string_view value);

  size_t size() const { return offsets_.size(); }
  std::string_view entry(size_t i) const {
    return std::string_view(plain_).substr(offsets_[i], lengths_[i]);
  }
  /// The PLAIN body of the dictionary page.
  const std::string& plain() const { return plain_; }
  int64_t plain_size_bytes() const { return static_cast<int64_t>(plain_.size()); }
  void Clear();

  static uint64_t HashBytes(const char* data, size_t size);

 private:
  struct Slot {
    uint32_t hash = 0;   // low bits of the value's hash: most mismatches end here
    uint32_t index = 0;  // entry index + 1; 0 = empty
  };
  void Grow();

  bool length_prefixed_;
  std::string plain_;
  std::vector<uint32_t> offsets_;  // of each entry's bytes in plain_
  std::vector<uint32_t> lengths_;
  std::vector<Slot> slots_;
  size_t mask_ = 0;
};

}  // namespace floe::parquet
