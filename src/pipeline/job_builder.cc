#include "pipeline/job_builder.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <iterator>
#include <thread>

#include "iceberg/rest/rest_catalog.h"
#include "kafka/producer.h"
#include "kafka/topic_creation.h"
#include "pipeline/job_loader.h"
#include "stream/job_files.h"
#include "stream/sink/column_selecting_sink.h"
#include "stream/sink/dead_letter.h"
#include "stream/sink/iceberg_upsert_sink.h"
#include "stream/sink/jsonl_sink.h"
#include "stream/source/file_source.h"
#include "stream/source/kafka_source.h"
#include "stream/window/watermark_header.h"

namespace floe::pipeline {

namespace {

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

/// The name under which an envelope column that only a sink's `columns:` asks for travels in
/// the rows: not a name a job file can give (sinks without `columns:` leave it out).
std::string HiddenColumnName(stream::MetadataColumn metadata) {
  return fmt::format("__floe_metadata_{}", static_cast<int>(metadata));
}

bool IsHidden(const std::string& name) { return name.starts_with("__floe_metadata_"); }

/// The source column holding `metadata`: the first the source declares, else the hidden one.
std::string MetadataSourceName(const SourceConfig& source, stream::MetadataColumn metadata) {
  for (const ColumnConfig& column : source.schema) {
    if (column.metadata == metadata) return column.name;
  }
  return HiddenColumnName(metadata);
}

/// The source schema, its metadata columns and the event time of `plan->source`.
Status PlanSource(const JobConfig& config, JobPlan* plan) {
  std::vector<iceberg::NestedField> fields;
  int32_t id = 1;
  for (const ColumnConfig& column : plan->source->schema) {
    fields.push_back(iceberg::NestedField{id++, column.name, column.required, column.type, ""});
    plan->metadata.push_back(column.metadata);
    plan->header_names.push_back(column.header);
  }
  // Envelope columns that sinks' `columns:` ask for and the source does not declare.
  for (const SinkConfig& sink : config.sinks) {
    for (const SinkColumnConfig& column : sink.columns) {
      if (column.metadata == stream::MetadataColumn::kNone) continue;
      const std::string name = MetadataSourceName(*plan->source, column.metadata);
      const bool known = std::any_of(fields.begin(), fields.end(),
                                     [&](const auto& field) { return field.name == name; });
      if (known) continue;
      fields.push_back(iceberg::NestedField{
          id++, name, false, iceberg::Type::Primitive(stream::MetadataTypeId(column.metadata)),
          ""});
      plan->metadata.push_back(column.metadata);
      plan->header_names.emplace_back();
    }
    if (sink.mode == SinkMode::kUpsert) {
      for (const std::string& key : sink.primary_key) {
        if (std::find(plan->key_columns.begin(), plan->key_columns.end(), key) ==
            plan->key_columns.end()) {
          plan->key_columns.push_back(key);
        }
      }
    }
  }
  plan->change_stream = plan->source->format == RecordFormat::kDebeziumJson;
  plan->source_schema = std::make_shared<const iceberg::Schema>(0, std::move(fields));
  if (!plan->source->event_time) return Status::Ok();
  const EventTimeConfig& event_time = *plan->source->event_time;
  const iceberg::NestedField* field = plan->source_schema->FindFieldByName(event_time.column);
  if (field == nullptr) {
    return InvalidArgument("{}: unknown event-time column '{}'", config.file, event_time.column);
  }
  plan->event_time_column = plan->source_schema->FieldIndexById(field->id);
  const bool nanos = field->type->id() == iceberg::TypeId::kTimestampNs ||
                     field->type->id() == iceberg::TypeId::kTimestampTzNs;
  plan->event_time_units_per_micro = nanos ? 1000 : 1;
  plan->max_out_of_orderness =
      std::chrono::duration_cast<std::chrono::microseconds>(event_time.max_out_of_orderness)
          .count() *
      plan->event_time_units_per_micro;
  return Status::Ok();
}

/// The number of cores (1 if unknown).
int DefaultParallelism() {
  const unsigned cores = std::thread::hardware_concurrency();
  return cores > 0 ? static_cast<int>(cores) : 1;
}

/// The job's window step, or nullptr.
const stream::TransformSpec* FindWindow(const JobConfig& config) {
  for (const stream::TransformSpec& spec : config.transforms) {
    if (spec.type == stream::TransformType::kWindow) return &spec;
  }
  return nullptr;
}

/// Why a job must run its rows through one thread, or empty: a window's groups and an upsert
/// table's key index see every row, in order (routing rows by key is not implemented).
std::string SingleThreadReason(const JobConfig& config) {
  for (const SinkConfig& sink : config.sinks) {
    if (sink.mode == SinkMode::kUpsert) return fmt::format("upsert sink '{}'", sink.name);
  }
  if (config.sources.front().format == RecordFormat::kDebeziumJson) return "a change stream";
  return "";
}

/// Workers (Kafka) or lanes (files) of `plan`, with the reason when fewer than asked.
void PlanParallelism(const JobConfig& config, bool kafka_source, JobPlan* plan) {
  const bool set = config.parallelism > 0;
  const int parallelism = set ? config.parallelism : DefaultParallelism();
  const stream::TransformSpec* window = FindWindow(config);
  if (window != nullptr && kafka_source &&
      (!window->window.input_keyed_by.empty() || window->window.repartition)) {
    // Every key is in one partition: state per partition, and the partitions are shared by the
    // workers (and processes) of the group like any Kafka job's.
    plan->workers = parallelism;
    plan->window_per_partition = true;
    return;
  }
  if (window != nullptr) {
    // One worker reads and commits; the parallelism spreads the window's group keys over as many
    // shards, each on a thread of its own (stream/window/window_step.h).
    plan->workers = 1;
    plan->lanes = 1;
    plan->window_shards = static_cast<size_t>(parallelism);
    return;
  }
  std::string reason = SingleThreadReason(config);
  if (kafka_source) {
    plan->workers = parallelism;
    if (set || parallelism == 1) return;
    const bool jsonl = std::any_of(config.sinks.begin(), config.sinks.end(),
                                   [](const auto& sink) { return sink.type == SinkType::kJsonl; });
    if (reason.empty() && jsonl) reason = "a jsonl sink (one writer)";
    if (reason.empty()) return;
    plan->workers = 1;
  } else {
    plan->lanes = parallelism;
    if (reason.empty() || parallelism == 1) return;
    plan->lanes = 1;
  }
  plan->parallelism_note = fmt::format(
      "one thread instead of {}: {} sees every row in order (routing rows by key to several "
      "threads is not implemented)",
      parallelism, reason);
}

/// <host>-<pid>: unique among the processes of a job.
std::string DefaultInstance() {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0 || host[0] == '\0') std::strcpy(host, "host");
  return fmt::format("{}-{}", host, getpid());
}

}  // namespace

