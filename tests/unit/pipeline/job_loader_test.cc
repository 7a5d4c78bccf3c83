#include "pipeline/job_loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "job_text.h"

namespace floe::pipeline {
namespace {

using job_text::Load;
using job_text::LoadError;

using ::testing::HasSubstr;
using ::testing::StartsWith;

// The seed job with a second (REST) catalog and every transform kind. Line numbers matter: the
// error tests below name them.
constexpr std::string_view kJob = R"yaml(job:
  name: profanity-local
  checkpoint:
    interval: 30s
    min_pause: 0s
    timeout: 10m
    tolerable_failures: 3
catalogs:
  local:
    type: sql
    warehouse: ${WAREHOUSE:-./warehouse}
  polaris:
    type: rest
    uri: http://polaris:8181/api/catalog
    credential: ${POLARIS_CREDENTIAL:-admin:password}
    warehouse: lakehouse
    scope: PRINCIPAL_ROLE:ALL
    s3.endpoint: http://minio:9000
    s3.path-style-access: "true"
sources:
  messages:
    type: file
    path: ${INPUT_PATH:-examples/sample-messages.jsonl}
    format: json
    schema:
      - {name: account_id, type: string}
      - {name: message_body, type: string}
      - {name: timestamp, type: timestamptz, required: false}
    event_time:
      column: timestamp
      max_out_of_orderness: 10s
transforms:
  - filter: {where: "lower(message_body) LIKE '%gun%'"}
  - project:
      add: {processed_at: "now()"}
      rename: {account_id: account}
      drop: [message_body]
      cast: {timestamp: timestamp}
sinks:
  filtered:
    type: iceberg
    catalog: local
    table: raw_messages.filtered_messages
    create_if_missing: true
    partition_by: "day(timestamp)"
    write_parallelism: 2
    properties: {write.parquet.compression-codec: zstd}
  output:
    type: jsonl
    path: ${OUTPUT_PATH:-./output/output-topic.jsonl}
dead_letter:
  type: iceberg
  catalog: local
  table: raw_messages.dead_letters
)yaml";

/// kJob with the first occurrence of `from` replaced by `to`.
std::string Edit(std::string_view from, std::string_view to) {
  return job_text::Edited(kJob, from, to);
}

TEST(JobLoaderTest, LoadsTheFullExample) {
  auto loaded = Load(kJob);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const JobConfig& job = *loaded;
  EXPECT_EQ(job.name, "profanity-local");
  EXPECT_EQ(job.file, "job.yaml");
  EXPECT_EQ(job.checkpoint.interval, std::chrono::seconds(30));
  EXPECT_EQ(job.checkpoint.min_pause, std::chrono::milliseconds(0));
  EXPECT_EQ(job.checkpoint.timeout, std::chrono::minutes(10));
  EXPECT_EQ(job.checkpoint.tolerable_failures, 3);

  ASSERT_EQ(job.catalogs.size(), 2u);
  EXPECT_EQ(job.catalogs[0].name, "local");
  EXPECT_EQ(job.catalogs[0].type, CatalogType::kSql);
  EXPECT_EQ(job.catalogs[0].properties, (PropertyMap{{"warehouse", "./warehouse"}}));
  const CatalogConfig* polaris = job.FindCatalog("polaris");
  ASSERT_NE(polaris, nullptr);
  EXPECT_EQ(polaris->type, CatalogType::kRest);
  EXPECT_EQ(polaris->properties, (PropertyMap{{"uri", "http://polaris:8181/api/catalog"},
                                              {"credential", "admin:password"},
                                              {"warehouse", "lakehouse"},
                                              {"scope", "PRINCIPAL_ROLE:ALL"},
                                              {"s3.endpoint", "http://minio:9000"},
                                              {"s3.path-style-access", "true"}}));

  ASSERT_EQ(job.sources.size(), 1u);
  const SourceConfig& source = job.sources[0];
  EXPECT_EQ(source.name, "messages");
  EXPECT_EQ(source.type, SourceType::kFile);
  EXPECT_EQ(source.path, "examples/sample-messages.jsonl");
  EXPECT_EQ(source.format, RecordFormat::kJson);
  ASSERT_EQ(source.schema.size(), 3u);
  EXPECT_EQ(source.schema[0].name, "account_id");
  EXPECT_EQ(source.schema[0].type->id(), iceberg::TypeId::kString);
  EXPECT_FALSE(source.schema[0].required);
  EXPECT_EQ(source.schema[2].name, "timestamp");
  EXPECT_EQ(source.schema[2].type->id(), iceberg::TypeId::kTimestampTz);
  ASSERT_TRUE(source.event_time.has_value());
  EXPECT_EQ(source.event_time->column, "timestamp");
  EXPECT_EQ(source.event_time->max_out_of_orderness, std::chrono::seconds(10));

  ASSERT_EQ(job.transforms.size(), 2u);
  EXPECT_EQ(job.transforms[0].type, stream::TransformType::kFilter);
  EXPECT_EQ(job.transforms[0].filter.where.text, "lower(message_body) LIKE '%gun%'");
  EXPECT_EQ(job.transforms[0].filter.where.label, "job.yaml:33:21: transforms[0].filter.where");
  const stream::ProjectSpec& project = job.transforms[1].project;
  EXPECT_EQ(job.transforms[1].type, stream::TransformType::kProject);
  ASSERT_EQ(project.add.size(), 1u);
  EXPECT_EQ(project.add[0].name, "processed_at");
  EXPECT_EQ(project.add[0].value.text, "now()");
  EXPECT_EQ(project.rename,
            (std::vector<std::pair<std::string, std::string>>{{"account_id", "account"}}));
  EXPECT_EQ(project.drop, (std::vector<std::string>{"message_body"}));
  ASSERT_EQ(project.cast.size(), 1u);
  EXPECT_EQ(project.cast[0].column, "timestamp");
  EXPECT_EQ(project.cast[0].type->id(), iceberg::TypeId::kTimestamp);

  ASSERT_EQ(job.sinks.size(), 2u);
  const SinkConfig& filtered = job.sinks[0];
  EXPECT_EQ(filtered.name, "filtered");
  EXPECT_EQ(filtered.type, SinkType::kIceberg);
  EXPECT_EQ(filtered.catalog, "local");
  EXPECT_EQ(filtered.table.ToString(), "raw_messages.filtered_messages");
  EXPECT_TRUE(filtered.create_if_missing);
  ASSERT_TRUE(filtered.partition_by.has_value());
  EXPECT_EQ(filtered.partition_by->text, "day(timestamp)");
  EXPECT_EQ(filtered.partition_by->location.ToString(),
            "job.yaml:45:19: sinks.filtered.partition_by");
  EXPECT_EQ(filtered.write_parallelism, 2);
  EXPECT_EQ(filtered.properties, (PropertyMap{{"write.parquet.compression-codec", "zstd"}}));
  const SinkConfig* output = job.FindSink("output");
  ASSERT_NE(output, nullptr);
  EXPECT_EQ(output->type, SinkType::kJsonl);
  EXPECT_EQ(output->path, "./output/output-topic.jsonl");

  ASSERT_TRUE(job.dead_letter.has_value());
  EXPECT_EQ(job.dead_letter->name, "dead_letter");
  EXPECT_EQ(job.dead_letter->table.ToString(), "raw_messages.dead_letters");
  EXPECT_FALSE(job.dead_letter->create_if_missing);
}

TEST(JobLoaderTest, DefaultsApplyToAMinimalJob) {
  auto job = Load(R"yaml(job: {name: tiny}
sources:
  in: {type: file, path: "-", schema: [{name: x, type: long, required: true}]}
sinks:
  out: {type: jsonl, path: "-"}
)yaml");
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->checkpoint.interval, std::chrono::seconds(30));
  EXPECT_EQ(job->checkpoint.timeout, std::chrono::minutes(10));
  EXPECT_EQ(job->checkpoint.tolerable_failures, 3);
  EXPECT_TRUE(job->sources[0].schema[0].required);
  EXPECT_FALSE(job->sources[0].event_time.has_value());
  EXPECT_TRUE(job->transforms.empty());
  EXPECT_FALSE(job->dead_letter.has_value());
}

