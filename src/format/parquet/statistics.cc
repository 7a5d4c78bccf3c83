#include "format/parquet/statistics.h"

#include <algorithm>
#include <cstring>

namespace floe::parquet {

namespace {

template <typename T>
T Load(std::string_view bytes) {
  T v{};
  std::memcpy(&v, bytes.data(), std::min(sizeof(T), bytes.size()));
  return v;
}

template <typename T>
int Compare3(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

int CompareUnsignedBytes(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  if (c != 0) return c;
  return Compare3(a.size(), b.size());
}

constexpr uint8_t kSignBit = 0x80;
constexpr uint8_t kAllOnes = 0xFF;

}  // namespace

SortOrder SortOrderOf(const ColumnDescriptor& column) {
  const LogicalType& t = column.logical_type;
  switch (column.physical_type) {
    case PhysicalType::kBoolean:
    case PhysicalType::kInt32:
    case PhysicalType::kInt64:
      if (t.kind == LogicalType::Kind::kInt && !t.is_signed) return SortOrder::kUnknown;
      return SortOrder::kSigned;
    case PhysicalType::kFloat:
    case PhysicalType::kDouble:
      return SortOrder::kFloat;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      return t.kind == LogicalType::Kind::kDecimal ? SortOrder::kSignedDecimal
                                                   : SortOrder::kUnsigned;
    case PhysicalType::kInt96:
      return SortOrder::kUnknown;
  }
  return SortOrder::kUnknown;
}

int CompareSignedBigEndian(std::string_view a, std::string_view b) {
  bool a_negative = !a.empty() && (static_cast<uint8_t>(a[0]) & kSignBit);
  bool b_negative = !b.empty() && (static_cast<uint8_t>(b[0]) & kSignBit);
  if (a_negative != b_negative) return a_negative ? -1 : 1;
  // Same sign: sign-extend the shorter one, then compare bytes unsigned.
  size_t n = std::max(a.size(), b.size());
  uint8_t a_fill = a_negative ? kAllOnes : 0;
  uint8_t b_fill = b_negative ? kAllOnes : 0;
  for (size_t i = 0; i < n; ++i) {
    size_t a_pad = n - a.size(), b_pad = n - b.size();
    uint8_t x = i < a_pad ? a_fill : static_cast<uint8_t>(a[i - a_pad]);
    uint8_t y = i < b_pad ? b_fill : static_cast<uint8_t>(b[i - b_pad]);
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

int CompareEncodedValues(const ColumnDescriptor& column, std::string_view a, std::string_view b) {
  switch (column.physical_type) {
    case PhysicalType::kBoolean:
      return Compare3(Load<uint8_t>(a), Load<uint8_t>(b));
    case PhysicalType::kInt32:
      return Compare3(Load<int32_t>(a), Load<int32_t>(b));
    case PhysicalType::kInt64:
      return Compare3(Load<int64_t>(a), Load<int64_t>(b));
    case PhysicalType::kFloat:
      return Compare3(Load<float>(a), Load<float>(b));
    case PhysicalType::kDouble:
      return Compare3(Load<double>(a), Load<double>(b));
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
    case PhysicalType::kInt96:
      if (SortOrderOf(column) == SortOrder::kSignedDecimal) return CompareSignedBigEndian(a, b);
      return CompareUnsignedBytes(a, b);
  }
  return 0;
}

void EncodedStatistics::Merge(const ColumnDescriptor& column, const EncodedStatistics& other) {
  null_count += other.null_count;
  if (!other.has_min_max) return;
  if (!has_min_max) {
    has_min_max = true;
    min = other.min;
    max = other.max;
    return;
  }
  if (CompareEncodedValues(column, other.min, min) < 0) min = other.min;
  if (CompareEncodedValues(column, other.max, max) > 0) max = other.max;
}

}  // namespace floe::parquet