Result<kafka::ConsumerOptions> ConsumerOptionsFor(const JobConfig& config,
                                                  const SourceConfig& source) {
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
    auto parsed = ParseDuration(*timeout);
    if (!parsed.ok()) {
      return InvalidArgument("{}: properties.{}: {}", where, kErrorTimeoutKey,
                             parsed.status().message());
    }
    options.error_timeout = *parsed;
  }
  return options;
}

namespace {

/// The transform chain, and the window step when there is one (the last step, for now).
Status PlanTransforms(const JobConfig& config, JobPlan* plan) {
  const auto window = std::find_if(config.transforms.begin(), config.transforms.end(),
                                   [](const stream::TransformSpec& spec) {
                                     return spec.type == stream::TransformType::kWindow;
                                   });
  const std::vector<stream::TransformSpec> chain_specs(config.transforms.begin(), window);
  FLOE_ASSIGN_OR_RAISE(stream::TransformChain chain,
                       stream::TransformChain::Make(plan->source_schema, chain_specs));
  plan->transforms = std::make_shared<const stream::TransformChain>(std::move(chain));
  plan->output_schema = plan->transforms->output_schema();
  if (window == config.transforms.end()) return Status::Ok();
  if (window + 1 != config.transforms.end()) {
    return NotSupported("{}: a window must be the last transform for now", window->label);
  }
  const bool has_table = std::any_of(config.sinks.begin(), config.sinks.end(),
                                     [](const auto& s) { return s.type == SinkType::kIceberg; });
  if (!has_table) {
    return NotSupported(
        "{}: a window step needs an iceberg sink: its open windows are state that commits with "
        "the table's snapshots",
        window->label);
  }
  const EventTimeConfig& event_time = *plan->source->event_time;  // checked by the loader
  stream::window::EventTimeSpec time{
      event_time.column,
      std::chrono::duration_cast<std::chrono::microseconds>(event_time.max_out_of_orderness)
          .count(),
      event_time.idle_timeout.count()};
  auto op = stream::window::WindowOperator::Make(plan->transforms->output_schema(), window->window,
                                                 time, "window");
  if (!op.ok()) return op.status().WithContext(window->label);
  plan->window = std::make_shared<const stream::window::WindowOperator>(std::move(op).value());
  plan->window_state_name =
      fmt::format("window.{}", std::distance(config.transforms.begin(), window));
  plan->output_schema = plan->window->output_schema();
  if (window->window.repartition) {
    plan->repartition = true;
    // Named after the consumer group (the job's name unless the source sets group.id), as Kafka
    // Streams names it after its application id: another group of the same job (a second
    // deployment) has its own topic instead of reading this one's rows.
    plan->repartition_topic =
        fmt::format("{}.{}.repartition", plan->consumer.group_id, plan->window_state_name);
  }
  return Status::Ok();
}

}  // namespace

