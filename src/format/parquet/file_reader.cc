#include "format/parquet/file_reader.h"

#include <cstring>

#include "format/parquet/compression.h"
#include "format/parquet/rle_decoder.h"

namespace floe::parquet {

namespace {

constexpr std::string_view kMagic = "PAR1";
constexpr size_t kMagicBytes = 4;
constexpr size_t kFooterLengthBytes = 4;
constexpr size_t kLengthPrefixBytes = 4;
constexpr int kDefinitionLevelBitWidth = 1;
constexpr int kMaxIndexBitWidth = 32;
constexpr int32_t kInt96Bytes = 12;
constexpr int kBitsPerByte = 8;

uint32_t LoadU32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

std::optional<LogicalType> FromConvertedType(const thrift::SchemaElement& e) {
  if (!e.converted_type) return std::nullopt;
  using C = thrift::ConvertedType;
  using Unit = LogicalType::TimeUnit;
  switch (static_cast<C>(*e.converted_type)) {
    case C::kUtf8:
      return LogicalType::String();
    case C::kDate:
      return LogicalType::Date();
    case C::kDecimal:
      return LogicalType::Decimal(e.precision.value_or(0), e.scale.value_or(0));
    case C::kTimeMillis:
      return LogicalType::Time(Unit::kMillis, true);
    case C::kTimeMicros:
      return LogicalType::Time(Unit::kMicros, true);
    case C::kTimestampMillis:
      return LogicalType::Timestamp(Unit::kMillis, true);
    case C::kTimestampMicros:
      return LogicalType::Timestamp(Unit::kMicros, true);
    case C::kUint8:
      return LogicalType::Int(8, false);
    case C::kUint16:
      return LogicalType::Int(16, false);
    case C::kUint32:
      return LogicalType::Int(32, false);
    case C::kUint64:
      return LogicalType::Int(64, false);
    case C::kInt8:
      return LogicalType::Int(8, true);
    case C::kInt16:
      return LogicalType::Int(16, true);
    case C::kInt32:
      return LogicalType::Int(32, true);
    case C::kInt64:
      return LogicalType::Int(64, true);
  }
  return std::nullopt;
}

Result<Schema> ToSchema(const thrift::FileMetaData& meta) {
  if (meta.schema.empty()) return Corrupt("parquet footer: empty schema");
  const thrift::SchemaElement& root = meta.schema[0];
  if (root.num_children.value_or(-1) != static_cast<int32_t>(meta.schema.size() - 1)) {
    return NotSupported("parquet schema '{}' is nested or inconsistent: {} children, {} elements",
                        root.name, root.num_children.value_or(-1), meta.schema.size());
  }
  Schema schema;
  schema.root_name = root.name;
  for (size_t i = 1; i < meta.schema.size(); ++i) {
    const thrift::SchemaElement& e = meta.schema[i];
    if (e.num_children || !e.type) {
      return NotSupported("parquet column '{}' is a group: nested schemas are not read yet",
                          e.name);
    }
    ColumnDescriptor c;
    c.name = e.name;
    c.physical_type = *e.type;
    c.repetition = e.repetition_type.value_or(Repetition::kOptional);
    if (c.repetition == Repetition::kRepeated) {
      return NotSupported("parquet column '{}' is repeated: not read yet", e.name);
    }
    c.type_length = e.type_length.value_or(0);
    if (c.physical_type == PhysicalType::kFixedLenByteArray && c.type_length <= 0) {
      return Corrupt("parquet column '{}': FIXED_LEN_BYTE_ARRAY without a length", e.name);
    }
    if (c.physical_type == PhysicalType::kInt96) c.type_length = kInt96Bytes;
    if (e.logical_type) {
      c.logical_type = *e.logical_type;
    } else if (auto t = FromConvertedType(e)) {
      c.logical_type = *t;
    }
    c.field_id = e.field_id;
    schema.columns.push_back(std::move(c));
  }
  for (size_t g = 0; g < meta.row_groups.size(); ++g) {
    const thrift::RowGroup& group = meta.row_groups[g];
    if (group.columns.size() != schema.columns.size()) {
      return Corrupt("parquet row group {} has {} columns, the schema {}", g, group.columns.size(),
                     schema.columns.size());
    }
    for (size_t c = 0; c < group.columns.size(); ++c) {
      if (!group.columns[c].meta_data) {
        return NotSupported("parquet row group {} column {}: no inline column metadata", g, c);
      }
    }
  }
  return schema;
}

ColumnKind KindOf(const ColumnDescriptor& c) {
  switch (c.physical_type) {
    case PhysicalType::kBoolean:
      return ColumnKind::kBool;
    case PhysicalType::kInt32:
      return ColumnKind::kInt32;
    case PhysicalType::kInt64:
      return ColumnKind::kInt64;
    case PhysicalType::kFloat:
      return ColumnKind::kFloat;
    case PhysicalType::kDouble:
      return ColumnKind::kDouble;
    case PhysicalType::kByteArray:
      return ColumnKind::kBytes;
    case PhysicalType::kInt96:
    case PhysicalType::kFixedLenByteArray:
      return ColumnKind::kFixed;
  }
  return ColumnKind::kBytes;
}

Result<Codec> FromThrift(thrift::CompressionCodec codec) {
  switch (codec) {
    case thrift::CompressionCodec::kUncompressed:
      return Codec::kUncompressed;
    case thrift::CompressionCodec::kSnappy:
      return Codec::kSnappy;
    case thrift::CompressionCodec::kGzip:
      return Codec::kGzip;
    case thrift::CompressionCodec::kZstd:
      return Codec::kZstd;
    default:
      return NotSupported("parquet compression codec {} is not supported",
                          static_cast<int32_t>(codec));
  }
}

/// Decodes the pages of one column chunk into a ColumnVector.
class ChunkDecoder {
 public:
  ChunkDecoder(const ColumnDescriptor& column, Codec codec, int64_t num_values)
      : column_(column),
        codec_(codec),
        num_values_(num_values),
        out_(KindOf(column), column.type_length),
        fixed_width_(column.physical_type == PhysicalType::kBoolean
                         ? 0
                         : static_cast<size_t>(ValueWidth())) {}

