#include "iceberg/scan_predicate.h"

#include "iceberg/conversions.h"
#include "iceberg/scalar_order.h"

namespace floe::iceberg {

namespace {

/// Whether some value v with lower <= v <= upper (either bound may be unknown: null) can satisfy
/// `v op literal`.
bool RangeMayMatch(const Type& type, const Scalar& lower, const Scalar& upper, PredicateOp op,
                   const Scalar& literal) {
  const bool has_lower = !IsNull(lower);
  const bool has_upper = !IsNull(upper);
  switch (op) {
    case PredicateOp::kEq:
      if (has_lower && ScalarLess(type, literal, lower)) return false;
      if (has_upper && ScalarLess(type, upper, literal)) return false;
      return true;
    case PredicateOp::kNotEq:
      // Only a range holding the literal alone fails.
      return !(has_lower && has_upper && !ScalarLess(type, lower, literal) &&
               !ScalarLess(type, literal, lower) && !ScalarLess(type, upper, literal) &&
               !ScalarLess(type, literal, upper));
    case PredicateOp::kLt:
      return !has_lower || ScalarLess(type, lower, literal);
    case PredicateOp::kLtEq:
      return !has_lower || !ScalarLess(type, literal, lower);
    case PredicateOp::kGt:
      return !has_upper || ScalarLess(type, literal, upper);
    case PredicateOp::kGtEq:
      return !has_upper || !ScalarLess(type, upper, literal);
    case PredicateOp::kIsNull:
    case PredicateOp::kNotNull:
      return true;
  }
  return true;
}

/// Judges one term by the column's metrics.
bool MetricsMayMatch(const NestedField& field, const ColumnPredicate& term, const DataFile& file) {
  auto count = [](const std::map<int32_t, int64_t>& counts, int32_t id) -> std::optional<int64_t> {
    auto it = counts.find(id);
    return it == counts.end() ? std::nullopt : std::optional<int64_t>(it->second);
  };
  const std::optional<int64_t> nulls = count(file.null_value_counts, field.id);
  const std::optional<int64_t> values = count(file.value_counts, field.id);
  const bool all_null = nulls && values && *nulls == *values;
  if (term.op == PredicateOp::kIsNull) return !nulls || *nulls > 0;
  if (term.op == PredicateOp::kNotNull) return !all_null;
  // Every other predicate is false on null: a column of nulls only matches nothing.
  if (all_null && file.record_count > 0) return false;
  const TypeId id = field.type->id();
  // Truncated string bounds still bound the range (a prefix below, an incremented prefix
  // above). Float bounds leave out NaN, which compares false anyway.
  if (!field.type->is_primitive() || id == TypeId::kDecimal) return true;
  auto bound = [&](const std::map<int32_t, std::string>& bounds) -> Scalar {
    auto it = bounds.find(field.id);
    if (it == bounds.end()) return Scalar();
    Result<Scalar> value = FromSingleValue(*field.type, it->second);
    return value.ok() ? *value : Scalar();
  };
  Scalar lower = bound(file.lower_bounds);
  Scalar upper = bound(file.upper_bounds);
  return RangeMayMatch(*field.type, lower, upper, term.op, term.literal);
}

/// Judges one term by one partition field whose source is the term's column.
bool PartitionMayMatch(const NestedField& field, const PartitionField& partition_field,
                       const Scalar& partition_value, const ColumnPredicate& term) {
  const Transform& transform = partition_field.transform;
  if (transform.kind == TransformKind::kVoid) return true;
  Result<TypePtr> result_type = transform.ResultType(*field.type);
  if (!result_type.ok()) return true;
  if (term.op == PredicateOp::kIsNull) return IsNull(partition_value);
  if (term.op == PredicateOp::kNotNull) return !IsNull(partition_value);
  if (IsNull(partition_value)) return false;  // a null source: no comparison holds
  Result<Scalar> projected = transform.Apply(*field.type, term.literal);
  if (!projected.ok() || IsNull(*projected)) return true;
  const Type& type = **result_type;
  if (transform.kind == TransformKind::kIdentity) {
    return RangeMayMatch(type, partition_value, partition_value, term.op, *projected);
  }
  if (transform.kind == TransformKind::kBucket) {
    if (term.op != PredicateOp::kEq) return true;
    return !ScalarLess(type, partition_value, *projected) &&
           !ScalarLess(type, *projected, partition_value);
  }
  // year/month/day/hour/truncate keep order but not distinctness: v < lit only gives
  // t(v) <= t(lit), and != says nothing.
  switch (term.op) {
    case PredicateOp::kEq:
      return RangeMayMatch(type, partition_value, partition_value, PredicateOp::kEq, *projected);
    case PredicateOp::kLt:
    case PredicateOp::kLtEq:
      return !ScalarLess(type, *projected, partition_value);
    case PredicateOp::kGt:
    case PredicateOp::kGtEq:
      return !ScalarLess(type, partition_value, *projected);
    default:
      return true;
  }
}

}  // namespace

bool ScanPredicate::FileMayMatch(const Schema& schema, const PartitionSpec& spec,
                                 const DataFile& file) const {
  for (const ColumnPredicate& term : terms) {
    const NestedField* field = schema.FindFieldById(term.field_id);
    if (field == nullptr) continue;
    if (!MetricsMayMatch(*field, term, file)) return false;
    for (size_t i = 0; i < spec.fields.size() && i < file.partition.size(); ++i) {
      if (spec.fields[i].source_id != term.field_id) continue;
      if (!PartitionMayMatch(*field, spec.fields[i], file.partition[i], term)) return false;
    }
  }
  return true;
}

}  // namespace floe::iceberg
