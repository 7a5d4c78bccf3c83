#include "cli/run_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <charconv>
#include <condition_variable>
#include <csignal>
#include <cstring>
#include <mutex>
#include <thread>

#include "common/clock.h"
#include "iceberg/catalog/catalog.h"
#include "iceberg/rest/rest_catalog.h"
#include "pipeline/job_loader.h"
#include "stream/dead_letter.h"
#include "stream/file_source.h"
#include "stream/iceberg_sink.h"
#include "stream/job_runner.h"
#include "stream/jsonl_sink.h"
#include "stream/kafka_sink.h"
#include "stream/kafka_source.h"

namespace floe::cli {

namespace {

constexpr int kExitError = 1;
constexpr int kExitUsage = 2;
constexpr const char* kDeadLetterSinkName = "dead_letter";

/// Set by SIGINT/SIGTERM: the workers commit what they hold and stop.
std::atomic<bool> g_stop{false};

extern "C" void OnStopSignal(int) { g_stop.store(true); }

/// What can be checked without touching any file, catalog or broker: the source schema, the
/// bound transforms, the kinds of sinks. Errors here are the job file's fault (exit 2).
struct JobPlan {
  const pipeline::JobConfig* config = nullptr;
  const pipeline::SourceConfig* source = nullptr;
  std::shared_ptr<const iceberg::Schema> source_schema;
  std::vector<stream::MetadataColumn> metadata;
  std::vector<std::string> header_names;  // per source column: kHeader's header name
  std::shared_ptr<const stream::TransformChain> transforms;
  std::optional<int> event_time_column;
  int64_t max_out_of_orderness = 0;  // in the event-time column's unit
  int64_t event_time_units_per_micro = 1;
  int workers = 1;
  /// Kafka sources: the consumer, as the job configures it (every worker joins one group).
  kafka::ConsumerOptions consumer;
};

// Keys of a Kafka source's or sink's properties that floe reads itself; the rest go to
// librdkafka as they are.
constexpr const char* kTopicsKey = "topics";
constexpr const char* kStartOffsetsKey = "start_offsets";
constexpr const char* kErrorTimeoutKey = "error_timeout";
constexpr const char* kBootstrapKey = "bootstrap.servers";
constexpr const char* kGroupKey = "group.id";
constexpr const char* kTransactionalKey = "transactional";

/// Removes `key` from `properties` (floe reads it; librdkafka must not see it), returning it.
std::optional<std::string> TakeProperty(std::map<std::string, std::string>* properties,
                                        const char* key) {
  auto found = properties->find(key);
  if (found == properties->end()) return std::nullopt;
  std::string value = std::move(found->second);
  properties->erase(found);
  return value;
}

/// Splits "a, b,c" on commas, trimming spaces; empty entries are dropped.
std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string item = text.substr(start, comma - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) items.push_back(item);
    start = comma + 1;
  }
  return items;
}

Result<kafka::ConsumerOptions> ConsumerOptionsFor(const pipeline::JobConfig& config,
                                                  const pipeline::SourceConfig& source) {
  const std::string where = fmt::format("{}: source '{}'", config.file, source.name);
  kafka::ConsumerOptions options;
  options.properties = source.properties;
  const auto take = [&](const char* key) { return TakeProperty(&options.properties, key); };
  options.topics = SplitList(take(kTopicsKey).value_or(""));
  if (options.topics.empty()) return InvalidArgument("{}: properties.topics is empty", where);
  auto bootstrap = take(kBootstrapKey);
  if (!bootstrap || bootstrap->empty()) {
    return InvalidArgument("{}: properties.{} is missing (e.g. ${{KAFKA_BOOTSTRAP_SERVERS}})",
                           where, kBootstrapKey);
  }
  options.bootstrap_servers = *bootstrap;
  // The group defaults to the job's name: workers and processes of one job share partitions.
  options.group_id = take(kGroupKey).value_or(config.name);
  options.client_id = fmt::format("floe-{}", config.name);
  if (auto start = take(kStartOffsetsKey)) {
    FLOE_RETURN_IF_ERROR_CTX(stream::ParseStartOffsets(*start, &options), where);
  }
  if (auto timeout = take(kErrorTimeoutKey)) {
    auto parsed = pipeline::ParseDuration(*timeout);
    if (!parsed.ok()) {
      return InvalidArgument("{}: properties.{}: {}", where, kErrorTimeoutKey,
                             parsed.status().message());
    }
    options.error_timeout = *parsed;
  }
  return options;
}

