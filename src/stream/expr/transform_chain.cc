#include "stream/expr/transform_chain.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

namespace floe::stream {

/// One bound step. A filter has `predicate`; a project has, per output column, where its values
/// come from: an input column (moved) or an expression (computed).
struct TransformChain::Step {
  std::string label;
  std::unique_ptr<BoundExpression> predicate;
  struct Output {
    int input = -1;                          // the input column moved as is, or
    std::unique_ptr<BoundExpression> value;  // the expression computing it
  };
  std::vector<Output> outputs;
  std::shared_ptr<const iceberg::Schema> schema;  // after the step
};

TransformChain::TransformChain(TransformChain&&) noexcept = default;
TransformChain& TransformChain::operator=(TransformChain&&) noexcept = default;
TransformChain::~TransformChain() = default;

namespace {

/// A double-quoted name for expression text ("a""b" for a"b).
std::string QuoteName(const std::string& name) {
  std::string quoted = "\"";
  for (char c : name) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

Status BindError(const std::string& label, const std::string& what, const Status& status) {
  return InvalidArgument("{}{}: {}", label.empty() ? "" : label + ": ", what, status.message());
}

Result<std::unique_ptr<TransformChain::Step>> BindProject(const std::string& label,
                                                          const iceberg::Schema& input,
                                                          const ProjectSpec& spec) {
  auto step = std::make_unique<TransformChain::Step>();
  step->label = label;
  const std::string prefix = label.empty() ? "" : label + ": ";
  const auto index_of = [&](const std::string& name) -> int {
    const iceberg::NestedField* field = input.FindFieldByName(name);
    return field == nullptr ? -1 : input.FieldIndexById(field->id);
  };
  const auto unknown = [&](const std::string& what, const std::string& name) {
    std::vector<std::string_view> names;
    for (const iceberg::NestedField& field : input.fields()) names.push_back(field.name);
    return InvalidArgument("{}{}: unknown column '{}' (known: {})", prefix, what, name,
                           fmt::join(names, ", "));
  };

  // Per input column: its output name (empty when dropped) and, when cast, the expression.
  std::vector<std::string> names;
  std::vector<iceberg::NestedField> fields;
  std::vector<std::unique_ptr<BoundExpression>> casts(input.fields().size());
  for (const iceberg::NestedField& field : input.fields()) names.push_back(field.name);
  for (const auto& [column, type] : spec.cast) {
    int index = index_of(column);
    if (index < 0) return unknown("cast", column);
    auto bound = BoundExpression::Bind(
        fmt::format("CAST({} AS {})", QuoteName(column), type->ToString()), input);
    if (!bound.ok()) return BindError(label, fmt::format("cast of '{}'", column), bound.status());
    casts[index] = std::move(bound).value();
  }
  for (const auto& [from, to] : spec.rename) {
    int index = index_of(from);
    if (index < 0) return unknown("rename", from);
    names[index] = to;
  }
  for (const std::string& column : spec.drop) {
    int index = index_of(column);
    if (index < 0) return unknown("drop", column);
    names[index].clear();
  }
  std::set<std::string> taken;
  int32_t next_id = 1;
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) continue;
    if (!taken.insert(names[i]).second) {
      return InvalidArgument("{}two columns would be named '{}'", prefix, names[i]);
    }
    const iceberg::NestedField& field = input.fields()[i];
    TransformChain::Step::Output output;
    iceberg::TypePtr type = field.type;
    if (casts[i] != nullptr) {
      type = casts[i]->type_ptr();
      output.value = std::move(casts[i]);
    } else {
      output.input = static_cast<int>(i);
    }
    fields.push_back(iceberg::NestedField{next_id++, names[i], field.required, type, field.doc});
    step->outputs.push_back(std::move(output));
  }
  for (const auto& [column, expression] : spec.add) {
    const std::string& text = expression.text;
    if (!taken.insert(column).second) {
      return InvalidArgument("{}add: column '{}' exists already (rename or drop it first)", prefix,
                             column);
    }
    auto bound = BoundExpression::Bind(text, input);
    if (!bound.ok()) return BindError(label, fmt::format("add '{}'", column), bound.status());
    fields.push_back(iceberg::NestedField{next_id++, column, false, (*bound)->type_ptr(), ""});
    TransformChain::Step::Output output;
    output.value = std::move(bound).value();
    step->outputs.push_back(std::move(output));
  }
  if (fields.empty()) return InvalidArgument("{}the project leaves no column", prefix);
  step->schema = std::make_shared<const iceberg::Schema>(0, std::move(fields));
  return step;
}

/// Takes the rows of `errors` out of `rows`, recording each failed row once.
void RemoveFailed(const std::vector<RowError>& errors, size_t num_rows, RowSet* rows,
                  std::vector<RowError>* failed) {
  if (errors.empty()) return;
  std::set<uint32_t> bad;
  for (const RowError& error : errors) {
    if (bad.insert(error.row).second) failed->push_back(error);
  }
  std::vector<uint32_t> kept;
  Selection selection = rows->selection(num_rows);
  kept.reserve(selection.count);
  for (size_t i = 0; i < selection.count; ++i) {
    uint32_t row = static_cast<uint32_t>(selection.Row(i));
    if (!bad.contains(row)) kept.push_back(row);
  }
  rows->all = false;
  rows->rows = std::move(kept);
}

}  // namespace

