#include "format/parquet/file_writer.h"

#include <algorithm>
#include <climits>
#include <cstring>

#include "format/parquet/column_writer.h"

namespace floe::parquet {

namespace {

constexpr std::string_view kMagic = "PAR1";
constexpr int32_t kFormatVersion = 1;
// Rows handed to every column before page and row-group sizes are checked: small enough that
// pages and row groups end near their targets, large enough to keep the loops tight.
constexpr size_t kRowsPerSlice = 512;
constexpr size_t kFooterLengthBytes = 4;

bool KindMatches(PhysicalType type, ColumnKind kind) {
  switch (type) {
    case PhysicalType::kBoolean:
      return kind == ColumnKind::kBool;
    case PhysicalType::kInt32:
      return kind == ColumnKind::kInt32;
    case PhysicalType::kInt64:
      return kind == ColumnKind::kInt64;
    case PhysicalType::kFloat:
      return kind == ColumnKind::kFloat;
    case PhysicalType::kDouble:
      return kind == ColumnKind::kDouble;
    case PhysicalType::kByteArray:
      return kind == ColumnKind::kBytes;
    case PhysicalType::kFixedLenByteArray:
      return kind == ColumnKind::kFixed;
    case PhysicalType::kInt96:
      return false;
  }
  return false;
}

std::string_view KindName(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::kBool:
      return "bool";
    case ColumnKind::kInt32:
      return "int32";
    case ColumnKind::kInt64:
      return "int64";
    case ColumnKind::kFloat:
      return "float";
    case ColumnKind::kDouble:
      return "double";
    case ColumnKind::kBytes:
      return "bytes";
    case ColumnKind::kFixed:
      return "fixed";
  }
  return "unknown";
}

// The legacy annotation matching a logical type, or kNoConvertedType.
constexpr int32_t kNoConvertedType = -1;

int32_t ConvertedTypeOf(const LogicalType& t) {
  using Kind = LogicalType::Kind;
  using Unit = LogicalType::TimeUnit;
  using thrift::ConvertedType;
  auto v = [](ConvertedType c) { return static_cast<int32_t>(c); };
  switch (t.kind) {
    case Kind::kNone:
    case Kind::kUuid:
      return kNoConvertedType;
    case Kind::kString:
      return v(ConvertedType::kUtf8);
    case Kind::kDate:
      return v(ConvertedType::kDate);
    case Kind::kDecimal:
      return v(ConvertedType::kDecimal);
    case Kind::kTime:
      if (t.unit == Unit::kMillis) return v(ConvertedType::kTimeMillis);
      if (t.unit == Unit::kMicros) return v(ConvertedType::kTimeMicros);
      return kNoConvertedType;
    case Kind::kTimestamp:
      // Written for UTC-adjusted and local timestamps alike, as Iceberg's writers do.
      if (t.unit == Unit::kMillis) return v(ConvertedType::kTimestampMillis);
      if (t.unit == Unit::kMicros) return v(ConvertedType::kTimestampMicros);
      return kNoConvertedType;
    case Kind::kInt:
      switch (t.bit_width) {
        case 8:
          return v(t.is_signed ? ConvertedType::kInt8 : ConvertedType::kUint8);
        case 16:
          return v(t.is_signed ? ConvertedType::kInt16 : ConvertedType::kUint16);
        case 32:
          return v(t.is_signed ? ConvertedType::kInt32 : ConvertedType::kUint32);
        default:
          return v(t.is_signed ? ConvertedType::kInt64 : ConvertedType::kUint64);
      }
  }
  return kNoConvertedType;
}

std::vector<thrift::SchemaElement> ToSchemaElements(const Schema& schema) {
  std::vector<thrift::SchemaElement> out;
  out.reserve(schema.columns.size() + 1);
  thrift::SchemaElement root;
  root.name = schema.root_name;
  root.num_children = static_cast<int32_t>(schema.columns.size());
  out.push_back(std::move(root));
  for (const ColumnDescriptor& c : schema.columns) {
    thrift::SchemaElement e;
    e.type = c.physical_type;
    if (c.physical_type == PhysicalType::kFixedLenByteArray) e.type_length = c.type_length;
    e.repetition_type = c.repetition;
    e.name = c.name;
    if (int32_t converted = ConvertedTypeOf(c.logical_type); converted != kNoConvertedType) {
      e.converted_type = converted;
    }
    if (c.logical_type.kind == LogicalType::Kind::kDecimal) {
      e.scale = c.logical_type.scale;
      e.precision = c.logical_type.precision;
    }
    e.field_id = c.field_id;
    if (c.logical_type.kind != LogicalType::Kind::kNone) e.logical_type = c.logical_type;
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<FileWriter>> FileWriter::Make(std::unique_ptr<io::OutputStream> sink,
                                                     Schema schema, WriterProperties properties) {
  if (!sink) return InvalidArgument("parquet writer: no output stream");
  FLOE_RETURN_IF_ERROR(ValidateSchema(schema));
  if (properties.data_page_size_bytes <= 0 || properties.row_group_size_bytes <= 0 ||
      properties.data_page_row_count_limit <= 0 ||
      properties.dictionary_page_size_limit_bytes <= 0) {
    return InvalidArgument("parquet writer: page, dictionary and row group sizes must be positive");
  }
  auto writer = std::make_unique<FileWriter>(Token{}, std::move(sink), std::move(schema),
                                             std::move(properties));
  for (const ColumnDescriptor& c : writer->schema_.columns) {
    FLOE_ASSIGN_OR_RAISE(auto column_writer, ColumnWriter::Make(c, writer->properties_));
    writer->writers_.push_back(std::move(column_writer));
  }
  writer->column_stats_.resize(writer->schema_.columns.size());
  writer->column_compressed_bytes_.resize(writer->schema_.columns.size());
  FLOE_RETURN_IF_ERROR(writer->sink_->Write(kMagic));
  return writer;
}

FileWriter::FileWriter(Token, std::unique_ptr<io::OutputStream> sink, Schema schema,
                       WriterProperties properties)
    : sink_(std::move(sink)), schema_(std::move(schema)), properties_(std::move(properties)) {}

FileWriter::~FileWriter() = default;

Status FileWriter::Fail(Status status) {
  state_ = State::kFailed;
  final_status_ = status;
  return status;
}

Status FileWriter::CheckBatch(std::span<const ColumnVector* const> columns,
                              const Selection& selection) const {
  if (columns.size() != schema_.columns.size()) {
    return InvalidArgument("parquet batch has {} columns, the schema {}", columns.size(),
                           schema_.columns.size());
  }
  size_t rows = 0;
  for (size_t c = 0; c < columns.size(); ++c) {
    const ColumnDescriptor& d = schema_.columns[c];
    const ColumnVector* v = columns[c];
    if (v == nullptr) return InvalidArgument("column '{}': no vector given", d.name);
    if (!KindMatches(d.physical_type, v->kind())) {
      return InvalidArgument("column '{}': a {} vector cannot be written as {}", d.name,
                             KindName(v->kind()), PhysicalTypeName(d.physical_type));
    }
    if (d.physical_type == PhysicalType::kFixedLenByteArray && v->fixed_width() != d.type_length) {
      return InvalidArgument("column '{}': vector width {} differs from type_length {}", d.name,
                             v->fixed_width(), d.type_length);
    }
    if (c == 0) rows = v->size();
    if (v->size() != rows) {
      return InvalidArgument("column '{}' has {} rows, column '{}' {}", d.name, v->size(),
                             schema_.columns[0].name, rows);
    }
  }
  if (selection.indices == nullptr) {
    if (selection.count > rows) {
      return InvalidArgument("selection of {} rows over a batch of {}", selection.count, rows);
    }
  } else {
    for (size_t i = 0; i < selection.count; ++i) {
      if (selection.indices[i] >= rows) {
        return InvalidArgument("selection names row {} of a batch of {}", selection.indices[i],
                               rows);
      }
    }
  }
  for (size_t c = 0; c < columns.size(); ++c) {
    const ColumnDescriptor& d = schema_.columns[c];
    const uint8_t* valid = columns[c]->validity();
    if (d.repetition != Repetition::kRequired || valid == nullptr) continue;
    for (size_t i = 0; i < selection.count; ++i) {
      size_t row = selection.Row(i);
      if (valid[row] == 0) {
        return InvalidArgument("column '{}' is required but row {} is null", d.name, row);
      }
    }
  }
  return Status::Ok();
}

Status FileWriter::WriteBatch(std::span<const ColumnVector* const> columns, Selection selection) {
  if (state_ == State::kFailed) return final_status_;
  if (state_ != State::kOpen) return InvalidArgument("parquet writer is closed");
  FLOE_RETURN_IF_ERROR(CheckBatch(columns, selection));
  for (size_t begin = 0; begin < selection.count; begin += kRowsPerSlice) {
    size_t end = std::min(selection.count, begin + kRowsPerSlice);
    for (size_t c = 0; c < columns.size(); ++c) {
      Status s = writers_[c]->Append(*columns[c], selection, begin, end);
      if (!s.ok()) return Fail(std::move(s));
    }
    row_group_rows_ += static_cast<int64_t>(end - begin);
    num_rows_ += static_cast<int64_t>(end - begin);
    if (EstimatedRowGroupBytes() >= properties_.row_group_size_bytes) {
      Status s = FlushRowGroup();
      if (!s.ok()) return Fail(std::move(s));
    }
  }
  return Status::Ok();
}

int64_t FileWriter::EstimatedRowGroupBytes() const {
  int64_t bytes = 0;
  for (const auto& w : writers_) bytes += w->EstimatedChunkBytes();
  return bytes;
}

int64_t FileWriter::EstimatedFileSize() const {
  return sink_->Position() + EstimatedRowGroupBytes();
}

Status FileWriter::FlushRowGroup() {
  if (row_group_rows_ == 0) return Status::Ok();
  thrift::RowGroup group;
  group.num_rows = row_group_rows_;
  group.file_offset = sink_->Position();
  int64_t compressed = 0;
  for (size_t c = 0; c < writers_.size(); ++c) {
    thrift::ColumnChunk chunk;
    EncodedStatistics stats;
    FLOE_RETURN_IF_ERROR(writers_[c]->FlushChunk(sink_.get(), &chunk, &stats));
    group.total_byte_size += chunk.meta_data->total_uncompressed_size;
    compressed += chunk.meta_data->total_compressed_size;
    column_compressed_bytes_[c] += chunk.meta_data->total_compressed_size;
    column_stats_[c].Merge(schema_.columns[c], stats);
    group.columns.push_back(std::move(chunk));
  }
  group.total_compressed_size = compressed;
  if (row_groups_.size() <= static_cast<size_t>(INT16_MAX)) {
    group.ordinal = static_cast<int16_t>(row_groups_.size());
  }
  row_groups_.push_back(std::move(group));
  row_group_rows_ = 0;
  return Status::Ok();
}

Status FileWriter::WriteFooter() {
  thrift::FileMetaData meta;
  meta.version = kFormatVersion;
  meta.schema = ToSchemaElements(schema_);
  meta.num_rows = num_rows_;
  meta.row_groups = row_groups_;
  for (const auto& [key, value] : properties_.key_value_metadata) {
    meta.key_value_metadata.push_back(thrift::KeyValue{key, value});
  }
  meta.created_by = properties_.created_by;
  meta.num_type_defined_orders = static_cast<int32_t>(schema_.columns.size());
  std::string footer;
  thrift::SerializeFileMetaData(meta, &footer);
  if (footer.size() > UINT32_MAX) return InvalidArgument("parquet footer too large");
  uint32_t length = static_cast<uint32_t>(footer.size());
  char length_bytes[kFooterLengthBytes];
  std::memcpy(length_bytes, &length, sizeof(length_bytes));
  footer.append(length_bytes, sizeof(length_bytes));
  footer.append(kMagic);
  return sink_->Write(footer);
}

Status FileWriter::Close() {
  switch (state_) {
    case State::kClosed:
    case State::kFailed:
      return final_status_;
    case State::kAborted:
      return InvalidArgument("parquet writer was aborted");
    case State::kOpen:
      break;
  }
  if (Status s = FlushRowGroup(); !s.ok()) return Fail(std::move(s));
  if (Status s = WriteFooter(); !s.ok()) return Fail(std::move(s));
  int64_t size = sink_->Position();
  if (Status s = sink_->Close(); !s.ok()) return Fail(std::move(s));

  summary_.num_rows = num_rows_;
  summary_.file_size_bytes = size;
  for (const thrift::RowGroup& g : row_groups_)
    summary_.row_group_offsets.push_back(*g.file_offset);
  for (size_t c = 0; c < schema_.columns.size(); ++c) {
    const ColumnDescriptor& d = schema_.columns[c];
    ColumnChunkSummary s;
    s.name = d.name;
    s.field_id = d.field_id;
    s.total_compressed_size_bytes = column_compressed_bytes_[c];
    s.value_count = num_rows_;
    s.null_count = column_stats_[c].null_count;
    s.has_min_max = column_stats_[c].has_min_max;
    s.min_value = column_stats_[c].min;
    s.max_value = column_stats_[c].max;
    summary_.columns.push_back(std::move(s));
  }
  state_ = State::kClosed;
  final_status_ = Status::Ok();
  return final_status_;
}

Status FileWriter::Abort() {
  // After a successful Close the stream's Abort is a no-op: the file stays.
  if (state_ != State::kClosed) state_ = State::kAborted;
  return sink_->Abort();
}

}  // namespace floe::parquet