stream::MetadataColumn MetadataOf(pipeline::SourceMetadata metadata) {
  switch (metadata) {
    case pipeline::SourceMetadata::kTopic:
      return stream::MetadataColumn::kTopic;
    case pipeline::SourceMetadata::kPartition:
      return stream::MetadataColumn::kPartition;
    case pipeline::SourceMetadata::kOffset:
      return stream::MetadataColumn::kOffset;
    case pipeline::SourceMetadata::kTimestamp:
      return stream::MetadataColumn::kTimestamp;
    case pipeline::SourceMetadata::kKey:
      return stream::MetadataColumn::kKey;
    case pipeline::SourceMetadata::kHeaders:
      return stream::MetadataColumn::kHeaders;
    case pipeline::SourceMetadata::kHeader:
      return stream::MetadataColumn::kHeader;
    case pipeline::SourceMetadata::kNone:
      break;
  }
  return stream::MetadataColumn::kNone;
}

Result<JobPlan> Prepare(const pipeline::JobConfig& config) {
  JobPlan plan;
  plan.config = &config;
  if (config.sources.size() != 1) {
    return NotSupported("{}: a job with {} sources: floe run takes exactly one for now",
                        config.file, config.sources.size());
  }
  plan.source = &config.sources.front();
  const bool kafka_source = plan.source->type == pipeline::SourceType::kKafka;
  if (kafka_source) {
    FLOE_ASSIGN_OR_RAISE(plan.consumer, ConsumerOptionsFor(config, *plan.source));
    plan.workers = config.parallelism;
  } else if (config.parallelism > 1) {
    return NotSupported("{}: job.parallelism {} needs a kafka source (a file is read in order)",
                        config.file, config.parallelism);
  }
  std::vector<iceberg::NestedField> fields;
  int32_t id = 1;
  for (const pipeline::ColumnConfig& column : plan.source->schema) {
    fields.push_back(iceberg::NestedField{id++, column.name, column.required, column.type, ""});
    plan.metadata.push_back(MetadataOf(column.metadata));
    plan.header_names.push_back(column.header);
  }
  plan.source_schema = std::make_shared<const iceberg::Schema>(0, std::move(fields));
  if (plan.source->event_time) {
    const iceberg::NestedField* field =
        plan.source_schema->FindFieldByName(plan.source->event_time->column);
    if (field == nullptr) {
      return InvalidArgument("{}: unknown event-time column '{}'", config.file,
                             plan.source->event_time->column);
    }
    plan.event_time_column = plan.source_schema->FieldIndexById(field->id);
    const bool nanos = field->type->id() == iceberg::TypeId::kTimestampNs ||
                       field->type->id() == iceberg::TypeId::kTimestampTzNs;
    plan.event_time_units_per_micro = nanos ? 1000 : 1;
    plan.max_out_of_orderness = std::chrono::duration_cast<std::chrono::microseconds>(
                                    plan.source->event_time->max_out_of_orderness)
                                    .count() *
                                plan.event_time_units_per_micro;
  }

  std::vector<stream::TransformSpec> specs;
  for (const pipeline::TransformConfig& transform : config.transforms) {
    stream::TransformSpec spec;
    if (transform.type == pipeline::TransformType::kFilter) {
      spec.is_filter = true;
      spec.where = transform.filter.where.text;
      spec.label = transform.filter.where.location.ToString();
    } else {
      spec.is_filter = false;
      spec.label = transform.location.ToString();
      for (const pipeline::NamedText& add : transform.project.add) {
        spec.project.add.emplace_back(add.name, add.value.text);
      }
      for (const pipeline::CastConfig& cast : transform.project.cast) {
        spec.project.cast.emplace_back(cast.column, cast.type);
      }
      spec.project.rename = transform.project.rename;
      spec.project.drop = transform.project.drop;
    }
    specs.push_back(std::move(spec));
  }
  FLOE_ASSIGN_OR_RAISE(stream::TransformChain chain,
                       stream::TransformChain::Make(plan.source_schema, specs));
  plan.transforms = std::make_shared<const stream::TransformChain>(std::move(chain));

  for (const pipeline::SinkConfig& sink : config.sinks) {
    if (sink.type == pipeline::SinkType::kKafka && !kafka_source) {
      return NotSupported(
          "{}: sink '{}': a kafka sink records its progress as consumer-group offsets of the "
          "source's topics, so it needs a kafka source",
          config.file, sink.name);
    }
    if (sink.type == pipeline::SinkType::kJsonl && plan.workers > 1) {
      return NotSupported("{}: sink '{}': a jsonl file takes one writer; set job.parallelism to 1",
                          config.file, sink.name);
    }
  }
  if (config.dead_letter && config.dead_letter->type != pipeline::SinkType::kIceberg) {
    return NotSupported("{}: dead_letter must be an iceberg sink", config.file);
  }
  return plan;
}

