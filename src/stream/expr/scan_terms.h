#pragma once

// The part of a bound filter expression that can prune files: its top-level AND of
// `column op literal` and `column IS [NOT] NULL` terms, as an iceberg::ScanPredicate.

#include "iceberg/scan_predicate.h"
#include "iceberg/schema.h"
#include "stream/expr/expression.h"

namespace floe::stream {

/// The pruning terms of `predicate`, bound against `schema`. Whatever is not such a term (OR,
/// functions, casts, decimals) is left out, which only makes pruning keep more files.
iceberg::ScanPredicate ScanTermsOf(const BoundExpression& predicate, const iceberg::Schema& schema);

}  // namespace floe::stream
