#include "stream/source/record_decoder.h"

#include <algorithm>

#include "stream/json_fields.h"

namespace floe::stream {

RecordDecoder::RecordDecoder(std::shared_ptr<const iceberg::Schema> schema,
                             json::BatchDecoder decoder, std::vector<int> json_columns,
                             EnvelopeColumns envelope)
    : schema_(std::move(schema)),
      decoder_(std::move(decoder)),
      json_columns_(std::move(json_columns)),
      envelope_(std::move(envelope)) {
  decoded_ = decoder_.NewBatch();
}

Result<RecordDecoder> RecordDecoder::Make(std::shared_ptr<const iceberg::Schema> schema,
                                          std::vector<MetadataColumn> metadata,
                                          std::vector<std::string> header_names,
                                          const std::optional<std::vector<int>>& filter_columns,
                                          std::optional<int> event_time_column,
                                          const ChangeStreamOptions& changes) {
  FLOE_ASSIGN_OR_RAISE(EnvelopeColumns envelope,
                       EnvelopeColumns::Make(*schema, metadata, std::move(header_names)));
  std::vector<iceberg::NestedField> json_fields;
  std::vector<int> json_columns;
  for (size_t i = 0; i < schema->fields().size(); ++i) {
    if (metadata[i] != MetadataColumn::kNone) {
      json_columns.push_back(-1);
      continue;
    }
    json_columns.push_back(static_cast<int>(json_fields.size()));
    json_fields.push_back(schema->fields()[i]);
  }
  if (json_fields.empty()) return InvalidArgument("the source decodes no column from the records");
  const iceberg::Schema json_schema(0, std::move(json_fields));
  std::optional<DebeziumDecoder> change_decoder;
  if (changes.enabled) {
    FLOE_ASSIGN_OR_RAISE(change_decoder, DebeziumDecoder::Make(json_schema, changes.key_columns));
  }
  FLOE_ASSIGN_OR_RAISE(std::vector<json::FieldSpec> fields, JsonFieldsFor(json_schema));
  FLOE_ASSIGN_OR_RAISE(json::BatchDecoder decoder, json::BatchDecoder::Make(std::move(fields)));
  // The change decoder hands the JSON decoder transient images: nothing may be deferred.
  if (filter_columns && !change_decoder) {
    std::vector<int> deferred;
    for (size_t c = 0; c < json_columns.size(); ++c) {
      const int field = json_columns[c];
      if (field < 0 || decoder.fields()[field].kind != json::ValueKind::kString ||
          std::binary_search(filter_columns->begin(), filter_columns->end(), static_cast<int>(c)) ||
          event_time_column == static_cast<int>(c)) {
        continue;
      }
      deferred.push_back(field);
    }
    FLOE_RETURN_IF_ERROR(decoder.Defer(deferred));
  }
  RecordDecoder record_decoder(std::move(schema), std::move(decoder), std::move(json_columns),
                               std::move(envelope));
  record_decoder.change_decoder_ = std::move(change_decoder);
  return record_decoder;
}

Status RecordDecoder::DecodeRecords(const SourceChunk& chunk) {
  decoded_.Clear();
  changes_.Clear();
  if (change_decoder_) {
    if (chunk.is_lines()) {
      return change_decoder_->DecodeLines(chunk.lines, chunk.first_line, &decoded_, &changes_);
    }
    for (size_t i = 0; i < chunk.payloads.size(); ++i) {
      FLOE_RETURN_IF_ERROR(
          change_decoder_->DecodeOne(chunk.payloads[i], chunk.offsets[i], &decoded_, &changes_));
    }
    return Status::Ok();
  }
  if (chunk.is_lines()) return decoder_.DecodeLines(chunk.lines, chunk.first_line, &decoded_);
  return decoder_.DecodeMany(chunk.payloads, chunk.offsets, &decoded_);
}

ColumnVector RecordDecoder::ChangeColumn(MetadataColumn metadata) const {
  ColumnVector column(metadata == MetadataColumn::kCdcOp ? ColumnKind::kBytes : ColumnKind::kInt64);
  for (size_t r = 0; r < changes_.ops.size(); ++r) {
    if (metadata == MetadataColumn::kCdcOp) {
      column.AppendBytes(ChangeOpCode(changes_.ops[r]));
    } else if (changes_.ts_micros[r]) {
      column.Append<int64_t>(*changes_.ts_micros[r]);
    } else {
      column.AppendNull();
    }
  }
  return column;
}

Status RecordDecoder::Decode(const SourceChunk& chunk, RecordBatch* batch) {
  FLOE_RETURN_IF_ERROR(DecodeRecords(chunk));
  batch->schema = schema_;
  batch->change_ops = changes_.ops;
  batch->offsets = std::move(decoded_.positions);
  batch->columns.clear();
  batch->columns.reserve(schema_->fields().size());
  envelope_.Begin(chunk, batch->offsets);
  for (size_t c = 0; c < schema_->fields().size(); ++c) {
    const MetadataColumn metadata = envelope_.metadata(c);
    if (metadata == MetadataColumn::kNone) {
      batch->columns.push_back(std::move(decoded_.columns[json_columns_[c]]));
    } else if (metadata == MetadataColumn::kCdcOp || metadata == MetadataColumn::kCdcTs) {
      batch->columns.push_back(ChangeColumn(metadata));
    } else {
      batch->columns.push_back(envelope_.Column(c, chunk, batch->offsets));
    }
  }
  return Status::Ok();
}

Selection RecordDecoder::Materialize(RecordBatch* batch, Selection selection) {
  const size_t rows = batch->num_rows();
  const bool deferring = std::find(decoded_.is_deferred.begin(), decoded_.is_deferred.end(),
                                   true) != decoded_.is_deferred.end();
  // Late materialisation pays when the filter drops most rows; when it keeps most, the next
  // batch copies each value straight away instead of once more afterwards.
  decoded_.defer = selection.count * 2 < rows;
  if (!deferring || selection.count == 0) return selection;
  if (selection.count != rows) {  // the rows of a selection are increasing
    // No column keeps rows nobody reads.
    for (size_t c = 0; c < batch->columns.size(); ++c) {
      const int field = json_columns_[c];
      if (field < 0 || !decoded_.is_deferred[field]) {
        batch->columns[c].KeepRows(selection.indices, selection.count);
      }
    }
    for (size_t i = 0; i < selection.count; ++i) {
      batch->offsets[i] = batch->offsets[selection.indices[i]];
      if (!batch->change_ops.empty()) {
        batch->change_ops[i] = batch->change_ops[selection.indices[i]];
      }
    }
    batch->offsets.resize(selection.count);
    if (!batch->change_ops.empty()) batch->change_ops.resize(selection.count);
  }
  for (size_t c = 0; c < batch->columns.size(); ++c) {
    const int field = json_columns_[c];
    if (field >= 0 && decoded_.is_deferred[field]) {
      decoded_.MaterializeDeferred(field, selection, &batch->columns[c]);
    }
  }
  return Selection::All(selection.count);
}

void RecordDecoder::Recycle(RecordBatch& batch) {
  if (batch.schema != schema_) {
    decoded_ = decoder_.NewBatch();
    return;
  }
  for (size_t c = 0; c < json_columns_.size(); ++c) {
    if (json_columns_[c] >= 0) decoded_.columns[json_columns_[c]] = std::move(batch.columns[c]);
  }
  decoded_.positions = std::move(batch.offsets);
}

}  // namespace floe::stream