  Result<ColumnVector> Decode(std::string_view chunk) {
    size_t pos = 0;
    int64_t values_read = 0;
    while (values_read < num_values_) {
      if (pos >= chunk.size()) {
        return Corrupt("column chunk ends after {} of {} values", values_read, num_values_);
      }
      size_t header_bytes = 0;
      FLOE_ASSIGN_OR_RAISE(thrift::PageHeader header,
                           thrift::ParsePageHeader(chunk.substr(pos), &header_bytes));
      pos += header_bytes;
      size_t page_bytes = static_cast<size_t>(header.compressed_page_size);
      if (page_bytes > chunk.size() - pos) {
        return Corrupt("page of {} bytes at chunk offset {} runs past the chunk ({} bytes)",
                       page_bytes, pos, chunk.size());
      }
      std::string_view page = chunk.substr(pos, page_bytes);
      pos += page_bytes;
      switch (header.type) {
        case thrift::PageType::kDictionaryPage:
          FLOE_RETURN_IF_ERROR(ReadDictionaryPage(header, page));
          break;
        case thrift::PageType::kDataPage: {
          if (!header.data_page_header) return Corrupt("data page without its header");
          FLOE_ASSIGN_OR_RAISE(int64_t n, ReadDataPageV1(header, page));
          values_read += n;
          break;
        }
        case thrift::PageType::kDataPageV2: {
          if (!header.data_page_header_v2) return Corrupt("data page v2 without its header");
          FLOE_ASSIGN_OR_RAISE(int64_t n, ReadDataPageV2(header, page));
          values_read += n;
          break;
        }
        default:
          break;  // index pages: nothing to decode
      }
    }
    if (values_read != num_values_) {
      return Corrupt("pages hold {} values, the chunk metadata says {}", values_read, num_values_);
    }
    return std::move(out_);
  }

 private:
  int32_t ValueWidth() const {
    switch (column_.physical_type) {
      case PhysicalType::kInt32:
      case PhysicalType::kFloat:
        return sizeof(int32_t);
      case PhysicalType::kInt64:
      case PhysicalType::kDouble:
        return sizeof(int64_t);
      case PhysicalType::kInt96:
        return kInt96Bytes;
      case PhysicalType::kFixedLenByteArray:
        return column_.type_length;
      default:
        return 0;
    }
  }
  bool optional() const { return column_.repetition == Repetition::kOptional; }

