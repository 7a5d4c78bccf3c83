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
                                          std::optional<int> event_time_column) {
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
  FLOE_ASSIGN_OR_RAISE(std::vector<json::FieldSpec> fields,
                       JsonFieldsFor(iceberg::Schema(0, std::move(json_fields))));
  FLOE_ASSIGN_OR_RAISE(json::BatchDecoder decoder, json::BatchDecoder::Make(std::move(fields)));
  if (filter_columns) {
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
  return RecordDecoder(std::move(schema), std::move(decoder), std::move(json_columns),
                       std::move(envelope));
}

Status RecordDecoder::Decode(const SourceChunk& chunk, RecordBatch* batch) {
  decoded_.Clear();
  if (chunk.is_lines()) {
    FLOE_RETURN_IF_ERROR(decoder_.DecodeLines(chunk.lines, chunk.first_line, &decoded_));
  } else {
    for (size_t i = 0; i < chunk.payloads.size(); ++i) {
      FLOE_RETURN_IF_ERROR(decoder_.DecodeOne(chunk.payloads[i], chunk.offsets[i], &decoded_));
    }
  }
  batch->schema = schema_;
  batch->offsets = std::move(decoded_.positions);
  batch->columns.clear();
  batch->columns.reserve(schema_->fields().size());
  envelope_.Begin(chunk, batch->offsets);
  for (size_t c = 0; c < schema_->fields().size(); ++c) {
    if (envelope_.metadata(c) == MetadataColumn::kNone) {
      batch->columns.push_back(std::move(decoded_.columns[json_columns_[c]]));
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
    }
    batch->offsets.resize(selection.count);
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