TEST(JobLoaderTest, KafkaSourceAndSink) {
  auto job = Load(R"yaml(job: {name: seed}
sources:
  messages:
    type: kafka
    schema: [{name: message_body, type: string}]
    properties: {topics: profanity_words, group.id: floe, bootstrap.servers: "localhost:9092"}
sinks:
  out:
    type: kafka
    topic: output-topic
    properties: {bootstrap.servers: "localhost:9092"}
)yaml");
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->sources[0].type, SourceType::kKafka);
  EXPECT_EQ(job->sources[0].properties.at("topics"), "profanity_words");
  EXPECT_EQ(job->sources[0].properties.at("group.id"), "floe");
  EXPECT_EQ(job->sinks[0].type, SinkType::kKafka);
  EXPECT_EQ(job->sinks[0].topic, "output-topic");
  EXPECT_EQ(job->sinks[0].properties.at("bootstrap.servers"), "localhost:9092");
}

// The CDC job of issue 15, as its interface names it.
constexpr std::string_view kCdcJob = R"yaml(job: {name: cdc}
catalogs:
  local: {type: sql, uri: "sqlite:///tmp/c.db", warehouse: /tmp/w}
sources:
  users:
    type: kafka
    format: debezium-json
    schema: [{name: user_id, type: long}, {name: name, type: string}, {name: email, type: string}, {name: updated_at, type: timestamptz}]
    properties: {topics: users, group.id: floe, bootstrap.servers: "localhost:9092"}
