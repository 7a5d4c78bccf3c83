#pragma once

// A row's group key (the values of its group_by columns) as compact bytes, to hash and compare
// as one string: per column a presence byte, then the value (fixed-width kinds in their width,
// strings and binary with a 32-bit length). A null is a key value of its own.

#include <string>
#include <string_view>
#include <vector>

#include "common/column_vector.h"
#include "iceberg/schema.h"

namespace floe::stream::window {

/// Thread safety: immutable after Make.
class GroupKey {
 public:
  /// InvalidArgument on an unknown column or a nested one.
  static Result<GroupKey> Make(const iceberg::Schema& input, const std::vector<std::string>& names);

  /// The group_by columns as they appear in the output (same names and types, optional).
  const std::vector<iceberg::NestedField>& output_fields() const { return output_fields_; }

  /// Replaces `*key` with the key of `row`.
  void Encode(const std::vector<ColumnVector>& columns, size_t row, std::string* key) const;
  /// Appends the key's values to `out[first..]`, one column per group_by column.
  void Decode(std::string_view key, std::vector<ColumnVector>* out, size_t first) const;

 private:
  GroupKey() = default;

  std::vector<int> columns_;  // input column of each key part
  std::vector<iceberg::NestedField> output_fields_;
};

}  // namespace floe::stream::window
