#include "format/parquet/thrift_compact_reader.h"

#include <cstring>

namespace floe::parquet {

namespace {
constexpr int kNibbleShift = 4;
constexpr uint8_t kLowNibble = 0x0F;
constexpr uint8_t kLongListSize = 0x0F;
constexpr uint8_t kVarintMoreBit = 0x80;
constexpr uint8_t kVarintPayloadMask = 0x7F;
constexpr int kVarintPayloadBits = 7;
constexpr int kMaxVarintBits = 64;
// Deeper than any Parquet struct; stops stack exhaustion on hostile input.
constexpr int kMaxNestingDepth = 64;
constexpr uint8_t kListBoolTrue = 1;

int32_t UnZigZag32(uint64_t v) {
  uint32_t u = static_cast<uint32_t>(v);
  return static_cast<int32_t>((u >> 1) ^ (~(u & 1) + 1));
}
int64_t UnZigZag64(uint64_t v) { return static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1)); }
}  // namespace

void ThriftCompactReader::Fail(std::string_view what) {
  if (status_.ok()) {
    status_ = Corrupt("bad thrift compact data at byte {} of {}: {}", pos_, data_.size(), what);
  }
  pos_ = data_.size();
}

uint64_t ThriftCompactReader::Varint() {
  uint64_t result = 0;
  for (int shift = 0; shift < kMaxVarintBits; shift += kVarintPayloadBits) {
    if (pos_ >= data_.size()) {
      Fail("truncated varint");
      return 0;
    }
    uint8_t b = static_cast<uint8_t>(data_[pos_++]);
    result |= static_cast<uint64_t>(b & kVarintPayloadMask) << shift;
    if ((b & kVarintMoreBit) == 0) return result;
  }
  Fail("varint longer than 10 bytes");
  return 0;
}

void ThriftCompactReader::StructBegin() {
  field_id_stack_.push_back(last_field_id_);
  last_field_id_ = 0;
  if (field_id_stack_.size() > kMaxNestingDepth) Fail("structs nested too deep");
}

void ThriftCompactReader::StructEnd() {
  if (field_id_stack_.empty()) {
    Fail("struct end without a struct");
    return;
  }
  last_field_id_ = field_id_stack_.back();
  field_id_stack_.pop_back();
}

ThriftType ThriftCompactReader::FieldBegin(int16_t* id) {
  *id = 0;
  if (!ok()) return ThriftType::kStop;
  if (pos_ >= data_.size()) {
    Fail("truncated struct (no stop byte)");
    return ThriftType::kStop;
  }
  uint8_t header = static_cast<uint8_t>(data_[pos_++]);
  uint8_t type = header & kLowNibble;
  if (type == static_cast<uint8_t>(ThriftType::kStop)) return ThriftType::kStop;
  if (type > static_cast<uint8_t>(ThriftType::kStruct)) {
    Fail("unknown field type");
    return ThriftType::kStop;
  }
  int delta = header >> kNibbleShift;
  if (delta != 0) {
    *id = static_cast<int16_t>(last_field_id_ + delta);
  } else {
    *id = static_cast<int16_t>(UnZigZag32(Varint()));
  }
  last_field_id_ = *id;
  return ok() ? static_cast<ThriftType>(type) : ThriftType::kStop;
}

size_t ThriftCompactReader::ListBegin(ThriftType* element_type) {
  *element_type = ThriftType::kStop;
  if (pos_ >= data_.size()) {
    Fail("truncated list header");
    return 0;
  }
  uint8_t header = static_cast<uint8_t>(data_[pos_++]);
  *element_type = static_cast<ThriftType>(header & kLowNibble);
  uint64_t size = header >> kNibbleShift;
  if (size == kLongListSize) size = Varint();
  // Every element takes at least one byte, so a larger count is a lie.
  if (size > data_.size() - pos_) {
    Fail("list longer than the data left");
    return 0;
  }
  return static_cast<size_t>(size);
}

int32_t ThriftCompactReader::I32() { return UnZigZag32(Varint()); }
int64_t ThriftCompactReader::I64() { return UnZigZag64(Varint()); }

int8_t ThriftCompactReader::Byte() {
  if (pos_ >= data_.size()) {
    Fail("truncated byte");
    return 0;
  }
  return static_cast<int8_t>(data_[pos_++]);
}

bool ThriftCompactReader::ListBool() { return Byte() == kListBoolTrue; }

double ThriftCompactReader::Double() {
  double v = 0;
  if (data_.size() - pos_ < sizeof(v)) {
    Fail("truncated double");
    return 0;
  }
  std::memcpy(&v, data_.data() + pos_, sizeof(v));
  pos_ += sizeof(v);
  return v;
}

std::string_view ThriftCompactReader::Binary() {
  uint64_t size = Varint();
  if (!ok()) return {};
  if (size > data_.size() - pos_) {
    Fail("binary longer than the data left");
    return {};
  }
  std::string_view v = data_.substr(pos_, size);
  pos_ += size;
  return v;
}

void ThriftCompactReader::Skip(ThriftType type) { SkipDepth(type, 0); }

void ThriftCompactReader::SkipDepth(ThriftType type, int depth) {
  if (depth > kMaxNestingDepth) {
    Fail("values nested too deep");
    return;
  }
  switch (type) {
    case ThriftType::kBoolTrue:
    case ThriftType::kBoolFalse:
      return;  // the value sits in the field header
    case ThriftType::kByte:
      Byte();
      return;
    case ThriftType::kI16:
    case ThriftType::kI32:
    case ThriftType::kI64:
      Varint();
      return;
    case ThriftType::kDouble:
      Double();
      return;
    case ThriftType::kBinary:
      Binary();
      return;
    case ThriftType::kList:
    case ThriftType::kSet: {
      ThriftType element;
      size_t n = ListBegin(&element);
      for (size_t i = 0; i < n && ok(); ++i) {
        // Bools inside a list take one byte each.
        if (element == ThriftType::kBoolTrue || element == ThriftType::kBoolFalse) {
          Byte();
        } else {
          SkipDepth(element, depth + 1);
        }
      }
      return;
    }
    case ThriftType::kMap: {
      uint64_t n = Varint();
      if (n == 0 || !ok()) return;
      uint8_t kinds = static_cast<uint8_t>(Byte());
      auto key = static_cast<ThriftType>(kinds >> kNibbleShift);
      auto value = static_cast<ThriftType>(kinds & kLowNibble);
      if (n > data_.size() - pos_) {
        Fail("map longer than the data left");
        return;
      }
      for (uint64_t i = 0; i < n && ok(); ++i) {
        SkipDepth(key, depth + 1);
        SkipDepth(value, depth + 1);
      }
      return;
    }
    case ThriftType::kStruct: {
      StructBegin();
      while (ok()) {
        int16_t id;
        ThriftType t = FieldBegin(&id);
        if (t == ThriftType::kStop) break;
        SkipDepth(t, depth + 1);
      }
      StructEnd();
      return;
    }
    case ThriftType::kStop:
      Fail("unexpected stop type");
      return;
  }
  Fail("unknown type");
}

}  // namespace floe::parquet
