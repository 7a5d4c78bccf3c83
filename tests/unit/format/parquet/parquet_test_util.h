#pragma once

// Helpers shared by the Parquet tests: building columns, writing a file into memory, walking the
// pages of a chunk.

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/column_vector.h"
#include "format/parquet/file_reader.h"
#include "format/parquet/file_writer.h"
#include "format/parquet/thrift_metadata.h"
#include "io/file_io.h"

namespace floe::parquet::testing {

inline ColumnDescriptor Column(std::string name, PhysicalType type,
                               Repetition repetition = Repetition::kOptional,
                               LogicalType logical = LogicalType::None(), int32_t type_length = 0,
                               std::optional<int32_t> field_id = std::nullopt) {
  ColumnDescriptor c;
  c.name = std::move(name);
  c.physical_type = type;
  c.repetition = repetition;
  c.logical_type = logical;
  c.type_length = type_length;
  c.field_id = field_id;
  return c;
}

template <typename T>
ColumnVector Numbers(ColumnKind kind, const std::vector<std::optional<T>>& values) {
  ColumnVector v(kind);
  for (const auto& x : values) {
    if (x) {
      v.Append<T>(*x);
    } else {
      v.AppendNull();
    }
  }
  return v;
}

inline ColumnVector Strings(const std::vector<std::optional<std::string>>& values,
                            ColumnKind kind = ColumnKind::kBytes, int32_t width = 0) {
  ColumnVector v(kind, width);
  for (const auto& x : values) {
    if (x) {
      v.AppendBytes(*x);
    } else {
      v.AppendNull();
    }
  }
  return v;
}

/// Writes `batches` (each one vector per column) with Selection::All and returns the file.
inline Result<std::string> WriteToString(
    const Schema& schema, const WriterProperties& props,
    const std::vector<std::vector<const ColumnVector*>>& batches, FileSummary* summary = nullptr) {
  auto stream = std::make_unique<io::StringOutputStream>();
  io::StringOutputStream* raw = stream.get();
  FLOE_ASSIGN_OR_RAISE(auto writer, FileWriter::Make(std::move(stream), schema, props));
  for (const auto& batch : batches) {
    size_t rows = batch.empty() ? 0 : batch[0]->size();
    FLOE_RETURN_IF_ERROR(writer->WriteBatch(batch, Selection::All(rows)));
  }
  FLOE_RETURN_IF_ERROR(writer->Close());
  if (summary) *summary = writer->summary();
  EXPECT_EQ(writer->summary().file_size_bytes, static_cast<int64_t>(raw->buffer().size()));
  return raw->buffer();
}

/// The pages of one column chunk, walked from its first page header.
struct PageCounts {
  int dictionary = 0;
  int data_v1 = 0;
  std::vector<thrift::Encoding> data_encodings;
};

inline PageCounts CountPages(const std::string& file, const thrift::ColumnMetaData& meta) {
  PageCounts counts;
  int64_t start = meta.dictionary_page_offset.value_or(meta.data_page_offset);
  std::string_view chunk = std::string_view(file).substr(start, meta.total_compressed_size);
  size_t pos = 0;
  while (pos < chunk.size()) {
    size_t consumed = 0;
    auto header = thrift::ParsePageHeader(chunk.substr(pos), &consumed);
    if (!header.ok()) {
      ADD_FAILURE() << header.status().ToString();
      return counts;
    }
    pos += consumed + static_cast<size_t>(header->compressed_page_size);
    if (header->type == thrift::PageType::kDictionaryPage) ++counts.dictionary;
    if (header->type == thrift::PageType::kDataPage) {
      ++counts.data_v1;
      counts.data_encodings.push_back(header->data_page_header->encoding);
    }
  }
  EXPECT_EQ(pos, chunk.size());
  return counts;
}

/// The value of `row` of a vector as text, "null" for nulls: compares vectors of any kind.
inline std::string Cell(const ColumnVector& v, size_t row) {
  if (v.IsNull(row)) return "null";
  switch (v.kind()) {
    case ColumnKind::kBool:
      return v.Value<uint8_t>(row) ? "true" : "false";
    case ColumnKind::kInt32:
      return std::to_string(v.Value<int32_t>(row));
    case ColumnKind::kInt64:
      return std::to_string(v.Value<int64_t>(row));
    case ColumnKind::kFloat: {
      float f = v.Value<float>(row);
      uint32_t bits;
      std::memcpy(&bits, &f, sizeof(bits));
      return std::to_string(bits);  // bit-exact: NaN and -0.0 survive
    }
    case ColumnKind::kDouble: {
      double d = v.Value<double>(row);
      uint64_t bits;
      std::memcpy(&bits, &d, sizeof(bits));
      return std::to_string(bits);
    }
    case ColumnKind::kBytes:
    case ColumnKind::kFixed:
      return "'" + std::string(v.GetBytes(row)) + "'";
  }
  return "?";
}

inline std::vector<std::string> Cells(const ColumnVector& v) {
  std::vector<std::string> out;
  for (size_t i = 0; i < v.size(); ++i) out.push_back(Cell(v, i));
  return out;
}

/// Every row of every row group, column by column.
inline std::vector<std::vector<std::string>> ReadAll(const std::string& file) {
  auto reader = FileReader::OpenBuffer(file);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  if (!reader.ok()) return {};
  std::vector<std::vector<std::string>> out((*reader)->schema().columns.size());
  for (int g = 0; g < (*reader)->num_row_groups(); ++g) {
    auto columns = (*reader)->ReadRowGroup(g);
    EXPECT_TRUE(columns.ok()) << columns.status().ToString();
    if (!columns.ok()) return {};
    for (size_t c = 0; c < columns->size(); ++c) {
      EXPECT_EQ((*columns)[c].size(), static_cast<size_t>((*reader)->row_group_num_rows(g)));
      auto cells = Cells((*columns)[c]);
      out[c].insert(out[c].end(), cells.begin(), cells.end());
    }
  }
  return out;
}

}  // namespace floe::parquet::testing
