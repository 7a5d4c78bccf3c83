#include "format/avro/binary_decoder.h"

#include <bit>
#include <cstring>
#include <limits>

namespace floe::avro {
namespace {

constexpr int kVarintPayloadBits = 7;
constexpr uint8_t kVarintPayloadMask = 0x7f;
constexpr uint8_t kVarintContinuation = 0x80;
// A 64-bit value takes at most ten 7-bit groups.
constexpr int kMaxVarintBytes = 10;
// Items that encode to zero bytes (null, empty records) cannot be bounded by the input size, so
// their count per block is capped to keep a corrupt count from looping or allocating forever.
constexpr int64_t kMaxEmptyItemsPerBlock = int64_t{1} << 20;

template <typename T>
Result<T> ReadLittleEndian(BinaryDecoder* decoder, std::string_view what) {
  static_assert(std::endian::native == std::endian::little, "big-endian hosts are not supported");
  if (decoder->remaining() < sizeof(T)) {
    return Corrupt("{} runs past the end of the data at byte {}", what, decoder->offset());
  }
  FLOE_ASSIGN_OR_RAISE(std::string_view bytes, decoder->ReadFixed(sizeof(T)));
  T v;
  std::memcpy(&v, bytes.data(), sizeof(T));
  return v;
}

// Whether a value of this type may encode to no bytes at all.
bool MayBeEmpty(const Node& schema) {
  switch (schema.type) {
    case AvroType::kNull:
      return true;
    case AvroType::kFixed:
      return schema.size == 0;
    case AvroType::kRecord:
      for (const auto& field : schema.fields) {
        if (field.type && !MayBeEmpty(*field.type)) return false;
      }
      return true;
    default:
      return false;
  }
}

// Reads the count of the next block of an array or map: 0 ends it; a negative count is followed
// by the block's size in bytes, which we do not need.
// `items_take_bytes` says whether every item encodes to at least one byte, so that the remaining
// input bounds the count.
Result<int64_t> ReadBlockCount(bool items_take_bytes, BinaryDecoder* decoder) {
  const int64_t start = decoder->offset();
  FLOE_ASSIGN_OR_RAISE(int64_t count, decoder->ReadLong());
  if (count < 0) {
    if (count == std::numeric_limits<int64_t>::min()) {
      return Corrupt("invalid block count at byte {}", start);
    }
    count = -count;
    FLOE_ASSIGN_OR_RAISE(int64_t size_bytes, decoder->ReadLong());
    if (size_bytes < 0 || static_cast<uint64_t>(size_bytes) > decoder->remaining()) {
      return Corrupt("block size {} at byte {} is out of range", size_bytes, start);
    }
  }
  if ((items_take_bytes && static_cast<uint64_t>(count) > decoder->remaining()) ||
      (!items_take_bytes && count > kMaxEmptyItemsPerBlock)) {
    return Corrupt("block count {} at byte {} exceeds the remaining data", count, start);
  }
  return count;
}

}  // namespace

Result<bool> BinaryDecoder::ReadBoolean() {
  const int64_t start = offset();
  FLOE_ASSIGN_OR_RAISE(std::string_view byte, ReadFixed(1));
  if (byte[0] != '\0' && byte[0] != '\1') {
    return Corrupt("invalid boolean byte {} at byte {}", static_cast<int>(byte[0]), start);
  }
  return byte[0] == '\1';
}

Result<int32_t> BinaryDecoder::ReadInt() {
  const int64_t start = offset();
  FLOE_ASSIGN_OR_RAISE(int64_t v, ReadLong());
  if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
    return Corrupt("int {} at byte {} is out of range", v, start);
  }
  return static_cast<int32_t>(v);
}

Result<int64_t> BinaryDecoder::ReadLong() {
  const int64_t start = offset();
  uint64_t zigzag = 0;
  for (int i = 0; i < kMaxVarintBytes; ++i) {
    if (position_ >= data_.size()) {
      return Corrupt("varint starting at byte {} runs past the end of the data", start);
    }
    const auto byte = static_cast<uint8_t>(data_[position_++]);
    zigzag |= static_cast<uint64_t>(byte & kVarintPayloadMask) << (kVarintPayloadBits * i);
    if ((byte & kVarintContinuation) == 0) {
      return static_cast<int64_t>(zigzag >> 1) ^ -static_cast<int64_t>(zigzag & 1);
    }
  }
  return Corrupt("varint starting at byte {} is longer than {} bytes", start, kMaxVarintBytes);
}

Result<float> BinaryDecoder::ReadFloat() { return ReadLittleEndian<float>(this, "float"); }

Result<double> BinaryDecoder::ReadDouble() { return ReadLittleEndian<double>(this, "double"); }

Result<std::string> BinaryDecoder::ReadBytes() {
  const int64_t start = offset();
  FLOE_ASSIGN_OR_RAISE(int64_t size, ReadLong());
  if (size < 0 || static_cast<uint64_t>(size) > remaining()) {
    return Corrupt("byte string at byte {} has length {} but {} bytes remain", start, size,
                   remaining());
  }
  FLOE_ASSIGN_OR_RAISE(std::string_view bytes, ReadFixed(static_cast<size_t>(size)));
  return std::string(bytes);
}

