#pragma once

// The groups of one open window: group key bytes → the group's aggregate row. Open addressing
// over flat arrays (a slot is a 32-bit group number; keys sit end to end in one buffer; rows
// are fixed-size and contiguous), so an open (window, key) costs its key, its row and about 14
// bytes of bookkeeping. Groups are only added; a window's table is dropped whole when it fires.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace floe::stream::window {

/// Thread safety: none; part of one WindowState.
class GroupTable {
 public:
  explicit GroupTable(size_t row_bytes) : row_bytes_(row_bytes) {}

  /// The row of `key`; `*added` says whether the group is new (its row is then zeroed, for the
  /// caller to Init).
  uint8_t* FindOrAdd(std::string_view key, size_t hash, bool* added);

  size_t size() const { return hashes_.size(); }
  std::string_view key(size_t group) const {
    return std::string_view(keys_).substr(key_ends_[group] - KeySize(group), KeySize(group));
  }
  uint8_t* row(size_t group) { return rows_.data() + group * row_bytes_; }
  const uint8_t* row(size_t group) const { return rows_.data() + group * row_bytes_; }
  /// Bytes held by the table's arrays (capacities).
  size_t MemoryBytes() const;

 private:
  uint32_t KeySize(size_t group) const {
    return key_ends_[group] - (group == 0 ? 0 : key_ends_[group - 1]);
  }
  void Grow();

  size_t row_bytes_;
  std::vector<uint32_t> slots_;     // group + 1, 0 when empty; a power of two in size
  std::vector<uint32_t> hashes_;    // per group: the low bits of its key's hash
  std::vector<uint32_t> key_ends_;  // per group: where its key ends in keys_
  std::string keys_;
  std::vector<uint8_t> rows_;
};

}  // namespace floe::stream::window