sinks:
  current:
    type: iceberg
    catalog: local
    table: streaming.users_current
    mode: upsert
    primary_key: [user_id]
    create_if_missing: true
  audit:
    type: iceberg
    catalog: local
    table: streaming.users_audit
    mode: append
    columns: [user_id, name, email, updated_at, {name: op, metadata: cdc_op}, {name: changed_at, metadata: cdc_ts}]
)yaml";

TEST(JobLoaderTest, ChangeStreamWithUpsertAndAuditSinks) {
  auto job = Load(kCdcJob);
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->sources[0].format, RecordFormat::kDebeziumJson);
  const SinkConfig& current = job->sinks[0];
  EXPECT_EQ(current.mode, SinkMode::kUpsert);
  EXPECT_EQ(current.primary_key, std::vector<std::string>{"user_id"});
  EXPECT_EQ(current.delete_mode, DeleteMode::kPosition);
  EXPECT_TRUE(current.columns.empty());
  const SinkConfig& audit = job->sinks[1];
  EXPECT_EQ(audit.mode, SinkMode::kAppend);
  ASSERT_EQ(audit.columns.size(), 6u);
  EXPECT_EQ(audit.columns[0].name, "user_id");
  EXPECT_EQ(audit.columns[0].metadata, stream::MetadataColumn::kNone);
  EXPECT_EQ(audit.columns[4].name, "op");
  EXPECT_EQ(audit.columns[4].metadata, stream::MetadataColumn::kCdcOp);
  EXPECT_EQ(audit.columns[5].metadata, stream::MetadataColumn::kCdcTs);
}

TEST(JobLoaderTest, ChangeStreamMistakesAreNamed) {
  const auto edit = [](std::string_view from, std::string_view to) {
    std::string text(kCdcJob);
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return text.replace(at, from.size(), to);
  };
  EXPECT_EQ(LoadError(edit("    primary_key: [user_id]\n", "")),
            "job.yaml:12:5: sinks.current: mode: upsert needs a primary_key (a list of columns)");
  EXPECT_EQ(LoadError(edit("    mode: append\n", "    mode: append\n    primary_key: [x]\n")),
            "job.yaml:23:18: sinks.audit.primary_key: applies to mode: upsert only");
  EXPECT_EQ(LoadError(edit("primary_key: [user_id]", "primary_key: [user_id, user_id]")),
            "job.yaml:16:28: sinks.current.primary_key[1]: duplicate column 'user_id'");
  EXPECT_THAT(LoadError(edit("mode: upsert", "mode: merge")), HasSubstr("sinks.current.mode"));
  EXPECT_THAT(LoadError(edit("metadata: cdc_op", "metadata: cdc_opp")),
              HasSubstr("sinks.audit.columns[4]"));
  EXPECT_THAT(LoadError(edit("{name: op, metadata: cdc_op}", "{name: op}")),
              HasSubstr("missing required key 'metadata'"));
  EXPECT_THAT(LoadError(edit("    format: debezium-json\n", "")),
              HasSubstr("is not a change stream"));
  EXPECT_EQ(LoadError(edit("{name: updated_at, type: timestamptz}]",
                           "{name: updated_at, type: timestamptz}, {name: op, type: string, "
                           "metadata: cdc_op}]")
                          .replace(std::string(kCdcJob).find("    format: debezium-json\n"),
                                   std::string("    format: debezium-json\n").size(), "")),
            "job.yaml:7:174: sources.users.schema[4].metadata: cdc_op and cdc_ts need a change "
            "stream (format: debezium-json)");
}

TEST(JobLoaderTest, DurationsParse) {
  EXPECT_EQ(*ParseDuration("500ms"), std::chrono::milliseconds(500));
  EXPECT_EQ(*ParseDuration("30s"), std::chrono::seconds(30));
  EXPECT_EQ(*ParseDuration("5m"), std::chrono::minutes(5));
  EXPECT_EQ(*ParseDuration("1h"), std::chrono::hours(1));
  EXPECT_EQ(*ParseDuration("0s"), std::chrono::milliseconds(0));
  for (std::string_view bad : {"soon", "30", "s", "-1s", "1.5s", "1d", "", "10 s"}) {
    EXPECT_FALSE(ParseDuration(bad).ok()) << bad;
  }
}

// --- errors: each names file:line:col and the key path ---

TEST(JobLoaderTest, UnknownCatalog) {
  EXPECT_EQ(LoadError(Edit("    catalog: local\n", "    catalog: lokal\n")),
            "job.yaml:42:14: sinks.filtered.catalog: unknown catalog 'lokal' (known: local, "
            "polaris)");
}

