// Binding: resolves columns against the schema, gives every node its type, converts literals to
// the type they meet, inserts the implicit casts of mixed comparisons, checks function
// arguments, and compiles LIKE patterns and regular expressions. All type errors surface here,
// with the position of the token at fault, so evaluation never meets an ill-typed tree.

#include <algorithm>
#include <limits>

#include "iceberg/data_file_writer.h"
#include "stream/expr/expression_cast.h"
#include "stream/expr/expression_internal.h"

namespace floe::stream::internal {
namespace {

using iceberg::Type;
using iceberg::TypeId;
using iceberg::TypePtr;

constexpr int32_t kMaxInt64DecimalPrecision = 18;
// A misspelt column is suggested when it is this close (in edits) to a real one.
constexpr size_t kMaxSuggestionDistance = 2;

bool IsIntegral(TypeId id) { return id == TypeId::kInt || id == TypeId::kLong; }
bool IsFloating(TypeId id) { return id == TypeId::kFloat || id == TypeId::kDouble; }
bool IsNumeric(TypeId id) { return IsIntegral(id) || IsFloating(id) || id == TypeId::kDecimal; }
bool IsTimestamp(TypeId id) { return id == TypeId::kTimestamp || id == TypeId::kTimestampTz; }
bool IsStringLike(TypeId id) { return id == TypeId::kString || id == TypeId::kBinary; }

TypePtr Boolean() { return Type::Primitive(TypeId::kBoolean); }

Phys PhysFor(const Type& type) {
  switch (type.id()) {
    case TypeId::kBoolean:
      return Phys::kBool;
    case TypeId::kFloat:
    case TypeId::kDouble:
      return Phys::kDouble;
    case TypeId::kString:
    case TypeId::kBinary:
    case TypeId::kUuid:
    case TypeId::kFixed:
      return Phys::kBytes;
    default:
      return Phys::kInt;
  }
}

bool IsNullLiteral(const ExprNode& node) {
  return node.kind == NodeKind::kLiteral && node.literal.is_null;
}

std::string TypeName(const ExprNode& node) {
  return node.type ? node.type->ToString() : std::string("null");
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      const bool same =
          FoldAscii(static_cast<uint8_t>(a[i - 1])) == FoldAscii(static_cast<uint8_t>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return FoldAscii(static_cast<uint8_t>(x)) == FoldAscii(static_cast<uint8_t>(y));
         });
}

class Binder {
 public:
  Binder(const iceberg::Schema& schema, std::vector<int>* column_indexes,
         std::vector<ColumnKind>* column_kinds)
      : schema_(schema), column_indexes_(column_indexes), column_kinds_(column_kinds) {}

  Status Bind(ExprNode* node) {
    for (auto& child : node->children) FLOE_RETURN_IF_ERROR(Bind(child.get()));
    switch (node->kind) {
      case NodeKind::kColumn:
        FLOE_RETURN_IF_ERROR(BindColumn(node));
        break;
      case NodeKind::kLiteral:
        break;
      case NodeKind::kCompare:
        FLOE_RETURN_IF_ERROR(BindCompare(node));
        break;
      case NodeKind::kAnd:
      case NodeKind::kOr:
      case NodeKind::kNot:
        for (auto& child : node->children) {
          FLOE_RETURN_IF_ERROR(RequireBoolean(child.get(), node));
        }
        node->type = Boolean();
        break;
      case NodeKind::kArith:
        FLOE_RETURN_IF_ERROR(BindArith(node));
        break;
      case NodeKind::kNegate:
        FLOE_RETURN_IF_ERROR(BindNegate(node));
        break;
      case NodeKind::kIsNull:
        node->type = Boolean();
        break;
      case NodeKind::kIn:
        FLOE_RETURN_IF_ERROR(BindIn(node));
        break;
      case NodeKind::kLike:
        FLOE_RETURN_IF_ERROR(BindLike(node));
        break;
      case NodeKind::kCall:
        FLOE_RETURN_IF_ERROR(BindCall(node));
        break;
      case NodeKind::kCast:
        FLOE_RETURN_IF_ERROR(BindCast(node));
        break;
    }
    Finish(node);
    return Status::Ok();
  }

