#pragma once

// Partition specs: which transforms of which columns partition a table.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "iceberg/schema.h"
#include "iceberg/transform.h"

namespace floe::iceberg {

/// Partition field ids start here (spec); an unpartitioned table's last-partition-id is one less.
inline constexpr int32_t kFirstPartitionFieldId = 1000;

struct PartitionField {
  int32_t source_id = 0;
  int32_t field_id = 0;
  std::string name;
  Transform transform;

  bool operator==(const PartitionField&) const = default;
};

/// Thread safety: a value type.
struct PartitionSpec {
  int32_t spec_id = 0;
  std::vector<PartitionField> fields;

  bool is_unpartitioned() const { return fields.empty(); }
  /// The partition tuple's struct type for a schema: one field per partition field, named as it,
  /// numbered with its field id, typed by the transform's result type, optional.
  Result<TypePtr> PartitionType(const Schema& schema) const;
  /// Checks that every source exists and accepts its transform, and that names are unique.
  Status Validate(const Schema& schema) const;
  /// The largest partition field id, or kFirstPartitionFieldId - 1 when unpartitioned.
  int32_t LastFieldId() const;

  bool operator==(const PartitionSpec&) const = default;
};

/// Parses the command line's partition expression, e.g.
/// "day(ts),bucket(16,id),truncate(4,name),identity(kind)" (also "year(ts)", "month(ts)",
/// "hour(ts)", "void(x)", and a bare column name for identity), against a schema; field ids are
/// numbered from kFirstPartitionFieldId and names are the defaults. Errors name the term.
Result<PartitionSpec> ParsePartitionBy(std::string_view expression, const Schema& schema);

}  // namespace floe::iceberg
