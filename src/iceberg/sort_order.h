#pragma once

// Sort orders: how rows are sorted within data files. floe writes unsorted tables (order 0) but
// reads and keeps any order a table already has.

#include <cstdint>
#include <vector>

#include "iceberg/transform.h"

namespace floe::iceberg {

enum class SortDirection : uint8_t { kAsc, kDesc };
enum class NullOrder : uint8_t { kNullsFirst, kNullsLast };

struct SortField {
  int32_t source_id = 0;
  Transform transform;
  SortDirection direction = SortDirection::kAsc;
  NullOrder null_order = NullOrder::kNullsFirst;

  bool operator==(const SortField&) const = default;
};

/// Thread safety: a value type. Order id 0 is reserved for the unsorted order.
struct SortOrder {
  int32_t order_id = 0;
  std::vector<SortField> fields;

  static SortOrder Unsorted() { return SortOrder{}; }
  bool operator==(const SortOrder&) const = default;
};

}  // namespace floe::iceberg
