#pragma once

// Avro binary encoding: primitives (zigzag varints, little-endian floats, length-prefixed bytes)
// and whole values checked against their schema.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"
#include "format/avro/schema.h"
#include "format/avro/value.h"

namespace floe::avro {

/// Appends Avro-encoded primitives to a string it does not own (which must outlive it).
/// Thread safety: none.
class BinaryEncoder {
 public:
  explicit BinaryEncoder(std::string* out) : out_(out) {}

  void WriteBoolean(bool v);
  void WriteInt(int32_t v);
  void WriteLong(int64_t v);
  void WriteFloat(float v);
  void WriteDouble(double v);
  /// Length, then the bytes: Avro "bytes" and "string".
  void WriteBytes(std::string_view v);
  /// The bytes alone: Avro "fixed" and the sync marker.
  void WriteFixed(std::string_view v);

 private:
  std::string* out_;
};

/// Encodes `value` as `schema`, validating as it goes. A mismatch is InvalidArgument naming the
/// path below `path`, e.g. "data_file.record_count: expected long, got string". On error the
/// encoder may have written part of the value; the caller discards it. An int is accepted for a
/// long and a float for a double (lossless widening); a string naming a symbol for an enum. For a
/// union the first branch the value fits is chosen, in two passes: exact kinds, then widening.
Status EncodeValue(const Node& schema, const Value& value, BinaryEncoder* encoder,
                   const std::string& path);

}  // namespace floe::avro
