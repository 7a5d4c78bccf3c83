#pragma once

// From a job definition (JobConfig, whichever front end made it) to the runnable graph: the
// plan (source schema, bound transforms, event time, the checks that need no I/O), then the
// workers (catalogs, sources, sinks, dead letters, Kafka options) that stream::JobRunner runs.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "iceberg/catalog/catalog.h"
#include "kafka/consumer.h"
#include "pipeline/job_config.h"
#include "stream/job_counters.h"
#include "stream/job_runner.h"
#include "stream/job_telemetry.h"
#include "stream/sink/column_selecting_sink.h"
#include "stream/sink/iceberg_sink.h"
#include "stream/sink/kafka_sink.h"

namespace floe::pipeline {

/// The name of the dead-letter sink in counters and summaries.
inline constexpr const char* kDeadLetterSinkName = "dead_letter";
/// The name of a repartition's stage-1 sink (the repartition topic) in counters.
inline constexpr const char* kRepartitionSinkName = "repartition";

/// What can be checked without touching any file, catalog or broker: the source schema, the
/// bound transforms, the kinds of sinks. Errors here are the job definition's fault.
struct JobPlan {
  const JobConfig* config = nullptr;  // outlives the plan
  const SourceConfig* source = nullptr;
  std::shared_ptr<const iceberg::Schema> source_schema;
  std::vector<stream::MetadataColumn> metadata;
  std::vector<std::string> header_names;  // per source column: kHeader's header name
  std::shared_ptr<const stream::TransformChain> transforms;
  /// The window step after the transforms, or nullptr; the sinks take its output schema.
  std::shared_ptr<const stream::window::WindowOperator> window;
  std::string window_state_name;
  /// job.parallelism of a window job: one worker reads, its window's keys go to this many
  /// shards (threads).
  size_t window_shards = 1;
  /// The window's input is keyed by its group keys (`input_keyed_by`): state per partition,
  /// Kafka workers and processes share the partitions (JobRunnerOptions::window_per_partition).
  bool window_per_partition = false;
  /// `repartition: true` on the window step (stream/window/README.md "Across processes"): each
  /// worker is two, stage 1 (JobBuilder::BuildRepartitionWriter: input → transforms → this
  /// topic, partitioned by group key) and stage 2 (BuildWorker: this topic → the window, per
  /// partition, → the sinks).
  bool repartition = false;
  std::string repartition_topic;  // `<group>.window.<step index>.repartition`
  /// The schema of the rows the sinks get.
  std::shared_ptr<const iceberg::Schema> output_schema;
  std::optional<int> event_time_column;
  int64_t max_out_of_orderness = 0;  // in the event-time column's unit
  int64_t event_time_units_per_micro = 1;
  /// Kafka: consumers, each a JobRunner with its own sinks; files: one.
  int workers = 1;
  /// Files: threads preparing (decoding, filtering) the file's ranges for the one worker
  /// (JobRunnerOptions::lanes).
  int lanes = 1;
  /// Why the job runs on fewer threads than job.parallelism (or the cores) say; empty if not.
  std::string parallelism_note;
  /// Kafka sources: the consumer, as the job configures it (every worker joins one group).
  kafka::ConsumerOptions consumer;
  /// format: debezium-json; the upsert sinks' primary-key columns (never null in an image).
  bool change_stream = false;
  std::vector<std::string> key_columns;
};

/// What a sink writes when that is not simply the rows: its `columns:`, or the rows without
/// the hidden envelope columns other sinks asked for; nullopt: the rows as they are.
std::optional<std::vector<stream::SelectedColumn>> SinkColumns(const JobPlan& plan,
                                                               const SinkConfig& sink,
                                                               const iceberg::Schema& rows);

/// InvalidArgument / NotSupported when the job cannot run as written.
Result<JobPlan> PlanJob(const JobConfig& config);

/// A Kafka source's consumer: topics, brokers, group (default: the job's name), start offsets,
/// error timeout; the other properties go to librdkafka as they are.
Result<kafka::ConsumerOptions> ConsumerOptionsFor(const JobConfig& config,
                                                  const SourceConfig& source);
/// A Kafka sink's producer for one worker; `instance` names this process in transactional ids.
Result<stream::KafkaSinkOptions> KafkaSinkOptionsFor(const JobPlan& plan, const SinkConfig& sink,
                                                     const std::string& instance, int worker);
/// An Iceberg sink (or the dead-letter table) named `name`; `default_writers` its encoding
/// threads unless the sink sets write_parallelism.
stream::IcebergSinkOptions IcebergSinkOptionsFor(const JobConfig& config, const SinkConfig& sink,
                                                 const std::string& name, int default_writers);

/// Opens what a planned job reads and writes and makes its workers.
/// Thread safety: one thread. Lifetime: keeps the catalogs it opened (shared with the sinks).
class JobBuilder {
 public:
  /// `instance` names this process in Kafka transactional ids.
  JobBuilder(JobPlan plan, std::string instance)
      : plan_(std::move(plan)), instance_(std::move(instance)) {}