  Status ReadDictionaryPage(const thrift::PageHeader& header, std::string_view page) {
    if (!header.dictionary_page_header) return Corrupt("dictionary page without its header");
    auto encoding = header.dictionary_page_header->encoding;
    if (encoding != thrift::Encoding::kPlain && encoding != thrift::Encoding::kPlainDictionary) {
      return NotSupported("dictionary page encoding {}", static_cast<int32_t>(encoding));
    }
    if (column_.physical_type == PhysicalType::kBoolean) {
      return Corrupt("dictionary page in a BOOLEAN column");
    }
    FLOE_RETURN_IF_ERROR(
        Decompress(codec_, page, static_cast<size_t>(header.uncompressed_page_size), &dictionary_));
    int32_t n = header.dictionary_page_header->num_values;
    if (n < 0) return Corrupt("dictionary page with {} values", n);
    dictionary_entries_.clear();
    size_t pos = 0;
    for (int32_t i = 0; i < n; ++i) {
      size_t length = fixed_width_;
      if (column_.physical_type == PhysicalType::kByteArray) {
        if (dictionary_.size() - pos < kLengthPrefixBytes) return Corrupt("truncated dictionary");
        length = LoadU32(dictionary_.data() + pos);
        pos += kLengthPrefixBytes;
      }
      if (length > dictionary_.size() - pos) return Corrupt("truncated dictionary entry {}", i);
      dictionary_entries_.push_back(std::string_view(dictionary_).substr(pos, length));
      pos += length;
    }
    has_dictionary_ = true;
    return Status::Ok();
  }

  // Reads `n` definition levels from an RLE block; counts the present values.
  Status ReadLevels(std::string_view block, int64_t n, int64_t* present) {
    levels_.resize(static_cast<size_t>(n));
    RleDecoder decoder(reinterpret_cast<const uint8_t*>(block.data()), block.size(),
                       kDefinitionLevelBitWidth);
    if (decoder.Decode(levels_.data(), levels_.size()) != levels_.size()) {
      return Corrupt("definition levels end early or hold values above 1");
    }
    int64_t count = 0;
    for (uint8_t l : levels_) count += l;
    *present = count;
    return Status::Ok();
  }

  Result<int64_t> ReadDataPageV1(const thrift::PageHeader& header, std::string_view page) {
    const thrift::DataPageHeader& d = *header.data_page_header;
    if (d.num_values <= 0) return Corrupt("data page with {} values", d.num_values);
    FLOE_RETURN_IF_ERROR(
        Decompress(codec_, page, static_cast<size_t>(header.uncompressed_page_size), &page_));
    std::string_view body(page_);
    int64_t present = d.num_values;
    if (optional()) {
      if (d.definition_level_encoding != thrift::Encoding::kRle) {
        return NotSupported("definition level encoding {}",
                            static_cast<int32_t>(d.definition_level_encoding));
      }
      if (body.size() < kLengthPrefixBytes) return Corrupt("data page too short for its levels");
      size_t length = LoadU32(body.data());
      if (length > body.size() - kLengthPrefixBytes) return Corrupt("levels run past the page");
      FLOE_RETURN_IF_ERROR(
          ReadLevels(body.substr(kLengthPrefixBytes, length), d.num_values, &present));
      body.remove_prefix(kLengthPrefixBytes + length);
    }
    FLOE_RETURN_IF_ERROR(ReadValues(d.encoding, body, d.num_values, present));
    return static_cast<int64_t>(d.num_values);
  }

