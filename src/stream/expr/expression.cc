// Vectorized evaluation: each node runs one loop over the selected rows of the batch, reading
// its children's vectors and writing its own (scratch vectors live in the EvalContext, reused
// from batch to batch). AND, OR and coalesce evaluate their later operands only on the rows that
// still need them, so `x <> 0 AND 10 / x > 1` never divides by zero.

#include "stream/expr/expression.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <limits>

#include "common/clock.h"
#include "iceberg/data_file_writer.h"
#include "stream/expr/expression_cast.h"
#include "stream/expr/expression_internal.h"

namespace floe::stream {

using internal::ArithOp;
using internal::CompareDomain;
using internal::CompareOp;
using internal::Datum;
using internal::ExprNode;
using internal::Func;
using internal::NodeKind;
using internal::Phys;
using internal::Vec;

namespace internal {

namespace {
// Strings built during evaluation are carved from chunks of this size (or larger for a larger
// string); a chunk is never reallocated, so views into it stay valid.
constexpr size_t kArenaChunkBytes = 64 * 1024;
}  // namespace

char* StringArena::Allocate(size_t size) {
  // Chunks too small for this string are passed over; they are reused after the next Reset.
  while (current_ < chunks_.size() &&
         chunks_[current_].capacity() - chunks_[current_].size() < size) {
    ++current_;
  }
  if (current_ == chunks_.size()) {
    chunks_.emplace_back();
    chunks_.back().reserve(std::max(size, kArenaChunkBytes));
  }
  std::string& chunk = chunks_[current_];
  const size_t at = chunk.size();
  chunk.resize(at + size);  // within capacity: the chunk's bytes do not move
  return chunk.data() + at;
}

std::string_view StringArena::Copy(std::string_view bytes) {
  if (bytes.empty()) return {};
  char* at = Allocate(bytes.size());
  std::memcpy(at, bytes.data(), bytes.size());
  return {at, bytes.size()};
}

void StringArena::Reset() {
  for (auto& chunk : chunks_) chunk.clear();
  current_ = 0;
}

}  // namespace internal

namespace {

using iceberg::TypeId;

// Runs f(row) for each selected row; the branch on the selection's form is taken once.
template <typename F>
inline void ForEach(Selection selection, F&& f) {
  if (selection.indices != nullptr) {
    for (size_t i = 0; i < selection.count; ++i) f(selection.indices[i]);
  } else {
    const auto count = static_cast<uint32_t>(selection.count);
    for (uint32_t row = 0; row < count; ++row) f(row);
  }
}

bool IsUtf8Continuation(char c) { return (static_cast<uint8_t>(c) & 0xC0) == 0x80; }

// ASCII upper- and lower-case letters differ in this bit alone.
constexpr uint8_t kAsciiCaseBit = 0x20;

__extension__ typedef __int128 Int128;

int64_t CountCodePoints(std::string_view text) {
  int64_t count = 0;
  for (char c : text) count += IsUtf8Continuation(c) ? 0 : 1;
  return count;
}

// Byte offset of the code point with 0-based index `index` (text.size() when beyond the end).
size_t CodePointOffset(std::string_view text, int64_t index) {
  size_t at = 0;
  for (; at < text.size() && index > 0; --index) {
    ++at;
    while (at < text.size() && IsUtf8Continuation(text[at])) ++at;
  }
  return at;
}

class Evaluator {
 public:
  Evaluator(const RecordBatch& batch, size_t rows, EvalContext& ctx, int64_t now_micros)
      : batch_(batch), rows_(rows), ctx_(ctx), scratch_(ctx.scratch()), now_micros_(now_micros) {}

  void Eval(const ExprNode& node, Selection selection) {
    switch (node.kind) {
      case NodeKind::kColumn:
        return EvalColumn(node, selection);
      case NodeKind::kLiteral:
        return EvalLiteral(node);
      case NodeKind::kCompare:
        return EvalCompare(node, selection);
      case NodeKind::kAnd:
      case NodeKind::kOr:
        return EvalLogic(node, selection);
      case NodeKind::kNot:
        return EvalNot(node, selection);
      case NodeKind::kArith:
        return EvalArith(node, selection);
      case NodeKind::kNegate:
        return EvalNegate(node, selection);
      case NodeKind::kIsNull:
        return EvalIsNull(node, selection);
      case NodeKind::kIn:
        return EvalIn(node, selection);
      case NodeKind::kLike:
        return EvalLike(node, selection);
      case NodeKind::kCall:
        return EvalCall(node, selection);
      case NodeKind::kCast:
        return EvalCast(node, selection);
    }
  }

  Vec& Out(const ExprNode& node) { return scratch_.vecs[static_cast<size_t>(node.slot)]; }

 private:
  Vec& Prepare(const ExprNode& node) {
    Vec& v = Out(node);
    v.constant = false;
    v.valid.resize(rows_);
    switch (node.phys) {
      case Phys::kBool:
        v.bools.resize(rows_);
        break;
      case Phys::kInt:
        v.ints.resize(rows_);
        break;
      case Phys::kDouble:
        v.doubles.resize(rows_);
        break;
      case Phys::kBytes:
        v.bytes.resize(rows_);
        v.arena.Reset();
        break;
    }
    return v;
  }