  const JobPlan& plan() const { return plan_; }

  /// Worker `index` with its own sinks and source. `runtime` holds what the caller decides
  /// (warn, info, stop, stop_when_idle); the rest comes from the plan. `counters` must hold
  /// every sink's name (InitCounters).
  Result<std::unique_ptr<stream::JobRunner>> BuildWorker(int index,
                                                         stream::JobRunnerOptions runtime,
                                                         stream::JobCounters* counters);
  /// Repartition: worker `index`'s stage 1, whose one sink writes the transformed rows to the
  /// repartition topic (created with the input's partition count unless it exists), committing
  /// the input offsets in the same Kafka transactions. `counters` must hold kRepartitionSinkName.
  Result<std::unique_ptr<stream::JobRunner>> BuildRepartitionWriter(
      int index, stream::JobRunnerOptions runtime, stream::JobCounters* counters);
  /// Adds a written-rows counter per sink and for the dead letters.
  void InitCounters(stream::JobCounters* counters) const;
  /// The job's shape (source → transforms → sinks) and settings, for its observers.
  stream::JobDescription Describe() const;

 private:
  Result<std::shared_ptr<iceberg::Catalog>> CatalogFor(const std::string& name);
  /// The sink for `schema` rows, behind its column selection if it has one.
  Result<stream::SinkSlot> OpenSink(const SinkConfig& config, const iceberg::Schema& schema,
                                    const std::string& name, int worker);
  Result<stream::SinkSlot> OpenSinkOf(const SinkConfig& config, const iceberg::Schema& schema,
                                      const std::string& name, int worker);
  Result<std::unique_ptr<stream::Source>> OpenSource(int worker,
                                                     stream::PartitionListener* listener) const;
  /// A Kafka source of `consumer` for worker `worker`; `stage` tells apart the static group
  /// members of one worker's two stages (repartition), empty for the input's.
  Result<std::unique_ptr<stream::Source>> OpenKafkaSource(
      kafka::ConsumerOptions consumer, int worker, const std::string& stage,
      stream::PartitionListener* listener) const;
  /// A worker's runner options from the plan over `runtime` (no window: BuildWorker adds it).
  stream::JobRunnerOptions RunnerOptions(int index, stream::JobRunnerOptions runtime) const;
  /// The dead-letter sink of worker `worker`, or nullopt when the job has none.
  Result<std::optional<stream::SinkSlot>> OpenDeadLetter(int worker);
  /// Repartition, once: the topic made, stage 2's input schema (the window's input and the
  /// floe.wm header) and window (its clocks those of the input's partitions).
  Status PrepareRepartition();
  /// Repartition: stage 2's options over `options` (what BuildWorker set for the window job).
  void SetRepartitionedInput(stream::JobRunnerOptions* options) const;

  JobPlan plan_;
  std::string instance_;
  std::function<void(const std::string&)> warn_;  // the workers' warnings (BuildWorker)
  std::map<std::string, std::shared_ptr<iceberg::Catalog>> catalogs_;
  int32_t repartition_partitions_ = 0;  // 0: PrepareRepartition has not run
  std::shared_ptr<const iceberg::Schema> repartition_schema_;
  std::shared_ptr<const stream::window::WindowOperator> repartition_window_;
};

}  // namespace floe::pipeline
