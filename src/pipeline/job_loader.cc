#include "pipeline/job_loader.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <sstream>

#include "common/listen_address.h"
#include "pipeline/job_overrides_internal.h"
#include "pipeline/job_shape_internal.h"
#include "stream/window/aggregate_layout.h"
#include "stream/window/group_key.h"

namespace floe::pipeline {

namespace {

using internal::Shape;
using internal::ShapeKind;

constexpr std::string_view kDeadLetterName = "dead_letter";
constexpr std::string_view kDurationExample = "a duration like 30s";
constexpr std::string_view kKafkaTopicsKey = "topics";
constexpr std::string_view kWarehouseKey = "warehouse";
constexpr std::string_view kUriKey = "uri";

// The primitive type names of Iceberg's schema JSON, for did-you-mean on a bad type name.
const std::vector<std::string_view> kPrimitiveTypeNames = {
    "boolean",  "int",    "long",         "float",         "double", "decimal(P, S)",
    "date",     "time",   "timestamp",    "timestamptz",   "string", "uuid",
    "fixed[L]", "binary", "timestamp_ns", "timestamptz_ns"};

// Which keys each kind of source and sink takes, beyond the shared shape of the file.
const std::vector<std::string_view> kFileSourceKeys = {"type", "path", "format", "schema",
                                                       "event_time"};
const std::vector<std::string_view> kKafkaSourceKeys = {"type", "format", "schema", "event_time",
                                                        "properties"};
const std::vector<std::string_view> kIcebergSinkKeys = {
    "type",         "catalog",           "table",      "create_if_missing",
    "partition_by", "write_parallelism", "properties", "mode",
    "primary_key",  "delete_mode",       "columns"};
const std::vector<std::string_view> kJsonlSinkKeys = {"type", "path"};
const std::vector<std::string_view> kKafkaSinkKeys = {"type", "topic", "key", "properties"};

bool IsPresent(const YAML::Node& node) { return node.IsDefined() && !node.IsNull(); }

std::string JoinPath(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
}

std::string IndexPath(std::string_view path, size_t index) {
  return fmt::format("{}[{}]", path, index);
}

std::string_view NodeKindName(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "a value";
    default:
      return "nothing";
  }
}

/// Names of sources, sinks, catalogs and the job: safe in file names, metrics and paths.
bool IsValidName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

bool IsValidJobName(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

bool IsTimestampType(const iceberg::Type& type) {
  switch (type.id()) {
    case iceberg::TypeId::kTimestamp:
    case iceberg::TypeId::kTimestampTz:
    case iceberg::TypeId::kTimestampNs:
    case iceberg::TypeId::kTimestampTzNs:
      return true;
    default:
      return false;
  }
}

/// One of a fixed set of names mapped to an enum value.
template <typename Enum>
using Choices = std::vector<std::pair<std::string_view, Enum>>;

/// Turns a parsed YAML tree into a JobConfig, checking as it goes. Holds references to the
/// caller's environment and override list: lives only for one LoadJobText call.
class JobDecoder {
 public:
  JobDecoder(std::string file, const Environment& environment,
             const std::vector<std::string>& overridden_paths)
      : file_(std::move(file)), environment_(environment), overridden_paths_(overridden_paths) {}

  Result<JobConfig> Decode(const YAML::Node& root) {
    FLOE_RETURN_IF_ERROR(CheckShape(root, internal::RootShape(), ""));
    JobConfig job;

    YAML::Node job_node = root["job"];
    if (!IsPresent(job_node)) return Fail(root, "", "missing required key 'job'");
    FLOE_ASSIGN_OR_RAISE(job.name, RequiredText(job_node, "name", "job"));
    if (!IsValidJobName(job.name)) {
      return Fail(
          job_node["name"], "job.name",
          fmt::format("invalid job name '{}': use letters, digits, '_', '.' and '-'", job.name));
    }
    FLOE_ASSIGN_OR_RAISE(job.checkpoint, DecodeCheckpoint(job_node["checkpoint"]));
    FLOE_ASSIGN_OR_RAISE(job.parallelism,
                         Integer(job_node, "parallelism", "job", job.parallelism, /*minimum=*/1));
    FLOE_ASSIGN_OR_RAISE(job.http_allow_remote, Bool(job_node, "http_allow_remote", "job", false));
    FLOE_ASSIGN_OR_RAISE(job.http, OptionalText(job_node, "http", "job"));
    if (job.http) {
      auto address = ParseListenAddress(*job.http, job.http_allow_remote);
      if (!address.ok()) return Fail(job_node["http"], "job.http", address.status().message());
    }

    for (const auto& entry : root["catalogs"]) {
      std::string name = entry.first.Scalar();
      FLOE_ASSIGN_OR_RAISE(CatalogConfig catalog,
                           DecodeCatalog(name, entry.second, JoinPath("catalogs", name)));
      job.catalogs.push_back(std::move(catalog));
    }

    YAML::Node sources = root["sources"];
    if (!IsPresent(sources)) return Fail(root, "", "missing required key 'sources'");
    if (sources.size() != 1) {
      return Fail(sources, "sources",
                  fmt::format("exactly one source is supported for now, found {}", sources.size()));
    }
    for (const auto& entry : sources) {
      std::string name = entry.first.Scalar();
      FLOE_ASSIGN_OR_RAISE(SourceConfig source,
                           DecodeSource(name, entry.second, JoinPath("sources", name)));
      job.sources.push_back(std::move(source));
    }

    YAML::Node transforms = root["transforms"];
    if (IsPresent(transforms)) {
      for (size_t i = 0; i < transforms.size(); ++i) {
        FLOE_ASSIGN_OR_RAISE(stream::TransformSpec transform,
                             DecodeTransform(transforms[i], IndexPath("transforms", i)));
        job.transforms.push_back(std::move(transform));
      }
    }

    FLOE_RETURN_IF_ERROR(CheckWindows(root["transforms"], job));

    YAML::Node sinks = root["sinks"];
    if (!IsPresent(sinks) || sinks.size() == 0) {
      return Fail(IsPresent(sinks) ? sinks : root, IsPresent(sinks) ? "sinks" : "",
                  "missing required key 'sinks' (at least one sink)");
    }
    for (const auto& entry : sinks) {
      std::string name = entry.first.Scalar();
      FLOE_ASSIGN_OR_RAISE(SinkConfig sink,
                           DecodeSink(name, entry.second, JoinPath("sinks", name), job.catalogs));
      FLOE_RETURN_IF_ERROR(CheckChangeStreamNeeds(sink, entry.second, job.sources));
      job.sinks.push_back(std::move(sink));
    }

    YAML::Node dead_letter = root[std::string(kDeadLetterName)];
    if (IsPresent(dead_letter)) {
      FLOE_ASSIGN_OR_RAISE(job.dead_letter, DecodeSink(std::string(kDeadLetterName), dead_letter,
                                                       std::string(kDeadLetterName), job.catalogs));
    }
    return job;
  }

 private:
  /// Where `node` (at `path`) came from: a --set override, else its line and column.
  ConfigLocation Locate(const YAML::Node& node, const std::string& path) const {
    ConfigLocation location{file_, 0, 0, path};
    bool has_mark = node.IsDefined() && !node.Mark().is_null();
    for (const std::string& overridden : overridden_paths_) {
      bool is_parent =
          overridden.size() > path.size() && overridden.starts_with(path) &&
          (path.empty() || overridden[path.size()] == '.' || overridden[path.size()] == '[');
      if (overridden == path || (!has_mark && is_parent)) {
        location.from_override = true;
        if (overridden != path) location.path = overridden;
        return location;
      }
    }
    if (has_mark) {
      location.line = node.Mark().line + 1;
      location.column = node.Mark().column + 1;
    }
    return location;
  }

  Status Fail(const YAML::Node& node, const std::string& path, std::string_view message) const {
    ConfigLocation location = Locate(node, path);
    if (location.path.empty()) {
      if (location.line > 0) {
        return InvalidArgument("{}:{}:{}: {}", file_, location.line, location.column, message);
      }
      return InvalidArgument("{}: {}", file_, message);
    }
    return InvalidArgument("{}: {}", location.ToString(), message);
  }

  Status MissingKey(const YAML::Node& map, const std::string& map_path,
                    std::string_view key) const {
    return Fail(map, map_path, fmt::format("missing required key '{}'", key));
  }

  /// Rejects maps with repeated keys and non-scalar keys; collects the key names.
  Status CheckMapKeys(const YAML::Node& node, const std::string& path,
                      std::vector<std::string>* names) const {
    std::map<std::string, int> first_line;
    for (const auto& entry : node) {
      if (!entry.first.IsScalar()) {
        return Fail(entry.first, path, "keys must be plain names, not maps or lists");
      }
      const std::string& key = entry.first.Scalar();
      auto [it, inserted] = first_line.emplace(key, entry.first.Mark().line + 1);
      if (!inserted) {
        return Fail(entry.first, JoinPath(path, key),
                    fmt::format("duplicate key '{}' (first at line {})", key, it->second));
      }
      names->push_back(key);
    }
    return Status::Ok();
  }

  /// Checks the structure of the whole tree against the job file's shape: maps where maps
  /// belong, lists where lists belong, and no unknown keys. Values are checked by the decoders.
  Status CheckShape(const YAML::Node& node, const Shape& shape, const std::string& path) const {
    if (!IsPresent(node)) return Status::Ok();
    auto expect = [&](bool ok, std::string_view what) -> Status {
      if (ok) return Status::Ok();
      return Fail(node, path, fmt::format("expected {}, got {}", what, NodeKindName(node)));
    };
    std::vector<std::string> keys;
    switch (shape.kind) {
      case ShapeKind::kScalar:
        return expect(node.IsScalar(), "a value");
      case ShapeKind::kList:
        FLOE_RETURN_IF_ERROR(expect(node.IsSequence(), "a list"));
        for (size_t i = 0; i < node.size(); ++i) {
          FLOE_RETURN_IF_ERROR(CheckShape(node[i], *shape.element, IndexPath(path, i)));
        }
        return Status::Ok();
      case ShapeKind::kFreeMap:
        FLOE_RETURN_IF_ERROR(expect(node.IsMap(), "a map of properties"));
        FLOE_RETURN_IF_ERROR(CheckMapKeys(node, path, &keys));
        for (const auto& entry : node) {
          if (IsPresent(entry.second) && !entry.second.IsScalar()) {
            return Fail(entry.second, JoinPath(path, entry.first.Scalar()),
                        fmt::format("expected a value, got {}", NodeKindName(entry.second)));
          }
        }
        return Status::Ok();
      case ShapeKind::kNamedMap:
        FLOE_RETURN_IF_ERROR(expect(node.IsMap(), fmt::format("a map of {}s", shape.element_noun)));
        FLOE_RETURN_IF_ERROR(CheckMapKeys(node, path, &keys));
        for (const auto& entry : node) {
          const std::string& name = entry.first.Scalar();
          if (!IsValidName(name)) {
            return Fail(entry.first, JoinPath(path, name),
                        fmt::format("invalid {} name '{}': use letters, digits, '_' and '-'",
                                    shape.element_noun, name));
          }
          FLOE_RETURN_IF_ERROR(CheckShape(entry.second, *shape.element, JoinPath(path, name)));
        }
        return Status::Ok();
      case ShapeKind::kSection:
        if (shape.or_scalar && node.IsScalar()) return Status::Ok();
        FLOE_RETURN_IF_ERROR(expect(node.IsMap(), fmt::format("a map of {}", shape.KeyList())));
        FLOE_RETURN_IF_ERROR(CheckMapKeys(node, path, &keys));
        if (shape.exactly_one_key && keys.size() != 1) {
          return Fail(
              node, path,
              fmt::format("expected exactly one of {}, got {} keys", shape.KeyList(), keys.size()));
        }
        for (const auto& entry : node) {
          const std::string& key = entry.first.Scalar();
          const Shape* child = shape.Find(key);
          if (child == nullptr) {
            std::vector<std::string_view> known;
            for (const auto& known_key : shape.keys) known.push_back(known_key.first);
            std::string hint = internal::DidYouMean(key, known);
            if (hint.empty()) hint = fmt::format(" (expected one of: {})", shape.KeyList());
            return Fail(entry.first, JoinPath(path, key),
                        fmt::format("unknown key '{}'{}", key, hint));
          }
          FLOE_RETURN_IF_ERROR(CheckShape(entry.second, *child, JoinPath(path, key)));
        }
        return Status::Ok();
    }
    return Status::Ok();
  }

  /// A scalar's text with ${VAR}s replaced.
  Result<std::string> Text(const YAML::Node& node, const std::string& path) const {
    if (!node.IsScalar()) {
      return Fail(node, path, fmt::format("expected a value, got {}", NodeKindName(node)));
    }
    auto text = Interpolate(node.Scalar(), environment_);
    if (!text.ok()) return Fail(node, path, text.status().message());
    return text;
  }

  Result<std::optional<std::string>> OptionalText(const YAML::Node& map, std::string_view key,
                                                  const std::string& map_path) const {
    YAML::Node node = map[std::string(key)];
    if (!IsPresent(node)) return std::optional<std::string>();
    FLOE_ASSIGN_OR_RAISE(std::string text, Text(node, JoinPath(map_path, key)));
    return std::optional<std::string>(std::move(text));
  }

  Result<std::string> RequiredText(const YAML::Node& map, std::string_view key,
                                   const std::string& map_path) const {
    FLOE_ASSIGN_OR_RAISE(std::optional<std::string> text, OptionalText(map, key, map_path));
    if (!text) return MissingKey(map, map_path, key);
    if (text->empty()) {
      return Fail(map[std::string(key)], JoinPath(map_path, key), "must not be empty");
    }
    return std::move(*text);
  }

  Result<std::chrono::milliseconds> Duration(const YAML::Node& map, std::string_view key,
                                             const std::string& map_path,
                                             std::chrono::milliseconds fallback) const {
    FLOE_ASSIGN_OR_RAISE(std::optional<std::string> text, OptionalText(map, key, map_path));
    if (!text) return fallback;
    auto duration = ParseDuration(*text);
    if (!duration.ok()) {
      return Fail(map[std::string(key)], JoinPath(map_path, key),
                  fmt::format("expected {}, got '{}'", kDurationExample, *text));
    }
    return duration;
  }

  Result<int32_t> Integer(const YAML::Node& map, std::string_view key, const std::string& map_path,
                          int32_t fallback, int32_t minimum) const {
    FLOE_ASSIGN_OR_RAISE(std::optional<std::string> text, OptionalText(map, key, map_path));
    if (!text) return fallback;
    int32_t value = 0;
    auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
    std::string path = JoinPath(map_path, key);
    if (error != std::errc() || end != text->data() + text->size()) {
      return Fail(map[std::string(key)], path, fmt::format("expected an integer, got '{}'", *text));
    }
    if (value < minimum) {
      return Fail(map[std::string(key)], path,
                  fmt::format("must be at least {}, got {}", minimum, value));
    }
    return value;
  }

  Result<bool> Bool(const YAML::Node& map, std::string_view key, const std::string& map_path,
                    bool fallback) const {
    FLOE_ASSIGN_OR_RAISE(std::optional<std::string> text, OptionalText(map, key, map_path));
    if (!text) return fallback;
    if (*text == "true") return true;
    if (*text == "false") return false;
    return Fail(map[std::string(key)], JoinPath(map_path, key),
                fmt::format("expected true or false, got '{}'", *text));
  }

  template <typename Enum>
  Result<Enum> Choice(const YAML::Node& map, std::string_view key, const std::string& map_path,
                      std::string_view what, const Choices<Enum>& choices) const {
    FLOE_ASSIGN_OR_RAISE(std::string text, RequiredText(map, key, map_path));
    std::vector<std::string_view> names;
    for (const auto& [name, value] : choices) {
      if (name == text) return value;
      names.push_back(name);
    }
    return Fail(map[std::string(key)], JoinPath(map_path, key),
                fmt::format("unknown {} '{}'{} (expected one of: {})", what, text,
                            internal::DidYouMean(text, names), fmt::join(names, ", ")));
  }

  Result<iceberg::TypePtr> IcebergType(const YAML::Node& node, const std::string& path) const {
    FLOE_ASSIGN_OR_RAISE(std::string name, Text(node, path));
    auto type = iceberg::Type::FromPrimitiveName(name);
    if (!type.ok()) {
      return Fail(node, path,
                  fmt::format("unknown Iceberg type '{}'{}", name,
                              internal::DidYouMean(name, kPrimitiveTypeNames)));
    }
    return type;
  }

  /// Every key/value of a free-form map, interpolated; null values become "".
  Result<PropertyMap> Properties(const YAML::Node& node, const std::string& path,
                                 const std::vector<std::string_view>& skip = {}) const {
    PropertyMap properties;
    if (!IsPresent(node)) return properties;
    for (const auto& entry : node) {
      const std::string& key = entry.first.Scalar();
      if (std::find(skip.begin(), skip.end(), key) != skip.end()) continue;
      std::string value;
      if (IsPresent(entry.second)) {
        FLOE_ASSIGN_OR_RAISE(value, Text(entry.second, JoinPath(path, key)));
      }
      properties[key] = std::move(value);
    }
    return properties;
  }

  /// Rejects keys that exist in the file's shape but do not apply to this kind of source/sink.
  Status CheckKeysApply(const YAML::Node& node, const std::string& path, std::string_view kind,
                        const std::vector<std::string_view>& allowed) const {
    for (const auto& entry : node) {
      const std::string& key = entry.first.Scalar();
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        return Fail(entry.first, JoinPath(path, key),
                    fmt::format("'{}' does not apply to {} (its keys: {})", key, kind,
                                fmt::join(allowed, ", ")));
      }
    }
    return Status::Ok();
  }

  Result<CheckpointConfig> DecodeCheckpoint(const YAML::Node& node) const {
    CheckpointConfig checkpoint;
    if (!IsPresent(node)) return checkpoint;
    const std::string path = "job.checkpoint";
    FLOE_ASSIGN_OR_RAISE(checkpoint.interval,
                         Duration(node, "interval", path, checkpoint.interval));
    FLOE_ASSIGN_OR_RAISE(checkpoint.min_pause,
                         Duration(node, "min_pause", path, checkpoint.min_pause));
    FLOE_ASSIGN_OR_RAISE(checkpoint.timeout, Duration(node, "timeout", path, checkpoint.timeout));
    FLOE_ASSIGN_OR_RAISE(checkpoint.tolerable_failures,
                         Integer(node, "tolerable_failures", path, checkpoint.tolerable_failures,
                                 /*minimum=*/0));
    if (checkpoint.interval.count() == 0) {
      return Fail(node["interval"], JoinPath(path, "interval"), "must be greater than 0");
    }
    if (checkpoint.timeout.count() == 0) {
      return Fail(node["timeout"], JoinPath(path, "timeout"), "must be greater than 0");
    }
    return checkpoint;
  }

  Result<CatalogConfig> DecodeCatalog(const std::string& name, const YAML::Node& node,
                                      const std::string& path) const {
    CatalogConfig catalog;
    catalog.name = name;
    if (!IsPresent(node)) return MissingKey(node, path, "type");
    FLOE_ASSIGN_OR_RAISE(catalog.type, Choice<CatalogType>(node, "type", path, "catalog type",
                                                           {{"sql", CatalogType::kSql},
                                                            {"rest", CatalogType::kRest},
                                                            {"hadoop", CatalogType::kHadoop}}));
    FLOE_ASSIGN_OR_RAISE(catalog.properties, Properties(node, path, {"type"}));
    std::string_view needed = catalog.type == CatalogType::kRest ? kUriKey : kWarehouseKey;
    auto it = catalog.properties.find(std::string(needed));
    if (it == catalog.properties.end() || it->second.empty()) {
      return Fail(node, path,
                  fmt::format("a {} catalog needs '{}'", CatalogTypeName(catalog.type), needed));
    }
    return catalog;
  }

  Result<SourceConfig> DecodeSource(const std::string& name, const YAML::Node& node,
                                    const std::string& path) const {
    SourceConfig source;
    source.name = name;
    if (!IsPresent(node)) return MissingKey(node, path, "type");
    FLOE_ASSIGN_OR_RAISE(source.type, Choice<SourceType>(node, "type", path, "source type",
                                                         {{"file", SourceType::kFile},
                                                          {"kafka", SourceType::kKafka}}));
    bool is_file = source.type == SourceType::kFile;
    FLOE_RETURN_IF_ERROR(CheckKeysApply(node, path, is_file ? "file sources" : "kafka sources",
                                        is_file ? kFileSourceKeys : kKafkaSourceKeys));
    if (is_file) {
      FLOE_ASSIGN_OR_RAISE(source.path, RequiredText(node, "path", path));
    }
    if (IsPresent(node["format"])) {
      FLOE_ASSIGN_OR_RAISE(source.format,
                           Choice<RecordFormat>(node, "format", path, "format",
                                                {{"json", RecordFormat::kJson},
                                                 {"debezium-json", RecordFormat::kDebeziumJson}}));
    }

    std::string schema_path = JoinPath(path, "schema");
    YAML::Node schema = node["schema"];
    if (!IsPresent(schema) || schema.size() == 0) {
      return Fail(IsPresent(schema) ? schema : node, IsPresent(schema) ? schema_path : path,
                  "missing required key 'schema' (the decoded columns, at least one)");
    }
    for (size_t i = 0; i < schema.size(); ++i) {
      YAML::Node column_node = schema[i];
      std::string column_path = IndexPath(schema_path, i);
      if (!IsPresent(column_node)) return MissingKey(column_node, column_path, "name");
      ColumnConfig column;
      FLOE_ASSIGN_OR_RAISE(column.name, RequiredText(column_node, "name", column_path));
      for (const ColumnConfig& earlier : source.schema) {
        if (earlier.name == column.name) {
          return Fail(column_node["name"], JoinPath(column_path, "name"),
                      fmt::format("duplicate column '{}'", column.name));
        }
      }
      if (!IsPresent(column_node["type"])) return MissingKey(column_node, column_path, "type");
      FLOE_ASSIGN_OR_RAISE(column.type,
                           IcebergType(column_node["type"], JoinPath(column_path, "type")));
      FLOE_ASSIGN_OR_RAISE(column.required, Bool(column_node, "required", column_path, false));
      if (IsPresent(column_node["metadata"])) {
        std::string metadata_path = JoinPath(column_path, "metadata");
        const YAML::Node metadata_node = column_node["metadata"];
        constexpr std::string_view kHeaderPrefix = "header:";
        if (metadata_node.IsScalar() && metadata_node.Scalar().starts_with(kHeaderPrefix)) {
          column.metadata = stream::MetadataColumn::kHeader;
          column.header = metadata_node.Scalar().substr(kHeaderPrefix.size());
          if (column.header.empty()) {
            return Fail(metadata_node, metadata_path,
                        "expected header:NAME, the name of a Kafka header");
          }
        } else {
          FLOE_ASSIGN_OR_RAISE(column.metadata, MetadataChoice(column_node, column_path));
        }
        if (IsChangeMetadata(column.metadata) && source.format != RecordFormat::kDebeziumJson) {
          return Fail(metadata_node, metadata_path,
                      "cdc_op and cdc_ts need a change stream (format: debezium-json)");
        }
        iceberg::TypeId expected = stream::MetadataTypeId(column.metadata);
        if (column.type->id() != expected) {
          return Fail(column_node["type"], JoinPath(column_path, "type"),
                      fmt::format("metadata column '{}' ({}) must be of type {}", column.name,
                                  column_node["metadata"].Scalar(),
                                  iceberg::Type::Primitive(expected)->ToString()));
        }
      }
      source.schema.push_back(std::move(column));
    }

    YAML::Node event_time = node["event_time"];
    if (IsPresent(event_time)) {
      std::string event_path = JoinPath(path, "event_time");
      EventTimeConfig config;
      FLOE_ASSIGN_OR_RAISE(config.column, RequiredText(event_time, "column", event_path));
      auto column = std::find_if(source.schema.begin(), source.schema.end(),
                                 [&](const ColumnConfig& c) { return c.name == config.column; });
      std::string column_path = JoinPath(event_path, "column");
      if (column == source.schema.end()) {
        std::vector<std::string_view> names;
        for (const ColumnConfig& c : source.schema) names.push_back(c.name);
        return Fail(
            event_time["column"], column_path,
            fmt::format("unknown column '{}'{} (known: {})", config.column,
                        internal::DidYouMean(config.column, names), fmt::join(names, ", ")));
      }
      if (!IsTimestampType(*column->type)) {
        return Fail(event_time["column"], column_path,
                    fmt::format("event time column '{}' is {}, expected a timestamp type",
                                config.column, column->type->ToString()));
      }
      FLOE_ASSIGN_OR_RAISE(
          config.max_out_of_orderness,
          Duration(event_time, "max_out_of_orderness", event_path, config.max_out_of_orderness));
      FLOE_ASSIGN_OR_RAISE(config.idle_timeout,
                           Duration(event_time, "idle_timeout", event_path, config.idle_timeout));
      source.event_time = std::move(config);
    }

    std::string properties_path = JoinPath(path, "properties");
    FLOE_ASSIGN_OR_RAISE(source.properties, Properties(node["properties"], properties_path));
    if (!is_file) {
      auto topics = source.properties.find(std::string(kKafkaTopicsKey));
      if (topics == source.properties.end() || topics->second.empty()) {
        return Fail(IsPresent(node["properties"]) ? node["properties"] : node,
                    IsPresent(node["properties"]) ? properties_path : path,
                    fmt::format("a kafka source needs properties.{}", kKafkaTopicsKey));
      }
    }
    return source;
  }

  Result<stream::TransformSpec> DecodeTransform(const YAML::Node& node,
                                                const std::string& path) const {
    stream::TransformSpec transform;
    transform.label = Locate(node, path).ToString();
    if (!IsPresent(node)) {
      return Fail(node, path, "expected a transform: filter, project, enrich or window");
    }
    if (node["window"].IsDefined()) {
      transform.type = stream::TransformType::kWindow;
      FLOE_ASSIGN_OR_RAISE(transform.window,
                           DecodeWindow(node["window"], JoinPath(path, "window")));
      return transform;
    }
    if (node["filter"].IsDefined()) {
      transform.type = stream::TransformType::kFilter;
      std::string filter_path = JoinPath(path, "filter");
      YAML::Node filter = node["filter"];
      if (!IsPresent(filter)) return MissingKey(filter, filter_path, "where");
      FLOE_ASSIGN_OR_RAISE(transform.filter.where.text, RequiredText(filter, "where", filter_path));
      transform.filter.where.label =
          Locate(filter["where"], JoinPath(filter_path, "where")).ToString();
      return transform;
    }

    // `enrich` is `project` by another name: jobs read better with it when they only add.
    transform.type = stream::TransformType::kProject;
    const char* key = node["enrich"].IsDefined() ? "enrich" : "project";
    std::string project_path = JoinPath(path, key);
    YAML::Node project = node[key];
    if (!IsPresent(project) || project.size() == 0) {
      return Fail(IsPresent(project) ? project : node, IsPresent(project) ? project_path : path,
                  "a project needs at least one of add, rename, drop, cast");
    }
    std::string add_path = JoinPath(project_path, "add");
    for (const auto& entry : project["add"]) {
      std::string column_path = JoinPath(add_path, entry.first.Scalar());
      if (!IsPresent(entry.second)) return Fail(entry.second, column_path, "missing expression");
      FLOE_ASSIGN_OR_RAISE(std::string text, Text(entry.second, column_path));
      transform.project.add.push_back(stream::NamedExpression{
          entry.first.Scalar(), {text, Locate(entry.second, column_path).ToString()}});
    }
    std::string rename_path = JoinPath(project_path, "rename");
    for (const auto& entry : project["rename"]) {
      std::string column_path = JoinPath(rename_path, entry.first.Scalar());
      if (!IsPresent(entry.second)) return Fail(entry.second, column_path, "missing new name");
      FLOE_ASSIGN_OR_RAISE(std::string to, Text(entry.second, column_path));
      transform.project.rename.emplace_back(entry.first.Scalar(), std::move(to));
    }
    std::string drop_path = JoinPath(project_path, "drop");
    YAML::Node drop = project["drop"];
    for (size_t i = 0; IsPresent(drop) && i < drop.size(); ++i) {
      FLOE_ASSIGN_OR_RAISE(std::string column, Text(drop[i], IndexPath(drop_path, i)));
      transform.project.drop.push_back(std::move(column));
    }
    std::string cast_path = JoinPath(project_path, "cast");
    for (const auto& entry : project["cast"]) {
      std::string column_path = JoinPath(cast_path, entry.first.Scalar());
      if (!IsPresent(entry.second)) return Fail(entry.second, column_path, "missing type");
      FLOE_ASSIGN_OR_RAISE(iceberg::TypePtr type, IcebergType(entry.second, column_path));
      transform.project.cast.push_back(stream::CastSpec{entry.first.Scalar(), std::move(type)});
    }
    return transform;
  }

  /// A duration of a window in microseconds; 0 when absent.
  Result<int64_t> WindowDuration(const YAML::Node& node, std::string_view key,
                                 const std::string& path) const {
    FLOE_ASSIGN_OR_RAISE(std::chrono::milliseconds duration,
                         Duration(node, key, path, std::chrono::milliseconds(0)));
    return std::chrono::duration_cast<std::chrono::microseconds>(duration).count();
  }

  Result<stream::window::WindowSpec> DecodeWindow(const YAML::Node& node,
                                                  const std::string& path) const {
    using stream::window::WindowKind;
    stream::window::WindowSpec spec;
    if (!IsPresent(node)) return MissingKey(node, path, "kind");
    FLOE_ASSIGN_OR_RAISE(spec.kind, Choice<WindowKind>(node, "kind", path, "window kind",
                                                       {{"tumble", WindowKind::kTumble},
                                                        {"hop", WindowKind::kHop},
                                                        {"session", WindowKind::kSession},
                                                        {"cumulate", WindowKind::kCumulate}}));
    struct Length {
      std::string_view key;
      int64_t* micros;
      std::vector<WindowKind> kinds;  // the kinds that take it, and need it
      std::string_view meaning;
    };
    const std::vector<Length> lengths = {
        {"size",
         &spec.size_micros,
         {WindowKind::kTumble, WindowKind::kHop, WindowKind::kCumulate},
         "the window's length (cumulate: the largest window)"},
        {"slide", &spec.slide_micros, {WindowKind::kHop}, "how far apart hop windows start"},
        {"step", &spec.step_micros, {WindowKind::kCumulate}, "how much a cumulate window grows"},
        {"gap", &spec.gap_micros, {WindowKind::kSession}, "the quiet time that ends a session"}};
    const std::string_view kind_name = stream::window::WindowKindName(spec.kind);
    for (const Length& length : lengths) {
      const bool takes =
          std::find(length.kinds.begin(), length.kinds.end(), spec.kind) != length.kinds.end();
      const YAML::Node value = node[std::string(length.key)];
      if (!takes && IsPresent(value)) {
        std::string also = spec.kind == WindowKind::kSession ? " (a session ends after 'gap')" : "";
        return Fail(value, JoinPath(path, length.key),
                    fmt::format("a {} window takes no '{}'{}", kind_name, length.key, also));
      }
      if (!takes) continue;
      if (!IsPresent(value)) {
        return Fail(
            node, path,
            fmt::format("a {} window needs '{}' ({})", kind_name, length.key, length.meaning));
      }
      FLOE_ASSIGN_OR_RAISE(*length.micros, WindowDuration(node, length.key, path));
      if (*length.micros <= 0) {
        return Fail(value, JoinPath(path, length.key), "must be longer than 0s");
      }
    }
    if (spec.kind == WindowKind::kCumulate && spec.size_micros % spec.step_micros != 0) {
      return Fail(node["size"], JoinPath(path, "size"),
                  fmt::format("a cumulate window's size ({}) must be a multiple of its step ({})",
                              node["size"].Scalar(), node["step"].Scalar()));
    }
    FLOE_ASSIGN_OR_RAISE(spec.allowed_lateness_micros,
                         WindowDuration(node, "allowed_lateness", path));
    const std::string group_path = JoinPath(path, "group_by");
    const YAML::Node group_by = node["group_by"];
    spec.group_by_label = Locate(group_by, group_path).ToString();
    for (size_t i = 0; IsPresent(group_by) && i < group_by.size(); ++i) {
      const std::string column_path = IndexPath(group_path, i);
      FLOE_ASSIGN_OR_RAISE(std::string column, Text(group_by[i], column_path));
      if (std::find(spec.group_by.begin(), spec.group_by.end(), column) != spec.group_by.end()) {
        return Fail(group_by[i], column_path, fmt::format("'{}' is listed twice", column));
      }
      spec.group_by.push_back(std::move(column));
    }
    FLOE_RETURN_IF_ERROR(DecodeInputKeyedBy(node, path, &spec));
    FLOE_ASSIGN_OR_RAISE(spec.repartition, Bool(node, "repartition", path, false));
    if (spec.repartition && !spec.input_keyed_by.empty()) {
      return Fail(node["repartition"], JoinPath(path, "repartition"),
                  "an input keyed by the group key (input_keyed_by) needs no repartition topic");
    }
    const std::string aggregates_path = JoinPath(path, "aggregates");
    const YAML::Node aggregates = node["aggregates"];
    if (!IsPresent(aggregates) || aggregates.size() == 0) {
      return Fail(IsPresent(aggregates) ? aggregates : node,
                  IsPresent(aggregates) ? aggregates_path : path,
                  "a window needs aggregates (output name: expression, e.g. n: count(*))");
    }
    for (const auto& entry : aggregates) {
      const std::string name = entry.first.Scalar();
      const std::string aggregate_path = JoinPath(aggregates_path, name);
      if (!IsPresent(entry.second)) return Fail(entry.second, aggregate_path, "missing aggregate");
      FLOE_ASSIGN_OR_RAISE(std::string text, Text(entry.second, aggregate_path));
      auto aggregate = stream::window::ParseAggregate(name, text);
      if (!aggregate.ok()) return Fail(entry.second, aggregate_path, aggregate.status().message());
      spec.aggregates.push_back(std::move(*aggregate));
      spec.aggregate_labels.push_back(Locate(entry.second, aggregate_path).ToString());
    }
    auto valid = spec.Validate();
    if (!valid.ok()) return Fail(node, path, valid.message());
    return spec;
  }

  /// `input_keyed_by`: columns of the window's group_by, each once.
  Status DecodeInputKeyedBy(const YAML::Node& node, const std::string& path,
                            stream::window::WindowSpec* spec) const {
    const std::string keyed_path = JoinPath(path, "input_keyed_by");
    const YAML::Node keyed = node["input_keyed_by"];
    if (!IsPresent(keyed)) return Status::Ok();
    if (keyed.size() == 0) {
      return Fail(keyed, keyed_path,
                  "an empty list: name the group_by columns the input's Kafka key holds, or "
                  "leave input_keyed_by out");
    }
    spec->input_keyed_by_label = Locate(keyed, keyed_path).ToString();
    for (size_t i = 0; i < keyed.size(); ++i) {
      const std::string column_path = IndexPath(keyed_path, i);
      FLOE_ASSIGN_OR_RAISE(std::string column, Text(keyed[i], column_path));
      const auto& group_by = spec->group_by;
      if (std::find(group_by.begin(), group_by.end(), column) == group_by.end()) {
        return Fail(keyed[i], column_path,
                    fmt::format("'{}' is not in group_by ({}): a window's input can only be "
                                "keyed by its group keys",
                                column, fmt::join(group_by, ", ")));
      }
      const auto& listed = spec->input_keyed_by;
      if (std::find(listed.begin(), listed.end(), column) != listed.end()) {
        return Fail(keyed[i], column_path, fmt::format("'{}' is listed twice", column));
      }
      spec->input_keyed_by.push_back(std::move(column));
    }
    return Status::Ok();
  }

  /// A window reads the source's event time; when only filters come before it, its columns are
  /// the source's, so group_by and aggregates are checked here, where each was written. (After a
  /// project, the job builder binds the step and names the step's location.)
  Status CheckWindows(const YAML::Node& transforms, const JobConfig& job) const {
    bool only_filters = true;
    for (size_t i = 0; i < job.transforms.size(); ++i) {
      const stream::TransformSpec& transform = job.transforms[i];
      if (transform.type != stream::TransformType::kWindow) {
        only_filters = only_filters && transform.type == stream::TransformType::kFilter;
        continue;
      }
      const std::string path = JoinPath(IndexPath("transforms", i), "window");
      const SourceConfig& source = job.sources.front();
      if (!source.event_time) {
        return Fail(transforms[i]["window"], path,
                    fmt::format("a window needs event time: add event_time (column, "
                                "max_out_of_orderness) to source '{}'",
                                source.name));
      }
      if (!transform.window.input_keyed_by.empty() && source.type != SourceType::kKafka) {
        return Fail(transforms[i]["window"]["input_keyed_by"], JoinPath(path, "input_keyed_by"),
                    fmt::format("source '{}' is a file: input_keyed_by describes the key of a "
                                "kafka source's partitions",
                                source.name));
      }
      if (transform.window.repartition && source.type != SourceType::kKafka) {
        return Fail(transforms[i]["window"]["repartition"], JoinPath(path, "repartition"),
                    fmt::format("source '{}' is a file: a repartition topic spreads a kafka "
                                "source's keys over the processes of its group",
                                source.name));
      }
      if (!only_filters) continue;
      std::vector<iceberg::NestedField> fields;
      for (const ColumnConfig& column : source.schema) {
        fields.push_back(iceberg::NestedField{static_cast<int32_t>(fields.size() + 1), column.name,
                                              column.required, column.type, ""});
      }
      const iceberg::Schema schema(0, std::move(fields));
      const stream::window::WindowSpec& spec = transform.window;
      auto key = stream::window::GroupKey::Make(schema, spec.group_by);
      if (!key.ok()) return InvalidArgument("{}: {}", spec.group_by_label, key.status().message());
      for (size_t a = 0; a < spec.aggregates.size(); ++a) {
        auto layout = stream::window::AggregateLayout::Make(schema, {spec.aggregates[a]});
        if (!layout.ok()) {
          return InvalidArgument("{}: {}", spec.aggregate_labels[a], layout.status().message());
        }
      }
    }
    return Status::Ok();
  }

  Result<stream::MetadataColumn> MetadataChoice(const YAML::Node& map,
                                                const std::string& map_path) const {
    return Choice<stream::MetadataColumn>(map, "metadata", map_path, "source metadata",
                                          {{"topic", stream::MetadataColumn::kTopic},
                                           {"partition", stream::MetadataColumn::kPartition},
                                           {"offset", stream::MetadataColumn::kOffset},
                                           {"timestamp", stream::MetadataColumn::kTimestamp},
                                           {"key", stream::MetadataColumn::kKey},
                                           {"headers", stream::MetadataColumn::kHeaders},
                                           {"cdc_op", stream::MetadataColumn::kCdcOp},
                                           {"cdc_ts", stream::MetadataColumn::kCdcTs}});
  }

  /// An upsert sink, or a sink column of cdc_op/cdc_ts, needs a change stream as its input.
  Status CheckChangeStreamNeeds(const SinkConfig& sink, const YAML::Node& node,
                                const std::vector<SourceConfig>& sources) const {
    const bool changes = std::any_of(sources.begin(), sources.end(), [](const SourceConfig& s) {
      return s.format == RecordFormat::kDebeziumJson;
    });
    if (changes) return Status::Ok();
    const std::string path = JoinPath("sinks", sink.name);
    if (sink.mode == SinkMode::kUpsert) {
      return Fail(node["mode"], JoinPath(path, "mode"),
                  "the input is not a change stream: mode upsert needs a source with format "
                  "debezium-json");
    }
    for (size_t i = 0; i < sink.columns.size(); ++i) {
      if (IsChangeMetadata(sink.columns[i].metadata)) {
        return Fail(node["columns"][i], IndexPath(JoinPath(path, "columns"), i),
                    "the input is not a change stream: cdc_op and cdc_ts need a source with "
                    "format debezium-json");
      }
    }
    return Status::Ok();
  }

  static bool IsChangeMetadata(stream::MetadataColumn metadata) {
    return metadata == stream::MetadataColumn::kCdcOp || metadata == stream::MetadataColumn::kCdcTs;
  }

  /// An Iceberg sink's mode, primary_key, delete_mode and columns.
  Status DecodeSinkShape(const YAML::Node& node, const std::string& path, SinkConfig* sink) const {
    if (IsPresent(node["mode"])) {
      FLOE_ASSIGN_OR_RAISE(sink->mode, Choice<SinkMode>(node, "mode", path, "sink mode",
                                                        {{"append", SinkMode::kAppend},
                                                         {"upsert", SinkMode::kUpsert}}));
    }
    if (IsPresent(node["delete_mode"])) {
      FLOE_ASSIGN_OR_RAISE(sink->delete_mode,
                           Choice<DeleteMode>(node, "delete_mode", path, "delete mode",
                                              {{"position", DeleteMode::kPosition},
                                               {"equality", DeleteMode::kEquality}}));
    }
    const YAML::Node key = node["primary_key"];
    const std::string key_path = JoinPath(path, "primary_key");
    for (size_t i = 0; IsPresent(key) && i < key.size(); ++i) {
      FLOE_ASSIGN_OR_RAISE(std::string column, Text(key[i], IndexPath(key_path, i)));
      if (std::find(sink->primary_key.begin(), sink->primary_key.end(), column) !=
          sink->primary_key.end()) {
        return Fail(key[i], IndexPath(key_path, i), fmt::format("duplicate column '{}'", column));
      }
      sink->primary_key.push_back(std::move(column));
    }
    if (sink->mode == SinkMode::kUpsert && sink->primary_key.empty()) {
      return Fail(IsPresent(key) ? key : node, IsPresent(key) ? key_path : path,
                  "mode: upsert needs a primary_key (a list of columns)");
    }
    if (sink->mode != SinkMode::kUpsert && (IsPresent(key) || IsPresent(node["delete_mode"]))) {
      const char* which = IsPresent(key) ? "primary_key" : "delete_mode";
      return Fail(node[which], JoinPath(path, which), "applies to mode: upsert only");
    }
    const YAML::Node columns = node["columns"];
    const std::string columns_path = JoinPath(path, "columns");
    for (size_t i = 0; IsPresent(columns) && i < columns.size(); ++i) {
      const std::string column_path = IndexPath(columns_path, i);
      SinkColumnConfig column;
      column.location = Locate(columns[i], column_path);
      if (columns[i].IsScalar()) {
        FLOE_ASSIGN_OR_RAISE(column.name, Text(columns[i], column_path));
      } else {
        FLOE_ASSIGN_OR_RAISE(column.name, RequiredText(columns[i], "name", column_path));
        if (!IsPresent(columns[i]["metadata"])) {
          return MissingKey(columns[i], column_path, "metadata");
        }
        FLOE_ASSIGN_OR_RAISE(column.metadata, MetadataChoice(columns[i], column_path));
      }
      for (const SinkColumnConfig& earlier : sink->columns) {
        if (earlier.name == column.name) {
          return Fail(columns[i], column_path, fmt::format("duplicate column '{}'", column.name));
        }
      }
      sink->columns.push_back(std::move(column));
    }
    return Status::Ok();
  }

  Result<SinkConfig> DecodeSink(const std::string& name, const YAML::Node& node,
                                const std::string& path,
                                const std::vector<CatalogConfig>& catalogs) const {
    SinkConfig sink;
    sink.name = name;
    sink.location = Locate(node, path);
    if (!IsPresent(node)) return MissingKey(node, path, "type");
    FLOE_ASSIGN_OR_RAISE(sink.type, Choice<SinkType>(node, "type", path, "sink type",
                                                     {{"iceberg", SinkType::kIceberg},
                                                      {"jsonl", SinkType::kJsonl},
                                                      {"kafka", SinkType::kKafka}}));
    if (sink.type == SinkType::kJsonl) {
      FLOE_RETURN_IF_ERROR(CheckKeysApply(node, path, "jsonl sinks", kJsonlSinkKeys));
      FLOE_ASSIGN_OR_RAISE(sink.path, RequiredText(node, "path", path));
      return sink;
    }
    if (sink.type == SinkType::kKafka) {
      FLOE_RETURN_IF_ERROR(CheckKeysApply(node, path, "kafka sinks", kKafkaSinkKeys));
      FLOE_ASSIGN_OR_RAISE(sink.topic, RequiredText(node, "topic", path));
      if (IsPresent(node["key"])) {
        FLOE_ASSIGN_OR_RAISE(std::string key, Text(node["key"], JoinPath(path, "key")));
        sink.key = ConfigText{std::move(key), Locate(node["key"], JoinPath(path, "key"))};
      }
      FLOE_ASSIGN_OR_RAISE(sink.properties,
                           Properties(node["properties"], JoinPath(path, "properties")));
      return sink;
    }
    FLOE_RETURN_IF_ERROR(CheckKeysApply(node, path, "iceberg sinks", kIcebergSinkKeys));
    FLOE_ASSIGN_OR_RAISE(sink.catalog, RequiredText(node, "catalog", path));
    bool known = std::any_of(catalogs.begin(), catalogs.end(),
                             [&](const CatalogConfig& c) { return c.name == sink.catalog; });
    if (!known) {
      std::vector<std::string_view> names;
      for (const CatalogConfig& c : catalogs) names.push_back(c.name);
      return Fail(node["catalog"], JoinPath(path, "catalog"),
                  fmt::format("unknown catalog '{}' (known: {})", sink.catalog,
                              names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "))));
    }
    FLOE_ASSIGN_OR_RAISE(std::string table, RequiredText(node, "table", path));
    auto identifier = iceberg::TableIdentifier::Parse(table);
    if (!identifier.ok()) {
      return Fail(node["table"], JoinPath(path, "table"), identifier.status().message());
    }
    sink.table = std::move(*identifier);
    FLOE_ASSIGN_OR_RAISE(sink.create_if_missing, Bool(node, "create_if_missing", path, false));
    FLOE_ASSIGN_OR_RAISE(std::optional<std::string> partition_by,
                         OptionalText(node, "partition_by", path));
    if (partition_by && !partition_by->empty()) {
      std::string partition_path = JoinPath(path, "partition_by");
      sink.partition_by = ConfigText{*partition_by, Locate(node["partition_by"], partition_path)};
    }
    FLOE_ASSIGN_OR_RAISE(sink.write_parallelism, Integer(node, "write_parallelism", path,
                                                         sink.write_parallelism, /*minimum=*/1));
    FLOE_ASSIGN_OR_RAISE(sink.properties,
                         Properties(node["properties"], JoinPath(path, "properties")));
    FLOE_RETURN_IF_ERROR(DecodeSinkShape(node, path, &sink));
    return sink;
  }

  std::string file_;
  const Environment& environment_;
  const std::vector<std::string>& overridden_paths_;
};

Result<JobConfig> LoadParsed(const YAML::Node& parsed, const std::string& file_name,
                             const std::vector<std::string>& overrides,
                             const Environment& environment) {
  YAML::Node root = parsed;
  if (!IsPresent(root)) return InvalidArgument("{}: the job file is empty", file_name);
  if (!root.IsMap()) {
    return InvalidArgument("{}:{}:{}: expected a map with job, sources, sinks, ..., got {}",
                           file_name, root.Mark().line + 1, root.Mark().column + 1,
                           NodeKindName(root));
  }
  std::vector<std::string> overridden_paths;
  for (const std::string& assignment : overrides) {
    auto path = internal::ApplyOverride(root, assignment);
    if (!path.ok()) return InvalidArgument("{}: {}", file_name, path.status().message());
    overridden_paths.push_back(std::move(*path));
  }
  JobDecoder decoder(file_name, environment, overridden_paths);
  FLOE_ASSIGN_OR_RAISE(JobConfig job, decoder.Decode(root));
  job.file = file_name;
  return job;
}

}  // namespace

Result<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  struct Unit {
    std::string_view suffix;
    int64_t milliseconds;
  };
  // "ms" before "s" and "m": the longest suffix that matches wins.
  static constexpr Unit kUnits[] = {{"ms", 1}, {"s", 1000}, {"m", 60 * 1000}, {"h", 3600 * 1000}};
  for (const Unit& unit : kUnits) {
    if (!text.ends_with(unit.suffix)) continue;
    std::string_view digits = text.substr(0, text.size() - unit.suffix.size());
    int64_t count = 0;
    auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), count);
    if (digits.empty() || error != std::errc() || end != digits.data() + digits.size() ||
        count < 0 || count > std::numeric_limits<int64_t>::max() / unit.milliseconds) {
      break;
    }
    return std::chrono::milliseconds(count * unit.milliseconds);
  }
  return InvalidArgument("expected {}, got '{}'", kDurationExample, text);
}

