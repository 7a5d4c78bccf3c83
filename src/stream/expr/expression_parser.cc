// Lexer and recursive-descent parser of the expression language. Precedence, loosest first:
// OR, AND, NOT, predicates (comparisons, IS [NOT] NULL, [NOT] IN, [NOT] LIKE/ILIKE; not
// chained), + and -, * and /, unary minus, primaries.

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "format/json/temporal.h"
#include "stream/expr/expression_internal.h"

namespace floe::stream::internal {
namespace {

// Decimal literals with more digits than an int64 holds become doubles.
constexpr int32_t kMaxLiteralDecimalDigits = 18;

enum class TokenKind : uint8_t {
  kIdent,
  kQuotedIdent,
  kInteger,
  kNumber,  // with a '.' or an exponent
  kString,
  kSymbol,
  kEnd,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;  // identifiers and symbols as written; strings and quoted names unescaped
  SourcePos pos;
};

bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         static_cast<unsigned char>(c) >= 0x80;
}
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return FoldAscii(static_cast<uint8_t>(x)) == FoldAscii(static_cast<uint8_t>(y));
         });
}

Result<std::vector<Token>> Lex(std::string_view text) {
  std::vector<Token> tokens;
  size_t i = 0;
  int line = 1;
  size_t line_start = 0;
  auto pos_at = [&](size_t at) { return SourcePos{line, static_cast<int>(at - line_start) + 1}; };
  while (i < text.size()) {
    char c = text[i];
    if (c == '\n') {
      ++i;
      ++line;
      line_start = i;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
      continue;
    }
    Token token;
    token.pos = pos_at(i);
    if (IsIdentStart(c)) {
      size_t start = i;
      while (i < text.size() && IsIdentChar(text[i])) ++i;
      token.kind = TokenKind::kIdent;
      token.text = std::string(text.substr(start, i - start));
    } else if (IsDigit(c) || (c == '.' && i + 1 < text.size() && IsDigit(text[i + 1]))) {
      size_t start = i;
      bool fractional = false;
      while (i < text.size() && IsDigit(text[i])) ++i;
      if (i < text.size() && text[i] == '.') {
        fractional = true;
        ++i;
        while (i < text.size() && IsDigit(text[i])) ++i;
      }
      if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        size_t exp = i + 1;
        if (exp < text.size() && (text[exp] == '+' || text[exp] == '-')) ++exp;
        if (exp < text.size() && IsDigit(text[exp])) {
          fractional = true;
          i = exp;
          while (i < text.size() && IsDigit(text[i])) ++i;
        }
      }
      if (i < text.size() && IsIdentStart(text[i])) {
        return InvalidArgument("malformed number at {}", FormatPos(token.pos));
      }
      token.kind = fractional ? TokenKind::kNumber : TokenKind::kInteger;
      token.text = std::string(text.substr(start, i - start));
    } else if (c == '\'' || c == '"') {
      const char quote = c;
      ++i;
      std::string value;
      bool closed = false;
      while (i < text.size()) {
        if (text[i] == quote) {
          if (i + 1 < text.size() && text[i + 1] == quote) {  // '' or "" stands for one quote
            value.push_back(quote);
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        if (text[i] == '\n') {
          ++line;
          line_start = i + 1;
        }
        value.push_back(text[i++]);
      }
      if (!closed) {
        return InvalidArgument("unterminated {} at {}", quote == '\'' ? "string" : "quoted name",
                               FormatPos(token.pos));
      }
      token.kind = quote == '\'' ? TokenKind::kString : TokenKind::kQuotedIdent;
      token.text = std::move(value);
    } else {
      static constexpr std::string_view kTwoCharSymbols[] = {"<>", "!=", "<=", ">="};
      token.kind = TokenKind::kSymbol;
      std::string_view two = text.substr(i, 2);
      if (std::find(std::begin(kTwoCharSymbols), std::end(kTwoCharSymbols), two) !=
          std::end(kTwoCharSymbols)) {
        token.text = std::string(two);
        i += 2;
      } else if (std::string_view("=<>+-*/(),").find(c) != std::string_view::npos) {
        token.text = std::string(1, c);
        ++i;
      } else {
        return InvalidArgument("unexpected character '{}' at {}", c, FormatPos(token.pos));
      }
    }
    tokens.push_back(std::move(token));
  }
  Token end;
  end.kind = TokenKind::kEnd;
  end.pos = pos_at(text.size());
  tokens.push_back(std::move(end));
  return tokens;
}

std::string Describe(const Token& token) {
  switch (token.kind) {
    case TokenKind::kEnd:
      return "end of expression";
    case TokenKind::kString:
      return fmt::format("'{}'", token.text);
    case TokenKind::kQuotedIdent:
      return fmt::format("\"{}\"", token.text);
    default:
      return fmt::format("'{}'", token.text);
  }
}

// Words that cannot name a column without double quotes.
bool IsReserved(std::string_view word) {
  static constexpr std::string_view kReserved[] = {"and",  "or",    "not",  "is",    "null", "in",
                                                   "like", "ilike", "true", "false", "cast", "as"};
  return std::any_of(std::begin(kReserved), std::end(kReserved),
                     [&](std::string_view r) { return EqualsIgnoreCase(word, r); });
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Result<std::unique_ptr<ExprNode>> ParseAll() {
    FLOE_ASSIGN_OR_RAISE(auto root, ParseOr());
    if (Peek().kind != TokenKind::kEnd) {
      return InvalidArgument("unexpected {} at {}", Describe(Peek()), FormatPos(Peek().pos));
    }
    return root;
  }

 private:
  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(next_ + ahead, tokens_.size() - 1)];
  }
  const Token& Advance() { return tokens_[std::min(next_++, tokens_.size() - 1)]; }
  bool IsKeyword(const Token& token, std::string_view word) const {
    return token.kind == TokenKind::kIdent && EqualsIgnoreCase(token.text, word);
  }
  bool IsSymbol(const Token& token, std::string_view symbol) const {
    return token.kind == TokenKind::kSymbol && token.text == symbol;
  }
  bool AcceptKeyword(std::string_view word) {
    if (!IsKeyword(Peek(), word)) return false;
    ++next_;
    return true;
  }
  bool AcceptSymbol(std::string_view symbol) {
    if (!IsSymbol(Peek(), symbol)) return false;
    ++next_;
    return true;
  }
  Status Expect(std::string_view symbol) {
    if (AcceptSymbol(symbol)) return Status::Ok();
    return InvalidArgument("expected '{}' but found {} at {}", symbol, Describe(Peek()),
                           FormatPos(Peek().pos));
  }

  static std::unique_ptr<ExprNode> MakeNode(NodeKind kind, SourcePos pos) {
    auto node = std::make_unique<ExprNode>();
    node->kind = kind;
    node->pos = pos;
    return node;
  }
  static std::unique_ptr<ExprNode> MakeBinary(NodeKind kind, SourcePos pos,
                                              std::unique_ptr<ExprNode> left,
                                              std::unique_ptr<ExprNode> right) {
    auto node = MakeNode(kind, pos);
    node->children.push_back(std::move(left));
    node->children.push_back(std::move(right));
    return node;
  }

  Result<std::unique_ptr<ExprNode>> ParseOr() {
    FLOE_ASSIGN_OR_RAISE(auto left, ParseAnd());
    while (IsKeyword(Peek(), "or")) {
      SourcePos pos = Advance().pos;
      FLOE_ASSIGN_OR_RAISE(auto right, ParseAnd());
      left = MakeBinary(NodeKind::kOr, pos, std::move(left), std::move(right));
    }
    return left;
  }

  Result<std::unique_ptr<ExprNode>> ParseAnd() {
    FLOE_ASSIGN_OR_RAISE(auto left, ParseNot());
    while (IsKeyword(Peek(), "and")) {
      SourcePos pos = Advance().pos;
      FLOE_ASSIGN_OR_RAISE(auto right, ParseNot());
      left = MakeBinary(NodeKind::kAnd, pos, std::move(left), std::move(right));
    }
    return left;
  }

  Result<std::unique_ptr<ExprNode>> ParseNot() {
    if (IsKeyword(Peek(), "not")) {
      SourcePos pos = Advance().pos;
      FLOE_ASSIGN_OR_RAISE(auto operand, ParseNot());
      auto node = MakeNode(NodeKind::kNot, pos);
      node->children.push_back(std::move(operand));
      return node;
    }
    return ParsePredicate();
  }

  Result<std::unique_ptr<ExprNode>> ParsePredicate() {
    FLOE_ASSIGN_OR_RAISE(auto left, ParseAdditive());
    const Token& token = Peek();
    if (token.kind == TokenKind::kSymbol) {
      static constexpr std::pair<std::string_view, CompareOp> kOps[] = {
          {"=", CompareOp::kEq}, {"<>", CompareOp::kNe}, {"!=", CompareOp::kNe},
          {"<", CompareOp::kLt}, {"<=", CompareOp::kLe}, {">", CompareOp::kGt},
          {">=", CompareOp::kGe}};
      for (const auto& [symbol, op] : kOps) {
        if (token.text != symbol) continue;
        SourcePos pos = Advance().pos;
        FLOE_ASSIGN_OR_RAISE(auto right, ParseAdditive());
        auto node = MakeBinary(NodeKind::kCompare, pos, std::move(left), std::move(right));
        node->compare_op = op;
        return node;
      }
      return left;
    }
    if (IsKeyword(token, "is")) {
      SourcePos pos = Advance().pos;
      auto node = MakeNode(NodeKind::kIsNull, pos);
      node->negated = AcceptKeyword("not");
      if (!AcceptKeyword("null")) {
        return InvalidArgument("expected NULL after IS but found {} at {}", Describe(Peek()),
                               FormatPos(Peek().pos));
      }
      node->children.push_back(std::move(left));
      return node;
    }
    bool negated = false;
    SourcePos pos = token.pos;
    if (IsKeyword(token, "not")) {
      if (!IsKeyword(Peek(1), "in") && !IsKeyword(Peek(1), "like") &&
          !IsKeyword(Peek(1), "ilike")) {
        return InvalidArgument("expected IN, LIKE or ILIKE after NOT but found {} at {}",
                               Describe(Peek(1)), FormatPos(Peek(1).pos));
      }
      Advance();
      negated = true;
    }
    if (IsKeyword(Peek(), "in")) {
      Advance();
      auto node = MakeNode(NodeKind::kIn, pos);
      node->negated = negated;
      node->children.push_back(std::move(left));
      FLOE_RETURN_IF_ERROR(Expect("("));
      do {
        FLOE_ASSIGN_OR_RAISE(auto item, ParseAdditive());
        node->children.push_back(std::move(item));
      } while (AcceptSymbol(","));
      FLOE_RETURN_IF_ERROR(Expect(")"));
      return node;
    }
    if (IsKeyword(Peek(), "like") || IsKeyword(Peek(), "ilike")) {
      auto node = MakeNode(NodeKind::kLike, pos);
      node->case_insensitive = IsKeyword(Advance(), "ilike");
      node->negated = negated;
      FLOE_ASSIGN_OR_RAISE(auto pattern, ParseAdditive());
      node->children.push_back(std::move(left));
      node->children.push_back(std::move(pattern));
      return node;
    }
    return left;
  }

  Result<std::unique_ptr<ExprNode>> ParseAdditive() {
    FLOE_ASSIGN_OR_RAISE(auto left, ParseMultiplicative());
    while (IsSymbol(Peek(), "+") || IsSymbol(Peek(), "-")) {
      const Token& op = Advance();
      ArithOp arith = op.text == "+" ? ArithOp::kAdd : ArithOp::kSub;
      FLOE_ASSIGN_OR_RAISE(auto right, ParseMultiplicative());
      left = MakeBinary(NodeKind::kArith, op.pos, std::move(left), std::move(right));
      left->arith_op = arith;
    }
    return left;
  }

  Result<std::unique_ptr<ExprNode>> ParseMultiplicative() {
    FLOE_ASSIGN_OR_RAISE(auto left, ParseUnary());
    while (IsSymbol(Peek(), "*") || IsSymbol(Peek(), "/")) {
      const Token& op = Advance();
      ArithOp arith = op.text == "*" ? ArithOp::kMul : ArithOp::kDiv;
      FLOE_ASSIGN_OR_RAISE(auto right, ParseUnary());
      left = MakeBinary(NodeKind::kArith, op.pos, std::move(left), std::move(right));
      left->arith_op = arith;
    }
    return left;
  }

  Result<std::unique_ptr<ExprNode>> ParseUnary() {
    if (IsSymbol(Peek(), "+")) {
      Advance();
      return ParseUnary();
    }
    if (!IsSymbol(Peek(), "-")) return ParsePrimary();
    SourcePos pos = Advance().pos;
    // A minus directly before a number is part of the literal, so that the smallest long is
    // writable and constants need no negation at run time.
    if (Peek().kind == TokenKind::kInteger || Peek().kind == TokenKind::kNumber) {
      const Token& number = Advance();
      return NumberLiteral(number, pos, /*negative=*/true);
    }
    FLOE_ASSIGN_OR_RAISE(auto operand, ParseUnary());
    auto node = MakeNode(NodeKind::kNegate, pos);
    node->children.push_back(std::move(operand));
    return node;
  }

  static Result<std::unique_ptr<ExprNode>> NumberLiteral(const Token& token, SourcePos pos,
                                                         bool negative) {
    auto node = MakeNode(NodeKind::kLiteral, pos);
    node->name = negative ? "-" + token.text : token.text;
    const std::string& text = node->name;
    if (token.kind == TokenKind::kInteger) {
      int64_t value = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec != std::errc() || end != text.data() + text.size()) {
        return InvalidArgument("integer {} out of range at {}", text, FormatPos(pos));
      }
      node->literal.i = value;
      const bool fits_int = value >= std::numeric_limits<int32_t>::min() &&
                            value <= std::numeric_limits<int32_t>::max();
      node->type =
          iceberg::Type::Primitive(fits_int ? iceberg::TypeId::kInt : iceberg::TypeId::kLong);
      return node;
    }
    const bool has_exponent = text.find_first_of("eE") != std::string::npos;
    size_t dot = text.find('.');
    int32_t digits = 0;
    int32_t scale = 0;
    std::string unscaled;
    for (size_t i = 0; i < text.size(); ++i) {
      if (!IsDigit(text[i])) continue;
      unscaled.push_back(text[i]);
      if (i > dot) ++scale;
    }
    size_t first_significant = unscaled.find_first_not_of('0');
    digits = first_significant == std::string::npos
                 ? 1
                 : static_cast<int32_t>(unscaled.size() - first_significant);
    digits = std::max(digits, scale);
    if (has_exponent || digits > kMaxLiteralDecimalDigits) {
      double value = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (ec != std::errc() || end != text.data() + text.size()) {
        return InvalidArgument("number {} out of range at {}", text, FormatPos(pos));
      }
      node->literal.d = value;
      node->type = iceberg::Type::Primitive(iceberg::TypeId::kDouble);
      return node;
    }
    int64_t value = 0;
    std::from_chars(unscaled.data(), unscaled.data() + unscaled.size(), value);
    node->literal.i = negative ? -value : value;
    node->type = iceberg::Type::Decimal(std::max(digits, 1), scale);
    return node;
  }

  Result<std::unique_ptr<ExprNode>> ParsePrimary() {
    const Token& token = Advance();
    switch (token.kind) {
      case TokenKind::kInteger:
      case TokenKind::kNumber:
        return NumberLiteral(token, token.pos, /*negative=*/false);
      case TokenKind::kString: {
        auto node = MakeNode(NodeKind::kLiteral, token.pos);
        node->literal.s = token.text;
        node->name = token.text;
        node->type = iceberg::Type::Primitive(iceberg::TypeId::kString);
        return node;
      }
      case TokenKind::kQuotedIdent: {
        auto node = MakeNode(NodeKind::kColumn, token.pos);
        node->name = token.text;
        node->quoted = true;
        return node;
      }
      case TokenKind::kSymbol:
        if (token.text == "(") {
          FLOE_ASSIGN_OR_RAISE(auto inner, ParseOr());
          FLOE_RETURN_IF_ERROR(Expect(")"));
          return inner;
        }
        return InvalidArgument("unexpected {} at {}", Describe(token), FormatPos(token.pos));
      case TokenKind::kEnd:
        return InvalidArgument("unexpected end of expression at {}", FormatPos(token.pos));
      case TokenKind::kIdent:
        break;
    }
    if (IsKeyword(token, "true") || IsKeyword(token, "false")) {
      auto node = MakeNode(NodeKind::kLiteral, token.pos);
      node->literal.b = IsKeyword(token, "true");
      node->name = token.text;
      node->type = iceberg::Type::Primitive(iceberg::TypeId::kBoolean);
      return node;
    }
    if (IsKeyword(token, "null")) {
      auto node = MakeNode(NodeKind::kLiteral, token.pos);
      node->literal.is_null = true;
      node->name = "NULL";
      return node;
    }
    if ((IsKeyword(token, "timestamp") || IsKeyword(token, "date")) &&
        Peek().kind == TokenKind::kString) {
      return TypedLiteral(token, Advance());
    }
    if (IsKeyword(token, "cast") && IsSymbol(Peek(), "(")) return ParseCast(token);
    if (IsSymbol(Peek(), "(")) return ParseCall(token);
    if (IsReserved(token.text)) {
      return InvalidArgument("unexpected {} at {}", Describe(token), FormatPos(token.pos));
    }
    auto node = MakeNode(NodeKind::kColumn, token.pos);
    node->name = token.text;
    return node;
  }

  // TIMESTAMP '...' is a timestamptz when the text names a zone ('Z', '+02:00'), else a
  // timestamp; DATE '...' a date.
  static Result<std::unique_ptr<ExprNode>> TypedLiteral(const Token& keyword, const Token& value) {
    auto node = MakeNode(NodeKind::kLiteral, keyword.pos);
    node->name = value.text;
    if (EqualsIgnoreCase(keyword.text, "date")) {
      auto days = json::ParseDate(value.text);
      if (!days.ok()) {
        return InvalidArgument("bad DATE '{}' at {}: {}", value.text, FormatPos(value.pos),
                               days.status().message());
      }
      node->literal.i = *days;
      node->type = iceberg::Type::Primitive(iceberg::TypeId::kDate);
      return node;
    }
    auto local =
        json::ParseTimestamp(value.text, json::TimeUnit::kMicros, json::ZoneRule::kForbidden);
    if (local.ok()) {
      node->literal.i = *local;
      node->type = iceberg::Type::Primitive(iceberg::TypeId::kTimestamp);
      return node;
    }
    auto micros =
        json::ParseTimestamp(value.text, json::TimeUnit::kMicros, json::ZoneRule::kOptional);
    if (!micros.ok()) {
      return InvalidArgument("bad TIMESTAMP '{}' at {}: {}", value.text, FormatPos(value.pos),
                             micros.status().message());
    }
    node->literal.i = *micros;
    node->type = iceberg::Type::Primitive(iceberg::TypeId::kTimestampTz);
    return node;
  }

  Result<std::unique_ptr<ExprNode>> ParseCast(const Token& keyword) {
    Advance();  // (
    FLOE_ASSIGN_OR_RAISE(auto operand, ParseOr());
    if (!AcceptKeyword("as")) {
      return InvalidArgument("expected AS in CAST but found {} at {}", Describe(Peek()),
                             FormatPos(Peek().pos));
    }
    const Token& type_token = Advance();
    if (type_token.kind != TokenKind::kIdent) {
      return InvalidArgument("expected a type name but found {} at {}", Describe(type_token),
                             FormatPos(type_token.pos));
    }
    std::string type_name = type_token.text;
    std::transform(type_name.begin(), type_name.end(), type_name.begin(),
                   [](char c) { return static_cast<char>(FoldAscii(static_cast<uint8_t>(c))); });
    // Parameters: decimal(P, S), fixed(L) → Iceberg's "decimal(P, S)", "fixed[L]".
    std::vector<std::string> params;
    if (AcceptSymbol("(")) {
      do {
        const Token& param = Advance();
        if (param.kind != TokenKind::kInteger) {
          return InvalidArgument("expected a number but found {} at {}", Describe(param),
                                 FormatPos(param.pos));
        }
        params.push_back(param.text);
      } while (AcceptSymbol(","));
      FLOE_RETURN_IF_ERROR(Expect(")"));
    }
    FLOE_RETURN_IF_ERROR(Expect(")"));
    static constexpr std::pair<std::string_view, std::string_view> kAliases[] = {
        {"integer", "int"}, {"bigint", "long"},  {"varchar", "string"},
        {"text", "string"}, {"bool", "boolean"}, {"real", "float"}};
    for (const auto& [alias, name] : kAliases) {
      if (type_name == alias) type_name = std::string(name);
    }
    if (type_name == "decimal" && params.size() == 2) {
      type_name = fmt::format("decimal({}, {})", params[0], params[1]);
    } else if (type_name == "fixed" && params.size() == 1) {
      type_name = fmt::format("fixed[{}]", params[0]);
    } else if (!params.empty()) {
      return InvalidArgument("bad parameters for type {} at {}", type_name,
                             FormatPos(type_token.pos));
    }
    auto type = iceberg::Type::FromPrimitiveName(type_name);
    if (!type.ok()) {
      return InvalidArgument("unknown type '{}' at {}", type_name, FormatPos(type_token.pos));
    }
    auto node = MakeNode(NodeKind::kCast, keyword.pos);
    node->type = *type;
    node->children.push_back(std::move(operand));
    return node;
  }

  Result<std::unique_ptr<ExprNode>> ParseCall(const Token& name) {
    static constexpr std::pair<std::string_view, Func> kFunctions[] = {
        {"lower", Func::kLower},
        {"upper", Func::kUpper},
        {"trim", Func::kTrim},
        {"length", Func::kLength},
        {"substring", Func::kSubstring},
        {"substr", Func::kSubstring},
        {"regexp_like", Func::kRegexpLike},
        {"now", Func::kNow},
        {"coalesce", Func::kCoalesce}};
    auto node = MakeNode(NodeKind::kCall, name.pos);
    node->name = name.text;
    std::transform(node->name.begin(), node->name.end(), node->name.begin(),
                   [](char c) { return static_cast<char>(FoldAscii(static_cast<uint8_t>(c))); });
    auto found = std::find_if(std::begin(kFunctions), std::end(kFunctions),
                              [&](const auto& entry) { return entry.first == node->name; });
    if (found == std::end(kFunctions)) {
      return InvalidArgument("unknown function '{}' at {}", name.text, FormatPos(name.pos));
    }
    node->func = found->second;
    Advance();  // (
    if (!AcceptSymbol(")")) {
      do {
        FLOE_ASSIGN_OR_RAISE(auto argument, ParseOr());
        node->children.push_back(std::move(argument));
      } while (AcceptSymbol(","));
      FLOE_RETURN_IF_ERROR(Expect(")"));
    }
    return node;
  }

  std::vector<Token> tokens_;
  size_t next_ = 0;
};

}  // namespace

std::string FormatPos(SourcePos pos) { return fmt::format("{}:{}", pos.line, pos.column); }

Result<std::unique_ptr<ExprNode>> ParseExpression(std::string_view text) {
  FLOE_ASSIGN_OR_RAISE(auto tokens, Lex(text));
  Parser parser(std::move(tokens));
  return parser.ParseAll();
}

}  // namespace floe::stream::internal