  void Error(Vec& out, uint32_t row, const ExprNode& node, std::string_view what) {
    out.valid[row] = 0;
    ctx_.AddError(row, fmt::format("{} at {}", what, internal::FormatPos(node.pos)));
  }

  void EvalColumn(const ExprNode& node, Selection selection) {
    Vec& out = Prepare(node);
    const ColumnVector& column = batch_.columns[static_cast<size_t>(node.column_index)];
    const uint8_t* validity = column.validity();
    uint8_t* valid = out.valid.data();
    if (validity != nullptr) {
      ForEach(selection, [&](uint32_t r) { valid[r] = validity[r]; });
    } else {
      ForEach(selection, [&](uint32_t r) { valid[r] = 1; });
    }
    switch (column.kind()) {
      case ColumnKind::kBool: {
        const auto* values = column.values<uint8_t>();
        ForEach(selection, [&](uint32_t r) { out.bools[r] = values[r]; });
        break;
      }
      case ColumnKind::kInt32: {
        const auto* values = column.values<int32_t>();
        ForEach(selection, [&](uint32_t r) { out.ints[r] = values[r]; });
        break;
      }
      case ColumnKind::kInt64: {
        const auto* values = column.values<int64_t>();
        ForEach(selection, [&](uint32_t r) { out.ints[r] = values[r]; });
        break;
      }
      case ColumnKind::kFloat: {
        const auto* values = column.values<float>();
        ForEach(selection, [&](uint32_t r) { out.doubles[r] = values[r]; });
        break;
      }
      case ColumnKind::kDouble: {
        const auto* values = column.values<double>();
        ForEach(selection, [&](uint32_t r) { out.doubles[r] = values[r]; });
        break;
      }
      case ColumnKind::kBytes: {
        const uint32_t* offsets = column.offsets();
        const auto* data = reinterpret_cast<const char*>(column.bytes_data());
        ForEach(selection, [&](uint32_t r) {
          out.bytes[r] = std::string_view(data + offsets[r], offsets[r + 1] - offsets[r]);
        });
        break;
      }
      case ColumnKind::kFixed:
        ForEach(selection, [&](uint32_t r) { out.bytes[r] = column.GetBytes(r); });
        break;
    }
  }

  void EvalLiteral(const ExprNode& node) {
    Vec& v = Out(node);
    v.constant = true;
    v.valid.assign(1, node.literal.is_null ? 0 : 1);
    switch (node.phys) {
      case Phys::kBool:
        v.bools.assign(1, node.literal.b ? 1 : 0);
        break;
      case Phys::kInt:
        v.ints.assign(1, node.literal.i);
        break;
      case Phys::kDouble:
        v.doubles.assign(1, node.literal.d);
        break;
      case Phys::kBytes:
        v.bytes.assign(1, node.literal.s);
        break;
    }
  }

  // out[r] = op(key_a(a[r]), key_b(b[r])) over selected rows, hoisting a constant right side
  // (the common `column op literal`) out of the loop.
  template <typename T, typename KeyA, typename KeyB, typename Op>
  void CompareLoop(Selection selection, const Vec& a, const T* av, const Vec& b, const T* bv,
                   Vec& out, KeyA key_a, KeyB key_b, Op op) {
    uint8_t* result = out.bools.data();
    uint8_t* valid = out.valid.data();
    const uint8_t* a_valid = a.valid.data();
    const uint8_t* b_valid = b.valid.data();
    if (b.constant && !a.constant) {
      if (b_valid[0] == 0) {
        ForEach(selection, [&](uint32_t r) { valid[r] = 0; });
        return;
      }
      const auto rhs = key_b(bv[0]);
      ForEach(selection, [&](uint32_t r) {
        result[r] = op(key_a(av[r]), rhs) ? 1 : 0;
        valid[r] = a_valid[r];
      });
      return;
    }
    ForEach(selection, [&](uint32_t r) {
      const size_t i = a.At(r);
      const size_t j = b.At(r);
      result[r] = op(key_a(av[i]), key_b(bv[j])) ? 1 : 0;
      valid[r] = a_valid[i] & b_valid[j];
    });
  }

  template <typename T, typename KeyA, typename KeyB>
  void CompareWithOp(CompareOp op, Selection selection, const Vec& a, const T* av, const Vec& b,
                     const T* bv, Vec& out, KeyA key_a, KeyB key_b) {
    switch (op) {
      case CompareOp::kEq:
        return CompareLoop(selection, a, av, b, bv, out, key_a, key_b, std::equal_to<>());
      case CompareOp::kNe:
        return CompareLoop(selection, a, av, b, bv, out, key_a, key_b, std::not_equal_to<>());
      case CompareOp::kLt:
        return CompareLoop(selection, a, av, b, bv, out, key_a, key_b, std::less<>());
      case CompareOp::kLe:
        return CompareLoop(selection, a, av, b, bv, out, key_a, key_b, std::less_equal<>());
      case CompareOp::kGt:
        return CompareLoop(selection, a, av, b, bv, out, key_a, key_b, std::greater<>());
      case CompareOp::kGe:
        return CompareLoop(selection, a, av, b, bv, out, key_a, key_b, std::greater_equal<>());
    }
  }

