#pragma once

// Expressions of a job's `filter: {where: ...}`, `project` and `enrich` steps: SQL-like text
// parsed and bound once against a schema, then evaluated over whole column batches — one tight
// loop per node over the selected rows, never a walk of the tree per row.
//
// Semantics (see README.md for the whole language):
// - SQL three-valued logic: NULL AND FALSE = FALSE, NULL OR TRUE = TRUE, NOT NULL = NULL,
//   comparisons with NULL are NULL; a filter keeps only the rows where the predicate is TRUE.
// - lower()/upper() and ILIKE fold ASCII letters only; other bytes (all of non-ASCII UTF-8) are
//   kept and compared exactly. This differs from Flink/Java, whose lower() folds all of Unicode.
// - Errors of one row (division by zero, CAST('abc' AS long), integer overflow) never abort
//   the batch: the value becomes NULL and the row is listed in EvalContext::row_errors() with a
//   message, so the caller can dead-letter it as a transformation_error. A filter never keeps a
//   row whose predicate failed.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/column_vector.h"
#include "common/result.h"
#include "iceberg/schema.h"
#include "iceberg/type.h"
#include "stream/record_batch.h"

namespace floe::stream {

namespace internal {
struct ExprNode;
struct EvalScratch;
}  // namespace internal

/// An error of one row during evaluation: the row of the batch and why.
struct RowError {
  uint32_t row = 0;
  std::string message;
};

/// Per-thread state of evaluation: scratch buffers reused from batch to batch, the evaluation
/// time of now(), and the row errors of the last call. Thread safety: none; one per thread.
/// Any number of expressions may share one context (one at a time).
class EvalContext {
 public:
  EvalContext();
  ~EvalContext();
  EvalContext(EvalContext&&) noexcept;
  EvalContext& operator=(EvalContext&&) noexcept;

  /// Fixes the value of now() (microseconds since the epoch, UTC) for the following calls;
  /// without it each Evaluate/Filter call reads the clock once, so now() is one value per batch.
  void set_now_micros(std::optional<int64_t> micros) { now_micros_ = micros; }
  std::optional<int64_t> now_micros() const { return now_micros_; }

  /// Row errors of the last Evaluate/Filter call, in the order they were found (a row may
  /// appear more than once when several of its values failed).
  const std::vector<RowError>& row_errors() const { return row_errors_; }

  // For the evaluator.
  internal::EvalScratch& scratch() { return *scratch_; }
  void ClearErrors() { row_errors_.clear(); }
  void AddError(uint32_t row, std::string message) {
    row_errors_.push_back(RowError{row, std::move(message)});
  }

 private:
  std::unique_ptr<internal::EvalScratch> scratch_;
  std::optional<int64_t> now_micros_;
  std::vector<RowError> row_errors_;
};

/// An expression parsed and bound against a schema: every column resolved to its position,
/// every node's type known, literals converted, LIKE patterns and regular expressions compiled.
/// Thread safety: immutable after Bind; Evaluate/Filter may run on many threads at once, each
/// with its own EvalContext. Batches must have the schema it was bound to (same columns in the
/// same positions; checked per call).
class BoundExpression {
 public:
  ~BoundExpression();

  /// Parses and binds `text`. Errors are InvalidArgument naming the line:column of the
  /// offending token: "unknown column 'bdy' at 1:7 (did you mean 'body'?)".
  static Result<std::unique_ptr<BoundExpression>> Bind(std::string_view text,
                                                       const iceberg::Schema& schema);

  const iceberg::Type& type() const;
  const iceberg::TypePtr& type_ptr() const;
  const std::string& text() const { return text_; }
  /// The positions of the batch columns it reads.
  const std::vector<int>& column_indexes() const { return column_indexes_; }
  /// The bound tree, for code that inspects it (scan pruning: scan_terms.h).
  const internal::ExprNode& root() const { return *root_; }

  /// Evaluates the rows of `selection` into `out`, which is replaced by a column of
  /// ColumnKindFor(type()) with batch.num_rows() rows; rows outside the selection are null.
  Status Evaluate(const RecordBatch& batch, Selection selection, EvalContext& ctx,
                  ColumnVector* out) const;

  /// The rows of `selection` (in its order) where this boolean expression is TRUE.
  Status Filter(const RecordBatch& batch, Selection selection, EvalContext& ctx,
                std::vector<uint32_t>* out_rows) const;

  /// For std::make_unique in Bind only: ConstructorKey is private, so call Bind.
  struct ConstructorKey;
  BoundExpression(const ConstructorKey& key, std::string text,
                  std::unique_ptr<internal::ExprNode> root, int node_count,
                  std::vector<int> column_indexes, std::vector<ColumnKind> column_kinds);

 private:
  // Checks that the batch has the columns this expression reads, with the storage it expects.
  Status CheckBatch(const RecordBatch& batch) const;

  std::string text_;
  std::unique_ptr<internal::ExprNode> root_;
  int node_count_ = 0;
  std::vector<int> column_indexes_;  // columns read, with the storage kind expected of each
  std::vector<ColumnKind> column_kinds_;
};

/// The rows of `in` where `predicate` is TRUE (a free-function form of BoundExpression::Filter).
inline Status Filter(const BoundExpression& predicate, const RecordBatch& batch, Selection in,
                     EvalContext& ctx, std::vector<uint32_t>* out_rows) {
  return predicate.Filter(batch, in, ctx, out_rows);
}

/// Rows of a batch: its lineage offsets, or its first column's size when it carries none.
size_t BatchRowCount(const RecordBatch& batch);

}  // namespace floe::stream