Result<JobPlan> PlanJob(const JobConfig& config) {
  JobPlan plan;
  plan.config = &config;
  if (config.sources.size() != 1) {
    return NotSupported("{}: a job with {} sources: floe run takes exactly one for now",
                        config.file, config.sources.size());
  }
  plan.source = &config.sources.front();
  const bool kafka_source = plan.source->type == SourceType::kKafka;
  if (kafka_source) {
    FLOE_ASSIGN_OR_RAISE(plan.consumer, ConsumerOptionsFor(config, *plan.source));
  }
  PlanParallelism(config, kafka_source, &plan);
  FLOE_RETURN_IF_ERROR(PlanSource(config, &plan));
  FLOE_RETURN_IF_ERROR(PlanTransforms(config, &plan));

  for (const SinkConfig& sink : config.sinks) {
    if (sink.type == SinkType::kKafka && !kafka_source) {
      return NotSupported(
          "{}: sink '{}': a kafka sink records its progress as consumer-group offsets of the "
          "source's topics, so it needs a kafka source",
          config.file, sink.name);
    }
    if (sink.type == SinkType::kJsonl && plan.workers > 1) {
      return NotSupported("{}: sink '{}': a jsonl file takes one writer; set job.parallelism to 1",
                          config.file, sink.name);
    }
  }
  if (config.dead_letter && config.dead_letter->type != SinkType::kIceberg) {
    return NotSupported("{}: dead_letter must be an iceberg sink", config.file);
  }
  return plan;
}

Result<stream::KafkaSinkOptions> KafkaSinkOptionsFor(const JobPlan& plan, const SinkConfig& sink,
                                                     const std::string& instance, int worker) {
  stream::KafkaSinkOptions options;
  options.name = sink.name;
  options.topic = sink.topic;
  options.properties = sink.properties;
  const auto take = [&](const char* key) { return TakeProperty(&options.properties, key); };
  // The sink's brokers default to the source's.
  options.bootstrap_servers = take(kBootstrapKey).value_or(plan.consumer.bootstrap_servers);
  std::string transactional = take(kTransactionalKey).value_or("false");
  if (transactional != "true" && transactional != "false") {
    return InvalidArgument("properties.{}: expected true or false, got '{}'", kTransactionalKey,
                           transactional);
  }
  options.transactional = transactional == "true";
  if (sink.key) options.key_expression = sink.key->text;
  options.offsets_group = fmt::format("{}.{}", plan.config->name, sink.name);
  // Unique per process and worker (two processes of one id would fence each other); stable
  // across restarts only when the user names the instance.
  options.transactional_id = fmt::format("{}.{}.{}.{}", plan.config->name, sink.name,
                                         instance.empty() ? DefaultInstance() : instance, worker);
  options.source_topics = plan.consumer.topics;
  return options;
}

