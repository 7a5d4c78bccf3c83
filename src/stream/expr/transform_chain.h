#pragma once

// The transforms of a job, bound once against the source schema and run over each batch in
// order: a filter narrows the batch's selection; a project (or enrich) computes new columns,
// casts, renames and drops, giving the batch a new schema. A row whose expression fails is taken
// out of the selection and reported, so the runtime can dead-letter it.

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "iceberg/schema.h"
#include "stream/expr/expression.h"
#include "stream/expr/transform_spec.h"
#include "stream/record_batch.h"

namespace floe::stream {

/// The selected rows of a batch: all of them, or the listed ones in order.
struct RowSet {
  bool all = true;
  std::vector<uint32_t> rows;

  Selection selection(size_t num_rows) const {
    return all ? Selection::All(num_rows) : Selection{rows.data(), rows.size()};
  }
  size_t size(size_t num_rows) const { return all ? num_rows : rows.size(); }
};

/// Thread safety: immutable after Make; Apply may run on many threads, each with its own
/// EvalContext.
class TransformChain {
 public:
  /// Binds every step; InvalidArgument prefixed with the step's label on an unknown column, a
  /// bad expression, a non-boolean filter, a name clash.
  static Result<TransformChain> Make(std::shared_ptr<const iceberg::Schema> input,
                                     const std::vector<TransformSpec>& specs);

  const std::shared_ptr<const iceberg::Schema>& input_schema() const { return input_; }
  /// The schema of the batches Apply leaves behind.
  const std::shared_ptr<const iceberg::Schema>& output_schema() const { return output_; }
  bool empty() const { return steps_.empty(); }
  /// When every step is a filter, the input columns they read (sorted, once each): the only ones
  /// Apply needs, so a caller may fill the others for the rows that pass only. nullopt when a
  /// step is a project, which moves or reads every column.
  std::optional<std::vector<int>> FilterColumns() const;

  /// Runs the steps over `batch` (whose schema is input_schema()) and its selection `rows`.
  /// Rows a filter drops are counted in `*filtered_out`; rows whose expression failed are
  /// removed from the selection and appended to `failed` (one entry per row, first message).
  Status Apply(RecordBatch* batch, RowSet* rows, EvalContext& ctx, std::vector<RowError>* failed,
               int64_t* filtered_out) const;

  struct Step;
  TransformChain(TransformChain&&) noexcept;
  TransformChain& operator=(TransformChain&&) noexcept;
  ~TransformChain();

 private:
  TransformChain() = default;

  std::shared_ptr<const iceberg::Schema> input_;
  std::shared_ptr<const iceberg::Schema> output_;
  std::vector<std::unique_ptr<Step>> steps_;
};

}  // namespace floe::stream