  void EvalCompare(const ExprNode& node, Selection selection) {
    const ExprNode& left = *node.children[0];
    const ExprNode& right = *node.children[1];
    Eval(left, selection);
    Eval(right, selection);
    const Vec& a = Out(left);
    const Vec& b = Out(right);
    Vec& out = Prepare(node);
    auto identity = [](auto x) { return x; };
    switch (node.domain) {
      case CompareDomain::kBool:
        return CompareWithOp(node.compare_op, selection, a, a.bools.data(), b, b.bools.data(), out,
                             identity, identity);
      case CompareDomain::kInt:
        return CompareWithOp(node.compare_op, selection, a, a.ints.data(), b, b.ints.data(), out,
                             identity, identity);
      case CompareDomain::kDouble:
        return CompareWithOp(node.compare_op, selection, a, a.doubles.data(), b, b.doubles.data(),
                             out, identity, identity);
      case CompareDomain::kBytes:
        return CompareWithOp(node.compare_op, selection, a, a.bytes.data(), b, b.bytes.data(), out,
                             identity, identity);
      case CompareDomain::kDecimal: {
        // Both sides to the larger scale, in 128 bits so that the rescaling cannot overflow.
        const int32_t scale = std::max(node.left_scale, node.right_scale);
        const Int128 scale_a = internal::PowerOfTen(scale - node.left_scale);
        const Int128 scale_b = internal::PowerOfTen(scale - node.right_scale);
        return CompareWithOp(
            node.compare_op, selection, a, a.ints.data(), b, b.ints.data(), out,
            [scale_a](int64_t x) { return static_cast<Int128>(x) * scale_a; },
            [scale_b](int64_t x) { return static_cast<Int128>(x) * scale_b; });
      }
    }
  }

  // AND: FALSE wins over NULL; OR: TRUE wins over NULL. The right side is evaluated only on the
  // rows the left side has not decided. Both loops are branch-free: which rows are decided is
  // data, and a filter's outcome is as unpredictable as its input.
  void EvalLogic(const ExprNode& node, Selection selection) {
    const bool is_and = node.kind == NodeKind::kAnd;
    const ExprNode& left = *node.children[0];
    const ExprNode& right = *node.children[1];
    Eval(left, selection);
    const Vec& a = Out(left);
    // The value of one side that decides the result alone.
    const uint8_t decisive = is_and ? 0 : 1;
    auto& undecided = scratch_.selections[static_cast<size_t>(node.slot) * 2];
    undecided.resize(selection.count);
    size_t pending = 0;
    ForEach(selection, [&](uint32_t r) {
      const size_t i = a.At(r);
      undecided[pending] = r;
      pending += (a.valid[i] & static_cast<uint8_t>(a.bools[i] == decisive)) ^ 1;
    });
    Vec& out = Prepare(node);
    if (pending == 0) {
      ForEach(selection, [&](uint32_t r) {
        out.bools[r] = decisive;
        out.valid[r] = 1;
      });
      return;
    }
    Eval(right, Selection{undecided.data(), pending});
    const Vec& b = Out(right);
    // Rows decided by the left side read stale values of the right, which cannot change them.
    ForEach(selection, [&](uint32_t r) {
      const size_t i = a.At(r);
      const size_t j = b.At(r);
      const uint8_t a_decides = a.valid[i] & static_cast<uint8_t>(a.bools[i] == decisive);
      const uint8_t b_decides = b.valid[j] & static_cast<uint8_t>(b.bools[j] == decisive);
      const uint8_t decided = a_decides | b_decides;
      const uint8_t both_other = a.valid[i] & b.valid[j] & (decided ^ 1);
      out.valid[r] = decided | both_other;
      out.bools[r] = is_and ? both_other : decided;
    });
  }

  void EvalNot(const ExprNode& node, Selection selection) {
    const ExprNode& child = *node.children[0];
    Eval(child, selection);
    const Vec& a = Out(child);
    Vec& out = Prepare(node);
    ForEach(selection, [&](uint32_t r) {
      const size_t i = a.At(r);
      out.bools[r] = a.bools[i] ^ 1;
      out.valid[r] = a.valid[i];
    });
  }