std::optional<std::vector<stream::SelectedColumn>> SinkColumns(const JobPlan& plan,
                                                               const SinkConfig& sink,
                                                               const iceberg::Schema& rows) {
  std::vector<stream::SelectedColumn> selected;
  if (sink.columns.empty()) {
    bool hidden = false;
    for (const iceberg::NestedField& field : rows.fields()) {
      if (IsHidden(field.name)) {
        hidden = true;
      } else {
        selected.push_back({field.name, field.name});
      }
    }
    if (!hidden) return std::nullopt;
    return selected;
  }
  for (const SinkColumnConfig& column : sink.columns) {
    selected.push_back({column.name, column.metadata == stream::MetadataColumn::kNone
                                         ? column.name
                                         : MetadataSourceName(*plan.source, column.metadata)});
  }
  return selected;
}

stream::IcebergSinkOptions IcebergSinkOptionsFor(const JobConfig& config, const SinkConfig& sink,
                                                 const std::string& name, int default_writers) {
  stream::IcebergSinkOptions options;
  options.name = name;
  options.job_id = config.name;
  options.table = sink.table;
  options.create_if_missing = sink.create_if_missing;
  if (sink.partition_by) options.partition_by = sink.partition_by->text;
  options.properties = sink.properties;
  options.offsets_group = config.name;
  options.data_file_prefix = stream::JobFilePrefix(config.name);
  options.write_parallelism = sink.write_parallelism > 0 ? sink.write_parallelism : default_writers;
  return options;
}

Result<std::shared_ptr<iceberg::Catalog>> JobBuilder::CatalogFor(const std::string& name) {
  auto found = catalogs_.find(name);
  if (found != catalogs_.end()) return found->second;
  const JobConfig& config = *plan_.config;
  const CatalogConfig* catalog_config = config.FindCatalog(name);
  if (catalog_config == nullptr) {
    return InvalidArgument("{}: unknown catalog '{}'", config.file, name);
  }
  const PropertyMap& properties = catalog_config->properties;
  Result<std::shared_ptr<iceberg::Catalog>> opened = std::shared_ptr<iceberg::Catalog>();
  if (catalog_config->type == CatalogType::kRest) {
    opened = iceberg::OpenRestCatalog(properties);
  } else {
    // sql and hadoop catalogs keep their tables under a warehouse location.
    auto warehouse = properties.find("warehouse");
    if (warehouse == properties.end()) {
      return InvalidArgument("{}: catalog '{}' has no warehouse", config.file, name);
    }
    opened = catalog_config->type == CatalogType::kSql
                 ? iceberg::OpenWarehouseCatalog(warehouse->second, properties)
                 : iceberg::OpenHadoopCatalog(warehouse->second);
  }
  if (!opened.ok()) return opened.status().WithContext(fmt::format("catalog '{}'", name));
  std::shared_ptr<iceberg::Catalog> catalog = std::move(opened).value();
  catalogs_[name] = catalog;
  return catalog;
}

Result<stream::SinkSlot> JobBuilder::OpenSink(const SinkConfig& config,
                                              const iceberg::Schema& schema,
                                              const std::string& name, int worker) {
  std::optional<std::vector<stream::SelectedColumn>> columns = SinkColumns(plan_, config, schema);
  if (!columns) return OpenSinkOf(config, schema, name, worker);
  auto selected = stream::SelectColumns(schema, *columns);
  if (!selected.ok()) {
    return InvalidArgument("{}: {}",
                           config.columns.empty() ? config.location.ToString()
                                                  : config.location.ToString() + ".columns",
                           selected.status().message());
  }
  FLOE_ASSIGN_OR_RAISE(stream::SinkSlot slot, OpenSinkOf(config, *selected, name, worker));
  // The slot's table (if any) stays the inner sink, which the wrapper owns.
  FLOE_ASSIGN_OR_RAISE(slot.sink,
                       stream::ColumnSelectingSink::Make(std::move(slot.sink), schema, *columns));
  return slot;
}

