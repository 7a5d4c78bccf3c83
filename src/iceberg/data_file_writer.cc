#include "iceberg/data_file_writer.h"

#include <charconv>
#include <cstring>

#include "iceberg/conversions.h"
#include "iceberg/schema_json.h"

namespace floe::iceberg {

namespace {

using parquet::LogicalType;
using parquet::PhysicalType;

constexpr int32_t kMaxInt32DecimalPrecision = 9;
constexpr int32_t kMaxInt64DecimalPrecision = 18;
constexpr int32_t kWideDecimalBytes = 16;
constexpr int32_t kUuidBytes = 16;

/// Bytes of a two's-complement integer that holds every unscaled value of `precision` digits.
int32_t DecimalRequiredBytes(int32_t precision) {
  // Smallest n with 2^(8n-1) > 10^precision.
  double digits_per_bit = 0.30102999566398120;  // log10(2)
  for (int32_t bytes = 1; bytes <= kWideDecimalBytes; ++bytes) {
    if ((8.0 * bytes - 1.0) * digits_per_bit >= precision) return bytes;
  }
  return kWideDecimalBytes;
}

bool IsNarrowDecimal(const Type& type) {
  return type.id() == TypeId::kDecimal && type.precision() <= kMaxInt32DecimalPrecision;
}
bool IsWideDecimal(const Type& type) {
  return type.id() == TypeId::kDecimal && type.precision() > kMaxInt64DecimalPrecision;
}

/// Iceberg's single-value bytes of a Parquet statistics value. PLAIN statistics of booleans,
/// ints, longs, floats, doubles, dates, times and timestamps are already those bytes (checked by
/// decoding them); decimals stored as INT32/INT64 are little-endian and become minimal
/// big-endian, decimals stored as FIXED are big-endian already.
Result<std::string> BoundFromParquetStat(const Type& type, const std::string& plain) {
  if (type.id() != TypeId::kDecimal) {
    FLOE_RETURN_IF_ERROR(FromSingleValue(type, plain));
    return plain;
  }
  Scalar unscaled;
  if (type.precision() <= kMaxInt32DecimalPrecision && plain.size() == sizeof(int32_t)) {
    int32_t v;
    std::memcpy(&v, plain.data(), sizeof(v));
    unscaled = static_cast<int64_t>(v);
  } else if (type.precision() <= kMaxInt64DecimalPrecision && plain.size() == sizeof(int64_t)) {
    int64_t v;
    std::memcpy(&v, plain.data(), sizeof(v));
    unscaled = v;
  } else {
    FLOE_ASSIGN_OR_RAISE(unscaled, DecimalFromBytes(type, plain));
  }
  return DecimalToMinimalBytes(type, unscaled);
}

/// Iceberg's lower/upper bounds of one column from Parquet's min/max, with the truncate(16)
/// rules for strings and binary.
Status AddBounds(const NestedField& field, const parquet::ColumnChunkSummary& column,
                 DataFile* file) {
  if (!column.has_min_max) return Status::Ok();
  const Type& type = *field.type;
  if (type.id() == TypeId::kString) {
    file->lower_bounds[field.id] = TruncateLowerBound(column.min_value, kDefaultTruncateLength);
    auto upper = TruncateUpperBound(column.max_value, kDefaultTruncateLength);
    if (upper) file->upper_bounds[field.id] = std::move(*upper);
    return Status::Ok();
  }
  if (type.id() == TypeId::kBinary || type.id() == TypeId::kFixed) {
    file->lower_bounds[field.id] =
        TruncateBinaryLowerBound(column.min_value, kDefaultTruncateLength);
    auto upper = TruncateBinaryUpperBound(column.max_value, kDefaultTruncateLength);
    if (upper) file->upper_bounds[field.id] = std::move(*upper);
    return Status::Ok();
  }
  FLOE_ASSIGN_OR_RAISE(file->lower_bounds[field.id], BoundFromParquetStat(type, column.min_value));
  FLOE_ASSIGN_OR_RAISE(file->upper_bounds[field.id], BoundFromParquetStat(type, column.max_value));
  return Status::Ok();
}

}  // namespace

Result<int64_t> PositiveIntProperty(const std::map<std::string, std::string>& properties,
                                    const std::string& key, int64_t fallback) {
  auto it = properties.find(key);
  if (it == properties.end()) return fallback;
  int64_t value = 0;
  const std::string& text = it->second;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) {
    return InvalidArgument("table property {}: expected a positive integer, got '{}'", key, text);
  }
  return value;
}