  Result<int64_t> ReadDataPageV2(const thrift::PageHeader& header, std::string_view page) {
    const thrift::DataPageHeaderV2& d = *header.data_page_header_v2;
    if (d.num_values <= 0) return Corrupt("data page v2 with {} values", d.num_values);
    if (d.repetition_levels_byte_length != 0) {
      return NotSupported("repetition levels in a flat column");
    }
    if (d.definition_levels_byte_length < 0 ||
        static_cast<size_t>(d.definition_levels_byte_length) > page.size()) {
      return Corrupt("data page v2 levels length {} out of range", d.definition_levels_byte_length);
    }
    size_t levels_bytes = static_cast<size_t>(d.definition_levels_byte_length);
    int64_t present = d.num_values;
    if (optional()) {
      FLOE_RETURN_IF_ERROR(ReadLevels(page.substr(0, levels_bytes), d.num_values, &present));
    }
    std::string_view values = page.substr(levels_bytes);
    if (d.is_compressed && codec_ != Codec::kUncompressed) {
      int64_t uncompressed =
          static_cast<int64_t>(header.uncompressed_page_size) - static_cast<int64_t>(levels_bytes);
      if (uncompressed < 0) return Corrupt("data page v2 sizes disagree");
      FLOE_RETURN_IF_ERROR(Decompress(codec_, values, static_cast<size_t>(uncompressed), &page_));
      values = page_;
    }
    FLOE_RETURN_IF_ERROR(ReadValues(d.encoding, values, d.num_values, present));
    return static_cast<int64_t>(d.num_values);
  }

  // Appends `n` rows, `present` of them non-null, from a page's value section.
  Status ReadValues(thrift::Encoding encoding, std::string_view data, int64_t n, int64_t present) {
    switch (encoding) {
      case thrift::Encoding::kPlain:
        return ReadPlain(data, n, present);
      case thrift::Encoding::kPlainDictionary:
      case thrift::Encoding::kRleDictionary:
        return ReadDictionaryIndices(data, n, present);
      case thrift::Encoding::kRle:
        if (column_.physical_type == PhysicalType::kBoolean)
          return ReadRleBooleans(data, n, present);
        [[fallthrough]];
      default:
        return NotSupported("parquet column '{}': value encoding {} is not supported", column_.name,
                            static_cast<int32_t>(encoding));
    }
  }

  // Calls emit(i) for the i-th present value of this page, AppendNull for the others.
  template <typename Emit>
  void Interleave(int64_t n, Emit&& emit) {
    int64_t next = 0;
    for (int64_t i = 0; i < n; ++i) {
      if (optional() && levels_[static_cast<size_t>(i)] == 0) {
        out_.AppendNull();
      } else {
        emit(next++);
      }
    }
  }

  Status ReadPlain(std::string_view data, int64_t n, int64_t present) {
    switch (column_.physical_type) {
      case PhysicalType::kBoolean: {
        if (static_cast<uint64_t>(present) > data.size() * uint64_t{kBitsPerByte}) {
          return Corrupt("PLAIN booleans: {} values in {} bytes", present, data.size());
        }
        Interleave(n, [&](int64_t i) {
          uint8_t byte = static_cast<uint8_t>(data[static_cast<size_t>(i / kBitsPerByte)]);
          out_.Append<uint8_t>((byte >> (i % kBitsPerByte)) & 1);
        });
        return Status::Ok();
      }
      case PhysicalType::kByteArray: {
        std::vector<std::string_view> values;
        values.reserve(static_cast<size_t>(present));
        size_t pos = 0;
        for (int64_t i = 0; i < present; ++i) {
          if (data.size() - pos < kLengthPrefixBytes) return Corrupt("truncated PLAIN byte array");
          size_t length = LoadU32(data.data() + pos);
          pos += kLengthPrefixBytes;
          if (length > data.size() - pos) return Corrupt("PLAIN byte array runs past the page");
          values.push_back(data.substr(pos, length));
          pos += length;
        }
        Interleave(n, [&](int64_t i) { out_.AppendBytes(values[static_cast<size_t>(i)]); });
        return Status::Ok();
      }
      default: {
        size_t width = fixed_width_;
        if (static_cast<uint64_t>(present) * width > data.size()) {
          return Corrupt("PLAIN values: {} of {} bytes in {} bytes", present, width, data.size());
        }
        Interleave(
            n, [&](int64_t i) { AppendFixed(data.substr(static_cast<size_t>(i) * width, width)); });
        return Status::Ok();
      }
    }
  }

