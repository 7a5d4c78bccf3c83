#pragma once

// Fresh field ids for a table being created, as Iceberg's catalogs assign them
// (TableMetadata.newTableMetadata → TypeUtil.assignFreshIds): 1, 2, ... breadth-first per struct
// (a struct's fields first, then what is inside each; a list's element, a map's key then value),
// with the partition spec's and sort order's source ids and the identifier fields following
// their columns. Clients send whatever ids they like and read the table's ids back.

#include <optional>

#include "common/result.h"
#include "iceberg/partition_spec.h"
#include "iceberg/schema.h"
#include "iceberg/sort_order.h"

namespace floe::catalog_server {

struct FreshTable {
  iceberg::Schema schema;
  iceberg::PartitionSpec spec;
  std::optional<iceberg::SortOrder> sort_order;
};

/// kInvalidArgument when the spec or the order names a column the schema does not have.
Result<FreshTable> AssignFreshIds(const iceberg::Schema& schema, const iceberg::PartitionSpec& spec,
                                  const std::optional<iceberg::SortOrder>& sort_order);

}  // namespace floe::catalog_server
