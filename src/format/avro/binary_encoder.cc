#include "format/avro/binary_encoder.h"

#include <bit>
#include <cstring>
#include <limits>

namespace floe::avro {
namespace {

constexpr int kVarintPayloadBits = 7;
constexpr uint64_t kVarintPayloadMask = 0x7f;
constexpr uint64_t kVarintContinuation = 0x80;

void AppendVarint(std::string* out, uint64_t v) {
  while (v > kVarintPayloadMask) {
    out->push_back(static_cast<char>((v & kVarintPayloadMask) | kVarintContinuation));
    v >>= kVarintPayloadBits;
  }
  out->push_back(static_cast<char>(v));
}

template <typename T>
void AppendLittleEndian(std::string* out, T v) {
  static_assert(std::endian::native == std::endian::little, "big-endian hosts are not supported");
  char bytes[sizeof(T)];
  std::memcpy(bytes, &v, sizeof(T));
  out->append(bytes, sizeof(T));
}

// Where a value sits inside the datum: a chain of stack frames, rendered only for an error, so
// that valid rows cost no string building.
struct Path {
  const Path* parent = nullptr;
  const std::string* root = nullptr;     // the caller's prefix, at the root only
  std::string_view field;                // a record field, or
  const std::string* map_key = nullptr;  // a map entry, or
  int64_t index = -1;                    // an array item
};

void Render(const Path& path, std::string* out) {
  if (path.parent != nullptr) Render(*path.parent, out);
  if (path.root != nullptr) {
    out->append(*path.root);
  } else if (path.index >= 0) {
    out->append(fmt::format("[{}]", path.index));
  } else if (path.map_key != nullptr) {
    out->append(fmt::format("[\"{}\"]", *path.map_key));
  } else {
    if (!out->empty()) out->push_back('.');
    out->append(path.field);
  }
}

std::string Where(const Path& path) {
  std::string out;
  Render(path, &out);
  return out.empty() ? std::string("value") : out;
}

Status Mismatch(const Path& path, const Node& schema, const Value& value) {
  return InvalidArgument("{}: expected {}, got {}", Where(path), AvroTypeName(schema.type),
                         value.kind_name());
}

int EnumIndex(const Node& schema, const Value& value) {
  if (value.is_int()) {
    int32_t index = value.as_int();
    return index >= 0 && static_cast<size_t>(index) < schema.symbols.size() ? index : -1;
  }
  if (value.is_string()) {
    for (size_t i = 0; i < schema.symbols.size(); ++i) {
      if (schema.symbols[i] == value.as_string()) return static_cast<int>(i);
    }
  }
  return -1;
}

// Whether `value` belongs to the branch `schema` of a union, looking at its kind (and for enum
// and fixed its symbol and size) only; the chosen branch then validates the value in depth.
bool Fits(const Node& schema, const Value& value, bool allow_widening) {
  switch (schema.type) {
    case AvroType::kNull:
      return value.is_null();
    case AvroType::kBoolean:
      return value.is_boolean();
    case AvroType::kInt:
      return value.is_int();
    case AvroType::kLong:
      return value.is_long() || (allow_widening && value.is_int());
    case AvroType::kFloat:
      return value.is_float();
    case AvroType::kDouble:
      return value.is_double() || (allow_widening && value.is_float());
    case AvroType::kBytes:
      return value.is_bytes() || (allow_widening && value.is_string());
    case AvroType::kString:
      return value.is_string() || (allow_widening && value.is_bytes());
    case AvroType::kFixed:
      return (value.is_bytes() || value.is_string()) &&
             value.as_bytes().size() == static_cast<size_t>(schema.size);
    case AvroType::kEnum:
      return EnumIndex(schema, value) >= 0;
    case AvroType::kRecord:
      return value.is_record() && value.as_record().size() == schema.fields.size();
    case AvroType::kArray:
      return value.is_array();
    case AvroType::kMap:
      return value.is_map();
    case AvroType::kUnion:
      return false;
  }
  return false;
}

}  // namespace

void BinaryEncoder::WriteBoolean(bool v) { out_->push_back(v ? '\1' : '\0'); }

void BinaryEncoder::WriteInt(int32_t v) { WriteLong(v); }

void BinaryEncoder::WriteLong(int64_t v) {
  // Zigzag: small magnitudes of either sign become small unsigned numbers.
  // The arithmetic shift spreads the sign bit over the whole word.
  constexpr int kSignShift = std::numeric_limits<int64_t>::digits;
  uint64_t zigzag = (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> kSignShift);
  AppendVarint(out_, zigzag);
}

void BinaryEncoder::WriteFloat(float v) { AppendLittleEndian(out_, v); }

void BinaryEncoder::WriteDouble(double v) { AppendLittleEndian(out_, v); }

void BinaryEncoder::WriteBytes(std::string_view v) {
  WriteLong(static_cast<int64_t>(v.size()));
  out_->append(v);
}

void BinaryEncoder::WriteFixed(std::string_view v) { out_->append(v); }

namespace {

Status Encode(const Node& schema, const Value& value, BinaryEncoder* encoder, const Path& path) {
  if ((schema.type == AvroType::kArray && !schema.items) ||
      (schema.type == AvroType::kMap && !schema.values)) {
    return InvalidArgument("{}: schema {} has no element type", Where(path),
                           AvroTypeName(schema.type));
  }
  switch (schema.type) {
    case AvroType::kNull:
      if (!value.is_null()) return Mismatch(path, schema, value);
      return Status::Ok();
    case AvroType::kBoolean:
      if (!value.is_boolean()) return Mismatch(path, schema, value);
      encoder->WriteBoolean(value.as_boolean());
      return Status::Ok();
    case AvroType::kInt:
      if (!value.is_int()) return Mismatch(path, schema, value);
      encoder->WriteInt(value.as_int());
      return Status::Ok();
    case AvroType::kLong:
      if (value.is_long()) {
        encoder->WriteLong(value.as_long());
      } else if (value.is_int()) {
        encoder->WriteLong(value.as_int());
      } else {
        return Mismatch(path, schema, value);
      }
      return Status::Ok();
    case AvroType::kFloat:
      if (!value.is_float()) return Mismatch(path, schema, value);
      encoder->WriteFloat(value.as_float());
      return Status::Ok();
    case AvroType::kDouble:
      if (value.is_double()) {
        encoder->WriteDouble(value.as_double());
      } else if (value.is_float()) {
        encoder->WriteDouble(value.as_float());
      } else {
        return Mismatch(path, schema, value);
      }
      return Status::Ok();
    case AvroType::kBytes:
    case AvroType::kString:
      if (!value.is_string() && !value.is_bytes()) return Mismatch(path, schema, value);
      encoder->WriteBytes(value.as_bytes());
      return Status::Ok();
    case AvroType::kFixed:
      if (!value.is_string() && !value.is_bytes()) return Mismatch(path, schema, value);
      if (value.as_bytes().size() != static_cast<size_t>(schema.size)) {
        return InvalidArgument("{}: expected {} bytes for fixed '{}', got {}", Where(path),
                               schema.size, schema.name, value.as_bytes().size());
      }
      encoder->WriteFixed(value.as_bytes());
      return Status::Ok();
    case AvroType::kEnum: {
      if (!value.is_int() && !value.is_string()) return Mismatch(path, schema, value);
      int index = EnumIndex(schema, value);
      if (index < 0) {
        return InvalidArgument("{}: {} is not a symbol of enum '{}'", Where(path),
                               value.DebugString(), schema.name);
      }
      encoder->WriteInt(index);
      return Status::Ok();
    }
    case AvroType::kRecord: {
      if (!value.is_record()) return Mismatch(path, schema, value);
      const auto& fields = value.as_record();
      if (fields.size() != schema.fields.size()) {
        return InvalidArgument("{}: record '{}' has {} fields, got {} values", Where(path),
                               schema.name, schema.fields.size(), fields.size());
      }
      for (size_t i = 0; i < fields.size(); ++i) {
        const Field& field = schema.fields[i];
        if (!field.type) return InvalidArgument("{}: schema field has no type", field.name);
        FLOE_RETURN_IF_ERROR(
            Encode(*field.type, fields[i], encoder, Path{.parent = &path, .field = field.name}));
      }
      return Status::Ok();
    }
    case AvroType::kArray: {
      if (!value.is_array()) return Mismatch(path, schema, value);
      const auto& items = value.as_array();
      // One block holding every item, then the empty block that ends the array.
      if (!items.empty()) {
        encoder->WriteLong(static_cast<int64_t>(items.size()));
        for (size_t i = 0; i < items.size(); ++i) {
          FLOE_RETURN_IF_ERROR(Encode(*schema.items, items[i], encoder,
                                      Path{.parent = &path, .index = static_cast<int64_t>(i)}));
        }
      }
      encoder->WriteLong(0);
      return Status::Ok();
    }
    case AvroType::kMap: {
      if (!value.is_map()) return Mismatch(path, schema, value);
      const auto& entries = value.as_map();
      if (!entries.empty()) {
        encoder->WriteLong(static_cast<int64_t>(entries.size()));
        for (const auto& [key, item] : entries) {
          encoder->WriteBytes(key);
          FLOE_RETURN_IF_ERROR(
              Encode(*schema.values, item, encoder, Path{.parent = &path, .map_key = &key}));
        }
      }
      encoder->WriteLong(0);
      return Status::Ok();
    }
    case AvroType::kUnion: {
      for (bool allow_widening : {false, true}) {
        for (size_t i = 0; i < schema.branches.size(); ++i) {
          if (schema.branches[i] && Fits(*schema.branches[i], value, allow_widening)) {
            encoder->WriteLong(static_cast<int64_t>(i));
            return Encode(*schema.branches[i], value, encoder, path);
          }
        }
      }
      std::string branches;
      for (const auto& branch : schema.branches) {
        if (!branches.empty()) branches += ", ";
        if (!branch) continue;
        branches += branch->name.empty() ? std::string(AvroTypeName(branch->type)) : branch->name;
      }
      return InvalidArgument("{}: expected one of [{}], got {}", Where(path), branches,
                             value.kind_name());
    }
  }
  return Internal("{}: unknown Avro type", Where(path));
}

}  // namespace

Status EncodeValue(const Node& schema, const Value& value, BinaryEncoder* encoder,
                   const std::string& path) {
  return Encode(schema, value, encoder, Path{.root = &path});
}

}  // namespace floe::avro
