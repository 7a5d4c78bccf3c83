#include "stream/chunk_preparer.h"

#include <algorithm>

namespace floe::stream {

namespace {

/// The line `line` of `lines`, whose first line is `first_line` (rare: only for dead letters of
/// rows that decoded but then failed).
std::string_view LineAt(std::string_view lines, int64_t first_line, int64_t line) {
  size_t at = 0;
  for (int64_t i = first_line; i < line && at < lines.size(); ++i) {
    size_t newline = lines.find('\n', at);
    at = newline == std::string_view::npos ? lines.size() : newline + 1;
  }
  std::string_view rest = lines.substr(at);
  rest = rest.substr(0, rest.find('\n'));
  if (!rest.empty() && rest.back() == '\r') rest.remove_suffix(1);
  return rest;
}

}  // namespace

std::string_view RawRecord(const SourceChunk& chunk, int64_t offset) {
  if (chunk.is_lines()) return LineAt(chunk.lines, chunk.first_line, offset);
  auto found = std::lower_bound(chunk.offsets.begin(), chunk.offsets.end(), offset);
  if (found == chunk.offsets.end() || *found != offset) return {};
  return chunk.payloads[found - chunk.offsets.begin()];
}

DeadLetterSource DeadLetterSourceOf(const SourceChunk& chunk, int64_t offset) {
  DeadLetterSource source;
  source.offset = offset;
  if (chunk.is_lines()) {
    source.file = chunk.partition.topic;
    source.line = offset;
  } else {
    source.topic = chunk.partition.topic;
    source.partition = chunk.partition.partition;
  }
  return source;
}

void ChunkPreparer::AddDeadLetter(const SourceChunk& chunk, DeadLetterType type,
                                  std::string_view message, std::string_view raw, int64_t offset,
                                  PreparedChunk* out) {
  if (!out->dead_letters) out->dead_letters.emplace(out->batch.position);
  out->dead_letters->Add(type, message, raw, DeadLetterSourceOf(chunk, offset));
  out->notes.push_back({type, std::string(message), offset});
}

Status ChunkPreparer::Prepare(const SourceChunk& chunk, const std::string& source,
                              PreparedChunk* out) {
  if (!out->batch.columns.empty()) decoder_.Recycle(out->batch);
  out->status = Status::Ok();
  out->dead_letters.reset();
  out->notes.clear();
  out->rows.all = true;
  out->rows.rows.clear();
  out->filtered = 0;
  RecordBatch& batch = out->batch;
  FLOE_RETURN_IF_ERROR(decoder_.Decode(chunk, &batch));
  // Lineage: the batch's partition travels as (topic, partition) in its position.
  batch.position = SourcePosition{source, chunk.partition.topic, chunk.partition.partition};
  const int64_t bad =
      static_cast<int64_t>(decoder_.errors().size() + decoder_.invalid_changes().size());
  out->records = static_cast<int64_t>(batch.offsets.size()) + bad;
  out->tombstones = decoder_.tombstones();
  for (const json::RecordError& error : decoder_.errors()) {
    const DeadLetterType type = error.type == json::RecordErrorType::kDeserialization
                                    ? DeadLetterType::kDeserialization
                                    : DeadLetterType::kValidation;
    AddDeadLetter(chunk, type, error.message, error.raw, error.position, out);
  }
  for (const InvalidChange& invalid : decoder_.invalid_changes()) {
    if (!out->dead_letters) out->dead_letters.emplace(batch.position);
    out->dead_letters->Add(DeadLetterType::kInvalidChange, invalid.message, invalid.raw,
                           DeadLetterSourceOf(chunk, invalid.position));
  }
  if (event_time_column_) out->event_times = batch.columns[*event_time_column_];

  failed_.clear();
  if (transforms_ && !transforms_->empty()) {
    out->status = transforms_->Apply(&batch, &out->rows, eval_, &failed_, &out->filtered);
  }
  for (const RowError& error : failed_) {
    const int64_t offset = batch.offsets[error.row];
    AddDeadLetter(chunk, DeadLetterType::kTransformation, error.message, RawRecord(chunk, offset),
                  offset, out);
  }
  out->dead_lettered = bad + static_cast<int64_t>(failed_.size());
  out->selection = out->status.ok()
                       ? decoder_.Materialize(&batch, out->rows.selection(batch.num_rows()))
                       : Selection{};
  out->encoded.resize(encoders_.size());
  out->ready.assign(encoders_.size(), 0);
  if (out->selection.count == 0) return Status::Ok();
  columns_.clear();
  for (const ColumnVector& column : batch.columns) columns_.push_back(&column);
  for (size_t i = 0; i < encoders_.size(); ++i) {
    if (encoders_[i] == nullptr) continue;
    out->encoded[i].clear();
    out->ready[i] = encoders_[i]->EncodeLines(columns_, out->selection, &out->encoded[i]).ok();
  }
  return Status::Ok();
}

}  // namespace floe::stream
