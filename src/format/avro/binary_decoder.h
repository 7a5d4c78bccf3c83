#pragma once

// Avro binary decoding over a byte buffer, bounds-checked: corrupt input is an error naming the
// byte offset, never a read past the buffer.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "format/avro/schema.h"
#include "format/avro/value.h"

namespace floe::avro {

/// Reads Avro-encoded primitives from a buffer it does not own (which must outlive it).
/// `base_offset` is added to positions in error messages, so errors name the offset in the
/// enclosing file. Thread safety: none.
class BinaryDecoder {
 public:
  explicit BinaryDecoder(std::string_view data, int64_t base_offset = 0)
      : data_(data), base_offset_(base_offset) {}

  Result<bool> ReadBoolean();
  Result<int32_t> ReadInt();
  Result<int64_t> ReadLong();
  Result<float> ReadFloat();
  Result<double> ReadDouble();
  /// A length-prefixed byte string ("bytes" and "string").
  Result<std::string> ReadBytes();
  /// Exactly `size` bytes ("fixed", the sync marker, a block's data); a view into the buffer.
  Result<std::string_view> ReadFixed(size_t size);

  size_t position() const { return position_; }
  size_t remaining() const { return data_.size() - position_; }
  bool at_end() const { return position_ == data_.size(); }
  /// The offset of the next byte in the enclosing file.
  int64_t offset() const { return base_offset_ + static_cast<int64_t>(position_); }

 private:
  std::string_view data_;
  int64_t base_offset_;
  size_t position_ = 0;
};

/// Decodes one value of type `schema`. Arrays and maps may come in several blocks, with a
/// negative count followed by the block's byte size. A union's value is the branch's value.
Result<Value> DecodeValue(const Node& schema, BinaryDecoder* decoder);

}  // namespace floe::avro