Result<JobConfig> LoadJobText(std::string_view text, const std::string& file_name,
                              const std::vector<std::string>& overrides,
                              const Environment& environment) {
  // yaml-cpp reports everything by exception: they stop here, as Status.
  try {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(text));
    } catch (const YAML::ParserException& error) {
      if (error.mark.is_null())
        return InvalidArgument("{}: invalid YAML: {}", file_name, error.msg);
      return InvalidArgument("{}:{}:{}: invalid YAML: {}", file_name, error.mark.line + 1,
                             error.mark.column + 1, error.msg);
    }
    return LoadParsed(root, file_name, overrides, environment);
  } catch (const YAML::Exception& error) {
    return Internal("{}: unexpected YAML error: {}", file_name, error.what());
  } catch (const std::exception& error) {
    return Internal("{}: unexpected error loading the job: {}", file_name, error.what());
  }
}

Result<JobConfig> LoadJobFile(const std::string& path, const std::vector<std::string>& overrides,
                              const Environment& environment) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    int error = errno;
    if (error == ENOENT) return NotFound("{}: no such job file", path);
    return IoError("{}: cannot read the job file: {}", path, std::strerror(error));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return IoError("{}: cannot read the job file", path);
  return LoadJobText(text.str(), path, overrides, environment);
}

}  // namespace floe::pipeline