Result<stream::SinkSlot> JobBuilder::OpenSinkOf(const SinkConfig& config,
                                                const iceberg::Schema& schema,
                                                const std::string& name, int worker) {
  switch (config.type) {
    case SinkType::kIceberg: {
      FLOE_ASSIGN_OR_RAISE(std::shared_ptr<iceberg::Catalog> catalog, CatalogFor(config.catalog));
      const std::string where =
          fmt::format("table {} in catalog '{}'", config.table.ToString(), config.catalog);
      if (config.mode == SinkMode::kUpsert) {
        stream::IcebergUpsertSinkOptions options;
        options.table = IcebergSinkOptionsFor(*plan_.config, config, name, plan_.lanes);
        options.primary_key = config.primary_key;
        options.equality_deletes = config.delete_mode == DeleteMode::kEquality;
        FLOE_ASSIGN_OR_RAISE(std::unique_ptr<stream::IcebergUpsertSink> sink,
                             stream::IcebergUpsertSink::Open(catalog, schema, std::move(options)));
        return stream::SinkSlot::ForTable(std::move(sink), where);
      }
      FLOE_ASSIGN_OR_RAISE(
          std::unique_ptr<stream::IcebergSink> sink,
          stream::IcebergSink::Open(
              catalog, schema, IcebergSinkOptionsFor(*plan_.config, config, name, plan_.lanes)));
      return stream::SinkSlot::ForTable(
          std::move(sink),
          fmt::format("table {} in catalog '{}'", config.table.ToString(), config.catalog));
    }
    case SinkType::kKafka: {
      FLOE_ASSIGN_OR_RAISE(stream::KafkaSinkOptions options,
                           KafkaSinkOptionsFor(plan_, config, instance_, worker));
      options.warn = warn_;
      FLOE_ASSIGN_OR_RAISE(std::unique_ptr<stream::KafkaSink> sink,
                           stream::KafkaSink::Open(schema, std::move(options)));
      return stream::SinkSlot::For(std::move(sink), fmt::format("topic {}", config.topic));
    }
    case SinkType::kJsonl:
      break;
  }
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<stream::JsonlSink> sink,
                       stream::JsonlSink::Open(schema, {name, config.path}));
  return stream::SinkSlot::For(std::move(sink), fmt::format("file {}", config.path));
}

Result<std::unique_ptr<stream::Source>> JobBuilder::OpenKafkaSource(
    kafka::ConsumerOptions consumer, int worker, const std::string& stage,
    stream::PartitionListener* listener) const {
  stream::KafkaSourceOptions options;
  options.name = plan_.source->name;
  options.consumer = std::move(consumer);
  options.consumer.client_id = fmt::format("{}-{}{}", plan_.consumer.client_id, worker, stage);
  // A named process is a static group member per worker: restarted under its name it gets
  // its partitions back at once instead of after its dead session's timeout.
  if (!instance_.empty()) {
    options.consumer.instance_id =
        fmt::format("{}.{}.{}{}", plan_.config->name, instance_, worker, stage);
  }
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<stream::KafkaSource> source,
                       stream::KafkaSource::Open(std::move(options), listener));
  return std::unique_ptr<stream::Source>(std::move(source));
}

