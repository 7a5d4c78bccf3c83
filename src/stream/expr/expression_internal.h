#pragma once

// The parts of the expression engine shared by its parser, binder and evaluator: the node tree
// (one type for parsed and bound nodes; binding fills in types and compiled state) and the
// scratch vectors of evaluation.

#include <re2/re2.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/column_vector.h"
#include "common/result.h"
#include "iceberg/schema.h"
#include "iceberg/type.h"
#include "stream/expr/like_matcher.h"

namespace floe::stream::internal {

/// A position in the expression text, both 1-based.
struct SourcePos {
  int line = 1;
  int column = 1;
};

enum class NodeKind : uint8_t {
  kColumn,
  kLiteral,
  kCompare,
  kAnd,
  kOr,
  kNot,
  kArith,
  kNegate,
  kIsNull,
  kIn,
  kLike,
  kCall,
  kCast,
};

enum class CompareOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };
enum class ArithOp : uint8_t { kAdd, kSub, kMul, kDiv };
enum class Func : uint8_t {
  kLower,
  kUpper,
  kTrim,
  kLength,
  kSubstring,
  kRegexpLike,
  kNow,
  kCoalesce,
};

/// How values of a type are held during evaluation: every integer-like type (int, long, date,
/// time, timestamps, decimal unscaled) as int64, float and double as double, string, binary,
/// uuid and fixed as bytes.
enum class Phys : uint8_t { kBool, kInt, kDouble, kBytes };

/// A literal value; `type` nullptr means an untyped NULL (typed by its context at bind).
struct LiteralValue {
  bool is_null = false;
  bool b = false;
  int64_t i = 0;  // also a decimal's unscaled value, a date's days, a timestamp's micros
  double d = 0;
  std::string s;
};

/// How a comparison (or IN, or coalesce) compares its operands once bound.
enum class CompareDomain : uint8_t { kBool, kInt, kDecimal, kDouble, kBytes };

/// One node of an expression. Thread safety: immutable after binding.
struct ExprNode {
  NodeKind kind = NodeKind::kLiteral;
  SourcePos pos;
  std::vector<std::unique_ptr<ExprNode>> children;

  // From parsing.
  std::string name;               // column or function name; for literals, the text (for messages)
  bool quoted = false;            // a "double quoted" column name: matched exactly
  bool negated = false;           // NOT IN, NOT LIKE, IS NOT NULL
  bool case_insensitive = false;  // ILIKE
  CompareOp compare_op = CompareOp::kEq;
  ArithOp arith_op = ArithOp::kAdd;
  Func func = Func::kLower;
  LiteralValue literal;
  iceberg::TypePtr type;  // result type (literals and CAST targets have it from parsing)

  // From binding.
  int slot = 0;  // index of this node's scratch vector in the EvalContext
  Phys phys = Phys::kBool;
  int column_index = -1;  // kColumn: position in the batch
  ColumnKind column_kind = ColumnKind::kBool;
  CompareDomain domain = CompareDomain::kInt;  // kCompare, kIn
  int32_t left_scale = 0;  // kCompare/kArith in the decimal domain: the operands' scales
  int32_t right_scale = 0;
  std::vector<LiteralValue> in_values;  // kIn: sorted, non-null
  bool in_has_null = false;
  std::unique_ptr<LikeMatcher> like;
  // kLike over lower(x)/upper(x): the fold is done by the matcher, so evaluation reads x
  // directly and never builds the folded string.
  bool like_skips_fold = false;
  std::unique_ptr<re2::RE2> regex;
};

/// Parses expression text into an unbound tree. Errors are InvalidArgument "... at L:C".
Result<std::unique_ptr<ExprNode>> ParseExpression(std::string_view text);

/// Binds a parsed tree in place; returns the number of nodes (scratch slots), and lists the
/// columns read with the storage kind each must have.
Result<int> BindExpression(ExprNode* root, const iceberg::Schema& schema,
                           std::vector<int>* column_indexes, std::vector<ColumnKind>* column_kinds);

std::string FormatPos(SourcePos pos);

/// Bytes of strings built during evaluation, in chunks that never move, so that views into
/// them stay valid until Reset. Thread safety: none; owned by one Vec of one EvalContext.
class StringArena {
 public:
  std::string_view Copy(std::string_view bytes);
  char* Allocate(size_t size);
  void Reset();

 private:
  std::vector<std::string> chunks_;
  size_t current_ = 0;
};

/// The values of one node over a batch: indexed by batch row, valid only at selected rows.
/// A constant (a literal) holds one value at index 0. Thread safety: none (per EvalContext).
struct Vec {
  bool constant = false;
  std::vector<uint8_t> valid;  // 1 = value present
  std::vector<uint8_t> bools;
  std::vector<int64_t> ints;
  std::vector<double> doubles;
  std::vector<std::string_view> bytes;
  StringArena arena;

  size_t At(size_t row) const { return constant ? 0 : row; }
};

/// The scratch state of one EvalContext: a Vec and two sub-selection buffers per node slot,
/// kept between calls so that batch after batch reuses the same buffers.
struct EvalScratch {
  std::vector<Vec> vecs;                          // by node slot
  std::vector<std::vector<uint32_t>> selections;  // by node slot: sub-selections
};

}  // namespace floe::stream::internal