Result<std::string_view> BinaryDecoder::ReadFixed(size_t size) {
  if (size > remaining()) {
    return Corrupt("{} bytes wanted at byte {} but {} remain", size, offset(), remaining());
  }
  std::string_view bytes = data_.substr(position_, size);
  position_ += size;
  return bytes;
}

Result<Value> DecodeValue(const Node& schema, BinaryDecoder* decoder) {
  switch (schema.type) {
    case AvroType::kNull:
      return Value::Null();
    case AvroType::kBoolean: {
      FLOE_ASSIGN_OR_RAISE(bool v, decoder->ReadBoolean());
      return Value::Boolean(v);
    }
    case AvroType::kInt: {
      FLOE_ASSIGN_OR_RAISE(int32_t v, decoder->ReadInt());
      return Value::Int(v);
    }
    case AvroType::kLong: {
      FLOE_ASSIGN_OR_RAISE(int64_t v, decoder->ReadLong());
      return Value::Long(v);
    }
    case AvroType::kFloat: {
      FLOE_ASSIGN_OR_RAISE(float v, decoder->ReadFloat());
      return Value::Float(v);
    }
    case AvroType::kDouble: {
      FLOE_ASSIGN_OR_RAISE(double v, decoder->ReadDouble());
      return Value::Double(v);
    }
    case AvroType::kBytes: {
      FLOE_ASSIGN_OR_RAISE(std::string v, decoder->ReadBytes());
      return Value::Bytes(std::move(v));
    }
    case AvroType::kString: {
      FLOE_ASSIGN_OR_RAISE(std::string v, decoder->ReadBytes());
      return Value::String(std::move(v));
    }
    case AvroType::kFixed: {
      FLOE_ASSIGN_OR_RAISE(std::string_view v,
                           decoder->ReadFixed(static_cast<size_t>(schema.size)));
      return Value::Bytes(std::string(v));
    }
    case AvroType::kEnum: {
      const int64_t start = decoder->offset();
      FLOE_ASSIGN_OR_RAISE(int32_t index, decoder->ReadInt());
      if (index < 0 || static_cast<size_t>(index) >= schema.symbols.size()) {
        return Corrupt("enum index {} at byte {} is out of range for '{}'", index, start,
                       schema.name);
      }
      return Value::Int(index);
    }
    case AvroType::kRecord: {
      std::vector<Value> fields;
      fields.reserve(schema.fields.size());
      for (const auto& field : schema.fields) {
        if (!field.type) return InvalidArgument("field '{}' has no type", field.name);
        FLOE_ASSIGN_OR_RAISE(Value v, DecodeValue(*field.type, decoder));
        fields.push_back(std::move(v));
      }
      return Value::Record(std::move(fields));
    }
    case AvroType::kArray: {
      if (!schema.items) return InvalidArgument("array schema without items");
      std::vector<Value> items;
      const bool items_take_bytes = !MayBeEmpty(*schema.items);
      while (true) {
        FLOE_ASSIGN_OR_RAISE(int64_t count, ReadBlockCount(items_take_bytes, decoder));
        if (count == 0) break;
        for (int64_t i = 0; i < count; ++i) {
          FLOE_ASSIGN_OR_RAISE(Value v, DecodeValue(*schema.items, decoder));
          items.push_back(std::move(v));
        }
      }
      return Value::Array(std::move(items));
    }
    case AvroType::kMap: {
      if (!schema.values) return InvalidArgument("map schema without values");
      Value::MapEntries entries;
      while (true) {
        // Every entry holds at least its key's length, so the input bounds the count.
        FLOE_ASSIGN_OR_RAISE(int64_t count, ReadBlockCount(/*items_take_bytes=*/true, decoder));
        if (count == 0) break;
        for (int64_t i = 0; i < count; ++i) {
          FLOE_ASSIGN_OR_RAISE(std::string key, decoder->ReadBytes());
          FLOE_ASSIGN_OR_RAISE(Value v, DecodeValue(*schema.values, decoder));
          entries.emplace_back(std::move(key), std::move(v));
        }
      }
      return Value::Map(std::move(entries));
    }
    case AvroType::kUnion: {
      const int64_t start = decoder->offset();
      FLOE_ASSIGN_OR_RAISE(int64_t index, decoder->ReadLong());
      if (index < 0 || static_cast<uint64_t>(index) >= schema.branches.size()) {
        return Corrupt("union branch {} at byte {} is out of range ({} branches)", index, start,
                       schema.branches.size());
      }
      const NodePtr& branch = schema.branches[static_cast<size_t>(index)];
      if (!branch) return InvalidArgument("union schema with an empty branch");
      return DecodeValue(*branch, decoder);
    }
  }
  return Internal("unknown Avro type");
}

}  // namespace floe::avro
