#include "format/parquet/thrift_metadata.h"

#include "format/parquet/thrift_compact_reader.h"
#include "format/parquet/thrift_compact_writer.h"

namespace floe::parquet::thrift {

// The small integer literals passed as field ids below (w.I32Field(1, ...), case 5: ...) are the
// field numbers of parquet.thrift, named in the struct definitions of thrift_metadata.h.

namespace {

// Field ids of the LogicalType union and of TimeUnit (parquet.thrift).
enum LogicalTypeField : int16_t {
  kLogicalString = 1,
  kLogicalDecimal = 5,
  kLogicalDate = 6,
  kLogicalTime = 7,
  kLogicalTimestamp = 8,
  kLogicalInteger = 10,
  kLogicalUuid = 14,
};
enum TimeUnitField : int16_t { kUnitMillis = 1, kUnitMicros = 2, kUnitNanos = 3 };

void EmptyStructField(ThriftCompactWriter& w, int16_t id) {
  w.StructFieldBegin(id);
  w.StructEnd();
}

void WriteTimeUnit(ThriftCompactWriter& w, int16_t id, LogicalType::TimeUnit unit) {
  w.StructFieldBegin(id);
  switch (unit) {
    case LogicalType::TimeUnit::kMillis:
      EmptyStructField(w, kUnitMillis);
      break;
    case LogicalType::TimeUnit::kMicros:
      EmptyStructField(w, kUnitMicros);
      break;
    case LogicalType::TimeUnit::kNanos:
      EmptyStructField(w, kUnitNanos);
      break;
  }
  w.StructEnd();
}

void WriteLogicalType(ThriftCompactWriter& w, int16_t id, const LogicalType& t) {
  using Kind = LogicalType::Kind;
  w.StructFieldBegin(id);
  switch (t.kind) {
    case Kind::kNone:
      break;
    case Kind::kString:
      EmptyStructField(w, kLogicalString);
      break;
    case Kind::kDate:
      EmptyStructField(w, kLogicalDate);
      break;
    case Kind::kUuid:
      EmptyStructField(w, kLogicalUuid);
      break;
    case Kind::kDecimal:
      w.StructFieldBegin(kLogicalDecimal);
      w.I32Field(1, t.scale);
      w.I32Field(2, t.precision);
      w.StructEnd();
      break;
    case Kind::kTime:
    case Kind::kTimestamp:
      w.StructFieldBegin(t.kind == Kind::kTime ? kLogicalTime : kLogicalTimestamp);
      w.BoolField(1, t.adjusted_to_utc);
      WriteTimeUnit(w, 2, t.unit);
      w.StructEnd();
      break;
    case Kind::kInt:
      w.StructFieldBegin(kLogicalInteger);
      w.FieldBegin(ThriftType::kByte, 1);
      w.Byte(t.bit_width);
      w.BoolField(2, t.is_signed);
      w.StructEnd();
      break;
  }
  w.StructEnd();
}

void WriteStatistics(ThriftCompactWriter& w, int16_t id, const Statistics& s) {
  w.StructFieldBegin(id);
  if (s.max) w.BinaryField(1, *s.max);
  if (s.min) w.BinaryField(2, *s.min);
  if (s.null_count) w.I64Field(3, *s.null_count);
  if (s.distinct_count) w.I64Field(4, *s.distinct_count);
  if (s.max_value) w.BinaryField(5, *s.max_value);
  if (s.min_value) w.BinaryField(6, *s.min_value);
  w.StructEnd();
}

void WriteKeyValues(ThriftCompactWriter& w, int16_t id, const std::vector<KeyValue>& kvs) {
  w.ListFieldBegin(id, ThriftType::kStruct, kvs.size());
  for (const KeyValue& kv : kvs) {
    w.StructBegin();
    w.BinaryField(1, kv.key);
    if (kv.value) w.BinaryField(2, *kv.value);
    w.StructEnd();
  }
}

void WriteColumnMetaData(ThriftCompactWriter& w, int16_t id, const ColumnMetaData& m) {
  w.StructFieldBegin(id);
  w.I32Field(1, static_cast<int32_t>(m.type));
  w.ListFieldBegin(2, ThriftType::kI32, m.encodings.size());
  for (Encoding e : m.encodings) w.I32(static_cast<int32_t>(e));
  w.ListFieldBegin(3, ThriftType::kBinary, m.path_in_schema.size());
  for (const std::string& p : m.path_in_schema) w.Binary(p);
  w.I32Field(4, static_cast<int32_t>(m.codec));
  w.I64Field(5, m.num_values);
  w.I64Field(6, m.total_uncompressed_size);
  w.I64Field(7, m.total_compressed_size);
  w.I64Field(9, m.data_page_offset);
  if (m.dictionary_page_offset) w.I64Field(11, *m.dictionary_page_offset);
  if (m.statistics) WriteStatistics(w, 12, *m.statistics);
  w.StructEnd();
}

// ---- parsing ----

// Reads the fields of the struct the reader is positioned in, calling `on_field(type, id)` for
// each; the callback consumes the value or returns false to have it skipped.
template <typename OnField>
void ReadStruct(ThriftCompactReader& r, OnField&& on_field) {
  r.StructBegin();
  while (r.ok()) {
    int16_t id;
    ThriftType type = r.FieldBegin(&id);
    if (type == ThriftType::kStop) break;
    if (!on_field(type, id)) r.Skip(type);
  }
  r.StructEnd();
}

// Checks that a field has the wire type the IDL gives it before reading it as such.
bool Expect(ThriftCompactReader& r, ThriftType got, ThriftType want, std::string_view field) {
  if (got == want) return true;
  r.Fail(std::string("field ") + std::string(field) + " has the wrong type");
  return false;
}

bool IsBool(ThriftType t) { return t == ThriftType::kBoolTrue || t == ThriftType::kBoolFalse; }

LogicalType::TimeUnit ReadTimeUnit(ThriftCompactReader& r) {
  LogicalType::TimeUnit unit = LogicalType::TimeUnit::kMicros;
  ReadStruct(r, [&](ThriftType type, int16_t id) {
    if (type != ThriftType::kStruct) return false;
    if (id == kUnitMillis) unit = LogicalType::TimeUnit::kMillis;
    if (id == kUnitMicros) unit = LogicalType::TimeUnit::kMicros;
    if (id == kUnitNanos) unit = LogicalType::TimeUnit::kNanos;
    return false;
  });
  return unit;
}

LogicalType ReadLogicalType(ThriftCompactReader& r) {
  LogicalType t;
  using Kind = LogicalType::Kind;
  ReadStruct(r, [&](ThriftType type, int16_t id) {
    if (type != ThriftType::kStruct) return false;
    switch (id) {
      case kLogicalString:
        t.kind = Kind::kString;
        return false;
      case kLogicalDate:
        t.kind = Kind::kDate;
        return false;
      case kLogicalUuid:
        t.kind = Kind::kUuid;
        return false;
      case kLogicalDecimal:
        t.kind = Kind::kDecimal;
        ReadStruct(r, [&](ThriftType ft, int16_t fid) {
          if (ft != ThriftType::kI32) return false;
          if (fid == 1)
            t.scale = r.I32();
          else if (fid == 2)
            t.precision = r.I32();
          else
            return false;
          return true;
        });
        return true;
      case kLogicalTime:
      case kLogicalTimestamp:
        t.kind = id == kLogicalTime ? Kind::kTime : Kind::kTimestamp;
        ReadStruct(r, [&](ThriftType ft, int16_t fid) {
          if (fid == 1 && IsBool(ft)) {
            t.adjusted_to_utc = r.FieldBool(ft);
            return true;
          }
          if (fid == 2 && ft == ThriftType::kStruct) {
            t.unit = ReadTimeUnit(r);
            return true;
          }
          return false;
        });
        return true;
      case kLogicalInteger:
        t.kind = Kind::kInt;
        ReadStruct(r, [&](ThriftType ft, int16_t fid) {
          if (fid == 1 && ft == ThriftType::kByte) {
            t.bit_width = r.Byte();
            return true;
          }
          if (fid == 2 && IsBool(ft)) {
            t.is_signed = r.FieldBool(ft);
            return true;
          }
          return false;
        });
        return true;
      default:
        return false;
    }
  });
  return t;
}

Statistics ReadStatistics(ThriftCompactReader& r) {
  Statistics s;
  ReadStruct(r, [&](ThriftType type, int16_t id) {
    switch (id) {
      case 1:
        if (!Expect(r, type, ThriftType::kBinary, "Statistics.max")) return true;
        s.max = std::string(r.Binary());
        return true;
      case 2:
        if (!Expect(r, type, ThriftType::kBinary, "Statistics.min")) return true;
        s.min = std::string(r.Binary());
        return true;
      case 3:
        if (!Expect(r, type, ThriftType::kI64, "Statistics.null_count")) return true;
        s.null_count = r.I64();
        return true;
      case 4:
        if (!Expect(r, type, ThriftType::kI64, "Statistics.distinct_count")) return true;
        s.distinct_count = r.I64();
        return true;
      case 5:
        if (!Expect(r, type, ThriftType::kBinary, "Statistics.max_value")) return true;
        s.max_value = std::string(r.Binary());
        return true;
      case 6:
        if (!Expect(r, type, ThriftType::kBinary, "Statistics.min_value")) return true;
        s.min_value = std::string(r.Binary());
        return true;
      default:
        return false;
    }
  });
  return s;
}

SchemaElement ReadSchemaElement(ThriftCompactReader& r) {
  SchemaElement e;
  bool has_name = false;
  ReadStruct(r, [&](ThriftType type, int16_t id) {
    if (id == 4) {
      if (!Expect(r, type, ThriftType::kBinary, "SchemaElement.name")) return true;
      e.name = std::string(r.Binary());
      has_name = true;
      return true;
    }
    if (id == 10) {
      if (!Expect(r, type, ThriftType::kStruct, "SchemaElement.logicalType")) return true;
      e.logical_type = ReadLogicalType(r);
      return true;
    }
    if (id < 1 || id > 9 || id == 4) return false;
    if (!Expect(r, type, ThriftType::kI32, "SchemaElement")) return true;
    int32_t v = r.I32();
    switch (id) {
      case 1:
        if (v < 0 || v > static_cast<int32_t>(PhysicalType::kFixedLenByteArray)) {
          r.Fail("unknown physical type");
        }
        e.type = static_cast<PhysicalType>(v);
        break;
      case 2:
        e.type_length = v;
        break;
      case 3:
        if (v < 0 || v > static_cast<int32_t>(Repetition::kRepeated)) {
          r.Fail("unknown repetition type");
        }
        e.repetition_type = static_cast<Repetition>(v);
        break;
      case 5:
        e.num_children = v;
        break;
      case 6:
        e.converted_type = v;
        break;
      case 7:
        e.scale = v;
        break;
      case 8:
        e.precision = v;
        break;
      case 9:
        e.field_id = v;
        break;
      default:
        break;
    }
    return true;
  });
  if (r.ok() && !has_name) r.Fail("SchemaElement without a name");
  return e;
}

std::vector<KeyValue> ReadKeyValues(ThriftCompactReader& r) {
  std::vector<KeyValue> kvs;
  ThriftType element;
  size_t n = r.ListBegin(&element);
  if (n > 0 && element != ThriftType::kStruct) {
    r.Fail("key_value_metadata is not a list of structs");
    return kvs;
  }
  for (size_t i = 0; i < n && r.ok(); ++i) {
    KeyValue kv;
    ReadStruct(r, [&](ThriftType type, int16_t id) {
      if (type != ThriftType::kBinary || (id != 1 && id != 2)) return false;
      if (id == 1)
        kv.key = std::string(r.Binary());
      else
        kv.value = std::string(r.Binary());
      return true;
    });
    kvs.push_back(std::move(kv));
  }
  return kvs;
}

ColumnMetaData ReadColumnMetaData(ThriftCompactReader& r) {
  ColumnMetaData m;
  ReadStruct(r, [&](ThriftType type, int16_t id) {
    switch (id) {
      case 1: {
        if (!Expect(r, type, ThriftType::kI32, "ColumnMetaData.type")) return true;
        int32_t v = r.I32();
        if (v < 0 || v > static_cast<int32_t>(PhysicalType::kFixedLenByteArray)) {
          r.Fail("unknown physical type");
        }
        m.type = static_cast<PhysicalType>(v);
        return true;
      }
      case 2: {
        if (!Expect(r, type, ThriftType::kList, "ColumnMetaData.encodings")) return true;
        ThriftType element;
        size_t n = r.ListBegin(&element);
        for (size_t i = 0; i < n && r.ok(); ++i) m.encodings.push_back(Encoding{r.I32()});
        return true;
      }
      case 3: {
        if (!Expect(r, type, ThriftType::kList, "ColumnMetaData.path_in_schema")) return true;
        ThriftType element;
        size_t n = r.ListBegin(&element);
        for (size_t i = 0; i < n && r.ok(); ++i) m.path_in_schema.emplace_back(r.Binary());
        return true;
      }
      case 4:
        if (!Expect(r, type, ThriftType::kI32, "ColumnMetaData.codec")) return true;
        m.codec = CompressionCodec{r.I32()};
        return true;
      case 5:
      case 6:
      case 7:
      case 9:
      case 11: {
        if (!Expect(r, type, ThriftType::kI64, "ColumnMetaData")) return true;
        int64_t v = r.I64();
        if (id == 5) m.num_values = v;
        if (id == 6) m.total_uncompressed_size = v;
        if (id == 7) m.total_compressed_size = v;
        if (id == 9) m.data_page_offset = v;
        if (id == 11) m.dictionary_page_offset = v;
        return true;
      }
      case 12:
        if (!Expect(r, type, ThriftType::kStruct, "ColumnMetaData.statistics")) return true;
        m.statistics = ReadStatistics(r);
        return true;
      default:
        return false;
    }
  });
  return m;
}

RowGroup ReadRowGroup(ThriftCompactReader& r) {
  RowGroup g;
  ReadStruct(r, [&](ThriftType type, int16_t id) {
    switch (id) {
      case 1: {
        if (!Expect(r, type, ThriftType::kList, "RowGroup.columns")) return true;
        ThriftType element;
        size_t n = r.ListBegin(&element);
        for (size_t i = 0; i < n && r.ok(); ++i) {
          ColumnChunk c;
          ReadStruct(r, [&](ThriftType ct, int16_t cid) {
            if (cid == 2 && ct == ThriftType::kI64) {
              c.file_offset = r.I64();
              return true;
            }
            if (cid == 3 && ct == ThriftType::kStruct) {
              c.meta_data = ReadColumnMetaData(r);
              return true;
            }
            return false;
          });
          g.columns.push_back(std::move(c));
        }
        return true;
      }
      case 2:
      case 3:
      case 5:
      case 6: {
        if (!Expect(r, type, ThriftType::kI64, "RowGroup")) return true;
        int64_t v = r.I64();
        if (id == 2) g.total_byte_size = v;
        if (id == 3) g.num_rows = v;
        if (id == 5) g.file_offset = v;
        if (id == 6) g.total_compressed_size = v;
        return true;
      }
      case 7:
        if (!Expect(r, type, ThriftType::kI16, "RowGroup.ordinal")) return true;
        g.ordinal = static_cast<int16_t>(r.I32());
        return true;
      default:
        return false;
    }
  });
  return g;
}

Status Finish(const ThriftCompactReader& r, std::string_view what) {
  if (!r.ok()) return r.status().WithContext(what);
  return Status::Ok();
}

}  // namespace

void SerializeFileMetaData(const FileMetaData& m, std::string* out) {
  ThriftCompactWriter w(out);
  w.StructBegin();
  w.I32Field(1, m.version);
  w.ListFieldBegin(2, ThriftType::kStruct, m.schema.size());
  for (const SchemaElement& e : m.schema) {
    w.StructBegin();
    if (e.type) w.I32Field(1, static_cast<int32_t>(*e.type));
    if (e.type_length) w.I32Field(2, *e.type_length);
    if (e.repetition_type) w.I32Field(3, static_cast<int32_t>(*e.repetition_type));
    w.BinaryField(4, e.name);
    if (e.num_children) w.I32Field(5, *e.num_children);
    if (e.converted_type) w.I32Field(6, *e.converted_type);
    if (e.scale) w.I32Field(7, *e.scale);
    if (e.precision) w.I32Field(8, *e.precision);
    if (e.field_id) w.I32Field(9, *e.field_id);
    if (e.logical_type && e.logical_type->kind != LogicalType::Kind::kNone) {
      WriteLogicalType(w, 10, *e.logical_type);
    }
    w.StructEnd();
  }
  w.I64Field(3, m.num_rows);
  w.ListFieldBegin(4, ThriftType::kStruct, m.row_groups.size());
  for (const RowGroup& g : m.row_groups) {
    w.StructBegin();
    w.ListFieldBegin(1, ThriftType::kStruct, g.columns.size());
    for (const ColumnChunk& c : g.columns) {
      w.StructBegin();
      w.I64Field(2, c.file_offset);
      if (c.meta_data) WriteColumnMetaData(w, 3, *c.meta_data);
      w.StructEnd();
    }
    w.I64Field(2, g.total_byte_size);
    w.I64Field(3, g.num_rows);
    if (g.file_offset) w.I64Field(5, *g.file_offset);
    if (g.total_compressed_size) w.I64Field(6, *g.total_compressed_size);
    if (g.ordinal) {
      w.FieldBegin(ThriftType::kI16, 7);
      w.I32(*g.ordinal);
    }
    w.StructEnd();
  }
  if (!m.key_value_metadata.empty()) WriteKeyValues(w, 5, m.key_value_metadata);
  if (m.created_by) w.BinaryField(6, *m.created_by);
  if (m.num_type_defined_orders > 0) {
    w.ListFieldBegin(7, ThriftType::kStruct, static_cast<size_t>(m.num_type_defined_orders));
    for (int32_t i = 0; i < m.num_type_defined_orders; ++i) {
      w.StructBegin();        // ColumnOrder union
      w.StructFieldBegin(1);  // TYPE_ORDER: TypeDefinedOrder {}
      w.StructEnd();
      w.StructEnd();
    }
  }
  w.StructEnd();
}

Result<FileMetaData> ParseFileMetaData(std::string_view data) {
  ThriftCompactReader r(data);
  FileMetaData m;
  bool has_version = false, has_schema = false, has_num_rows = false, has_row_groups = false;
  ReadStruct(r, [&](ThriftType type, int16_t id) {
    switch (id) {
      case 1:
        if (!Expect(r, type, ThriftType::kI32, "FileMetaData.version")) return true;
        m.version = r.I32();
        has_version = true;
        return true;
      case 2: {
        if (!Expect(r, type, ThriftType::kList, "FileMetaData.schema")) return true;
        ThriftType element;
        size_t n = r.ListBegin(&element);
        for (size_t i = 0; i < n && r.ok(); ++i) m.schema.push_back(ReadSchemaElement(r));
        has_schema = true;
        return true;
      }
      case 3:
        if (!Expect(r, type, ThriftType::kI64, "FileMetaData.num_rows")) return true;
        m.num_rows = r.I64();
        has_num_rows = true;
        return true;
      case 4: {
        if (!Expect(r, type, ThriftType::kList, "FileMetaData.row_groups")) return true;
        ThriftType element;
        size_t n = r.ListBegin(&element);
        for (size_t i = 0; i < n && r.ok(); ++i) m.row_groups.push_back(ReadRowGroup(r));
        has_row_groups = true;
        return true;
      }
      case 5:
        if (!Expect(r, type, ThriftType::kList, "FileMetaData.key_value_metadata")) return true;
        m.key_value_metadata = ReadKeyValues(r);
        return true;
      case 6:
        if (!Expect(r, type, ThriftType::kBinary, "FileMetaData.created_by")) return true;
        m.created_by = std::string(r.Binary());
        return true;
      case 7: {
        if (!Expect(r, type, ThriftType::kList, "FileMetaData.column_orders")) return true;
        ThriftType element;
        size_t n = r.ListBegin(&element);
        for (size_t i = 0; i < n && r.ok(); ++i) r.Skip(element);
        m.num_type_defined_orders = static_cast<int32_t>(n);
        return true;
      }
      default:
        return false;
    }
  });
  FLOE_RETURN_IF_ERROR(Finish(r, "parquet footer"));
  if (!has_version || !has_schema || !has_num_rows || !has_row_groups) {
    return Corrupt("parquet footer: FileMetaData misses a required field");
  }
  return m;
}

void SerializePageHeader(const PageHeader& h, std::string* out) {
  ThriftCompactWriter w(out);
  w.StructBegin();
  w.I32Field(1, static_cast<int32_t>(h.type));
  w.I32Field(2, h.uncompressed_page_size);
  w.I32Field(3, h.compressed_page_size);
  if (h.data_page_header) {
    const DataPageHeader& d = *h.data_page_header;
    w.StructFieldBegin(5);
    w.I32Field(1, d.num_values);
    w.I32Field(2, static_cast<int32_t>(d.encoding));
    w.I32Field(3, static_cast<int32_t>(d.definition_level_encoding));
    w.I32Field(4, static_cast<int32_t>(d.repetition_level_encoding));
    w.StructEnd();
  }
  if (h.dictionary_page_header) {
    const DictionaryPageHeader& d = *h.dictionary_page_header;
    w.StructFieldBegin(7);
    w.I32Field(1, d.num_values);
    w.I32Field(2, static_cast<int32_t>(d.encoding));
    if (d.is_sorted) w.BoolField(3, *d.is_sorted);
    w.StructEnd();
  }
  if (h.data_page_header_v2) {
    const DataPageHeaderV2& d = *h.data_page_header_v2;
    w.StructFieldBegin(8);
    w.I32Field(1, d.num_values);
    w.I32Field(2, d.num_nulls);
    w.I32Field(3, d.num_rows);
    w.I32Field(4, static_cast<int32_t>(d.encoding));
    w.I32Field(5, d.definition_levels_byte_length);
    w.I32Field(6, d.repetition_levels_byte_length);
    w.BoolField(7, d.is_compressed);
    w.StructEnd();
  }
  w.StructEnd();
}

Result<PageHeader> ParsePageHeader(std::string_view data, size_t* consumed) {
  ThriftCompactReader r(data);
  PageHeader h;
  bool has_type = false, has_uncompressed = false, has_compressed = false;
  ReadStruct(r, [&](ThriftType type, int16_t id) {
    switch (id) {
      case 1:
      case 2:
      case 3: {
        if (!Expect(r, type, ThriftType::kI32, "PageHeader")) return true;
        int32_t v = r.I32();
        if (id == 1) {
          h.type = PageType{v};
          has_type = true;
        } else if (id == 2) {
          h.uncompressed_page_size = v;
          has_uncompressed = true;
        } else {
          h.compressed_page_size = v;
          has_compressed = true;
        }
        return true;
      }
      case 5: {
        if (!Expect(r, type, ThriftType::kStruct, "PageHeader.data_page_header")) return true;
        DataPageHeader d;
        ReadStruct(r, [&](ThriftType ft, int16_t fid) {
          if (fid < 1 || fid > 4 || ft != ThriftType::kI32) return false;
          int32_t v = r.I32();
          if (fid == 1) d.num_values = v;
          if (fid == 2) d.encoding = Encoding{v};
          if (fid == 3) d.definition_level_encoding = Encoding{v};
          if (fid == 4) d.repetition_level_encoding = Encoding{v};
          return true;
        });
        h.data_page_header = d;
        return true;
      }
      case 7: {
        if (!Expect(r, type, ThriftType::kStruct, "PageHeader.dictionary_page_header")) {
          return true;
        }
        DictionaryPageHeader d;
        ReadStruct(r, [&](ThriftType ft, int16_t fid) {
          if (fid == 3 && IsBool(ft)) {
            d.is_sorted = r.FieldBool(ft);
            return true;
          }
          if ((fid != 1 && fid != 2) || ft != ThriftType::kI32) return false;
          int32_t v = r.I32();
          if (fid == 1) d.num_values = v;
          if (fid == 2) d.encoding = Encoding{v};
          return true;
        });
        h.dictionary_page_header = d;
        return true;
      }
      case 8: {
        if (!Expect(r, type, ThriftType::kStruct, "PageHeader.data_page_header_v2")) return true;
        DataPageHeaderV2 d;
        ReadStruct(r, [&](ThriftType ft, int16_t fid) {
          if (fid == 7 && IsBool(ft)) {
            d.is_compressed = r.FieldBool(ft);
            return true;
          }
          if (fid < 1 || fid > 6 || ft != ThriftType::kI32) return false;
          int32_t v = r.I32();
          if (fid == 1) d.num_values = v;
          if (fid == 2) d.num_nulls = v;
          if (fid == 3) d.num_rows = v;
          if (fid == 4) d.encoding = Encoding{v};
          if (fid == 5) d.definition_levels_byte_length = v;
          if (fid == 6) d.repetition_levels_byte_length = v;
          return true;
        });
        h.data_page_header_v2 = d;
        return true;
      }
      default:
        return false;
    }
  });
  FLOE_RETURN_IF_ERROR(Finish(r, "parquet page header"));
  if (!has_type || !has_uncompressed || !has_compressed) {
    return Corrupt("parquet page header misses a required field");
  }
  if (h.uncompressed_page_size < 0 || h.compressed_page_size < 0) {
    return Corrupt("parquet page header has a negative page size");
  }
  *consumed = r.position();
  return h;
}

}  // namespace floe::parquet::thrift
