#include "stream/source/table_reader.h"

#include <set>

#include "iceberg/scan_task_reader.h"
#include "stream/expr/scan_terms.h"
#include "stream/record_batch.h"

namespace floe::stream {

namespace {

std::string ColumnNames(const iceberg::Schema& schema) {
  std::string names;
  for (const iceberg::NestedField& field : schema.fields()) {
    if (!names.empty()) names += ", ";
    names += field.name;
  }
  return names;
}

/// The output fields: the named columns in the order given, or every top-level field.
Result<std::vector<int>> OutputIndexes(const iceberg::Schema& schema,
                                       const std::vector<std::string>& columns) {
  std::vector<int> out;
  if (columns.empty()) {
    for (size_t i = 0; i < schema.fields().size(); ++i) out.push_back(static_cast<int>(i));
    return out;
  }
  for (const std::string& name : columns) {
    const iceberg::NestedField* field = schema.FindFieldByName(name);
    if (field == nullptr) {
      return InvalidArgument("--columns: unknown column '{}' (the table has: {})", name,
                             ColumnNames(schema));
    }
    out.push_back(schema.FieldIndexById(field->id));
  }
  return out;
}

}  // namespace

TableReader::TableReader(PrivateToken, std::shared_ptr<io::FileIO> io, iceberg::TableScan scan)
    : io_(std::move(io)), scan_(std::move(scan)) {}

Result<std::unique_ptr<TableReader>> TableReader::Open(std::shared_ptr<io::FileIO> io,
                                                       const iceberg::TableMetadata& metadata,
                                                       const TableReadOptions& options) {
  if (options.limit && *options.limit < 0) {
    return InvalidArgument("--limit: {} is negative", *options.limit);
  }
  // The snapshot decides the schema the filter and the columns are checked against.
  iceberg::ScanOptions scan_options;
  scan_options.snapshot_id = options.snapshot_id;
  scan_options.as_of_ms = options.as_of_ms;
  FLOE_ASSIGN_OR_RAISE(std::optional<iceberg::Snapshot> snapshot,
                       iceberg::ChooseSnapshot(metadata, scan_options));
  FLOE_ASSIGN_OR_RAISE(const iceberg::Schema full,
                       iceberg::SchemaForSnapshot(metadata, snapshot ? &*snapshot : nullptr));

  std::unique_ptr<BoundExpression> full_filter;
  if (!options.where.empty()) {
    auto bound = BoundExpression::Bind(options.where, full);
    if (!bound.ok()) return bound.status().WithContext("--where");
    if ((*bound)->type().id() != iceberg::TypeId::kBoolean) {
      return InvalidArgument("--where: '{}' is a {}, not a condition", options.where,
                             (*bound)->type().ToString());
    }
    full_filter = std::move(bound).value();
    scan_options.predicate = ScanTermsOf(*full_filter, full);
  }
  FLOE_ASSIGN_OR_RAISE(std::vector<int> output, OutputIndexes(full, options.columns));
  FLOE_ASSIGN_OR_RAISE(iceberg::TableScan scan,
                       iceberg::TableScan::Plan(*io, metadata, scan_options));

  // Read what is shown, what the filter reads and what equality deletes compare.
  std::set<int> needed(output.begin(), output.end());
  if (full_filter)
    needed.insert(full_filter->column_indexes().begin(), full_filter->column_indexes().end());
  for (int32_t id : scan.EqualityFieldIds()) {
    const int index = full.FieldIndexById(id);
    if (index >= 0) needed.insert(index);
  }
  std::vector<iceberg::NestedField> read_fields;
  std::vector<int> position_in_read(full.fields().size(), -1);
  for (int index : needed) {
    position_in_read[static_cast<size_t>(index)] = static_cast<int>(read_fields.size());
    read_fields.push_back(full.fields()[static_cast<size_t>(index)]);
  }
  auto reader = std::make_unique<TableReader>(PrivateToken(), std::move(io), std::move(scan));
  reader->read_schema_ =
      std::make_shared<const iceberg::Schema>(full.schema_id(), std::move(read_fields));
  if (full_filter) {
    FLOE_ASSIGN_OR_RAISE(reader->filter_,
                         BoundExpression::Bind(options.where, *reader->read_schema_));
  }
  std::vector<iceberg::NestedField> output_fields;
  for (int index : output) {
    output_fields.push_back(full.fields()[static_cast<size_t>(index)]);
    reader->output_indexes_.push_back(position_in_read[static_cast<size_t>(index)]);
  }
  reader->output_schema_ = iceberg::Schema(full.schema_id(), std::move(output_fields));
  reader->limit_ = options.limit;
  return reader;
}

Status TableReader::Read(const RowsConsumer& consume) {
  int64_t remaining = limit_.value_or(INT64_MAX);
  if (remaining == 0) return Status::Ok();
  iceberg::ScanTaskReader tasks(io_, scan_, *read_schema_);
  EvalContext context;
  std::vector<uint32_t> rows;
  for (const iceberg::FileScanTask& task : scan_.tasks()) {
    FLOE_ASSIGN_OR_RAISE(
        bool more, tasks.Read(task, [&](std::vector<ColumnVector> columns) -> Result<bool> {
          RecordBatch batch;
          batch.schema = read_schema_;
          batch.columns = std::move(columns);
          const size_t count = batch.columns.empty() ? 0 : batch.columns.front().size();
          batch.offsets.resize(count);
          Selection selection = Selection::All(count);
          if (filter_) {
            FLOE_RETURN_IF_ERROR(filter_->Filter(batch, selection, context, &rows));
            selection = Selection{rows.data(), rows.size()};
          }
          if (static_cast<int64_t>(selection.count) > remaining) {
            selection.count = static_cast<size_t>(remaining);
          }
          std::vector<const ColumnVector*> out;
          out.reserve(output_indexes_.size());
          for (int index : output_indexes_) {
            out.push_back(&batch.columns[static_cast<size_t>(index)]);
          }
          if (selection.count > 0) FLOE_RETURN_IF_ERROR(consume(out, selection));
          remaining -= static_cast<int64_t>(selection.count);
          return remaining > 0;
        }));
    if (!more) break;
  }
  return Status::Ok();
}

}  // namespace floe::stream