Result<TransformChain> TransformChain::Make(std::shared_ptr<const iceberg::Schema> input,
                                            const std::vector<TransformSpec>& specs) {
  TransformChain chain;
  chain.input_ = input;
  std::shared_ptr<const iceberg::Schema> schema = input;
  for (const TransformSpec& spec : specs) {
    if (spec.type == TransformType::kWindow) {
      return InvalidArgument("{}: a window step runs after the transform chain, not in it",
                             spec.label);
    }
    if (spec.type == TransformType::kFilter) {
      const ExpressionText& where = spec.filter.where;
      const std::string prefix = where.label.empty() ? "" : where.label + ": ";
      auto step = std::make_unique<Step>();
      step->label = where.label;
      auto bound = BoundExpression::Bind(where.text, *schema);
      if (!bound.ok()) return InvalidArgument("{}{}", prefix, bound.status().message());
      if ((*bound)->type().id() != iceberg::TypeId::kBoolean) {
        return InvalidArgument("{}a filter must be a condition, but '{}' is {}", prefix, where.text,
                               (*bound)->type().ToString());
      }
      step->predicate = std::move(bound).value();
      step->schema = schema;
      chain.steps_.push_back(std::move(step));
      continue;
    }
    FLOE_ASSIGN_OR_RAISE(std::unique_ptr<Step> step,
                         BindProject(spec.label, *schema, spec.project));
    schema = step->schema;
    chain.steps_.push_back(std::move(step));
  }
  chain.output_ = schema;
  return chain;
}

std::optional<std::vector<int>> TransformChain::FilterColumns() const {
  std::set<int> columns;
  for (const std::unique_ptr<Step>& step : steps_) {
    if (step->predicate == nullptr) return std::nullopt;
    columns.insert(step->predicate->column_indexes().begin(),
                   step->predicate->column_indexes().end());
  }
  return std::vector<int>(columns.begin(), columns.end());
}

Status TransformChain::Apply(RecordBatch* batch, RowSet* rows, EvalContext& ctx,
                             std::vector<RowError>* failed, int64_t* filtered_out) const {
  std::vector<uint32_t> kept;
  for (const std::unique_ptr<Step>& step : steps_) {
    const size_t num_rows = batch->num_rows();
    if (step->predicate != nullptr) {
      Selection in = rows->selection(num_rows);
      FLOE_RETURN_IF_ERROR_CTX(step->predicate->Filter(*batch, in, ctx, &kept), step->label);
      size_t errors_before = failed->size();
      RowSet passed{false, std::move(kept)};
      RemoveFailed(ctx.row_errors(), num_rows, &passed, failed);
      const size_t newly_failed = failed->size() - errors_before;
      *filtered_out += static_cast<int64_t>(in.count - passed.rows.size() - newly_failed);
      kept = std::move(*rows).rows;
      *rows = std::move(passed);
      continue;
    }
    // A project: compute the new columns over the selected rows, then move the kept ones.
    std::vector<ColumnVector> columns(step->outputs.size(), ColumnVector(ColumnKind::kBool));
    std::vector<RowError> errors;
    Selection in = rows->selection(num_rows);
    for (size_t i = 0; i < step->outputs.size(); ++i) {
      const Step::Output& output = step->outputs[i];
      if (output.value == nullptr) continue;
      FLOE_RETURN_IF_ERROR_CTX(output.value->Evaluate(*batch, in, ctx, &columns[i]), step->label);
      errors.insert(errors.end(), ctx.row_errors().begin(), ctx.row_errors().end());
    }
    for (size_t i = 0; i < step->outputs.size(); ++i) {
      const Step::Output& output = step->outputs[i];
      if (output.value == nullptr) columns[i] = std::move(batch->columns[output.input]);
    }
    batch->columns = std::move(columns);
    batch->schema = step->schema;
    RemoveFailed(errors, num_rows, rows, failed);
  }
  return Status::Ok();
}

}  // namespace floe::stream