  void EvalArith(const ExprNode& node, Selection selection) {
    const ExprNode& left = *node.children[0];
    const ExprNode& right = *node.children[1];
    Eval(left, selection);
    Eval(right, selection);
    const Vec& a = Out(left);
    const Vec& b = Out(right);
    Vec& out = Prepare(node);
    const ArithOp op = node.arith_op;
    if (node.domain == CompareDomain::kDouble) {
      ForEach(selection, [&](uint32_t r) {
        const size_t i = a.At(r);
        const size_t j = b.At(r);
        out.valid[r] = a.valid[i] & b.valid[j];
        if (!out.valid[r]) return;
        const double x = a.doubles[i];
        const double y = b.doubles[j];
        switch (op) {
          case ArithOp::kAdd:
            out.doubles[r] = x + y;
            break;
          case ArithOp::kSub:
            out.doubles[r] = x - y;
            break;
          case ArithOp::kMul:
            out.doubles[r] = x * y;
            break;
          case ArithOp::kDiv:
            if (y == 0) return Error(out, r, node, "division by zero");
            out.doubles[r] = x / y;
            break;
        }
      });
      return;
    }
    const bool decimal = node.domain == CompareDomain::kDecimal;
    const int32_t scale = decimal ? node.type->scale() : 0;
    const int64_t scale_a =
        decimal && op != ArithOp::kMul ? internal::PowerOfTen(scale - node.left_scale) : 1;
    const int64_t scale_b =
        decimal && op != ArithOp::kMul ? internal::PowerOfTen(scale - node.right_scale) : 1;
    const int64_t limit = decimal ? internal::PowerOfTen(node.type->precision())
                                  : std::numeric_limits<int64_t>::max();
    const bool narrow = node.type->id() == TypeId::kInt;
    ForEach(selection, [&](uint32_t r) {
      const size_t i = a.At(r);
      const size_t j = b.At(r);
      out.valid[r] = a.valid[i] & b.valid[j];
      if (!out.valid[r]) return;
      int64_t x = 0;
      int64_t y = 0;
      int64_t result = 0;
      bool overflow = __builtin_mul_overflow(a.ints[i], scale_a, &x) ||
                      __builtin_mul_overflow(b.ints[j], scale_b, &y);
      switch (op) {
        case ArithOp::kAdd:
          overflow = overflow || __builtin_add_overflow(x, y, &result);
          break;
        case ArithOp::kSub:
          overflow = overflow || __builtin_sub_overflow(x, y, &result);
          break;
        case ArithOp::kMul:
          overflow = overflow || __builtin_mul_overflow(x, y, &result);
          break;
        case ArithOp::kDiv:
          if (y == 0) return Error(out, r, node, "division by zero");
          overflow = overflow || (x == std::numeric_limits<int64_t>::min() && y == -1);
          if (!overflow) result = x / y;  // truncates toward zero, as integer division in SQL
          break;
      }
      overflow = overflow || (decimal && (result >= limit || result <= -limit)) ||
                 (narrow && (result < std::numeric_limits<int32_t>::min() ||
                             result > std::numeric_limits<int32_t>::max()));
      if (overflow) return Error(out, r, node, fmt::format("{} overflow", node.type->ToString()));
      out.ints[r] = result;
    });
  }

  void EvalNegate(const ExprNode& node, Selection selection) {
    const ExprNode& child = *node.children[0];
    Eval(child, selection);
    const Vec& a = Out(child);
    Vec& out = Prepare(node);
    const bool narrow = node.type->id() == TypeId::kInt;
    ForEach(selection, [&](uint32_t r) {
      const size_t i = a.At(r);
      out.valid[r] = a.valid[i];
      if (!out.valid[r]) return;
      if (node.phys == Phys::kDouble) {
        out.doubles[r] = -a.doubles[i];
        return;
      }
      const int64_t lowest =
          narrow ? std::numeric_limits<int32_t>::min() : std::numeric_limits<int64_t>::min();
      if (a.ints[i] == lowest) {
        return Error(out, r, node, fmt::format("{} overflow", node.type->ToString()));
      }
      out.ints[r] = -a.ints[i];
    });
  }

  void EvalIsNull(const ExprNode& node, Selection selection) {
    const ExprNode& child = *node.children[0];
    Eval(child, selection);
    const Vec& a = Out(child);
    Vec& out = Prepare(node);
    const uint8_t when_null = node.negated ? 0 : 1;
    ForEach(selection, [&](uint32_t r) {
      out.bools[r] = a.valid[a.At(r)] ? when_null ^ 1 : when_null;
      out.valid[r] = 1;
    });
  }

  template <typename T>
  void InLoop(const ExprNode& node, Selection selection, const Vec& a, const T* values,
              std::vector<T> list, Vec& out) {
    const uint8_t found_result = node.negated ? 0 : 1;
    ForEach(selection, [&](uint32_t r) {
      const size_t i = a.At(r);
      if (!a.valid[i]) {
        out.valid[r] = 0;
        return;
      }
      // Lists are short: a linear scan beats a binary search until they are not.
      const bool found = std::find(list.begin(), list.end(), values[i]) != list.end();
      if (found) {
        out.bools[r] = found_result;
        out.valid[r] = 1;
      } else {
        // x IN (1, NULL) with x = 2 is NULL: "unknown", not FALSE.
        out.bools[r] = found_result ^ 1;
        out.valid[r] = node.in_has_null ? 0 : 1;
      }
    });
  }

  void EvalIn(const ExprNode& node, Selection selection) {
    const ExprNode& child = *node.children[0];
    Eval(child, selection);
    const Vec& a = Out(child);
    Vec& out = Prepare(node);
    switch (node.domain) {
      case CompareDomain::kBool: {
        std::vector<uint8_t> list;
        for (const auto& v : node.in_values) list.push_back(v.b ? 1 : 0);
        return InLoop(node, selection, a, a.bools.data(), std::move(list), out);
      }
      case CompareDomain::kInt:
      case CompareDomain::kDecimal: {
        std::vector<int64_t> list;
        for (const auto& v : node.in_values) list.push_back(v.i);
        return InLoop(node, selection, a, a.ints.data(), std::move(list), out);
      }
      case CompareDomain::kDouble: {
        std::vector<double> list;
        for (const auto& v : node.in_values) list.push_back(v.d);
        return InLoop(node, selection, a, a.doubles.data(), std::move(list), out);
      }
      case CompareDomain::kBytes: {
        std::vector<std::string_view> list;
        for (const auto& v : node.in_values) list.push_back(v.s);
        return InLoop(node, selection, a, a.bytes.data(), std::move(list), out);
      }
    }
  }