/// "floe-<job>-": the start of the name of every data file the job writes, so that the files
/// of its crashed attempts can be found (characters other than letters, digits, '-' and '_'
/// become '_').
std::string DataFilePrefix(const std::string& job) {
  std::string prefix = "floe-";
  for (char c : job) prefix += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
  return prefix + "-";
}

/// <host>-<pid>: unique among the processes of a job.
std::string DefaultInstance() {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0 || host[0] == '\0') std::strcpy(host, "host");
  return fmt::format("{}-{}", host, getpid());
}

/// Builds and runs the workers of one job.
class Job {
 public:
  Job(JobPlan plan, const RunOptions& options, std::ostream& out, std::ostream& err)
      : plan_(std::move(plan)),
        options_(options),
        out_(out),
        err_(err),
        instance_(options.instance.empty() ? DefaultInstance() : options.instance) {}

  Status Open();
  Status Run();
  RunCounters Counters() const;

 private:
  Result<std::shared_ptr<iceberg::Catalog>> CatalogFor(const std::string& name);
  Result<stream::SinkSlot> OpenSink(const pipeline::SinkConfig& config,
                                    const iceberg::Schema& schema, const std::string& name);
  Result<std::unique_ptr<stream::JobRunner>> OpenWorker(int index);
  /// Deletes the data files of this job's attempts that died before committing them.
  Status DeleteOrphans();
  Result<stream::SinkSlot> OpenKafkaSink(const pipeline::SinkConfig& config,
                                         const iceberg::Schema& schema, int worker);
  void Progress(bool final);
  void Summary();

