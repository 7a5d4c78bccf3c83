#include "stream/sink/column_selecting_sink.h"

namespace floe::stream {

Result<iceberg::Schema> SelectColumns(const iceberg::Schema& input,
                                      const std::vector<SelectedColumn>& columns) {
  std::vector<iceberg::NestedField> fields;
  int32_t id = 1;
  for (const SelectedColumn& column : columns) {
    const iceberg::NestedField* from = input.FindFieldByName(column.from);
    if (from == nullptr) {
      return InvalidArgument("column '{}' is not a column of the job's rows", column.from);
    }
    for (const iceberg::NestedField& earlier : fields) {
      if (earlier.name == column.name) {
        return InvalidArgument("column '{}' is selected twice", column.name);
      }
    }
    fields.push_back(iceberg::NestedField{id++, column.name, from->required, from->type, ""});
  }
  return iceberg::Schema(0, std::move(fields));
}

ColumnSelectingSink::ColumnSelectingSink(std::unique_ptr<Sink> inner,
                                         std::shared_ptr<const iceberg::Schema> output,
                                         std::vector<int> sources)
    : inner_(std::move(inner)), output_(std::move(output)), sources_(std::move(sources)) {}

Result<std::unique_ptr<ColumnSelectingSink>> ColumnSelectingSink::Make(
    std::unique_ptr<Sink> inner, const iceberg::Schema& input,
    const std::vector<SelectedColumn>& columns) {
  FLOE_ASSIGN_OR_RAISE(iceberg::Schema output, SelectColumns(input, columns));
  std::vector<int> sources;
  for (const SelectedColumn& column : columns) {
    sources.push_back(input.FieldIndexById(input.FindFieldByName(column.from)->id));
  }
  return std::unique_ptr<ColumnSelectingSink>(new ColumnSelectingSink(
      std::move(inner), std::make_shared<const iceberg::Schema>(std::move(output)),
      std::move(sources)));
}

Status ColumnSelectingSink::Write(const RecordBatch& batch, Selection selection) {
  selected_.schema = output_;
  selected_.position = batch.position;
  selected_.offsets = batch.offsets;
  selected_.change_ops = batch.change_ops;
  selected_.columns.clear();
  for (int source : sources_) selected_.columns.push_back(batch.columns[source]);
  return inner_->Write(selected_, selection);
}

}  // namespace floe::stream
