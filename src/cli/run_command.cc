#include "cli/run_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <set>
#include <string_view>

#include "cli/line_chunk_reader.h"
#include "format/json/batch_decoder.h"
#include "iceberg/catalog/catalog.h"
#include "pipeline/interpolation.h"
#include "pipeline/job_loader.h"
#include "stream/dead_letter.h"
#include "stream/expression.h"
#include "stream/iceberg_sink.h"
#include "stream/json_fields.h"
#include "stream/jsonl_sink.h"

namespace floe::cli {

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kExitError = 1;
constexpr int kExitUsage = 2;
constexpr auto kProgressInterval = std::chrono::seconds(5);
constexpr int64_t kFirstLine = 1;
constexpr const char* kDeadLetterSinkName = "dead_letter";

/// What can be checked without touching any file or catalog: the source schema and the bound
/// transforms. Errors here are the job file's fault (exit 2).
struct JobPlan {
  const pipeline::JobConfig* config = nullptr;
  const pipeline::SourceConfig* source = nullptr;
  std::shared_ptr<const iceberg::Schema> schema;
  std::vector<std::unique_ptr<stream::BoundExpression>> filters;
};

Result<JobPlan> Prepare(const pipeline::JobConfig& config) {
  JobPlan plan;
  plan.config = &config;
  if (config.sources.size() != 1) {
    return NotSupported("{}: a job with {} sources: floe run takes exactly one for now",
                        config.file, config.sources.size());
  }
  plan.source = &config.sources.front();
  if (plan.source->type != pipeline::SourceType::kFile) {
    return NotSupported("{}: source '{}' is of type {}: floe run reads file sources only for now",
                        config.file, plan.source->name, SourceTypeName(plan.source->type));
  }
  if (plan.source->path == "-") {
    return NotSupported("{}: source '{}' reads stdin, which has no offsets to resume from",
                        config.file, plan.source->name);
  }
  std::vector<iceberg::NestedField> fields;
  int32_t id = 1;
  for (const pipeline::ColumnConfig& column : plan.source->schema) {
    fields.push_back(iceberg::NestedField{id++, column.name, column.required, column.type, ""});
  }
  plan.schema = std::make_shared<const iceberg::Schema>(0, std::move(fields));
  for (const pipeline::TransformConfig& transform : config.transforms) {
    if (transform.type == pipeline::TransformType::kProject) {
      return NotSupported("{}: project is not supported by floe run yet",
                          transform.location.ToString());
    }
    const pipeline::ConfigText& where = transform.filter.where;
    auto bound = stream::BoundExpression::Bind(where.text, *plan.schema);
    if (!bound.ok()) {
      return InvalidArgument("{}: {}", where.location.ToString(), bound.status().message());
    }
    plan.filters.push_back(std::move(bound).value());
  }
  for (const pipeline::SinkConfig& sink : config.sinks) {
    if (sink.type == pipeline::SinkType::kKafka) {
      return NotSupported("{}: sink '{}' is of type kafka, which floe run does not support yet",
                          config.file, sink.name);
    }
  }
  if (config.dead_letter && config.dead_letter->type != pipeline::SinkType::kIceberg) {
    return NotSupported("{}: dead_letter must be an iceberg sink", config.file);
  }
  return plan;
}

/// A sink of the job and what it has already committed of the source file.
struct SinkSlot {
  std::unique_ptr<stream::Sink> sink;
  stream::IcebergSink* iceberg = nullptr;  // the same sink when it is an Iceberg one
  std::string where;                       // the table or file, for the summary
  int64_t committed_offset = kFirstLine;   // next line this sink has not committed
  std::vector<uint32_t> rows;              // scratch: its selection of a batch
};

class Runner {
 public:
  Runner(JobPlan plan, std::ostream& out, std::ostream& err)
      : plan_(std::move(plan)), out_(out), err_(err), path_(plan_.source->path) {}

  Status Open();
  Status Run();
  const RunCounters& counters() const { return counters_; }

