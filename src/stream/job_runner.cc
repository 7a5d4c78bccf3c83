#include "stream/job_runner.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <limits>
#include <map>
#include <thread>

#include "common/fault.h"
#include "format/json/row_encoder.h"
#include "iceberg/data_file_writer.h"
#include "stream/json_fields.h"
#include "stream/offsets_json.h"

namespace floe::stream {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::seconds kJoinGrace{30};
/// The longest pause before a failed final checkpoint is tried again.
constexpr std::chrono::milliseconds kFinalRetryPause{2000};

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

DeadLetterSource SourceOf(const SourceChunk& chunk, int64_t offset) {
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

/// Fills the deferred columns of `batch` (late materialisation: only the filters' columns were
/// decoded into it) for the rows of `selection`, and returns the selection that now applies.
/// When some rows were dropped the batch keeps the selected ones only, so that no column holds
/// rows nobody reads.
Selection MaterializeSelected(const json::DecodedBatch& decoded,
                              const std::vector<int>& json_columns, RecordBatch* batch,
                              Selection selection) {
  const size_t rows = batch->num_rows();
  const bool all = selection.count == rows;  // the rows of a selection are increasing
  if (!all) {
    for (size_t c = 0; c < batch->columns.size(); ++c) {
      const int field = json_columns[c];
      if (field < 0 || !decoded.is_deferred[field]) {
        batch->columns[c].KeepRows(selection.indices, selection.count);
      }
    }
    for (size_t i = 0; i < selection.count; ++i) {
      batch->offsets[i] = batch->offsets[selection.indices[i]];
    }
    batch->offsets.resize(selection.count);
  }
  for (size_t c = 0; c < batch->columns.size(); ++c) {
    const int field = json_columns[c];
    if (field >= 0 && decoded.is_deferred[field]) {
      decoded.MaterializeDeferred(field, selection, &batch->columns[c]);
    }
  }
  return Selection::All(selection.count);
}

/// Appends `bytes` as UTF-8: each byte that does not start a well-formed sequence becomes
/// U+FFFD (header values are bytes; string columns hold UTF-8).
void AppendUtf8Lossy(std::string_view bytes, std::string* out) {
  size_t i = 0;
  while (i < bytes.size()) {
    const auto lead = static_cast<unsigned char>(bytes[i]);
    size_t length = 0;
    uint32_t low = 0x80, high = 0xBF;  // the second byte's range (tighter for some leads)
    if (lead < 0x80) {
      length = 1;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;   // no overlong forms
      if (lead == 0xED) high = 0x9F;  // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;  // nothing above U+10FFFF
    }
    bool valid = length > 0 && i + length <= bytes.size();
    for (size_t k = 1; valid && k < length; ++k) {
      const auto next = static_cast<unsigned char>(bytes[i + k]);
      valid = k == 1 ? next >= low && next <= high : next >= 0x80 && next <= 0xBF;
    }
    if (valid) {
      out->append(bytes.data() + i, length);
      i += length;
    } else {
      out->append("\xEF\xBF\xBD");
      ++i;
    }
  }
}

/// Every header as a JSON object into `out` (false: the record has none, or is a line).
bool HeadersAsJson(const SourceChunk::Headers* headers, std::string* out) {
  if (headers == nullptr || headers->empty()) return false;
  // A repeated name keeps its last value, as a JSON object can hold a name once.
  std::map<std::string_view, std::string_view> last;
  for (const auto& [name, value] : *headers) last[name] = value;
  out->assign("{");
  std::string scratch;
  for (const auto& [name, value] : last) {
    if (out->size() > 1) out->push_back(',');
    scratch.clear();
    AppendUtf8Lossy(name, &scratch);
    json::AppendJsonString(scratch, out);
    out->push_back(':');
    if (value.data() == nullptr) {
      out->append("null");
      continue;
    }
    scratch.clear();
    AppendUtf8Lossy(value, &scratch);
    json::AppendJsonString(scratch, out);
  }
  out->push_back('}');
  return true;
}

/// The value of the last header called `name` into `out` (false: none, or one without a value).
bool HeaderValue(const SourceChunk::Headers* headers, const std::string& name, std::string* out) {
  if (headers == nullptr) return false;
  for (auto it = headers->rbegin(); it != headers->rend(); ++it) {
    if (it->first != name) continue;
    if (it->second.data() == nullptr) return false;
    out->clear();
    AppendUtf8Lossy(it->second, out);
    return true;
  }
  return false;
}

}  // namespace

JobRunner::JobRunner(JobRunnerOptions options, std::vector<SinkSlot> sinks,
                     std::optional<SinkSlot> dead_letter, JobCounters* counters,
                     json::BatchDecoder decoder)
    : options_(std::move(options)),
      sinks_(std::move(sinks)),
      dead_letter_(std::move(dead_letter)),
      counters_(counters),
      decoder_(std::move(decoder)),
      watermarks_(options_.max_out_of_orderness_micros),
      checkpoint_id_(options_.last_checkpoint_id) {
  decoded_ = decoder_.NewBatch();
}

Result<std::unique_ptr<JobRunner>> JobRunner::Make(JobRunnerOptions options,
                                                   std::vector<SinkSlot> sinks,
                                                   std::optional<SinkSlot> dead_letter,
                                                   JobCounters* counters) {
  const iceberg::Schema& schema = *options.source_schema;
  if (options.metadata.size() != schema.fields().size()) {
    return InvalidArgument("job {}: {} metadata entries for {} source columns", options.job_id,
                           options.metadata.size(), schema.fields().size());
  }
  for (size_t i = 0; i < schema.fields().size(); ++i) {
    if (options.metadata[i] == MetadataColumn::kHeader &&
        (i >= options.header_names.size() || options.header_names[i].empty())) {
      return InvalidArgument("job {}: column '{}' holds a header but names none", options.job_id,
                             schema.fields()[i].name);
    }
  }
  std::vector<iceberg::NestedField> json_fields;
  std::vector<int> json_columns;
  std::vector<ColumnKind> metadata_kinds(schema.fields().size(), ColumnKind::kBytes);
  for (size_t i = 0; i < schema.fields().size(); ++i) {
    if (options.metadata[i] != MetadataColumn::kNone) {
      int32_t width = 0;
      FLOE_ASSIGN_OR_RAISE(metadata_kinds[i],
                           iceberg::ColumnKindFor(*schema.fields()[i].type, &width));
      json_columns.push_back(-1);
      continue;
    }
    json_columns.push_back(static_cast<int>(json_fields.size()));
    json_fields.push_back(schema.fields()[i]);
  }
  if (json_fields.empty()) {
    return InvalidArgument("job {}: the source decodes no column from the records", options.job_id);
  }
  FLOE_ASSIGN_OR_RAISE(std::vector<json::FieldSpec> fields,
                       JsonFieldsFor(iceberg::Schema(0, std::move(json_fields))));
  FLOE_ASSIGN_OR_RAISE(json::BatchDecoder decoder, json::BatchDecoder::Make(std::move(fields)));
  // Late materialisation: when the transforms are filters only, the string columns they do not
  // read (nor the event time) are copied for the rows that pass only. Every record is still
  // parsed and checked in full, so the same ones fail.
  std::optional<std::vector<int>> filter_columns;
  if (options.transforms && !options.transforms->empty()) {
    filter_columns = options.transforms->FilterColumns();
  }
  if (filter_columns) {
    std::vector<int> deferred;
    for (size_t c = 0; c < json_columns.size(); ++c) {
      const int field = json_columns[c];
      if (field < 0 || decoder.fields()[field].kind != json::ValueKind::kString ||
          std::binary_search(filter_columns->begin(), filter_columns->end(), static_cast<int>(c)) ||
          options.event_time_column == static_cast<int>(c)) {
        continue;
      }
      deferred.push_back(field);
    }
    FLOE_RETURN_IF_ERROR(decoder.Defer(deferred));
  }
  for (const SinkSlot& slot : sinks) {
    if (!counters->written.contains(slot.sink->name())) {
      return InvalidArgument("job {}: no counter for sink '{}'", options.job_id, slot.sink->name());
    }
  }
  auto runner = std::unique_ptr<JobRunner>(new JobRunner(
      std::move(options), std::move(sinks), std::move(dead_letter), counters, std::move(decoder)));
  runner->json_columns_ = std::move(json_columns);
  runner->metadata_kinds_ = std::move(metadata_kinds);
  return runner;
}

std::optional<int64_t> JobRunner::watermark() const {
  std::optional<int64_t> mark = watermarks_.watermark();
  if (mark) *mark /= options_.event_time_units_per_micro;
  return mark;
}

Status JobRunner::OnAssigned(const std::vector<TopicPartition>& partitions, OffsetMap* start_at) {
  assigned_since_poll_ = true;
  ever_assigned_ = true;
  Note("assigned", partitions);
  // Each sink's own record of what it committed is the truth (another process may have moved
  // it since we last looked): read it again, then start each partition at the smallest.
  const auto refresh = [&](SinkSlot& slot) -> Status {
    FLOE_ASSIGN_OR_RAISE(OffsetMap committed, slot.sink->CommittedOffsets());
    for (const TopicPartition& partition : partitions) {
      auto found = committed.find(partition);
      if (found == committed.end() || !source_ || !source_->Resumable(partition)) {
        slot.committed.erase(partition);
      } else {
        slot.committed[partition] = found->second;
      }
    }
    return Status::Ok();
  };
  for (SinkSlot& slot : sinks_) {
    FLOE_RETURN_IF_ERROR_CTX(refresh(slot), fmt::format("sink '{}'", slot.sink->name()));
  }
  if (dead_letter_) FLOE_RETURN_IF_ERROR_CTX(refresh(*dead_letter_), "dead_letter");

  for (const TopicPartition& partition : partitions) {
    std::optional<int64_t> lowest;
    bool every_sink_has_one = true;
    const auto consider = [&](const SinkSlot& slot) {
      auto found = slot.committed.find(partition);
      if (found == slot.committed.end()) {
        every_sink_has_one = false;
      } else if (!lowest || found->second < *lowest) {
        lowest = found->second;
      }
    };
    for (const SinkSlot& slot : sinks_) consider(slot);
    if (dead_letter_) consider(*dead_letter_);
    positions_.erase(partition);
    if (every_sink_has_one && lowest) {
      (*start_at)[partition] = *lowest;
      positions_[partition] = *lowest;
    }
  }
  return Status::Ok();
}

void JobRunner::Note(std::string_view what, const std::vector<TopicPartition>& partitions) const {
  if (!options_.info || partitions.empty()) return;
  // "t[0,2,5] u[1]": partitions by topic, in order.
  std::map<std::string_view, std::vector<int32_t>> by_topic;
  for (const TopicPartition& partition : partitions) {
    by_topic[partition.topic].push_back(partition.partition);
  }
  std::string list;
  for (auto& [topic, numbers] : by_topic) {
    std::sort(numbers.begin(), numbers.end());
    list += fmt::format("{}{}[{}]", list.empty() ? "" : " ", topic, fmt::join(numbers, ","));
  }
  options_.info(fmt::format("worker {}: {} {} partition{}: {}", options_.worker, what,
                            partitions.size(), partitions.size() == 1 ? "" : "s", list));
}

Status JobRunner::OnRevoked(const std::vector<TopicPartition>& partitions, bool lost) {
  Note(lost ? "lost" : "revoked", partitions);
  FaultPoint("during-rebalance");
  // Commit what is held for them while they are still ours (a lost partition may already be
  // someone else's: its rows are written again there, and our commit could not be trusted to
  // be the newest, so drop it instead).
  if (!lost) {
    FLOE_RETURN_IF_ERROR(Checkpoint(false));
    // Rows held for retry would land later, after the partitions' new owner read them again.
    if (!last_failure_.ok()) {
      return last_failure_.WithContext("committing partitions that are being revoked");
    }
  }
  for (const TopicPartition& partition : partitions) {
    positions_.erase(partition);
    watermarks_.Forget(partition);
    for (SinkSlot& slot : sinks_) slot.committed.erase(partition);
    if (dead_letter_) dead_letter_->committed.erase(partition);
  }
  return Status::Ok();
}

Status JobRunner::Decode(const SourceChunk& chunk) {
  decoded_.Clear();
  if (chunk.is_lines()) return decoder_.DecodeLines(chunk.lines, chunk.first_line, &decoded_);
  for (size_t i = 0; i < chunk.payloads.size(); ++i) {
    FLOE_RETURN_IF_ERROR(decoder_.DecodeOne(chunk.payloads[i], chunk.offsets[i], &decoded_));
  }
  return Status::Ok();
}

void JobRunner::AssembleBatch(const SourceChunk& chunk, RecordBatch* batch) {
  const iceberg::Schema& schema = *options_.source_schema;
  const size_t rows = decoded_.num_rows();
  batch->schema = options_.source_schema;
  batch->offsets = std::move(decoded_.positions);
  batch->columns.clear();
  batch->columns.reserve(schema.fields().size());
  // For message chunks, each row's message: rows are the messages that decoded, in order.
  std::vector<size_t> message_of;
  if (!chunk.is_lines()) {
    message_of.reserve(rows);
    size_t m = 0;
    for (size_t r = 0; r < rows; ++r) {
      while (chunk.offsets[m] != batch->offsets[r]) ++m;
      message_of.push_back(m);
    }
  }
  for (size_t c = 0; c < schema.fields().size(); ++c) {
    const MetadataColumn metadata = options_.metadata[c];
    if (metadata == MetadataColumn::kNone) {
      batch->columns.push_back(std::move(decoded_.columns[json_columns_[c]]));
      continue;
    }
    ColumnVector column(metadata_kinds_[c]);
    column.Reserve(rows);
    std::string text;  // a header column's value
    for (size_t r = 0; r < rows; ++r) {
      switch (metadata) {
        case MetadataColumn::kTopic:
          column.AppendBytes(chunk.partition.topic);
          break;
        case MetadataColumn::kPartition:
          column.Append<int32_t>(chunk.partition.partition);
          break;
        case MetadataColumn::kOffset:
          column.Append<int64_t>(batch->offsets[r]);
          break;
        case MetadataColumn::kTimestamp: {
          const int64_t ms = chunk.is_lines() ? -1 : chunk.timestamps_ms[message_of[r]];
          if (ms < 0) {
            column.AppendNull();
          } else {
            column.Append<int64_t>(ms * 1000);
          }
          break;
        }
        case MetadataColumn::kKey: {
          const std::optional<std::string_view> key =
              chunk.is_lines() ? std::nullopt : chunk.keys[message_of[r]];
          if (key) {
            column.AppendBytes(*key);
          } else {
            column.AppendNull();
          }
          break;
        }
        case MetadataColumn::kHeaders:
        case MetadataColumn::kHeader: {
          const SourceChunk::Headers* headers =
              chunk.is_lines() ? nullptr : chunk.headers[message_of[r]];
          const bool present = metadata == MetadataColumn::kHeaders
                                   ? HeadersAsJson(headers, &text)
                                   : HeaderValue(headers, options_.header_names[c], &text);
          if (present) {
            column.AppendBytes(text);
          } else {
            column.AppendNull();
          }
          break;
        }
        case MetadataColumn::kNone:
          break;
      }
    }
    batch->columns.push_back(std::move(column));
  }
}

std::string_view JobRunner::RawRecord(const SourceChunk& chunk, int64_t offset) const {
  if (chunk.is_lines()) return LineAt(chunk.lines, chunk.first_line, offset);
  auto found = std::lower_bound(chunk.offsets.begin(), chunk.offsets.end(), offset);
  if (found == chunk.offsets.end() || *found != offset) return {};
  return chunk.payloads[found - chunk.offsets.begin()];
}

Status JobRunner::WriteTo(SinkSlot& slot, const RecordBatch& batch, Selection selection) {
  if (selection.count == 0) return Status::Ok();
  // Rows below the sink's committed offset for this partition are in its output already.
  int64_t committed = std::numeric_limits<int64_t>::min();
  TopicPartition partition{batch.position.partition, batch.position.partition_id};
  auto found = slot.committed.find(partition);
  if (found != slot.committed.end()) committed = found->second;
  Selection rows = selection;
  if (committed > std::numeric_limits<int64_t>::min() &&
      batch.offsets[selection.Row(0)] < committed) {
    slot.scratch.clear();
    for (size_t i = 0; i < selection.count; ++i) {
      const uint32_t row = static_cast<uint32_t>(selection.Row(i));
      if (batch.offsets[row] >= committed) slot.scratch.push_back(row);
    }
    rows = Selection{slot.scratch.data(), slot.scratch.size()};
  }
  if (rows.count == 0) return Status::Ok();
  auto counter = counters_->written.find(slot.sink->name());
  if (counter != counters_->written.end()) counter->second += static_cast<int64_t>(rows.count);
  return slot.sink->Write(batch, rows).WithContext(fmt::format("sink '{}'", slot.sink->name()));
}

Status JobRunner::Process(const SourceChunk& chunk) {
  FLOE_RETURN_IF_ERROR(Decode(chunk));
  const int64_t good = static_cast<int64_t>(decoded_.num_rows());
  const int64_t bad = static_cast<int64_t>(decoded_.errors.size());
  counters_->records_in += good + bad;
  counters_->bytes_in += static_cast<int64_t>(chunk.bytes);

  // Lineage: the batch's partition travels as (topic, partition) in its position.
  SourcePosition position{source_ ? source_->name() : "", chunk.partition.topic,
                          chunk.partition.partition};
  DeadLetterBuilder dead_letters(position);
  for (const json::RecordError& error : decoded_.errors) {
    DeadLetterType type = error.type == json::RecordErrorType::kDeserialization
                              ? DeadLetterType::kDeserialization
                              : DeadLetterType::kValidation;
    dead_letters.Add(type, error.message, error.raw, SourceOf(chunk, error.position));
  }

  RecordBatch batch;
  AssembleBatch(chunk, &batch);
  batch.position = position;
  if (options_.event_time_column) {
    counters_->late_rows +=
        watermarks_.Observe(chunk.partition, batch.columns[*options_.event_time_column],
                            Selection::All(batch.num_rows()));
  }

  RowSet rows;
  failed_.clear();
  int64_t filtered = 0;
  Status status = Status::Ok();
  if (options_.transforms && !options_.transforms->empty()) {
    status = options_.transforms->Apply(&batch, &rows, eval_, &failed_, &filtered);
  }
  counters_->filtered_out += filtered;
  for (const RowError& error : failed_) {
    const int64_t offset = batch.offsets[error.row];
    dead_letters.Add(DeadLetterType::kTransformation, error.message, RawRecord(chunk, offset),
                     SourceOf(chunk, offset));
  }
  counters_->dead_lettered += bad + static_cast<int64_t>(failed_.size());
  if (status.ok()) {
    Selection selection = rows.selection(batch.num_rows());
    const bool deferring = std::find(decoded_.is_deferred.begin(), decoded_.is_deferred.end(),
                                     true) != decoded_.is_deferred.end();
    // Late materialisation pays when the filter drops most rows; when it keeps most, the next
    // batch copies each value straight away instead of once more afterwards.
    decoded_.defer = selection.count * 2 < batch.num_rows();
    if (deferring && selection.count > 0) {
      selection = MaterializeSelected(decoded_, json_columns_, &batch, selection);
    }
    counters_->passed += static_cast<int64_t>(selection.count);
    for (SinkSlot& slot : sinks_) {
      status = WriteTo(slot, batch, selection);
      if (!status.ok()) break;
    }
  }
  // Hand the decoded buffers back for reuse while the batch still has the source's columns (a
  // project step replaced them).
  if (batch.schema == options_.source_schema) {
    for (size_t c = 0; c < json_columns_.size(); ++c) {
      if (json_columns_[c] >= 0) decoded_.columns[json_columns_[c]] = std::move(batch.columns[c]);
    }
    decoded_.positions = std::move(batch.offsets);
  } else {
    decoded_ = decoder_.NewBatch();
  }
  FLOE_RETURN_IF_ERROR(status);

  if (dead_letters.size() > 0) {
    RecordBatch letters = dead_letters.Take();
    if (!dead_letter_) {
      return InvalidArgument(
          "{}: {} bad record(s) (first at offset {}) and the job has no "
          "dead_letter sink",
          chunk.partition.ToString(), letters.num_rows(), letters.offsets.front());
    }
    FLOE_RETURN_IF_ERROR(WriteTo(*dead_letter_, letters, Selection::All(letters.num_rows())));
  }
  if (source_ && source_->Resumable(chunk.partition)) {
    positions_[chunk.partition] = chunk.next_offset;
  }
  return Status::Ok();
}

Status JobRunner::Checkpoint(bool final) {
  CheckpointInfo info;
  info.job_id = options_.job_id;
  info.checkpoint_id = ++checkpoint_id_;
  info.final = final;
  info.watermark_micros = watermark();
  const Clock::time_point started = Clock::now();
  info.deadline = started + options_.checkpoint_timeout;
  last_failure_ = Status::Ok();
  const auto commit = [&](SinkSlot& slot) -> Status {
    // A sink ahead of the reader keeps its own position: committing less would move it back.
    info.offsets = positions_;
    for (auto& [partition, offset] : info.offsets) {
      auto found = slot.committed.find(partition);
      if (found != slot.committed.end()) offset = std::max(offset, found->second);
    }
    Status status = slot.sink->Commit(info);
    if (!status.ok()) {
      status = status.WithContext(fmt::format("sink '{}'", slot.sink->name()));
      // A sink that keeps what it could not commit tries again at the next checkpoint.
      if (!slot.sink->RetriesFailedCommits()) return status;
      if (last_failure_.ok()) last_failure_ = std::move(status);
      return Status::Ok();
    }
    slot.committed = MergeOffsets(std::move(slot.committed), info.offsets);
    return Status::Ok();
  };
  // Tables first, then the rest (a Kafka sink's transaction): a crash in between is the case
  // where the table is ahead of the topic, which recovery must even out.
  for (SinkSlot& slot : sinks_) {
    if (slot.is_table) FLOE_RETURN_IF_ERROR(commit(slot));
  }
  if (dead_letter_) FLOE_RETURN_IF_ERROR(commit(*dead_letter_));
  FaultPoint("after-iceberg-before-kafka-commit");
  for (SinkSlot& slot : sinks_) {
    if (!slot.is_table) FLOE_RETURN_IF_ERROR(commit(slot));
  }
  counters_->commit_micros +=
      std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started).count();
  if (!last_failure_.ok()) {
    ++counters_->failed_checkpoints;
    if (++failures_in_a_row_ > options_.tolerable_checkpoint_failures) {
      return last_failure_.WithContext(fmt::format(
          "checkpoint {}: {} failed in a row, more than "
          "job.checkpoint.tolerable_failures ({})",
          info.checkpoint_id, failures_in_a_row_, options_.tolerable_checkpoint_failures));
    }
    if (options_.warn) {
      options_.warn(
          fmt::format("checkpoint {} failed ({} of {} tolerable in a row), its rows "
                      "wait for the next: {}",
                      info.checkpoint_id, failures_in_a_row_,
                      options_.tolerable_checkpoint_failures, last_failure_.message()));
    }
    return Status::Ok();
  }
  failures_in_a_row_ = 0;
  ++counters_->checkpoints;
  if (source_ && !positions_.empty()) (void)source_->Committed(positions_);
  return Status::Ok();
}