Result<parquet::ColumnDescriptor> ParquetColumnFor(const NestedField& field) {
  parquet::ColumnDescriptor column;
  column.name = field.name;
  column.field_id = field.id;
  column.repetition =
      field.required ? parquet::Repetition::kRequired : parquet::Repetition::kOptional;
  const Type& type = *field.type;
  switch (type.id()) {
    case TypeId::kBoolean:
      column.physical_type = PhysicalType::kBoolean;
      break;
    case TypeId::kInt:
      column.physical_type = PhysicalType::kInt32;
      break;
    case TypeId::kLong:
      column.physical_type = PhysicalType::kInt64;
      break;
    case TypeId::kFloat:
      column.physical_type = PhysicalType::kFloat;
      break;
    case TypeId::kDouble:
      column.physical_type = PhysicalType::kDouble;
      break;
    case TypeId::kDecimal:
      column.logical_type = LogicalType::Decimal(type.precision(), type.scale());
      if (type.precision() <= kMaxInt32DecimalPrecision) {
        column.physical_type = PhysicalType::kInt32;
      } else if (type.precision() <= kMaxInt64DecimalPrecision) {
        column.physical_type = PhysicalType::kInt64;
      } else {
        column.physical_type = PhysicalType::kFixedLenByteArray;
        column.type_length = DecimalRequiredBytes(type.precision());
      }
      break;
    case TypeId::kDate:
      column.physical_type = PhysicalType::kInt32;
      column.logical_type = LogicalType::Date();
      break;
    case TypeId::kTime:
      column.physical_type = PhysicalType::kInt64;
      column.logical_type = LogicalType::Time(LogicalType::TimeUnit::kMicros, false);
      break;
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      column.physical_type = PhysicalType::kInt64;
      column.logical_type =
          LogicalType::Timestamp(LogicalType::TimeUnit::kMicros, type.id() == TypeId::kTimestampTz);
      break;
    case TypeId::kTimestampNs:
    case TypeId::kTimestampTzNs:
      column.physical_type = PhysicalType::kInt64;
      column.logical_type = LogicalType::Timestamp(LogicalType::TimeUnit::kNanos,
                                                   type.id() == TypeId::kTimestampTzNs);
      break;
    case TypeId::kString:
      column.physical_type = PhysicalType::kByteArray;
      column.logical_type = LogicalType::String();
      break;
    case TypeId::kUuid:
      column.physical_type = PhysicalType::kFixedLenByteArray;
      column.type_length = kUuidBytes;
      column.logical_type = LogicalType::Uuid();
      break;
    case TypeId::kFixed:
      column.physical_type = PhysicalType::kFixedLenByteArray;
      column.type_length = type.length();
      break;
    case TypeId::kBinary:
      column.physical_type = PhysicalType::kByteArray;
      break;
    case TypeId::kStruct:
    case TypeId::kList:
    case TypeId::kMap:
      return NotSupported("field '{}': writing nested type {} is not supported yet", field.name,
                          type.ToString());
  }
  return column;
}

Result<parquet::Schema> ParquetSchemaFor(const Schema& schema) {
  parquet::Schema out;
  out.root_name = "table";
  for (const NestedField& field : schema.fields()) {
    FLOE_ASSIGN_OR_RAISE(parquet::ColumnDescriptor column, ParquetColumnFor(field));
    out.columns.push_back(std::move(column));
  }
  return out;
}

Result<parquet::WriterProperties> ParquetPropertiesFromTable(
    const std::map<std::string, std::string>& properties) {
  parquet::WriterProperties out;
  auto codec = properties.find("write.parquet.compression-codec");
  if (codec != properties.end()) {
    auto parsed = parquet::CodecFromName(codec->second);
    if (!parsed.ok())
      return parsed.status().WithContext("table property write.parquet.compression-codec");
    out.codec = *parsed;
  }
  auto level = properties.find("write.parquet.compression-level");
  if (level != properties.end()) {
    int value = 0;
    const std::string& text = level->second;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) {
      return InvalidArgument(
          "table property write.parquet.compression-level: expected an integer, got '{}'", text);
    }
    out.compression_level = value;
  }
  FLOE_ASSIGN_OR_RAISE(
      out.data_page_size_bytes,
      PositiveIntProperty(properties, "write.parquet.page-size-bytes", out.data_page_size_bytes));
  FLOE_ASSIGN_OR_RAISE(out.row_group_size_bytes,
                       PositiveIntProperty(properties, "write.parquet.row-group-size-bytes",
                                           kDefaultRowGroupSizeBytes));
  FLOE_ASSIGN_OR_RAISE(out.dictionary_page_size_limit_bytes,
                       PositiveIntProperty(properties, "write.parquet.dict-size-bytes",
                                           out.dictionary_page_size_limit_bytes));
  return out;
}

