#pragma once

// Decoder for the Thrift compact protocol over a byte span. Errors are sticky: after the first
// malformed byte every read returns a zero value and status() says what went wrong and at which
// offset, so parsing code checks once per loop instead of after every call.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "format/parquet/thrift_compact_writer.h"

namespace floe::parquet {

/// Reads compact-protocol values from a span it does not own. Nesting is bounded so that a
/// hostile input cannot exhaust the stack. Thread safety: none.
class ThriftCompactReader {
 public:
  explicit ThriftCompactReader(std::string_view data) : data_(data) {}

  /// Enters a struct: field ids restart from 0.
  void StructBegin();
  /// Leaves a struct (after FieldBegin returned kStop).
  void StructEnd();
  /// Reads a field header; returns kStop at the end of the struct. Bool fields carry their
  /// value in the type: read it with FieldBool().
  ThriftType FieldBegin(int16_t* id);
  bool FieldBool(ThriftType type) const { return type == ThriftType::kBoolTrue; }

  /// Reads a list header; returns the element count (bounded by the bytes left).
  size_t ListBegin(ThriftType* element_type);

  int32_t I32();
  int64_t I64();
  int8_t Byte();
  double Double();
  std::string_view Binary();
  bool ListBool();

  /// Skips one value of `type` (structs, lists, maps recursively).
  void Skip(ThriftType type);

  uint64_t Varint();
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  size_t position() const { return pos_; }
  void Fail(std::string_view what);

 private:
  void SkipDepth(ThriftType type, int depth);

  std::string_view data_;
  size_t pos_ = 0;
  int16_t last_field_id_ = 0;
  std::vector<int16_t> field_id_stack_;
  Status status_;
};

}  // namespace floe::parquet