Result<std::unique_ptr<stream::Source>> JobBuilder::OpenSource(
    int worker, stream::PartitionListener* listener) const {
  if (plan_.source->type == SourceType::kKafka && plan_.repartition) {
    // Stage 2 reads the repartition topic (read_committed, librdkafka's default): only rows
    // whose input offsets stage 1 committed with them.
    kafka::ConsumerOptions consumer = plan_.consumer;
    consumer.topics = {plan_.repartition_topic};
    consumer.start = kafka::StartMode::kEarliest;
    return OpenKafkaSource(std::move(consumer), worker, ".window", listener);
  }
  if (plan_.source->type == SourceType::kKafka) {
    return OpenKafkaSource(plan_.consumer, worker, "", listener);
  }
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<stream::FileSource> source,
                       stream::FileSource::Open(plan_.source->name, plan_.source->path, listener));
  // Chunks of regular files own their memory, so plan_.lanes threads can prepare them at once.
  source->set_detached(plan_.lanes > 1);
  return std::unique_ptr<stream::Source>(std::move(source));
}

Status JobBuilder::PrepareRepartition() {
  if (repartition_partitions_ > 0) return Status::Ok();
  const std::string where = fmt::format("repartition topic '{}'", plan_.repartition_topic);
  kafka::ProducerOptions probe;
  probe.bootstrap_servers = plan_.consumer.bootstrap_servers;
  probe.properties = plan_.consumer.properties;
  probe.client_id = fmt::format("{}-repartition", plan_.consumer.client_id);
  auto producer = kafka::Producer::Make(std::move(probe));
  if (!producer.ok()) return producer.status().WithContext(where);
  int32_t input_partitions = 0;
  for (const std::string& topic : plan_.consumer.topics) {
    auto count = (*producer)->PartitionCount(topic);
    if (!count.ok()) return count.status().WithContext(where);
    input_partitions += *count;
  }
  auto made =
      kafka::EnsureTopic(plan_.consumer.bootstrap_servers, plan_.consumer.properties,
                         plan_.repartition_topic, input_partitions, plan_.consumer.error_timeout);
  if (!made.ok()) return made.status().WithContext(where);

  // Stage 2 decodes the rows stage 1 encoded (the window's input) and the floe.wm header.
  const iceberg::Schema& rows = *plan_.window->input_schema();
  std::vector<iceberg::NestedField> fields = rows.fields();
  fields.push_back(iceberg::NestedField{static_cast<int32_t>(fields.size() + 1),
                                        std::string(stream::window::kWatermarkHeader), false,
                                        iceberg::Type::Primitive(iceberg::TypeId::kString), ""});
  repartition_schema_ = std::make_shared<const iceberg::Schema>(0, std::move(fields));
  const EventTimeConfig& event_time = *plan_.source->event_time;
  stream::window::EventTimeSpec time{
      event_time.column,
      std::chrono::duration_cast<std::chrono::microseconds>(event_time.max_out_of_orderness)
          .count(),
      event_time.idle_timeout.count()};
  time.repartition_topic = plan_.repartition_topic;
  time.source_clock_column = std::string(stream::window::kWatermarkHeader);
  time.source_partitions = input_partitions;
  auto op = stream::window::WindowOperator::Make(repartition_schema_, plan_.window->spec(), time,
                                                 "window");
  if (!op.ok()) return op.status().WithContext(where);
  repartition_window_ =
      std::make_shared<const stream::window::WindowOperator>(std::move(op).value());
  repartition_partitions_ = *made;
  return Status::Ok();
}

void JobBuilder::SetRepartitionedInput(stream::JobRunnerOptions* options) const {
  const size_t columns = repartition_schema_->fields().size();
  options->source_schema = repartition_schema_;
  options->metadata.assign(columns, stream::MetadataColumn::kNone);
  options->metadata.back() = stream::MetadataColumn::kHeader;
  options->header_names.assign(columns, "");
  options->header_names.back() = std::string(stream::window::kWatermarkHeader);
  options->transforms = nullptr;
  options->window = repartition_window_;
  const auto* time = repartition_schema_->FindFieldByName(plan_.source->event_time->column);
  options->event_time_column = static_cast<int>(time - repartition_schema_->fields().data());
  options->event_time_units_per_micro = 1;  // the window's input holds microseconds
  options->count_late_rows = false;         // stage 1 judged them per source partition
}

