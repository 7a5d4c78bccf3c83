#include "format/avro/value.h"

#include <fmt/format.h>

namespace floe::avro {

std::string_view Value::kind_name() const {
  switch (kind_) {
    case Kind::kNull:
      return "null";
    case Kind::kBoolean:
      return "boolean";
    case Kind::kInt:
      return "int";
    case Kind::kLong:
      return "long";
    case Kind::kFloat:
      return "float";
    case Kind::kDouble:
      return "double";
    case Kind::kString:
      return "string";
    case Kind::kBytes:
      return "bytes";
    case Kind::kRecord:
      return "record";
    case Kind::kArray:
      return "array";
    case Kind::kMap:
      return "map";
  }
  return "unknown";
}

std::string Value::DebugString() const {
  switch (kind_) {
    case Kind::kNull:
      return "null";
    case Kind::kBoolean:
      return as_boolean() ? "true" : "false";
    case Kind::kInt:
      return fmt::format("{}", as_int());
    case Kind::kLong:
      return fmt::format("{}L", as_long());
    case Kind::kFloat:
      return fmt::format("{}f", as_float());
    case Kind::kDouble:
      return fmt::format("{}", as_double());
    case Kind::kString:
      return fmt::format("\"{}\"", as_string());
    case Kind::kBytes: {
      std::string out = "0x";
      for (unsigned char c : as_bytes()) out += fmt::format("{:02x}", c);
      return out;
    }
    case Kind::kRecord:
    case Kind::kArray: {
      std::string out = kind_ == Kind::kRecord ? "{" : "[";
      const auto& items = std::get<kListIndex>(data_);
      for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += ", ";
        out += items[i].DebugString();
      }
      out += kind_ == Kind::kRecord ? "}" : "]";
      return out;
    }
    case Kind::kMap: {
      std::string out = "{";
      const auto& entries = as_map();
      for (size_t i = 0; i < entries.size(); ++i) {
        if (i > 0) out += ", ";
        out += fmt::format("\"{}\": {}", entries[i].first, entries[i].second.DebugString());
      }
      return out + "}";
    }
  }
  return "?";
}

bool operator==(const Value& a, const Value& b) { return a.kind_ == b.kind_ && a.data_ == b.data_; }

const Value* FindField(const Node& record_schema, const Value& record, std::string_view name) {
  int index = record_schema.FieldIndex(name);
  if (index < 0 || !record.is_record()) return nullptr;
  const auto& fields = record.as_record();
  if (fields.size() != record_schema.fields.size()) return nullptr;
  return &fields[static_cast<size_t>(index)];
}

}  // namespace floe::avro
