#pragma once

// Batches and shortcuts for the expression tests.

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "iceberg/data_file_writer.h"
#include "stream/expr/expression.h"

namespace floe::stream::testing {

/// One cell of a test row: null, boolean, any integer-like value (int, long, date days,
/// timestamp micros, decimal unscaled), floating point, or bytes.
using Cell = std::variant<std::monostate, bool, int64_t, double, std::string>;

inline std::shared_ptr<iceberg::Schema> TestSchema() {
  using iceberg::Type;
  using iceberg::TypeId;
  std::vector<iceberg::NestedField> fields = {
      {1, "account_id", false, Type::Primitive(TypeId::kString), ""},
      {2, "message_body", false, Type::Primitive(TypeId::kString), ""},
      {3, "n", false, Type::Primitive(TypeId::kInt), ""},
      {4, "big", false, Type::Primitive(TypeId::kLong), ""},
      {5, "price", false, Type::Decimal(9, 2), ""},
      {6, "timestamp", false, Type::Primitive(TypeId::kTimestampTz), ""},
      {7, "day", false, Type::Primitive(TypeId::kDate), ""},
      {8, "x", false, Type::Primitive(TypeId::kDouble), ""},
      {9, "flag", false, Type::Primitive(TypeId::kBoolean), ""},
      {10, "odd name", false, Type::Primitive(TypeId::kString), ""},
      {11, "local_ts", false, Type::Primitive(TypeId::kTimestamp), ""},
      {12, "other", false, Type::Primitive(TypeId::kBoolean), ""},
      {13, "id", false, Type::Primitive(TypeId::kUuid), ""},
  };
  return std::make_shared<iceberg::Schema>(0, std::move(fields));
}

/// A batch of `schema` from rows of cells (missing trailing cells are null).
inline RecordBatch MakeBatch(std::shared_ptr<iceberg::Schema> schema,
                             const std::vector<std::vector<Cell>>& rows) {
  RecordBatch batch;
  batch.schema = schema;
  for (const auto& field : schema->fields()) {
    int32_t width = 0;
    auto kind = iceberg::ColumnKindFor(*field.type, &width);
    EXPECT_TRUE(kind.ok());
    batch.columns.emplace_back(*kind, width);
  }
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t c = 0; c < batch.columns.size(); ++c) {
      ColumnVector& column = batch.columns[c];
      const Cell cell = c < rows[r].size() ? rows[r][c] : Cell{};
      if (std::holds_alternative<std::monostate>(cell)) {
        column.AppendNull();
        continue;
      }
      switch (column.kind()) {
        case ColumnKind::kBool:
          column.Append<uint8_t>(std::get<bool>(cell) ? 1 : 0);
          break;
        case ColumnKind::kInt32:
          column.Append<int32_t>(static_cast<int32_t>(std::get<int64_t>(cell)));
          break;
        case ColumnKind::kInt64:
          column.Append<int64_t>(std::get<int64_t>(cell));
          break;
        case ColumnKind::kFloat:
          column.Append<float>(static_cast<float>(std::get<double>(cell)));
          break;
        case ColumnKind::kDouble:
          column.Append<double>(std::get<double>(cell));
          break;
        case ColumnKind::kBytes:
        case ColumnKind::kFixed:
          column.AppendBytes(std::get<std::string>(cell));
          break;
      }
    }
    batch.offsets.push_back(static_cast<int64_t>(r));
  }
  return batch;
}

/// Rows with every column null but one: handy for single-column tests.
inline std::vector<std::vector<Cell>> Column(size_t index, const std::vector<Cell>& values) {
  std::vector<std::vector<Cell>> rows;
  for (const Cell& value : values) {
    std::vector<Cell> row(index + 1);
    row[index] = value;
    rows.push_back(std::move(row));
  }
  return rows;
}

inline std::unique_ptr<BoundExpression> MustBind(std::string_view text) {
  auto bound = BoundExpression::Bind(text, *TestSchema());
  EXPECT_TRUE(bound.ok()) << text << ": " << bound.status().ToString();
  return bound.ok() ? std::move(*bound) : nullptr;
}

/// The bind error message of `text` ("" when it binds).
inline std::string BindError(std::string_view text) {
  auto bound = BoundExpression::Bind(text, *TestSchema());
  if (bound.ok()) return "";
  EXPECT_EQ(bound.status().kind(), ErrorKind::kInvalidArgument);
  return bound.status().message();
}

inline ColumnVector EvalColumn(std::string_view text, const RecordBatch& batch,
                               EvalContext* ctx = nullptr) {
  EvalContext local;
  EvalContext& use = ctx != nullptr ? *ctx : local;
  ColumnVector out(ColumnKind::kBool);
  auto bound = MustBind(text);
  if (!bound) return out;
  Status status = bound->Evaluate(batch, Selection::All(BatchRowCount(batch)), use, &out);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return out;
}

/// Boolean results, nullopt for NULL.
inline std::vector<std::optional<bool>> EvalBools(std::string_view text, const RecordBatch& batch) {
  ColumnVector column = EvalColumn(text, batch);
  std::vector<std::optional<bool>> out;
  for (size_t r = 0; r < column.size(); ++r) {
    if (column.IsNull(r)) {
      out.push_back(std::nullopt);
    } else {
      out.push_back(column.Value<uint8_t>(r) != 0);
    }
  }
  return out;
}

/// The value of a one-row evaluation as text ("NULL" for null), for compact assertions.
inline std::string EvalOne(std::string_view text, const RecordBatch& batch, size_t row = 0) {
  ColumnVector column = EvalColumn(text, batch);
  if (column.size() <= row) return "<no rows>";
  if (column.IsNull(row)) return "NULL";
  switch (column.kind()) {
    case ColumnKind::kBool:
      return column.Value<uint8_t>(row) ? "true" : "false";
    case ColumnKind::kInt32:
      return std::to_string(column.Value<int32_t>(row));
    case ColumnKind::kInt64:
      return std::to_string(column.Value<int64_t>(row));
    case ColumnKind::kFloat:
      return fmt::format("{}", column.Value<float>(row));
    case ColumnKind::kDouble:
      return fmt::format("{}", column.Value<double>(row));
    case ColumnKind::kBytes:
    case ColumnKind::kFixed:
      return std::string(column.GetBytes(row));
  }
  return "?";
}

inline std::vector<uint32_t> FilterRows(std::string_view text, const RecordBatch& batch,
                                        Selection selection, EvalContext* ctx = nullptr) {
  EvalContext local;
  std::vector<uint32_t> rows;
  auto bound = MustBind(text);
  if (!bound) return rows;
  Status status = Filter(*bound, batch, selection, ctx != nullptr ? *ctx : local, &rows);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return rows;
}

inline std::vector<uint32_t> FilterRows(std::string_view text, const RecordBatch& batch) {
  return FilterRows(text, batch, Selection::All(BatchRowCount(batch)));
}

}  // namespace floe::stream::testing