  // Runs `match` over the input strings of a LIKE: straight from the column's buffer when the
  // input is a string column (no views are built), else from the child's vector.
  template <typename Match>
  void LikeLoop(const ExprNode& node, const ExprNode& input, Selection selection, Vec& out,
                Match match) {
    const uint8_t when_match = node.negated ? 0 : 1;
    uint8_t* result = out.bools.data();
    uint8_t* valid = out.valid.data();
    if (input.kind == NodeKind::kColumn && input.column_kind == ColumnKind::kBytes) {
      const ColumnVector& column = batch_.columns[static_cast<size_t>(input.column_index)];
      const uint32_t* offsets = column.offsets();
      const auto* data = reinterpret_cast<const char*>(column.bytes_data());
      const uint8_t* validity = column.validity();
      ForEach(selection, [&](uint32_t r) {
        const std::string_view text(data + offsets[r], offsets[r + 1] - offsets[r]);
        result[r] = match(text) ? when_match : when_match ^ 1;
        valid[r] = validity != nullptr ? validity[r] : 1;
      });
      return;
    }
    Eval(input, selection);
    const Vec& a = Out(input);
    ForEach(selection, [&](uint32_t r) {
      const size_t i = a.At(r);
      result[r] = match(a.bytes[i]) ? when_match : when_match ^ 1;
      valid[r] = a.valid[i];
    });
  }

  // '%lit%' over all rows of a string column: one search over the column's whole byte buffer
  // rather than one per row, so that short rows do not each pay the search's start-up and
  // tail. A hit is mapped to its row through the offsets; one that straddles two rows is
  // skipped, and after a match the search resumes at the next row.
  template <typename Find>
  void ContainsOverBuffer(const ExprNode& node, const ColumnVector& column, size_t count,
                          size_t needle_size, Vec& out, Find find) {
    const uint8_t when_match = node.negated ? 0 : 1;
    const uint32_t* offsets = column.offsets();
    const auto* data = reinterpret_cast<const char*>(column.bytes_data());
    const uint8_t* validity = column.validity();
    std::fill_n(out.bools.data(), count, static_cast<uint8_t>(when_match ^ 1));
    if (validity != nullptr) {
      std::copy_n(validity, count, out.valid.data());
    } else {
      std::fill_n(out.valid.data(), count, uint8_t{1});
    }
    const size_t end = offsets[count];
    size_t pos = offsets[0];
    size_t row = 0;
    while (pos < end) {
      const size_t at = find(std::string_view(data + pos, end - pos));
      if (at == std::string_view::npos) break;
      const size_t hit = pos + at;
      while (offsets[row + 1] <= hit) ++row;
      if (hit + needle_size <= offsets[row + 1]) {
        out.bools[row] = when_match;
        pos = offsets[row + 1];
      } else {
        pos = hit + 1;
      }
    }
  }

  void EvalLike(const ExprNode& node, Selection selection) {
    const ExprNode& value = *node.children[0];
    const ExprNode& input = node.like_skips_fold ? *value.children[0] : value;
    Vec& out = Prepare(node);
    const LikeMatcher& matcher = *node.like;
    const std::string_view lit = matcher.literal();
    if (matcher.shape() == LikeMatcher::Shape::kContains && selection.indices == nullptr &&
        input.kind == NodeKind::kColumn && input.column_kind == ColumnKind::kBytes) {
      const ColumnVector& column = batch_.columns[static_cast<size_t>(input.column_index)];
      if (matcher.case_insensitive()) {
        return ContainsOverBuffer(node, column, selection.count, lit.size(), out,
                                  [lit](std::string_view text) { return FindFolded(text, lit); });
      }
      return ContainsOverBuffer(node, column, selection.count, lit.size(), out,
                                [lit](std::string_view text) { return text.find(lit); });
    }
    // The hot shapes get a loop of their own so that the per-row work is the search alone.
    if (matcher.shape() == LikeMatcher::Shape::kContains && matcher.case_insensitive()) {
      return LikeLoop(node, input, selection, out,
                      [lit](std::string_view text) { return ContainsFolded(text, lit); });
    }
    if (matcher.shape() == LikeMatcher::Shape::kContains) {
      return LikeLoop(node, input, selection, out, [lit](std::string_view text) {
        return text.find(lit) != std::string_view::npos;
      });
    }
    if (matcher.shape() == LikeMatcher::Shape::kPrefix && !matcher.case_insensitive()) {
      return LikeLoop(node, input, selection, out,
                      [lit](std::string_view text) { return text.starts_with(lit); });
    }
    if (matcher.shape() == LikeMatcher::Shape::kExact && !matcher.case_insensitive()) {
      return LikeLoop(node, input, selection, out,
                      [lit](std::string_view text) { return text == lit; });
    }
    LikeLoop(node, input, selection, out,
             [&matcher](std::string_view text) { return matcher.Matches(text); });
  }

