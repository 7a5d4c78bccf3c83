#include "format/parquet/thrift_compact_writer.h"

namespace floe::parquet {

namespace {
// A field header packs the id delta into the high nibble when it fits in 1..15.
constexpr int kMaxShortDelta = 15;
constexpr int kNibbleShift = 4;
// A list header packs the size into the high nibble below 15; 15 means "varint size follows".
constexpr size_t kMaxShortListSize = 14;
constexpr uint8_t kLongListMarker = 0xF0;
constexpr uint8_t kVarintMoreBit = 0x80;
constexpr uint8_t kVarintPayloadMask = 0x7F;
constexpr int kVarintPayloadBits = 7;
}  // namespace

void ThriftCompactWriter::StructBegin() {
  field_id_stack_.push_back(last_field_id_);
  last_field_id_ = 0;
}

void ThriftCompactWriter::StructEnd() {
  out_->push_back(static_cast<char>(ThriftType::kStop));
  last_field_id_ = field_id_stack_.empty() ? 0 : field_id_stack_.back();
  if (!field_id_stack_.empty()) field_id_stack_.pop_back();
}

void ThriftCompactWriter::FieldBegin(ThriftType type, int16_t id) {
  int delta = id - last_field_id_;
  if (delta > 0 && delta <= kMaxShortDelta) {
    out_->push_back(static_cast<char>((delta << kNibbleShift) | static_cast<int>(type)));
  } else {
    out_->push_back(static_cast<char>(type));
    Varint(ZigZag32(id));
  }
  last_field_id_ = id;
}

void ThriftCompactWriter::BoolField(int16_t id, bool value) {
  FieldBegin(value ? ThriftType::kBoolTrue : ThriftType::kBoolFalse, id);
}

void ThriftCompactWriter::I32Field(int16_t id, int32_t value) {
  FieldBegin(ThriftType::kI32, id);
  I32(value);
}

void ThriftCompactWriter::I64Field(int16_t id, int64_t value) {
  FieldBegin(ThriftType::kI64, id);
  I64(value);
}

void ThriftCompactWriter::BinaryField(int16_t id, std::string_view value) {
  FieldBegin(ThriftType::kBinary, id);
  Binary(value);
}

void ThriftCompactWriter::StructFieldBegin(int16_t id) {
  FieldBegin(ThriftType::kStruct, id);
  StructBegin();
}

void ThriftCompactWriter::ListFieldBegin(int16_t id, ThriftType element_type, size_t size) {
  FieldBegin(ThriftType::kList, id);
  ListBegin(element_type, size);
}

void ThriftCompactWriter::ListBegin(ThriftType element_type, size_t size) {
  if (size <= kMaxShortListSize) {
    out_->push_back(static_cast<char>((size << kNibbleShift) | static_cast<size_t>(element_type)));
  } else {
    out_->push_back(static_cast<char>(kLongListMarker | static_cast<uint8_t>(element_type)));
    Varint(size);
  }
}

void ThriftCompactWriter::Binary(std::string_view value) {
  Varint(value.size());
  out_->append(value);
}

void ThriftCompactWriter::Varint(uint64_t value) {
  while (value > kVarintPayloadMask) {
    out_->push_back(static_cast<char>((value & kVarintPayloadMask) | kVarintMoreBit));
    value >>= kVarintPayloadBits;
  }
  out_->push_back(static_cast<char>(value));
}

}  // namespace floe::parquet
