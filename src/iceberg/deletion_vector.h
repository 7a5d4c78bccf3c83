#pragma once

// Deletion vectors (Iceberg v3): the set of deleted row positions of one data file, and its
// `deletion-vector-v1` blob form stored in a Puffin file: 4-byte big-endian length of
// (magic + vector), magic D1 D3 39 64, the positions as a portable Roaring64 bitmap, CRC-32
// (big-endian) over magic + vector.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace floe::iceberg {

/// The Puffin blob type of a deletion vector, and the field id (the `pos` metadata column) its
/// blob metadata lists.
inline constexpr std::string_view kDeletionVectorBlobType = "deletion-vector-v1";
inline constexpr int32_t kDeletionVectorPositionFieldId = 2147483545;

/// A set of row positions (non-negative), kept as Roaring containers: one per 2^16 positions,
/// a sorted array up to 4096 members, a 65536-bit bitmap above. Thread safety: a value;
/// concurrent const use is safe.
class DeletionVector {
 public:
  /// Adds `position`; a negative one is InvalidArgument and adds nothing.
  Status Add(int64_t position);
  bool Contains(int64_t position) const;
  /// Adds every position of `other` (a new DV for a file merges the one it replaces).
  void Merge(const DeletionVector& other);

  int64_t cardinality() const { return cardinality_; }
  bool empty() const { return cardinality_ == 0; }
  /// Every position, ascending.
  std::vector<int64_t> Positions() const;

  /// The whole `deletion-vector-v1` blob.
  std::string Serialize() const;
  /// Parses a `deletion-vector-v1` blob. A wrong length, magic or CRC, or a damaged bitmap, is
  /// Corrupt saying what and at which byte.
  static Result<DeletionVector> Parse(std::string_view blob);

  /// The portable Roaring64 bitmap alone (the blob's vector part), and back.
  std::string SerializeRoaring64() const;
  static Result<DeletionVector> ParseRoaring64(std::string_view bytes);

  bool operator==(const DeletionVector& other) const { return Positions() == other.Positions(); }

 private:
  /// The low 16 bits of the positions sharing the other 48: sorted `array` while it has at most
  /// kArrayMaxCardinality members, else a 1024-word `bitmap` (and `array` empty).
  struct Container {
    std::vector<uint16_t> array;
    std::vector<uint64_t> bitmap;
    uint32_t cardinality = 0;

    bool Add(uint16_t low);
    bool Contains(uint16_t low) const;
    void ToBitmap();
  };

  static Status ParseRoaring32(std::string_view bytes, size_t* pos, uint64_t high_key,
                               DeletionVector* out);
  static void AppendRoaring32(std::map<uint64_t, Container>::const_iterator begin,
                              std::map<uint64_t, Container>::const_iterator end, std::string* out);

  std::map<uint64_t, Container> containers_;  // by position >> 16
  int64_t cardinality_ = 0;
};

}  // namespace floe::iceberg