  JobPlan plan_;
  RunOptions options_;
  std::ostream& out_;
  std::ostream& err_;
  std::mutex err_mutex_;  // progress lines and warnings come from several threads
  std::string instance_;  // this process's name in transactional ids
  std::map<std::string, std::shared_ptr<iceberg::Catalog>> catalogs_;
  stream::JobCounters counters_;
  std::vector<std::unique_ptr<stream::JobRunner>> workers_;
  int64_t last_checkpoint_id_ = 0;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

Result<std::shared_ptr<iceberg::Catalog>> Job::CatalogFor(const std::string& name) {
  auto found = catalogs_.find(name);
  if (found != catalogs_.end()) return found->second;
  const pipeline::JobConfig& config = *plan_.config;
  const pipeline::CatalogConfig* catalog_config = config.FindCatalog(name);
  if (catalog_config == nullptr)
    return InvalidArgument("{}: unknown catalog '{}'", config.file, name);
  const pipeline::PropertyMap& properties = catalog_config->properties;
  Result<std::shared_ptr<iceberg::Catalog>> opened = std::shared_ptr<iceberg::Catalog>();
  if (catalog_config->type == pipeline::CatalogType::kRest) {
    opened = iceberg::OpenRestCatalog(properties);
  } else {
    // sql and hadoop catalogs keep their tables under a warehouse location.
    auto warehouse = properties.find("warehouse");
    if (warehouse == properties.end()) {
      return InvalidArgument("{}: catalog '{}' has no warehouse", config.file, name);
    }
    opened = catalog_config->type == pipeline::CatalogType::kSql
                 ? iceberg::OpenWarehouseCatalog(warehouse->second, properties)
                 : iceberg::OpenHadoopCatalog(warehouse->second);
  }
  if (!opened.ok()) return opened.status().WithContext(fmt::format("catalog '{}'", name));
  std::shared_ptr<iceberg::Catalog> catalog = std::move(opened).value();
  catalogs_[name] = catalog;
  return catalog;
}

/// The largest checkpoint id this job committed to the table: ids keep increasing across runs.
int64_t LastCheckpointId(const iceberg::TableMetadata& metadata, const std::string& job_id) {
  int64_t last = 0;
  for (const iceberg::Snapshot& snapshot : metadata.snapshots) {
    auto job = snapshot.summary.find(stream::kSummaryJobId);
    auto id = snapshot.summary.find(stream::kSummaryCheckpointId);
    if (job == snapshot.summary.end() || id == snapshot.summary.end()) continue;
    if (job->second != job_id) continue;
    int64_t value = 0;
    const std::string& text = id->second;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error == std::errc() && end == text.data() + text.size()) last = std::max(last, value);
  }
  return last;
}

Result<stream::SinkSlot> Job::OpenKafkaSink(const pipeline::SinkConfig& config,
                                            const iceberg::Schema& schema, int worker) {
  stream::KafkaSinkOptions options;
  options.name = config.name;
  options.topic = config.topic;
  options.properties = config.properties;
  const auto take = [&](const char* key) { return TakeProperty(&options.properties, key); };
  // The sink's brokers default to the source's.
  options.bootstrap_servers = take(kBootstrapKey).value_or(plan_.consumer.bootstrap_servers);
  std::string transactional = take(kTransactionalKey).value_or("false");
  if (transactional != "true" && transactional != "false") {
    return InvalidArgument("properties.{}: expected true or false, got '{}'", kTransactionalKey,
                           transactional);
  }
  options.transactional = transactional == "true";
  if (config.key) options.key_expression = config.key->text;
  options.offsets_group = fmt::format("{}.{}", plan_.config->name, config.name);
  // Unique per process and worker (two processes of one id would fence each other); stable
  // across restarts only when the user names the instance.
  options.transactional_id =
      fmt::format("{}.{}.{}.{}", plan_.config->name, config.name, instance_, worker);
  options.source_topics = plan_.consumer.topics;
  options.mirror_offsets = options.transactional;
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<stream::KafkaSink> sink,
                       stream::KafkaSink::Open(schema, std::move(options)));
  stream::SinkSlot slot;
  slot.where = fmt::format("topic {}", config.topic);
  slot.sink = std::move(sink);
  return slot;
}