  void AppendFixed(std::string_view v) {
    switch (column_.physical_type) {
      case PhysicalType::kInt32:
        out_.Append(static_cast<int32_t>(LoadU32(v.data())));
        return;
      case PhysicalType::kFloat: {
        float f;
        std::memcpy(&f, v.data(), sizeof(f));
        out_.Append(f);
        return;
      }
      case PhysicalType::kInt64: {
        int64_t x;
        std::memcpy(&x, v.data(), sizeof(x));
        out_.Append(x);
        return;
      }
      case PhysicalType::kDouble: {
        double x;
        std::memcpy(&x, v.data(), sizeof(x));
        out_.Append(x);
        return;
      }
      default:
        out_.AppendBytes(v);
        return;
    }
  }

  void AppendEntry(std::string_view v) {
    if (column_.physical_type == PhysicalType::kByteArray) {
      out_.AppendBytes(v);
    } else {
      AppendFixed(v);
    }
  }

  Status ReadDictionaryIndices(std::string_view data, int64_t n, int64_t present) {
    if (!has_dictionary_) return Corrupt("dictionary-encoded page without a dictionary page");
    if (present == 0) {
      Interleave(n, [](int64_t) {});
      return Status::Ok();
    }
    if (data.empty()) return Corrupt("dictionary indices without a bit width");
    int width = static_cast<uint8_t>(data[0]);
    if (width > kMaxIndexBitWidth) return Corrupt("dictionary index bit width {}", width);
    indices_.resize(static_cast<size_t>(present));
    RleDecoder decoder(reinterpret_cast<const uint8_t*>(data.data()) + 1, data.size() - 1, width);
    if (decoder.Decode(indices_.data(), indices_.size()) != indices_.size()) {
      return Corrupt("dictionary indices end early");
    }
    for (uint32_t index : indices_) {
      if (index >= dictionary_entries_.size()) {
        return Corrupt("dictionary index {} out of a dictionary of {}", index,
                       dictionary_entries_.size());
      }
    }
    Interleave(
        n, [&](int64_t i) { AppendEntry(dictionary_entries_[indices_[static_cast<size_t>(i)]]); });
    return Status::Ok();
  }

  Status ReadRleBooleans(std::string_view data, int64_t n, int64_t present) {
    if (data.size() < kLengthPrefixBytes) return Corrupt("RLE booleans without a length");
    size_t length = LoadU32(data.data());
    if (length > data.size() - kLengthPrefixBytes) return Corrupt("RLE booleans run past the page");
    std::vector<uint8_t> values(static_cast<size_t>(present));
    RleDecoder decoder(reinterpret_cast<const uint8_t*>(data.data()) + kLengthPrefixBytes, length,
                       1);
    if (decoder.Decode(values.data(), values.size()) != values.size()) {
      return Corrupt("RLE booleans end early");
    }
    Interleave(n, [&](int64_t i) { out_.Append<uint8_t>(values[static_cast<size_t>(i)]); });
    return Status::Ok();
  }

