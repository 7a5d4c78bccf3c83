#pragma once

// A job definition as typed values: what the YAML job file says once it has been interpolated,
// overridden and validated (job_loader.h). The job builder (job_builder.h) makes the graph from
// these and never looks at YAML; every value here has already been checked, except the
// expression texts and the partition spec, which keep their location so that their errors read
// "file:line:col: path: message" too. Source metadata columns and transform steps are the
// runtime's own types (stream/source/metadata_column.h, stream/expr/transform_spec.h): there is
// one description of each, whichever front end fills it.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "iceberg/catalog/catalog.h"
#include "iceberg/type.h"
#include "stream/expr/transform_spec.h"
#include "stream/source/metadata_column.h"

namespace floe::pipeline {

/// Where a value came from: the job file's line and column (1-based), or a --set override
/// (line 0), and its key path in the document ("sinks.filtered.table").
struct ConfigLocation {
  std::string file;
  int line = 0;
  int column = 0;
  std::string path;
  bool from_override = false;

  /// "job.yaml:12:5: sinks.filtered.table" or "job.yaml: sinks.filtered.table (from --set)";
  /// error messages append ": message".
  std::string ToString() const;
};

/// An expression or spec text the runtime parses later, with its origin for error messages.
struct ConfigText {
  std::string text;
  ConfigLocation location;
};

/// Free-form string properties (catalog, Kafka, table properties), in key order.
using PropertyMap = std::map<std::string, std::string>;

struct CheckpointConfig {
  std::chrono::milliseconds interval{std::chrono::seconds(30)};
  std::chrono::milliseconds min_pause{0};
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};
  int32_t tolerable_failures = 3;
};

enum class CatalogType : uint8_t { kSql, kRest, kHadoop };

struct CatalogConfig {
  std::string name;
  CatalogType type = CatalogType::kSql;
  /// Every key of the catalog's section except `type`, interpolated: uri, credential,
  /// warehouse, scope, oauth2-server-uri, s3.*, ... exactly as Iceberg names them.
  PropertyMap properties;
};

/// One decoded column of a source, in order.
struct ColumnConfig {
  std::string name;
  iceberg::TypePtr type;
  bool required = false;
  stream::MetadataColumn metadata = stream::MetadataColumn::kNone;
  std::string header;  // kHeader: the header's name ("metadata: header:NAME")
};

struct EventTimeConfig {
  std::string column;
  std::chrono::milliseconds max_out_of_orderness{0};
  /// A partition without rows for this long stops holding the watermark back; 0: never.
  std::chrono::milliseconds idle_timeout{0};
};

enum class SourceType : uint8_t { kFile, kKafka };
/// kJson: one JSON object per record, the row. kDebeziumJson: one Debezium change envelope per
/// record (with or without the schema/payload wrapper), the row being its before/after image.
enum class RecordFormat : uint8_t { kJson, kDebeziumJson };

struct SourceConfig {
  std::string name;
  SourceType type = SourceType::kFile;
  /// File sources: a path, a glob, or "-" for stdin.
  std::string path;
  RecordFormat format = RecordFormat::kJson;
  std::vector<ColumnConfig> schema;
  std::optional<EventTimeConfig> event_time;
  /// Kafka sources: topics, group.id, start_offsets and librdkafka properties.
  PropertyMap properties;
};

enum class SinkType : uint8_t { kIceberg, kJsonl, kKafka };

/// Iceberg sinks: kAppend adds every row (for a change stream: every change, the audit trail);
/// kUpsert keeps one current row per primary key (needs a change stream).
enum class SinkMode : uint8_t { kAppend, kUpsert };
/// How an upsert sink deletes a key's previous row: by position (v2 position deletes, v3
/// deletion vectors, found through its key index) or by equality delete files.
enum class DeleteMode : uint8_t { kPosition, kEquality };

/// One column of a sink's `columns:`: a row column by name, or an envelope column (metadata)
/// written under `name`.
struct SinkColumnConfig {
  std::string name;
  stream::MetadataColumn metadata = stream::MetadataColumn::kNone;
  std::string header;  // kHeader
  ConfigLocation location;
};

/// A sink, or the dead-letter destination (same keys).
struct SinkConfig {
  std::string name;
  SinkType type = SinkType::kIceberg;
  /// Iceberg: the catalog's name (known to exist in JobConfig::catalogs) and the table.
  std::string catalog;
  iceberg::TableIdentifier table;
  bool create_if_missing = false;
  std::optional<ConfigText> partition_by;  // the CLI's syntax: "day(ts),bucket(16,id)"
  /// Iceberg: threads encoding data files; 0 (not set): a file job's threads (JobPlan::lanes),
  /// 1 for a Kafka job (each worker has its own sink).
  int32_t write_parallelism = 0;
  /// Iceberg: table properties; Kafka: producer properties.
  PropertyMap properties;
  std::string path;               // jsonl: a file, or "-" for stdout
  std::string topic;              // kafka
  std::optional<ConfigText> key;  // kafka: an expression whose value (as text) keys each message
  /// Iceberg: append or upsert; an upsert's primary key (column names) and delete mode.
  SinkMode mode = SinkMode::kAppend;
  std::vector<std::string> primary_key;
  DeleteMode delete_mode = DeleteMode::kPosition;
  /// What the sink writes, in order (empty: the row's columns).
  std::vector<SinkColumnConfig> columns;
  ConfigLocation location;  // the sink's own entry, for errors found when the job is built
};

/// The whole job. Catalogs, sources and sinks keep the order of the file.
struct JobConfig {
  std::string name;
  std::string file;  // the job file it was loaded from
  /// Threads of the job; 0 (not set): the number of cores. Kafka: consumers of one group in
  /// this process, each with its own sinks. Files: threads decoding and filtering line-aligned
  /// ranges of the file, delivered to one set of sinks in order.
  int32_t parallelism = 0;
  CheckpointConfig checkpoint;
  /// job.http: where the job serves its metrics, health, status and dashboard ("HOST:PORT",
  /// checked: loopback unless job.http_allow_remote); unset: no server.
  std::optional<std::string> http;
  bool http_allow_remote = false;
  std::vector<CatalogConfig> catalogs;
  std::vector<SourceConfig> sources;
  std::vector<stream::TransformSpec> transforms;
  std::vector<SinkConfig> sinks;
  std::optional<SinkConfig> dead_letter;

  /// nullptr when there is none of that name.
  const CatalogConfig* FindCatalog(std::string_view name) const;
  const SinkConfig* FindSink(std::string_view name) const;
};

std::string_view CatalogTypeName(CatalogType type);
std::string_view SourceTypeName(SourceType type);
std::string_view SinkTypeName(SinkType type);

}  // namespace floe::pipeline