Result<stream::SinkSlot> Job::OpenSink(const pipeline::SinkConfig& config,
                                       const iceberg::Schema& schema, const std::string& name) {
  stream::SinkSlot slot;
  if (config.type == pipeline::SinkType::kIceberg) {
    FLOE_ASSIGN_OR_RAISE(std::shared_ptr<iceberg::Catalog> catalog, CatalogFor(config.catalog));
    stream::IcebergSinkOptions options;
    options.name = name;
    options.table = config.table;
    options.create_if_missing = config.create_if_missing;
    if (config.partition_by) options.partition_by = config.partition_by->text;
    options.properties = config.properties;
    options.offsets_group = plan_.config->name;
    options.data_file_prefix = DataFilePrefix(plan_.config->name);
    options.write_parallelism = config.write_parallelism;
    FLOE_ASSIGN_OR_RAISE(std::unique_ptr<stream::IcebergSink> sink,
                         stream::IcebergSink::Open(catalog, schema, std::move(options)));
    last_checkpoint_id_ =
        std::max(last_checkpoint_id_, LastCheckpointId(sink->table().metadata, plan_.config->name));
    slot.where = fmt::format("table {} in catalog '{}'", config.table.ToString(), config.catalog);
    slot.is_table = true;
    slot.sink = std::move(sink);
  } else {
    FLOE_ASSIGN_OR_RAISE(std::unique_ptr<stream::JsonlSink> sink,
                         stream::JsonlSink::Open(schema, {name, config.path}));
    slot.where = fmt::format("file {}", config.path);
    slot.sink = std::move(sink);
  }
  return slot;
}

Result<std::unique_ptr<stream::JobRunner>> Job::OpenWorker(int index) {
  const pipeline::JobConfig& config = *plan_.config;
  const iceberg::Schema& output = *plan_.transforms->output_schema();
  std::vector<stream::SinkSlot> sinks;
  for (const pipeline::SinkConfig& sink : config.sinks) {
    auto slot = sink.type == pipeline::SinkType::kKafka ? OpenKafkaSink(sink, output, index)
                                                        : OpenSink(sink, output, sink.name);
    if (!slot.ok()) return slot.status().WithContext(fmt::format("sink '{}'", sink.name));
    sinks.push_back(std::move(slot).value());
  }
  std::optional<stream::SinkSlot> dead_letter;
  if (config.dead_letter) {
    auto slot = OpenSink(*config.dead_letter, *stream::DeadLetterSchema(), kDeadLetterSinkName);
    if (!slot.ok()) return slot.status().WithContext("dead_letter");
    dead_letter = std::move(slot).value();
  }
  stream::JobRunnerOptions options;
  options.job_id = config.name;
  options.source_schema = plan_.source_schema;
  options.metadata = plan_.metadata;
  options.header_names = plan_.header_names;
  options.transforms = plan_.transforms;
  options.event_time_column = plan_.event_time_column;
  options.max_out_of_orderness_micros = plan_.max_out_of_orderness;
  options.event_time_units_per_micro = plan_.event_time_units_per_micro;
  options.checkpoint_interval = config.checkpoint.interval;
  options.checkpoint_min_pause = config.checkpoint.min_pause;
  options.checkpoint_timeout = config.checkpoint.timeout;
  options.tolerable_checkpoint_failures = config.checkpoint.tolerable_failures;
  options.warn = [this](const std::string& message) {
    std::lock_guard lock(err_mutex_);
    err_ << "floe: warning: " << message << "\n";
    err_.flush();
  };
  options.info = [this](const std::string& message) {
    std::lock_guard lock(err_mutex_);
    err_ << "floe: " << message << "\n";
    err_.flush();
  };
  options.worker = index;
  options.last_checkpoint_id = last_checkpoint_id_;
  options.stop_when_idle = options_.stop_when_idle;
  options.stop = &g_stop;
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<stream::JobRunner> runner,
                       stream::JobRunner::Make(std::move(options), std::move(sinks),
                                               std::move(dead_letter), &counters_));
  if (plan_.source->type == pipeline::SourceType::kKafka) {
    stream::KafkaSourceOptions source_options;
    source_options.name = plan_.source->name;
    source_options.consumer = plan_.consumer;
    source_options.consumer.client_id = fmt::format("{}-{}", plan_.consumer.client_id, index);
    FLOE_ASSIGN_OR_RAISE(std::unique_ptr<stream::KafkaSource> source,
                         stream::KafkaSource::Open(std::move(source_options), runner.get()));
    runner->set_source(std::move(source));
  } else {
    FLOE_ASSIGN_OR_RAISE(
        std::unique_ptr<stream::FileSource> source,
        stream::FileSource::Open(plan_.source->name, plan_.source->path, runner.get()));
    runner->set_source(std::move(source));
  }
  return runner;
}