  void EvalCall(const ExprNode& node, Selection selection) {
    switch (node.func) {
      case Func::kLower:
      case Func::kUpper:
        return EvalCaseMap(node, selection);
      case Func::kTrim:
        return EvalTrim(node, selection);
      case Func::kLength:
        return EvalLength(node, selection);
      case Func::kSubstring:
        return EvalSubstring(node, selection);
      case Func::kRegexpLike:
        return EvalRegexpLike(node, selection);
      case Func::kNow: {
        Vec& v = Out(node);
        v.constant = true;
        v.valid.assign(1, 1);
        v.ints.assign(1, now_micros_);
        return;
      }
      case Func::kCoalesce:
        return EvalCoalesce(node, selection);
    }
  }

  void EvalCaseMap(const ExprNode& node, Selection selection) {
    const ExprNode& child = *node.children[0];
    Eval(child, selection);
    const Vec& a = Out(child);
    Vec& out = Prepare(node);
    const bool lower = node.func == Func::kLower;
    ForEach(selection, [&](uint32_t r) {
      const size_t i = a.At(r);
      out.valid[r] = a.valid[i];
      if (!out.valid[r]) return;
      const std::string_view text = a.bytes[i];
      char* to = out.arena.Allocate(text.size());
      for (size_t k = 0; k < text.size(); ++k) {
        const auto c = static_cast<uint8_t>(text[k]);
        // ASCII letters only: bytes of multi-byte UTF-8 sequences are >= 0x80 and pass as is.
        const bool flip = lower ? (c >= 'A' && c <= 'Z') : (c >= 'a' && c <= 'z');
        to[k] = static_cast<char>(flip ? c ^ kAsciiCaseBit : c);
      }
      out.bytes[r] = std::string_view(to, text.size());
    });
  }

  void EvalTrim(const ExprNode& node, Selection selection) {
    const ExprNode& child = *node.children[0];
    Eval(child, selection);
    const Vec& a = Out(child);
    Vec& out = Prepare(node);
    ForEach(selection, [&](uint32_t r) {
      const size_t i = a.At(r);
      out.valid[r] = a.valid[i];
      std::string_view text = a.bytes[i];
      while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
      while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
      out.bytes[r] = text;  // a view into the child's bytes, which outlive this call
    });
  }

  void EvalLength(const ExprNode& node, Selection selection) {
    const ExprNode& child = *node.children[0];
    Eval(child, selection);
    const Vec& a = Out(child);
    Vec& out = Prepare(node);
    ForEach(selection, [&](uint32_t r) {
      const size_t i = a.At(r);
      out.valid[r] = a.valid[i];
      out.ints[r] = CountCodePoints(a.bytes[i]);
    });
  }

  // substring(s, start[, length]) in code points, 1-based; a start before 1 shortens the window
  // as in PostgreSQL (substring('abc', 0, 2) = 'a').
  void EvalSubstring(const ExprNode& node, Selection selection) {
    for (const auto& child : node.children) Eval(*child, selection);
    const Vec& text_vec = Out(*node.children[0]);
    const Vec& start_vec = Out(*node.children[1]);
    const Vec* length_vec = node.children.size() > 2 ? &Out(*node.children[2]) : nullptr;
    Vec& out = Prepare(node);
    ForEach(selection, [&](uint32_t r) {
      const size_t t = text_vec.At(r);
      const size_t s = start_vec.At(r);
      out.valid[r] = text_vec.valid[t] & start_vec.valid[s];
      if (length_vec != nullptr) out.valid[r] &= length_vec->valid[length_vec->At(r)];
      if (!out.valid[r]) return;
      const std::string_view text = text_vec.bytes[t];
      const int64_t start = start_vec.ints[s];
      int64_t end = std::numeric_limits<int64_t>::max();  // 1-based, exclusive
      if (length_vec != nullptr) {
        const int64_t length = length_vec->ints[length_vec->At(r)];
        if (length < 0) return Error(out, r, node, "negative substring length");
        if (__builtin_add_overflow(start, length, &end)) end = std::numeric_limits<int64_t>::max();
      }
      const int64_t first = std::max<int64_t>(start, 1);
      if (end <= first) {
        out.bytes[r] = std::string_view();
        return;
      }
      const size_t from = CodePointOffset(text, first - 1);
      const size_t to = end == std::numeric_limits<int64_t>::max()
                            ? text.size()
                            : from + CodePointOffset(text.substr(from), end - first);
      out.bytes[r] = text.substr(from, to - from);
    });
  }

  void EvalRegexpLike(const ExprNode& node, Selection selection) {
    const ExprNode& child = *node.children[0];
    Eval(child, selection);
    const Vec& a = Out(child);
    Vec& out = Prepare(node);
    const RE2& regex = *node.regex;
    ForEach(selection, [&](uint32_t r) {
      const size_t i = a.At(r);
      out.valid[r] = a.valid[i];
      if (!out.valid[r]) return;
      out.bools[r] = RE2::PartialMatch(a.bytes[i], regex) ? 1 : 0;
    });
  }