 private:
  Result<std::shared_ptr<iceberg::Catalog>> CatalogFor(const std::string& name);
  Result<SinkSlot> OpenSink(const pipeline::SinkConfig& config, const iceberg::Schema& schema,
                            const std::string& name);
  Status ProcessChunk(std::string_view lines, int64_t first_line);
  Status WriteTo(SinkSlot& slot, const stream::RecordBatch& batch, Selection selection);
  Status Checkpoint();
  void Progress(bool final);

  JobPlan plan_;
  std::ostream& out_;
  std::ostream& err_;
  std::string path_;
  std::unique_ptr<LineChunkReader> input_;
  std::map<std::string, std::shared_ptr<iceberg::Catalog>> catalogs_;
  std::vector<SinkSlot> sinks_;
  std::unique_ptr<SinkSlot> dead_letter_;
  std::unique_ptr<json::BatchDecoder> decoder_;
  json::DecodedBatch decoded_;
  stream::EvalContext eval_;
  int64_t checkpoint_id_ = 0;
  RunCounters counters_;
  Clock::time_point started_ = Clock::now();
  Clock::time_point last_progress_ = Clock::now();
};

Result<std::shared_ptr<iceberg::Catalog>> Runner::CatalogFor(const std::string& name) {
  auto found = catalogs_.find(name);
  if (found != catalogs_.end()) return found->second;
  const pipeline::CatalogConfig* config = plan_.config->FindCatalog(name);
  if (config == nullptr)
    return InvalidArgument("{}: unknown catalog '{}'", plan_.config->file, name);
  if (config->type != pipeline::CatalogType::kSql) {
    return NotSupported("{}: catalog '{}' is of type {}: floe run opens sql catalogs only for now",
                        plan_.config->file, name, pipeline::CatalogTypeName(config->type));
  }
  auto warehouse = config->properties.find("warehouse");
  if (warehouse == config->properties.end()) {
    return InvalidArgument("{}: catalog '{}' has no warehouse", plan_.config->file, name);
  }
  FLOE_ASSIGN_OR_RAISE(std::shared_ptr<iceberg::Catalog> catalog,
                       iceberg::OpenWarehouseCatalog(warehouse->second));
  catalogs_[name] = catalog;
  return catalog;
}

Result<SinkSlot> Runner::OpenSink(const pipeline::SinkConfig& config, const iceberg::Schema& schema,
                                  const std::string& name) {
  SinkSlot slot;
  if (config.type == pipeline::SinkType::kIceberg) {
    FLOE_ASSIGN_OR_RAISE(std::shared_ptr<iceberg::Catalog> catalog, CatalogFor(config.catalog));
    stream::IcebergSinkOptions options;
    options.name = name;
    options.table = config.table;
    options.create_if_missing = config.create_if_missing;
    if (config.partition_by) options.partition_by = config.partition_by->text;
    options.properties = config.properties;
    options.offsets_group = plan_.config->name;
    FLOE_ASSIGN_OR_RAISE(std::unique_ptr<stream::IcebergSink> sink,
                         stream::IcebergSink::Open(catalog, schema, std::move(options)));
    slot.iceberg = sink.get();
    slot.where = fmt::format("table {} in catalog '{}'", config.table.ToString(), config.catalog);
    slot.sink = std::move(sink);
  } else {
    FLOE_ASSIGN_OR_RAISE(std::unique_ptr<stream::JsonlSink> sink,
                         stream::JsonlSink::Open(schema, {name, config.path}));
    slot.where = fmt::format("file {}", config.path);
    slot.sink = std::move(sink);
  }
  FLOE_ASSIGN_OR_RAISE(stream::OffsetMap offsets, slot.sink->CommittedOffsets());
  auto offset = offsets.find(TopicPartition{path_, 0});
  if (offset != offsets.end()) slot.committed_offset = offset->second;
  if (slot.iceberg != nullptr) {
    // Checkpoint ids keep increasing across runs: start after the largest this job committed.
    for (const iceberg::Snapshot& snapshot : slot.iceberg->table().metadata.snapshots) {
      auto job = snapshot.summary.find(stream::kSummaryJobId);
      auto id = snapshot.summary.find(stream::kSummaryCheckpointId);
      if (job == snapshot.summary.end() || id == snapshot.summary.end()) continue;
      if (job->second != plan_.config->name) continue;
      int64_t value = 0;
      const std::string& text = id->second;
      auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error == std::errc() && end == text.data() + text.size()) {
        checkpoint_id_ = std::max(checkpoint_id_, value);
      }
    }
  }
  counters_.written[name] = 0;
  return slot;
}

