#pragma once

// The partial aggregates of one (window, key) group as one fixed-size row of bytes: a "has a
// value" byte per aggregate, then each aggregate's slot (counts and integer sums as integers,
// floating sums as doubles, min/max in place for fixed-width types). Values that do not fit a
// slot (min/max of strings, count(distinct)'s sets) live in an AggregateHeap the row points
// into. SQL's null rules: aggregates skip nulls; count gives 0 for a group of nulls, every other
// aggregate null.

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "common/column_vector.h"
#include "iceberg/schema.h"
#include "stream/window/state_codec.h"
#include "stream/window/window_spec.h"

namespace floe::stream::window {

/// Out-of-row values of a state's groups: strings (min/max of string, binary, uuid, fixed) and
/// the value sets of count(distinct). Slots are reused once released. Thread safety: none; part
/// of one WindowState.
struct AggregateHeap {
  std::vector<std::string> strings;
  std::vector<uint32_t> free_strings;
  std::vector<std::unordered_set<std::string>> sets;
  std::vector<uint32_t> free_sets;

  uint32_t NewString(std::string_view value);
  void FreeString(uint32_t index);
  uint32_t NewSet();
  void FreeSet(uint32_t index);
  /// Bytes held, roughly (capacities plus node overheads), for the state's memory figure.
  size_t MemoryBytes() const;
};

/// How a step's aggregates read their input and lay out their row. Thread safety: immutable
/// after Make; rows and heaps passed in belong to the caller.
class AggregateLayout {
 public:
  /// Binds each aggregate to its input column. InvalidArgument naming the aggregate on an
  /// unknown column or a type the function does not take ("sum of 'name' (string): sum takes
  /// int, long, float, double or decimal"); NotSupported for decimals wider than 18 digits in
  /// sum, avg, min and max.
  static Result<AggregateLayout> Make(const iceberg::Schema& input,
                                      const std::vector<AggregateSpec>& aggregates);

  size_t row_bytes() const { return row_bytes_; }
  /// The output columns' names and types, in order (ids are the caller's to give).
  const std::vector<iceberg::NestedField>& output_fields() const { return output_fields_; }

  /// A new group's row: every count 0, every other aggregate null.
  void Init(uint8_t* row) const;
  /// Adds input row `input_row` of `columns` (the batch's columns) to the group's row.
  void Update(uint8_t* row, const std::vector<ColumnVector>& columns, size_t input_row,
              AggregateHeap* heap) const;
  /// Folds `from` into `into` (session windows that merge) and releases `from`.
  void Merge(uint8_t* into, uint8_t* from, AggregateHeap* heap) const;
  /// Appends the group's final values, one per aggregate, to `out[first..]`.
  void Emit(const uint8_t* row, const AggregateHeap& heap, std::vector<ColumnVector>* out,
            size_t first) const;
  /// Gives the row's heap values back.
  void Release(uint8_t* row, AggregateHeap* heap) const;

  /// The row with its heap values inline, and back.
  void Save(const uint8_t* row, const AggregateHeap& heap, StateWriter* out) const;
  Status Load(StateReader* in, uint8_t* row, AggregateHeap* heap) const;

  /// How the value of a slot is held; public for the implementation's helpers.
  enum class SlotKind : uint8_t {
    kCount,        // int64
    kDistinct,     // uint32 set index
    kSumInt,       // Int128 sum
    kSumFloat,     // double sum
    kAvgInt,       // Int128 sum, int64 count
    kAvgFloat,     // double sum, int64 count
    kMinMaxInt,    // int64 (bool, int, long, dates, times, timestamps, decimal <= 18)
    kMinMaxFloat,  // double
    kMinMaxBytes,  // uint32 string index, compared as unsigned bytes
  };
  struct Slot {
    AggregateFunction function;
    SlotKind kind;
    int column;  // -1 for count(*)
    ColumnKind input_kind;
    uint32_t offset;    // of the slot in the row
    int32_t scale = 0;  // decimal inputs of avg
  };

 private:
  AggregateLayout() = default;

  std::vector<Slot> slots_;
  std::vector<iceberg::NestedField> output_fields_;
  size_t row_bytes_ = 0;
};

}  // namespace floe::stream::window