  // Each argument is evaluated only on the rows still null after the ones before it.
  void EvalCoalesce(const ExprNode& node, Selection selection) {
    auto& pending = scratch_.selections[static_cast<size_t>(node.slot) * 2];
    auto& still_null = scratch_.selections[static_cast<size_t>(node.slot) * 2 + 1];
    Vec& out = Prepare(node);
    ForEach(selection, [&](uint32_t r) { out.valid[r] = 0; });
    pending.clear();
    ForEach(selection, [&](uint32_t r) { pending.push_back(r); });
    for (const auto& child : node.children) {
      if (pending.empty()) break;
      Eval(*child, Selection{pending.data(), pending.size()});
      const Vec& a = Out(*child);
      still_null.clear();
      for (uint32_t r : pending) {
        const size_t i = a.At(r);
        if (!a.valid[i]) {
          still_null.push_back(r);
          continue;
        }
        out.valid[r] = 1;
        switch (node.phys) {
          case Phys::kBool:
            out.bools[r] = a.bools[i];
            break;
          case Phys::kInt:
            out.ints[r] = a.ints[i];
            break;
          case Phys::kDouble:
            out.doubles[r] = a.doubles[i];
            break;
          case Phys::kBytes:
            out.bytes[r] = a.bytes[i];  // the argument's bytes outlive this call
            break;
        }
      }
      pending.swap(still_null);
    }
  }

  static Datum ReadDatum(const Vec& v, Phys phys, size_t i) {
    Datum d;
    switch (phys) {
      case Phys::kBool:
        d.b = v.bools[i] != 0;
        break;
      case Phys::kInt:
        d.i = v.ints[i];
        break;
      case Phys::kDouble:
        d.d = v.doubles[i];
        break;
      case Phys::kBytes:
        d.s = v.bytes[i];
        break;
    }
    return d;
  }

  void EvalCast(const ExprNode& node, Selection selection) {
    const ExprNode& child = *node.children[0];
    Eval(child, selection);
    const Vec& a = Out(child);
    Vec& out = Prepare(node);
    const iceberg::Type& from = *child.type;
    const iceberg::Type& to = *node.type;
    // Widening without a possible failure gets a plain loop.
    if (from.id() == TypeId::kInt && to.id() == TypeId::kLong) {
      ForEach(selection, [&](uint32_t r) {
        const size_t i = a.At(r);
        out.valid[r] = a.valid[i];
        out.ints[r] = a.ints[i];
      });
      return;
    }
    if ((from.id() == TypeId::kInt || from.id() == TypeId::kLong) && to.id() == TypeId::kDouble) {
      ForEach(selection, [&](uint32_t r) {
        const size_t i = a.At(r);
        out.valid[r] = a.valid[i];
        out.doubles[r] = static_cast<double>(a.ints[i]);
      });
      return;
    }
    std::string text;
    std::string error;
    ForEach(selection, [&](uint32_t r) {
      const size_t i = a.At(r);
      out.valid[r] = a.valid[i];
      if (!out.valid[r]) return;
      Datum result;
      if (!internal::CastDatum(from, to, ReadDatum(a, child.phys, i), &result, &text, &error)) {
        return Error(out, r, node, error);
      }
      switch (node.phys) {
        case Phys::kBool:
          out.bools[r] = result.b ? 1 : 0;
          break;
        case Phys::kInt:
          out.ints[r] = result.i;
          break;
        case Phys::kDouble:
          out.doubles[r] = result.d;
          break;
        case Phys::kBytes:
          // A string built by the cast lives in `text`: copy it; else it views the input.
          out.bytes[r] = result.s.data() == text.data() ? out.arena.Copy(result.s) : result.s;
          break;
      }
    });
  }

