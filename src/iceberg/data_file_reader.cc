#include "iceberg/data_file_reader.h"

#include "iceberg/data_file_writer.h"

namespace floe::iceberg {

namespace {

/// The column as the field's kind wants it: as is, or widened (int → long, float → double).
Result<ColumnVector> ToFieldKind(ColumnVector column, ColumnKind want, int32_t fixed_width,
                                 const NestedField& field, const std::string& location) {
  if (column.kind() == want) return column;
  ColumnVector out(want, fixed_width);
  out.Reserve(column.size());
  auto widen = [&](auto from_tag, auto to_tag) {
    using From = decltype(from_tag);
    using To = decltype(to_tag);
    for (size_t row = 0; row < column.size(); ++row) {
      if (column.IsNull(row)) {
        out.AppendNull();
      } else {
        out.Append<To>(static_cast<To>(column.Value<From>(row)));
      }
    }
  };
  if (column.kind() == ColumnKind::kInt32 && want == ColumnKind::kInt64) {
    widen(int32_t{}, int64_t{});
  } else if (column.kind() == ColumnKind::kFloat && want == ColumnKind::kDouble) {
    widen(float{}, double{});
  } else {
    return NotSupported("{}: column '{}' (field {}) is stored in a form floe cannot read as {}",
                        location, field.name, field.id, field.type->ToString());
  }
  return out;
}

}  // namespace

DataFileReader::DataFileReader(PrivateToken, std::string location, Schema schema,
                               std::unique_ptr<parquet::FileReader> file,
                               std::vector<int> source_columns)
    : location_(std::move(location)),
      schema_(std::move(schema)),
      file_(std::move(file)),
      source_columns_(std::move(source_columns)) {
  int64_t position = 0;
  for (int i = 0; i < file_->num_row_groups(); ++i) {
    first_positions_.push_back(position);
    position += file_->row_group_num_rows(i);
  }
}

Result<std::unique_ptr<DataFileReader>> DataFileReader::Open(io::FileIO& io,
                                                             const std::string& location,
                                                             const Schema& schema) {
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<io::InputFile> input, io.NewInputFile(location));
  auto opened = parquet::FileReader::Open(std::shared_ptr<io::InputFile>(std::move(input)));
  if (!opened.ok()) return opened.status().WithContext(location);
  std::unique_ptr<parquet::FileReader> file = std::move(opened).value();
  const std::vector<parquet::ColumnDescriptor>& columns = file->schema().columns;
  bool any_ids = false;
  for (const auto& column : columns) any_ids = any_ids || column.field_id.has_value();
  std::vector<int> source_columns;
  for (const NestedField& field : schema.fields()) {
    if (!field.type->is_primitive()) {
      return NotSupported("{}: field '{}' is a {}; floe reads primitive columns only", location,
                          field.name, field.type->ToString());
    }
    int found = -1;
    for (size_t c = 0; c < columns.size(); ++c) {
      const bool match = any_ids ? columns[c].field_id == field.id : columns[c].name == field.name;
      if (match) found = static_cast<int>(c);
    }
    if (found < 0 && field.required) {
      return Corrupt("{}: required field '{}' (id {}) has no column", location, field.name,
                     field.id);
    }
    source_columns.push_back(found);
  }
  return std::make_unique<DataFileReader>(PrivateToken(), location, schema, std::move(file),
                                          std::move(source_columns));
}

Result<std::vector<ColumnVector>> DataFileReader::ReadRowGroup(int index) {
  auto read = file_->ReadRowGroup(index);
  if (!read.ok()) return read.status().WithContext(location_);
  std::vector<ColumnVector> file_columns = std::move(read).value();
  const auto rows = static_cast<size_t>(file_->row_group_num_rows(index));
  std::vector<ColumnVector> out;
  out.reserve(schema_.fields().size());
  for (size_t i = 0; i < schema_.fields().size(); ++i) {
    const NestedField& field = schema_.fields()[i];
    int32_t fixed_width = 0;
    FLOE_ASSIGN_OR_RAISE(ColumnKind kind, ColumnKindFor(*field.type, &fixed_width));
    if (source_columns_[i] < 0) {
      ColumnVector nulls(kind, fixed_width);
      for (size_t row = 0; row < rows; ++row) nulls.AppendNull();
      out.push_back(std::move(nulls));
      continue;
    }
    FLOE_ASSIGN_OR_RAISE(
        ColumnVector column,
        ToFieldKind(std::move(file_columns[static_cast<size_t>(source_columns_[i])]), kind,
                    fixed_width, field, location_));
    out.push_back(std::move(column));
  }
  return out;
}

}  // namespace floe::iceberg
