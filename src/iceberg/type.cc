#include "iceberg/type.h"

#include <fmt/format.h>

#include <array>
#include <cassert>
#include <cctype>
#include <charconv>

namespace floe::iceberg {

namespace {

// Decimal bounds from the spec: precision up to 38 digits (16 bytes of unscaled value).
constexpr int32_t kMinDecimalPrecision = 1;
constexpr int32_t kMaxDecimalPrecision = 38;

constexpr size_t kTypeIdCount = static_cast<size_t>(TypeId::kMap) + 1;

// Names of the primitives that take no parameter, as schema JSON spells them.
struct PrimitiveName {
  TypeId id;
  std::string_view name;
};
constexpr std::array<PrimitiveName, 14> kPrimitiveNames = {{
    {TypeId::kBoolean, "boolean"},
    {TypeId::kInt, "int"},
    {TypeId::kLong, "long"},
    {TypeId::kFloat, "float"},
    {TypeId::kDouble, "double"},
    {TypeId::kDate, "date"},
    {TypeId::kTime, "time"},
    {TypeId::kTimestamp, "timestamp"},
    {TypeId::kTimestampTz, "timestamptz"},
    {TypeId::kTimestampNs, "timestamp_ns"},
    {TypeId::kTimestampTzNs, "timestamptz_ns"},
    {TypeId::kString, "string"},
    {TypeId::kUuid, "uuid"},
    {TypeId::kBinary, "binary"},
}};

bool IsParameterlessPrimitive(TypeId id) {
  return id < TypeId::kStruct && id != TypeId::kDecimal && id != TypeId::kFixed;
}

std::string ToLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A tiny cursor over a type name, for the parameterised forms "decimal(P, S)" and "fixed[L]".
// Whitespace around numbers is allowed because Java writes "decimal(9, 2)" and the spec writes
// "decimal(9,2)".
class NameCursor {
 public:
  explicit NameCursor(std::string_view text) : text_(text) {}