Status JobRunner::FinalCheckpoint() {
  Status status = Checkpoint(true);
  // A failed final checkpoint is retried (after a pause) until it succeeds or is not tolerable.
  while (status.ok() && !last_failure_.ok()) {
    std::this_thread::sleep_for(std::max<std::chrono::milliseconds>(
        options_.checkpoint_min_pause,
        std::min<std::chrono::milliseconds>(options_.checkpoint_interval, kFinalRetryPause)));
    status = Checkpoint(true);
  }
  return status;
}

Status JobRunner::CloseAll() {
  Status closed = source_ ? source_->Close() : Status::Ok();
  for (SinkSlot& slot : sinks_) {
    Status status = slot.sink->Close();
    if (closed.ok()) closed = status.WithContext(fmt::format("sink '{}'", slot.sink->name()));
  }
  if (dead_letter_) {
    Status status = dead_letter_->sink->Close();
    if (closed.ok()) closed = status.WithContext("dead_letter");
  }
  return closed;
}

Clock::time_point JobRunner::LastRecordOfAnyWorker() const {
  return Clock::time_point(std::chrono::microseconds(counters_->last_record_micros.load()));
}

Status JobRunner::Run() {
  if (!source_) return InvalidArgument("job {}: no source", options_.job_id);
  const Clock::time_point started = Clock::now();
  Clock::time_point last_checkpoint = started;      // when the last checkpoint started
  Clock::time_point last_checkpoint_end = started;  // and when it ended
  Clock::time_point last_record = started;
  SourceChunk chunk;
  Status status = Status::Ok();
  while (options_.stop == nullptr || !options_.stop->load()) {
    auto more = source_->Next(options_.poll_timeout, &chunk);
    if (!more.ok()) {
      status = more.status().WithContext(fmt::format("source '{}'", source_->name()));
      break;
    }
    if (!*more) break;
    const Clock::time_point now = Clock::now();
    if (assigned_since_poll_) {
      // Joining a group takes seconds: idleness counts from when there is something to read.
      assigned_since_poll_ = false;
      last_record = now;
    }
    counters_->skipped += chunk.skipped;
    if (!chunk.empty()) {
      const int64_t micros =
          std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count();
      int64_t unset = 0;
      counters_->first_record_micros.compare_exchange_strong(unset, micros);
      status = Process(chunk);
      if (!status.ok()) break;
      last_record = Clock::now();
      const int64_t done =
          std::chrono::duration_cast<std::chrono::microseconds>(last_record.time_since_epoch())
              .count();
      int64_t previous = counters_->last_record_micros.load();
      while (previous < done &&
             !counters_->last_record_micros.compare_exchange_weak(previous, done)) {
      }
    } else if (options_.stop_when_idle && now - last_record >= *options_.stop_when_idle &&
               now - LastRecordOfAnyWorker() >= *options_.stop_when_idle) {
      // Idle means the whole job is: while another worker still gets records, this one stays
      // (its partitions may be slow to deliver, or move to it when that one's go).
      // Before its first assignment a consumer may still be joining its group (the broker
      // waits a few seconds for more members): give that a grace period of its own.
      if (ever_assigned_ || now - started >= *options_.stop_when_idle + kJoinGrace) break;
    }
    if (now - last_checkpoint >= options_.checkpoint_interval &&
        now - last_checkpoint_end >= options_.checkpoint_min_pause) {
      last_checkpoint = now;
      status = Checkpoint(false);
      if (!status.ok()) break;
      last_checkpoint_end = Clock::now();
    }
  }
  if (status.ok()) status = FinalCheckpoint();
  Status closed = CloseAll();
  FLOE_RETURN_IF_ERROR(status);
  return closed;
}

}  // namespace floe::stream