  // Numbers the slots after binding, when implicit casts have been inserted.
  void AssignSlots(ExprNode* node) {
    for (auto& child : node->children) AssignSlots(child.get());
    node->slot = next_slot_++;
  }
  int slot_count() const { return next_slot_; }

  // A NULL at the root of a filter is a boolean.
  static void DefaultNullType(ExprNode* node) {
    if (!node->type) {
      node->type = Boolean();
      Finish(node);
    }
  }

 private:
  static void Finish(ExprNode* node) {
    if (node->type) node->phys = PhysFor(*node->type);
  }

  Status BindColumn(ExprNode* node) {
    const auto& fields = schema_.fields();
    int found = -1;
    for (size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].name == node->name) found = static_cast<int>(i);
    }
    if (found < 0 && !node->quoted) {
      // Bare names match regardless of case when exactly one column does.
      for (size_t i = 0; i < fields.size(); ++i) {
        if (!EqualsIgnoreCase(fields[i].name, node->name)) continue;
        if (found >= 0) {
          return InvalidArgument("ambiguous column '{}' at {}: quote it to pick one", node->name,
                                 FormatPos(node->pos));
        }
        found = static_cast<int>(i);
      }
    }
    if (found < 0) {
      std::string suggestion;
      size_t best = kMaxSuggestionDistance + 1;
      for (const auto& field : fields) {
        size_t distance = EditDistance(field.name, node->name);
        if (distance < best) {
          best = distance;
          suggestion = field.name;
        }
      }
      return InvalidArgument(
          "unknown column '{}' at {}{}", node->name, FormatPos(node->pos),
          suggestion.empty() ? std::string() : fmt::format(" (did you mean '{}'?)", suggestion));
    }
    const auto& field = fields[static_cast<size_t>(found)];
    const Type& type = *field.type;
    if (type.is_nested() || type.id() == TypeId::kTimestampNs ||
        type.id() == TypeId::kTimestampTzNs ||
        (type.id() == TypeId::kDecimal && type.precision() > kMaxInt64DecimalPrecision)) {
      return InvalidArgument("column '{}' of type {} at {} is not supported in expressions",
                             field.name, type.ToString(), FormatPos(node->pos));
    }
    int32_t fixed_width = 0;
    FLOE_ASSIGN_OR_RAISE(node->column_kind, iceberg::ColumnKindFor(type, &fixed_width));
    node->column_index = found;
    node->type = field.type;
    column_indexes_->push_back(found);
    column_kinds_->push_back(node->column_kind);
    return Status::Ok();
  }

  Status RequireBoolean(ExprNode* child, const ExprNode* parent) {
    if (IsNullLiteral(*child)) {
      child->type = Boolean();
      Finish(child);
      return Status::Ok();
    }
    if (child->type->id() != TypeId::kBoolean) {
      std::string_view op = parent->kind == NodeKind::kAnd  ? "AND"
                            : parent->kind == NodeKind::kOr ? "OR"
                                                            : "NOT";
      return InvalidArgument("{} needs boolean operands, got {} at {}", op, TypeName(*child),
                             FormatPos(child->pos));
    }
    return Status::Ok();
  }

  // Converts a literal node to `type` in place (NULL takes any type).
  Status ConvertLiteral(ExprNode* literal, const TypePtr& type) {
    if (literal->literal.is_null) {
      literal->type = type;
      Finish(literal);
      return Status::Ok();
    }
    if (*literal->type == *type) return Status::Ok();
    if (!CastSupported(*literal->type, *type)) {
      return InvalidArgument("cannot convert {} {} to {} at {}", literal->type->ToString(),
                             literal->name, type->ToString(), FormatPos(literal->pos));
    }
    Datum in{literal->literal.b, literal->literal.i, literal->literal.d, literal->literal.s};
    Datum out;
    std::string text;
    std::string error;
    if (!CastDatum(*literal->type, *type, in, &out, &text, &error)) {
      return InvalidArgument("{} at {}", error, FormatPos(literal->pos));
    }
    // A numeric literal that changes value on conversion (1.5 to long) cannot stand for it.
    if (IsNumeric(literal->type->id()) && IsNumeric(type->id())) {
      Datum back;
      std::string back_text;
      if (!CastDatum(*type, *literal->type, out, &back, &back_text, &error) || back.i != in.i ||
          back.d != in.d) {
        return InvalidArgument("literal {} does not fit {} at {}", literal->name, type->ToString(),
                               FormatPos(literal->pos));
      }
    }
    LiteralValue value;
    value.b = out.b;
    value.i = out.i;
    value.d = out.d;
    value.s = std::string(out.s);
    literal->literal = std::move(value);
    literal->type = type;
    Finish(literal);
    return Status::Ok();
  }

  // Wraps `child` in an implicit CAST to `type`.
  static void WrapCast(std::unique_ptr<ExprNode>* child, const TypePtr& type) {
    auto cast = std::make_unique<ExprNode>();
    cast->kind = NodeKind::kCast;
    cast->pos = (*child)->pos;
    cast->type = type;
    cast->children.push_back(std::move(*child));
    Finish(cast.get());
    *child = std::move(cast);
  }

  // Brings two operands to one comparable domain: NULLs and string literals take the other
  // side's type, numbers widen (to double when either is floating, to decimal when either is
  // decimal), dates meet timestamps as timestamps. Reports "cannot compare" otherwise.
  Status Unify(ExprNode* parent, std::unique_ptr<ExprNode>* left, std::unique_ptr<ExprNode>* right,
               std::string_view verb) {
    ExprNode* l = left->get();
    ExprNode* r = right->get();
    if (IsNullLiteral(*l) && IsNullLiteral(*r)) {
      FLOE_RETURN_IF_ERROR(ConvertLiteral(l, Boolean()));
      FLOE_RETURN_IF_ERROR(ConvertLiteral(r, Boolean()));
    } else if (IsNullLiteral(*l)) {
      FLOE_RETURN_IF_ERROR(ConvertLiteral(l, r->type));
    } else if (IsNullLiteral(*r)) {
      FLOE_RETURN_IF_ERROR(ConvertLiteral(r, l->type));
    }
    TypeId a = l->type->id();
    TypeId b = r->type->id();
    // A string literal next to a non-string takes that type: ts > '2025-09-11T00:00:00Z'.
    if (a == TypeId::kString && b != TypeId::kString && l->kind == NodeKind::kLiteral &&
        CastSupported(*l->type, *r->type)) {
      FLOE_RETURN_IF_ERROR(ConvertLiteral(l, r->type));
      a = b;
    } else if (b == TypeId::kString && a != TypeId::kString && r->kind == NodeKind::kLiteral &&
               CastSupported(*r->type, *l->type)) {
      FLOE_RETURN_IF_ERROR(ConvertLiteral(r, l->type));
      b = a;
    }
    parent->left_scale = 0;
    parent->right_scale = 0;
    if (a == TypeId::kBoolean && b == TypeId::kBoolean) {
      parent->domain = CompareDomain::kBool;
    } else if ((IsStringLike(a) && IsStringLike(b)) ||
               (a == b && (a == TypeId::kUuid || a == TypeId::kFixed))) {
      parent->domain = CompareDomain::kBytes;
    } else if (IsNumeric(a) && IsNumeric(b)) {
      if (IsFloating(a) || IsFloating(b)) {
        parent->domain = CompareDomain::kDouble;
        const TypePtr dbl = Type::Primitive(TypeId::kDouble);
        if (!IsFloating(a)) WrapCast(left, dbl);
        if (!IsFloating(b)) WrapCast(right, dbl);
      } else if (a == TypeId::kDecimal || b == TypeId::kDecimal) {
        parent->domain = CompareDomain::kDecimal;
        parent->left_scale = a == TypeId::kDecimal ? l->type->scale() : 0;
        parent->right_scale = b == TypeId::kDecimal ? r->type->scale() : 0;
      } else {
        parent->domain = CompareDomain::kInt;
      }
    } else if (a == b && (a == TypeId::kDate || a == TypeId::kTime)) {
      parent->domain = CompareDomain::kInt;
    } else if (IsTimestamp(a) && IsTimestamp(b)) {
      parent->domain = CompareDomain::kInt;  // both micros from the epoch; timestamp read as UTC
    } else if (a == TypeId::kDate && IsTimestamp(b)) {
      WrapCast(left, r->type);
      parent->domain = CompareDomain::kInt;
    } else if (IsTimestamp(a) && b == TypeId::kDate) {
      WrapCast(right, l->type);
      parent->domain = CompareDomain::kInt;
    } else {
      return InvalidArgument("cannot {} {} with {} at {}", verb, l->type->ToString(),
                             r->type->ToString(), FormatPos(parent->pos));
    }
    return Status::Ok();
  }

  Status BindCompare(ExprNode* node) {
    FLOE_RETURN_IF_ERROR(Unify(node, &node->children[0], &node->children[1], "compare"));
    if (node->domain == CompareDomain::kBool && node->compare_op != CompareOp::kEq &&
        node->compare_op != CompareOp::kNe) {
      return InvalidArgument("booleans only compare with = and <> at {}", FormatPos(node->pos));
    }
    node->type = Boolean();
    return Status::Ok();
  }

  Status BindArith(ExprNode* node) {
    ExprNode* l = node->children[0].get();
    ExprNode* r = node->children[1].get();
    if (IsNullLiteral(*l) && r->type) FLOE_RETURN_IF_ERROR(ConvertLiteral(l, r->type));
    if (IsNullLiteral(*r) && l->type) FLOE_RETURN_IF_ERROR(ConvertLiteral(r, l->type));
    if (!l->type || !r->type) {
      FLOE_RETURN_IF_ERROR(ConvertLiteral(l, Type::Primitive(TypeId::kLong)));
      FLOE_RETURN_IF_ERROR(ConvertLiteral(r, Type::Primitive(TypeId::kLong)));
    }
    const TypeId a = l->type->id();
    const TypeId b = r->type->id();
    if (!IsNumeric(a) || !IsNumeric(b)) {
      return InvalidArgument("arithmetic needs numbers, got {} and {} at {}", TypeName(*l),
                             TypeName(*r), FormatPos(node->pos));
    }
    const TypePtr dbl = Type::Primitive(TypeId::kDouble);
    const bool decimal_division =
        node->arith_op == ArithOp::kDiv && (a == TypeId::kDecimal || b == TypeId::kDecimal);
    if (IsFloating(a) || IsFloating(b) || decimal_division) {
      // Division of decimals gives a double: an exact quotient has no fixed scale.
      if (a != TypeId::kDouble) WrapCast(&node->children[0], dbl);
      if (b != TypeId::kDouble) WrapCast(&node->children[1], dbl);
      node->type = dbl;
      node->domain = CompareDomain::kDouble;
      return Status::Ok();
    }
    if (a == TypeId::kDecimal || b == TypeId::kDecimal) {
      const int32_t ls = a == TypeId::kDecimal ? l->type->scale() : 0;
      const int32_t rs = b == TypeId::kDecimal ? r->type->scale() : 0;
      const int32_t lp = a == TypeId::kDecimal ? l->type->precision()
                         : a == TypeId::kInt   ? std::numeric_limits<int32_t>::digits10 + 1
                                               : kMaxInt64DecimalPrecision;
      const int32_t rp = b == TypeId::kDecimal ? r->type->precision()
                         : b == TypeId::kInt   ? std::numeric_limits<int32_t>::digits10 + 1
                                               : kMaxInt64DecimalPrecision;
      int32_t scale = 0;
      int32_t precision = 0;
      if (node->arith_op == ArithOp::kMul) {
        scale = ls + rs;
        precision = lp + rp + 1;
      } else {
        scale = std::max(ls, rs);
        precision = std::max(lp - ls, rp - rs) + scale + 1;
      }
      if (scale > kMaxInt64DecimalPrecision) {
        return InvalidArgument("decimal result scale {} above {} at {}", scale,
                               kMaxInt64DecimalPrecision, FormatPos(node->pos));
      }
      precision = std::min(precision, kMaxInt64DecimalPrecision);
      node->type = Type::Decimal(std::max(precision, scale), scale);
      node->domain = CompareDomain::kDecimal;
      node->left_scale = ls;
      node->right_scale = rs;
      return Status::Ok();
    }
    node->type =
        Type::Primitive(a == TypeId::kInt && b == TypeId::kInt ? TypeId::kInt : TypeId::kLong);
    node->domain = CompareDomain::kInt;
    return Status::Ok();
  }

  Status BindNegate(ExprNode* node) {
    ExprNode* operand = node->children[0].get();
    if (IsNullLiteral(*operand)) {
      FLOE_RETURN_IF_ERROR(ConvertLiteral(operand, Type::Primitive(TypeId::kLong)));
    }
    if (!IsNumeric(operand->type->id())) {
      return InvalidArgument("cannot negate {} at {}", TypeName(*operand), FormatPos(node->pos));
    }
    node->type = operand->type;
    return Status::Ok();
  }

  Status BindIn(ExprNode* node) {
    ExprNode* value = node->children[0].get();
    if (IsNullLiteral(*value)) {
      // NULL IN (...) is NULL whatever the list holds; type it by the first typed item.
      for (size_t i = 1; i < node->children.size(); ++i) {
        if (node->children[i]->type) {
          FLOE_RETURN_IF_ERROR(ConvertLiteral(value, node->children[i]->type));
          break;
        }
      }
      if (!value->type) FLOE_RETURN_IF_ERROR(ConvertLiteral(value, Boolean()));
    }
    for (size_t i = 1; i < node->children.size(); ++i) {
      ExprNode* item = node->children[i].get();
      if (item->kind != NodeKind::kLiteral) {
        return InvalidArgument("IN lists hold literals only, at {}", FormatPos(item->pos));
      }
      if (item->literal.is_null) {
        node->in_has_null = true;
        continue;
      }
      const TypeId a = value->type->id();
      const TypeId b = item->type->id();
      const bool comparable = a == b || (IsNumeric(a) && IsNumeric(b)) ||
                              (IsStringLike(a) && IsStringLike(b)) ||
                              (IsTimestamp(a) && IsTimestamp(b)) ||
                              (b == TypeId::kString && CastSupported(*item->type, *value->type));
      if (!comparable) {
        return InvalidArgument("cannot compare {} with {} at {}", value->type->ToString(),
                               item->type->ToString(), FormatPos(item->pos));
      }
      FLOE_RETURN_IF_ERROR(ConvertLiteral(item, value->type));
      node->in_values.push_back(item->literal);
    }
    node->phys = PhysFor(*value->type);
    const Phys phys = node->phys;
    auto less = [phys](const LiteralValue& x, const LiteralValue& y) {
      switch (phys) {
        case Phys::kBool:
          return x.b < y.b;
        case Phys::kInt:
          return x.i < y.i;
        case Phys::kDouble:
          return x.d < y.d;
        case Phys::kBytes:
          return x.s < y.s;
      }
      return false;
    };
    std::sort(node->in_values.begin(), node->in_values.end(), less);
    // The list lives in in_values; the literal children are not evaluated.
    node->children.resize(1);
    node->domain = phys == Phys::kBool     ? CompareDomain::kBool
                   : phys == Phys::kInt    ? CompareDomain::kInt
                   : phys == Phys::kDouble ? CompareDomain::kDouble
                                           : CompareDomain::kBytes;
    node->type = Boolean();
    return Status::Ok();
  }

  Status BindLike(ExprNode* node) {
    ExprNode* value = node->children[0].get();
    ExprNode* pattern = node->children[1].get();
    if (IsNullLiteral(*value)) {
      FLOE_RETURN_IF_ERROR(ConvertLiteral(value, Type::Primitive(TypeId::kString)));
    }
    if (!IsStringLike(value->type->id())) {
      return InvalidArgument("{} needs a string, got {} at {}",
                             node->case_insensitive ? "ILIKE" : "LIKE", TypeName(*value),
                             FormatPos(value->pos));
    }
    if (pattern->kind != NodeKind::kLiteral || pattern->literal.is_null ||
        pattern->type->id() != TypeId::kString) {
      return InvalidArgument("the pattern of {} must be a string literal, at {}",
                             node->case_insensitive ? "ILIKE" : "LIKE", FormatPos(pattern->pos));
    }
    const std::string& text = pattern->literal.s;
    bool case_insensitive = node->case_insensitive;
    // lower(x) LIKE p is x ILIKE p when p has no upper-case letter (lower(x) has none, so such
    // a letter could never match); likewise upper(x) with no lower-case letter. The matcher
    // folds as it compares, so the lowered string is never built.
    if (value->kind == NodeKind::kCall &&
        (value->func == Func::kLower || value->func == Func::kUpper)) {
      const bool lower = value->func == Func::kLower;
      const bool pattern_has_other_case = std::any_of(text.begin(), text.end(), [&](char c) {
        return lower ? (c >= 'A' && c <= 'Z') : (c >= 'a' && c <= 'z');
      });
      if (!pattern_has_other_case) {
        node->like_skips_fold = true;
        case_insensitive = true;
      }
    }
    node->like = std::make_unique<LikeMatcher>(text, case_insensitive);
    node->type = Boolean();
    return Status::Ok();
  }

  Status RequireArgs(const ExprNode* node, size_t min, size_t max) {
    const size_t count = node->children.size();
    if (count >= min && count <= max) return Status::Ok();
    std::string expected = min == max ? fmt::format("{}", min)
                           : max == std::numeric_limits<size_t>::max()
                               ? fmt::format("at least {}", min)
                               : fmt::format("{} to {}", min, max);
    return InvalidArgument("{}() takes {} argument{}, got {} at {}", node->name, expected,
                           max == 1 && min == 1 ? "" : "s", count, FormatPos(node->pos));
  }

  Status RequireType(ExprNode* node, size_t arg, bool (*accept)(TypeId), std::string_view what,
                     const TypePtr& null_type) {
    ExprNode* child = node->children[arg].get();
    if (IsNullLiteral(*child)) FLOE_RETURN_IF_ERROR(ConvertLiteral(child, null_type));
    if (!accept(child->type->id())) {
      return InvalidArgument("argument {} of {}() must be {}, got {} at {}", arg + 1, node->name,
                             what, TypeName(*child), FormatPos(child->pos));
    }
    return Status::Ok();
  }

  Status BindCall(ExprNode* node) {
    const TypePtr str = Type::Primitive(TypeId::kString);
    const TypePtr lng = Type::Primitive(TypeId::kLong);
    auto is_string = [](TypeId id) { return id == TypeId::kString; };
    switch (node->func) {
      case Func::kLower:
      case Func::kUpper:
      case Func::kTrim:
        FLOE_RETURN_IF_ERROR(RequireArgs(node, 1, 1));
        FLOE_RETURN_IF_ERROR(RequireType(node, 0, is_string, "a string", str));
        node->type = str;
        return Status::Ok();
      case Func::kLength:
        FLOE_RETURN_IF_ERROR(RequireArgs(node, 1, 1));
        FLOE_RETURN_IF_ERROR(RequireType(node, 0, is_string, "a string", str));
        node->type = Type::Primitive(TypeId::kInt);
        return Status::Ok();
      case Func::kSubstring:
        FLOE_RETURN_IF_ERROR(RequireArgs(node, 2, 3));
        FLOE_RETURN_IF_ERROR(RequireType(node, 0, is_string, "a string", str));
        for (size_t i = 1; i < node->children.size(); ++i) {
          FLOE_RETURN_IF_ERROR(RequireType(node, i, IsIntegral, "an integer", lng));
        }
        node->type = str;
        return Status::Ok();
      case Func::kRegexpLike: {
        FLOE_RETURN_IF_ERROR(RequireArgs(node, 2, 2));
        FLOE_RETURN_IF_ERROR(RequireType(node, 0, is_string, "a string", str));
        const ExprNode* pattern = node->children[1].get();
        if (pattern->kind != NodeKind::kLiteral || pattern->literal.is_null ||
            pattern->type->id() != TypeId::kString) {
          return InvalidArgument("the pattern of regexp_like() must be a string literal, at {}",
                                 FormatPos(pattern->pos));
        }
        RE2::Options options;
        options.set_log_errors(false);
        node->regex = std::make_unique<RE2>(pattern->literal.s, options);
        if (!node->regex->ok()) {
          return InvalidArgument("bad regular expression '{}' at {}: {}", pattern->literal.s,
                                 FormatPos(pattern->pos), node->regex->error());
        }
        node->children.resize(1);  // the pattern is compiled; only the text is evaluated
        node->type = Boolean();
        return Status::Ok();
      }
      case Func::kNow:
        FLOE_RETURN_IF_ERROR(RequireArgs(node, 0, 0));
        node->type = Type::Primitive(TypeId::kTimestampTz);
        return Status::Ok();
      case Func::kCoalesce:
        return BindCoalesce(node);
    }
    return Internal("unknown function at {}", FormatPos(node->pos));
  }

  Status BindCoalesce(ExprNode* node) {
    FLOE_RETURN_IF_ERROR(RequireArgs(node, 1, std::numeric_limits<size_t>::max()));
    TypePtr target;
    for (const auto& child : node->children) {
      if (IsNullLiteral(*child)) continue;
      // Integers widen to long, and anything numeric to double when some argument is.
      const TypePtr& type = child->type;
      if (!target) {
        target = type;
      } else if (IsNumeric(target->id()) && IsNumeric(type->id()) && !(*target == *type)) {
        if (IsFloating(target->id()) || IsFloating(type->id()) ||
            target->id() == TypeId::kDecimal || type->id() == TypeId::kDecimal) {
          target = Type::Primitive(TypeId::kDouble);
        } else {
          target = Type::Primitive(TypeId::kLong);
        }
      }
    }
    if (!target) target = Boolean();
    for (auto& child : node->children) {
      if (child->kind == NodeKind::kLiteral) {
        if (child->literal.is_null || child->type->id() == TypeId::kString ||
            (IsNumeric(child->type->id()) && IsNumeric(target->id()))) {
          if (child->literal.is_null || CastSupported(*child->type, *target)) {
            FLOE_RETURN_IF_ERROR(ConvertLiteral(child.get(), target));
          }
        }
      }
      if (*child->type == *target) continue;
      if (IsNumeric(child->type->id()) && IsNumeric(target->id())) {
        WrapCast(&child, target);
        continue;
      }
      return InvalidArgument("coalesce() arguments must have one type: {} and {} at {}",
                             target->ToString(), child->type->ToString(), FormatPos(child->pos));
    }
    node->type = target;
    return Status::Ok();
  }

  Status BindCast(ExprNode* node) {
    ExprNode* operand = node->children[0].get();
    if (IsNullLiteral(*operand)) FLOE_RETURN_IF_ERROR(ConvertLiteral(operand, node->type));
    if (node->type->id() == TypeId::kDecimal &&
        node->type->precision() > kMaxInt64DecimalPrecision) {
      return InvalidArgument("CAST to {} at {}: decimals above precision {} are not supported",
                             node->type->ToString(), FormatPos(node->pos),
                             kMaxInt64DecimalPrecision);
    }
    if (!CastSupported(*operand->type, *node->type)) {
      return InvalidArgument("cannot cast {} to {} at {}", operand->type->ToString(),
                             node->type->ToString(), FormatPos(node->pos));
    }
    return Status::Ok();
  }

  const iceberg::Schema& schema_;
  std::vector<int>* column_indexes_;
  std::vector<ColumnKind>* column_kinds_;
  int next_slot_ = 0;
};

}  // namespace

Result<int> BindExpression(ExprNode* root, const iceberg::Schema& schema,
                           std::vector<int>* column_indexes,
                           std::vector<ColumnKind>* column_kinds) {
  Binder binder(schema, column_indexes, column_kinds);
  FLOE_RETURN_IF_ERROR(binder.Bind(root));
  Binder::DefaultNullType(root);
  binder.AssignSlots(root);
  return binder.slot_count();
}

}  // namespace floe::stream::internal