  void SkipSpaces() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool Consume(std::string_view token) {
    SkipSpaces();
    if (text_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }
  // Only decimal digits: no sign, so "-1" and "+1" are refused.
  std::optional<int32_t> Number() {
    SkipSpaces();
    if (pos_ >= text_.size() || !std::isdigit(static_cast<unsigned char>(text_[pos_]))) {
      return std::nullopt;
    }
    int32_t value = 0;
    auto [end, ec] = std::from_chars(text_.data() + pos_, text_.data() + text_.size(), value);
    if (ec != std::errc()) return std::nullopt;
    pos_ = static_cast<size_t>(end - text_.data());
    return value;
  }
  bool AtEnd() {
    SkipSpaces();
    return pos_ == text_.size();
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

Result<TypePtr> ParseDecimal(std::string_view original, std::string_view lowered) {
  NameCursor cursor(lowered);
  cursor.Consume("decimal");
  std::optional<int32_t> precision;
  std::optional<int32_t> scale;
  if (!cursor.Consume("(") || !(precision = cursor.Number()) || !cursor.Consume(",") ||
      !(scale = cursor.Number()) || !cursor.Consume(")") || !cursor.AtEnd()) {
    return InvalidArgument("malformed decimal type '{}': expected decimal(P, S)", original);
  }
  if (*precision < kMinDecimalPrecision || *precision > kMaxDecimalPrecision) {
    return InvalidArgument("decimal type '{}': precision must be between {} and {}", original,
                           kMinDecimalPrecision, kMaxDecimalPrecision);
  }
  if (*scale > *precision) {
    return InvalidArgument("decimal type '{}': scale must be between 0 and the precision",
                           original);
  }
  return Type::Decimal(*precision, *scale);
}

Result<TypePtr> ParseFixed(std::string_view original, std::string_view lowered) {
  NameCursor cursor(lowered);
  cursor.Consume("fixed");
  std::optional<int32_t> length;
  if (!cursor.Consume("[") || !(length = cursor.Number()) || !cursor.Consume("]") ||
      !cursor.AtEnd()) {
    return InvalidArgument("malformed fixed type '{}': expected fixed[L]", original);
  }
  if (*length <= 0) return InvalidArgument("fixed type '{}': length must be positive", original);
  return Type::Fixed(*length);
}

}  // namespace

bool NestedField::operator==(const NestedField& other) const {
  if (id != other.id || name != other.name || required != other.required || doc != other.doc ||
      initial_default != other.initial_default || write_default != other.write_default) {
    return false;
  }
  if (type == nullptr || other.type == nullptr) return type == other.type;
  return *type == *other.type;
}

TypePtr Type::Primitive(TypeId id) {
  assert(IsParameterlessPrimitive(id) && "Type::Primitive takes no decimal, fixed or nested id");
  // One shared instance per primitive: they are immutable, and schemas hold many of them.
  static const std::array<TypePtr, kTypeIdCount> kInstances = [] {
    std::array<TypePtr, kTypeIdCount> instances{};
    for (const PrimitiveName& entry : kPrimitiveNames) {
      instances[static_cast<size_t>(entry.id)] = std::make_shared<const Type>(
          ConstructorKey(), entry.id, 0, 0, 0, std::vector<NestedField>{});
    }
    return instances;
  }();
  if (!IsParameterlessPrimitive(id)) return nullptr;
  return kInstances[static_cast<size_t>(id)];
}

TypePtr Type::Decimal(int32_t precision, int32_t scale) {
  assert(precision >= kMinDecimalPrecision && precision <= kMaxDecimalPrecision);
  assert(scale >= 0 && scale <= precision);
  return std::make_shared<const Type>(ConstructorKey(), TypeId::kDecimal, precision, scale, 0,
                                      std::vector<NestedField>{});
}

TypePtr Type::Fixed(int32_t length) {
  assert(length > 0);
  return std::make_shared<const Type>(ConstructorKey(), TypeId::kFixed, 0, 0, length,
                                      std::vector<NestedField>{});
}

TypePtr Type::Struct(std::vector<NestedField> fields) {
  return std::make_shared<const Type>(ConstructorKey(), TypeId::kStruct, 0, 0, 0,
                                      std::move(fields));
}

TypePtr Type::List(NestedField element) {
  std::vector<NestedField> fields;
  fields.push_back(std::move(element));
  return std::make_shared<const Type>(ConstructorKey(), TypeId::kList, 0, 0, 0, std::move(fields));
}

TypePtr Type::Map(NestedField key, NestedField value) {
  std::vector<NestedField> fields;
  fields.push_back(std::move(key));
  fields.push_back(std::move(value));
  return std::make_shared<const Type>(ConstructorKey(), TypeId::kMap, 0, 0, 0, std::move(fields));
}

Result<TypePtr> Type::FromPrimitiveName(std::string_view name) {
  // Java lower-cases type names before matching; so do we, to read what it accepts.
  const std::string lowered = ToLower(name);
  for (const PrimitiveName& entry : kPrimitiveNames) {
    if (lowered == entry.name) return Primitive(entry.id);
  }
  std::string_view view = lowered;
  if (view.starts_with("decimal")) return ParseDecimal(name, view);
  if (view.starts_with("fixed")) return ParseFixed(name, view);
  return InvalidArgument("unknown type '{}'", name);
}

std::string Type::ToString() const {
  switch (id_) {
    case TypeId::kDecimal:
      return fmt::format("decimal({}, {})", precision_, scale_);
    case TypeId::kFixed:
      return fmt::format("fixed[{}]", length_);
    case TypeId::kStruct:
      return "struct";
    case TypeId::kList:
      return "list";
    case TypeId::kMap:
      return "map";
    default:
      break;
  }
  for (const PrimitiveName& entry : kPrimitiveNames) {
    if (entry.id == id_) return std::string(entry.name);
  }
  return "unknown";
}

bool Type::operator==(const Type& other) const {
  return id_ == other.id_ && precision_ == other.precision_ && scale_ == other.scale_ &&
         length_ == other.length_ && fields_ == other.fields_;
}

}  // namespace floe::iceberg