Result<std::unique_ptr<stream::JobRunner>> JobBuilder::BuildRepartitionWriter(
    int index, stream::JobRunnerOptions runtime, stream::JobCounters* counters) {
  FLOE_RETURN_IF_ERROR(PrepareRepartition());
  const iceberg::Schema& rows = *plan_.window->input_schema();
  stream::KafkaSinkOptions sink;
  sink.name = kRepartitionSinkName;
  sink.bootstrap_servers = plan_.consumer.bootstrap_servers;
  sink.properties = plan_.consumer.properties;
  sink.topic = plan_.repartition_topic;
  sink.transactional = true;
  // The input offsets commit under the job's own group, with the rows they produced.
  sink.offsets_group = plan_.consumer.group_id;
  sink.transactional_id = fmt::format("{}.{}.{}", plan_.repartition_topic,
                                      instance_.empty() ? DefaultInstance() : instance_, index);
  sink.source_topics = plan_.consumer.topics;
  sink.warn = runtime.warn;
  const auto window = plan_.window;
  stream::KafkaRepartition repartition;
  repartition.route = [window](const stream::RecordBatch& batch, Selection selection,
                               uint32_t partitions, uint32_t* partition_of) {
    window->Route(batch, selection, 0, selection.count, partitions, partition_of);
  };
  const auto* time = rows.FindFieldByName(plan_.source->event_time->column);
  repartition.event_time_column = static_cast<int>(time - rows.fields().data());
  sink.repartition = std::move(repartition);
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<stream::KafkaSink> writer,
                       stream::KafkaSink::Open(rows, std::move(sink)));
  std::vector<stream::SinkSlot> sinks;
  sinks.push_back(
      stream::SinkSlot::For(std::move(writer), fmt::format("topic {}", plan_.repartition_topic)));
  FLOE_ASSIGN_OR_RAISE(std::optional<stream::SinkSlot> dead_letter, OpenDeadLetter(index));
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<stream::JobRunner> runner,
                       stream::JobRunner::Make(RunnerOptions(index, std::move(runtime)),
                                               std::move(sinks), std::move(dead_letter), counters));
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<stream::Source> source,
                       OpenKafkaSource(plan_.consumer, index, "", runner.get()));
  runner->set_source(std::move(source));
  return runner;
}

stream::JobRunnerOptions JobBuilder::RunnerOptions(int index,
                                                   stream::JobRunnerOptions runtime) const {
  const JobConfig& config = *plan_.config;
  stream::JobRunnerOptions options = std::move(runtime);
  options.job_id = config.name;
  options.source_schema = plan_.source_schema;
  options.metadata = plan_.metadata;
  options.header_names = plan_.header_names;
  options.changes.enabled = plan_.change_stream;
  options.changes.key_columns = plan_.key_columns;
  options.transforms = plan_.transforms;
  options.event_time_column = plan_.event_time_column;
  options.max_out_of_orderness_micros = plan_.max_out_of_orderness;
  options.event_time_units_per_micro = plan_.event_time_units_per_micro;
  options.checkpoint.interval = config.checkpoint.interval;
  options.checkpoint.min_pause = config.checkpoint.min_pause;
  options.checkpoint.timeout = config.checkpoint.timeout;
  options.checkpoint.tolerable_failures = config.checkpoint.tolerable_failures;
  options.worker = index;
  return options;
}

Result<std::optional<stream::SinkSlot>> JobBuilder::OpenDeadLetter(int worker) {
  const JobConfig& config = *plan_.config;
  if (!config.dead_letter) return std::optional<stream::SinkSlot>();
  auto slot =
      OpenSink(*config.dead_letter, *stream::DeadLetterSchema(), kDeadLetterSinkName, worker);
  if (!slot.ok()) return slot.status().WithContext("dead_letter");
  return std::optional<stream::SinkSlot>(std::move(slot).value());
}

void JobBuilder::InitCounters(stream::JobCounters* counters) const {
  for (const SinkConfig& sink : plan_.config->sinks) counters->written[sink.name] = 0;
  counters->written[kDeadLetterSinkName] = 0;
}