DataFileWriter::DataFileWriter(std::string location, const Schema& schema,
                               std::vector<Scalar> partition,
                               std::unique_ptr<parquet::FileWriter> writer)
    : location_(std::move(location)),
      schema_(schema),
      partition_(std::move(partition)),
      writer_(std::move(writer)) {
  for (size_t i = 0; i < schema_.fields().size(); ++i) {
    const Type& type = *schema_.fields()[i].type;
    if (IsNarrowDecimal(type)) {
      converted_columns_.push_back(static_cast<int>(i));
      conversion_buffers_.emplace_back(ColumnKind::kInt32);
    } else if (IsWideDecimal(type)) {
      converted_columns_.push_back(static_cast<int>(i));
      conversion_buffers_.emplace_back(ColumnKind::kFixed, DecimalRequiredBytes(type.precision()));
    }
  }
}

Result<std::unique_ptr<DataFileWriter>> DataFileWriter::Make(io::FileIO& io, std::string location,
                                                             const Schema& schema,
                                                             std::vector<Scalar> partition,
                                                             parquet::WriterProperties properties) {
  FLOE_ASSIGN_OR_RAISE(parquet::Schema parquet_schema, ParquetSchemaFor(schema));
  properties.key_value_metadata.emplace_back("iceberg.schema", SchemaToJson(schema).dump());
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<io::OutputStream> stream, io.NewOutputFile(location));
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<parquet::FileWriter> writer,
                       parquet::FileWriter::Make(std::move(stream), std::move(parquet_schema),
                                                 std::move(properties)));
  return std::unique_ptr<DataFileWriter>(
      new DataFileWriter(std::move(location), schema, std::move(partition), std::move(writer)));
}

Status DataFileWriter::Write(std::span<const ColumnVector* const> columns, Selection selection) {
  if (columns.size() != schema_.fields().size()) {
    return InvalidArgument("{} columns given for a schema of {} fields", columns.size(),
                           schema_.fields().size());
  }
  if (converted_columns_.empty()) return writer_->WriteBatch(columns, selection);

  std::vector<const ColumnVector*> adjusted(columns.begin(), columns.end());
  for (size_t c = 0; c < converted_columns_.size(); ++c) {
    int index = converted_columns_[c];
    const ColumnVector& source = *columns[index];
    ColumnVector& target = conversion_buffers_[c];
    target.Clear();
    const NestedField& field = schema_.fields()[index];
    if (target.kind() == ColumnKind::kInt32) {
      if (source.kind() != ColumnKind::kInt64) {
        return InvalidArgument("field '{}': decimal column must hold int64 unscaled values",
                               field.name);
      }
      for (size_t row = 0; row < source.size(); ++row) {
        if (source.IsNull(row)) {
          target.AppendNull();
        } else {
          target.Append(static_cast<int32_t>(source.Value<int64_t>(row)));
        }
      }
    } else {
      if (source.kind() != ColumnKind::kFixed || source.fixed_width() != kWideDecimalBytes) {
        return InvalidArgument("field '{}': wide decimal column must hold 16-byte values",
                               field.name);
      }
      size_t skip = kWideDecimalBytes - static_cast<size_t>(target.fixed_width());
      for (size_t row = 0; row < source.size(); ++row) {
        if (source.IsNull(row)) {
          target.AppendNull();
        } else {
          target.AppendBytes(source.GetBytes(row).substr(skip));
        }
      }
    }
    adjusted[index] = &target;
  }
  return writer_->WriteBatch(adjusted, selection);
}

Result<DataFile> DataFileWriter::Close() {
  FLOE_RETURN_IF_ERROR_CTX(writer_->Close(), location_);
  const parquet::FileSummary& summary = writer_->summary();
  DataFile file;
  file.content = DataFileContent::kData;
  file.file_path = location_;
  file.file_format = FileFormat::kParquet;
  file.partition = partition_;
  file.record_count = summary.num_rows;
  file.file_size_in_bytes = summary.file_size_bytes;
  file.split_offsets = summary.row_group_offsets;
  if (summary.columns.size() != schema_.fields().size()) {
    return Internal("Parquet summary has {} columns for {} fields", summary.columns.size(),
                    schema_.fields().size());
  }
  for (size_t i = 0; i < schema_.fields().size(); ++i) {
    const NestedField& field = schema_.fields()[i];
    const parquet::ColumnChunkSummary& column = summary.columns[i];
    file.column_sizes[field.id] = column.total_compressed_size_bytes;
    file.value_counts[field.id] = column.value_count;
    file.null_value_counts[field.id] = column.null_count;
    FLOE_RETURN_IF_ERROR_CTX(AddBounds(field, column, &file),
                             fmt::format("bounds of field '{}'", field.name));
  }
  return file;
}

Status DataFileWriter::Abort() { return writer_->Abort(); }

}  // namespace floe::iceberg