TEST(JobLoaderTest, UnknownKeysSuggestTheClosest) {
  EXPECT_EQ(LoadError(Edit("    table: raw_messages.filtered", "    tabel: raw_messages.filtered")),
            "job.yaml:43:5: sinks.filtered.tabel: unknown key 'tabel' (did you mean 'table'?)");
  EXPECT_EQ(LoadError(Edit("  checkpoint:", "  checkpont:")),
            "job.yaml:3:3: job.checkpont: unknown key 'checkpont' (did you mean 'checkpoint'?)");
  EXPECT_EQ(LoadError(Edit("dead_letter:", "dead_letters:")),
            "job.yaml:51:1: dead_letters: unknown key 'dead_letters' (did you mean "
            "'dead_letter'?)");
  EXPECT_EQ(LoadError(Edit("      column: timestamp", "      colum: timestamp")),
            "job.yaml:30:7: sources.messages.event_time.colum: unknown key 'colum' (did you mean "
            "'column'?)");
  // Nothing close: list what is allowed.
  EXPECT_EQ(LoadError(Edit("    min_pause: 0s", "    zzz: 0s")),
            "job.yaml:5:5: job.checkpoint.zzz: unknown key 'zzz' (expected one of: interval, "
            "min_pause, timeout, tolerable_failures)");
}

TEST(JobLoaderTest, KeysThatDoNotApplyToTheType) {
  EXPECT_THAT(LoadError(Edit("    path: ${OUTPUT_PATH", "    topic: ${OUTPUT_PATH")),
              StartsWith("job.yaml:50:5: sinks.output.topic: 'topic' does not apply to jsonl "
                         "sinks (its keys: type, path)"));
  EXPECT_THAT(LoadError(Edit("    format: json", "    properties: {a: b}")),
              StartsWith("job.yaml:24:5: sources.messages.properties: 'properties' does not "
                         "apply to file sources"));
}

TEST(JobLoaderTest, WrongTypes) {
  EXPECT_EQ(LoadError(Edit("interval: 30s", "interval: soon")),
            "job.yaml:4:15: job.checkpoint.interval: expected a duration like 30s, got 'soon'");
  EXPECT_EQ(LoadError(Edit("write_parallelism: 2", "write_parallelism: many")),
            "job.yaml:46:24: sinks.filtered.write_parallelism: expected an integer, got 'many'");
  EXPECT_EQ(LoadError(Edit("write_parallelism: 2", "write_parallelism: 0")),
            "job.yaml:46:24: sinks.filtered.write_parallelism: must be at least 1, got 0");
  EXPECT_EQ(LoadError(Edit("create_if_missing: true", "create_if_missing: perhaps")),
            "job.yaml:44:24: sinks.filtered.create_if_missing: expected true or false, got "
            "'perhaps'");
  EXPECT_EQ(LoadError(Edit("    tolerable_failures: 3", "    tolerable_failures: -1")),
            "job.yaml:7:25: job.checkpoint.tolerable_failures: must be at least 0, got -1");
  EXPECT_EQ(LoadError(Edit("    schema:\n", "    schema: {a: b}\n    x:\n")),
            "job.yaml:25:13: sources.messages.schema: expected a list, got a map");
  EXPECT_EQ(LoadError(Edit("  name: profanity-local", "  name: [a, b]")),
            "job.yaml:2:9: job.name: expected a value, got a list");
  EXPECT_EQ(LoadError(Edit("    type: rest", "    type: rst")),
            "job.yaml:13:11: catalogs.polaris.type: unknown catalog type 'rst' (did you mean "
            "'rest'?) (expected one of: sql, rest, hadoop)");
  EXPECT_EQ(LoadError(Edit("    type: iceberg", "    type: icebreg")),
            "job.yaml:41:11: sinks.filtered.type: unknown sink type 'icebreg' (did you mean "
            "'iceberg'?) (expected one of: iceberg, jsonl, kafka)");
}

TEST(JobLoaderTest, MissingRequiredKeys) {
  EXPECT_EQ(LoadError(Edit("  name: profanity-local\n", "")),
            "job.yaml:2:3: job: missing required key 'name'");
  EXPECT_EQ(LoadError(Edit("    table: raw_messages.filtered_messages\n", "")),
            "job.yaml:41:5: sinks.filtered: missing required key 'table'");
  EXPECT_EQ(LoadError(Edit("    path: ${INPUT_PATH:-examples/sample-messages.jsonl}\n", "")),
            "job.yaml:22:5: sources.messages: missing required key 'path'");
  EXPECT_EQ(LoadError(Edit("    uri: http://polaris:8181/api/catalog\n", "")),
            "job.yaml:13:5: catalogs.polaris: a rest catalog needs 'uri'");
  EXPECT_EQ(
      LoadError(Edit("      - {name: account_id, type: string}", "      - {name: account_id}")),
      "job.yaml:26:9: sources.messages.schema[0]: missing required key 'type'");
  std::string no_sinks(kJob.substr(0, kJob.find("sinks:")));
  EXPECT_EQ(LoadError(no_sinks), "job.yaml:1:1: missing required key 'sinks' (at least one sink)");
}

