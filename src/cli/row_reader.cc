#include "cli/row_reader.h"

#include "stream/json_fields.h"

namespace floe::cli {

RowReader::RowReader(std::unique_ptr<stream::LineChunkReader> lines, json::BatchDecoder decoder)
    : lines_(std::move(lines)), decoder_(std::move(decoder)), batch_(decoder_.NewBatch()) {}

Result<std::unique_ptr<RowReader>> RowReader::Open(const std::string& path,
                                                   const iceberg::Schema& schema) {
  FLOE_ASSIGN_OR_RAISE(std::vector<json::FieldSpec> fields, stream::JsonFieldsFor(schema));
  FLOE_ASSIGN_OR_RAISE(json::BatchDecoder decoder, json::BatchDecoder::Make(std::move(fields)));
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<stream::LineChunkReader> lines,
                       stream::LineChunkReader::Open(path));
  return std::unique_ptr<RowReader>(new RowReader(std::move(lines), std::move(decoder)));
}

Result<const json::DecodedBatch*> RowReader::Next() {
  while (true) {
    batch_.Clear();
    FLOE_ASSIGN_OR_RAISE(std::optional<stream::LineChunkReader::Chunk> chunk, lines_->Next());
    if (!chunk) return nullptr;
    FLOE_RETURN_IF_ERROR(decoder_.DecodeLines(chunk->lines, chunk->first_line, &batch_));
    if (!batch_.errors.empty()) {
      const json::RecordError& error = batch_.errors.front();
      return InvalidArgument("{}:{}: {} ({})", lines_->path(), error.position, error.message,
                             json::RecordErrorTypeName(error.type));
    }
    if (batch_.num_rows() > 0) return &batch_;
  }
}

}  // namespace floe::cli
