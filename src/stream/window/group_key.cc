#include "stream/window/group_key.h"

#include <fmt/format.h>

#include <cstring>

namespace floe::stream::window {

namespace {

constexpr char kNull = 0;
constexpr char kPresent = 1;

}  // namespace

Result<GroupKey> GroupKey::Make(const iceberg::Schema& input,
                                const std::vector<std::string>& names) {
  GroupKey key;
  for (const std::string& name : names) {
    const iceberg::NestedField* field = input.FindFieldByName(name);
    if (field == nullptr) {
      std::vector<std::string> known;
      for (const auto& f : input.fields()) known.push_back(f.name);
      return InvalidArgument("group_by: unknown column '{}' (known: {})", name,
                             fmt::join(known, ", "));
    }
    if (!field->type->is_primitive()) {
      return InvalidArgument("group_by: column '{}' is {}, expected a primitive type", name,
                             field->type->ToString());
    }
    key.columns_.push_back(static_cast<int>(field - input.fields().data()));
    key.output_fields_.push_back(iceberg::NestedField{0, field->name, false, field->type, ""});
  }
  return key;
}

void GroupKey::Encode(const std::vector<ColumnVector>& columns, size_t row,
                      std::string* key) const {
  key->clear();
  for (int index : columns_) {
    const ColumnVector& column = columns[index];
    if (column.IsNull(row)) {
      key->push_back(kNull);
      continue;
    }
    key->push_back(kPresent);
    if (column.kind() == ColumnKind::kBytes) {
      const std::string_view value = column.GetBytes(row);
      const auto size = static_cast<uint32_t>(value.size());
      key->append(reinterpret_cast<const char*>(&size), sizeof(size));
      key->append(value);
    } else if (column.kind() == ColumnKind::kFixed) {
      key->append(column.GetBytes(row));
    } else {
      const size_t width = column.ElementWidth();
      key->append(reinterpret_cast<const char*>(column.bytes_data()) + row * width, width);
    }
  }
}

void GroupKey::Decode(std::string_view key, std::vector<ColumnVector>* out, size_t first) const {
  size_t at = 0;
  for (size_t i = 0; i < columns_.size(); ++i) {
    ColumnVector& column = (*out)[first + i];
    if (key[at++] == kNull) {
      column.AppendNull();
      continue;
    }
    if (column.kind() == ColumnKind::kBytes) {
      uint32_t size = 0;
      std::memcpy(&size, key.data() + at, sizeof(size));
      at += sizeof(size);
      column.AppendBytes(key.substr(at, size));
      at += size;
    } else if (column.kind() == ColumnKind::kFixed) {
      const auto width = static_cast<size_t>(column.fixed_width());
      column.AppendBytes(key.substr(at, width));
      at += width;
    } else {
      const size_t width = column.ElementWidth();
      switch (column.kind()) {
        case ColumnKind::kBool: {
          column.Append<uint8_t>(static_cast<uint8_t>(key[at]));
          break;
        }
        case ColumnKind::kInt32:
        case ColumnKind::kFloat: {
          int32_t bits = 0;
          std::memcpy(&bits, key.data() + at, width);
          if (column.kind() == ColumnKind::kInt32) {
            column.Append<int32_t>(bits);
          } else {
            float value = 0;
            std::memcpy(&value, &bits, sizeof(value));
            column.Append<float>(value);
          }
          break;
        }
        default: {
          int64_t bits = 0;
          std::memcpy(&bits, key.data() + at, width);
          if (column.kind() == ColumnKind::kInt64) {
            column.Append<int64_t>(bits);
          } else {
            double value = 0;
            std::memcpy(&value, &bits, sizeof(value));
            column.Append<double>(value);
          }
        }
      }
      at += width;
    }
  }
}

}  // namespace floe::stream::window