TEST(JobLoaderTest, BadTableNames) {
  EXPECT_EQ(LoadError(Edit("table: raw_messages.filtered_messages", "table: filtered_messages")),
            "job.yaml:43:12: sinks.filtered.table: invalid table name 'filtered_messages': "
            "expected namespace.table");
  EXPECT_THAT(LoadError(Edit("table: raw_messages.dead_letters", "table: raw_messages.")),
              StartsWith("job.yaml:54:10: dead_letter.table: invalid table name"));
}

TEST(JobLoaderTest, BadIcebergTypes) {
  EXPECT_EQ(
      LoadError(Edit("{name: message_body, type: string}", "{name: message_body, type: strng}")),
      "job.yaml:27:36: sources.messages.schema[1].type: unknown Iceberg type 'strng' (did "
      "you mean 'string'?)");
  EXPECT_THAT(
      LoadError(Edit("cast: {timestamp: timestamp}", "cast: {timestamp: \"decimal(99, 2)\"}")),
      StartsWith("job.yaml:38:25: transforms[1].project.cast.timestamp: unknown Iceberg "
                 "type 'decimal(99, 2)'"));
}

TEST(JobLoaderTest, ReferencesAreChecked) {
  EXPECT_EQ(LoadError(Edit("      column: timestamp", "      column: timestmp")),
            "job.yaml:30:15: sources.messages.event_time.column: unknown column 'timestmp' (did "
            "you mean 'timestamp'?) (known: account_id, message_body, timestamp)");
  EXPECT_EQ(LoadError(Edit("      column: timestamp", "      column: account_id")),
            "job.yaml:30:15: sources.messages.event_time.column: event time column 'account_id' "
            "is string, expected a timestamp type");
  EXPECT_EQ(
      LoadError(Edit("{name: message_body, type: string}", "{name: account_id, type: string}")),
      "job.yaml:27:16: sources.messages.schema[1].name: duplicate column 'account_id'");
}

TEST(JobLoaderTest, StructuralErrors) {
  EXPECT_EQ(LoadError(Edit("  output:\n", "  filtered:\n")),
            "job.yaml:48:3: sinks.filtered: duplicate key 'filtered' (first at line 40)");
  EXPECT_EQ(
      LoadError(Edit("sources:\n",
                     "sources:\n  other: {type: file, path: x, schema: [{name: a, type: int}]}\n")),
      "job.yaml:21:3: sources: exactly one source is supported for now, found 2");
  EXPECT_EQ(LoadError(Edit("  - filter: {where:", "  - project: {drop: [a]}\n    filter: {where:")),
            "job.yaml:33:5: transforms[0]: expected exactly one of filter, project, enrich, "
            "window, got 2 keys");
  EXPECT_EQ(LoadError(Edit("  filtered:\n", "  filtered sink:\n")),
            "job.yaml:40:3: sinks.filtered sink: invalid sink name 'filtered sink': use letters, "
            "digits, '_' and '-'");
  EXPECT_EQ(LoadError(Edit("name: profanity-local", "name: profanity/local")),
            "job.yaml:2:9: job.name: invalid job name 'profanity/local': use letters, digits, "
            "'_', '.' and '-'");
  EXPECT_EQ(LoadError("- a\n- b\n"),
            "job.yaml:1:1: expected a map with job, sources, sinks, ..., got a list");
  EXPECT_EQ(LoadError(""), "job.yaml: the job file is empty");
}

TEST(JobLoaderTest, HttpAddressIsLoopbackUnlessAllowed) {
  auto off = Load(kJob);
  ASSERT_TRUE(off.ok()) << off.status().ToString();
  EXPECT_FALSE(off->http.has_value());
  auto on =
      Load(Edit("  name: profanity-local\n", "  name: profanity-local\n  http: 127.0.0.1:9249\n"));
  ASSERT_TRUE(on.ok()) << on.status().ToString();
  EXPECT_EQ(on->http, "127.0.0.1:9249");
  EXPECT_FALSE(on->http_allow_remote);
  EXPECT_THAT(
      LoadError(
          Edit("  name: profanity-local\n", "  name: profanity-local\n  http: 0.0.0.0:9249\n")),
      StartsWith("job.yaml:3:9: job.http: http address '0.0.0.0:9249': 0.0.0.0 is not a loopback "
                 "address"));
  EXPECT_THAT(
      LoadError(Edit("  name: profanity-local\n", "  name: profanity-local\n  http: localhost\n")),
      StartsWith("job.yaml:3:9: job.http: http address 'localhost': expected HOST:PORT"));
  auto remote =
      Load(Edit("  name: profanity-local\n",
                "  name: profanity-local\n  http: 0.0.0.0:9249\n  http_allow_remote: true\n"));
  ASSERT_TRUE(remote.ok()) << remote.status().ToString();
  EXPECT_TRUE(remote->http_allow_remote);
}