Status Runner::Open() {
  for (const pipeline::SinkConfig& config : plan_.config->sinks) {
    auto slot = OpenSink(config, *plan_.schema, config.name);
    if (!slot.ok()) return slot.status().WithContext(fmt::format("sink '{}'", config.name));
    sinks_.push_back(std::move(slot).value());
  }
  if (plan_.config->dead_letter) {
    auto slot =
        OpenSink(*plan_.config->dead_letter, *stream::DeadLetterSchema(), kDeadLetterSinkName);
    if (!slot.ok()) return slot.status().WithContext("dead_letter");
    dead_letter_ = std::make_unique<SinkSlot>(std::move(slot).value());
  }
  FLOE_ASSIGN_OR_RAISE(std::vector<json::FieldSpec> fields, stream::JsonFieldsFor(*plan_.schema));
  FLOE_ASSIGN_OR_RAISE(json::BatchDecoder decoder, json::BatchDecoder::Make(std::move(fields)));
  decoder_ = std::make_unique<json::BatchDecoder>(std::move(decoder));
  decoded_ = decoder_->NewBatch();
  FLOE_ASSIGN_OR_RAISE(input_, LineChunkReader::Open(path_));
  return Status::Ok();
}

// The line `line` of `lines`, whose first line is `first_line` (rare: only for dead letters of
// rows that decoded but then failed).
std::string_view LineAt(std::string_view lines, int64_t first_line, int64_t line) {
  size_t at = 0;
  for (int64_t i = first_line; i < line && at < lines.size(); ++i) {
    size_t newline = lines.find('\n', at);
    at = newline == std::string_view::npos ? lines.size() : newline + 1;
  }
  std::string_view rest = lines.substr(at);
  size_t end = rest.find('\n');
  rest = rest.substr(0, end);
  if (!rest.empty() && rest.back() == '\r') rest.remove_suffix(1);
  return rest;
}

Status Runner::WriteTo(SinkSlot& slot, const stream::RecordBatch& batch, Selection selection) {
  slot.rows.clear();
  for (size_t i = 0; i < selection.count; ++i) {
    uint32_t row = static_cast<uint32_t>(selection.Row(i));
    if (batch.offsets[row] >= slot.committed_offset) slot.rows.push_back(row);
  }
  if (slot.rows.empty()) return Status::Ok();
  counters_.written[slot.sink->name()] += static_cast<int64_t>(slot.rows.size());
  Status status = slot.sink->Write(batch, Selection{slot.rows.data(), slot.rows.size()});
  return status.WithContext(fmt::format("sink '{}'", slot.sink->name()));
}

