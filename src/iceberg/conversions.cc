#include "iceberg/conversions.h"

#include <algorithm>
#include <bit>
#include <vector>

#include "iceberg/column_kind.h"

namespace floe::iceberg {

namespace {

// Decimals up to this precision keep their unscaled value in an int64_t (scalar.h).
constexpr int32_t kMaxInt64DecimalPrecision = 18;
// Wider decimals are 16 bytes of big-endian two's complement.
constexpr size_t kWideDecimalBytes = 16;
constexpr size_t kUuidBytes = 16;
constexpr uint8_t kSignBit = 0x80;
constexpr uint8_t kAllOnes = 0xFF;

// Unicode limits that bound incrementing a code point: surrogates are not characters and cannot
// be encoded in UTF-8, so an increment jumps over them.
constexpr uint32_t kMaxCodePoint = 0x10FFFF;
constexpr uint32_t kFirstSurrogate = 0xD800;
constexpr uint32_t kLastSurrogate = 0xDFFF;

// Bytes are written by shifting rather than by memcpy so that the output is little-endian on
// any host.
template <typename U>
std::string UnsignedToLittleEndian(U value) {
  std::string out(sizeof(U), '\0');
  for (size_t i = 0; i < sizeof(U); ++i) {
    out[i] = static_cast<char>(static_cast<uint8_t>(value >> (8 * i)));
  }
  return out;
}

template <typename U>
U UnsignedFromLittleEndian(std::string_view bytes) {
  U value = 0;
  for (size_t i = 0; i < sizeof(U); ++i) {
    value |= static_cast<U>(static_cast<uint8_t>(bytes[i])) << (8 * i);
  }
  return value;
}

// Removes leading bytes that only repeat the sign, keeping at least one byte.
std::string MinimizeTwosComplement(std::string bytes) {
  size_t start = 0;
  while (start + 1 < bytes.size()) {
    const auto byte = static_cast<uint8_t>(bytes[start]);
    const bool next_negative = (static_cast<uint8_t>(bytes[start + 1]) & kSignBit) != 0;
    const bool redundant = (byte == 0 && !next_negative) || (byte == kAllOnes && next_negative);
    if (!redundant) break;
    ++start;
  }
  return bytes.substr(start);
}

Status WrongScalar(const Type& type, std::string_view expected) {
  return InvalidArgument("a value of type {} must be held as {}", type.ToString(), expected);
}

Status WrongSize(const Type& type, size_t expected, size_t got) {
  return InvalidArgument("single value of type {} must be {} bytes, got {}", type.ToString(),
                         expected, got);
}

// Length of the UTF-8 sequence that a lead byte announces. A byte that cannot lead a sequence
// counts as one unit, so that malformed input still advances.
size_t Utf8SequenceLength(uint8_t lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 1;
}

// Byte offsets at which the first `max_code_points` code points start, plus the offset just past
// the last of them.
std::vector<size_t> CodePointStarts(std::string_view utf8, int max_code_points) {
  std::vector<size_t> starts;
  size_t at = 0;
  while (at < utf8.size() && static_cast<int>(starts.size()) < max_code_points) {
    starts.push_back(at);
    at = std::min(utf8.size(), at + Utf8SequenceLength(static_cast<uint8_t>(utf8[at])));
  }
  starts.push_back(at);
  return starts;
}

// Decodes the sequence `bytes` (as delimited by Utf8SequenceLength); nullopt if malformed.
std::optional<uint32_t> DecodeCodePoint(std::string_view bytes) {
  const auto lead = static_cast<uint8_t>(bytes[0]);
  if (bytes.size() == 1) {
    if (lead >= 0x80) return std::nullopt;
    return lead;
  }
  static constexpr uint8_t kLeadMasks[] = {0, 0, 0x1F, 0x0F, 0x07};
  uint32_t code_point = lead & kLeadMasks[bytes.size()];
  for (size_t i = 1; i < bytes.size(); ++i) {
    const auto byte = static_cast<uint8_t>(bytes[i]);
    if ((byte & 0xC0) != 0x80) return std::nullopt;
    code_point = (code_point << 6) | (byte & 0x3F);
  }
  return code_point;
}

std::string EncodeCodePoint(uint32_t code_point) {
  std::string out;
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
  return out;
}

template <typename T>
Result<T> Expect(const Type& type, const Scalar& value, std::string_view expected) {
  if (const T* held = std::get_if<T>(&value)) return *held;
  return WrongScalar(type, expected);
}

}  // namespace

Result<std::string> DecimalToMinimalBytes(const Type& type, const Scalar& value) {
  if (type.id() != TypeId::kDecimal) {
    return InvalidArgument("{} is not a decimal type", type.ToString());
  }
  if (type.precision() <= kMaxInt64DecimalPrecision) {
    FLOE_ASSIGN_OR_RAISE(int64_t unscaled, Expect<int64_t>(type, value, "an int64 unscaled value"));
    std::string big_endian(sizeof(unscaled), '\0');
    const auto bits = static_cast<uint64_t>(unscaled);
    for (size_t i = 0; i < sizeof(unscaled); ++i) {
      big_endian[i] = static_cast<char>(static_cast<uint8_t>(bits >> (8 * (sizeof(bits) - 1 - i))));
    }
    return MinimizeTwosComplement(std::move(big_endian));
  }
  FLOE_ASSIGN_OR_RAISE(std::string wide,
                       Expect<std::string>(type, value, "16 big-endian unscaled bytes"));
  if (wide.size() != kWideDecimalBytes) {
    return InvalidArgument("a value of type {} must be 16 big-endian bytes, got {}",
                           type.ToString(), wide.size());
  }
  return MinimizeTwosComplement(std::move(wide));
}

Result<Scalar> DecimalFromBytes(const Type& type, std::string_view bytes) {
  if (type.id() != TypeId::kDecimal) {
    return InvalidArgument("{} is not a decimal type", type.ToString());
  }
  if (bytes.empty() || bytes.size() > kWideDecimalBytes) {
    return InvalidArgument("a {} value must be 1 to 16 bytes, got {}", type.ToString(),
                           bytes.size());
  }
  const bool negative = (static_cast<uint8_t>(bytes[0]) & kSignBit) != 0;
  std::string wide(kWideDecimalBytes - bytes.size(), negative ? static_cast<char>(kAllOnes) : '\0');
  wide.append(bytes);
  if (type.precision() > kMaxInt64DecimalPrecision) return Scalar(std::move(wide));

  constexpr size_t kHighHalf = kWideDecimalBytes - sizeof(int64_t);
  const bool low_negative = (static_cast<uint8_t>(wide[kHighHalf]) & kSignBit) != 0;
  for (size_t i = 0; i < kHighHalf; ++i) {
    if (static_cast<uint8_t>(wide[i]) != (low_negative ? kAllOnes : 0)) {
      return InvalidArgument("decimal bytes do not fit {}", type.ToString());
    }
  }
  uint64_t bits = 0;
  for (size_t i = kHighHalf; i < kWideDecimalBytes; ++i) {
    bits = (bits << 8) | static_cast<uint8_t>(wide[i]);
  }
  return Scalar(static_cast<int64_t>(bits));
}

Result<std::string> ToSingleValue(const Type& type, const Scalar& value) {
  if (IsNull(value)) return InvalidArgument("a null {} has no single-value form", type.ToString());
  if (type.id() == TypeId::kDecimal) return DecimalToMinimalBytes(type, value);
  int32_t fixed_width = 0;
  const Result<ColumnKind> kind = ColumnKindFor(type, &fixed_width);
  if (!kind.ok()) return InvalidArgument("type {} has no single-value form", type.ToString());
  switch (*kind) {
    case ColumnKind::kBool: {
      FLOE_ASSIGN_OR_RAISE(bool v, Expect<bool>(type, value, "bool"));
      return std::string(1, v ? '\x01' : '\x00');
    }
    case ColumnKind::kInt32: {
      FLOE_ASSIGN_OR_RAISE(int32_t v, Expect<int32_t>(type, value, "int32"));
      return UnsignedToLittleEndian(static_cast<uint32_t>(v));
    }
    case ColumnKind::kInt64: {
      FLOE_ASSIGN_OR_RAISE(int64_t v, Expect<int64_t>(type, value, "int64"));
      return UnsignedToLittleEndian(static_cast<uint64_t>(v));
    }
    case ColumnKind::kFloat: {
      FLOE_ASSIGN_OR_RAISE(float v, Expect<float>(type, value, "float"));
      return UnsignedToLittleEndian(std::bit_cast<uint32_t>(v));
    }
    case ColumnKind::kDouble: {
      FLOE_ASSIGN_OR_RAISE(double v, Expect<double>(type, value, "double"));
      return UnsignedToLittleEndian(std::bit_cast<uint64_t>(v));
    }
    case ColumnKind::kBytes:
      return Expect<std::string>(type, value, "bytes");
    case ColumnKind::kFixed: {  // uuid and fixed(L): exactly their width
      FLOE_ASSIGN_OR_RAISE(std::string v, Expect<std::string>(type, value, "bytes"));
      const auto expected = static_cast<size_t>(fixed_width);
      if (v.size() != expected) return WrongSize(type, expected, v.size());
      return v;
    }
  }
  return InvalidArgument("type {} has no single-value form", type.ToString());
}

Result<Scalar> FromSingleValue(const Type& type, std::string_view bytes) {
  switch (type.id()) {
    case TypeId::kBoolean:
      if (bytes.size() != 1) return WrongSize(type, 1, bytes.size());
      return Scalar(bytes[0] != 0);
    case TypeId::kInt:
    case TypeId::kDate:
      if (bytes.size() != sizeof(int32_t)) return WrongSize(type, sizeof(int32_t), bytes.size());
      return Scalar(static_cast<int32_t>(UnsignedFromLittleEndian<uint32_t>(bytes)));
    case TypeId::kLong:
      // A column promoted from int keeps the 4-byte bounds written before the promotion.
      if (bytes.size() == sizeof(int32_t)) {
        return Scalar(
            static_cast<int64_t>(static_cast<int32_t>(UnsignedFromLittleEndian<uint32_t>(bytes))));
      }
      [[fallthrough]];
    case TypeId::kTime:
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
    case TypeId::kTimestampNs:
    case TypeId::kTimestampTzNs:
      if (bytes.size() != sizeof(int64_t)) return WrongSize(type, sizeof(int64_t), bytes.size());
      return Scalar(static_cast<int64_t>(UnsignedFromLittleEndian<uint64_t>(bytes)));
    case TypeId::kFloat:
      if (bytes.size() != sizeof(float)) return WrongSize(type, sizeof(float), bytes.size());
      return Scalar(std::bit_cast<float>(UnsignedFromLittleEndian<uint32_t>(bytes)));
    case TypeId::kDouble:
      // Likewise for a column promoted from float.
      if (bytes.size() == sizeof(float)) {
        return Scalar(
            static_cast<double>(std::bit_cast<float>(UnsignedFromLittleEndian<uint32_t>(bytes))));
      }
      if (bytes.size() != sizeof(double)) return WrongSize(type, sizeof(double), bytes.size());
      return Scalar(std::bit_cast<double>(UnsignedFromLittleEndian<uint64_t>(bytes)));
    case TypeId::kString:
    case TypeId::kBinary:
      return Scalar(std::string(bytes));
    case TypeId::kUuid:
      if (bytes.size() != kUuidBytes) return WrongSize(type, kUuidBytes, bytes.size());
      return Scalar(std::string(bytes));
    case TypeId::kFixed:
      if (bytes.size() != static_cast<size_t>(type.length())) {
        return WrongSize(type, static_cast<size_t>(type.length()), bytes.size());
      }
      return Scalar(std::string(bytes));
    case TypeId::kDecimal:
      return DecimalFromBytes(type, bytes);
    case TypeId::kStruct:
    case TypeId::kList:
    case TypeId::kMap:
      break;
  }
  return InvalidArgument("type {} has no single-value form", type.ToString());
}

std::string TruncateLowerBound(std::string_view utf8, int length) {
  const std::vector<size_t> starts = CodePointStarts(utf8, std::max(length, 0));
  return std::string(utf8.substr(0, starts.back()));
}

std::optional<std::string> TruncateUpperBound(std::string_view utf8, int length) {
  const std::vector<size_t> starts = CodePointStarts(utf8, std::max(length, 0));
  // Nothing was cut: the value itself is the tightest upper bound.
  if (starts.back() == utf8.size()) return std::string(utf8);
  // Walk back from the last kept code point; one that cannot grow is dropped, since any
  // shorter prefix with a larger code point before it still bounds the value from above.
  for (size_t i = starts.size() - 1; i-- > 0;) {
    const std::string_view sequence = utf8.substr(starts[i], starts[i + 1] - starts[i]);
    const std::optional<uint32_t> code_point = DecodeCodePoint(sequence);
    if (!code_point) continue;
    uint32_t next = *code_point + 1;
    if (next >= kFirstSurrogate && next <= kLastSurrogate) next = kLastSurrogate + 1;
    if (next > kMaxCodePoint) continue;
    std::string bound(utf8.substr(0, starts[i]));
    bound += EncodeCodePoint(next);
    return bound;
  }
  return std::nullopt;
}

std::string TruncateBinaryLowerBound(std::string_view bytes, int length) {
  return std::string(bytes.substr(0, static_cast<size_t>(std::max(length, 0))));
}

std::optional<std::string> TruncateBinaryUpperBound(std::string_view bytes, int length) {
  const auto kept = static_cast<size_t>(std::max(length, 0));
  if (bytes.size() <= kept) return std::string(bytes);
  std::string bound(bytes.substr(0, kept));
  while (!bound.empty()) {
    const auto last = static_cast<uint8_t>(bound.back());
    if (last != kAllOnes) {
      bound.back() = static_cast<char>(last + 1);
      return bound;
    }
    bound.pop_back();
  }
  return std::nullopt;
}

}  // namespace floe::iceberg
