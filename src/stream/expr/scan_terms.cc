#include "stream/expr/scan_terms.h"

#include <cstdint>
#include <optional>

#include "stream/expr/expression_internal.h"

namespace floe::stream {

namespace {

using internal::ExprNode;
using internal::NodeKind;

/// The literal as a Scalar of the column's type, when the binder gave it exactly that type.
std::optional<iceberg::Scalar> LiteralScalar(const ExprNode& literal, const iceberg::Type& type) {
  if (literal.literal.is_null || !literal.type) return std::nullopt;
  const auto is_integer = [](iceberg::TypeId id) {
    return id == iceberg::TypeId::kInt || id == iceberg::TypeId::kLong;
  };
  // Integer literals compare with int and long columns alike (the binder leaves them int).
  const bool integers = is_integer(literal.type->id()) && is_integer(type.id());
  if (literal.type->id() != type.id() && !integers) return std::nullopt;
  if (type.id() == iceberg::TypeId::kInt &&
      (literal.literal.i < INT32_MIN || literal.literal.i > INT32_MAX)) {
    return std::nullopt;
  }
  switch (type.id()) {
    case iceberg::TypeId::kBoolean:
      return iceberg::Scalar(literal.literal.b);
    case iceberg::TypeId::kInt:
    case iceberg::TypeId::kDate:
      return iceberg::Scalar(static_cast<int32_t>(literal.literal.i));
    case iceberg::TypeId::kLong:
    case iceberg::TypeId::kTime:
    case iceberg::TypeId::kTimestamp:
    case iceberg::TypeId::kTimestampTz:
    case iceberg::TypeId::kTimestampNs:
    case iceberg::TypeId::kTimestampTzNs:
      return iceberg::Scalar(literal.literal.i);
    case iceberg::TypeId::kFloat:
      return iceberg::Scalar(static_cast<float>(literal.literal.d));
    case iceberg::TypeId::kDouble:
      return iceberg::Scalar(literal.literal.d);
    case iceberg::TypeId::kString:
      return iceberg::Scalar(literal.literal.s);
    default:
      return std::nullopt;
  }
}

iceberg::PredicateOp Flip(iceberg::PredicateOp op) {
  switch (op) {
    case iceberg::PredicateOp::kLt:
      return iceberg::PredicateOp::kGt;
    case iceberg::PredicateOp::kLtEq:
      return iceberg::PredicateOp::kGtEq;
    case iceberg::PredicateOp::kGt:
      return iceberg::PredicateOp::kLt;
    case iceberg::PredicateOp::kGtEq:
      return iceberg::PredicateOp::kLtEq;
    default:
      return op;
  }
}

iceberg::PredicateOp ToPredicateOp(internal::CompareOp op) {
  switch (op) {
    case internal::CompareOp::kEq:
      return iceberg::PredicateOp::kEq;
    case internal::CompareOp::kNe:
      return iceberg::PredicateOp::kNotEq;
    case internal::CompareOp::kLt:
      return iceberg::PredicateOp::kLt;
    case internal::CompareOp::kLe:
      return iceberg::PredicateOp::kLtEq;
    case internal::CompareOp::kGt:
      return iceberg::PredicateOp::kGt;
    case internal::CompareOp::kGe:
      return iceberg::PredicateOp::kGtEq;
  }
  return iceberg::PredicateOp::kEq;
}

void Collect(const ExprNode& node, const iceberg::Schema& schema, iceberg::ScanPredicate* out) {
  if (node.kind == NodeKind::kAnd) {
    for (const auto& child : node.children) Collect(*child, schema, out);
    return;
  }
  const auto field_of = [&](const ExprNode& column) -> const iceberg::NestedField* {
    if (column.kind != NodeKind::kColumn || column.column_index < 0) return nullptr;
    const auto index = static_cast<size_t>(column.column_index);
    return index < schema.fields().size() ? &schema.fields()[index] : nullptr;
  };
  if (node.kind == NodeKind::kIsNull && node.children.size() == 1) {
    if (const iceberg::NestedField* field = field_of(*node.children[0])) {
      out->terms.push_back(
          {field->id, node.negated ? iceberg::PredicateOp::kNotNull : iceberg::PredicateOp::kIsNull,
           iceberg::Scalar()});
    }
    return;
  }
  if (node.kind != NodeKind::kCompare || node.children.size() != 2) return;
  const ExprNode& left = *node.children[0];
  const ExprNode& right = *node.children[1];
  iceberg::PredicateOp op = ToPredicateOp(node.compare_op);
  const iceberg::NestedField* field = field_of(left);
  const ExprNode* literal = &right;
  if (field == nullptr) {
    field = field_of(right);
    literal = &left;
    op = Flip(op);
  }
  if (field == nullptr || literal->kind != NodeKind::kLiteral) return;
  if (std::optional<iceberg::Scalar> value = LiteralScalar(*literal, *field->type)) {
    out->terms.push_back({field->id, op, std::move(*value)});
  }
}

}  // namespace

iceberg::ScanPredicate ScanTermsOf(const BoundExpression& predicate,
                                   const iceberg::Schema& schema) {
  iceberg::ScanPredicate out;
  Collect(predicate.root(), schema, &out);
  return out;
}

}  // namespace floe::stream