Status Runner::ProcessChunk(std::string_view lines, int64_t first_line) {
  decoded_.Clear();
  FLOE_RETURN_IF_ERROR(decoder_->DecodeLines(lines, first_line, &decoded_));
  const int64_t good = static_cast<int64_t>(decoded_.num_rows());
  const int64_t bad = static_cast<int64_t>(decoded_.errors.size());
  counters_.records_in += good + bad;
  counters_.dead_lettered += bad;

  stream::SourcePosition position{plan_.source->name, path_, 0};
  stream::DeadLetterBuilder dead_letters(position);
  const auto source_of = [&](int64_t line) {
    stream::DeadLetterSource source;
    source.offset = line;
    source.file = path_;
    source.line = line;
    return source;
  };
  for (const json::RecordError& error : decoded_.errors) {
    stream::DeadLetterType type = error.type == json::RecordErrorType::kDeserialization
                                      ? stream::DeadLetterType::kDeserialization
                                      : stream::DeadLetterType::kValidation;
    dead_letters.Add(type, error.message, error.raw, source_of(error.position));
  }

  stream::RecordBatch batch;
  batch.schema = plan_.schema;
  batch.columns = std::move(decoded_.columns);
  batch.offsets = std::move(decoded_.positions);
  batch.position = position;
  std::vector<uint32_t> selected;
  std::vector<uint32_t> kept;
  bool all = true;
  for (const auto& filter : plan_.filters) {
    Selection in =
        all ? Selection::All(batch.num_rows()) : Selection{selected.data(), selected.size()};
    Status status = filter->Filter(batch, in, eval_, &kept);
    if (!status.ok()) {
      decoded_.columns = std::move(batch.columns);
      decoded_.positions = std::move(batch.offsets);
      return status.WithContext(fmt::format("filter '{}'", filter->text()));
    }
    std::set<uint32_t> failed;
    for (const stream::RowError& error : eval_.row_errors()) {
      if (!failed.insert(error.row).second) continue;
      int64_t line = batch.offsets[error.row];
      dead_letters.Add(stream::DeadLetterType::kTransformation, error.message,
                       LineAt(lines, first_line, line), source_of(line));
    }
    counters_.dead_lettered += static_cast<int64_t>(failed.size());
    counters_.filtered_out += static_cast<int64_t>(in.count - kept.size() - failed.size());
    selected.swap(kept);
    all = false;
  }
  Selection final_selection =
      all ? Selection::All(batch.num_rows()) : Selection{selected.data(), selected.size()};
  counters_.passed += static_cast<int64_t>(final_selection.count);
  Status status = Status::Ok();
  for (SinkSlot& slot : sinks_) {
    status = WriteTo(slot, batch, final_selection);
    if (!status.ok()) break;
  }
  // Hand the buffers back so the decoder reuses their capacity.
  decoded_.columns = std::move(batch.columns);
  decoded_.positions = std::move(batch.offsets);
  FLOE_RETURN_IF_ERROR(status);

  if (dead_letters.size() > 0) {
    stream::RecordBatch letters = dead_letters.Take();
    if (dead_letter_ == nullptr) {
      return InvalidArgument(
          "{}: {} bad record(s) (first at line {}) and the job has no dead_letter sink", path_,
          letters.num_rows(), letters.offsets.front());
    }
    FLOE_RETURN_IF_ERROR(WriteTo(*dead_letter_, letters, Selection::All(letters.num_rows())));
  }
  return Status::Ok();
}

Status Runner::Checkpoint() {
  stream::CheckpointInfo info;
  info.job_id = plan_.config->name;
  info.checkpoint_id = ++checkpoint_id_;
  const auto commit = [&](SinkSlot& slot) -> Status {
    // A sink ahead of the reader keeps its own position: committing less would move it back.
    info.offsets[TopicPartition{path_, 0}] = std::max(input_->next_line(), slot.committed_offset);
    FLOE_RETURN_IF_ERROR(slot.sink->Commit(info));
    slot.committed_offset = info.offsets[TopicPartition{path_, 0}];
    return Status::Ok();
  };
  for (SinkSlot& slot : sinks_) FLOE_RETURN_IF_ERROR(commit(slot));
  if (dead_letter_ != nullptr) FLOE_RETURN_IF_ERROR(commit(*dead_letter_));
  ++counters_.checkpoints;
  return Status::Ok();
}

void Runner::Progress(bool final) {
  const double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
  const double rate = seconds > 0 ? static_cast<double>(counters_.records_in) / seconds : 0;
  err_ << fmt::format(
      "{} {}: in={} passed={} filtered={} dead_lettered={} bytes={} checkpoints={} ({:.1f} s, "
      "{:.0f} records/s)\n",
      final ? "done" : "running", plan_.config->name, counters_.records_in, counters_.passed,
      counters_.filtered_out, counters_.dead_lettered, counters_.bytes_in, counters_.checkpoints,
      seconds, rate);
}