Status Job::Open() {
  for (const pipeline::SinkConfig& sink : plan_.config->sinks) counters_.written[sink.name] = 0;
  counters_.written[kDeadLetterSinkName] = 0;
  for (int i = 0; i < plan_.workers; ++i) {
    FLOE_ASSIGN_OR_RAISE(std::unique_ptr<stream::JobRunner> worker, OpenWorker(i));
    workers_.push_back(std::move(worker));
  }
  return DeleteOrphans();
}

Status Job::DeleteOrphans() {
  // A live process of this job commits or deletes its files within this long: each checkpoint
  // ends within interval + timeout, and a file waits through at most tolerable_failures + 1 of
  // them. Older unreferenced files of the job are from attempts that died.
  const pipeline::CheckpointConfig& checkpoint = plan_.config->checkpoint;
  const auto oldest_live = (checkpoint.interval + checkpoint.min_pause + checkpoint.timeout) *
                           (checkpoint.tolerable_failures + 1);
  const int64_t before_ms = NowMillis() - oldest_live.count();
  const stream::JobRunner& first = *workers_.front();
  std::vector<const stream::SinkSlot*> slots;
  for (const stream::SinkSlot& slot : first.sinks()) slots.push_back(&slot);
  if (first.dead_letter() != nullptr) slots.push_back(first.dead_letter());
  for (const stream::SinkSlot* slot : slots) {
    auto* sink = dynamic_cast<const stream::IcebergSink*>(slot->sink.get());
    if (sink == nullptr) continue;
    auto cleanup = sink->DeleteOrphanFiles(before_ms);
    if (!cleanup.ok()) {
      // Orphans only take space: say so and go on.
      std::lock_guard lock(err_mutex_);
      err_ << "floe: warning: sink '" << sink->name()
           << "': could not delete orphan files: " << cleanup.status().message() << "\n";
      continue;
    }
    if (cleanup->deleted > 0) {
      std::lock_guard lock(err_mutex_);
      err_ << fmt::format(
          "floe: sink '{}': deleted {} files of attempts that never committed from {}\n",
          sink->name(), cleanup->deleted, slot->where);
    }
  }
  return Status::Ok();
}

RunCounters Job::Counters() const {
  RunCounters counters;
  counters.records_in = counters_.records_in;
  counters.filtered_out = counters_.filtered_out;
  counters.passed = counters_.passed;
  counters.dead_lettered = counters_.dead_lettered;
  counters.late_rows = counters_.late_rows;
  counters.bytes_in = counters_.bytes_in;
  counters.checkpoints = counters_.checkpoints;
  counters.commit_seconds = static_cast<double>(counters_.commit_micros) / 1e6;
  if (counters_.first_record_micros > 0) {
    counters.active_seconds =
        static_cast<double>(counters_.last_record_micros - counters_.first_record_micros) / 1e6;
  }
  counters.skipped_lines = counters_.skipped;
  for (const auto& [name, written] : counters_.written) counters.written[name] = written;
  return counters;
}

void Job::Progress(bool final) {
  const RunCounters c = Counters();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  const double rate = seconds > 0 ? static_cast<double>(c.records_in) / seconds : 0;
  const double mb_rate = seconds > 0 ? static_cast<double>(c.bytes_in) / 1e6 / seconds : 0;
  std::lock_guard lock(err_mutex_);
  err_ << fmt::format(
      "{} {}: in={} passed={} filtered={} dead_lettered={} late={} bytes={} checkpoints={} "
      "({:.1f} s, {:.0f} records/s, {:.1f} MB/s)\n",
      final ? "done" : "running", plan_.config->name, c.records_in, c.passed, c.filtered_out,
      c.dead_lettered, c.late_rows, c.bytes_in, c.checkpoints, seconds, rate, mb_rate);
  err_.flush();
}