TEST(JobLoaderTest, YamlSyntaxErrorsHaveALocation) {
  EXPECT_THAT(LoadError(Edit("    interval: 30s", "    interval: [30s")),
              testing::MatchesRegex("job\\.yaml:[0-9]+:[0-9]+: invalid YAML: .*"));
  EXPECT_EQ(LoadError("job:\n  name: a\n   bad: b\n"),
            "job.yaml:3:7: invalid YAML: illegal map value");
  // Never an exception, whatever the input.
  for (std::string_view garbage :
       {"{", "]", "job: {name: x", "\t- a", "&a [*a", "!!binary x", "job: !!map [1]", "\xff\xfe",
        "? [a]\n: b\n", "job: {? [a]: b}"}) {
    auto job = Load(garbage);
    EXPECT_FALSE(job.ok()) << garbage;
    EXPECT_THAT(job.status().message(), StartsWith("job.yaml")) << garbage;
  }
}

// --- ${VAR} interpolation ---

TEST(JobLoaderTest, InterpolationUsesTheEnvironment) {
  auto job = Load(kJob, {}, {{"WAREHOUSE", "/data/wh"}, {"OUTPUT_PATH", "-"}});
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->catalogs[0].properties.at("warehouse"), "/data/wh");
  EXPECT_EQ(job->sinks[1].path, "-");
  EXPECT_EQ(job->sources[0].path, "examples/sample-messages.jsonl");  // the default
}

TEST(JobLoaderTest, UnsetVariableNamesItAndWhereItIsUsed) {
  EXPECT_EQ(LoadError(Edit("${WAREHOUSE:-./warehouse}", "${WAREHOUSE}")),
            "job.yaml:11:16: catalogs.local.warehouse: environment variable WAREHOUSE is not set "
            "(write ${WAREHOUSE:-default} to give a default)");
  auto job = Load(Edit("${WAREHOUSE:-./warehouse}", "${WAREHOUSE}"), {}, {{"WAREHOUSE", "/w"}});
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->catalogs[0].properties.at("warehouse"), "/w");
}

TEST(JobLoaderTest, InterpolationEscapesAndTypedValues) {
  auto job = Load(Edit("    write_parallelism: 2", "    write_parallelism: ${WRITE_PARALLELISM:-1}")
                      .replace(0, 0, ""),
                  {}, {{"WRITE_PARALLELISM", "4"}});
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->sinks[0].write_parallelism, 4);

  job = Load(Edit("LIKE '%gun%'", "LIKE '$${literal}'"));
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->transforms[0].filter.where.text, "lower(message_body) LIKE '${literal}'");

  EXPECT_EQ(
      LoadError(Edit("write_parallelism: 2", "write_parallelism: ${WP}"), {}, {{"WP", "lots"}}),
      "job.yaml:46:24: sinks.filtered.write_parallelism: expected an integer, got 'lots'");
}

// --- --set overrides ---

TEST(JobLoaderTest, OverridesReplaceScalars) {
  auto job = Load(kJob, {"sinks.filtered.table=x.y", "job.checkpoint.interval=1s",
                         "transforms[0].filter.where=true", "transforms[1].project.drop[0]=z",
                         "sources.messages.schema[0].required=true", "job.name=other"});
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->sinks[0].table.ToString(), "x.y");
  EXPECT_EQ(job->checkpoint.interval, std::chrono::seconds(1));
  EXPECT_EQ(job->transforms[0].filter.where.text, "true");
  // The override is where the text came from (ConfigLocation::from_override, in its label).
  EXPECT_EQ(job->transforms[0].filter.where.label,
            "job.yaml: transforms[0].filter.where (from --set)");
  EXPECT_EQ(job->transforms[1].project.drop, (std::vector<std::string>{"z"}));
  EXPECT_TRUE(job->sources[0].schema[0].required);
  EXPECT_EQ(job->name, "other");
}

TEST(JobLoaderTest, OverridesCreateSectionsAndProperties) {
  std::string text = Edit(
      "  checkpoint:\n    interval: 30s\n    min_pause: 0s\n    timeout: 10m\n"
      "    tolerable_failures: 3\n",
      "");
  auto job = Load(text,
                  {"job.checkpoint.timeout=5s", "catalogs.local.s3.endpoint=http://s3:9000",
                   "sinks.filtered.properties.write.target-file-size-bytes=1024",
                   "sinks.filtered.table=${NS:-ns}.t"},
                  {});
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->checkpoint.timeout, std::chrono::seconds(5));
  EXPECT_EQ(job->checkpoint.interval, std::chrono::seconds(30));
  EXPECT_EQ(job->catalogs[0].properties.at("s3.endpoint"), "http://s3:9000");
  EXPECT_EQ(job->sinks[0].properties.at("write.target-file-size-bytes"), "1024");
  EXPECT_EQ(job->sinks[0].properties.at("write.parquet.compression-codec"), "zstd");
  EXPECT_EQ(job->sinks[0].table.ToString(), "ns.t");
}