Status Runner::Run() {
  int64_t resume_line = std::numeric_limits<int64_t>::max();
  for (const SinkSlot& slot : sinks_) resume_line = std::min(resume_line, slot.committed_offset);
  if (dead_letter_ != nullptr) {
    resume_line = std::min(resume_line, dead_letter_->committed_offset);
  }
  if (resume_line == std::numeric_limits<int64_t>::max()) resume_line = kFirstLine;
  if (resume_line > kFirstLine) {
    err_ << fmt::format("{}: resuming {} at line {} (committed by every sink before it)\n",
                        plan_.config->name, path_, resume_line);
  }
  Clock::time_point last_checkpoint = Clock::now();
  while (true) {
    FLOE_ASSIGN_OR_RAISE(std::optional<LineChunkReader::Chunk> chunk, input_->Next());
    if (!chunk) break;
    std::string_view lines = chunk->lines;
    int64_t first_line = chunk->first_line;
    // Skip the lines every sink has committed already.
    while (first_line < resume_line && !lines.empty()) {
      size_t newline = lines.find('\n');
      size_t skip = newline == std::string_view::npos ? lines.size() : newline + 1;
      lines.remove_prefix(skip);
      ++first_line;
      ++counters_.skipped_lines;
    }
    counters_.bytes_in += static_cast<int64_t>(lines.size());
    if (!lines.empty()) FLOE_RETURN_IF_ERROR(ProcessChunk(lines, first_line));

    const Clock::time_point now = Clock::now();
    if (now - last_checkpoint >= plan_.config->checkpoint.interval) {
      FLOE_RETURN_IF_ERROR(Checkpoint());
      last_checkpoint = now;
    }
    if (now - last_progress_ >= kProgressInterval) {
      Progress(false);
      last_progress_ = now;
    }
  }
  FLOE_RETURN_IF_ERROR(Checkpoint());
  Progress(true);

  Status closed = Status::Ok();
  for (SinkSlot& slot : sinks_) {
    Status status = slot.sink->Close();
    if (closed.ok()) closed = status.WithContext(fmt::format("sink '{}'", slot.sink->name()));
  }
  if (dead_letter_ != nullptr) {
    Status status = dead_letter_->sink->Close();
    if (closed.ok()) closed = status.WithContext("dead_letter");
  }
  FLOE_RETURN_IF_ERROR(closed);

  out_ << fmt::format(
      "summary: in={} written={} filtered={} dead_lettered={} bytes={} checkpoints={} "
      "skipped_lines={}\n",
      counters_.records_in, counters_.passed, counters_.filtered_out, counters_.dead_lettered,
      counters_.bytes_in, counters_.checkpoints, counters_.skipped_lines);
  const auto describe = [&](const SinkSlot& slot) {
    std::string location;
    if (slot.iceberg != nullptr) {
      location = fmt::format(" (metadata {})", slot.iceberg->table().metadata_location);
    }
    out_ << fmt::format("sink {}: wrote {} rows to {}{}\n", slot.sink->name(),
                        counters_.written[slot.sink->name()], slot.where, location);
  };
  for (const SinkSlot& slot : sinks_) describe(slot);
  if (dead_letter_ != nullptr) describe(*dead_letter_);
  return Status::Ok();
}

void PrintError(std::ostream& err, const Status& status) {
  err << "floe: error: " << status.message() << " (" << ErrorKindName(status.kind()) << ")\n";
}

}  // namespace

Result<RunCounters> RunJob(const pipeline::JobConfig& config, std::ostream& out,
                           std::ostream& err) {
  FLOE_ASSIGN_OR_RAISE(JobPlan plan, Prepare(config));
  Runner runner(std::move(plan), out, err);
  FLOE_RETURN_IF_ERROR(runner.Open());
  FLOE_RETURN_IF_ERROR(runner.Run());
  return runner.counters();
}

int RunJobCommand(const std::string& job_path, const std::vector<std::string>& overrides,
                  std::ostream& out, std::ostream& err) {
  auto config = pipeline::LoadJobFile(job_path, overrides, pipeline::ProcessEnvironment());
  if (!config.ok()) {
    PrintError(err, config.status());
    return kExitUsage;
  }
  auto plan = Prepare(*config);
  if (!plan.ok()) {
    PrintError(err, plan.status());
    return kExitUsage;
  }
  Runner runner(std::move(plan).value(), out, err);
  Status status = runner.Open();
  if (status.ok()) status = runner.Run();
  if (!status.ok()) {
    PrintError(err, status);
    return kExitError;
  }
  return 0;
}

}  // namespace floe::cli