Status Job::Run() {
  std::mutex mutex;
  std::condition_variable done_signal;
  bool done = false;
  std::thread reporter([&] {
    std::unique_lock lock(mutex);
    while (!done_signal.wait_for(lock, options_.progress_interval, [&] { return done; })) {
      Progress(false);
    }
  });
  std::vector<Status> results(workers_.size());
  std::vector<std::thread> threads;
  for (size_t i = 1; i < workers_.size(); ++i) {
    threads.emplace_back([&, i] {
      results[i] = workers_[i]->Run();
      if (!results[i].ok()) g_stop.store(true);  // one worker failed: the others stop too
    });
  }
  results[0] = workers_[0]->Run();
  if (!results[0].ok()) g_stop.store(true);
  for (std::thread& thread : threads) thread.join();
  {
    std::lock_guard lock(mutex);
    done = true;
  }
  done_signal.notify_all();
  reporter.join();
  for (const Status& status : results) FLOE_RETURN_IF_ERROR(status);
  Progress(true);
  Summary();
  return Status::Ok();
}

void Job::Summary() {
  const RunCounters c = Counters();
  out_ << fmt::format(
      "summary: in={} written={} filtered={} dead_lettered={} late={} bytes={} checkpoints={} "
      "commit_seconds={:.3f} active_seconds={:.3f} skipped_lines={}\n",
      c.records_in, c.passed, c.filtered_out, c.dead_lettered, c.late_rows, c.bytes_in,
      c.checkpoints, c.commit_seconds, c.active_seconds, c.skipped_lines);
  const stream::JobRunner& first = *workers_.front();
  const auto describe = [&](const stream::SinkSlot& slot) {
    std::string location;
    if (auto* iceberg = dynamic_cast<const stream::IcebergSink*>(slot.sink.get())) {
      location = fmt::format(" (metadata {})", iceberg->table().metadata_location);
    }
    out_ << fmt::format("sink {}: wrote {} rows to {}{}\n", slot.sink->name(),
                        c.written.at(slot.sink->name()), slot.where, location);
  };
  for (const stream::SinkSlot& slot : first.sinks()) describe(slot);
  if (first.dead_letter() != nullptr) describe(*first.dead_letter());
  if (auto watermark = first.watermark()) {
    out_ << fmt::format("watermark: {} (micros since the epoch)\n", *watermark);
  }
}

void PrintError(std::ostream& err, const Status& status) {
  err << "floe: error: " << status.message() << " (" << ErrorKindName(status.kind()) << ")\n";
}

}  // namespace

Result<RunCounters> RunJob(const pipeline::JobConfig& config, std::ostream& out, std::ostream& err,
                           const RunOptions& options) {
  FLOE_ASSIGN_OR_RAISE(JobPlan plan, Prepare(config));
  Job job(std::move(plan), options, out, err);
  FLOE_RETURN_IF_ERROR(job.Open());
  FLOE_RETURN_IF_ERROR(job.Run());
  return job.Counters();
}

int RunJobCommand(const std::string& job_path, const std::vector<std::string>& overrides,
                  const RunOptions& options, std::ostream& out, std::ostream& err) {
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
  g_stop.store(false);
  std::signal(SIGINT, OnStopSignal);
  std::signal(SIGTERM, OnStopSignal);
  Job job(std::move(plan).value(), options, out, err);
  Status status = job.Open();
  if (status.ok()) status = job.Run();
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  if (!status.ok()) {
    PrintError(err, status);
    return kExitError;
  }
  return 0;
}

}  // namespace floe::cli