Result<std::unique_ptr<stream::JobRunner>> JobBuilder::BuildWorker(int index,
                                                                   stream::JobRunnerOptions runtime,
                                                                   stream::JobCounters* counters) {
  const JobConfig& config = *plan_.config;
  const iceberg::Schema& output = *plan_.output_schema;
  warn_ = runtime.warn;
  std::vector<stream::SinkSlot> sinks;
  for (const SinkConfig& sink : config.sinks) {
    auto slot = OpenSink(sink, output, sink.name, index);
    if (!slot.ok()) return slot.status().WithContext(fmt::format("sink '{}'", sink.name));
    sinks.push_back(std::move(slot).value());
  }
  FLOE_ASSIGN_OR_RAISE(std::optional<stream::SinkSlot> dead_letter, OpenDeadLetter(index));
  stream::JobRunnerOptions options = RunnerOptions(index, std::move(runtime));
  options.window = plan_.window;
  options.window_state_name = plan_.window_state_name;
  options.window_shards = plan_.window_shards;
  options.window_per_partition = plan_.window_per_partition;
  options.lanes = plan_.lanes;
  if (plan_.repartition) {
    FLOE_RETURN_IF_ERROR(PrepareRepartition());
    SetRepartitionedInput(&options);
  }
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<stream::JobRunner> runner,
                       stream::JobRunner::Make(std::move(options), std::move(sinks),
                                               std::move(dead_letter), counters));
  FLOE_ASSIGN_OR_RAISE(std::unique_ptr<stream::Source> source, OpenSource(index, runner.get()));
  runner->set_source(std::move(source));
  return runner;
}

stream::JobDescription JobBuilder::Describe() const {
  const JobConfig& config = *plan_.config;
  const SourceConfig& source = *plan_.source;
  stream::JobDescription d;
  d.name = config.name;
  const bool kafka = source.type == SourceType::kKafka;
  d.source = {source.name, kafka ? "kafka" : "file",
              kafka ? fmt::format("topics {}", fmt::join(plan_.consumer.topics, ","))
                    : fmt::format("file {}", source.path)};
  for (const stream::TransformSpec& transform : config.transforms) {
    if (transform.type == stream::TransformType::kFilter) {
      d.transforms.push_back({"filter", "filter", transform.filter.where.text});
      continue;
    }
    std::vector<std::string> added;
    for (const stream::NamedExpression& add : transform.project.add) added.push_back(add.name);
    d.transforms.push_back({"project", "project", fmt::format("add {}", fmt::join(added, ", "))});
  }
  const auto describe = [](const SinkConfig& sink, std::string kind) -> stream::JobNode {
    switch (sink.type) {
      case SinkType::kIceberg:
        return {sink.name, std::move(kind),
                fmt::format("table {} in catalog '{}'", sink.table.ToString(), sink.catalog)};
      case SinkType::kKafka:
        return {sink.name, std::move(kind), fmt::format("topic {}", sink.topic)};
      case SinkType::kJsonl:
        break;
    }
    return {sink.name, std::move(kind), fmt::format("file {}", sink.path)};
  };
  for (const SinkConfig& sink : config.sinks) {
    const char* kind = sink.type == SinkType::kIceberg ? "iceberg"
                       : sink.type == SinkType::kKafka ? "kafka"
                                                       : "jsonl";
    d.sinks.push_back(describe(sink, kind));
  }
  if (config.dead_letter) {
    stream::JobNode node = describe(*config.dead_letter, "dead_letter");
    node.name = kDeadLetterSinkName;
    d.sinks.push_back(std::move(node));
  }
  d.workers = plan_.workers;
  d.threads = plan_.source->type == SourceType::kKafka ? plan_.workers : plan_.lanes;
  d.parallelism_note = plan_.parallelism_note;
  d.checkpoint_interval_ms = config.checkpoint.interval.count();
  d.tolerable_checkpoint_failures = config.checkpoint.tolerable_failures;
  if (source.event_time) d.event_time_column = source.event_time->column;
  return d;
}

}  // namespace floe::pipeline
