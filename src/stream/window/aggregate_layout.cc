#include "stream/window/aggregate_layout.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "format/json/decimal.h"
#include "iceberg/column_kind.h"

namespace floe::stream::window {

namespace {

using json::Int128;
using SlotKind = AggregateLayout::SlotKind;
using Slot = AggregateLayout::Slot;

constexpr size_t kSlotAlign = 8;
constexpr int32_t kSumDecimalPrecision = 38;

size_t AlignUp(size_t value) { return (value + kSlotAlign - 1) / kSlotAlign * kSlotAlign; }

size_t SlotBytes(SlotKind kind) {
  switch (kind) {
    case SlotKind::kSumInt:
      return sizeof(Int128);
    case SlotKind::kAvgInt:
      return sizeof(Int128) + sizeof(int64_t);
    case SlotKind::kAvgFloat:
      return sizeof(double) + sizeof(int64_t);
    default:
      return sizeof(int64_t);
  }
}

template <typename T>
T ReadSlot(const uint8_t* at) {
  T value;
  std::memcpy(&value, at, sizeof(T));
  return value;
}
template <typename T>
void WriteSlot(uint8_t* at, T value) {
  std::memcpy(at, &value, sizeof(T));
}

bool IsIntegerLike(iceberg::TypeId id) {
  switch (id) {
    case iceberg::TypeId::kInt:
    case iceberg::TypeId::kLong:
    case iceberg::TypeId::kDecimal:
      return true;
    default:
      return false;
  }
}

bool IsFloating(iceberg::TypeId id) {
  return id == iceberg::TypeId::kFloat || id == iceberg::TypeId::kDouble;
}

/// An integer-physical value (bool, int32, int64) widened to int64.
int64_t IntegerAt(const ColumnVector& column, size_t row) {
  switch (column.kind()) {
    case ColumnKind::kBool:
      return column.Value<uint8_t>(row);
    case ColumnKind::kInt32:
      return column.Value<int32_t>(row);
    default:
      return column.Value<int64_t>(row);
  }
}

double FloatingAt(const ColumnVector& column, size_t row) {
  return column.kind() == ColumnKind::kFloat ? column.Value<float>(row) : column.Value<double>(row);
}

/// The bytes count(distinct) compares: the value's own bytes for every kind.
std::string DistinctBytes(const ColumnVector& column, size_t row) {
  switch (column.kind()) {
    case ColumnKind::kBytes:
    case ColumnKind::kFixed:
      return std::string(column.GetBytes(row));
    case ColumnKind::kBool:
    case ColumnKind::kInt32:
    case ColumnKind::kInt64: {
      const int64_t value = IntegerAt(column, row);
      return std::string(reinterpret_cast<const char*>(&value), sizeof(value));
    }
    case ColumnKind::kFloat:
    case ColumnKind::kDouble: {
      double value = FloatingAt(column, row);
      if (value == 0) value = 0;  // -0.0 and 0.0 are one value, as in SQL
      return std::string(reinterpret_cast<const char*>(&value), sizeof(value));
    }
  }
  return {};
}

Result<Slot> BindSlot(const iceberg::Schema& input, const AggregateSpec& spec,
                      iceberg::TypePtr* output_type) {
  Slot slot{spec.function, SlotKind::kCount, -1, ColumnKind::kInt64, 0};
  const auto long_type = iceberg::Type::Primitive(iceberg::TypeId::kLong);
  if (spec.function == AggregateFunction::kCountStar) {
    *output_type = long_type;
    return slot;
  }
  const iceberg::NestedField* field = input.FindFieldByName(spec.column);
  if (field == nullptr) {
    std::vector<std::string> names;
    for (const auto& f : input.fields()) names.push_back(f.name);
    return InvalidArgument("unknown column '{}' (known: {})", spec.column, fmt::join(names, ", "));
  }
  slot.column = static_cast<int>(&*field - input.fields().data());
  const iceberg::Type& type = *field->type;
  if (!type.is_primitive()) {
    return InvalidArgument("{} of '{}': {} columns are not supported",
                           AggregateFunctionName(spec.function), spec.column, type.ToString());
  }
  int32_t fixed_width = 0;
  FLOE_ASSIGN_OR_RAISE(slot.input_kind, iceberg::ColumnKindFor(type, &fixed_width));
  const bool wide_decimal =
      type.id() == iceberg::TypeId::kDecimal && type.precision() > json::kMaxInt64DecimalPrecision;
  const auto numeric_only = [&]() -> Status {
    if (IsIntegerLike(type.id()) || IsFloating(type.id())) return Status::Ok();
    return InvalidArgument("{} of '{}' ({}): {} takes int, long, float, double or decimal",
                           AggregateFunctionName(spec.function), spec.column, type.ToString(),
                           AggregateFunctionName(spec.function));
  };
  const auto narrow_decimals = [&]() -> Status {
    if (!wide_decimal) return Status::Ok();
    return NotSupported("{} of '{}': decimals wider than {} digits",
                        AggregateFunctionName(spec.function), spec.column,
                        json::kMaxInt64DecimalPrecision);
  };
  switch (spec.function) {
    case AggregateFunction::kCountStar:
    case AggregateFunction::kCount:
      *output_type = long_type;
      return slot;
    case AggregateFunction::kCountDistinct:
      slot.kind = SlotKind::kDistinct;
      *output_type = long_type;
      return slot;
    case AggregateFunction::kSum:
      FLOE_RETURN_IF_ERROR(numeric_only());
      FLOE_RETURN_IF_ERROR(narrow_decimals());
      if (IsFloating(type.id())) {
        slot.kind = SlotKind::kSumFloat;
        *output_type = iceberg::Type::Primitive(iceberg::TypeId::kDouble);
      } else {
        slot.kind = SlotKind::kSumInt;
        *output_type = type.id() == iceberg::TypeId::kDecimal
                           ? iceberg::Type::Decimal(kSumDecimalPrecision, type.scale())
                           : long_type;
      }
      return slot;
    case AggregateFunction::kAvg:
      FLOE_RETURN_IF_ERROR(numeric_only());
      FLOE_RETURN_IF_ERROR(narrow_decimals());
      slot.kind = IsFloating(type.id()) ? SlotKind::kAvgFloat : SlotKind::kAvgInt;
      slot.scale = type.id() == iceberg::TypeId::kDecimal ? type.scale() : 0;
      *output_type = iceberg::Type::Primitive(iceberg::TypeId::kDouble);
      return slot;
    case AggregateFunction::kMin:
    case AggregateFunction::kMax:
      FLOE_RETURN_IF_ERROR(narrow_decimals());
      switch (slot.input_kind) {
        case ColumnKind::kFloat:
        case ColumnKind::kDouble:
          slot.kind = SlotKind::kMinMaxFloat;
          break;
        case ColumnKind::kBytes:
        case ColumnKind::kFixed:
          slot.kind = SlotKind::kMinMaxBytes;
          break;
        default:
          slot.kind = SlotKind::kMinMaxInt;
      }
      *output_type = field->type;
      return slot;
  }
  return Internal("unknown aggregate function");
}

/// Whether `candidate` replaces `current` as the min (or max).
template <typename T>
bool Better(AggregateFunction function, T candidate, T current) {
  return function == AggregateFunction::kMin ? candidate < current : candidate > current;
}

}  // namespace

uint32_t AggregateHeap::NewString(std::string_view value) {
  if (!free_strings.empty()) {
    const uint32_t index = free_strings.back();
    free_strings.pop_back();
    strings[index].assign(value);
    return index;
  }
  strings.emplace_back(value);
  return static_cast<uint32_t>(strings.size() - 1);
}

void AggregateHeap::FreeString(uint32_t index) {
  std::string().swap(strings[index]);
  free_strings.push_back(index);
}

uint32_t AggregateHeap::NewSet() {
  if (!free_sets.empty()) {
    const uint32_t index = free_sets.back();
    free_sets.pop_back();
    return index;
  }
  sets.emplace_back();
  return static_cast<uint32_t>(sets.size() - 1);
}

void AggregateHeap::FreeSet(uint32_t index) {
  std::unordered_set<std::string>().swap(sets[index]);
  free_sets.push_back(index);
}

size_t AggregateHeap::MemoryBytes() const {
  // A set node holds the string and a next pointer and hash; a bucket is one pointer.
  constexpr size_t kNodeOverhead = sizeof(void*) + sizeof(size_t);
  size_t bytes = strings.capacity() * sizeof(std::string) +
                 (free_strings.capacity() + free_sets.capacity()) * sizeof(uint32_t) +
                 sets.capacity() * sizeof(std::unordered_set<std::string>);
  for (const std::string& value : strings) {
    if (value.capacity() > sizeof(std::string)) bytes += value.capacity();
  }
  for (const auto& set : sets) {
    bytes += set.bucket_count() * sizeof(void*);
    for (const std::string& value : set) {
      bytes += sizeof(std::string) + kNodeOverhead;
      if (value.capacity() > sizeof(std::string)) bytes += value.capacity();
    }
  }
  return bytes;
}

Result<AggregateLayout> AggregateLayout::Make(const iceberg::Schema& input,
                                              const std::vector<AggregateSpec>& aggregates) {
  AggregateLayout layout;
  size_t offset = AlignUp(aggregates.size());  // the "has a value" bytes first
  for (const AggregateSpec& spec : aggregates) {
    iceberg::TypePtr output_type;
    auto slot = BindSlot(input, spec, &output_type);
    if (!slot.ok()) return slot.status().WithContext(fmt::format("aggregate '{}'", spec.name));
    slot->offset = static_cast<uint32_t>(offset);
    offset += SlotBytes(slot->kind);
    layout.slots_.push_back(*slot);
    layout.output_fields_.push_back(iceberg::NestedField{0, spec.name, false, output_type, ""});
  }
  layout.row_bytes_ = offset;
  return layout;
}

void AggregateLayout::Init(uint8_t* row) const { std::memset(row, 0, row_bytes_); }

void AggregateLayout::Update(uint8_t* row, const std::vector<ColumnVector>& columns,
                             size_t input_row, AggregateHeap* heap) const {
  for (size_t i = 0; i < slots_.size(); ++i) {
    const Slot& slot = slots_[i];
    uint8_t* at = row + slot.offset;
    if (slot.function == AggregateFunction::kCountStar) {
      WriteSlot<int64_t>(at, ReadSlot<int64_t>(at) + 1);
      continue;
    }
    const ColumnVector& column = columns[slot.column];
    if (column.IsNull(input_row)) continue;
    const bool first = row[i] == 0;
    row[i] = 1;
    switch (slot.kind) {
      case SlotKind::kCount:
        WriteSlot<int64_t>(at, ReadSlot<int64_t>(at) + 1);
        break;
      case SlotKind::kDistinct: {
        if (first) WriteSlot<uint32_t>(at, heap->NewSet());
        heap->sets[ReadSlot<uint32_t>(at)].insert(DistinctBytes(column, input_row));
        break;
      }
      case SlotKind::kSumInt:
        WriteSlot<Int128>(at, ReadSlot<Int128>(at) + IntegerAt(column, input_row));
        break;
      case SlotKind::kSumFloat:
        WriteSlot<double>(at, ReadSlot<double>(at) + FloatingAt(column, input_row));
        break;
      case SlotKind::kAvgInt:
        WriteSlot<Int128>(at, ReadSlot<Int128>(at) + IntegerAt(column, input_row));
        WriteSlot<int64_t>(at + sizeof(Int128), ReadSlot<int64_t>(at + sizeof(Int128)) + 1);
        break;
      case SlotKind::kAvgFloat:
        WriteSlot<double>(at, ReadSlot<double>(at) + FloatingAt(column, input_row));
        WriteSlot<int64_t>(at + sizeof(double), ReadSlot<int64_t>(at + sizeof(double)) + 1);
        break;
      case SlotKind::kMinMaxInt: {
        const int64_t value = IntegerAt(column, input_row);
        if (first || Better(slot.function, value, ReadSlot<int64_t>(at)))
          WriteSlot<int64_t>(at, value);
        break;
      }
      case SlotKind::kMinMaxFloat: {
        const double value = FloatingAt(column, input_row);
        if (first || Better(slot.function, value, ReadSlot<double>(at)))
          WriteSlot<double>(at, value);
        break;
      }
      case SlotKind::kMinMaxBytes: {
        const std::string_view value = column.GetBytes(input_row);
        if (first) {
          WriteSlot<uint32_t>(at, heap->NewString(value));
        } else {
          std::string& current = heap->strings[ReadSlot<uint32_t>(at)];
          if (Better(slot.function, value, std::string_view(current))) current.assign(value);
        }
        break;
      }
    }
  }
}

void AggregateLayout::Merge(uint8_t* into, uint8_t* from, AggregateHeap* heap) const {
  for (size_t i = 0; i < slots_.size(); ++i) {
    const Slot& slot = slots_[i];
    uint8_t* to = into + slot.offset;
    const uint8_t* at = from + slot.offset;
    if (slot.kind == SlotKind::kCount) {
      WriteSlot<int64_t>(to, ReadSlot<int64_t>(to) + ReadSlot<int64_t>(at));
      into[i] |= from[i];
      continue;
    }
    if (from[i] == 0) continue;
    const bool first = into[i] == 0;
    into[i] = 1;
    switch (slot.kind) {
      case SlotKind::kCount:
        break;
      case SlotKind::kDistinct:
        if (first) {
          WriteSlot<uint32_t>(to, ReadSlot<uint32_t>(at));
          from[i] = 0;  // the set now belongs to `into`
        } else {
          auto& source = heap->sets[ReadSlot<uint32_t>(at)];
          heap->sets[ReadSlot<uint32_t>(to)].merge(source);
        }
        break;
      case SlotKind::kSumInt:
        WriteSlot<Int128>(to, ReadSlot<Int128>(to) + ReadSlot<Int128>(at));
        break;
      case SlotKind::kSumFloat:
        WriteSlot<double>(to, ReadSlot<double>(to) + ReadSlot<double>(at));
        break;
      case SlotKind::kAvgInt:
      case SlotKind::kAvgFloat: {
        const size_t sum_bytes = slot.kind == SlotKind::kAvgInt ? sizeof(Int128) : sizeof(double);
        if (slot.kind == SlotKind::kAvgInt) {
          WriteSlot<Int128>(to, ReadSlot<Int128>(to) + ReadSlot<Int128>(at));
        } else {
          WriteSlot<double>(to, ReadSlot<double>(to) + ReadSlot<double>(at));
        }
        WriteSlot<int64_t>(to + sum_bytes,
                           ReadSlot<int64_t>(to + sum_bytes) + ReadSlot<int64_t>(at + sum_bytes));
        break;
      }
      case SlotKind::kMinMaxInt:
        if (first || Better(slot.function, ReadSlot<int64_t>(at), ReadSlot<int64_t>(to))) {
          WriteSlot<int64_t>(to, ReadSlot<int64_t>(at));
        }
        break;
      case SlotKind::kMinMaxFloat:
        if (first || Better(slot.function, ReadSlot<double>(at), ReadSlot<double>(to))) {
          WriteSlot<double>(to, ReadSlot<double>(at));
        }
        break;
      case SlotKind::kMinMaxBytes:
        if (first) {
          WriteSlot<uint32_t>(to, ReadSlot<uint32_t>(at));
          from[i] = 0;
        } else {
          std::string& current = heap->strings[ReadSlot<uint32_t>(to)];
          const std::string& other = heap->strings[ReadSlot<uint32_t>(at)];
          if (Better(slot.function, std::string_view(other), std::string_view(current))) {
            current = other;
          }
        }
        break;
    }
  }
  Release(from, heap);
}

void AggregateLayout::Emit(const uint8_t* row, const AggregateHeap& heap,
                           std::vector<ColumnVector>* out, size_t first) const {
  for (size_t i = 0; i < slots_.size(); ++i) {
    const Slot& slot = slots_[i];
    const uint8_t* at = row + slot.offset;
    ColumnVector& column = (*out)[first + i];
    if (slot.kind == SlotKind::kCount) {
      column.Append<int64_t>(ReadSlot<int64_t>(at));
      continue;
    }
    if (slot.kind == SlotKind::kDistinct) {
      column.Append<int64_t>(
          row[i] == 0 ? 0 : static_cast<int64_t>(heap.sets[ReadSlot<uint32_t>(at)].size()));
      continue;
    }
    if (row[i] == 0) {
      column.AppendNull();
      continue;
    }
    switch (slot.kind) {
      case SlotKind::kSumInt: {
        const Int128 sum = ReadSlot<Int128>(at);
        if (column.kind() == ColumnKind::kFixed) {
          uint8_t bytes[json::kWideDecimalBytes];
          json::WriteInt128BigEndian(sum, bytes);
          column.AppendBytes(std::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
        } else if (sum > std::numeric_limits<int64_t>::max() ||
                   sum < std::numeric_limits<int64_t>::min()) {
          column.AppendNull();  // beyond long: no value rather than a wrapped one
        } else {
          column.Append<int64_t>(static_cast<int64_t>(sum));
        }
        break;
      }
      case SlotKind::kSumFloat:
        column.Append<double>(ReadSlot<double>(at));
        break;
      case SlotKind::kAvgInt: {
        const double count = static_cast<double>(ReadSlot<int64_t>(at + sizeof(Int128)));
        const double sum = static_cast<double>(ReadSlot<Int128>(at));
        column.Append<double>(sum / count / std::pow(10.0, slot.scale));
        break;
      }
      case SlotKind::kAvgFloat:
        column.Append<double>(ReadSlot<double>(at) /
                              static_cast<double>(ReadSlot<int64_t>(at + sizeof(double))));
        break;
      case SlotKind::kMinMaxInt: {
        const int64_t value = ReadSlot<int64_t>(at);
        if (column.kind() == ColumnKind::kBool) {
          column.Append<uint8_t>(static_cast<uint8_t>(value));
        } else if (column.kind() == ColumnKind::kInt32) {
          column.Append<int32_t>(static_cast<int32_t>(value));
        } else {
          column.Append<int64_t>(value);
        }
        break;
      }
      case SlotKind::kMinMaxFloat:
        if (column.kind() == ColumnKind::kFloat) {
          column.Append<float>(static_cast<float>(ReadSlot<double>(at)));
        } else {
          column.Append<double>(ReadSlot<double>(at));
        }
        break;
      case SlotKind::kMinMaxBytes:
        column.AppendBytes(heap.strings[ReadSlot<uint32_t>(at)]);
        break;
      default:
        break;
    }
  }
}

void AggregateLayout::Release(uint8_t* row, AggregateHeap* heap) const {
  for (size_t i = 0; i < slots_.size(); ++i) {
    if (row[i] == 0) continue;
    const Slot& slot = slots_[i];
    if (slot.kind == SlotKind::kDistinct) heap->FreeSet(ReadSlot<uint32_t>(row + slot.offset));
    if (slot.kind == SlotKind::kMinMaxBytes)
      heap->FreeString(ReadSlot<uint32_t>(row + slot.offset));
    row[i] = 0;
  }
}

void AggregateLayout::Save(const uint8_t* row, const AggregateHeap& heap, StateWriter* out) const {
  out->PutRaw(row, row_bytes_);
  for (size_t i = 0; i < slots_.size(); ++i) {
    if (row[i] == 0) continue;
    const Slot& slot = slots_[i];
    const uint32_t index = ReadSlot<uint32_t>(row + slot.offset);
    if (slot.kind == SlotKind::kDistinct) {
      const auto& set = heap.sets[index];
      out->Put<uint32_t>(static_cast<uint32_t>(set.size()));
      for (const std::string& value : set) out->PutBytes(value);
    } else if (slot.kind == SlotKind::kMinMaxBytes) {
      out->PutBytes(heap.strings[index]);
    }
  }
}

Status AggregateLayout::Load(StateReader* in, uint8_t* row, AggregateHeap* heap) const {
  FLOE_RETURN_IF_ERROR(in->GetRaw(row, row_bytes_));
  for (size_t i = 0; i < slots_.size(); ++i) {
    if (row[i] == 0) continue;
    const Slot& slot = slots_[i];
    if (slot.kind == SlotKind::kDistinct) {
      FLOE_ASSIGN_OR_RAISE(uint32_t count, in->Get<uint32_t>());
      const uint32_t index = heap->NewSet();
      for (uint32_t j = 0; j < count; ++j) {
        FLOE_ASSIGN_OR_RAISE(std::string_view value, in->GetBytes());
        heap->sets[index].emplace(value);
      }
      WriteSlot<uint32_t>(row + slot.offset, index);
    } else if (slot.kind == SlotKind::kMinMaxBytes) {
      FLOE_ASSIGN_OR_RAISE(std::string_view value, in->GetBytes());
      WriteSlot<uint32_t>(row + slot.offset, heap->NewString(value));
    }
  }
  return Status::Ok();
}

}  // namespace floe::stream::window