  const ColumnDescriptor& column_;
  Codec codec_;
  int64_t num_values_;
  ColumnVector out_;
  size_t fixed_width_;
  std::string page_;
  std::string dictionary_;
  std::vector<std::string_view> dictionary_entries_;
  bool has_dictionary_ = false;
  std::vector<uint8_t> levels_;
  std::vector<uint32_t> indices_;
};

}  // namespace

FileReader::FileReader(Token, std::shared_ptr<io::InputFile> file, int64_t file_size,
                       thrift::FileMetaData metadata, Schema schema)
    : file_(std::move(file)),
      file_size_(file_size),
      metadata_(std::move(metadata)),
      schema_(std::move(schema)) {}

Result<std::unique_ptr<FileReader>> FileReader::OpenBuffer(std::string contents) {
  return Open(std::make_shared<io::StringInputFile>(std::move(contents)));
}

Result<std::unique_ptr<FileReader>> FileReader::Open(std::shared_ptr<io::InputFile> file) {
  if (!file) return InvalidArgument("parquet reader: no input file");
  FLOE_ASSIGN_OR_RAISE(int64_t size, file->Size());
  constexpr int64_t kMinFileBytes = 2 * kMagicBytes + kFooterLengthBytes;
  if (size < kMinFileBytes) {
    return Corrupt(
        "parquet file of {} bytes is shorter than the {} bytes of magic and footer "
        "length",
        size, kMinFileBytes);
  }
  char head[kMagicBytes];
  char tail[kFooterLengthBytes + kMagicBytes];
  FLOE_RETURN_IF_ERROR(file->ReadAt(0, sizeof(head), head));
  FLOE_RETURN_IF_ERROR(file->ReadAt(size - static_cast<int64_t>(sizeof(tail)), sizeof(tail), tail));
  if (std::string_view(head, kMagicBytes) != kMagic) {
    return Corrupt("not a parquet file: no PAR1 magic at offset 0");
  }
  if (std::string_view(tail + kFooterLengthBytes, kMagicBytes) != kMagic) {
    return Corrupt("not a parquet file (or truncated): no PAR1 magic at the end (offset {})",
                   size - static_cast<int64_t>(kMagicBytes));
  }
  int64_t footer_length = LoadU32(tail);
  if (footer_length > size - kMinFileBytes) {
    return Corrupt("parquet footer length {} exceeds the file ({} bytes)", footer_length, size);
  }
  std::string footer(static_cast<size_t>(footer_length), '\0');
  int64_t footer_offset = size - static_cast<int64_t>(sizeof(tail)) - footer_length;
  FLOE_RETURN_IF_ERROR(file->ReadAt(footer_offset, footer.size(), footer.data()));
  auto parsed = thrift::ParseFileMetaData(footer);
  if (!parsed.ok()) {
    return parsed.status().WithContext(fmt::format("footer at offset {}", footer_offset));
  }
  FLOE_ASSIGN_OR_RAISE(Schema schema, ToSchema(*parsed));
  return std::make_unique<FileReader>(Token{}, std::move(file), size, std::move(parsed).value(),
                                      std::move(schema));
}

std::vector<std::pair<std::string, std::string>> FileReader::key_value_metadata() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const thrift::KeyValue& kv : metadata_.key_value_metadata) {
    out.emplace_back(kv.key, kv.value.value_or(""));
  }
  return out;
}

Result<std::vector<ColumnVector>> FileReader::ReadRowGroup(int index) {
  if (index < 0 || index >= num_row_groups()) {
    return InvalidArgument("row group {} of a file with {}", index, num_row_groups());
  }
  std::vector<ColumnVector> columns;
  columns.reserve(schema_.columns.size());
  for (size_t c = 0; c < schema_.columns.size(); ++c) {
    auto column = ReadColumnChunk(index, static_cast<int>(c));
    if (!column.ok()) {
      return column.status().WithContext(
          fmt::format("row group {} column '{}'", index, schema_.columns[c].name));
    }
    columns.push_back(std::move(column).value());
  }
  return columns;
}

Result<ColumnVector> FileReader::ReadColumnChunk(int row_group, int column) {
  const thrift::RowGroup& group = metadata_.row_groups[static_cast<size_t>(row_group)];
  const thrift::ColumnMetaData& meta = *group.columns[static_cast<size_t>(column)].meta_data;
  const ColumnDescriptor& descriptor = schema_.columns[static_cast<size_t>(column)];
  if (meta.type != descriptor.physical_type) {
    return Corrupt("chunk type {} differs from the schema's {}", PhysicalTypeName(meta.type),
                   PhysicalTypeName(descriptor.physical_type));
  }
  FLOE_ASSIGN_OR_RAISE(Codec codec, FromThrift(meta.codec));
  int64_t start = meta.data_page_offset;
  if (meta.dictionary_page_offset && *meta.dictionary_page_offset > 0 &&
      *meta.dictionary_page_offset < start) {
    start = *meta.dictionary_page_offset;
  }
  int64_t length = meta.total_compressed_size;
  if (start < static_cast<int64_t>(kMagicBytes) || length < 0 || start > file_size_ ||
      length > file_size_ - start) {
    return Corrupt("chunk at offset {} of {} bytes lies outside the file ({} bytes)", start, length,
                   file_size_);
  }
  if (meta.num_values != group.num_rows) {
    return Corrupt("chunk holds {} values for {} rows", meta.num_values, group.num_rows);
  }
  std::string bytes(static_cast<size_t>(length), '\0');
  FLOE_RETURN_IF_ERROR(file_->ReadAt(start, bytes.size(), bytes.data()));
  ChunkDecoder decoder(descriptor, codec, meta.num_values);
  return decoder.Decode(bytes);
}

}  // namespace floe::parquet
