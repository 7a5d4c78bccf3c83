#pragma once

// What a scan knows of its row filter for pruning: a conjunction of column-versus-literal terms.
// The filter itself is evaluated on the rows elsewhere (the expression engine); this only decides
// which files cannot hold a matching row, from their partition values and column bounds.

#include <cstdint>
#include <string>
#include <vector>

#include "iceberg/manifest.h"
#include "iceberg/partition_spec.h"
#include "iceberg/schema.h"
#include "iceberg/transform.h"

namespace floe::iceberg {

enum class PredicateOp : uint8_t { kEq, kNotEq, kLt, kLtEq, kGt, kGtEq, kIsNull, kNotNull };

/// `field op literal`; the literal is a non-null Scalar of the field's type (unused for the null
/// tests).
struct ColumnPredicate {
  int32_t field_id = 0;
  PredicateOp op = PredicateOp::kEq;
  Scalar literal;
};

/// Every term must hold for a row to match. Terms that cannot be expressed (OR, functions) are
/// simply left out: pruning with fewer terms keeps more files, never fewer. Thread safety: a value.
struct ScanPredicate {
  std::vector<ColumnPredicate> terms;

  /// False when no row of `file` (written under `spec`, read with `schema`) can match, judged
  /// from its partition values (identity exactly; year/month/day/hour/truncate through their
  /// order-preserving projection; bucket for equality) and its null counts and lower/upper
  /// bounds. True whenever in doubt.
  bool FileMayMatch(const Schema& schema, const PartitionSpec& spec, const DataFile& file) const;
};

}  // namespace floe::iceberg