  const RecordBatch& batch_;
  size_t rows_;
  EvalContext& ctx_;
  internal::EvalScratch& scratch_;
  int64_t now_micros_;
};

}  // namespace

EvalContext::EvalContext() : scratch_(std::make_unique<internal::EvalScratch>()) {}
EvalContext::~EvalContext() = default;
EvalContext::EvalContext(EvalContext&&) noexcept = default;
EvalContext& EvalContext::operator=(EvalContext&&) noexcept = default;

size_t BatchRowCount(const RecordBatch& batch) {
  if (!batch.offsets.empty() || batch.columns.empty()) return batch.num_rows();
  return batch.columns.front().size();
}

struct BoundExpression::ConstructorKey {
  explicit ConstructorKey() = default;
};

BoundExpression::BoundExpression(const ConstructorKey& /*key*/, std::string text,
                                 std::unique_ptr<ExprNode> root, int node_count,
                                 std::vector<int> column_indexes,
                                 std::vector<ColumnKind> column_kinds)
    : text_(std::move(text)),
      root_(std::move(root)),
      node_count_(node_count),
      column_indexes_(std::move(column_indexes)),
      column_kinds_(std::move(column_kinds)) {}

BoundExpression::~BoundExpression() = default;

Result<std::unique_ptr<BoundExpression>> BoundExpression::Bind(std::string_view text,
                                                               const iceberg::Schema& schema) {
  FLOE_ASSIGN_OR_RAISE(auto root, internal::ParseExpression(text));
  std::vector<int> column_indexes;
  std::vector<ColumnKind> column_kinds;
  FLOE_ASSIGN_OR_RAISE(
      int node_count, internal::BindExpression(root.get(), schema, &column_indexes, &column_kinds));
  return std::make_unique<BoundExpression>(ConstructorKey(), std::string(text), std::move(root),
                                           node_count, std::move(column_indexes),
                                           std::move(column_kinds));
}

const iceberg::Type& BoundExpression::type() const { return *root_->type; }
const iceberg::TypePtr& BoundExpression::type_ptr() const { return root_->type; }

Status BoundExpression::CheckBatch(const RecordBatch& batch) const {
  const size_t rows = BatchRowCount(batch);
  for (size_t k = 0; k < column_indexes_.size(); ++k) {
    const auto index = static_cast<size_t>(column_indexes_[k]);
    if (index >= batch.columns.size()) {
      return InvalidArgument("expression '{}' reads column {} but the batch has {} columns", text_,
                             index, batch.columns.size());
    }
    const ColumnVector& column = batch.columns[index];
    if (column.kind() != column_kinds_[k] || column.size() < rows) {
      return InvalidArgument(
          "expression '{}': batch column {} does not have the storage or rows it was bound to",
          text_, index);
    }
  }
  return Status::Ok();
}

namespace {

// Sizes the context's scratch for an expression of `node_count` nodes.
void PrepareScratch(internal::EvalScratch& scratch, int node_count) {
  const auto nodes = static_cast<size_t>(node_count);
  if (scratch.vecs.size() < nodes) scratch.vecs.resize(nodes);
  // Two sub-selections per node: AND/OR use one, coalesce alternates between both.
  if (scratch.selections.size() < nodes * 2) scratch.selections.resize(nodes * 2);
}

}  // namespace

Status BoundExpression::Evaluate(const RecordBatch& batch, Selection selection, EvalContext& ctx,
                                 ColumnVector* out) const {
  FLOE_RETURN_IF_ERROR(CheckBatch(batch));
  const size_t rows = BatchRowCount(batch);
  int32_t fixed_width = 0;
  FLOE_ASSIGN_OR_RAISE(ColumnKind kind, iceberg::ColumnKindFor(*root_->type, &fixed_width));
  ctx.ClearErrors();
  PrepareScratch(ctx.scratch(), node_count_);
  Evaluator evaluator(batch, rows, ctx, ctx.now_micros().value_or(NowMicros()));
  evaluator.Eval(*root_, selection);
  const Vec& v = evaluator.Out(*root_);

  std::vector<uint8_t> selected(rows, 0);
  ForEach(selection, [&](uint32_t r) { selected[r] = 1; });
  *out = ColumnVector(kind, fixed_width);
  out->Reserve(rows);
  for (size_t r = 0; r < rows; ++r) {
    const size_t i = v.At(r);
    if (!selected[r] || !v.valid[i]) {
      out->AppendNull();
      continue;
    }
    switch (kind) {
      case ColumnKind::kBool:
        out->Append<uint8_t>(v.bools[i]);
        break;
      case ColumnKind::kInt32:
        out->Append<int32_t>(static_cast<int32_t>(v.ints[i]));
        break;
      case ColumnKind::kInt64:
        out->Append<int64_t>(v.ints[i]);
        break;
      case ColumnKind::kFloat:
        out->Append<float>(static_cast<float>(v.doubles[i]));
        break;
      case ColumnKind::kDouble:
        out->Append<double>(v.doubles[i]);
        break;
      case ColumnKind::kBytes:
      case ColumnKind::kFixed:
        out->AppendBytes(v.bytes[i]);
        break;
    }
  }
  return Status::Ok();
}

Status BoundExpression::Filter(const RecordBatch& batch, Selection selection, EvalContext& ctx,
                               std::vector<uint32_t>* out_rows) const {
  if (root_->type->id() != TypeId::kBoolean) {
    return InvalidArgument("filter '{}' is of type {}, not boolean", text_,
                           root_->type->ToString());
  }
  FLOE_RETURN_IF_ERROR(CheckBatch(batch));
  ctx.ClearErrors();
  PrepareScratch(ctx.scratch(), node_count_);
  Evaluator evaluator(batch, BatchRowCount(batch), ctx, ctx.now_micros().value_or(NowMicros()));
  evaluator.Eval(*root_, selection);
  const Vec& v = evaluator.Out(*root_);
  out_rows->clear();
  if (v.constant) {
    if (v.valid[0] && v.bools[0]) ForEach(selection, [&](uint32_t r) { out_rows->push_back(r); });
    return Status::Ok();
  }
  out_rows->resize(selection.count);
  uint32_t* to = out_rows->data();
  size_t kept = 0;
  const uint8_t* valid = v.valid.data();
  const uint8_t* values = v.bools.data();
  // Branch-free: write every row, advance only past the kept ones.
  ForEach(selection, [&](uint32_t r) {
    to[kept] = r;
    kept += valid[r] & values[r];
  });
  out_rows->resize(kept);
  return Status::Ok();
}

}  // namespace floe::stream
