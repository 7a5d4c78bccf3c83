#include "stream/window/group_table.h"

#include <cstring>

namespace floe::stream::window {

namespace {

constexpr size_t kInitialSlots = 16;
// Grow at 3/4 full: probes stay short, and a slot is only 4 bytes.
constexpr size_t kLoadNumerator = 3;
constexpr size_t kLoadDenominator = 4;

}  // namespace

uint8_t* GroupTable::FindOrAdd(std::string_view key, size_t hash, bool* added) {
  if (slots_.empty() || (hashes_.size() + 1) * kLoadDenominator > slots_.size() * kLoadNumerator) {
    Grow();
  }
  const auto short_hash = static_cast<uint32_t>(hash);
  const size_t mask = slots_.size() - 1;
  for (size_t at = short_hash & mask;; at = (at + 1) & mask) {
    const uint32_t slot = slots_[at];
    if (slot == 0) {
      const auto group = static_cast<uint32_t>(hashes_.size());
      slots_[at] = group + 1;
      hashes_.push_back(short_hash);
      keys_.append(key);
      key_ends_.push_back(static_cast<uint32_t>(keys_.size()));
      rows_.resize(rows_.size() + row_bytes_);
      *added = true;
      return row(group);
    }
    const uint32_t group = slot - 1;
    if (hashes_[group] == short_hash && this->key(group) == key) {
      *added = false;
      return row(group);
    }
  }
}

void GroupTable::Grow() {
  std::vector<uint32_t> slots(slots_.empty() ? kInitialSlots : slots_.size() * 2, 0);
  const size_t mask = slots.size() - 1;
  for (size_t group = 0; group < hashes_.size(); ++group) {
    // Only the low 32 bits of the hash are kept: enough to place a group in up to 2^32 slots.
    size_t at = hashes_[group] & mask;
    while (slots[at] != 0) at = (at + 1) & mask;
    slots[at] = static_cast<uint32_t>(group + 1);
  }
  slots_.swap(slots);
}

size_t GroupTable::MemoryBytes() const {
  return slots_.capacity() * sizeof(uint32_t) + hashes_.capacity() * sizeof(uint32_t) +
         key_ends_.capacity() * sizeof(uint32_t) + keys_.capacity() + rows_.capacity();
}

}  // namespace floe::stream::window