TEST(JobLoaderTest, OverridesFillEmptySections) {
  std::string text =
      Edit("    properties: {write.parquet.compression-codec: zstd}", "    properties:");
  auto job = Load(text, {"sinks.filtered.properties.a.b=c", "dead_letter.create_if_missing=true"});
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->sinks[0].properties, (PropertyMap{{"a.b", "c"}}));
  EXPECT_TRUE(job->dead_letter->create_if_missing);

  // A section the file does not have is created, then checked like any other.
  std::string no_dead_letter(kJob.substr(0, kJob.find("dead_letter:")));
  EXPECT_EQ(LoadError(no_dead_letter, {"dead_letter.table=a.b"}),
            "job.yaml: dead_letter.table (from --set): missing required key 'type'");
}

TEST(JobLoaderTest, KafkaNeedsItsKeys) {
  EXPECT_EQ(LoadError(R"yaml(job: {name: seed}
sources:
  messages:
    type: kafka
    schema: [{name: message_body, type: string}]
sinks:
  out: {type: kafka, properties: {bootstrap.servers: "localhost:9092"}}
)yaml"),
            "job.yaml:4:5: sources.messages: a kafka source needs properties.topics");
  EXPECT_EQ(LoadError(R"yaml(job: {name: seed}
sources:
  messages:
    type: kafka
    schema: [{name: message_body, type: string}]
    properties: {topics: profanity_words}
sinks:
  out: {type: kafka, properties: {bootstrap.servers: "localhost:9092"}}
)yaml"),
            "job.yaml:8:8: sinks.out: missing required key 'topic'");
}

TEST(JobLoaderTest, OverriddenValuesAreValidatedAndBlamed) {
  EXPECT_EQ(LoadError(kJob, {"job.checkpoint.interval=soon"}),
            "job.yaml: job.checkpoint.interval (from --set): expected a duration like 30s, got "
            "'soon'");
  EXPECT_EQ(LoadError(kJob, {"sinks.filtered.catalog=lokal"}),
            "job.yaml: sinks.filtered.catalog (from --set): unknown catalog 'lokal' (known: "
            "local, polaris)");
}

TEST(JobLoaderTest, OverridePathsMustNameSomethingValid) {
  EXPECT_EQ(LoadError(kJob, {"sinks.filtered.tabel=x.y"}),
            "job.yaml: --set sinks.filtered.tabel: unknown key 'tabel' in sinks.filtered (did you "
            "mean 'table'?) (known: type, catalog, table, create_if_missing, partition_by, "
            "write_parallelism, properties, path, topic, key, mode, primary_key, delete_mode, "
            "columns)");
  EXPECT_EQ(LoadError(kJob, {"sinks.filterd.table=x.y"}),
            "job.yaml: --set sinks.filterd.table: no sink named 'filterd' in sinks (did you mean "
            "'filtered'?) (known: filtered, output)");
  EXPECT_EQ(LoadError(kJob, {"transforms[5].filter.where=x"}),
            "job.yaml: --set transforms[5].filter.where: 'transforms' has 2 entries: index 5 is "
            "out of range");
  EXPECT_EQ(LoadError(kJob, {"job.checkpoint=1s"}),
            "job.yaml: --set job.checkpoint: 'job.checkpoint' is a section, not a value: set one "
            "of its keys");
  EXPECT_EQ(LoadError(kJob, {"job.name.first=x"}),
            "job.yaml: --set job.name.first: 'job.name' is a value, not a section");
  EXPECT_EQ(LoadError(kJob, {"transforms.x=1"}),
            "job.yaml: --set transforms.x: 'transforms' is a list: expected [INDEX] after it");
  EXPECT_EQ(LoadError(kJob, {"nonsense"}),
            "job.yaml: --set 'nonsense': expected path.to.key=value");
  EXPECT_EQ(LoadError(kJob, {"jobb.name=x"}),
            "job.yaml: --set jobb.name: unknown key 'jobb' in the job file (did you mean 'job'?) "
            "(known: job, catalogs, sources, transforms, sinks, dead_letter)");
}

// --- files ---

