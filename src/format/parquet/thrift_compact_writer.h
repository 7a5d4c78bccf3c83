#pragma once

// Encoder for the Thrift compact protocol (thrift doc/specs/thrift-compact-protocol.md), the
// wire format of Parquet's footer and page headers. Ours, not libthrift: the Parquet structs are
// few and fixed, and writing them by hand keeps the hot page-header path allocation-free.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace floe::parquet {

/// Compact-protocol type ids as they appear in field headers and list headers.
enum class ThriftType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

/// Appends compact-protocol bytes to a caller-owned string. Field ids inside a struct must
/// ascend (the protocol encodes them as deltas when it can). Thread safety: none.
class ThriftCompactWriter {
 public:
  explicit ThriftCompactWriter(std::string* out) : out_(out) {}

  /// Opens a struct (the outermost one too): field ids restart from 0.
  void StructBegin();
  /// Writes the stop byte and returns to the enclosing struct's field ids.
  void StructEnd();

  void FieldBegin(ThriftType type, int16_t id);
  void BoolField(int16_t id, bool value);
  void I32Field(int16_t id, int32_t value);
  void I64Field(int16_t id, int64_t value);
  void BinaryField(int16_t id, std::string_view value);
  /// Opens a struct-valued field; close it with StructEnd().
  void StructFieldBegin(int16_t id);
  void ListFieldBegin(int16_t id, ThriftType element_type, size_t size);

  // Bare values, for list elements.
  void ListBegin(ThriftType element_type, size_t size);
  void I32(int32_t value) { Varint(ZigZag32(value)); }
  void I64(int64_t value) { Varint(ZigZag64(value)); }
  void Binary(std::string_view value);
  /// An i8: one raw byte, not a varint.
  void Byte(int8_t value) { out_->push_back(static_cast<char>(value)); }

  void Varint(uint64_t value);
  static uint32_t ZigZag32(int32_t v) {
    return (static_cast<uint32_t>(v) << 1) ^ static_cast<uint32_t>(v >> 31);
  }
  static uint64_t ZigZag64(int64_t v) {
    return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
  }

 private:
  std::string* out_;
  int16_t last_field_id_ = 0;
  std::vector<int16_t> field_id_stack_;
};

}  // namespace floe::parquet
