#include "iceberg/partition_spec.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <set>
#include <utility>

namespace floe::iceberg {

namespace {

std::string_view Trim(std::string_view text) {
  const auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Splits at the commas that are not inside parentheses, so that "bucket(16, id)" stays whole.
std::vector<std::string_view> SplitTopLevel(std::string_view text) {
  std::vector<std::string_view> parts;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '(') ++depth;
    if (text[i] == ')') --depth;
    if (text[i] == ',' && depth == 0) {
      parts.push_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  parts.push_back(text.substr(start));
  return parts;
}

// A column by its name: a top-level name, or a dotted path through structs ("address.city").
const NestedField* FindColumn(const Schema& schema, std::string_view name) {
  if (const NestedField* field = schema.FindFieldByName(name)) return field;
  const std::vector<NestedField>* fields = &schema.fields();
  const NestedField* found = nullptr;
  while (!name.empty()) {
    const size_t dot = name.find('.');
    const std::string_view part = name.substr(0, dot);
    const auto it = std::find_if(fields->begin(), fields->end(),
                                 [&](const NestedField& f) { return f.name == part; });
    if (it == fields->end()) return nullptr;
    found = &*it;
    if (dot == std::string_view::npos) break;
    if (found->type == nullptr || found->type->id() != TypeId::kStruct) return nullptr;
    fields = &found->type->fields();
    name.remove_prefix(dot + 1);
  }
  return found;
}

// The checks of one field against the schema and the fields before it; `context` names the
// field in messages.
Status CheckField(const Schema& schema, const PartitionField& field, std::set<std::string>& names,
                  std::set<int32_t>& field_ids, std::set<std::pair<int32_t, std::string>>& sources,
                  std::string_view context) {
  if (field.name.empty()) return InvalidArgument("{}: empty partition field name", context);
  if (!names.insert(field.name).second) {
    return InvalidArgument("{}: duplicate partition field name '{}'", context, field.name);
  }
  if (!field_ids.insert(field.field_id).second) {
    return InvalidArgument("{}: duplicate partition field id {}", context, field.field_id);
  }
  const NestedField* source = schema.FindFieldById(field.source_id);
  if (source == nullptr) {
    // A v1 table replaces a dropped partition field with void; its source may be gone since.
    if (field.transform.kind == TransformKind::kVoid) return Status::Ok();
    return InvalidArgument("{}: source column id {} is not in the schema", context,
                           field.source_id);
  }
  FLOE_RETURN_IF_ERROR_CTX(field.transform.ResultType(*source->type), context);
  if (field.transform.kind != TransformKind::kVoid &&
      !sources.insert({field.source_id, field.transform.ToString()}).second) {
    return InvalidArgument("{}: column '{}' is already partitioned by {}", context, source->name,
                           field.transform.ToString());
  }
  // A partition name that is also a column name would make filters on that name ambiguous;
  // only the identity of that very column may share it (as Java allows).
  if (const NestedField* same_name = schema.FindFieldByName(field.name);
      same_name != nullptr &&
      !(field.transform.kind == TransformKind::kIdentity && same_name->id == field.source_id)) {
    return InvalidArgument("{}: partition field name '{}' is the name of another column", context,
                           field.name);
  }
  return Status::Ok();
}

struct ParsedTerm {
  Transform transform;
  std::string column;
};

Result<int32_t> ParsePositive(std::string_view text) {
  int32_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value <= 0) {
    return InvalidArgument("'{}' is not a positive integer", text);
  }
  return value;
}

Result<ParsedTerm> ParseTerm(std::string_view term) {
  const size_t open = term.find('(');
  if (open == std::string_view::npos) {
    if (term.find(')') != std::string_view::npos) return InvalidArgument("unbalanced parentheses");
    return ParsedTerm{Transform::Identity(), std::string(term)};
  }
  if (term.back() != ')') return InvalidArgument("expected ')' at the end");
  const std::string name = Lower(Trim(term.substr(0, open)));
  const std::string_view inside = term.substr(open + 1, term.size() - open - 2);
  if (inside.find_first_of("()") != std::string_view::npos) {
    return InvalidArgument("unbalanced parentheses");
  }
  std::vector<std::string_view> args = SplitTopLevel(inside);
  for (auto& arg : args) arg = Trim(arg);

  if (name == "bucket" || name == "truncate") {
    const bool bucket = name == "bucket";
    const std::string_view what = bucket ? "bucket count" : "truncate width";
    if (args.size() != 2) {
      return InvalidArgument("expected {}({}, column)", name, bucket ? "N" : "W");
    }
    Result<int32_t> param = ParsePositive(args[0]);
    if (!param.ok()) return InvalidArgument("{} must be a positive integer", what);
    if (args[1].empty()) return InvalidArgument("missing column name");
    return ParsedTerm{bucket ? Transform::Bucket(*param) : Transform::Truncate(*param),
                      std::string(args[1])};
  }

  // Spark's plural names ("days(ts)") are accepted too: people type them from habit.
  static const std::pair<std::string_view, TransformKind> kSingleArgument[] = {
      {"identity", TransformKind::kIdentity}, {"year", TransformKind::kYear},
      {"years", TransformKind::kYear},        {"month", TransformKind::kMonth},
      {"months", TransformKind::kMonth},      {"day", TransformKind::kDay},
      {"days", TransformKind::kDay},          {"hour", TransformKind::kHour},
      {"hours", TransformKind::kHour},        {"void", TransformKind::kVoid},
  };
  for (const auto& [known, kind] : kSingleArgument) {
    if (name != known) continue;
    if (args.size() != 1 || args[0].empty()) return InvalidArgument("expected {}(column)", name);
    return ParsedTerm{Transform{kind, 0}, std::string(args[0])};
  }
  return InvalidArgument("unknown transform '{}'", name);
}

}  // namespace

Result<TypePtr> PartitionSpec::PartitionType(const Schema& schema) const {
  std::vector<NestedField> members;
  members.reserve(fields.size());
  for (const PartitionField& field : fields) {
    const NestedField* source = schema.FindFieldById(field.source_id);
    TypePtr type;
    if (source != nullptr) {
      FLOE_ASSIGN_OR_RAISE(type, field.transform.ResultType(*source->type));
    } else if (field.transform.kind == TransformKind::kVoid) {
      // Always null, so any type serves; int is what a dropped v1 field most often was.
      type = Type::Primitive(TypeId::kInt);
    } else {
      return InvalidArgument("partition field '{}': source column id {} is not in the schema",
                             field.name, field.source_id);
    }
    members.push_back(NestedField{field.field_id, field.name, false, std::move(type), {}});
  }
  return Type::Struct(std::move(members));
}

Status PartitionSpec::Validate(const Schema& schema) const {
  std::set<std::string> names;
  std::set<int32_t> field_ids;
  std::set<std::pair<int32_t, std::string>> sources;
  for (const PartitionField& field : fields) {
    FLOE_RETURN_IF_ERROR(CheckField(schema, field, names, field_ids, sources,
                                    fmt::format("partition field '{}'", field.name)));
  }
  return Status::Ok();
}

int32_t PartitionSpec::LastFieldId() const {
  int32_t last = kFirstPartitionFieldId - 1;
  for (const PartitionField& field : fields) last = std::max(last, field.field_id);
  return last;
}

Result<PartitionSpec> ParsePartitionBy(std::string_view expression, const Schema& schema) {
  PartitionSpec spec;
  if (Trim(expression).empty()) return spec;

  std::set<std::string> names;
  std::set<int32_t> field_ids;
  std::set<std::pair<int32_t, std::string>> sources;
  const std::vector<std::string_view> terms = SplitTopLevel(expression);
  for (size_t i = 0; i < terms.size(); ++i) {
    const std::string_view term = Trim(terms[i]);
    const std::string context = fmt::format("partition term {} '{}'", i + 1, term);
    if (term.empty()) return InvalidArgument("{}: empty term", context);
    Result<ParsedTerm> parsed = ParseTerm(term);
    if (!parsed.ok()) return parsed.status().WithContext(context);
    const NestedField* source = FindColumn(schema, parsed->column);
    if (source == nullptr) {
      return InvalidArgument("{}: unknown column '{}'", context, parsed->column);
    }
    PartitionField field{source->id,
                         kFirstPartitionFieldId + static_cast<int32_t>(spec.fields.size()),
                         parsed->transform.DefaultName(parsed->column), parsed->transform};
    FLOE_RETURN_IF_ERROR(CheckField(schema, field, names, field_ids, sources, context));
    spec.fields.push_back(std::move(field));
  }
  return spec;
}

}  // namespace floe::iceberg