TEST(JobLoaderTest, LoadsFromAFile) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / fmt::format("floe-job-loader-{}", ::getpid());
  std::filesystem::create_directories(dir);
  std::string path = (dir / "job.yaml").string();
  {
    std::ofstream out(path);
    out << Edit("interval: 30s", "interval: soon");
  }
  auto job = LoadJobFile(path, {}, {});
  ASSERT_FALSE(job.ok());
  EXPECT_EQ(job.status().message(),
            fmt::format("{}:4:15: job.checkpoint.interval: expected a duration like 30s, got "
                        "'soon'",
                        path));
  {
    std::ofstream out(path);
    out << kJob;
  }
  job = LoadJobFile(path, {"sinks.filtered.write_parallelism=3"}, ProcessEnvironment());
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  EXPECT_EQ(job->sinks[0].write_parallelism, 3);

  auto missing = LoadJobFile((dir / "missing.yaml").string(), {}, {});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().kind(), ErrorKind::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("missing.yaml: no such job file"));
  std::filesystem::remove_all(dir);
}

TEST(JobLoaderTest, TheExampleJobsInTheRepositoryLoad) {
  int loaded = 0;
  for (const auto& entry : std::filesystem::directory_iterator(FLOE_SOURCE_DIR "/examples")) {
    if (entry.path().extension() != ".yaml") continue;
    auto job = LoadJobFile(entry.path().string(), {}, {});
    EXPECT_TRUE(job.ok()) << job.status().ToString();
    ++loaded;
  }
  EXPECT_GE(loaded, 1) << "no examples/*.yaml to load";
}

TEST(JobLoaderTest, MetadataColumnsEnrichAndKafkaKeys) {
  std::string text = Edit("      - {name: account_id, type: string}\n",
                          "      - {name: account_id, type: string}\n"
                          "      - {name: kafka_offset, type: long, metadata: offset}\n"
                          "      - {name: kafka_key, type: string, metadata: key}\n"
                          "      - {name: all_headers, type: string, metadata: headers}\n"
                          "      - {name: trace, type: string, metadata: 'header:trace-id'}\n");
  text.replace(text.find("  - project:"), 12, "  - enrich:");
  text.replace(
      text.find("    type: jsonl\n    path: ${OUTPUT_PATH:-./output/output-topic.jsonl}"),
      std::string_view("    type: jsonl\n    path: ${OUTPUT_PATH:-./output/output-topic.jsonl}")
          .size(),
      "    type: kafka\n    topic: output-topic\n    key: account_id");
  auto job = Load(text);
  ASSERT_TRUE(job.ok()) << job.status().ToString();
  const auto& schema = job->sources[0].schema;
  ASSERT_EQ(schema.size(), 7u);
  EXPECT_EQ(schema[0].metadata, stream::MetadataColumn::kNone);
  EXPECT_EQ(schema[1].metadata, stream::MetadataColumn::kOffset);
  EXPECT_EQ(schema[2].metadata, stream::MetadataColumn::kKey);
  EXPECT_EQ(schema[3].metadata, stream::MetadataColumn::kHeaders);
  EXPECT_EQ(schema[4].metadata, stream::MetadataColumn::kHeader);
  EXPECT_EQ(schema[4].header, "trace-id");
  EXPECT_EQ(job->transforms[1].type, stream::TransformType::kProject);
  EXPECT_EQ(job->transforms[1].project.add[0].name, "processed_at");
  const SinkConfig* output = job->FindSink("output");
  ASSERT_NE(output, nullptr);
  ASSERT_TRUE(output->key.has_value());
  EXPECT_EQ(output->key->text, "account_id");

  EXPECT_EQ(LoadError(Edit("      - {name: account_id, type: string}\n",
                           "      - {name: account_id, type: string}\n"
                           "      - {name: o, type: string, metadata: offset}\n")),
            "job.yaml:27:25: sources.messages.schema[1].type: metadata column 'o' (offset) must be "
            "of type long");
  std::string bad = LoadError(Edit("      - {name: account_id, type: string}\n",
                                   "      - {name: account_id, type: string}\n"
                                   "      - {name: o, type: long, metadata: ofset}\n"));
  EXPECT_NE(bad.find("sources.messages.schema[1].metadata"), std::string::npos) << bad;
  EXPECT_NE(bad.find("ofset"), std::string::npos) << bad;
  EXPECT_EQ(LoadError(Edit("      - {name: account_id, type: string}\n",
                           "      - {name: account_id, type: string}\n"
                           "      - {name: h, type: string, metadata: 'header:'}\n")),
            "job.yaml:27:43: sources.messages.schema[1].metadata: expected header:NAME, the name "
            "of a Kafka header");
  EXPECT_EQ(
      LoadError(Edit("      - {name: account_id, type: string}\n",
                     "      - {name: account_id, type: string}\n"
                     "      - {name: h, type: long, metadata: headers}\n")),
      "job.yaml:27:25: sources.messages.schema[1].type: metadata column 'h' (headers) must be "
      "of type string");
}

}  // namespace
}  // namespace floe::pipeline
